#pragma once
// The one ONNX layer's file side: reading and writing ONNX models (with external data),
// opset handling and tensor conversion between ONNX and libtorch. The importer (graph
// executor) and the exporter (QDQ graph writer) both build on it. Internal to core: the
// protobuf classes never reach a user interface.
#include <onnx/onnx_pb.h>
#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace ql::core::onnx {

/// Largest ONNX file QuantLens reads (protobuf's own limit is 2 GiB; bigger models keep their
/// weights in external data files, which are read separately).
constexpr int64_t kMaxModelBytes = int64_t(2) << 30;

/// Reads an ONNX model. Initializers stored as external data are loaded into the tensors' raw
/// data: their files must lie in the model's folder or below it (no absolute paths, no "..",
/// no links out of it). Throws ql::core::Error naming the file (and the tensor) when the file is
/// missing, not ONNX, truncated, or an external-data file is missing or too short. Thread-safe.
::onnx::ModelProto readModel(const std::filesystem::path &path);

/// readModel() of a file's `bytes` already in memory; `path` is where it was read from (named in
/// errors, and its folder is where external data is looked for).
::onnx::ModelProto parseModel(const std::string &bytes, const std::filesystem::path &path);

/// Writes `model` atomically (a temporary file in the same folder, renamed over `path`).
/// Throws ql::core::Error naming the file when it cannot be written. Thread-safe.
void writeModel(const ::onnx::ModelProto &model, const std::filesystem::path &path);

/// The version of the default ("" / "ai.onnx") operator set the model imports; 0 when none.
int64_t opsetVersion(const ::onnx::ModelProto &model);

/// Runs the ONNX checker (the one of the libonnx QuantLens was built with); returns its message,
/// or an empty string when the model passes. Thread-safe.
std::string checkModel(const ::onnx::ModelProto &model);

/// The tensor an initializer or Constant holds, on the CPU, in its own dtype. `where` names it
/// in errors (e.g. "initializer 'conv1.weight' of model.onnx"). Supports float, double, float16,
/// bfloat16, int8/16/32/64, uint8 and bool, in raw_data or the typed fields.
torch::Tensor toTensor(const ::onnx::TensorProto &tensor, const std::string &where);

/// An ONNX tensor named `name` holding `tensor` (moved to the CPU, made contiguous) as raw data.
::onnx::TensorProto fromTensor(const torch::Tensor &tensor, const std::string &name);

/// ONNX's element type for a libtorch dtype; throws ql::core::Error for ones ONNX lacks.
int32_t onnxType(c10::ScalarType type);
/// libtorch's dtype for an ONNX element type; throws ql::core::Error naming `where` otherwise.
c10::ScalarType torchType(int32_t onnxType, const std::string &where);

} // namespace ql::core::onnx
