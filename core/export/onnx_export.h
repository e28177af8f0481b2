#pragma once
// The ONNX side of the export (built only with libonnx): the ModelProto of a lowered plan, its
// debug copy that exposes every quantized tensor's integer codes as extra outputs, and the
// checkers.
#include "core/export/contract.h"
#include "core/export/qdq.h"

#include <onnx/onnx_pb.h>

#include <string>
#include <utility>
#include <vector>

namespace ql::core::exporting {

/// Highest opset the libonnx checker QuantLens is built with knows (Debian's 1.12: 17).
constexpr int kLibOnnxCheckerMaxOpset = 17;

struct OnnxBuild {
    ::onnx::ModelProto model;
    /// Debug copy only: (layer, output name) of each quantized activation's codes, in graph order.
    std::vector<std::pair<std::string, std::string>> codeOutputs;
};

/// The ModelProto of `lowered` (opset `opset`), with the input contract in its metadata. With
/// `debug`, every activation's codes become extra outputs (integer codes cast to int32).
OnnxBuild buildOnnx(const ExportPlan &plan, const LoweredGraph &lowered, int opset, const InputContract &contract,
                    bool debug);

/// libonnx's checker on `model`: "" when it passes; a note when the opset is beyond what it knows.
std::string checkWithLibOnnx(const ::onnx::ModelProto &model, int opset, bool *checked = nullptr);

} // namespace ql::core::exporting
