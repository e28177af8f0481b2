#pragma once
// PACT (Choi et al., 2018): learned clipping of activations.
#include "core/quant/quantizer.h"

#include <torch/torch.h>

namespace ql::core::quant {

/// y = clamp(x, 0, alpha), x_hat = round(y (2^b - 1) / alpha) alpha / (2^b - 1)
/// (round half to even). Gradients (PACT, STE on the rounding): dx = 1 on
/// [0, alpha], 0 elsewhere; dalpha = 1 where x > alpha, 0 elsewhere. alpha is
/// initialised at the spec.percentile-th percentile of the calibration data
/// (100 = the maximum). Unsigned only (PACT clips at 0). Not thread-safe.
class PactQuantizerImpl : public QuantizerImpl {
public:
    explicit PactQuantizerImpl(QuantSpec spec);

    torch::Tensor forward(const torch::Tensor &x) override;
    torch::Tensor levels() const override;
    torch::Tensor integerCodes(const torch::Tensor &x) const override;
    void init(const std::vector<torch::Tensor> &calibration) override;
    std::map<std::string, torch::Tensor> quantParameters() const override;
    std::pair<torch::Tensor, torch::Tensor> clipRange() const override;
    IntRange codeRange() const override;

    void setAlpha(double a);

    torch::Tensor alpha;

private:
    double m_k = 1; ///< 2^b - 1
};
TORCH_MODULE(PactQuantizer);

} // namespace ql::core::quant
