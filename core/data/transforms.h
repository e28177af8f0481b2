#pragma once
#include "core/data/dataset.h"

#include <torch/types.h>

#include <functional>
#include <random>
#include <vector>

namespace ql::core::data {

/// Random source of the transforms. Each batch of a DataLoader gets its own,
/// seeded from (seed, epoch, batch index), so that a batch's augmentation does
/// not depend on which worker made it.
using TransformRng = std::mt19937_64;

/// A batch transform: float [B, C, H, W] in, float [B, C', H', W'] out.
/// Must be safe to call from several threads at once (it gets its own rng).
using Transform = std::function<torch::Tensor(const torch::Tensor &batch, TransformRng &rng)>;

/// (x - mean[c]) / std[c] per channel. Throws ql::core::Error when `norm` does
/// not have one entry per channel of `batch`. Thread-safe.
torch::Tensor normalize(const torch::Tensor &batch, const Normalization &norm);

/// The mirror image of every sample (width axis reversed). Thread-safe.
torch::Tensor horizontalFlip(const torch::Tensor &batch);

/// Pads every sample by `padding` zeros on each side and cuts a random
/// H x W window out of it (a window per sample); the shape is kept.
/// Thread-safe.
torch::Tensor randomCrop(const torch::Tensor &batch, int padding, TransformRng &rng);

/// Mirrors each sample with probability `p` (independently). Thread-safe.
torch::Tensor randomHorizontalFlip(const torch::Tensor &batch, double p, TransformRng &rng);

/// Bilinear resize of every sample to height x width. Thread-safe.
torch::Tensor resize(const torch::Tensor &batch, int64_t height, int64_t width);

/// The centre height x width window of every sample. Throws
/// ql::core::Error when the window is larger than the image. Thread-safe.
torch::Tensor centerCrop(const torch::Tensor &batch, int64_t height, int64_t width);

/// Transform factories for a DataLoader pipeline.
Transform randomCropTransform(int padding);
Transform randomHorizontalFlipTransform(double p = 0.5);
Transform resizeTransform(int64_t height, int64_t width);
Transform centerCropTransform(int64_t height, int64_t width);

/// The usual training augmentation for `dataset`: random crop with padding
/// (4 for 32 px images, 2 for 28 px, an eighth of the side otherwise) and,
/// except for digits (MNIST, whose mirror images are other symbols),
/// horizontal flips.
std::vector<Transform> standardAugmentation(const Dataset &dataset);

} // namespace ql::core::data
