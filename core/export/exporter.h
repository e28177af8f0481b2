#pragma once
// The export workflow behind Workbench::exportModel: plan the model, lower it to the chosen
// format, fail before writing anything when the format cannot express a layer, write every file
// atomically, and (with options.verify) run the file in its real consumer and compare with
// QuantLens's own forward.
#include "core/export/contract.h"
#include "core/export/plan.h"
#include "core/export/report.h"
#include "ql/types/export.h"

#include <filesystem>
#include <functional>
#include <vector>

namespace ql::core::exporting {

struct ExportRequest {
    models::QuantModelImpl *model = nullptr;
    InputContract contract;
    std::vector<types::LayerInfo> layers; ///< the layer table's rows (for the packed size check)
    std::vector<types::LayerQuantConfig> configs;
    const ReportData *report = nullptr; ///< the report format's content
    torch::Tensor images; ///< verification: normalised test images [N, C, H, W] on the CPU
    torch::Tensor labels; ///< their classes [N]
    std::function<void(const std::string &)> message; ///< progress lines (may be empty)
    std::function<bool()> stopRequested; ///< checked between verification batches (may be empty)
    int64_t batch = 500; ///< images per runtime call during verification
};

/// Exports as `options` say. Throws ql::core::Error (naming the layer and the format, and
/// having written nothing) when the format cannot express the model; a failed verification is
/// not an exception but a RuntimeCheck with passed = false. Not thread-safe (engine thread).
types::ExportResult exportModel(const ExportRequest &request, const types::ExportOptions &options);

/// How every layer would be exported in `options.format` (integer-deployable or float emulation,
/// how each tensor is stored), without writing anything; throws what exportModel would throw.
std::vector<types::LayerDeployment> previewExport(models::QuantModelImpl &model, const types::ExportOptions &options);

/// The files an export to `options` writes (the model and its sidecars), before writing them.
std::vector<std::filesystem::path> exportFiles(const types::ExportOptions &options, bool levelsSidecar = false);

} // namespace ql::core::exporting
