#pragma once
// Mixed precision on a Session: the sensitivity of every quantizable tensor at every candidate
// bit-width, the greedy descent from the highest to the lowest candidate (AIMET AMP, phase 2)
// with every configuration measured, the Pareto front, the uniform references and the exact
// "best predicted accuracy under a budget" solver (multiple-choice knapsack).
//
// Everything measured is kept in a MixedCache that belongs to the session: calibrated
// quantizers per (layer, role, spec), sensitivities per (layer, role, spec), Hessian traces per
// tensor and the measured accuracy of every configuration, so that a second search (other
// locks, another budget) evaluates only what it has not seen. The cache checks a fingerprint of
// the model's FP32 weights and of the data, image counts and device it was built with, and
// starts afresh when any of them changed (after training, QAT, another data set).
//
// Runs on the engine thread; nothing here is thread-safe.
#include "core/data/dataset.h"
#include "core/engine/job.h"
#include "core/engine/session.h"
#include "ql/types/mixed.h"

#include <c10/core/Device.h>
#include <torch/torch.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ql::core::engine {

// ------------------------------------------------------------------ pure pieces (tested alone)

/// One option of one group of a multiple-choice knapsack.
struct KnapsackOption {
    double cost = 0;
    double loss = 0;
};

/// The solution of solveKnapsack(): one option per group.
struct KnapsackSolution {
    std::vector<int> choice; ///< per group; empty when no choice fits the budget
    double cost = 0; ///< the chosen options' true total cost (<= budget)
    double loss = 0;
    /// The cost unit of the dynamic programme. Exact (`exact`) when every cost above each
    /// group's cheapest option is an integer multiple of it (bytes, BOPs of small models).
    double unit = 1;
    bool exact = true;
    /// Otherwise costs are rounded up to whole units, so the choice never exceeds the budget and
    /// is at least as good as every configuration costing at most budget - tolerance.
    double tolerance = 0;
};

/// Units the dynamic programme may use for the cost axis (memory: groups x units bytes).
constexpr int64_t kKnapsackMaxUnits = int64_t(1) << 21;

/// Minimum total loss with one option per group and total cost <= budget, by dynamic
/// programming over the cost. Costs above each group's cheapest option are divided by their
/// greatest common divisor when they are integers and the capacity fits kKnapsackMaxUnits
/// (exact); else the unit is 0.1 % of the budget divided by the number of groups with a choice
/// (rounded-up costs: never over the budget, optimal for budget x 0.999), or coarser when that
/// would exceed kKnapsackMaxUnits (tolerance says how much). Ties go to the cheaper solution.
/// Thread-safe (pure).
KnapsackSolution solveKnapsack(const std::vector<std::vector<KnapsackOption>> &groups, double budget);

/// Hutchinson's estimate of the trace of each diagonal block of the Hessian of `loss` with
/// respect to `wrt` (one block per tensor): the mean over `samples` Rademacher vectors v of
/// v' H_ii v, with H_ii v from a double backward through autograd (the first gradient is built
/// with create_graph). `loss` must be a scalar whose graph reaches every tensor of `wrt`; a tensor
/// the gradient does not depend on twice has trace 0. Draws from libtorch's default generator.
std::vector<double> hutchinsonTraces(const torch::Tensor &loss, const std::vector<torch::Tensor> &wrt, int samples);

// ------------------------------------------------------------------ the cache and the jobs

/// The data and device a mixed-precision job works with.
struct MixedData {
    const data::Dataset *calibration = nullptr; ///< source of the calibration images (training split)
    const data::Dataset *validation = nullptr; ///< the first options.validationImages are evaluated
    c10::Device device = c10::Device(c10::kCPU);
};

/// What a session has measured for mixed precision. One per session (the Workbench holds it).
class MixedCache {
public:
    MixedCache();
    ~MixedCache();
    MixedCache(const MixedCache &) = delete;
    MixedCache &operator=(const MixedCache &) = delete;

    /// Forgets everything (another model).
    void clear();
    /// Passes over the validation subset run since construction: one per single-tensor
    /// sensitivity and per configuration measured (the FP32 reference and Hessian batches count
    /// too). A search answered from the cache adds none.
    int64_t evaluations() const;
    /// Quantizers calibrated since construction.
    int64_t calibrations() const;

    struct State;
    State &state() { return *m_state; }

private:
    std::unique_ptr<State> m_state;
};

/// Throws ql::core::Error when `options` cannot be searched on `session`: no or bad candidates
/// (a method that does not take a bit-width names the layer), an unknown locked layer (with the
/// close matches), a budget below the smallest reachable cost (saying what that cost is), counts
/// that are not positive.
void checkMixedOptions(Session &session, const MixedData &data, const types::MixedOptions &options);

/// Runs the search (see the file comment). Sensitivities, quantizers and configurations come
/// from `cache` when it has them. `onPoint` is called on the engine thread for every configuration
/// as soon as it is measured (greedy points, uniform references, the budget choice). A stop
/// request ends the search with the points measured so far (`cancelled`). The session's own
/// configuration and quantizers are left as they were.
types::MixedResult runMixedPrecision(Session &session, MixedCache &cache, const MixedData &data,
                                     const types::MixedOptions &options, const JobCallbacks &cb = {},
                                     const std::function<void(const types::MixedPoint &)> &onPoint = {});

/// The exact solver's configuration for `budget` in options.cost units, from the cache's
/// sensitivities only (no evaluation): bytes, BOPs and predicted loss; top1 and agreement are the
/// measured ones when the cache has measured that configuration, else -1. Throws when a
/// sensitivity it needs has not been measured (run the search first) or the budget is too small.
types::MixedPoint solveMixedBudget(Session &session, MixedCache &cache, const MixedData &data,
                                   const types::MixedOptions &options, double budget);

/// Measures one configuration (from the cache when it was measured before).
types::MixedPoint measureMixedBits(Session &session, MixedCache &cache, const MixedData &data,
                                   const types::MixedOptions &options, const std::vector<types::LayerBits> &bits,
                                   const JobCallbacks &cb = {});

/// Sets every listed layer's weight and activation bits in the session's configuration and puts
/// calibrated quantizers in place: the cache's (the ones the search measured) when it has them,
/// else newly calibrated ones on options.calibrationImages images. Layers whose specs did not
/// change keep their quantizers when those are initialised (as whatIf does). Unknown layers
/// throw with the close matches before anything changes.
void applyMixedBits(Session &session, MixedCache &cache, const MixedData &data, const types::MixedOptions &options,
                    const std::vector<types::LayerBits> &bits);

/// A fingerprint of the model's FP32 parameters and buffers (quantizers excluded): it changes
/// when training changes any of them. One host transfer.
uint64_t modelFingerprint(models::QuantModelImpl &model);

} // namespace ql::core::engine
