#pragma once
// Mixed precision: choosing a bit-width for every layer from the trade-off of accuracy against
// model size (or bit operations). Plain values shared by the engine, the CLI and the GUI.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ql::types {

/// What a configuration's cost is measured in.
enum class CostMeasure {
    Bytes, ///< weight storage: sum over layers of ceil(parameters x weight bits / 8)
    Bops, ///< bit operations: sum over layers of MACs x weight bits x activation bits
};

/// How the predicted loss of a layer at a bit-width is measured.
enum class SensitivityMeasure {
    Empirical, ///< loss increase with only that tensor quantized, on a validation subset
    Hessian, ///< HAWQ-v2: mean Hessian trace of the weights (Hutchinson) x quantization error
};

/// One layer's bits in a configuration.
struct LayerBits {
    std::string layer;
    int weightBits = 8;
    int actBits = 8;
    bool operator==(const LayerBits &) const = default;
};

/// Options of the mixed-precision search.
struct MixedOptions {
    std::vector<int> candidates{2, 3, 4, 8}; ///< bit-widths a layer may take
    /// true: a layer's activations take its weights' bits (configurations compare with uniform
    /// WbAb); false: weights and activations are chosen separately (for the BOPs measure).
    bool tieActivations = true;
    CostMeasure cost = CostMeasure::Bytes;
    SensitivityMeasure measure = SensitivityMeasure::Empirical;
    std::vector<std::string> locked; ///< layers that keep their current bits
    /// The first and last layer keep the session's rule (8 bits) unless unlocked here.
    bool unlockFirstLast = false;
    int64_t validationImages = 1000; ///< images each configuration is evaluated on
    int64_t calibrationImages = 256; ///< images the quantizers are calibrated on (PTQ)
    int hutchinsonSamples = 16; ///< Rademacher vectors per layer (Hessian measure)
    double budget = 0; ///< > 0: also solve for the best predicted accuracy within this cost
    double maxDrop = -1; ///< >= 0: also the smallest configuration whose measured top-1 drop is at most this (fraction)
};

/// The measured sensitivity of one tensor at one bit-width (cached per layer, role and spec).
struct TensorSensitivity {
    std::string layer;
    bool weights = true; ///< false: the layer's input activations
    int bits = 8;
    /// Mean cross-entropy with only this tensor quantized, minus FP32's. lossIncrease, kl and
    /// top1Drop are NaN when a Hessian search did not have them measured.
    double lossIncrease = 0;
    double kl = 0; ///< mean KL(p_fp || p_q)
    double top1Drop = 0; ///< FP32 top-1 minus top-1, in [0, 1]
    /// HAWQ-v2 score: mean Hessian trace x ||Q(x) - x||^2 (weights, or the layer's input on the
    /// Hessian batch); half of it is the second-order estimate of the loss increase. -1 when not
    /// measured.
    double hessianScore = -1;
};

/// One evaluated configuration.
struct MixedPoint {
    std::vector<LayerBits> bits; ///< one entry per quantizable layer, in execution order
    int64_t bytes = 0; ///< weight storage (what the packed export writes for the weights)
    double bops = 0;
    double predictedLoss = 0; ///< sum of the tensors' predicted loss increases
    double top1 = 0; ///< measured on the validation subset, in [0, 1]; -1 not measured
    double agreement = -1; ///< share of images whose top-1 class is FP32's, -1 not measured
    bool onFront = false; ///< no other point is at most as costly and more accurate
    std::string label; ///< "W4A4" for uniform configurations, "budget" for the solver's, "" otherwise
};

/// The result of a search: every evaluated configuration, the uniform references and the choices.
struct MixedResult {
    MixedOptions options;
    double fp32Top1 = 0;
    std::vector<TensorSensitivity> sensitivities;
    std::vector<MixedPoint> points; ///< the greedy descent, in order, highest bits first
    std::vector<MixedPoint> uniform; ///< W8A8, W4A4, W3A3, W2A2 (the candidates), measured
    /// Index into `points` of the exact solver's choice when the descent passed through it, else -1.
    int budgetChoice = -1;
    MixedPoint budgetPoint; ///< the solver's configuration, measured; bits empty without a budget
    int maxDropChoice = -1; ///< index into `points` for options.maxDrop, -1 none
    bool cancelled = false; ///< stopped early: the points evaluated so far
    double seconds = 0;
    int64_t evaluations = 0; ///< passes over the validation subset this search ran (0: all cached)
};

/// "W4A4" when every layer has the same bits, else the bits layer by layer ("8/8 4/4 2/2 ...").
std::string bitsLabel(const std::vector<LayerBits> &bits);

/// A MixedResult as a JSON object (what sessions store under "results"/"mixed" and the CLI writes).
std::string mixedResultToJson(const MixedResult &result);
/// Reads mixedResultToJson()'s output; throws ql::core::Error naming `source` and the bad field.
MixedResult mixedResultFromJson(const std::string &json, const std::string &source = {});

/// Non-dominated flags of (cost, accuracy) points: a point is on the front unless another is at
/// most as costly and at least as accurate, and strictly better in one of the two. Points with a
/// non-finite coordinate are never on it. Thread-safe.
std::vector<bool> paretoFront(const std::vector<std::pair<double, double>> &costAccuracy);

/// Spearman's rank correlation of two equally long series (average ranks for ties); NaN when
/// there are fewer than two values or a series is constant. Thread-safe.
double spearman(const std::vector<double> &a, const std::vector<double> &b);

} // namespace ql::types
