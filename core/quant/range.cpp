#include "core/quant/range.h"

#include "core/common/error.h"
#include "core/quant/ste.h"
#include "core/quant/validate.h"

#include <cmath>
#include <tuple>

namespace ql::core::quant {

torch::Tensor percentileOf(const torch::Tensor &rows, double pct)
{
    if (!(pct > 0.0 && pct <= 100.0))
        throw Error("percentile: " + std::to_string(pct) + " is outside (0, 100].", "Use e.g. 99.9.");
    const torch::Tensor sorted = std::get<0>(rows.to(torch::kDouble).sort(1));
    const int64_t k = sorted.size(1);
    const double pos = pct / 100.0 * static_cast<double>(k - 1);
    const auto below = static_cast<int64_t>(std::floor(pos));
    const int64_t above = std::min<int64_t>(below + 1, k - 1);
    const double frac = pos - static_cast<double>(below);
    const torch::Tensor lo = sorted.select(1, below);
    const torch::Tensor hi = sorted.select(1, above);
    return (lo + (hi - lo) * frac).to(rows.scalar_type());
}

torch::Tensor mseSymmetricStep(const torch::Tensor &rows, double n, double p, int grid)
{
    const torch::Tensor amax = rows.abs().amax(1);
    const torch::Tensor base = torch::where(amax > 0, amax / p, torch::ones_like(amax));
    torch::Tensor best = base.clone();
    torch::Tensor bestErr = torch::full_like(amax, std::numeric_limits<double>::infinity());
    for (int i = grid; i >= 1; --i) {
        const torch::Tensor s = (base * (static_cast<double>(i) / grid)).unsqueeze(1);
        const torch::Tensor err = (torch::round(torch::clamp(rows / s, n, p)) * s - rows).pow(2).sum(1);
        const torch::Tensor better = err < bestErr;
        bestErr = torch::where(better, err, bestErr);
        best = torch::where(better, s.squeeze(1), best);
    }
    return best;
}

RangeQuantizerImpl::RangeQuantizerImpl(QuantSpec spec, Role role, int64_t channels)
    : QuantizerImpl(std::move(spec)), m_role(role), m_channels(channels)
{
    validateSpec(m_spec);
    if (m_spec.method != Method::MinMax && m_spec.method != Method::Percentile && m_spec.method != Method::Mse)
        throw Error("RangeQuantizer: method " + methodName(m_spec.method) + " is not minmax, percentile or mse.",
                    "Use makeQuantizer() to build the right quantizer for a spec.");
    if (m_spec.perChannel && (role == Role::Activation || channels <= 0))
        throw Error(name() + ": per-channel needs weights and a positive channel count, got " +
                        std::to_string(channels) + ".",
                    "Set perChannel only for weights, with the layer's output-channel count.");
    m_signed = role == Role::Weight ? true : m_spec.isSigned;
    m_range = intRange(m_spec.bits, m_signed, m_signed && m_spec.narrow);
    const auto shape = m_spec.perChannel ? std::vector<int64_t>{channels} : std::vector<int64_t>{};
    step = register_buffer("step", torch::ones(shape));
    offset = register_buffer("offset", torch::zeros(shape));
}

std::string RangeQuantizerImpl::name() const
{
    return m_spec.method == Method::MinMax ? "MinMax" : m_spec.method == Method::Percentile ? "Percentile" : "MSE";
}

torch::Tensor RangeQuantizerImpl::forward(const torch::Tensor &x)
{
    if (!m_initialized)
        init({detail::initSample(x, m_spec.perChannel)});
    const torch::Tensor s = detail::channelView(step, x).to(x.scalar_type());
    const torch::Tensor beta = m_signed ? torch::Tensor() : detail::channelView(offset, x).to(x.scalar_type());
    return lsqQuantize(x, s, beta, static_cast<double>(m_range.lo), static_cast<double>(m_range.hi), 0.0, 0.0);
}

torch::Tensor RangeQuantizerImpl::levels() const
{
    const torch::Tensor ints = torch::arange(m_range.lo, m_range.hi + 1, step.options());
    if (step.dim() == 0)
        return ints * step + offset;
    return step.unsqueeze(1) * ints.unsqueeze(0) + offset.unsqueeze(1);
}

torch::Tensor RangeQuantizerImpl::integerCodes(const torch::Tensor &x) const
{
    const torch::Tensor xd = x.detach();
    const torch::Tensor v = (xd - detail::channelView(offset, xd)) / detail::channelView(step, xd);
    return torch::round(torch::clamp(v, static_cast<double>(m_range.lo), static_cast<double>(m_range.hi)))
        .to(torch::kLong);
}

void RangeQuantizerImpl::init(const std::vector<torch::Tensor> &calibration)
{
    detail::checkCalibration(name(), calibration);
    torch::NoGradGuard noGrad;
    torch::Tensor rows;
    if (m_spec.perChannel) {
        const torch::Tensor w = calibration.front().detach();
        if (w.dim() == 0 || w.size(0) != m_channels)
            throw Error(name() + ": per-channel weight has " + std::to_string(w.dim() ? w.size(0) : 0) +
                            " output channels, the quantizer was built for " + std::to_string(m_channels) + ".",
                        "Build the quantizer with the layer's output-channel count.");
        rows = w.flatten(1).to(torch::kDouble);
    } else {
        const torch::Tensor flat = detail::flatCalibration(calibration);
        // The MSE search runs 100 candidate ranges over the data: on an evenly spread subset
        // once a calibration set of activations holds millions of values.
        rows = (m_spec.method == Method::Mse ? detail::evenSample(flat, detail::kSearchSampleSize) : flat)
                   .to(torch::kDouble)
                   .unsqueeze(0);
    }
    const double n = static_cast<double>(m_range.lo);
    const double p = static_cast<double>(m_range.hi);
    torch::Tensor s;
    torch::Tensor beta = torch::zeros({rows.size(0)}, torch::kDouble);
    if (m_signed) {
        switch (m_spec.method) {
        case Method::MinMax: s = rows.abs().amax(1) / p; break;
        case Method::Percentile: s = percentileOf(rows.abs(), m_spec.percentile) / p; break;
        default: s = mseSymmetricStep(rows, n, p); break;
        }
    } else {
        torch::Tensor lo;
        torch::Tensor hi;
        if (m_spec.method == Method::Percentile) {
            lo = percentileOf(rows, std::max(1e-9, 100.0 - m_spec.percentile));
            hi = percentileOf(rows, m_spec.percentile);
        } else {
            lo = rows.amin(1);
            hi = rows.amax(1);
        }
        if (m_spec.method == Method::Mse)
            std::tie(lo, hi) = detail::mseClipRange(rows, p);
        s = (hi - lo) / p;
        beta = lo;
    }
    detail::checkPositive(name(), s);
    const auto shape = m_spec.perChannel ? std::vector<int64_t>{m_channels} : std::vector<int64_t>{};
    step.copy_(s.reshape(shape).to(step.scalar_type()));
    offset.copy_(beta.reshape(shape).to(offset.scalar_type()));
    m_initialized = true;
}

std::map<std::string, torch::Tensor> RangeQuantizerImpl::quantParameters() const
{
    return {{"step", step}, {"offset", offset}};
}

std::pair<torch::Tensor, torch::Tensor> RangeQuantizerImpl::clipRange() const
{
    return {step * static_cast<double>(m_range.lo) + offset, step * static_cast<double>(m_range.hi) + offset};
}

IntRange RangeQuantizerImpl::codeRange() const { return m_range; }

} // namespace ql::core::quant
