#pragma once
// Non-uniform weight levels: POT, POST (ASQ paper, Eqs. 3 and 17) and APoT
// (Li et al., ICLR 2020), plus POST's integer multiply path (Eq. 18).
#include "core/quant/quantizer.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace ql::core::quant {

/// Unit magnitudes of POT, ascending: {0, 2^-(2^(b-1)-1), ..., 2^-1, 1} for
/// PotVariant::Paper (2^(b-1) non-zero magnitudes, 2^b + 1 signed levels);
/// Strict drops the smallest non-zero one (2^b - 1 signed levels). bits 2..8;
/// throws ql::core::Error otherwise. Thread-safe.
std::vector<double> potMagnitudes(int bits, PotVariant variant = PotVariant::Paper);

/// POST: as POT with base sqrt(2): {0, sqrt2^-(2^(b-1)-1), ..., sqrt2^-1, 1}. Thread-safe.
std::vector<double> postMagnitudes(int bits, PotVariant variant = PotVariant::Paper);

/// APoT unit magnitudes, ascending, normalised so that the largest is 1. The
/// magnitude bit-width is m = b - 1 (signed) or b (unsigned), m in 2..6. Even m:
/// m/2 additive terms, term i in {0, 2^-(i+1), 2^-(i+1+n), 2^-(i+1+2n)} (n = m/2,
/// base bit-width k = 2). Odd m follows the split of the official code
/// (yhhhli/APoT_Quantization, ImageNet/models/quant_layer.py, build_power_value):
/// m = 3 -> one 2-bit term {0, 2^-1, 2^-2, 2^-4} plus one 1-bit term {0, 2^-3};
/// m = 5 -> two 2-bit terms {0, 2^-1, 2^-3, 2^-6}, {0, 2^-2, 2^-4, 2^-7} plus a
/// 1-bit term {0, 2^-5}. Throws ql::core::Error for other m. Thread-safe.
std::vector<double> apotMagnitudes(int bits, bool isSigned = true);

/// Uniform unit magnitudes {0, 1/q, ..., 1} with q = 2^(b-1) - 1 (signed) or 2^b - 1, for the levels view. Thread-safe.
std::vector<double> uniformMagnitudes(int bits, bool isSigned = true);

/// The full ascending level set from unit magnitudes: {-m..., 0, ...m} when signed. Thread-safe.
std::vector<double> levelSet(const std::vector<double> &magnitudes, bool isSigned);

/// POT / POST / APoT quantizer: x_hat = alpha * sign(u) * nearest(|clamp(u)|),
/// u = x / alpha, ties to the smaller magnitude. Straight-through gradient for x
/// inside |u| <= 1; alpha learnable with the LSQ-style gradient (q - u inside,
/// +-1 outside) times g = 1/sqrt(N_g * P), P the count of non-zero magnitudes.
/// alpha is initialised (init(), or lazily on the first forward) at the
/// spec.percentile-th percentile of |w| (per output channel when per-channel).
/// Weights are signed; activations use spec.isSigned. integerCodes() returns
/// sign * index into the ascending magnitudes (0 = zero). Not thread-safe.
class LevelQuantizerImpl : public QuantizerImpl {
public:
    LevelQuantizerImpl(QuantSpec spec, Role role, int64_t channels);

    torch::Tensor forward(const torch::Tensor &x) override;
    torch::Tensor levels() const override;
    torch::Tensor integerCodes(const torch::Tensor &x) const override;
    void init(const std::vector<torch::Tensor> &calibration) override;
    std::map<std::string, torch::Tensor> quantParameters() const override;
    std::pair<torch::Tensor, torch::Tensor> clipRange() const override;
    IntRange codeRange() const override;

    /// The unit magnitudes in use, ascending [M] (float64).
    const torch::Tensor &magnitudes() const { return m_magnitudes; }
    bool isSigned() const { return m_signed; }
    void setAlpha(const torch::Tensor &alpha);
    double gradScale(const torch::Tensor &x) const;

    torch::Tensor alpha;

private:
    std::string name() const;

    Role m_role;
    int64_t m_channels;
    bool m_signed = true;
    torch::Tensor m_magnitudes;
};
TORCH_MODULE(LevelQuantizer);

/// The integer multiply of POST, Eq. (18): an unsigned activation code r
/// (0..2^activationBits - 1) times a POST weight level sign * sqrt2^-k.
///
/// Fixed point: products are integers in units of 2^-F (F = fracBits), i.e.
/// y ~ r * sqrt2^-k * 2^F. With k even, y = roundShift(r << F, k/2); with k odd,
/// y = roundShift(T[r], (k-1)/2), where T[r] = round(r * 2^F / sqrt2) is the
/// look-up table (one entry per activation code) and roundShift(v, j) =
/// (v + 2^(j-1)) >> j rounds half up. Each rounding is at most half an LSB, so
/// |y * 2^-F - r * sqrt2^-k| <= 2^-F (one LSB). Thread-safe after construction.
class PostLut {
public:
    /// Throws ql::core::Error for weight bits outside 2..8, activation bits outside 1..16 or fracBits outside 0..24.
    PostLut(int weightBits, int activationBits, int fracBits = 8, PotVariant variant = PotVariant::Paper);

    /// Product of activation code r and weight code (sign * index into
    /// postMagnitudes(), as LevelQuantizer::integerCodes gives it), in units of 2^-F.
    int64_t multiply(int64_t r, int64_t weightCode) const;
    /// The exact real product r * level(weightCode).
    double exact(int64_t r, int64_t weightCode) const;
    /// The exponent k of a non-zero weight code (level = sqrt2^-k).
    int exponent(int64_t weightCode) const;
    /// The full product table [2^activationBits, K + 1] for positive weight
    /// codes with exponents 0..K (the paper's [8, 4] at 3 bits), in units of 2^-F.
    torch::Tensor table() const;
    /// The odd-exponent look-up table T[r], [2^activationBits].
    const std::vector<int64_t> &lut() const { return m_lut; }
    int fracBits() const { return m_frac; }
    int64_t maxWeightCode() const { return m_nonZero; }
    int64_t maxActivationCode() const { return m_maxR; }

private:
    int m_frac;
    int64_t m_nonZero; ///< count of non-zero magnitudes
    int64_t m_maxR;
    int m_kMax; ///< largest exponent in use
    std::vector<int64_t> m_lut;
};

} // namespace ql::core::quant
