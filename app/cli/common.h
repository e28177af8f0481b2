#pragma once
// Helpers shared by the compute commands of quantlens-cli.
#include "app/cli/cli.h"
#include "app/cli/progress.h"
#include "core/data/dataset.h"
#include "core/engine/job.h"

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

} // namespace ql::app::cli
