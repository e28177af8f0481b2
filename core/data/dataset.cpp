#include "core/data/dataset.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <cmath>
#include <random>

namespace ql::core::data {

std::string splitName(Split split) { return split == Split::Train ? "train" : "test"; }

Dataset::Dataset(std::string name, torch::Tensor images, torch::Tensor labels, std::vector<std::string> classNames,
                 Normalization norm, std::vector<SkippedFile> skipped)
    : m_name(std::move(name)), m_classNames(std::move(classNames)), m_norm(std::move(norm)),
      m_skipped(std::move(skipped))
{
    const std::string what = "Data set '" + m_name + "'";
    if (!images.defined() || images.dim() != 4 || images.scalar_type() != torch::kUInt8)
        throw Error(what + ": images must be a uint8 tensor [N, C, H, W].");
    if (!labels.defined() || labels.dim() != 1)
        throw Error(what + ": labels must be a tensor [N].");
    if (images.size(0) != labels.size(0))
        throw Error(what + " has " + std::to_string(images.size(0)) + " images but " + std::to_string(labels.size(0)) +
                    " labels.");
    if (m_classNames.empty())
        throw Error(what + " has no classes.");
    const auto channels = static_cast<size_t>(images.size(1));
    if (m_norm.mean.size() != channels || m_norm.std.size() != channels)
        throw Error(what + " has " + std::to_string(channels) + " channels but normalisation constants for " +
                    std::to_string(m_norm.mean.size()) + ".");
    for (float s : m_norm.std)
        if (!(s > 0.0f))
            throw Error(what + ": a normalisation standard deviation is not positive (" + std::to_string(s) + ").");
    m_images = images.contiguous();
    m_labels = labels.to(torch::kInt64).contiguous();
    if (m_labels.numel() > 0) {
        const int64_t lo = m_labels.min().item<int64_t>();
        const int64_t hi = m_labels.max().item<int64_t>();
        if (lo < 0 || hi >= numClasses())
            throw Error(what + " has a label " + std::to_string(lo < 0 ? lo : hi) + " outside 0.." +
                            std::to_string(numClasses() - 1) + ".",
                        "Check that the label file belongs to this data set.");
    }
}

torch::Tensor Dataset::checkedIndices(const torch::Tensor &indices) const
{
    auto idx = indices.to(torch::kInt64).reshape({-1});
    if (idx.numel() > 0) {
        const int64_t lo = idx.min().item<int64_t>();
        const int64_t hi = idx.max().item<int64_t>();
        if (lo < 0 || hi >= size())
            throw Error("Data set '" + m_name + "': sample index " + std::to_string(lo < 0 ? lo : hi) +
                        " is outside 0.." + std::to_string(size() - 1) + ".");
    }
    return idx;
}

torch::Tensor Dataset::images(const torch::Tensor &indices) const
{
    return m_images.index_select(0, checkedIndices(indices)).to(torch::kFloat32).div_(255.0f);
}

torch::Tensor Dataset::labels(const torch::Tensor &indices) const
{
    return m_labels.index_select(0, checkedIndices(indices));
}

Dataset Dataset::subset(const torch::Tensor &indices, const std::string &name) const
{
    const auto idx = checkedIndices(indices);
    return Dataset(name.empty() ? m_name : name, m_images.index_select(0, idx), m_labels.index_select(0, idx),
                   m_classNames, m_norm, m_skipped);
}

torch::Tensor seededPermutation(int64_t n, uint64_t seed)
{
    auto perm = torch::arange(n, torch::kInt64);
    auto *p = perm.data_ptr<int64_t>();
    std::mt19937_64 rng(seed);
    for (int64_t i = n - 1; i > 0; --i) {
        // Modulo bias is below 2^-40 for any realistic n: irrelevant for sampling.
        const auto j = static_cast<int64_t>(rng() % static_cast<uint64_t>(i + 1));
        std::swap(p[i], p[j]);
    }
    return perm;
}

std::pair<Dataset, Dataset> splitTrainValidation(const Dataset &dataset, double validationFraction, uint64_t seed)
{
    if (!(validationFraction >= 0.0 && validationFraction < 1.0))
        throw Error("Validation fraction " + std::to_string(validationFraction) + " is outside [0, 1).",
                    "Use e.g. 0.1 for a tenth of the training set.");
    const int64_t n = dataset.size();
    auto nVal = static_cast<int64_t>(std::llround(validationFraction * static_cast<double>(n)));
    if (validationFraction > 0.0 && n >= 2)
        nVal = std::clamp<int64_t>(nVal, 1, n - 1);
    const auto perm = seededPermutation(n, seed);
    // Sorted indices keep each part in file order, so that a part does not
    // depend on anything but which samples it holds.
    auto val = std::get<0>(perm.narrow(0, 0, nVal).sort());
    auto train = std::get<0>(perm.narrow(0, nVal, n - nVal).sort());
    return {dataset.subset(train, dataset.name() + " (train part)"),
            dataset.subset(val, dataset.name() + " (validation part)")};
}

Dataset calibrationSubset(const Dataset &dataset, int64_t count, uint64_t seed)
{
    if (count <= 0)
        throw Error("Calibration subset size " + std::to_string(count) + " is not positive.",
                    "Ask for at least one image (typically 256 to 1024).");
    const int64_t n = std::min(count, dataset.size());
    const auto perm = seededPermutation(dataset.size(), seed);
    return dataset.subset(perm.narrow(0, 0, n), dataset.name() + " (calibration)");
}

} // namespace ql::core::data
