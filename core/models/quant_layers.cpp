#include "core/models/quant_layers.h"

#include "core/common/error.h"

#include <algorithm>
#include <cmath>

namespace ql::core::models {

std::string layerKindName(LayerKind kind)
{
    switch (kind) {
    case LayerKind::Conv2d: return "conv2d";
    case LayerKind::Linear: return "linear";
    case LayerKind::ConvTranspose2d: return "convtranspose2d";
    }
    return "unknown";
}

torch::Tensor QuantLayerImpl::forward(const torch::Tensor &x)
{
    torch::Tensor in = x;
    if ((m_mode == LayerMode::FakeQuant || m_mode == LayerMode::ActivationsOnly) && m_inputQuantizer)
        in = m_inputQuantizer->forward(x);
    torch::Tensor y = compute(in, effectiveWeight());
    if (m_observer)
        m_observer(*this, x, y);
    return y;
}

torch::Tensor QuantLayerImpl::effectiveWeight()
{
    if ((m_mode == LayerMode::FakeQuant || m_mode == LayerMode::WeightsOnly) && m_weightQuantizer)
        return m_weightQuantizer->forward(weight);
    return weight;
}

void QuantLayerImpl::replaceQuantizer(const char *name, quant::Quantizer &slot, quant::Quantizer q)
{
    if (slot)
        unregister_module(name);
    slot = std::move(q);
    if (slot)
        register_module(name, slot);
}

void QuantLayerImpl::setWeightQuantizer(quant::Quantizer q)
{
    replaceQuantizer(kWeightQuantizerName, m_weightQuantizer, std::move(q));
}

void QuantLayerImpl::setInputQuantizer(quant::Quantizer q)
{
    replaceQuantizer(kInputQuantizerName, m_inputQuantizer, std::move(q));
}

void QuantLayerImpl::ensureBias()
{
    if (bias.defined())
        return;
    bias = register_parameter("bias", torch::zeros({weight.size(0)}, weight.options()));
}

// ---------------------------------------------------------------------------

QuantConv2dImpl::QuantConv2dImpl(const ConvOptions &options) : QuantLayerImpl(LayerKind::Conv2d), m_options(options)
{
    const auto k = options.kernelSize();
    const auto s = options.strides();
    const auto d = options.dilations();
    const auto p = options.padding4();
    const bool geometryOk = k.size() == 2 && s.size() == 2 && d.size() == 2 && p.size() == 4 && k[0] > 0 && k[1] > 0 &&
                            s[0] > 0 && s[1] > 0 && d[0] > 0 && d[1] > 0 &&
                            std::all_of(p.begin(), p.end(), [](int64_t v) { return v >= 0; });
    if (options.in <= 0 || options.out <= 0 || !geometryOk || options.groups <= 0 || options.in % options.groups != 0 ||
        options.out % options.groups != 0)
        throw Error("Invalid convolution geometry: in=" + std::to_string(options.in) +
                        " out=" + std::to_string(options.out) + " kernel=" + std::to_string(k.empty() ? 0 : k[0]) +
                        " groups=" + std::to_string(options.groups) + ".",
                    "Channel counts must be positive and divisible by the group count; kernel sizes, strides and "
                    "dilations positive, padding not negative.");
    weight = register_parameter("weight", torch::empty({options.out, options.in / options.groups, k[0], k[1]}));
    if (options.bias)
        bias = register_parameter("bias", torch::empty({options.out}));
    reset_parameters();
}

void QuantConv2dImpl::reset_parameters()
{
    torch::NoGradGuard noGrad;
    torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
    if (bias.defined()) {
        const auto fanIn = static_cast<double>(weight.size(1) * weight.size(2) * weight.size(3));
        const double bound = 1.0 / std::sqrt(fanIn);
        bias.uniform_(-bound, bound);
    }
}

torch::Tensor QuantConv2dImpl::compute(const torch::Tensor &x, const torch::Tensor &w)
{
    if (m_options.kernelHW.empty() && m_options.strideHW.empty() && m_options.dilationHW.empty() &&
        m_options.pads.empty())
        return torch::conv2d(x, w, bias, m_options.stride, m_options.padding, m_options.dilation, m_options.groups);
    const auto p = m_options.padding4();
    if (m_options.evenPadding())
        return torch::conv2d(x, w, bias, m_options.strides(), std::vector<int64_t>{p[0], p[1]}, m_options.dilations(),
                             m_options.groups);
    // Uneven padding (ONNX SAME_UPPER with an even kernel, TensorFlow exports): pad first.
    return torch::conv2d(torch::constant_pad_nd(x, {p[1], p[3], p[0], p[2]}), w, bias, m_options.strides(),
                         std::vector<int64_t>{0, 0}, m_options.dilations(), m_options.groups);
}

int64_t QuantConv2dImpl::macs(const torch::IntArrayRef /*in*/, const torch::IntArrayRef out) const
{
    int64_t outElements = 1;
    for (const int64_t d : out)
        outElements *= d;
    // Every output element is a dot product over one group's input channels and the kernel window.
    return outElements * weight.size(1) * weight.size(2) * weight.size(3);
}

void QuantConv2dImpl::pretty_print(std::ostream &stream) const
{
    const auto k = m_options.kernelSize();
    const auto s = m_options.strides();
    stream << "QuantConv2d(" << m_options.in << ", " << m_options.out << ", kernel_size=";
    if (k[0] == k[1])
        stream << k[0];
    else
        stream << "(" << k[0] << ", " << k[1] << ")";
    stream << ", stride=";
    if (s[0] == s[1])
        stream << s[0];
    else
        stream << "(" << s[0] << ", " << s[1] << ")";
    if (m_options.pads.empty())
        stream << ", padding=" << m_options.padding;
    else
        stream << ", pads=(" << m_options.pads[0] << ", " << m_options.pads[1] << ", " << m_options.pads[2] << ", "
               << m_options.pads[3] << ")";
    if (m_options.groups != 1)
        stream << ", groups=" << m_options.groups;
    stream << ", bias=" << (bias.defined() ? "true" : "false") << ")";
}

// ---------------------------------------------------------------------------

QuantConvTranspose2dImpl::QuantConvTranspose2dImpl(const ConvTransposeOptions &o)
    : QuantLayerImpl(LayerKind::ConvTranspose2d), m_options(o)
{
    auto positive = [](const std::vector<int64_t> &v) { return v.size() == 2 && v[0] > 0 && v[1] > 0; };
    const bool ok = o.in > 0 && o.out > 0 && o.groups > 0 && o.in % o.groups == 0 && o.out % o.groups == 0 &&
                    positive(o.kernel) && positive(o.stride) && positive(o.dilation) && o.pads.size() == 4 &&
                    std::all_of(o.pads.begin(), o.pads.end(), [](int64_t v) { return v >= 0; }) &&
                    o.outputPadding.size() == 2 && o.outputPadding[0] >= 0 && o.outputPadding[1] >= 0;
    if (!ok)
        throw Error("Invalid transposed-convolution geometry: in=" + std::to_string(o.in) +
                        " out=" + std::to_string(o.out) + " groups=" + std::to_string(o.groups) + ".",
                    "Channel counts must be positive and divisible by the group count; kernel sizes, strides and "
                    "dilations positive, padding not negative.");
    weight = register_parameter("weight", torch::empty({o.out, o.in / o.groups, o.kernel[0], o.kernel[1]}));
    if (o.bias)
        bias = register_parameter("bias", torch::zeros({o.out}));
    torch::NoGradGuard noGrad;
    torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
}

torch::Tensor QuantConvTranspose2dImpl::toConvLayout(const torch::Tensor &t, int64_t groups)
{
    // [g * in/g, out/g, kh, kw] -> [g, in/g, out/g, ...] -> [g, out/g, in/g, ...] -> [out, in/g, ...]
    const auto s = t.sizes();
    return t.reshape({groups, s[0] / groups, s[1], s[2], s[3]})
        .transpose(1, 2)
        .reshape({groups * s[1], s[0] / groups, s[2], s[3]});
}

torch::Tensor QuantConvTranspose2dImpl::toTransposedLayout(const torch::Tensor &c, int64_t groups)
{
    const auto s = c.sizes();
    return c.reshape({groups, s[0] / groups, s[1], s[2], s[3]})
        .transpose(1, 2)
        .reshape({groups * s[1], s[0] / groups, s[2], s[3]});
}

torch::Tensor QuantConvTranspose2dImpl::compute(const torch::Tensor &x, const torch::Tensor &w)
{
    const auto &o = m_options;
    const auto wt = toTransposedLayout(w, o.groups);
    const auto &p = o.pads;
    if (p[0] == p[2] && p[1] == p[3])
        return torch::conv_transpose2d(x, wt, bias, o.stride, std::vector<int64_t>{p[0], p[1]}, o.outputPadding,
                                       o.groups, o.dilation);
    // Uneven cropping: compute the uncropped output, then cut each side.
    auto y = torch::conv_transpose2d(x, wt, bias, o.stride, std::vector<int64_t>{0, 0}, o.outputPadding, o.groups,
                                     o.dilation);
    return y.slice(2, p[0], y.size(2) - p[2]).slice(3, p[1], y.size(3) - p[3]);
}

int64_t QuantConvTranspose2dImpl::macs(const torch::IntArrayRef in, const torch::IntArrayRef /*out*/) const
{
    int64_t inElements = 1;
    for (const int64_t d : in)
        inElements *= d;
    // Every input element is scattered over its group's output channels and the kernel window.
    return inElements * (m_options.out / m_options.groups) * weight.size(2) * weight.size(3);
}

void QuantConvTranspose2dImpl::pretty_print(std::ostream &stream) const
{
    stream << "QuantConvTranspose2d(" << m_options.in << ", " << m_options.out << ", kernel_size=("
           << m_options.kernel[0] << ", " << m_options.kernel[1] << "), stride=(" << m_options.stride[0] << ", "
           << m_options.stride[1] << ")";
    if (m_options.groups != 1)
        stream << ", groups=" << m_options.groups;
    stream << ", bias=" << (bias.defined() ? "true" : "false") << ")";
}

// ---------------------------------------------------------------------------

QuantLinearImpl::QuantLinearImpl(int64_t in, int64_t out, bool withBias) : QuantLayerImpl(LayerKind::Linear)
{
    if (in <= 0 || out <= 0)
        throw Error("Invalid linear layer size: in=" + std::to_string(in) + " out=" + std::to_string(out) + ".",
                    "Feature counts must be positive.");
    weight = register_parameter("weight", torch::empty({out, in}));
    if (withBias)
        bias = register_parameter("bias", torch::empty({out}));
    reset_parameters();
}

void QuantLinearImpl::reset_parameters()
{
    torch::NoGradGuard noGrad;
    torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
    if (bias.defined()) {
        const double bound = 1.0 / std::sqrt(static_cast<double>(weight.size(1)));
        bias.uniform_(-bound, bound);
    }
}

void QuantLinearImpl::setFeatureChannels(int64_t channels)
{
    if (channels < 0 || (channels > 0 && inFeatures() % channels != 0))
        throw Error("Linear layer '" + layerName() + "': " + std::to_string(inFeatures()) +
                        " input features are not a whole number of positions of " + std::to_string(channels) +
                        " channels.",
                    "Give the channel count of the map that is flattened into the layer.");
    m_featureChannels = channels;
}

torch::Tensor QuantLinearImpl::compute(const torch::Tensor &x, const torch::Tensor &w)
{
    return torch::linear(x, w, bias);
}

int64_t QuantLinearImpl::macs(const torch::IntArrayRef /*in*/, const torch::IntArrayRef out) const
{
    int64_t outElements = 1;
    for (const int64_t d : out)
        outElements *= d;
    return outElements * weight.size(1);
}

void QuantLinearImpl::pretty_print(std::ostream &stream) const
{
    stream << "QuantLinear(in_features=" << weight.size(1) << ", out_features=" << weight.size(0)
           << ", bias=" << (bias.defined() ? "true" : "false") << ")";
}

// ---------------------------------------------------------------------------

FoldableBatchNorm2dImpl::FoldableBatchNorm2dImpl(int64_t channels, double eps, double momentum)
    : m_eps(eps), m_momentum(momentum)
{
    if (channels <= 0)
        throw Error("Invalid BatchNorm2d channel count " + std::to_string(channels) + ".",
                    "Channel counts must be positive.");
    weight = register_parameter("weight", torch::ones({channels}));
    bias = register_parameter("bias", torch::zeros({channels}));
    running_mean = register_buffer("running_mean", torch::zeros({channels}));
    running_var = register_buffer("running_var", torch::ones({channels}));
    num_batches_tracked = register_buffer("num_batches_tracked", torch::zeros({}, torch::kLong));
}

void FoldableBatchNorm2dImpl::reset_parameters()
{
    torch::NoGradGuard noGrad;
    weight.fill_(1.0);
    bias.zero_();
    running_mean.zero_();
    running_var.fill_(1.0);
    num_batches_tracked.zero_();
}

torch::Tensor FoldableBatchNorm2dImpl::forward(const torch::Tensor &x)
{
    if (m_folded)
        return x;
    if (x.dim() != 4)
        throw Error("BatchNorm2d expects a 4-D input, got " + std::to_string(x.dim()) + " dimensions.",
                    "Feed [N, C, H, W] batches.");
    if (is_training()) {
        torch::NoGradGuard noGrad;
        num_batches_tracked.add_(1);
    }
    return torch::batch_norm(x, weight, bias, running_mean, running_var, is_training(), m_momentum, m_eps,
                             /*cudnn_enabled=*/true);
}

void FoldableBatchNorm2dImpl::pretty_print(std::ostream &stream) const
{
    stream << "FoldableBatchNorm2d(" << weight.size(0) << ", eps=" << m_eps << ", momentum=" << m_momentum
           << (m_folded ? ", folded" : "") << ")";
}

std::pair<torch::Tensor, torch::Tensor> foldBatchNormParams(const torch::Tensor &weight, const torch::Tensor &bias,
                                                            const FoldableBatchNorm2dImpl &bn)
{
    const int64_t channels = weight.size(0);
    if (bn.running_mean.numel() != channels)
        throw Error("Cannot fold a BatchNorm2d with " + std::to_string(bn.running_mean.numel()) +
                        " channels into a layer with " + std::to_string(channels) + " output channels.",
                    "Fold each BatchNorm into the convolution that directly precedes it.");
    torch::NoGradGuard noGrad;
    // Fold in double so that the folded layer matches conv+BN to float rounding.
    const auto dw = weight.to(torch::kDouble);
    const auto mean = bn.running_mean.to(torch::kDouble);
    const auto var = bn.running_var.to(torch::kDouble);
    const auto gamma = bn.weight.to(torch::kDouble);
    const auto beta = bn.bias.to(torch::kDouble);
    const auto scale = gamma / torch::sqrt(var + bn.eps());
    std::vector<int64_t> shape(static_cast<size_t>(weight.dim()), 1);
    shape[0] = channels;
    const auto foldedWeight = dw * scale.view(shape);
    const auto b = bias.defined() ? bias.to(torch::kDouble) : torch::zeros({channels}, dw.options());
    const auto foldedBias = (b - mean) * scale + beta;
    return {foldedWeight.to(weight.scalar_type()), foldedBias.to(weight.scalar_type())};
}

void foldBatchNorm(QuantConv2dImpl &conv, FoldableBatchNorm2dImpl &bn)
{
    if (bn.folded())
        throw Error("BatchNorm after layer '" + conv.layerName() + "' is already folded.",
                    "Fold a model's BatchNorms only once.");
    auto [w, b] = foldBatchNormParams(conv.weight, conv.bias, bn);
    torch::NoGradGuard noGrad;
    conv.ensureBias();
    conv.weight.copy_(w);
    conv.bias.copy_(b);
    bn.setFolded(true);
}

} // namespace ql::core::models
