#pragma once
// What an export writes for every quantizable layer: the model's FP32 graph and, per layer,
// its quantizers as numbers (integer codes, step sizes, offsets, levels, multipoint points,
// the ASQ adapter), the BatchNorm that follows it, and whether the layer is
// integer-deployable. Every format lowers this one plan.
#include "core/models/graph.h"
#include "core/models/quant_model.h"
#include "core/quant/quantizer.h"
#include "ql/types/export.h"

#include <string>
#include <vector>

namespace ql::core::exporting {

enum class ActKind {
    None, ///< FP32 input
    Uniform, ///< LSQ, LSQ+, PACT, range setters: s * clamp(round((x - beta) / s), lo, hi) + beta
    Asq, ///< per-sample step s * beta(x) from the adapter
    Levels, ///< APoT activations: non-uniform levels
};

enum class WeightKind {
    None, ///< FP32 weight
    Uniform, ///< codes * step, per channel or per tensor
    Multipoint, ///< sum over points of a_i q_i
    Levels, ///< POT, POST, APoT: alpha * sign * magnitude
};

/// A layer's input quantizer as numbers.
struct ActPlan {
    ActKind kind = ActKind::None;
    quant::QuantSpec spec;
    quant::IntRange range{0, 0}; ///< codes
    bool isSigned = false;
    double scale = 0; ///< float32 value: s (uniform, ASQ's base step) or alpha (levels)
    bool hasOffset = false; ///< whether QuantLens's forward adds beta
    double offset = 0; ///< beta (float32 value)
    bool pact = false; ///< PACT (s = alpha / (2^b - 1))
    double pactAlpha = 0;
    // ASQ adapter (hidden* undefined when the adapter has no hidden layer)
    torch::Tensor hiddenWeight, hiddenBias, outWeight, outBias;
    /// ASQ: the adapter's input width (the channels it pools to).
    int64_t adapterInputs() const { return (hiddenWeight.defined() ? hiddenWeight : outWeight).size(1); }
    // Levels
    std::vector<double> magnitudes; ///< unit magnitudes, ascending, 0 first
};

/// A layer's weight quantizer as numbers (BatchNorm not folded: QuantLens's own values).
struct WeightPlan {
    WeightKind kind = WeightKind::None;
    quant::QuantSpec spec;
    quant::IntRange range{0, 0};
    torch::Tensor codes; ///< int64, weight-shaped (uniform; levels: sign * magnitude index)
    torch::Tensor scale; ///< float64 [C]: the step per output channel (a per-tensor step repeated)
    bool perChannel = false;
    std::vector<torch::Tensor> pointCodes; ///< multipoint: int64 weight-shaped codes of each point (0 where unused)
    torch::Tensor pointScales; ///< multipoint: float64 [C, P], 0 where a channel has fewer points
    std::vector<int> points; ///< multipoint: points per channel
    torch::Tensor magnitudes; ///< levels: float64 unit magnitudes, ascending
    torch::Tensor alpha; ///< levels: float64 [C]
    torch::Tensor dequantized; ///< float32, the weight QuantLens's forward uses
};

/// One quantizable layer of the plan.
struct LayerPlan {
    std::string name;
    models::QuantLayerImpl *layer = nullptr;
    models::LayerKind kind = models::LayerKind::Conv2d;
    models::ConvOptions conv; ///< convolutions
    models::ConvTransposeOptions deconv; ///< transposed convolutions
    bool quantized = false; ///< the layer runs fake-quantized in QuantLens
    ActPlan act;
    WeightPlan weight;
    torch::Tensor bias; ///< float32 [C] or undefined
    const models::FoldableBatchNorm2dImpl *bn = nullptr;
    torch::Tensor bnScale; ///< float64 [C]: gamma / sqrt(var + eps); undefined without BatchNorm
    torch::Tensor foldedBias; ///< float64 [C]: the bias after BatchNorm folding (zeros when neither exists)
    types::Deployability deployability = types::Deployability::Fp32;
    std::string weightText; ///< what the weight is, for the report
    std::string actText;

    int64_t outChannels() const;
};

/// The graph and every layer of an export.
struct ExportPlan {
    std::string arch;
    models::Graph graph;
    std::vector<LayerPlan> layers; ///< in graph order
    std::vector<int64_t> inputShape; ///< {C, H, W}
    int64_t numClasses = 0;
    int64_t graphOpset = 0; ///< the opset the graph's own operators need (QuantModelImpl::graphOpset)

    /// The plan of `layer` (the graph node's layer); throws when it has none.
    const LayerPlan &of(const models::QuantLayerImpl *layer) const;
    std::vector<types::LayerDeployment> deployments() const;
};

/// Builds the plan of `model` as it computes now (its layers' modes and quantizers).
/// Throws ql::core::Error when the model cannot describe its graph, a quantizer has not been
/// initialised (naming the layer), or a layer appears twice in the graph. Not thread-safe
/// (reads the model on the engine thread).
ExportPlan makePlan(models::QuantModelImpl &model);

/// A short description of a tensor's quantization ("LSQ+ c4 4b, signed, offset") for errors.
std::string describe(const quant::QuantSpec &spec);

/// The error every format raises for what it cannot express: names the layer and the format.
[[noreturn]] void cannotExpress(const std::string &format, const std::string &layer, const std::string &what,
                                const std::string &hint);

} // namespace ql::core::exporting
