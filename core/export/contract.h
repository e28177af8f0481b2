#pragma once
// The input contract of every exported model: the same normalised NCHW float tensor the FP32
// PyTorch model takes, with a dynamic batch size, and the normalisation that makes it.
#include "core/export/plan.h"

#include <string>
#include <vector>

namespace ql::core::exporting {

struct InputContract {
    std::vector<float> mean; ///< per channel, on images scaled to [0, 1]
    std::vector<float> std;
    std::string dataset;
    std::vector<std::string> classNames;
    std::string source; ///< the session or model file exported
};

/// One line: "x = (pixel / 255 - mean[c]) / std[c], mean = [...], std = [...]".
std::string normalisationText(const InputContract &contract);

/// The JSON written beside an exported model (FILE.json) and into its metadata: format,
/// architecture, input (name, layout, shape with "batch", dtype, normalisation), output,
/// classes and every layer's deployment. `extra` (a JSON object, may be empty) is merged in.
std::string contractJson(const ExportPlan &plan, const InputContract &contract,
                         const std::vector<types::LayerDeployment> &layers, const std::string &format,
                         const std::string &extra = {});

} // namespace ql::core::exporting
