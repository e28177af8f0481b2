#pragma once
// Plain values that cross from the engine to a user interface: no torch, no
// Qt. Produced on the engine thread, shared as std::shared_ptr<const T>.
#include <cstdint>
#include <string>
#include <vector>

namespace ql::types {

/// A histogram with equal-width bins over [lo, hi].
struct Histogram {
    double lo = 0;
    double hi = 0;
    std::vector<double> counts;
    double binWidth() const { return counts.empty() ? 0 : (hi - lo) / double(counts.size()); }
    double total() const
    {
        double t = 0;
        for (double c : counts)
            t += c;
        return t;
    }
};

/// Static description of a quantizable layer (execution order).
struct LayerInfo {
    std::string name; ///< parameter prefix, e.g. "layer1.0.conv1"
    std::string type; ///< "Conv2d", "Linear"
    std::vector<int64_t> weightShape;
    int64_t parameters = 0;
    int64_t macs = 0; ///< at the data set's input size
    int block = 0; ///< index of the block it belongs to
    int64_t extraWeightCodes = 0; ///< multipoint: weight codes of every point beyond the first
};

/// A layer's quantization setting as the views show and edit it.
struct LayerQuantView {
    std::string weightMethod = "none"; ///< quant::methodName() spelling
    int weightBits = 32;
    std::string actMethod = "none";
    int actBits = 32;
    bool perChannel = false;
    bool enabled = true;
};

/// Statistics of one quantized tensor (a layer's weight or its input activation).
struct TensorQuantStats {
    bool valid = false;
    Histogram values; ///< FP values
    int64_t channels = 1; ///< quantizer channels (1: one grid for the whole tensor)
    int64_t shownChannel = 0; ///< channel whose levels and clip range are given: the median range
    std::vector<double> levels; ///< representable values of the shown channel
    int64_t codeLo = 0; ///< integer of codeCounts[0]
    std::vector<double> codeCounts; ///< usage count of each integer code codeLo..codeLo+n-1
    double clipLo = 0, clipHi = 0; ///< clipping range of the shown channel, real units
    double clipLoMin = 0, clipLoMax = 0; ///< lower clip limit over all channels
    double clipHiMin = 0, clipHiMax = 0; ///< upper clip limit over all channels
    double clippedLow = 0, clippedHigh = 0; ///< fraction of values clipped on each side (each channel at its own range)
    double step = 0; ///< step size (mean over channels)
    double stepMin = 0, stepMax = 0;
    double offset = 0; ///< learned offset beta (mean over channels), 0 if none
    std::vector<double> stepPerChannel;
    std::vector<double> offsetPerChannel;
    double mse = 0, l2 = 0, sqnrDb = 0, cosine = 1;
    int64_t codesUsed = 0; ///< distinct integer codes that occur (non-uniform: distinct levels)
    int64_t codesTotal = 0; ///< codes the quantizer has (2^b for a b-bit grid)
};

/// Newest statistics of a layer.
struct LayerSnapshot {
    int64_t step = 0;
    std::string layer;
    TensorQuantStats weight;
    TensorQuantStats activation;
    Histogram asqBeta; ///< ASQ per-sample factor distribution (empty otherwise)
};

/// One point of the global training curves.
struct TrainingPoint {
    int64_t step = 0;
    double epoch = 0;
    double loss = 0; ///< mean training loss since the last point; NaN on evaluation-only points
    double accuracy = 0; ///< training top-1 in [0, 1] since the last point; NaN on evaluation-only points
    double learningRate = 0;
    double stepTimeMs = 0;
    double imagesPerSecond = 0;
    double validationAccuracy = -1; ///< top-1 on the validation set, measured at this step (-1: not measured)
    double fp32Accuracy = -1; ///< the FP32 model's validation top-1, the reference (-1: not given)
    bool hasTraining() const { return loss == loss; } ///< false for evaluation-only points (NaN loss)
};

/// Error accumulation of one configuration (ASQ Fig. 5/6).
/// Each block's output error is measured three ways: with weights and activations quantized
/// (as the model runs), with only the weights, and with only the activations quantized.
struct BlockErrors {
    std::vector<double> l2; ///< ||y_fp - y_q||_2 per sample, mean over samples
    std::vector<double> relative; ///< ||y_fp - y_q||_2 / ||y_fp||_2 per sample, mean over samples
    std::vector<double> sqnrDb; ///< 10 log10(sum ||y_fp||^2 / sum ||y_fp - y_q||^2) over the samples
};

/// Error accumulation of one configuration (ASQ Fig. 5/6). Block errors are measured with the
/// model quantized up to and including that block (later blocks in FP32), so that the curve
/// shows how error builds up; relative errors and SQNR compare blocks of different scale.
struct ErrorAccumulation {
    std::string label; ///< e.g. "LSQ W4A4"
    std::vector<std::string> blocks;
    std::vector<double> blockL2; ///< ||y_fp - y_q||_2 at each block output (both quantized)
    BlockErrors both; ///< weights and activations quantized (both.l2 == blockL2)
    BlockErrors weightsOnly; ///< only the weights quantized
    BlockErrors activationsOnly; ///< only the input activations quantized
    std::vector<std::string> layers;
    std::vector<double> layerL2; ///< ||W - W_q||_2 of each layer's weights
    std::vector<double> layerWeightRel; ///< ||W - W_q|| / ||W|| (0 where the weights are not quantized)
    std::vector<double> layerActRel; ///< ||x - x_q|| / ||x|| of the layer's input on the samples (0 if FP32)
};

/// Multipoint PTQ result of a layer.
struct MultipointMap {
    std::string layer;
    std::vector<int> pointsPerChannel;
    double outputErrorBefore = 0;
    double outputErrorAfter = 0;
};

/// Progress of a job.
struct JobProgress {
    std::string job; ///< "qat", "ptq", "eval", ...
    int64_t done = 0;
    int64_t total = 0;
    double etaSeconds = -1;
    std::string message;
};

} // namespace ql::types
