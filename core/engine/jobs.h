#pragma once
// The quantization jobs on a Session: calibration, PTQ, QAT, error
// accumulation, sensitivity and what-if. Each runs on the calling (engine)
// thread, reports progress through JobCallbacks and honours its stop token.
#include "core/data/dataset.h"
#include "core/engine/job.h"
#include "core/engine/session.h"
#include "core/engine/trainer.h"
#include "core/engine/workbench.h"
#include "core/telemetry/bus.h"

#include <c10/core/Device.h>

#include <memory>

namespace ql::core::engine {

/// Captures every layer's FP32 input on `calibration` and initialises every
/// quantizer of the session from it (weights from the weight; multipoint also
/// from the layer's inputs). Leaves the model in fake-quant mode.
void calibrate(Session &session, const data::Dataset &calibration, c10::Device device, const JobCallbacks &cb = {},
               int64_t batchSize = 128);

/// Every quantizable layer's FP32 input on `data` (one tensor per batch, in order, on `device`),
/// the calibration data of the activation quantizers. Layer modes are restored afterwards.
/// Empty when a stop was requested.
std::vector<std::vector<torch::Tensor>> captureLayerInputs(Session &session, const data::Dataset &data,
                                                           c10::Device device, const JobCallbacks &cb = {},
                                                           int64_t batchSize = 128);

/// Initialises `quantizer` for `role` of `layer`: weights from the layer's weight (multipoint also
/// from im2col rows of `inputs`), activations from `inputs` (captureLayerInputs()). Errors name
/// the layer.
void initQuantizer(const models::QuantLayerImpl &layer, quant::QuantizerImpl &quantizer, quant::Role role,
                   const std::vector<torch::Tensor> &inputs);

/// Images of the snapshots taken while training: the probe's forward pass is most of a
/// snapshot's cost, and the histograms of 16 images' activations (tens of thousands of values
/// per layer) look the same as those of 64.
constexpr int64_t kTrainingProbeImages = 16;
/// Share of the training time that snapshots may take.
constexpr double kTelemetryBudget = 0.02;

/// When a telemetry snapshot may be taken so that snapshots cost at most `budget` of the
/// time: a snapshot that took t seconds is followed by at least t / budget seconds without
/// one. Pure bookkeeping over times given in seconds (no clock of its own).
class TelemetrySchedule {
public:
    explicit TelemetrySchedule(double budget, double start = 0) : m_budget(budget), m_start(start) { }
    /// Whether a snapshot is due at `now` (the first always is).
    bool due(double now) const;
    /// A snapshot ran from `begin` to `end`.
    void published(double begin, double end);
    /// Share of the time since the start spent on snapshots, at `now`.
    double overhead(double now) const;
    double lastSeconds() const { return m_last; }
    int64_t count() const { return m_count; }

private:
    double m_budget;
    double m_start;
    double m_last = 0;
    double m_lastEnd = 0;
    double m_total = 0;
    int64_t m_count = 0;
};

/// Publishes per-layer statistics of the session's model to a Bus: it runs a
/// fixed probe batch through the model (no gradient) and measures every
/// layer's weight and input. publishIfDue() follows a TelemetrySchedule on the job clock, so
/// that the probe costs under `budget` of the time between calls.
class TelemetryProbe {
public:
    TelemetryProbe(Session &session, const data::Dataset &source, c10::Device device,
                   std::shared_ptr<telemetry::Bus> bus, int64_t probeImages = kSnapshotImages,
                   double budget = kTelemetryBudget);
    /// Publishes a snapshot of every layer now, tagged `step`.
    void publish(int64_t step);
    /// Publishes when enough time has passed since the last one for the budget to hold.
    void publishIfDue(int64_t step);
    /// Seconds the last publish took; share of wall time spent publishing so far.
    double lastSeconds() const { return m_schedule.lastSeconds(); }
    double overhead() const;
    int64_t published() const { return m_schedule.count(); }

private:
    double seconds() const;

    Session &m_session;
    torch::Tensor m_probe;
    c10::Device m_device;
    std::shared_ptr<telemetry::Bus> m_bus;
    std::chrono::steady_clock::time_point m_origin = jobNow();
    TelemetrySchedule m_schedule;
};

using types::QatOptions;
using types::QatResult;
using types::QuantEval;
using types::SensitivityRow;
using types::WhatIfResult;

/// A last epoch whose top-1 is at most this many times the chance level (1 / classes) counts as
/// diverged: a network that predicts one class for every image lands there.
constexpr double kChanceMargin = 1.2;

/// Why `train` counts as diverged (its last epoch's validation top-1, or training top-1 without
/// validation, at most kChanceMargin times the chance level of `classes`); empty otherwise and
/// for a cancelled run. Pure.
std::string chanceLevelVerdict(const TrainResult &train, int64_t classes);

/// Quantization-aware training: calibrates (initialises the quantizers as
/// each method specifies), trains with the session's quantizers, evaluates
/// FP32 and quantized, and sets QatResult::diverged when the last epoch ends at
/// chance level. Publishes telemetry when `bus` is given.
QatResult runQat(Session &session, const data::Dataset &trainSet, const data::Dataset &validation, c10::Device device,
                 const QatOptions &options, const JobCallbacks &cb = {}, std::shared_ptr<telemetry::Bus> bus = {});

/// FP32 and quantized accuracy of the session's current quantizers (no calibration).
QuantEval evaluateFp32AndQuantized(Session &session, const data::Dataset &validation, c10::Device device,
                                   const EvalOptions &options = {}, const JobCallbacks &cb = {});

/// Post-training quantization: calibrates on `calibrationImages` images of
/// `calibrationSource`, then evaluates FP32 and quantized on `validation`.
QuantEval runPtq(Session &session, const data::Dataset &calibrationSource, const data::Dataset &validation,
                 c10::Device device, int64_t calibrationImages = 512, const JobCallbacks &cb = {},
                 const EvalOptions &evalOptions = {});

/// Error accumulation (ASQ Fig. 5/6) of the session's current quantizers on
/// the first `samples` images: per block, ||y_fp - y_q||_2 of the block output
/// with the model quantized up to and including that block (mean over
/// samples); per layer, the L2 error of its own weight quantization.
types::ErrorAccumulation errorAccumulation(Session &session, const data::Dataset &data, c10::Device device,
                                           int64_t samples = 256, const JobCallbacks &cb = {});

/// One layer quantized alone (others FP32): accuracy drop and output KL, ranked.
std::vector<SensitivityRow> sensitivity(Session &session, const data::Dataset &data, c10::Device device,
                                        int64_t samples = 1000, const JobCallbacks &cb = {});

/// Applies `change` to its layer and re-evaluates on the first `samples` images. Only the
/// quantizer whose spec changed is rebuilt (and initialised); the other keeps what it has
/// learned or calibrated. On the first layer a new activation method follows the recipe's
/// signed-input rule (types::firstLayerInput). The session keeps the change.
WhatIfResult whatIf(Session &session, const LayerQuantConfig &change, const data::Dataset &data, c10::Device device,
                    int64_t samples = 512);
/// whatIf with new bit-widths (weight, activation; 0 keeps) of `layer`.
WhatIfResult whatIf(Session &session, const std::string &layer, int weightBits, int actBits, const data::Dataset &data,
                    c10::Device device, int64_t samples = 512);

/// Layer -> block index, by name prefix in execution order (layers before the
/// first named block belong to block 0).
std::vector<int> layerBlocks(const std::vector<std::string> &layers, const std::vector<std::string> &blocks);

} // namespace ql::core::engine
