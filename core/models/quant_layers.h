#pragma once
// Quantizable layer wrappers. They hold the FP32 weight and bias under the
// names PyTorch uses ("weight", "bias") so that state dicts load unchanged, and
// optionally a weight quantizer and an input-activation quantizer.
#include "core/quant/quantizer.h"

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace ql::core::models {

/// How a quantizable layer computes.
enum class LayerMode {
    Fp32, ///< quantizers are ignored
    FakeQuant, ///< the weight and the input go through their quantizers (each when one is set)
    WeightsOnly, ///< only the weight quantizer acts (error accumulation's weight share)
    ActivationsOnly, ///< only the input quantizer acts
};

enum class LayerKind { Conv2d, Linear, ConvTranspose2d };

/// "conv2d" / "linear" / "convtranspose2d".
std::string layerKindName(LayerKind kind);

class QuantLayerImpl;

/// Called after a layer's forward with (layer, input as seen by the layer
/// before its input quantizer, output).
using ForwardObserver = std::function<void(const QuantLayerImpl &, const torch::Tensor &, const torch::Tensor &)>;

/// Common base of QuantConv2dImpl and QuantLinearImpl. Not thread-safe: a
/// layer belongs to one model on one engine thread.
class QuantLayerImpl : public torch::nn::Module {
public:
    /// Submodule names under which the quantizers are registered; parameters
    /// below them are not part of the PyTorch-compatible state dict.
    static constexpr const char *kWeightQuantizerName = "weight_quantizer";
    static constexpr const char *kInputQuantizerName = "input_quantizer";

    torch::Tensor forward(const torch::Tensor &x);

    LayerKind kind() const { return m_kind; }
    /// The state-dict prefix of this layer in its model ("layer1.0.conv1"); empty when standalone.
    const std::string &layerName() const { return m_layerName; }
    void setLayerName(std::string name) { m_layerName = std::move(name); }

    LayerMode mode() const { return m_mode; }
    void setMode(LayerMode mode) { m_mode = mode; }

    /// Sets (or, with nullptr, removes) the weight quantizer; registered as a submodule so
    /// that its parameters train with the model and move with `to(device)`.
    void setWeightQuantizer(quant::Quantizer q);
    void setInputQuantizer(quant::Quantizer q);
    const quant::Quantizer &weightQuantizer() const { return m_weightQuantizer; }
    const quant::Quantizer &inputQuantizer() const { return m_inputQuantizer; }

    /// The weight the forward uses: fake-quantized in FakeQuant mode when a weight quantizer is set.
    torch::Tensor effectiveWeight();

    bool hasBias() const { return bias.defined(); }
    /// Registers a zero "bias" when there is none (BN folding needs one).
    void ensureBias();

    /// Multiply-accumulates of one forward for an input of shape `in` giving `out` (batch included).
    virtual int64_t macs(const torch::IntArrayRef in, const torch::IntArrayRef out) const = 0;
    /// Output channels / features (dim 0 of the weight).
    int64_t outChannels() const { return weight.size(0); }
    /// Input channels / features the layer reads (a grouped convolution's weight holds one group's).
    virtual int64_t inChannels() const { return weight.size(1); }
    /// The channels the input's features belong to: inChannels(), except for a linear layer over a
    /// flattened C x H x W map, whose inChannels() features are C channels of H*W positions
    /// (channel-major). ASQ's adapter pools each channel's positions, as it does for a convolution.
    virtual int64_t featureChannels() const { return inChannels(); }

    /// One observer at a time; pass nullptr to remove it.
    void setForwardObserver(ForwardObserver observer) { m_observer = std::move(observer); }

    torch::Tensor weight;
    torch::Tensor bias; ///< undefined when the layer has no bias

protected:
    explicit QuantLayerImpl(LayerKind kind) : m_kind(kind) { }
    virtual torch::Tensor compute(const torch::Tensor &x, const torch::Tensor &w) = 0;

private:
    void replaceQuantizer(const char *name, quant::Quantizer &slot, quant::Quantizer q);

    LayerKind m_kind;
    LayerMode m_mode = LayerMode::Fp32;
    std::string m_layerName;
    quant::Quantizer m_weightQuantizer;
    quant::Quantizer m_inputQuantizer;
    ForwardObserver m_observer;
};

/// Geometry of a QuantConv2d: square kernels as in every zoo model, or rectangular ones with
/// uneven padding (imported ONNX graphs).
struct ConvOptions {
    int64_t in = 0;
    int64_t out = 0;
    int64_t kernel = 3;
    int64_t stride = 1;
    int64_t padding = 0;
    int64_t groups = 1;
    int64_t dilation = 1;
    bool bias = false;
    /// Per-axis geometry {height, width}; empty = the square values above.
    std::vector<int64_t> kernelHW, strideHW, dilationHW;
    /// Zero padding {top, left, bottom, right} (ONNX's order); empty = `padding` on every side.
    std::vector<int64_t> pads;

    std::vector<int64_t> kernelSize() const
    {
        return kernelHW.empty() ? std::vector<int64_t>{kernel, kernel} : kernelHW;
    }
    std::vector<int64_t> strides() const { return strideHW.empty() ? std::vector<int64_t>{stride, stride} : strideHW; }
    std::vector<int64_t> dilations() const
    {
        return dilationHW.empty() ? std::vector<int64_t>{dilation, dilation} : dilationHW;
    }
    /// {top, left, bottom, right}.
    std::vector<int64_t> padding4() const
    {
        return pads.empty() ? std::vector<int64_t>{padding, padding, padding, padding} : pads;
    }
    /// Whether every side gets the same padding as its opposite side (conv2d pads both sides equally).
    bool evenPadding() const
    {
        const auto p = padding4();
        return p[0] == p[2] && p[1] == p[3];
    }
};

/// Conv2d with optional fake quantization; same parameters and numerics as torch::nn::Conv2d.
class QuantConv2dImpl : public QuantLayerImpl {
public:
    explicit QuantConv2dImpl(const ConvOptions &options);
    /// PyTorch's default initialisation (kaiming_uniform with a=sqrt(5)).
    void reset_parameters();
    const ConvOptions &options() const { return m_options; }
    int64_t macs(const torch::IntArrayRef in, const torch::IntArrayRef out) const override;
    int64_t inChannels() const override { return weight.size(1) * m_options.groups; }
    void pretty_print(std::ostream &stream) const override;

protected:
    torch::Tensor compute(const torch::Tensor &x, const torch::Tensor &w) override;

private:
    ConvOptions m_options;
};
TORCH_MODULE(QuantConv2d);

/// Geometry of a QuantConvTranspose2d (ONNX ConvTranspose), {height, width} per axis.
struct ConvTransposeOptions {
    int64_t in = 0;
    int64_t out = 0;
    std::vector<int64_t> kernel{1, 1}, stride{1, 1}, dilation{1, 1};
    /// Cropped from the full output {top, left, bottom, right}.
    std::vector<int64_t> pads{0, 0, 0, 0};
    /// Added at the bottom / right of the output {height, width}.
    std::vector<int64_t> outputPadding{0, 0};
    int64_t groups = 1;
    bool bias = false;
};

/// Transposed convolution with optional fake quantization. The weight is held in convolution
/// layout [out, in / groups, kH, kW] (ONNX and PyTorch keep [in, out / groups, kH, kW]) so that
/// per-channel quantizers see output channels on dim 0 as for every other layer;
/// toTransposedLayout() gives the ONNX / PyTorch tensor.
class QuantConvTranspose2dImpl : public QuantLayerImpl {
public:
    explicit QuantConvTranspose2dImpl(const ConvTransposeOptions &options);
    const ConvTransposeOptions &options() const { return m_options; }
    int64_t macs(const torch::IntArrayRef in, const torch::IntArrayRef out) const override;
    int64_t inChannels() const override { return weight.size(1) * m_options.groups; }
    void pretty_print(std::ostream &stream) const override;

    /// [in, out/groups, kH, kW] (ONNX, PyTorch) -> [out, in/groups, kH, kW] and back. Pure.
    static torch::Tensor toConvLayout(const torch::Tensor &transposed, int64_t groups);
    static torch::Tensor toTransposedLayout(const torch::Tensor &conv, int64_t groups);

protected:
    torch::Tensor compute(const torch::Tensor &x, const torch::Tensor &w) override;

private:
    ConvTransposeOptions m_options;
};
TORCH_MODULE(QuantConvTranspose2d);

/// Linear with optional fake quantization; same parameters and numerics as torch::nn::Linear.
class QuantLinearImpl : public QuantLayerImpl {
public:
    QuantLinearImpl(int64_t in, int64_t out, bool bias = true);
    void reset_parameters();
    int64_t inFeatures() const { return weight.size(1); }
    int64_t macs(const torch::IntArrayRef in, const torch::IntArrayRef out) const override;
    void pretty_print(std::ostream &stream) const override;
    int64_t featureChannels() const override { return m_featureChannels > 0 ? m_featureChannels : inFeatures(); }
    /// Says that the input is a flattened map of `channels` channels (0: plain features). Throws
    /// ql::core::Error when the feature count is not a multiple of it.
    void setFeatureChannels(int64_t channels);

protected:
    torch::Tensor compute(const torch::Tensor &x, const torch::Tensor &w) override;

private:
    int64_t m_featureChannels = 0;
};
TORCH_MODULE(QuantLinear);

/// BatchNorm2d that can be bypassed after it has been folded into the preceding conv.
/// Same parameter and buffer names and numerics as torch::nn::BatchNorm2d (affine, running
/// statistics tracked, momentum 0.1). Written out rather than derived from
/// torch::nn::BatchNorm2dImpl, whose base template is not exported by libtorch.
class FoldableBatchNorm2dImpl : public torch::nn::Module {
public:
    explicit FoldableBatchNorm2dImpl(int64_t channels, double eps = 1e-5, double momentum = 0.1);
    torch::Tensor forward(const torch::Tensor &x);
    /// Back to weight 1, bias 0, mean 0, var 1, count 0.
    void reset_parameters();
    void pretty_print(std::ostream &stream) const override;

    int64_t channels() const { return weight.size(0); }
    double eps() const { return m_eps; }
    double momentum() const { return m_momentum; }
    bool folded() const { return m_folded; }
    void setFolded(bool folded) { m_folded = folded; }

    torch::Tensor weight, bias, running_mean, running_var, num_batches_tracked;

private:
    double m_eps;
    double m_momentum;
    bool m_folded = false;
};
TORCH_MODULE(FoldableBatchNorm2d);

/// Folded conv parameters: w' = w * g/sqrt(var+eps) per output channel,
/// b' = (b - mean) * g/sqrt(var+eps) + beta. `bias` may be undefined (= 0).
/// Uses the running statistics (eval-mode BN). Thread-safe (pure).
std::pair<torch::Tensor, torch::Tensor> foldBatchNormParams(const torch::Tensor &weight, const torch::Tensor &bias,
                                                            const FoldableBatchNorm2dImpl &bn);

/// Folds `bn` into `conv` in place (conv gains a bias if it had none) and marks
/// `bn` folded so that conv -> bn computes what conv+bn computed in eval mode.
/// Throws ql::core::Error when the channel counts differ or bn is already folded.
void foldBatchNorm(QuantConv2dImpl &conv, FoldableBatchNorm2dImpl &bn);

} // namespace ql::core::models
