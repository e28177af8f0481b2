#include "core/quant/asq.h"

#include "core/common/error.h"
#include "core/quant/ste.h"
#include "core/quant/validate.h"

#include <cmath>

namespace ql::core::quant {

namespace {
constexpr int64_t kMinHiddenChannels = 8;
constexpr double kBetaFloor = 1e-8;
} // namespace

AsqAdapterImpl::AsqAdapterImpl(int64_t channels) : m_channels(channels)
{
    if (channels <= 0)
        throw Error("ASQ adapter: channel count " + std::to_string(channels) + " must be positive.",
                    "Build the ASQ quantizer with the layer's input-channel count.");
    if (channels >= kMinHiddenChannels) {
        hidden = register_module("hidden", torch::nn::Linear(channels, channels / 4));
        out = register_module("out", torch::nn::Linear(channels / 4, 1));
    } else {
        out = register_module("out", torch::nn::Linear(channels, 1));
    }
    torch::NoGradGuard noGrad;
    out->weight.normal_(0.0, 0.01);
    out->bias.fill_(1.0);
}

torch::Tensor AsqAdapterImpl::pool(const torch::Tensor &x) const
{
    if (x.dim() > 2)
        return x.flatten(2).mean(2);
    if (x.size(1) != m_channels)
        return x.reshape({x.size(0), m_channels, -1}).mean(2); // a flattened [N, C, H, W] map
    return x;
}

torch::Tensor AsqAdapterImpl::forward(const torch::Tensor &x)
{
    torch::Tensor pooled = pool(x);
    if (hidden)
        pooled = torch::relu(hidden->forward(pooled));
    return torch::relu(out->forward(pooled)).clamp_min(kBetaFloor).squeeze(1);
}

int64_t AsqAdapterImpl::parameterCount(int64_t c)
{
    if (c >= kMinHiddenChannels)
        return c * (c / 4) + c / 4 + (c / 4) + 1;
    return c + 1;
}

int64_t AsqAdapterImpl::operationCount(int64_t c)
{
    if (c >= kMinHiddenChannels)
        return c + c * (c / 4) + c / 4;
    return c + c;
}

AsqQuantizerImpl::AsqQuantizerImpl(QuantSpec spec, int64_t channels)
    : QuantizerImpl(std::move(spec)), m_channels(channels)
{
    validateSpec(m_spec);
    if (m_spec.perChannel)
        throw Error("ASQ: per-channel is not defined for activations.", "Turn perChannel off for ASQ.");
    m_range = intRange(m_spec.bits, m_spec.isSigned);
    step = register_parameter("step", torch::ones({}));
    adapter = register_module("adapter", AsqAdapter(channels));
}

double AsqQuantizerImpl::gradScale(const torch::Tensor &x) const
{
    return detail::gradScaleFactor(types::effectiveGradScale(m_spec), x, /*batched=*/true,
                                   static_cast<double>(m_range.hi));
}

torch::Tensor AsqQuantizerImpl::forward(const torch::Tensor &x)
{
    const bool flattenedMap = x.dim() == 2 && x.size(1) > m_channels && x.size(1) % m_channels == 0;
    if (x.dim() < 2 || (x.size(1) != m_channels && !flattenedMap))
        throw Error("ASQ: input of shape " + c10::str(x.sizes()) + " does not have " + std::to_string(m_channels) +
                        " channels in dim 1 (or, flattened, a multiple of them).",
                    "Build the ASQ quantizer with the layer's input-channel count.");
    if (!m_initialized) {
        torch::NoGradGuard noGrad;
        init({x.detach()});
    }
    const torch::Tensor beta = adapter->forward(x);
    m_lastBeta = beta.detach();
    // Only s carries g: dL/ds = g * sum(dL/ds_a * beta), dL/dbeta = dL/ds_a * s.
    const torch::Tensor sa = scaleGradient(step.to(x.scalar_type()), gradScale(x)) * beta.to(x.scalar_type());
    std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
    shape[0] = x.size(0);
    return lsqQuantize(x, sa.view(shape), torch::Tensor(), static_cast<double>(m_range.lo),
                       static_cast<double>(m_range.hi), 1.0, 1.0);
}

torch::Tensor AsqQuantizerImpl::sampleSteps(const torch::Tensor &x) const
{
    torch::NoGradGuard noGrad;
    return step.detach() * adapter.ptr()->forward(x.detach());
}

double AsqQuantizerImpl::meanBeta() const { return m_lastBeta.defined() ? m_lastBeta.mean().item<double>() : 1.0; }

torch::Tensor AsqQuantizerImpl::levels() const
{
    return torch::arange(m_range.lo, m_range.hi + 1, step.options().requires_grad(false)) * step.detach() * meanBeta();
}

torch::Tensor AsqQuantizerImpl::integerCodes(const torch::Tensor &x) const
{
    const torch::Tensor sa = sampleSteps(x);
    std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
    shape[0] = x.size(0);
    return torch::round(torch::clamp(x.detach() / sa.view(shape), static_cast<double>(m_range.lo),
                                     static_cast<double>(m_range.hi)))
        .to(torch::kLong);
}

void AsqQuantizerImpl::init(const std::vector<torch::Tensor> &calibration)
{
    detail::checkCalibration("ASQ", calibration);
    const torch::Tensor flat = detail::flatCalibration(calibration).to(torch::kFloat);
    setStep(2.0 * flat.abs().mean().item<double>() / std::sqrt(static_cast<double>(m_range.hi)));
}

void AsqQuantizerImpl::setStep(double s)
{
    detail::checkPositive("ASQ", torch::tensor(s));
    torch::NoGradGuard noGrad;
    step.fill_(s);
    m_initialized = true;
}

std::map<std::string, torch::Tensor> AsqQuantizerImpl::quantParameters() const
{
    return {{"step", step.detach()}, {"beta", m_lastBeta.defined() ? m_lastBeta : torch::empty({0})}};
}

std::pair<torch::Tensor, torch::Tensor> AsqQuantizerImpl::clipRange() const
{
    const torch::Tensor s = step.detach() * meanBeta();
    return {s * static_cast<double>(m_range.lo), s * static_cast<double>(m_range.hi)};
}

AsqOverhead asqOverhead(const std::vector<LayerShape> &layers, int bits)
{
    if (layers.empty())
        throw Error("ASQ overhead: the layer list is empty.", "Describe at least one quantized layer.");
    if (bits < 1 || bits > 32)
        throw Error("ASQ overhead: bits = " + std::to_string(bits) + " is out of range 1..32.",
                    "Choose the weight bit-width the model is stored in.");
    AsqOverhead o;
    o.bits = bits;
    for (size_t i = 0; i < layers.size(); ++i) {
        const LayerShape &l = layers[i];
        if (l.inChannels <= 0 || l.outChannels <= 0 || l.kernelH <= 0 || l.kernelW <= 0 || l.outputHW <= 0)
            throw Error("ASQ overhead: layer " + std::to_string(i) + " has a non-positive dimension.",
                        "Give in/out channels, kernel size and output H*W, all positive.");
        const double params = static_cast<double>(l.inChannels * l.outChannels * l.kernelH * l.kernelW);
        o.modelParams += params;
        o.modelOps += params * static_cast<double>(l.outputHW);
        if (l.hasAdapter) {
            o.adapterParams += static_cast<double>(AsqAdapterImpl::parameterCount(l.inChannels));
            o.adapterOps += static_cast<double>(AsqAdapterImpl::operationCount(l.inChannels));
        }
    }
    o.paramShare = 32.0 * o.adapterParams / (bits * o.modelParams);
    o.computeShare = 32.0 * o.adapterOps / (bits * o.modelOps);
    return o;
}

IntRange AsqQuantizerImpl::codeRange() const { return m_range; }

} // namespace ql::core::quant
