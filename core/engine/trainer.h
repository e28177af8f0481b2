#pragma once
// Training (FP32 and quantization-aware) and evaluation of a zoo model.
#include "core/data/dataset.h"
#include "core/engine/job.h"
#include "core/models/quant_model.h"

#include <c10/core/Device.h>

#include <filesystem>
#include <functional>
#include <vector>

namespace ql::core::engine {

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

/// Evaluates `model` (eval mode, no grad) on `data` on `device`; the model's
/// training mode is restored afterwards. Reports progress as job "eval".
EvalResult evaluate(models::QuantModelImpl &model, const data::Dataset &data, c10::Device device,
                    const EvalOptions &options = {}, const JobCallbacks &callbacks = {});

/// Logits of the first `count` samples (all when 0), in data-set order, on the CPU.
torch::Tensor predictLogits(models::QuantModelImpl &model, const data::Dataset &data, c10::Device device,
                            int64_t count = 0, int64_t batchSize = 256);

struct EpochResult;

struct TrainOptions {
    int epochs = 10;
    int64_t batchSize = 128;
    double learningRate = 0.05;       ///< for the weights; cosine-decayed to 0 over all steps
    double momentum = 0.9;
    double weightDecay = 5e-4;        ///< on weights (dim > 1) only, never on BN, biases or quantizer parameters
    double quantLearningRate = 0.01;  ///< for quantizer parameters (step sizes, offsets, alpha, adapters)
    double labelSmoothing = 0.0;
    uint64_t seed = 0;
    int workers = 2;
    bool augment = true;
    int64_t maxStepsPerEpoch = 0;     ///< 0 = full epochs (tests and quick runs use fewer)
    int pointEvery = 20;              ///< steps between TrainingPoints (a host sync each)
    std::filesystem::path checkpoint; ///< written atomically after every epoch when set
    bool resume = false;              ///< continue from `checkpoint` when it exists
    std::string jobName = "train";
    /// Called on the training thread after every epoch (after the checkpoint), e.g. to autosave.
    std::function<void(const EpochResult &)> afterEpoch;
};

struct EpochResult {
    int epoch = 0;
    double trainLoss = 0;
    double trainTop1 = 0;
    EvalResult validation;
    double seconds = 0;
    double imagesPerSecond = 0;
};

struct TrainResult {
    std::vector<EpochResult> epochs;
    int startEpoch = 0; ///< > 0 after a resume
    bool cancelled = false;
    int64_t steps = 0;
};

/// Called every `pointEvery` steps with the global step, after the optimizer step (telemetry hook).
using StepHook = std::function<void(int64_t step)>;

/// Trains `model` with SGD (momentum, weight decay on weights only), a cosine
/// learning-rate schedule and a separate learning rate for quantizer
/// parameters; validates on `validation` after each epoch. Throws
/// ql::core::Error when the loss or a parameter turns NaN/inf, naming the
/// layer whose quantizer parameter or weight went bad. The model stays on `device`.
TrainResult train(models::QuantModelImpl &model, const data::Dataset &trainSet, const data::Dataset &validation,
                  c10::Device device, const TrainOptions &options, const JobCallbacks &callbacks = {},
                  const StepHook &hook = {});

/// Names the first layer (state-dict prefix) holding a non-finite parameter,
/// with the parameter's name; empty when all are finite. One host sync.
std::string firstNonFiniteParameter(const models::QuantModelImpl &model);

} // namespace ql::core::engine
