#include "core/quant/lsq.h"

#include "core/common/error.h"
#include "core/quant/ste.h"
#include "core/quant/validate.h"

#include <cmath>

namespace ql::core::quant {

double uniformMse(const torch::Tensor &x, double s, double beta, double n, double p)
{
    const torch::Tensor q = torch::round(torch::clamp((x - beta) / s, n, p)) * s + beta;
    return (q - x).pow(2).mean().item<double>();
}

torch::Tensor foldOffsetIntoBias(const torch::Tensor &weight, const torch::Tensor &bias, double beta)
{
    const torch::Tensor perOut = weight.flatten(1).sum(1) * beta;
    return bias.defined() ? bias + perOut : perOut;
}

LsqQuantizerImpl::LsqQuantizerImpl(QuantSpec spec, Role role, int64_t channels)
    : QuantizerImpl(std::move(spec)), m_role(role), m_channels(channels)
{
    validateSpec(m_spec);
    if (m_spec.method != Method::Lsq && m_spec.method != Method::LsqPlus)
        throw Error("LsqQuantizer: method " + methodName(m_spec.method) + " is not lsq or lsq+.",
                    "Use makeQuantizer() to build the right quantizer for a spec.");
    if (m_spec.perChannel && role == Role::Activation)
        throw Error(name() + ": per-channel activation quantization is not supported.",
                    "Set perChannel only for weights.");
    if (m_spec.perChannel && channels <= 0)
        throw Error(name() + ": per-channel needs a positive channel count, got " + std::to_string(channels) + ".",
                    "Pass the layer's output-channel count.");
    bool isSigned = m_spec.isSigned;
    bool withOffset = false;
    if (role == Role::Weight) {
        isSigned = true;
    } else if (m_spec.method == Method::LsqPlus) {
        isSigned = m_spec.lsqPlusConfig == 2 || m_spec.lsqPlusConfig == 4;
        withOffset = m_spec.lsqPlusConfig == 3 || m_spec.lsqPlusConfig == 4;
    }
    m_range = intRange(m_spec.bits, isSigned, role == Role::Weight && m_spec.narrow);
    const int64_t count = m_spec.perChannel ? channels : 1;
    torch::Tensor s0 = m_spec.perChannel ? torch::ones({count}) : torch::ones({});
    step = register_parameter("step", s0);
    if (withOffset) {
        m_offsetLearnable = true;
        m_offset = register_parameter("offset", torch::zeros({}));
    }
}

std::string LsqQuantizerImpl::name() const
{
    return m_spec.method == Method::LsqPlus ? "LSQ+ (config " + std::to_string(m_spec.lsqPlusConfig) + ")" : "LSQ";
}

double LsqQuantizerImpl::gradScale(const torch::Tensor &x) const
{
    return detail::gradScaleFactor(types::effectiveGradScale(m_spec), x, m_role == Role::Activation,
                                   static_cast<double>(m_range.hi));
}

torch::Tensor LsqQuantizerImpl::forward(const torch::Tensor &x)
{
    if (!m_initialized) {
        torch::NoGradGuard noGrad;
        init({detail::initSample(x, m_spec.perChannel)});
    }
    const double g = gradScale(x);
    const torch::Tensor s = detail::channelView(step, x).to(x.scalar_type());
    const torch::Tensor beta = m_offset.defined() ? m_offset.to(x.scalar_type()) : torch::Tensor();
    return lsqQuantize(x, s, beta, static_cast<double>(m_range.lo), static_cast<double>(m_range.hi), g, g);
}

torch::Tensor LsqQuantizerImpl::levels() const
{
    const torch::Tensor ints = torch::arange(m_range.lo, m_range.hi + 1, step.options().requires_grad(false));
    const torch::Tensor s = step.detach();
    torch::Tensor out = s.dim() == 0 ? ints * s : s.unsqueeze(1) * ints.unsqueeze(0);
    if (m_offset.defined())
        out = out + m_offset.detach();
    return out;
}

torch::Tensor LsqQuantizerImpl::integerCodes(const torch::Tensor &x) const
{
    const torch::Tensor xd = x.detach();
    const torch::Tensor s = detail::channelView(step.detach(), xd);
    const torch::Tensor shifted = m_offset.defined() ? xd - m_offset.detach() : xd;
    return torch::round(torch::clamp(shifted / s, static_cast<double>(m_range.lo), static_cast<double>(m_range.hi)))
        .to(torch::kLong);
}

void LsqQuantizerImpl::init(const std::vector<torch::Tensor> &calibration)
{
    detail::checkCalibration(name(), calibration);
    torch::NoGradGuard noGrad;
    const double p = static_cast<double>(m_range.hi);
    if (m_spec.perChannel) {
        // Weights: the single calibration tensor is the weight, dim 0 the output channel.
        const torch::Tensor w = calibration.front().detach().to(torch::kFloat);
        if (w.dim() == 0 || w.size(0) != m_channels)
            throw Error(name() + ": per-channel weight has " + std::to_string(w.dim() ? w.size(0) : 0) +
                            " output channels, the quantizer was built for " + std::to_string(m_channels) + ".",
                        "Build the quantizer with the layer's output-channel count.");
        const torch::Tensor rows = w.flatten(1);
        torch::Tensor s0;
        if (m_spec.method == Method::Lsq) {
            s0 = 2.0 * rows.abs().mean(1) / std::sqrt(p);
        } else {
            const torch::Tensor mu = rows.mean(1);
            const torch::Tensor sigma = rows.std(1, /*unbiased=*/false);
            s0 = torch::maximum((mu - 3 * sigma).abs(), (mu + 3 * sigma).abs()) / std::pow(2.0, m_spec.bits - 1);
        }
        detail::checkPositive(name(), s0);
        step.set_data(s0.to(step.scalar_type()));
        m_initialized = true;
        return;
    }
    const torch::Tensor flat = detail::flatCalibration(calibration).to(torch::kFloat);
    torch::Tensor s0;
    // LSQ's own rule, unless an activation is given another init (--init minmax or mse).
    if (m_spec.method == Method::Lsq && (m_role == Role::Weight || m_spec.init == InitMode::Default)) {
        s0 = 2.0 * flat.abs().mean() / std::sqrt(p);
    } else if (m_role == Role::Weight) {
        const torch::Tensor mu = flat.mean();
        // Population standard deviation: the LSQ+ paper does not say which one it uses.
        const torch::Tensor sigma = flat.std(/*unbiased=*/false);
        s0 = torch::maximum((mu - 3 * sigma).abs(), (mu + 3 * sigma).abs()) / std::pow(2.0, m_spec.bits - 1);
    } else if (m_spec.init == InitMode::MinMax) {
        initMinMax(flat);
        m_initialized = true;
        return;
    } else {
        initMse(flat);
        m_initialized = true;
        return;
    }
    detail::checkPositive(name(), s0);
    step.set_data(s0.to(step.scalar_type()));
    m_initialized = true;
}

void LsqQuantizerImpl::initMinMax(const torch::Tensor &flat)
{
    const double lo = flat.min().item<double>();
    const double hi = flat.max().item<double>();
    const double n = static_cast<double>(m_range.lo);
    const double p = static_cast<double>(m_range.hi);
    double s = 0;
    double beta = 0;
    if (m_offset.defined()) {
        s = (hi - lo) / (p - n);
        beta = lo - n * s;
    } else {
        s = hi / p;
        if (n < 0)
            s = std::max(s, lo / n);
    }
    setParameters(torch::tensor(s), m_offset.defined() ? torch::tensor(beta) : torch::Tensor());
}

void LsqQuantizerImpl::initMse(const torch::Tensor &flatAll)
{
    const torch::Tensor x = detail::evenSample(flatAll, detail::kSearchSampleSize);
    initMinMax(flatAll);
    const double n = static_cast<double>(m_range.lo);
    const double p = static_cast<double>(m_range.hi);
    double bestS = step.item<double>();
    double bestBeta = m_offset.defined() ? m_offset.item<double>() : 0.0;
    double best = uniformMse(x, bestS, bestBeta, n, p);
    if (m_offset.defined()) {
        // lo = beta + n s, hi = beta + p s: an offset grid of p - n steps.
        const auto [lo, hi] = detail::mseClipRange(x.reshape({1, -1}), p - n);
        const double s = (hi.item<double>() - lo.item<double>()) / (p - n);
        const double beta = lo.item<double>() - n * s;
        const double err = uniformMse(x, s, beta, n, p);
        if (err < best) {
            best = err;
            bestS = s;
            bestBeta = beta;
        }
    } else {
        const double s0 = bestS;
        for (int i = 1; i <= 100; ++i) {
            const double s = s0 * 0.01 * i;
            const double err = uniformMse(x, s, 0.0, n, p);
            if (err < best) {
                best = err;
                bestS = s;
            }
        }
    }
    setParameters(torch::tensor(bestS), m_offset.defined() ? torch::tensor(bestBeta) : torch::Tensor());
}

void LsqQuantizerImpl::setParameters(const torch::Tensor &newStep, const torch::Tensor &offset)
{
    detail::checkPositive(name(), newStep);
    torch::NoGradGuard noGrad;
    step.set_data(newStep.detach().to(step.scalar_type()).reshape(step.sizes()).clone());
    if (offset.defined()) {
        if (!m_offset.defined())
            throw Error(name() + ": this configuration has no offset to set.",
                        "Use LSQ+ config 3 or 4 for a learnable offset.");
        detail::checkFinite(name(), offset, "offset");
        m_offset.set_data(offset.detach().to(m_offset.scalar_type()).reshape({}).clone());
    }
    m_initialized = true;
}

std::map<std::string, torch::Tensor> LsqQuantizerImpl::quantParameters() const
{
    std::map<std::string, torch::Tensor> out{{"step", step.detach()}};
    if (m_offset.defined())
        out["offset"] = m_offset.detach();
    return out;
}

std::pair<torch::Tensor, torch::Tensor> LsqQuantizerImpl::clipRange() const
{
    const torch::Tensor s = step.detach();
    torch::Tensor lo = s * static_cast<double>(m_range.lo);
    torch::Tensor hi = s * static_cast<double>(m_range.hi);
    if (m_offset.defined()) {
        lo = lo + m_offset.detach();
        hi = hi + m_offset.detach();
    }
    return {lo, hi};
}

IntRange LsqQuantizerImpl::codeRange() const { return m_range; }

} // namespace ql::core::quant
