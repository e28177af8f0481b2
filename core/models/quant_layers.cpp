#include "core/models/quant_layers.h"

#include "core/common/error.h"

#include <cmath>

namespace ql::core::models {

std::string layerKindName(LayerKind kind)
{
    switch (kind) {
    case LayerKind::Conv2d: return "conv2d";
    case LayerKind::Linear: return "linear";
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
    if (options.in <= 0 || options.out <= 0 || options.kernel <= 0 || options.groups <= 0 ||
        options.in % options.groups != 0 || options.out % options.groups != 0)
        throw Error("Invalid convolution geometry: in=" + std::to_string(options.in) +
                        " out=" + std::to_string(options.out) + " kernel=" + std::to_string(options.kernel) +
                        " groups=" + std::to_string(options.groups) + ".",
                    "Channel counts must be positive and divisible by the group count.");
    weight = register_parameter(
        "weight", torch::empty({options.out, options.in / options.groups, options.kernel, options.kernel}));
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
    return torch::conv2d(x, w, bias, m_options.stride, m_options.padding, m_options.dilation, m_options.groups);
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
    stream << "QuantConv2d(" << m_options.in << ", " << m_options.out << ", kernel_size=" << m_options.kernel
           << ", stride=" << m_options.stride << ", padding=" << m_options.padding;
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
