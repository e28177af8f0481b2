#pragma once
// The ONNX operators of the graph executor: each is compiled once per node at load (its
// attributes read in the form of the model's opset) into a kernel of ATen calls that runs on
// whatever device its inputs live on and that autograd differentiates. Internal to core/onnx.
#include <onnx/onnx_pb.h>
#include <torch/torch.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ql::core::onnx {

using Tensors = std::vector<torch::Tensor>;

/// Runs one node: its inputs (undefined for an omitted optional input) to its outputs.
/// `training` is the model's mode (Dropout).
using Kernel = std::function<Tensors(const Tensors &inputs, bool training)>;

/// What an operator sees of its node when it is compiled.
class OpNode {
public:
    OpNode(const ::onnx::NodeProto &node, std::string name, int64_t opset, Tensors constants);

    const ::onnx::NodeProto &proto() const { return m_node; }
    /// The node's name, or its first output's name when it has none.
    const std::string &name() const { return m_name; }
    const std::string &opType() const { return m_node.op_type(); }
    int64_t opset() const { return m_opset; }
    /// Whether input `i` is given (optional inputs may be left out or named "").
    bool hasInput(int i) const;
    bool hasOutput(int i) const;
    /// The value of input `i` when it is known at load (an initializer, a Constant or a folded
    /// subgraph); undefined otherwise.
    torch::Tensor constant(int i) const;

    bool has(const std::string &attr) const;
    int64_t attrInt(const std::string &attr, int64_t fallback) const;
    double attrFloat(const std::string &attr, double fallback) const;
    std::string attrString(const std::string &attr, const std::string &fallback) const;
    std::vector<int64_t> attrInts(const std::string &attr, std::vector<int64_t> fallback = {}) const;
    std::vector<double> attrFloats(const std::string &attr) const;
    torch::Tensor attrTensor(const std::string &attr) const;

    /// Throws ql::core::Error naming the node: "ONNX node 'n' (Op): `problem`".
    [[noreturn]] void fail(const std::string &problem, const std::string &hint = {}) const;

private:
    const ::onnx::AttributeProto *find(const std::string &attr) const;

    const ::onnx::NodeProto &m_node;
    std::string m_name;
    int64_t m_opset;
    Tensors m_constants;
};

using OpCompiler = std::function<Kernel(const OpNode &)>;

/// Every operator the executor runs, by op type (default domain). Conv, ConvTranspose, Gemm
/// and MatMul with a constant weight become quantizable layers instead (onnx_model.cpp); the
/// kernels here run them with weights computed in the graph.
const std::map<std::string, OpCompiler> &operators();

/// Whether input `index` of `opType` is read as a setting (shape, axes, pads, scales, min/max):
/// such constants stay on the CPU and are never trained.
bool isSettingInput(const std::string &opType, int index);
/// Whether a float constant at input `index` of `opType` is a learned parameter (normalisation
/// scales and shifts, PReLU slopes, weights of convolutions and products computed in the graph,
/// tensors added or multiplied in); others are fixed buffers.
bool isTrainableInput(const std::string &opType, int index);

/// The most values one tensor computed by the graph executor may hold while a model is
/// probed (dry runs, resizing): 2^28 (1 GiB of float32) unless set lower. A graph that computes
/// more is refused with an error naming the node. The fuzz target lowers it so that a graph
/// that explodes is refused before it reaches the fuzzer's memory limit.
int64_t valueLimit();
void setValueLimit(int64_t values);

/// Integers of a (CPU or device) tensor, e.g. a shape or axes input.
std::vector<int64_t> toInts(const torch::Tensor &t);
/// Doubles of a tensor.
std::vector<double> toDoubles(const torch::Tensor &t);

/// Explicit padding {begin..., end...} for a convolution or pooling window per ONNX auto_pad
/// (NOTSET: `pads`; VALID: zeros; SAME_UPPER/SAME_LOWER: from the input size).
std::vector<int64_t> autoPads(const std::string &autoPad, const std::vector<int64_t> &pads,
                              const std::vector<int64_t> &inputSpatial, const std::vector<int64_t> &kernel,
                              const std::vector<int64_t> &strides, const std::vector<int64_t> &dilations);

/// ConvTranspose's crop {begin..., end...}: `pads` as written, or for auto_pad SAME_UPPER /
/// SAME_LOWER the total that makes the output input * stride.
std::vector<int64_t> convTransposePads(const std::string &autoPad, std::vector<int64_t> pads,
                                       const std::vector<int64_t> &kernel, const std::vector<int64_t> &strides,
                                       const std::vector<int64_t> &dilations,
                                       const std::vector<int64_t> &outputPadding);

} // namespace ql::core::onnx
