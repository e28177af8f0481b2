#pragma once
// Custom autograd functions for the gradients the papers define (they differ
// from what autograd would derive from round/clamp).
#include <torch/torch.h>

namespace ql::core::quant {

/// Uniform fake quantization with a learnable step and offset (LSQ / LSQ+, QUANTIZERS.md):
///   v = (x - beta) / s,  x_hat = round(clamp(v, n, p)) * s + beta
/// `round` is torch::round, which rounds half to even (2.5 -> 2, 3.5 -> 4).
/// Backward (straight-through inside [n, p]):
///   dx_hat/dx = 1 inside, 0 outside
///   dx_hat/ds = round(v) - v inside, n below, p above      (times gStep)
///   dx_hat/dbeta = 0 inside, 1 outside                     (times gOffset)
/// `s` and `beta` broadcast against x (scalar, [C,1,..] per channel, [N,1,..] per sample);
/// their gradients are summed back to their own shapes. `beta` may be an
/// undefined tensor (no offset). Thread-safe (pure function).
torch::Tensor lsqQuantize(const torch::Tensor &x, const torch::Tensor &s, const torch::Tensor &beta, double n, double p,
                          double gStep, double gOffset);

/// Identity in the forward pass; multiplies the gradient by `g` in the backward
/// pass (used for the ASQ split: only s gets g, beta(x) does not). Thread-safe.
torch::Tensor scaleGradient(const torch::Tensor &x, double g);

/// Non-uniform fake quantization (POT / POST / APoT): u = x / alpha is clamped
/// to [-1, 1] (signed) or [0, 1] (unsigned) and |u| is projected onto the
/// nearest of `magnitudes` (ascending unit magnitudes, 0 first, 1 last); a
/// value exactly halfway between two magnitudes goes to the smaller one. The
/// result is sign(u) * level * alpha. Backward: dx = 1 where |u| <= 1
/// (straight-through), dalpha = q - u inside and q (= +-1) outside, times
/// gAlpha (LSQ-style). `alpha` broadcasts like LSQ's step. Thread-safe.
torch::Tensor levelQuantize(const torch::Tensor &x, const torch::Tensor &alpha, const torch::Tensor &magnitudes,
                            bool isSigned, double gAlpha);

/// Index into `magnitudes` of the level nearest to |u| (ties to the smaller), int64, same shape as u. Thread-safe.
torch::Tensor nearestMagnitudeIndex(const torch::Tensor &absU, const torch::Tensor &magnitudes);

/// PACT: y = clamp(x, 0, alpha), y_q = round(y * k / alpha) * alpha / k with
/// k = 2^b - 1 (round half to even). Backward (PACT paper, Eq. 3, STE on the
/// rounding): dx = 1 for 0 <= x <= alpha, else 0; dalpha = 1 for x > alpha, else 0.
torch::Tensor pactQuantize(const torch::Tensor &x, const torch::Tensor &alpha, double levelsMinusOne);

} // namespace ql::core::quant
