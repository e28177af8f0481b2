#pragma once
// The export report: per layer its configuration, step sizes and offsets, errors (SQNR, MSE,
// L2), sensitivity and deployability; for the model its size in FP32 and quantized, BOPs and
// accuracy FP32 vs quantized. Written as CSV (one row per layer) and JSON (everything).
#include "core/export/contract.h"
#include "ql/types/export.h"
#include "ql/types/jobs.h"
#include "ql/types/telemetry.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ql::core::exporting {

struct ReportLayer {
    types::LayerInfo info;
    types::LayerQuantConfig config;
    types::LayerDeployment deployment;
    std::shared_ptr<const types::LayerSnapshot> stats; ///< may be null
    std::optional<types::SensitivityRow> sensitivity;
};

struct ReportData {
    std::string arch;
    InputContract contract;
    std::vector<ReportLayer> layers;
    types::QuantEval accuracy; ///< FP32 and quantized on `accuracy.quantized.count` test images
    int64_t statisticsImages = 0; ///< images behind the per-layer statistics and sensitivity
};

/// Model totals: bytes in FP32 and quantized (types::layerStorageBytes), BOPs quantized and FP32.
struct ReportTotals {
    int64_t fp32Bytes = 0;
    int64_t quantizedBytes = 0;
    double bops = 0;
    double fp32Bops = 0;
};
ReportTotals reportTotals(const ReportData &data);

/// One row per layer, with a header line. Thread-safe.
std::string reportCsv(const ReportData &data);
/// Layers, totals, accuracy and the input contract. Thread-safe.
std::string reportJson(const ReportData &data);

} // namespace ql::core::exporting
