#include "core/quant/pact.h"

#include "core/common/error.h"
#include "core/quant/range.h"
#include "core/quant/ste.h"
#include "core/quant/validate.h"

#include <cmath>

namespace ql::core::quant {

PactQuantizerImpl::PactQuantizerImpl(QuantSpec spec) : QuantizerImpl(std::move(spec))
{
    validateSpec(m_spec);
    if (m_spec.perChannel || m_spec.isSigned)
        throw Error("PACT: only unsigned per-tensor activations are defined (got " +
                        std::string(m_spec.isSigned ? "signed" : "per-channel") + ").",
                    "Turn signed and perChannel off for PACT.");
    m_k = std::ldexp(1.0, m_spec.bits) - 1.0;
    alpha = register_parameter("alpha", torch::ones({}));
}

torch::Tensor PactQuantizerImpl::forward(const torch::Tensor &x)
{
    if (!m_initialized) {
        torch::NoGradGuard noGrad;
        init({detail::initSample(x, false)});
    }
    return pactQuantize(x, alpha.to(x.scalar_type()), m_k);
}

torch::Tensor PactQuantizerImpl::levels() const
{
    return torch::arange(0.0, m_k + 1.0, alpha.options().requires_grad(false)) * alpha.detach() / m_k;
}

torch::Tensor PactQuantizerImpl::integerCodes(const torch::Tensor &x) const
{
    const torch::Tensor a = alpha.detach().to(x.scalar_type());
    return torch::round(torch::minimum(x.detach().clamp_min(0.0), a) * m_k / a).to(torch::kLong);
}

void PactQuantizerImpl::init(const std::vector<torch::Tensor> &calibration)
{
    detail::checkCalibration("PACT", calibration);
    const torch::Tensor flat = detail::flatCalibration(calibration).to(torch::kDouble);
    setAlpha(percentileOf(flat.unsqueeze(0), m_spec.percentile).item<double>());
}

void PactQuantizerImpl::setAlpha(double a)
{
    detail::checkPositive("PACT", torch::tensor(a), "clipping threshold alpha");
    torch::NoGradGuard noGrad;
    alpha.fill_(a);
    m_initialized = true;
}

std::map<std::string, torch::Tensor> PactQuantizerImpl::quantParameters() const { return {{"alpha", alpha.detach()}}; }

std::pair<torch::Tensor, torch::Tensor> PactQuantizerImpl::clipRange() const
{
    return {torch::zeros_like(alpha.detach()), alpha.detach()};
}

IntRange PactQuantizerImpl::codeRange() const { return {0, static_cast<int64_t>(m_k)}; }

} // namespace ql::core::quant
