#pragma once
// Multipoint post-training quantization of weights (Liu et al., AAAI 2021).
#include "core/quant/quantizer.h"

#include <torch/torch.h>

#include <vector>

namespace ql::core::quant {

/// One output channel's weight row approximated as sum_i a_i q_i.
struct MultipointChannel {
    std::vector<double> scales; ///< a_i
    std::vector<torch::Tensor> codes; ///< q_i, int64 [K], each in the b-bit signed range
};

/// The result of multipointQuantize().
struct MultipointResult {
    torch::Tensor approx; ///< [C, K] (float64) sum_i a_i q_i per row
    std::vector<MultipointChannel> channels;
    std::vector<int> points; ///< point count per channel (the heat map)
    double errorBefore = 0; ///< output error with one point per channel
    double errorAfter = 0; ///< output error after spending the budget
    std::vector<double> errorTrace; ///< output error after each extra point (errorAfter last)
    int64_t extraPointsSpent = 0;
};

/// Greedy point: for each residual row r, a = t max|r| / p over t in
/// {1/100, .., 1} (mseSymmetricStep) and q = round(clamp(r / a, n, p)) (half to
/// even), minimising ||r - a q||^2. Returns {a [C], q [C, K] int64}. Thread-safe.
std::pair<torch::Tensor, torch::Tensor> multipointGreedyPoint(const torch::Tensor &residual, double n, double p);

/// Squared residual norms ||w - sum_{i<=m} a_i q_i||^2 of each row after
/// m = 1..points greedy points: [points, C]. Thread-safe.
torch::Tensor multipointResidualTrace(const torch::Tensor &rows, int bits, int points, bool narrow = false);

/// Multipoint quantization of `weight` [C, ...] (rows flattened to [C, K]) at
/// `bits` signed. Every channel starts with one greedy point; then, while the
/// budget lasts (round(budget * C) extra points in all, at most `maxPoints`
/// per channel), the channel whose next greedy point most reduces the layer's
/// output error ||W x - W_hat x||^2 summed over the calibration inputs
/// `inputs` [M, K] gets it. Without inputs (undefined tensor) the output error
/// is the weight error ||W - W_hat||^2 (x = identity). Stops early when no
/// extra point reduces the error. Throws ql::core::Error on bits outside 2..16,
/// a negative budget, non-finite values, or inputs whose width is not K. Thread-safe.
MultipointResult multipointQuantize(const torch::Tensor &weight, const torch::Tensor &inputs, int bits, double budget,
                                    bool narrow = false, int maxPoints = 8);

/// W_hat x computed the integer way, sum_i a_i (q_i . x): x [M, K] -> [M, C]. Thread-safe.
torch::Tensor multipointApply(const MultipointResult &result, const torch::Tensor &x);

/// Method::Multipoint as a weight quantizer. init(calibration): calibration[0]
/// is the weight [C, ...]; calibration[1..], if present, are layer input rows
/// [M_j, K] (im2col rows for a convolution) used for the output error. The
/// forward pass returns the multipoint approximation with a straight-through
/// gradient. levels()/integerCodes() describe the first point. Not thread-safe.
class MultipointQuantizerImpl : public QuantizerImpl {
public:
    MultipointQuantizerImpl(QuantSpec spec, int64_t channels);

    torch::Tensor forward(const torch::Tensor &x) override;
    torch::Tensor levels() const override;
    torch::Tensor integerCodes(const torch::Tensor &x) const override;
    void init(const std::vector<torch::Tensor> &calibration) override;
    /// "scales" [C, maxPoints] (0 where unused), "points" [C] int64.
    std::map<std::string, torch::Tensor> quantParameters() const override;
    std::pair<torch::Tensor, torch::Tensor> clipRange() const override;
    IntRange codeRange() const override;
    std::optional<types::MultipointMap> multipointSummary() const override;

    const MultipointResult &result() const { return m_result; }

private:
    int64_t m_channels;
    IntRange m_range{0, 0};
    MultipointResult m_result;
};
TORCH_MODULE(MultipointQuantizer);

} // namespace ql::core::quant
