#pragma once
// Input checks shared by the quantizers: every failure is a ql::core::Error
// that names the quantizer and the offending value.
#include "core/common/error.h"
#include "core/quant/quantizer.h"

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace ql::core::quant::detail {

/// Throws when `x` holds NaN or inf. `who` names the quantizer ("LSQ", ...). Thread-safe.
void checkFinite(const std::string &who, const torch::Tensor &x, const std::string &what = "calibration data");

/// Throws on an empty set, an undefined/empty tensor or non-finite values. Thread-safe.
void checkCalibration(const std::string &who, const std::vector<torch::Tensor> &calibration);

/// Throws when any element of `step` is not a finite positive number. Thread-safe.
void checkPositive(const std::string &who, const torch::Tensor &step, const std::string &what = "step size");

/// Throws when `bits` is outside what `spec.method` defines (see bitRange()). Thread-safe.
void checkBits(const QuantSpec &spec);

/// All calibration tensors flattened and concatenated (detached). Thread-safe.
torch::Tensor flatCalibration(const std::vector<torch::Tensor> &calibration);

/// At most `maxValues` of `flat`, evenly strided (all of it when it is that small): searches
/// over calibration data (MSE steps) cost the same on big calibration sets.
torch::Tensor evenSample(const torch::Tensor &flat, int64_t maxValues);

/// What a quantizer that initialises itself on its first batch initialises from: `x` itself for
/// per-channel weights and small tensors, otherwise an evenly spread, deterministic subset of
/// kSearchSampleSize values (evenSample; a search over a whole batch of activations takes minutes on a CPU).
constexpr int64_t kSearchSampleSize = int64_t(1) << 18;
torch::Tensor initSample(const torch::Tensor &x, bool perChannel);

/// The MSE-optimal clipping range [lo, hi] of each row of `rows` [R, N] on a grid of `steps`
/// equal steps from lo to hi (an offset grid: x_hat = lo + round(clamp((x - lo) / s, 0, steps)) s,
/// s = (hi - lo) / steps). Each end is searched relative to its own magnitude around
/// z = clamp(0, min, max): lo = z + a (min - z), hi = z + c (max - z) with a, c on a grid of
/// {0.05, 0.1, .., 1}, then refined around the best cell with halved spacing until the error
/// falls by less than 0.1 %. Min-max (a = c = 1) is a candidate, so the result is never worse.
/// Returns (lo, hi) as double tensors [R]. Thread-safe.
std::pair<torch::Tensor, torch::Tensor> mseClipRange(const torch::Tensor &rows, double steps);

/// The element count N_g of the gradient scale g = 1/sqrt(N_g * p):
/// None -> 1; PerTensor -> numel of one sample when `batched` (activations,
/// dim 0 is the batch) else of the whole tensor (weights); PerChannel -> numel / size(0).
double gradScaleCount(GradScale kind, const torch::Tensor &x, bool batched);

/// g = 1/sqrt(N_g * p) (1 for GradScale::None or p <= 0). Thread-safe.
double gradScaleFactor(GradScale kind, const torch::Tensor &x, bool batched, double p);

/// Reshapes a per-channel parameter [C] to broadcast over `x` along dim 0: [C, 1, 1, ...]. Thread-safe.
torch::Tensor channelView(const torch::Tensor &param, const torch::Tensor &x);

} // namespace ql::core::quant::detail
