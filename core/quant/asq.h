#pragma once
// ASQ, adaptive step size quantization of activations (ASQ paper, 2025).
#include "core/quant/quantizer.h"

#include <torch/torch.h>

#include <vector>

namespace ql::core::quant {

/// The adapter beta(x): global average pool over space -> Linear(C, C/4) ->
/// ReLU -> Linear(C/4, 1) -> ReLU -> clamp(>= 1e-8); for C < 8 a single
/// Linear(C, 1) -> ReLU. The last linear starts with weight ~ N(0, 0.01^2)
/// (standard deviation 0.01) and bias 1, so beta starts close to 1.
/// Not thread-safe.
class AsqAdapterImpl : public torch::nn::Module {
public:
    explicit AsqAdapterImpl(int64_t channels);
    /// [N, C, ...] (or [N, C]) -> [N] positive factors. A 2-D input of k*C features is a
    /// flattened [N, C, k] map (channel-major): it is pooled over its k positions like a map.
    torch::Tensor forward(const torch::Tensor &x);
    /// The adapter's input: [N, C], each channel averaged over its positions.
    torch::Tensor pool(const torch::Tensor &x) const;
    int64_t channels() const { return m_channels; }
    /// Parameter count of an adapter for C input channels.
    static int64_t parameterCount(int64_t channels);
    /// Multiplications per sample of an adapter for C channels: the linear
    /// layers' in*out products (Eq. 13 of the ASQ paper) plus C for the average pool's divisions.
    static int64_t operationCount(int64_t channels);

    torch::nn::Linear hidden{nullptr}; ///< null when C < 8
    torch::nn::Linear out{nullptr};

private:
    int64_t m_channels;
};
TORCH_MODULE(AsqAdapter);

/// ASQ activation quantizer: s_a = s * beta(x) per sample, then LSQ with s_a:
/// x_hat = round(clamp(x / s_a, n, p)) * s_a (round half to even).
/// Gradients: dL/ds_a by the LSQ formula; dL/ds = g * sum dL/ds_a * beta;
/// dL/dbeta = dL/ds_a * s (no g); the adapter gets its gradient through beta
/// by autograd, and x gets the STE gradient plus the (small) path through the
/// adapter's pooling. Init: s0 = 2 mean|x| / sqrt(p) (LSQ's, as beta ~ 1).
/// Not thread-safe.
class AsqQuantizerImpl : public QuantizerImpl {
public:
    AsqQuantizerImpl(QuantSpec spec, int64_t channels);

    torch::Tensor forward(const torch::Tensor &x) override;
    /// Levels at the last batch's mean beta (beta = 1 before the first forward), [L].
    torch::Tensor levels() const override;
    torch::Tensor integerCodes(const torch::Tensor &x) const override;
    void init(const std::vector<torch::Tensor> &calibration) override;
    /// "step" (s), "beta" (the last batch's per-sample factors [N], empty before the first forward).
    std::map<std::string, torch::Tensor> quantParameters() const override;
    /// At the last batch's mean beta.
    std::pair<torch::Tensor, torch::Tensor> clipRange() const override;
    IntRange codeRange() const override;

    IntRange range() const { return m_range; }
    /// The per-sample step sizes s * beta(x), [N] (no gradient).
    torch::Tensor sampleSteps(const torch::Tensor &x) const;
    double gradScale(const torch::Tensor &x) const;
    void setStep(double s);

    torch::Tensor step;
    AsqAdapter adapter{nullptr};

private:
    double meanBeta() const;

    int64_t m_channels;
    IntRange m_range{0, 0};
    torch::Tensor m_lastBeta;
};
TORCH_MODULE(AsqQuantizer);

/// One quantized layer for the overhead report: a convolution (kernel kh x kw,
/// output H*W) or a linear layer (kernel 1x1, outputHW 1). `hasAdapter` says
/// whether its input activation is ASQ-quantized (first/last layers often are not).
struct LayerShape {
    int64_t inChannels = 0;
    int64_t outChannels = 0;
    int64_t kernelH = 1;
    int64_t kernelW = 1;
    int64_t outputHW = 1;
    bool hasAdapter = true;
};

/// The ASQ paper's Table 1 for one bit-width B. Parameters: Eq. (10)/(11)
/// (Cin*Cout*kh*kw), stored in B bits (Eq. 14); adapters stay 32-bit, so
/// paramShare = 32 * adapterParams / (B * modelParams). Compute: Eq. (12)/(13)
/// (Cin*Cout*kh*kw*H*W multiplications), with quantized compute weighted B/32
/// (Eqs. 15-16) and the adapter at 32 bits: computeShare = 32 * adapterOps / (B * modelOps).
/// Both shares scale as 1/B, as in the paper's table. Shares are fractions (0.0267 = 2.67%).
struct AsqOverhead {
    int bits = 0;
    double modelParams = 0;
    double adapterParams = 0;
    double modelOps = 0;
    double adapterOps = 0;
    double paramShare = 0;
    double computeShare = 0;
};

/// Computes AsqOverhead for `layers` at `bits` (1..32). Throws ql::core::Error on
/// an empty list, a layer with a non-positive dimension or bits out of range. Thread-safe.
AsqOverhead asqOverhead(const std::vector<LayerShape> &layers, int bits);

} // namespace ql::core::quant
