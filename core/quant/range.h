#pragma once
// Post-training range setters: min-max, percentile and MSE-optimal clipping,
// per tensor or per output channel.
#include "core/quant/quantizer.h"

#include <torch/torch.h>

namespace ql::core::quant {

/// The pct-th percentile (0 < pct <= 100) of each row of `rows` [C, K] -> [C],
/// linear interpolation between order statistics (numpy's default). Thread-safe.
torch::Tensor percentileOf(const torch::Tensor &rows, double pct);

/// Per-row MSE-optimal symmetric step: s = t * max|r| / p for t in
/// {1/grid, 2/grid, ..., 1}, minimising sum (r - s round(clamp(r/s, n, p)))^2
/// (an exhaustive grid; round half to even). Rows that are all zero get step 1.
/// `rows` [C, K] -> [C]. Thread-safe.
torch::Tensor mseSymmetricStep(const torch::Tensor &rows, double n, double p, int grid = 100);

/// Uniform PTQ quantizer whose step (and, unsigned, offset) are set from
/// calibration data by Method::MinMax, Method::Percentile or Method::Mse:
///  - signed (weights always): symmetric, offset 0, s = A / p with A = max|x|
///    (min-max), the pct-th percentile of |x| (percentile), or the MSE grid of
///    mseSymmetricStep (mse);
///  - unsigned: x_hat = round(clamp((x - beta)/s, 0, p)) s + beta with [lo, hi] =
///    [min, max] (min-max), the (100 - pct)-th and pct-th percentiles
///    (percentile) or the range of least MSE found by detail::mseClipRange (mse);
///    s = (hi - lo)/p, beta = lo.
/// Per channel (weights, dim 0) or per tensor; the parameters are buffers, not
/// learned; the backward pass is straight-through for x. Not thread-safe.
class RangeQuantizerImpl : public QuantizerImpl {
public:
    RangeQuantizerImpl(QuantSpec spec, Role role, int64_t channels);

    torch::Tensor forward(const torch::Tensor &x) override;
    torch::Tensor levels() const override;
    torch::Tensor integerCodes(const torch::Tensor &x) const override;
    void init(const std::vector<torch::Tensor> &calibration) override;
    std::map<std::string, torch::Tensor> quantParameters() const override;
    std::pair<torch::Tensor, torch::Tensor> clipRange() const override;
    IntRange codeRange() const override;

    IntRange range() const { return m_range; }

    torch::Tensor step;
    torch::Tensor offset; ///< zero for signed

private:
    std::string name() const;

    Role m_role;
    int64_t m_channels;
    bool m_signed = true;
    IntRange m_range{0, 0};
};
TORCH_MODULE(RangeQuantizer);

} // namespace ql::core::quant
