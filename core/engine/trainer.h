#pragma once
// Training (FP32 and quantization-aware) and evaluation of a zoo model.
#include "core/data/dataset.h"
#include "core/engine/job.h"
#include "core/models/quant_model.h"
#include "ql/types/jobs.h"

#include <c10/core/Device.h>

#include <filesystem>
#include <functional>
#include <vector>

namespace ql::core::engine {

// Options and results are plain values shared with the user interfaces.
using types::EpochResult;
using types::EvalOptions;
using types::EvalResult;
using types::TrainOptions;
using types::TrainResult;

/// Evaluates `model` (eval mode, no grad) on `data` on `device`; the model's
/// training mode is restored afterwards. Reports progress as job "eval".
EvalResult evaluate(models::QuantModelImpl &model, const data::Dataset &data, c10::Device device,
                    const EvalOptions &options = {}, const JobCallbacks &callbacks = {});

/// Logits of the first `count` samples (all when 0), in data-set order, on the CPU.
torch::Tensor predictLogits(models::QuantModelImpl &model, const data::Dataset &data, c10::Device device,
                            int64_t count = 0, int64_t batchSize = 256);

/// The SGD optimiser train() uses, in parameter groups: "weights" (dim > 1, with weight decay),
/// "other" network parameters (biases, BN; no weight decay) and "quantizers" (step sizes, offsets,
/// alpha, adapters; no weight decay, at options.effectiveQuantLearningRate()). Empty groups are
/// left out. Every group follows the same cosine schedule (setScale).
struct Optimizer {
    std::unique_ptr<torch::optim::SGD> sgd;
    std::vector<double> baseLr; ///< per group
    std::vector<std::string> groups; ///< "weights", "other", "quantizers"
    /// Sets every group's learning rate to its base rate times `factor`.
    void setScale(double factor);
};
Optimizer makeOptimizer(models::QuantModelImpl &model, const TrainOptions &options);

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
