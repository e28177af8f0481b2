#pragma once
// What to quantize with, as plain values: the quantization methods, a tensor's
// quantizer specification, a layer's configuration and the recipe that makes
// one for every layer. No torch, no Qt: the engine, the CLI and the GUI share them.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ql::types {

enum class Method {
    None, ///< FP32, no quantization
    Lsq, ///< LSQ (= LSQ+ config 1)
    LsqPlus, ///< LSQ+ with QuantSpec::lsqPlusConfig 1..4
    Asq, ///< ASQ activations (adapter -> per-sample step size)
    Pot, ///< power-of-two weights
    Post, ///< power-of-sqrt(2) weights
    Apot, ///< additive powers of two
    Pact, ///< PACT learned clipping (activations)
    MinMax, ///< PTQ range setter
    Percentile, ///< PTQ range setter
    Mse, ///< PTQ range setter, MSE-optimal clipping
    Multipoint, ///< multipoint PTQ (weights)
};

/// N_g of LSQ's gradient scale. Auto follows the granularity (QUANTIZERS.md): per-channel
/// tensors count one channel, everything else one tensor (one sample of a batch).
enum class GradScale { None, PerTensor, PerChannel, Auto };
enum class Role { Weight, Activation };
enum class InitMode { Default, MinMax, Mse }; ///< activation init for LSQ and LSQ+ (Default = the method's own)
enum class PotVariant { Paper, Strict }; ///< see QUANTIZERS.md: 2^b+1 levels vs 2^b-1

/// Largest multipoint budget (extra points per channel on average): multipoint gives a channel
/// at most 8 points, so more than 7 extra ones can never be spent.
constexpr double kMaxMultipointBudget = 7.0;

/// What to quantize with: a value type, serialisable to and from JSON.
struct QuantSpec {
    Method method = Method::None;
    int bits = 8;
    bool isSigned = false;
    bool narrow = false; ///< signed narrow range -(2^(b-1)-1)..2^(b-1)-1
    bool perChannel = false; ///< one parameter set per output channel (dim 0)
    /// N_g of the gradient scale g = 1/sqrt(N_g p). The default (Auto) follows the granularity
    /// (QUANTIZERS.md): per-channel weights count one channel, everything else one tensor.
    GradScale gradScale = GradScale::Auto;
    int lsqPlusConfig = 4; ///< 1..4 (Table I of the LSQ+ paper)
    InitMode init = InitMode::Default;
    PotVariant potVariant = PotVariant::Paper;
    double percentile = 99.99; ///< for Method::Percentile and the POT/POST alpha init
    double multipointBudget = 0; ///< extra points per channel on average (Method::Multipoint)

    bool operator==(const QuantSpec &) const = default;
    std::string toJson() const; ///< compact JSON object
    /// Throws ql::core::Error naming the bad field. `source` (a file) is named in the message.
    static QuantSpec fromJson(const std::string &json, const std::string &source = {});
    std::string label() const; ///< short, e.g. "LSQ+ c4 4b per-channel"
};

/// A weight spec with the gradient scale that QUANTIZERS.md makes the default for its granularity.
QuantSpec weightSpec(Method method, int bits, bool perChannel);

/// The gradient scale a quantizer uses: spec.gradScale, with Auto resolved by spec.perChannel.
GradScale effectiveGradScale(const QuantSpec &spec);

/// Integer range [n, p] for `bits` (QUANTIZERS.md, "Integer ranges").
struct IntRange {
    int64_t lo;
    int64_t hi;
    int64_t codes() const { return hi - lo + 1; }
};
/// Throws ql::core::Error for bits outside 1..32. Thread-safe.
IntRange intRange(int bits, bool isSigned, bool narrow = false);

/// One layer's quantization: its weight quantizer and its input-activation quantizer.
struct LayerQuantConfig {
    std::string layer;
    QuantSpec weight;
    QuantSpec act;
    bool enabled = true; ///< false: the layer runs in FP32
    bool operator==(const LayerQuantConfig &) const = default;
};

/// The rule that makes a default configuration for every layer.
struct QuantRecipe {
    Method weightMethod = Method::Lsq;
    Method actMethod = Method::Lsq;
    int weightBits = 4;
    int actBits = 4;
    bool perChannel = true; ///< weights per output channel
    int lsqPlusConfig = 4;
    InitMode actInit = InitMode::Default;
    int firstLastBits = 8; ///< first and last layer, as in the papers (0 = same as the others)
    double multipointBudget = 0.5;
    PotVariant potVariant = PotVariant::Paper;
};

/// Weight and activation specs of the recipe for one layer. The first and last layer get
/// firstLastBits. The first layer's input is the normalised image, which is signed: its
/// activation quantizer is made signed (see firstLayerInput()). Throws ql::core::Error when
/// a method cannot quantize its role (PACT weights, multipoint activations).
LayerQuantConfig recipeConfig(const QuantRecipe &recipe, const std::string &layer, bool first, bool last);

/// Checks every field of a recipe (methods fit their roles, bits in range, LSQ+ config 1..4,
/// firstLastBits 0 or in range, a multipoint budget in [0, kMaxMultipointBudget]). Throws
/// ql::core::Error.
void validateRecipe(const QuantRecipe &recipe);

/// Throws ql::core::Error naming the method and the value when `spec` is not
/// usable: bits out of the method's range, LSQ+ config outside 1..4, percentile outside
/// (0, 100], a multipoint budget outside [0, kMaxMultipointBudget]. Thread-safe.
void validateSpec(const QuantSpec &spec);
/// validateSpec plus: the method can quantize `role`.
void validateSpec(const QuantSpec &spec, Role role);

} // namespace ql::types
