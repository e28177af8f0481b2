#pragma once
// Options and results of the engine's jobs (training, QAT, PTQ, evaluation,
// analyses), as plain values shared by the engine, the CLI and the GUI.
// No torch, no Qt.
#include "ql/types/quant.h"
#include "ql/types/telemetry.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ql::types {

/// Top-1/top-5 accuracy (in [0, 1]) and mean cross-entropy loss.
struct EvalResult {
    double top1 = 0;
    double top5 = 0;
    double loss = 0;
    int64_t count = 0;
    double seconds = 0;
    bool cancelled = false;
};

struct EvalOptions {
    int64_t batchSize = 256;
    int workers = 1;
    int64_t maxSamples = 0; ///< 0 = every sample
};

struct EpochResult {
    int epoch = 0;
    int64_t step = 0; ///< global step at the end of the epoch
    double trainLoss = 0;
    double trainTop1 = 0;
    EvalResult validation;
    double seconds = 0;
    double imagesPerSecond = 0;
};

struct TrainOptions {
    int epochs = 10;
    int64_t batchSize = 128;
    double learningRate = 0.05; ///< for the weights; cosine-decayed to 0 over all steps
    double momentum = 0.9;
    double weightDecay = 5e-4; ///< on weights (dim > 1) only, never on BN, biases or quantizer parameters
    /// For quantizer parameters (step sizes, offsets, alpha, adapters), decayed on the same
    /// schedule; < 0 (the default) means learningRate, as the papers train them.
    double quantLearningRate = -1;
    double labelSmoothing = 0.0;
    uint64_t seed = 0;
    int workers = 2;
    bool augment = true;
    int64_t maxStepsPerEpoch = 0; ///< 0 = full epochs (tests and quick runs use fewer)
    int64_t validationSamples = 0; ///< images validated after each epoch (0 = the whole validation set)
    int pointEvery = 20; ///< steps between TrainingPoints (a host sync each)
    std::filesystem::path checkpoint; ///< written atomically after every epoch when set
    bool resume = false; ///< continue from `checkpoint` when it exists
    std::string jobName = "train";
    /// Called on the training thread after every epoch (after the checkpoint), e.g. to autosave.
    std::function<void(const EpochResult &)> afterEpoch;

    /// The learning rate the quantizer parameters start from.
    double effectiveQuantLearningRate() const { return quantLearningRate < 0 ? learningRate : quantLearningRate; }
};

struct TrainResult {
    std::vector<EpochResult> epochs;
    int startEpoch = 0; ///< > 0 after a resume
    bool cancelled = false;
    int64_t steps = 0;
};

struct QatOptions {
    TrainOptions train;
    int64_t calibrationImages = 512; ///< for the quantizers' initialisation
};

struct QuantEval {
    EvalResult fp32;
    EvalResult quantized;
};

/// How far one learned quantizer parameter moved during QAT (mean over channels for
/// per-channel parameters).
struct ParamMovement {
    std::string layer;
    std::string tensor; ///< "weight" or "activation"
    std::string parameter; ///< "step", "offset", "alpha", "adapter"
    double start = 0;
    double end = 0;
    /// |end - start| / max(|start|, tiny); for tensors, ||end - start|| / ||start||.
    double relativeChange = 0;
};

struct QatResult {
    TrainResult train;
    QuantEval eval;
    std::vector<ParamMovement> movement; ///< every learned quantizer parameter, start vs end
    /// Why the run counts as diverged (its last epoch's accuracy at chance level); empty when it
    /// does not. A loss that turns NaN stops the run with an error instead.
    std::string diverged;
};

/// One layer quantized alone (others FP32): accuracy drop and output KL.
struct SensitivityRow {
    std::string layer;
    double top1 = 0; ///< with only this layer quantized (weights and activations)
    double top1Drop = 0; ///< FP32 top-1 minus top1 (in [0,1] units)
    double kl = 0; ///< mean KL(p_fp || p_q) of the softmax outputs
    double weightTop1Drop = 0, weightKl = 0; ///< only this layer's weights quantized
    double actTop1Drop = 0, actKl = 0; ///< only this layer's input activations quantized
    int rank = 0; ///< 1 = most sensitive (by top1Drop, then kl)
};

struct WhatIfResult {
    EvalResult eval;
    double seconds = 0;
};

/// A data set as the user interfaces show it.
struct DataInfo {
    std::string name; ///< what was opened (a name or a folder)
    int64_t trainCount = 0;
    int64_t testCount = 0;
    int64_t classes = 0;
    std::vector<int64_t> imageShape; ///< {C, H, W}
    std::vector<std::string> skipped; ///< files that could not be read ("path: reason")
};

/// The open model, for titles and status lines.
struct ModelSummary {
    std::string arch;
    std::string activation;
    int64_t parameters = 0;
    int64_t numClasses = 0;
    std::vector<int64_t> inputShape; ///< {C, H, W}
    std::string source; ///< the file it came from
    std::string data; ///< the data set it works on
};

/// A zoo architecture as a user chooses it.
struct ZooArchitecture {
    std::string name;
    std::vector<int64_t> inputShape; ///< {C, H, W} it is designed for
    int64_t classes = 0; ///< its default class count
    bool matches = false; ///< the inspected file's names and shapes fit it exactly
};

/// What a model file is, before it is opened: enough to ask the user for what it does not say.
struct ModelFileInfo {
    std::string path;
    std::string format; ///< "state dict", "TorchScript", "ONNX", "session"
    bool described = false; ///< it says its architecture (FILE.json beside it, or the format does)
    std::string suggestedArch; ///< the zoo architecture the file matches ("" when none or unknown)
    int64_t inChannels = 0; ///< from the tensors (0: unknown)
    int64_t numClasses = 0; ///< from the tensors (0: unknown)
    std::vector<ZooArchitecture> zoo;
};

/// A second configuration of the same model compared with the open one.
struct Comparison {
    std::string labelA, labelB;
    std::shared_ptr<const ErrorAccumulation> errorsA, errorsB;
    std::map<std::string, std::shared_ptr<const LayerSnapshot>> a, b;
};

/// The level sets of one bit-width for the levels view, normalised to alpha = 1.
struct LevelSets {
    int bits = 0;
    PotVariant variant = PotVariant::Paper;
    std::vector<double> uniform, pot, post, apot; ///< ascending; empty where the method defines no set
};

/// Logits of a batch of inputs.
struct Predictions {
    std::vector<std::string> inputs; ///< file names or "data:test:i"
    std::vector<std::vector<float>> logits;
    std::vector<std::string> classNames; ///< may be empty
};

} // namespace ql::types
