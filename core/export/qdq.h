#pragma once
// Lowering of an export plan to an ONNX QDQ graph (still QuantLens's own graph structure, no
// protobuf): every quantizable layer becomes QuantizeLinear/DequantizeLinear pairs around a
// Conv or Gemm with BatchNorm folded into its weight scales and bias; what QDQ cannot express
// becomes float operators. core/onnx/qdq_writer turns the result into a ModelProto; the
// encodings and the verification read the quantized tensors it lists.
#include "core/export/plan.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ql::core::exporting {

/// ONNX tensor element types (onnx.proto's TensorProto.DataType).
namespace elem {
constexpr int32_t kFloat = 1;
constexpr int32_t kUint8 = 2;
constexpr int32_t kInt8 = 3;
constexpr int32_t kUint16 = 4;
constexpr int32_t kInt16 = 5;
constexpr int32_t kInt32 = 6;
constexpr int32_t kInt64 = 7;
constexpr int32_t kBool = 9;
constexpr int32_t kUint4 = 21;
constexpr int32_t kInt4 = 22;
/// "int8", "uint4", ...
std::string name(int32_t type);
} // namespace elem

struct QdqOptions {
    int opset = 13;
    types::OffsetMode offset = types::OffsetMode::Exact;
};

/// A tensor that the lowered graph quantizes.
struct QuantizedTensor {
    enum class Role { Activation, Weight };
    std::string layer;
    Role role = Role::Activation;
    std::string name; ///< the float tensor quantized: the QuantizeLinear input, or the weight a DQ produces
    std::string codes; ///< activations: the tensor holding the integer codes (QuantLens's codes exactly)
    int32_t codesType = elem::kInt8; ///< element type of `codes`
    int32_t storageType = elem::kInt8; ///< QuantizeLinear's output / the weight initializer's type
    int bits = 0;
    bool isSigned = true;
    bool floatEmulation = false; ///< ASQ or levels: float operators, no scale/zero point
    int64_t lo = 0, hi = 0; ///< the code range in the graph's integer domain
    std::vector<double> scale; ///< one per tensor, or one per output channel (weights; negative where BatchNorm flips)
    std::vector<int64_t> zeroPoint; ///< same length as scale
    bool narrow = false;
};

/// The QDQ graph of a plan.
struct LoweredGraph {
    models::Graph graph; ///< ONNX operators only
    /// Element types of constants whose libtorch dtype is not theirs (int4/uint4 held in
    /// int8/uint8 tensors, uint16 in int32).
    std::map<std::string, int32_t> constantTypes;
    std::vector<QuantizedTensor> tensors; ///< in graph order
    std::vector<types::LayerDeployment> layers; ///< with how each tensor is stored and the offset drift
    std::vector<std::string> excludedLayers; ///< layers left in FP32
    std::string levelsSidecar; ///< JSON with the codes and levels of POT/POST/APoT weights (empty when none)
    std::vector<std::string> notes;
};

/// Lowers `plan` at `options.opset` (13 or 21). Throws ql::core::Error naming the layer and the
/// format for what the opset cannot express (activations over 8 bits at opset 13, a zero point
/// outside every storage type, ...), before anything is written.
LoweredGraph lowerToQdq(const ExportPlan &plan, const QdqOptions &options);

} // namespace ql::core::exporting
