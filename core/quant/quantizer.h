#pragma once
// The common quantizer interface. Every quantizer in QUANTIZERS.md is a
// libtorch module implementing QuantizerImpl, held by a layer wrapper for its
// weight and for its input activation.
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace ql::core::quant {

enum class Method {
    None,       ///< FP32, no quantization
    Lsq,        ///< LSQ (= LSQ+ config 1)
    LsqPlus,    ///< LSQ+ with QuantSpec::lsqPlusConfig 1..4
    Asq,        ///< ASQ activations (adapter -> per-sample step size)
    Pot,        ///< power-of-two weights
    Post,       ///< power-of-sqrt(2) weights
    Apot,       ///< additive powers of two
    Pact,       ///< PACT learned clipping (activations)
    MinMax,     ///< PTQ range setter
    Percentile, ///< PTQ range setter
    Mse,        ///< PTQ range setter, MSE-optimal clipping
    Multipoint, ///< multipoint PTQ (weights)
};

enum class GradScale { None, PerTensor, PerChannel };
enum class Role { Weight, Activation };
enum class InitMode { Default, MinMax, Mse }; ///< activation init for LSQ+ (Default = the method's own)
enum class PotVariant { Paper, Strict };     ///< see QUANTIZERS.md: 2^b+1 levels vs 2^b-1

/// What to quantize with: a value type, serialisable to and from JSON.
struct QuantSpec {
    Method method = Method::None;
    int bits = 8;
    bool isSigned = false;
    bool narrow = false;         ///< signed narrow range -(2^(b-1)-1)..2^(b-1)-1
    bool perChannel = false;     ///< one parameter set per output channel (dim 0)
    GradScale gradScale = GradScale::PerTensor;
    int lsqPlusConfig = 4;       ///< 1..4 (Table I of the LSQ+ paper)
    InitMode init = InitMode::Default;
    PotVariant potVariant = PotVariant::Paper;
    double percentile = 99.99;   ///< for Method::Percentile and the POT/POST alpha init
    double multipointBudget = 0; ///< extra points per channel on average (Method::Multipoint)

    bool operator==(const QuantSpec &) const = default;
    std::string toJson() const;                     ///< compact JSON object
    static QuantSpec fromJson(const std::string &); ///< throws ql::core::Error naming the bad field
    std::string label() const;                      ///< short, e.g. "LSQ+ c4 W4 per-channel"
};

std::string methodName(Method m);                ///< "lsq", "lsq+", "asq", "pot", ... (the JSON/CLI names)
Method methodFromName(const std::string &name);  ///< throws ql::core::Error listing the valid names

/// Integer range [n, p] for `bits` (QUANTIZERS.md, "Integer ranges").
struct IntRange {
    int64_t lo;
    int64_t hi;
};
IntRange intRange(int bits, bool isSigned, bool narrow = false);

/// Bit-widths `m` defines, [min, max] inclusive: 2..16 for the uniform
/// quantizers, 2..8 for POT/POST (deeper exponents underflow float32), 3..7
/// signed / 2..6 unsigned for APoT (the official code's level sets). Thread-safe.
std::pair<int, int> bitRange(Method m, bool isSigned);

/// Throws ql::core::Error naming the method and the value when `spec` is not
/// usable: bits out of bitRange(), LSQ+ config outside 1..4, percentile outside
/// (0, 100], a negative multipoint budget. Thread-safe.
void validateSpec(const QuantSpec &spec);

/// Base class of every quantizer. Not thread-safe: one quantizer belongs to one layer on one engine thread.
class QuantizerImpl : public torch::nn::Module {
public:
    explicit QuantizerImpl(QuantSpec spec) : m_spec(std::move(spec)) {}
    /// Fake-quantized tensor, differentiable with the paper's gradients.
    virtual torch::Tensor forward(const torch::Tensor &x) = 0;
    /// The representable values: [L] per tensor, [C, L] per channel.
    virtual torch::Tensor levels() const = 0;
    /// The integer codes `x` maps to (same shape as x, int64), for the code-usage histogram.
    virtual torch::Tensor integerCodes(const torch::Tensor &x) const = 0;
    /// Initialises the parameters from calibration data (weights: one tensor, the weight).
    /// Throws ql::core::Error on an empty set or NaN/inf values.
    virtual void init(const std::vector<torch::Tensor> &calibration) = 0;
    /// The learned/set quantizer parameters by name: "step", "offset", "alpha", ...
    virtual std::map<std::string, torch::Tensor> quantParameters() const = 0;
    /// Clipping range [lo, hi] in real units ([C] each per channel) for the views.
    virtual std::pair<torch::Tensor, torch::Tensor> clipRange() const = 0;
    const QuantSpec &spec() const { return m_spec; }
    bool initialized() const { return m_initialized; }
    /// Marks the parameters as set (e.g. restored from a saved session) so that the
    /// first forward does not initialise them again.
    void markInitialized() { m_initialized = true; }

protected:
    QuantSpec m_spec;
    bool m_initialized = false;
};

using Quantizer = std::shared_ptr<QuantizerImpl>;

/// Builds the quantizer for `spec` in `role`; `channels` is the output-channel
/// count (per-channel weights) or the input channel count (ASQ adapter).
/// Throws ql::core::Error for bits out of range or an unsupported combination.
Quantizer makeQuantizer(const QuantSpec &spec, Role role, int64_t channels);

} // namespace ql::core::quant
