#pragma once
// The QDQ graph writer: turns a graph of ONNX operators (core/models/graph.h, as the exporter
// lowers a quantized model to it) into a ModelProto at opset 13 or 21: initializers in their
// element types (int4/uint4 packed two to a byte), the input as a normalised NCHW float batch
// with a dynamic batch size, the logits as the output, and optionally extra outputs that expose
// intermediate tensors (the integer codes) for verification.
#include "core/models/graph.h"

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ql::core::onnx {

struct GraphSpec {
    const models::Graph *graph = nullptr;
    int64_t opset = 13;
    /// Element types of constants held in a libtorch dtype that is not theirs: int4/uint4 in
    /// int8/uint8 tensors, uint16 in int32 tensors.
    std::map<std::string, int32_t> constantTypes;
    std::vector<int64_t> inputShape; ///< {C, H, W}; the batch dimension is the symbol "batch"
    int64_t outputWidth = 0; ///< classes
    /// Extra graph outputs (name, element type): a debug copy exposing intermediate tensors.
    std::vector<std::pair<std::string, int32_t>> extraOutputs;
    std::map<std::string, std::string> metadata; ///< metadata_props
    std::string graphName = "quantlens";
    std::string docString;
};

/// The ModelProto of `spec`. IR version 7 at opsets 13-14, 8 at 15-18, 9 at 19-20, 10 at 21 (4-bit types). Throws
/// ql::core::Error when a constant's values do not fit its element type. Thread-safe.
::onnx::ModelProto toModelProto(const GraphSpec &spec);

} // namespace ql::core::onnx
