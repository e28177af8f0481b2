#pragma once
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ql::core::data {

/// Which half of a data set to open.
enum class Split { Train, Test };

/// "train" or "test".
std::string splitName(Split split);

/// Per-channel normalisation constants: x' = (x - mean[c]) / std[c], x in [0, 1].
/// One entry per channel.
struct Normalization {
    std::vector<float> mean;
    std::vector<float> std;
};

/// A file an image-folder loader could not use, with the reason.
struct SkippedFile {
    std::string path;
    std::string reason;
};

/// An in-memory labelled image data set.
///
/// Images are kept as uint8 [N, C, H, W] (a quarter of the memory of float)
/// and converted to float in [0, 1] per batch by images(). Labels are int64 [N].
/// A Dataset is immutable after construction; copies share the tensors, so
/// copying is cheap. Every const member may be called from any number of
/// threads at once.
class Dataset {
public:
    Dataset() = default;
    /// Takes ownership of `images` (uint8 [N, C, H, W]) and `labels` (int64 [N]).
    /// Throws ql::core::Error when the shapes or types disagree, a label is
    /// outside [0, classNames.size()), or `norm` does not have C entries.
    Dataset(std::string name, torch::Tensor images, torch::Tensor labels, std::vector<std::string> classNames,
            Normalization norm, std::vector<SkippedFile> skipped = {});

    const std::string &name() const { return m_name; }
    int64_t size() const { return m_labels.defined() ? m_labels.size(0) : 0; }
    bool empty() const { return size() == 0; }
    int64_t channels() const { return m_images.defined() ? m_images.size(1) : 0; }
    int64_t height() const { return m_images.defined() ? m_images.size(2) : 0; }
    int64_t width() const { return m_images.defined() ? m_images.size(3) : 0; }
    int64_t numClasses() const { return static_cast<int64_t>(m_classNames.size()); }
    const std::vector<std::string> &classNames() const { return m_classNames; }
    const Normalization &normalization() const { return m_norm; }

    /// Files the loader skipped (unreadable images), with their paths; the
    /// count is skippedFiles().size().
    const std::vector<SkippedFile> &skippedFiles() const { return m_skipped; }

    /// All images as stored: uint8 [N, C, H, W], contiguous.
    const torch::Tensor &rawImages() const { return m_images; }
    /// All labels: int64 [N].
    const torch::Tensor &labels() const { return m_labels; }

    /// The images at `indices` (int64 [B]) as float [B, C, H, W] in [0, 1]
    /// (not normalised). Throws ql::core::Error for an index out of range.
    torch::Tensor images(const torch::Tensor &indices) const;
    /// The labels at `indices` (int64 [B]).
    torch::Tensor labels(const torch::Tensor &indices) const;

    /// A data set holding only the samples at `indices`, in that order
    /// (same class names and normalisation).
    Dataset subset(const torch::Tensor &indices, const std::string &name = {}) const;

private:
    torch::Tensor checkedIndices(const torch::Tensor &indices) const;

    std::string m_name;
    torch::Tensor m_images;
    torch::Tensor m_labels;
    std::vector<std::string> m_classNames;
    Normalization m_norm;
    std::vector<SkippedFile> m_skipped;
};

/// A permutation of 0..n-1 drawn from `seed` (int64 [n]). The same seed gives
/// the same permutation on every platform (own Fisher-Yates over
/// std::mt19937_64, not std::shuffle, whose output is implementation-defined).
/// Thread-safe.
torch::Tensor seededPermutation(int64_t n, uint64_t seed);

/// Splits `dataset` into (train, validation) with `validationFraction` of the
/// samples (rounded, at least one in each part when both can be non-empty)
/// drawn at random with `seed`. The parts are disjoint and together hold every
/// sample. Throws ql::core::Error for a fraction outside [0, 1). Thread-safe.
std::pair<Dataset, Dataset> splitTrainValidation(const Dataset &dataset, double validationFraction, uint64_t seed);

/// `count` distinct samples drawn at random with `seed` (for PTQ calibration);
/// the whole data set, shuffled, when it holds fewer. Thread-safe.
Dataset calibrationSubset(const Dataset &dataset, int64_t count, uint64_t seed);

} // namespace ql::core::data
