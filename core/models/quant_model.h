#pragma once
// The base of every zoo model: a torch module whose convolutions and linear
// layers are quantizable wrappers, with PyTorch/torchvision parameter names.
#include "core/data/dataset.h"
#include "core/models/quant_layers.h"

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace ql::core::models {

class GraphEmitter;

/// One quantizable layer as the views and the engine see it.
struct LayerInfo {
    std::string name; ///< state-dict prefix, e.g. "layer1.0.conv1"
    LayerKind kind = LayerKind::Conv2d;
    std::vector<int64_t> weightShape;
    int64_t parameters = 0; ///< weight + bias elements
    int64_t macs = 0; ///< multiply-accumulates for one sample at the probed input size
    std::vector<int64_t> inputShape; ///< per sample (no batch)
    std::vector<int64_t> outputShape;
};

/// Base of the zoo models. Not thread-safe: a model belongs to one engine thread.
class QuantModelImpl : public torch::nn::Module {
public:
    /// Logits for a batch [N, C, H, W].
    virtual torch::Tensor forward(const torch::Tensor &x);
    /// Every block's output, in order; the last one is the logits. The names are blockNames().
    std::vector<torch::Tensor> forwardBlocks(const torch::Tensor &x);
    /// Names of the blocks forwardBlocks returns, e.g. "stem", "layer1.0", ..., "fc".
    virtual std::vector<std::string> blockNames() const = 0;

    /// Zoo name ("resnet18", ...).
    const std::string &archName() const { return m_archName; }
    /// The input shape the model is designed for, without batch: {C, H, W}.
    const std::vector<int64_t> &defaultInputShape() const { return m_inputShape; }
    int64_t numClasses() const { return m_numClasses; }

    /// The quantizable layers in registration order (which every zoo model keeps equal to
    /// execution order); their layerName() is set.
    std::vector<std::shared_ptr<QuantLayerImpl>> quantLayers() const;
    /// The quantizable layers in execution order with shapes and MACs, measured by one
    /// forward in eval mode under NoGradGuard on a zero input of `inputShape` ({C,H,W};
    /// empty = defaultInputShape()). The training mode is restored afterwards.
    std::vector<LayerInfo> layerInfos(std::vector<int64_t> inputShape = {});
    /// Sum of the MACs of layerInfos(inputShape).
    int64_t totalMacs(std::vector<int64_t> inputShape = {});
    /// Number of parameter elements of the FP32 model (quantizer parameters excluded).
    int64_t parameterCount() const;

    /// Sets every quantizable layer's mode.
    void setMode(LayerMode mode);
    /// Folds every BatchNorm into its convolution (for export and PTQ). Eval-mode numerics
    /// are kept; the model's state dict is no longer torchvision's afterwards.
    void foldBatchNorms();
    bool batchNormsFolded() const;

    /// Parameters and buffers that make up the PyTorch-compatible state dict, in order
    /// (quantizer parameters excluded). Tensors share storage with the model.
    std::vector<std::pair<std::string, torch::Tensor>> stateDict() const;

    /// Describes the FP32 inference graph (eval mode: no dropout, BatchNorm on running
    /// statistics) to `emitter`, for the exporters (core/models/graph.h). The zoo architectures
    /// implement it; a model imported from another format implements it by replaying its
    /// graph. The default throws ql::core::Error naming the architecture.
    virtual void emitGraph(GraphEmitter &emitter);
    /// The lowest ONNX opset whose operators emitGraph() uses (0: opset 13's vocabulary only). A
    /// model imported from ONNX passes its own operators through and needs its own opset.
    virtual int64_t graphOpset() const { return 0; }

    /// Declares a conv -> BN pair for foldBatchNorms() (architectures call this while building).
    void addFoldPair(const QuantConv2d &conv, const FoldableBatchNorm2d &bn);

    /// Fits the model to the data set it is about to run on: images of `chw` normalised with
    /// `norm`, labelled with `classes` classes. Zoo models take the data as it is; an imported
    /// graph sets up its own preprocessing here and decides how it is judged. Throws
    /// ql::core::Error naming the model's input when the images cannot be fed to it.
    virtual void adaptToData(const data::Normalization &norm, const std::vector<int64_t> &chw, int64_t classes);
    /// Whether the output is judged by agreement with the model's own FP32 output (SQNR, cosine,
    /// max abs error, top-1 agreement) instead of by accuracy against the data's labels: models
    /// without one logit per class of the data (detectors, segmentation, other class sets).
    virtual bool judgedByAgreement() const { return false; }
    /// The dimension of forward()'s output that holds a distribution over classes (top-1
    /// agreement and KL are taken over it); -1 when the output is not a distribution.
    virtual int64_t distributionDim() const { return 1; }

protected:
    QuantModelImpl(std::string archName, std::vector<int64_t> inputShape, int64_t numClasses);
    /// Runs the model; when `blocks` is not null, appends every block's output to it.
    virtual torch::Tensor run(const torch::Tensor &x, std::vector<torch::Tensor> *blocks) = 0;
    /// Call at the end of a derived constructor: names the layers.
    void finishConstruction();
    /// For models whose input and classes are known only after they are built (imported graphs).
    void setInputShape(std::vector<int64_t> shape) { m_inputShape = std::move(shape); }
    void setNumClasses(int64_t classes) { m_numClasses = classes; }

private:
    std::string m_archName;
    std::vector<int64_t> m_inputShape;
    int64_t m_numClasses;
    std::vector<std::pair<QuantConv2d, FoldableBatchNorm2d>> m_foldPairs;
};

/// Remembers every quantizable layer's mode and the model's training flag and puts them
/// back as they were when it goes out of scope, e.g. around an FP32 pass of a model whose
/// quantizers may or may not exist yet.
class ModeGuard {
public:
    explicit ModeGuard(QuantModelImpl &model);
    ~ModeGuard();
    ModeGuard(const ModeGuard &) = delete;
    ModeGuard &operator=(const ModeGuard &) = delete;

private:
    QuantModelImpl &m_model;
    std::vector<std::shared_ptr<QuantLayerImpl>> m_layers;
    std::vector<LayerMode> m_modes;
    bool m_training;
};

using QuantModel = std::shared_ptr<QuantModelImpl>;

/// Whether a dotted parameter name lies below a quantizer (not part of the state dict).
bool isQuantizerParameter(const std::string &name);

} // namespace ql::core::models
