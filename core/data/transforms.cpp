#include "core/data/transforms.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <algorithm>

namespace ql::core::data {
namespace {

void checkBatch(const torch::Tensor &batch, const char *what)
{
    if (!batch.defined() || batch.dim() != 4)
        throw Error(std::string(what) + ": expected a batch [B, C, H, W], got a tensor of " +
                    (batch.defined() ? std::to_string(batch.dim()) : std::string("no")) + " dimensions.");
}

} // namespace

torch::Tensor normalize(const torch::Tensor &batch, const Normalization &norm)
{
    checkBatch(batch, "normalize");
    const int64_t c = batch.size(1);
    if (static_cast<int64_t>(norm.mean.size()) != c || static_cast<int64_t>(norm.std.size()) != c)
        throw Error("normalize: the batch has " + std::to_string(c) + " channels but the constants are for " +
                    std::to_string(norm.mean.size()) + ".");
    const auto opts = torch::TensorOptions().dtype(batch.scalar_type()).device(batch.device());
    auto mean = torch::tensor(norm.mean, torch::kFloat32).to(opts).view({1, c, 1, 1});
    auto stdev = torch::tensor(norm.std, torch::kFloat32).to(opts).view({1, c, 1, 1});
    return (batch - mean) / stdev;
}

torch::Tensor horizontalFlip(const torch::Tensor &batch)
{
    checkBatch(batch, "horizontalFlip");
    return batch.flip({3});
}

torch::Tensor randomCrop(const torch::Tensor &batch, int padding, TransformRng &rng)
{
    checkBatch(batch, "randomCrop");
    if (padding < 0)
        throw Error("randomCrop: padding " + std::to_string(padding) + " is negative.");
    if (padding == 0)
        return batch;
    const int64_t b = batch.size(0);
    const int64_t c = batch.size(1);
    const int64_t h = batch.size(2);
    const int64_t w = batch.size(3);
    const auto range = static_cast<uint64_t>(2 * padding + 1);
    if (batch.device().is_cpu() && batch.scalar_type() == torch::kFloat32) {
        // Per-sample tensor ops cost microseconds each; a plain loop keeps
        // augmentation from dominating the loader (see bench_data).
        const auto in = batch.contiguous();
        auto out = torch::zeros_like(in);
        const float *src = in.data_ptr<float>();
        float *dst = out.data_ptr<float>();
        for (int64_t i = 0; i < b; ++i) {
            const int64_t dy = static_cast<int64_t>(rng() % range) - padding;
            const int64_t dx = static_cast<int64_t>(rng() % range) - padding;
            // output (y, x) reads input (y + dy, x + dx); outside the image it stays 0
            const int64_t y0 = std::max<int64_t>(0, -dy), y1 = std::min(h, h - dy);
            const int64_t x0 = std::max<int64_t>(0, -dx), x1 = std::min(w, w - dx);
            if (y0 >= y1 || x0 >= x1)
                continue;
            for (int64_t ch = 0; ch < c; ++ch) {
                const float *plane = src + (i * c + ch) * h * w;
                float *outPlane = dst + (i * c + ch) * h * w;
                for (int64_t y = y0; y < y1; ++y)
                    std::copy(plane + (y + dy) * w + x0 + dx, plane + (y + dy) * w + x1 + dx, outPlane + y * w + x0);
            }
        }
        return out;
    }
    auto padded = torch::constant_pad_nd(batch, {padding, padding, padding, padding}, 0.0);
    auto out = torch::empty_like(batch);
    for (int64_t i = 0; i < b; ++i) {
        const auto y = static_cast<int64_t>(rng() % range);
        const auto x = static_cast<int64_t>(rng() % range);
        out[i].copy_(padded[i].narrow(1, y, h).narrow(2, x, w));
    }
    return out;
}

torch::Tensor randomHorizontalFlip(const torch::Tensor &batch, double p, TransformRng &rng)
{
    checkBatch(batch, "randomHorizontalFlip");
    auto out = batch.contiguous().clone();
    const bool fast = out.device().is_cpu() && out.scalar_type() == torch::kFloat32;
    const int64_t rows = batch.size(1) * batch.size(2);
    const int64_t w = batch.size(3);
    for (int64_t i = 0; i < batch.size(0); ++i) {
        // 53 random bits as a double in [0, 1): same draw on every standard library.
        if (!(static_cast<double>(rng() >> 11) * 0x1.0p-53 < p))
            continue;
        if (fast) {
            float *row = out.data_ptr<float>() + i * rows * w;
            for (int64_t r = 0; r < rows; ++r, row += w)
                std::reverse(row, row + w);
        } else {
            out[i].copy_(batch[i].flip({2}));
        }
    }
    return out;
}

torch::Tensor resize(const torch::Tensor &batch, int64_t height, int64_t width)
{
    checkBatch(batch, "resize");
    if (height <= 0 || width <= 0)
        throw Error("resize: target size " + std::to_string(height) + "x" + std::to_string(width) +
                    " is not positive.");
    if (batch.size(2) == height && batch.size(3) == width)
        return batch;
    namespace F = torch::nn::functional;
    return F::interpolate(batch, F::InterpolateFuncOptions()
                                     .size(std::vector<int64_t>{height, width})
                                     .mode(torch::kBilinear)
                                     .align_corners(false));
}

torch::Tensor centerCrop(const torch::Tensor &batch, int64_t height, int64_t width)
{
    checkBatch(batch, "centerCrop");
    if (height <= 0 || width <= 0 || height > batch.size(2) || width > batch.size(3))
        throw Error("centerCrop: window " + std::to_string(height) + "x" + std::to_string(width) +
                        " does not fit in images of " + std::to_string(batch.size(2)) + "x" +
                        std::to_string(batch.size(3)) + ".",
                    "Resize the images to at least the crop size first.");
    const int64_t y = (batch.size(2) - height) / 2;
    const int64_t x = (batch.size(3) - width) / 2;
    return batch.narrow(2, y, height).narrow(3, x, width).contiguous();
}

Transform randomCropTransform(int padding)
{
    return [padding](const torch::Tensor &b, TransformRng &rng) { return randomCrop(b, padding, rng); };
}

Transform randomHorizontalFlipTransform(double p)
{
    return [p](const torch::Tensor &b, TransformRng &rng) { return randomHorizontalFlip(b, p, rng); };
}

Transform resizeTransform(int64_t height, int64_t width)
{
    return [height, width](const torch::Tensor &b, TransformRng &) { return resize(b, height, width); };
}

Transform centerCropTransform(int64_t height, int64_t width)
{
    return [height, width](const torch::Tensor &b, TransformRng &) { return centerCrop(b, height, width); };
}

std::vector<Transform> standardAugmentation(const Dataset &dataset)
{
    const int64_t side = std::min(dataset.height(), dataset.width());
    const int padding = side == 32 ? 4 : side == 28 ? 2 : static_cast<int>(std::max<int64_t>(1, side / 8));
    std::vector<Transform> t{randomCropTransform(padding)};
    const bool digits = dataset.name().rfind("mnist", 0) == 0; // "mnist ..." but not "fashion-mnist ..."
    if (!digits)
        t.push_back(randomHorizontalFlipTransform(0.5));
    return t;
}

} // namespace ql::core::data
