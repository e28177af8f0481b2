#pragma once
#include "core/data/dataset.h"

#include <filesystem>
#include <functional>
#include <string>

namespace ql::core::data {

/// The data set kinds QuantLens knows constants (class names, normalisation) for.
enum class DatasetKind { FashionMnist, Mnist, Cifar10, Cifar100, ImageFolder };

/// Class names of a known kind (empty for ImageFolder, whose classes are its sub-folders).
std::vector<std::string> defaultClassNames(DatasetKind kind);
/// Normalisation constants of a known kind; for ImageFolder the ImageNet
/// constants, which pretrained torchvision models expect.
Normalization defaultNormalization(DatasetKind kind);

/// Loads an IDX images file (uint8 [N, H, W]) and its labels file (uint8 [N]),
/// gzip or plain, via readIdx. Throws ql::core::Error naming both files when
/// the counts differ, and naming the file when one is malformed. Thread-safe.
Dataset loadIdxPair(const std::filesystem::path &imagesFile, const std::filesystem::path &labelsFile,
                    DatasetKind kind = DatasetKind::FashionMnist, const std::string &name = {});

/// Loads the MNIST-family split in `directory` (train-images-idx3-ubyte[.gz]
/// + train-labels-idx1-ubyte[.gz], or t10k-*). Thread-safe.
Dataset loadMnistFamily(const std::filesystem::path &directory, Split split, DatasetKind kind);

/// Loads CIFAR-10 (data_batch_1..5.bin / test_batch.bin) or CIFAR-100
/// (train.bin / test.bin, fine labels) binary batches from `directory`, or
/// from its cifar-10-batches-bin / cifar-100-binary sub-folder. Class names
/// come from batches.meta.txt / fine_label_names.txt when present. Throws
/// ql::core::Error naming the file for a missing batch or a size that is not
/// a whole number of records. Thread-safe.
Dataset loadCifar(const std::filesystem::path &directory, Split split);

/// One CIFAR binary batch held in memory: records of `labelBytes` label bytes (1: CIFAR-10;
/// 2: CIFAR-100, the fine label last) and 3x32x32 pixels. Returns images uint8 [N, 3, 32, 32]
/// and labels int64 [N]. Throws ql::core::Error naming `file` when the size is not a whole
/// number of records. Thread-safe.
std::pair<torch::Tensor, torch::Tensor> parseCifarBatch(const std::vector<uint8_t> &bytes, int64_t labelBytes,
                                                        const std::string &file);

/// How image-folder images become one uniform tensor.
struct ImageFolderOptions {
    /// Side of the square images produced (centre crop). 0: the shorter side
    /// of the first readable training image (of train/ when the folder has
    /// train/ and test/, so both splits get the same size).
    int imageSize = 0;
    /// Shorter side every image is resized to before the centre crop
    /// (aspect ratio kept). 0: imageSize.
    int resizeShorter = 0;
    /// 3: colour (RGB), 1: grayscale.
    int channels = 3;
    /// Told about every skipped file as it happens; the full list is in
    /// Dataset::skippedFiles() either way. Called on the loading thread.
    std::function<void(const SkippedFile &)> onSkipped;
};

/// Loads an image folder: one sub-folder per class (sorted by name), JPEG /
/// PNG / BMP images decoded and resized with OpenCV. When `directory` holds
/// train/ and test/ (or val/) sub-folders, `split` chooses one of them;
/// otherwise the folder is the training set and Split::Test is an error.
/// Unreadable images are skipped and listed in Dataset::skippedFiles().
/// Everything is held in memory (uint8): meant for data sets up to a few
/// hundred thousand small images. Thread-safe.
Dataset loadImageFolder(const std::filesystem::path &directory, Split split, const ImageFolderOptions &options = {});

/// Options for openDataset.
struct OpenOptions {
    ImageFolderOptions imageFolder;
};

/// Opens a data set by catalog name ("fashion-mnist", "mnist"; found with
/// findDataset) or by path: a folder of IDX files (Fashion-MNIST when the
/// folder name contains "fashion", else MNIST), a CIFAR binary folder, or an
/// image folder. Throws ql::core::Error saying what was looked for. Thread-safe.
Dataset openDataset(const std::string &nameOrPath, Split split, const OpenOptions &options = {});

/// Fraction of an image folder without train/ and test/ sub-folders that openDatasetSplits
/// holds out as its test split (drawn with seed 0, so it is the same on every run).
constexpr double kHeldOutFraction = 0.2;

/// The training and test splits of a data set (see openDataset). An image folder with one
/// sub-folder per class and no train/ and test/ (or val/) sub-folders is read once and split
/// at random with seed 0: kHeldOutFraction of its images become the test split. Thread-safe.
std::pair<Dataset, Dataset> openDatasetSplits(const std::string &nameOrPath, const OpenOptions &options = {});

} // namespace ql::core::data
