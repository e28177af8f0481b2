#pragma once
// Helpers shared by the compute commands of quantlens-cli.
#include "app/cli/cli.h"
#include "app/cli/progress.h"
#include "core/data/dataset.h"
#include "core/engine/job.h"
#include "ql/types/jobs.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <stop_token>

namespace ql::app::cli {

/// Options naming a data set: --data NAME|PATH.
OptionSpec dataOption();
/// Opens --data for `split`.
core::data::Dataset openData(const Args &args, core::data::Split split);

/// Callbacks printing to `bar`; Ctrl-C requests a stop (a second Ctrl-C kills).
core::engine::JobCallbacks terminalCallbacks(ProgressBar &bar);

/// Writes `j` to --json FILE when given (atomically).
void writeJsonIfAsked(const Args &args, const nlohmann::json &j);
OptionSpec jsonOption();

/// --verbose: list every image file that could not be read.
OptionSpec verboseOption();
/// --trust-torchscript: load TorchScript models and version-1 sessions, which run code when loaded.
OptionSpec trustOption();
/// Tells on standard error how many image files of the open data set could not be read and were
/// skipped, and lists them with --verbose.
void reportSkipped(const types::DataInfo &info, const Args &args);

} // namespace ql::app::cli
