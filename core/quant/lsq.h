#pragma once
// LSQ (Esser et al., ICLR 2020) and LSQ+ (Bhalgat et al., CVPR-W 2020).
#include "core/quant/quantizer.h"

#include <torch/torch.h>

namespace ql::core::quant {

/// Uniform quantizer with a learned step size s and, for LSQ+ configs 3 and 4,
/// a learned offset beta: x_hat = round(clamp((x - beta)/s, n, p)) * s + beta
/// (round half to even). Handles Method::Lsq and Method::LsqPlus.
///
/// Range and offset: weights are always signed (narrow when spec.narrow) with no
/// offset. Activations: LSQ uses spec.isSigned, offset 0; LSQ+ takes both from
/// the config (Table I): 1 unsigned/fixed 0, 2 signed/fixed 0, 3 unsigned/learned,
/// 4 signed/learned.
///
/// Gradient scale g = 1/sqrt(N_g * p) on s (and beta), N_g from spec.gradScale
/// (see detail::gradScaleCount: activations count one sample's features).
///
/// Initialisation (init(), or lazily from the first forward input):
///  - LSQ: s0 = 2 mean|x| / sqrt(p) (per channel for per-channel weights). LSQ activations
///    given InitMode::MinMax or Mse start as LSQ+ activations with that init would (without an
///    offset): min-max s0 = max(max/p, min/n), or the MSE search below.
///  - LSQ+ weights: s0 = max(|mu - 3 sigma|, |mu + 3 sigma|) / 2^(b-1), sigma the
///    population standard deviation (the paper does not say which; per channel when
///    per-channel).
///  - LSQ+ activations, InitMode::MinMax: s0 = (max - min)/(p - n), beta0 = min - n s0
///    (fixed offset: s0 = max(max/p, min/n) with beta = 0).
///  - LSQ+ activations, InitMode::Mse or Default (the paper's recommended init):
///    search of the clipping range that minimises ||x_hat - x||^2 over all calibration
///    batches: with a learned offset, detail::mseClipRange (each end relative to its own
///    magnitude, a 20 x 20 grid refined until the error falls by less than 0.1 %), then
///    s = (hi - lo)/(p - n), beta = lo - n s; with a fixed offset, s = t s_minmax
///    for t in {0.01, 0.02, .., 1}. The min-max point is on the grid, so the result
///    is never worse than min-max. At most 2^18 evenly strided samples are searched.
/// Not thread-safe (one quantizer per layer on one engine thread).
class LsqQuantizerImpl : public QuantizerImpl {
public:
    LsqQuantizerImpl(QuantSpec spec, Role role, int64_t channels);

    torch::Tensor forward(const torch::Tensor &x) override;
    torch::Tensor levels() const override;
    torch::Tensor integerCodes(const torch::Tensor &x) const override;
    void init(const std::vector<torch::Tensor> &calibration) override;
    std::map<std::string, torch::Tensor> quantParameters() const override;
    std::pair<torch::Tensor, torch::Tensor> clipRange() const override;
    IntRange codeRange() const override;

    /// Integer range [n, p] in use.
    IntRange range() const { return m_range; }
    bool hasOffset() const { return m_offset.defined(); }
    bool offsetLearnable() const { return m_offsetLearnable; }
    Role role() const { return m_role; }
    /// Sets s (and beta when there is an offset) directly; throws on a non-positive step.
    void setParameters(const torch::Tensor &step, const torch::Tensor &offset = {});
    /// The gradient scale g this quantizer applies for an input like `x`.
    double gradScale(const torch::Tensor &x) const;

    torch::Tensor step;

private:
    std::string name() const;
    void initMinMax(const torch::Tensor &flat);
    void initMse(const torch::Tensor &flat);

    Role m_role;
    int64_t m_channels;
    IntRange m_range{0, 0};
    bool m_offsetLearnable = false;
    torch::Tensor m_offset; ///< undefined when there is no offset
};
TORCH_MODULE(LsqQuantizer);

/// The bias of the next layer once an LSQ+ offset is folded in: with
/// x_hat = s x_int + beta, W x_hat + b = s W x_int + (b + W beta 1), so the new
/// bias is b + beta * sum over each output's input weights. `weight` is
/// [out, in, ...]; `bias` may be undefined (zero). Thread-safe.
torch::Tensor foldOffsetIntoBias(const torch::Tensor &weight, const torch::Tensor &bias, double beta);

/// Mean squared reconstruction error of uniform quantization of `x` with step
/// `s`, offset `beta` and range [n, p] (used by the MSE searches). Thread-safe.
double uniformMse(const torch::Tensor &x, double s, double beta, double n, double p);

} // namespace ql::core::quant
