#pragma once
// A model's FP32 inference graph as the exporters see it: operators in ONNX's vocabulary
// (opset 13 semantics) between the model's quantizable layers. A model describes itself by
// driving a GraphEmitter (QuantModelImpl::emitGraph); GraphRecorder keeps what it was told
// as a Graph that every export format lowers in its own way (ONNX QDQ, TorchScript, ...).
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace ql::core::models {

class QuantLayerImpl;
class FoldableBatchNorm2dImpl;
class QuantModelImpl;

/// An ONNX-style attribute: int, float, string, ints, floats or a tensor.
struct GraphAttribute {
    std::string name;
    std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>, torch::Tensor> value;

    int64_t i() const { return std::get<int64_t>(value); }
    float f() const { return std::get<float>(value); }
    const std::vector<int64_t> &ints() const { return std::get<std::vector<int64_t>>(value); }
};

/// Receives a model's inference graph, value by value; values are named by strings that
/// the emitter hands out (they become tensor names in the exported files).
///
/// The vocabulary of op(): ONNX operators with their opset-13 inputs and attributes. Every
/// exporter understands Relu, Sigmoid, Mul, Add, Clip (min and max as constant inputs),
/// MaxPool, GlobalAveragePool, Flatten, Slice and Pad (constant inputs); the ONNX exporter
/// passes any other operator through as it is, and an exporter that cannot express an
/// operator fails before writing anything, naming the node. Not thread-safe.
class GraphEmitter {
public:
    virtual ~GraphEmitter() = default;
    /// The model's input: the normalised NCHW float32 image batch (dynamic batch size).
    virtual std::string input() = 0;
    /// A quantizable layer applied to `x`: its input quantizer, its quantized weight and its
    /// bias, followed by `bn` when a BatchNorm comes right after it (folded by the exporters;
    /// nullptr when there is none or it is folded already). Returns the layer's output
    /// (after `bn`).
    virtual std::string layer(QuantLayerImpl &layer, const std::string &x, const FoldableBatchNorm2dImpl *bn) = 0;
    /// An FP32 operator; `name` (optional) names its output.
    virtual std::string op(const std::string &type, const std::vector<std::string> &inputs,
                           const std::vector<GraphAttribute> &attributes = {}, const std::string &name = {}) = 0;
    /// An FP32 operator with `outputs` outputs (Split, ...); returns their names. An input named
    /// "" is an optional input left out.
    virtual std::vector<std::string> ops(const std::string &type, const std::vector<std::string> &inputs,
                                         size_t outputs, const std::vector<GraphAttribute> &attributes = {},
                                         const std::string &name = {}) = 0;
    /// A constant tensor (e.g. Clip's bounds, Pad's pads).
    virtual std::string constant(const torch::Tensor &value, const std::string &name) = 0;
    /// Marks `value` as the model's output (the logits).
    virtual void output(const std::string &value) = 0;
};

/// One recorded node: an operator, or a quantizable layer.
struct GraphNode {
    std::string type; ///< ONNX op type; "QuantLayer" for a quantizable layer
    std::string name; ///< unique node name
    std::vector<std::string> inputs;
    std::vector<std::string> outputs;
    std::vector<GraphAttribute> attributes;
    QuantLayerImpl *layer = nullptr; ///< for "QuantLayer"
    const FoldableBatchNorm2dImpl *bn = nullptr; ///< BatchNorm after the layer, or nullptr

    const GraphAttribute *attribute(const std::string &name) const;
    bool isLayer() const { return layer != nullptr; }
};

/// A recorded graph: nodes in execution order, constants by name, one input, one output.
struct Graph {
    std::string input;
    std::string output;
    std::vector<GraphNode> nodes;
    std::map<std::string, torch::Tensor> constants;

    /// The node producing `value` (nullptr for the input and constants).
    const GraphNode *producer(const std::string &value) const;
};

/// A GraphEmitter that records what it is told. Names are made unique.
class GraphRecorder : public GraphEmitter {
public:
    std::string input() override;
    std::string layer(QuantLayerImpl &layer, const std::string &x, const FoldableBatchNorm2dImpl *bn) override;
    std::string op(const std::string &type, const std::vector<std::string> &inputs,
                   const std::vector<GraphAttribute> &attributes = {}, const std::string &name = {}) override;
    std::vector<std::string> ops(const std::string &type, const std::vector<std::string> &inputs, size_t outputs,
                                 const std::vector<GraphAttribute> &attributes = {},
                                 const std::string &name = {}) override;
    std::string constant(const torch::Tensor &value, const std::string &name) override;
    void output(const std::string &value) override;

    const Graph &graph() const { return m_graph; }
    Graph take() { return std::move(m_graph); }

private:
    std::string unique(const std::string &base);

    Graph m_graph;
    std::map<std::string, int> m_used;
};

/// The recorded FP32 graph of `model` (QuantModelImpl::emitGraph). Throws ql::core::Error when
/// the model cannot describe itself, or describes a graph without an output or that uses a
/// value before it is produced.
Graph recordGraph(QuantModelImpl &model);

} // namespace ql::core::models
