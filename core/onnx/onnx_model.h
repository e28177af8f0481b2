#pragma once
// An imported ONNX graph as a QuantModel: a graph executor on ATen whose convolutions and
// products with constant weights are the zoo's quantizable layer wrappers, so that every job
// and view works on it as on a zoo model. Internal to core: the protobuf classes never reach
// a user interface.
#include "core/models/quant_model.h"
#include "core/onnx/onnx_ops.h"
#include "ql/types/jobs.h"

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ql::core::onnx {

/// The opsets of the default domain the importer reads.
constexpr int64_t kMinOpset = 9;
constexpr int64_t kMaxOpset = 21;

/// Where a quantizable layer came from in the original graph, for exporters that rewrite the
/// graph around the layers (QDQ) and for reports.
struct LayerOrigin {
    std::string node; ///< the Conv / ConvTranspose / Gemm / MatMul node's name (= the layer's name)
    int nodeIndex = -1; ///< its index in originalModel().graph().node()
    std::string op; ///< its op type
    std::string input; ///< the graph value the layer reads (its activation quantizer's tensor)
    std::string output; ///< the graph value it produces (after folded nodes: theirs)
    std::string weight, bias; ///< the values the node reads as weight and bias ("" when it had no bias)
    /// How the layer's weight tensor relates to the node's weight input W:
    /// Conv: W; ConvTranspose: QuantConvTranspose2dImpl::toConvLayout(W); Gemm: transB ? W : W^T,
    /// times alpha; MatMul: W^T. A 1-D convolution's [O, I, K] weight is held as [O, I, 1, K].
    bool transposed = false;
    double weightScale = 1.0; ///< Gemm's alpha, folded into the weight
    bool oneDimensional = false;
    /// Nodes folded into the layer: BatchNormalization after it, the Add of a MatMul's bias.
    std::vector<std::string> folded;
};

/// Imported ONNX model. Not thread-safe: a model belongs to one engine thread.
class OnnxModelImpl : public models::QuantModelImpl {
public:
    /// Use importModel().
    OnnxModelImpl(std::filesystem::path path, ::onnx::ModelProto model, const types::Preprocessing &preprocessing);
    ~OnnxModelImpl() override;

    // ---- QuantModel
    std::vector<std::string> blockNames() const override { return m_blockNames; }
    void adaptToData(const data::Normalization &norm, const std::vector<int64_t> &chw, int64_t classes) override;
    bool judgedByAgreement() const override { return m_agreement; }
    int64_t distributionDim() const override { return m_agreement ? m_distributionDim : 1; }
    /// The graph as the exporters see it: the program after folding, its own operators passed
    /// through in the form of graphOpset() (forms older than opset 13 rewritten), the input
    /// adaptation as operators in front. Throws ql::core::Error naming the node or the reason
    /// when the graph cannot be written (several outputs, a resized input, an operator whose
    /// old form has no rewrite).
    void emitGraph(models::GraphEmitter &emitter) override;
    /// max(13, the model's opset).
    int64_t graphOpset() const override;

    // ---- the graph
    /// The model file as read (external data loaded), unchanged.
    const ::onnx::ModelProto &originalModel() const { return m_model; }
    /// The quantizable layers' origins, in the order of quantLayers().
    const std::vector<LayerOrigin> &layerOrigins() const { return m_origins; }
    /// The graph as this model computes in FP32 now: every layer's and learned parameter's
    /// current value written into initializers (in the node's own layout), folded
    /// BatchNormalization and Add nodes removed, values no longer used pruned. Node and value
    /// names are the original ones, so layerOrigins() names its nodes. Runs in ONNX Runtime.
    ::onnx::ModelProto currentGraph() const;

    const std::filesystem::path &path() const { return m_path; }
    int64_t opset() const { return m_opset; }
    const types::Preprocessing &preprocessing() const { return m_pre; }
    const std::string &inputName() const { return m_inputName; }
    /// The graph's input shape as declared; -1 for a dynamic dimension.
    const std::vector<int64_t> &inputDims() const { return m_inputDims; }
    bool channelsLast() const { return m_nhwc; }
    std::vector<std::string> outputNames() const;
    /// One line: file, opset, node count, layers, folded nodes, batch handling.
    std::string description() const;

    /// Runs the graph itself on an input of the graph's own layout (no preprocessing) and
    /// returns every graph output.
    std::vector<torch::Tensor> runGraph(const torch::Tensor &input);

protected:
    torch::Tensor run(const torch::Tensor &x, std::vector<torch::Tensor> *blocks) override;

private:
    struct Step;
    struct Program;
    struct Builder;

    torch::Tensor adaptInput(const torch::Tensor &x) const;
    std::vector<torch::Tensor> execute(const torch::Tensor &input, std::vector<torch::Tensor> *blocks);
    Tensors runLayer(const Step &step, const Tensors &inputs);
    /// The BatchNorm kept after layer `layer` (see Program::bns), or null.
    const std::shared_ptr<models::FoldableBatchNorm2dImpl> &batchNormOf(int layer) const;

    std::filesystem::path m_path;
    ::onnx::ModelProto m_model;
    types::Preprocessing m_pre;
    int64_t m_opset = 0;
    std::unique_ptr<Program> m_program;
    std::vector<LayerOrigin> m_origins;
    std::vector<std::string> m_blockNames;

    std::string m_inputName;
    std::vector<int64_t> m_inputDims;
    bool m_nhwc = false;
    int64_t m_fixedBatch = 0; ///< > 0 when the graph computes only batches of this size
    bool m_agreement = false;
    int64_t m_distributionDim = -1;
    int64_t m_outputClasses = 0; ///< K when the (single) output is [N, K]

    // What adaptToData set up: the data's images to the graph's input.
    bool m_adaptIdentity = true;
    torch::Tensor m_adaptScale, m_adaptShift; ///< per data channel, [1, C, 1, 1]
    std::vector<int64_t> m_adaptSize; ///< {H, W} to resize to; empty = none
    bool m_adaptBgr = false;
};
using OnnxModel = std::shared_ptr<OnnxModelImpl>;

/// The preprocessing JSON beside a model: "MODEL.onnx.json".
std::filesystem::path preprocessingPathFor(const std::filesystem::path &model);
/// The preprocessing of `model`: its side file (when there is one) with `overrides` over it.
/// Throws ql::core::Error naming the side file when it is not valid.
types::Preprocessing preprocessingFor(const std::filesystem::path &model, const types::Preprocessing &overrides);

/// Imports an ONNX model: reads it (with external data beside it), checks the opset, lists
/// every operator the executor lacks at once (node names and op types), runs the ONNX checker
/// and shape inference (for the opsets this libonnx knows), folds constant subgraphs and
/// BatchNormalization into the layers, and runs the graph once on zeros to see that every
/// shape works out. Throws ql::core::Error naming the file, node or tensor on any problem;
/// nothing of the model runs before the operators are known. Thread-safe.
OnnxModel importModel(const std::filesystem::path &path, const types::Preprocessing &preprocessing = {});

/// The op types the executor runs, sorted.
std::vector<std::string> supportedOperators();

} // namespace ql::core::onnx
