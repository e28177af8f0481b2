#pragma once
// Statistics of quantized tensors for the views, computed on the device where
// the tensors live; only small arrays come back to the host, in one transfer.
#include "core/quant/quantizer.h"
#include "ql/types/telemetry.h"

#include <torch/torch.h>

namespace ql::core::telemetry {

/// Histogram of `x` with `bins` equal bins over [lo, hi] (min/max of x when lo >= hi).
types::Histogram histogram(const torch::Tensor &x, int bins = 128, double lo = 0, double hi = 0);

/// Quantization error metrics of x̂ against x: MSE, L2 norm, SQNR (dB), cosine similarity.
struct ErrorMetrics {
    double mse = 0, l2 = 0, sqnrDb = 0, cosine = 1;
};
ErrorMetrics errorMetrics(const torch::Tensor &x, const torch::Tensor &xq);

/// Everything the views show about `x` quantized by `q` (may be null: FP32,
/// then only the histogram is filled). `channelDim0` tells that x's dim 0 is
/// the quantizer's channel dimension (weights), else a batch (activations).
/// Runs without gradient. Not thread-safe with respect to `q`.
types::TensorQuantStats tensorStats(const torch::Tensor &x, quant::QuantizerImpl *q, bool channelDim0, int bins = 128);

} // namespace ql::core::telemetry
