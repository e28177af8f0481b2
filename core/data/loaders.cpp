#include "core/data/loaders.h"

#include "core/common/error.h"
#include "core/data/catalog.h"
#include "core/data/idx.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace ql::core::data {
namespace fs = std::filesystem;

namespace {

constexpr int64_t kCifarSide = 32;
constexpr int64_t kCifarPixels = 3 * kCifarSide * kCifarSide;
/// Largest CIFAR batch file read (the CIFAR-100 training batch has 150 MB).
constexpr uint64_t kMaxCifarBytes = uint64_t{2} << 30;

std::string kindName(DatasetKind kind)
{
    switch (kind) {
    case DatasetKind::FashionMnist: return "fashion-mnist";
    case DatasetKind::Mnist: return "mnist";
    case DatasetKind::Cifar10: return "cifar-10";
    case DatasetKind::Cifar100: return "cifar-100";
    case DatasetKind::ImageFolder: return "image-folder";
    }
    return "unknown";
}

bool isDir(const fs::path &p)
{
    std::error_code ec;
    return fs::is_directory(p, ec);
}

bool isFile(const fs::path &p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

std::vector<uint8_t> readBinaryFile(const fs::path &path)
{
    if (!isFile(path))
        throw Error("File '" + path.string() + "' does not exist.", "Check the data set folder.");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("File '" + path.string() + "' cannot be opened for reading.", "Check its permissions.");
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Non-empty, trimmed lines of a text file; empty when the file is absent.
std::vector<std::string> readNameLines(const fs::path &path)
{
    std::vector<std::string> names;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
            line.pop_back();
        if (!line.empty())
            names.push_back(line);
    }
    return names;
}

bool hasCifar10(const fs::path &d) { return isFile(d / "data_batch_1.bin") || isFile(d / "test_batch.bin"); }

bool hasCifar100(const fs::path &d) { return isFile(d / "train.bin") || isFile(d / "test.bin"); }

/// The folder that holds the CIFAR batches: `directory` itself or its usual sub-folder.
fs::path cifarRoot(const fs::path &directory, DatasetKind &kind)
{
    for (const fs::path &d : {directory, directory / "cifar-10-batches-bin", directory / "cifar-100-binary"}) {
        if (hasCifar10(d)) {
            kind = DatasetKind::Cifar10;
            return d;
        }
        if (hasCifar100(d)) {
            kind = DatasetKind::Cifar100;
            return d;
        }
    }
    return {};
}

bool hasIdx(const fs::path &d)
{
    return !findIdxFile(d, "train-images-idx3-ubyte").empty() || !findIdxFile(d, "t10k-images-idx3-ubyte").empty();
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool isImageFile(const fs::path &p)
{
    const std::string ext = lower(p.extension().string());
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

std::vector<fs::path> sortedEntries(const fs::path &dir, bool wantDirs)
{
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(dir, ec)) {
        const auto name = entry.path().filename().string();
        if (name.empty() || name.front() == '.')
            continue;
        if (wantDirs ? isDir(entry.path()) : isFile(entry.path()))
            out.push_back(entry.path());
    }
    if (ec)
        throw Error("Folder '" + dir.string() + "' cannot be listed (" + ec.message() + ").", "Check its permissions.");
    std::sort(out.begin(), out.end());
    return out;
}

/// Resizes the shorter side to `shorter` (aspect kept), then takes the centre `side` x `side`.
cv::Mat resizeAndCrop(const cv::Mat &img, int shorter, int side)
{
    const double scale = static_cast<double>(shorter) / std::min(img.rows, img.cols);
    const int w = std::max(side, static_cast<int>(std::lround(img.cols * scale)));
    const int h = std::max(side, static_cast<int>(std::lround(img.rows * scale)));
    cv::Mat resized;
    if (w == img.cols && h == img.rows)
        resized = img;
    else
        cv::resize(img, resized, cv::Size(w, h), 0, 0, scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
    const int x = (w - side) / 2;
    const int y = (h - side) / 2;
    return resized(cv::Rect(x, y, side, side)).clone();
}

} // namespace

std::pair<torch::Tensor, torch::Tensor> parseCifarBatch(const std::vector<uint8_t> &bytes, int64_t labelBytes,
                                                        const std::string &file)
{
    if (labelBytes != 1 && labelBytes != 2)
        throw Error("CIFAR batch '" + file + "': records have 1 (CIFAR-10) or 2 (CIFAR-100) label bytes.");
    const int64_t record = labelBytes + kCifarPixels;
    const auto size = static_cast<int64_t>(bytes.size());
    if (size == 0 || size % record != 0)
        throw Error("CIFAR batch '" + file + "' has " + std::to_string(size) + " bytes, not a whole number of " +
                        std::to_string(record) + "-byte records.",
                    "The file is truncated or is not a CIFAR binary batch; download it again.");
    const int64_t n = size / record;
    auto all = torch::from_blob(const_cast<uint8_t *>(bytes.data()), {n, record}, torch::kUInt8);
    return {all.narrow(1, labelBytes, kCifarPixels).reshape({n, 3, kCifarSide, kCifarSide}).clone(),
            all.select(1, labelBytes - 1).to(torch::kInt64)};
}

std::vector<std::string> defaultClassNames(DatasetKind kind)
{
    switch (kind) {
    case DatasetKind::FashionMnist:
        return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    case DatasetKind::Mnist: return {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    case DatasetKind::Cifar10:
        return {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
    case DatasetKind::Cifar100:
        return {
            "apple",      "aquarium_fish", "baby",         "bear",       "beaver",      "bed",         "bee",
            "beetle",     "bicycle",       "bottle",       "bowl",       "boy",         "bridge",      "bus",
            "butterfly",  "camel",         "can",          "castle",     "caterpillar", "cattle",      "chair",
            "chimpanzee", "clock",         "cloud",        "cockroach",  "couch",       "crab",        "crocodile",
            "cup",        "dinosaur",      "dolphin",      "elephant",   "flatfish",    "forest",      "fox",
            "girl",       "hamster",       "house",        "kangaroo",   "keyboard",    "lamp",        "lawn_mower",
            "leopard",    "lion",          "lizard",       "lobster",    "man",         "maple_tree",  "motorcycle",
            "mountain",   "mouse",         "mushroom",     "oak_tree",   "orange",      "orchid",      "otter",
            "palm_tree",  "pear",          "pickup_truck", "pine_tree",  "plain",       "plate",       "poppy",
            "porcupine",  "possum",        "rabbit",       "raccoon",    "ray",         "road",        "rocket",
            "rose",       "sea",           "seal",         "shark",      "shrew",       "skunk",       "skyscraper",
            "snail",      "snake",         "spider",       "squirrel",   "streetcar",   "sunflower",   "sweet_pepper",
            "table",      "tank",          "telephone",    "television", "tiger",       "tractor",     "train",
            "trout",      "tulip",         "turtle",       "wardrobe",   "whale",       "willow_tree", "wolf",
            "woman",      "worm"};
    case DatasetKind::ImageFolder: return {};
    }
    return {};
}

Normalization defaultNormalization(DatasetKind kind)
{
    switch (kind) {
    case DatasetKind::FashionMnist: return {{0.2860f}, {0.3530f}};
    case DatasetKind::Mnist: return {{0.1307f}, {0.3081f}};
    case DatasetKind::Cifar10: return {{0.4914f, 0.4822f, 0.4465f}, {0.2470f, 0.2435f, 0.2616f}};
    case DatasetKind::Cifar100: return {{0.5071f, 0.4865f, 0.4409f}, {0.2673f, 0.2564f, 0.2762f}};
    case DatasetKind::ImageFolder: return {{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
    }
    return {};
}

Dataset loadIdxPair(const fs::path &imagesFile, const fs::path &labelsFile, DatasetKind kind, const std::string &name)
{
    IdxArray images = readIdx(imagesFile);
    IdxArray labels = readIdx(labelsFile);
    if (images.dims.size() != 3)
        throw Error("IDX file '" + imagesFile.string() + "' has " + std::to_string(images.dims.size()) +
                        " dimensions; an images file has 3 (count, height, width).",
                    "Pass the *-images-idx3-ubyte file as images.");
    if (labels.dims.size() != 1)
        throw Error("IDX file '" + labelsFile.string() + "' has " + std::to_string(labels.dims.size()) +
                        " dimensions; a labels file has 1.",
                    "Pass the *-labels-idx1-ubyte file as labels.");
    if (images.count() != labels.count())
        throw Error("Images file '" + imagesFile.string() + "' holds " + std::to_string(images.count()) +
                        " images but labels file '" + labelsFile.string() + "' holds " +
                        std::to_string(labels.count()) + " labels.",
                    "Use the images and labels files of the same split and data set.");
    const int64_t n = images.count();
    auto imageTensor =
        torch::from_blob(images.values.data(), {n, 1, images.dims[1], images.dims[2]}, torch::kUInt8).clone();
    auto labelTensor = torch::from_blob(labels.values.data(), {n}, torch::kUInt8).to(torch::kInt64);
    try {
        return Dataset(name.empty() ? kindName(kind) : name, imageTensor, labelTensor, defaultClassNames(kind),
                       defaultNormalization(kind));
    } catch (const Error &e) {
        throw Error("Labels file '" + labelsFile.string() + "': " + e.what(), e.hint());
    }
}

Dataset loadMnistFamily(const fs::path &directory, Split split, DatasetKind kind)
{
    const std::string prefix = split == Split::Train ? "train" : "t10k";
    const fs::path images = findIdxFile(directory, prefix + "-images-idx3-ubyte");
    const fs::path labels = findIdxFile(directory, prefix + "-labels-idx1-ubyte");
    if (images.empty() || labels.empty())
        throw Error("Folder '" + directory.string() + "' has no " + prefix + "-images-idx3-ubyte[.gz] and " + prefix +
                        "-labels-idx1-ubyte[.gz] pair.",
                    kind == DatasetKind::FashionMnist ? "Install it with: sudo apt-get install dataset-fashion-mnist"
                                                      : "Point to the folder holding the IDX files.");
    return loadIdxPair(images, labels, kind, kindName(kind) + " " + splitName(split));
}

Dataset loadCifar(const fs::path &directory, Split split)
{
    DatasetKind kind = DatasetKind::Cifar10;
    const fs::path root = cifarRoot(directory, kind);
    if (root.empty())
        throw Error("Folder '" + directory.string() +
                        "' holds no CIFAR binary batches (data_batch_1.bin ... test_batch.bin for CIFAR-10, "
                        "train.bin / test.bin for CIFAR-100).",
                    "Unpack cifar-10-binary.tar.gz or cifar-100-binary.tar.gz there.");

    std::vector<fs::path> files;
    if (kind == DatasetKind::Cifar10) {
        if (split == Split::Train)
            for (int i = 1; i <= 5; ++i)
                files.push_back(root / ("data_batch_" + std::to_string(i) + ".bin"));
        else
            files.push_back(root / "test_batch.bin");
    } else {
        files.push_back(root / (split == Split::Train ? "train.bin" : "test.bin"));
    }
    // CIFAR-100 records carry a coarse then a fine label byte; the fine label is the class.
    const int64_t labelBytes = kind == DatasetKind::Cifar10 ? 1 : 2;
    const int64_t record = labelBytes + kCifarPixels;

    std::vector<torch::Tensor> images;
    std::vector<torch::Tensor> labels;
    for (const auto &file : files) {
        // The size says whether the file is a batch before a byte of it is read.
        std::error_code ec;
        const auto size = isFile(file) ? fs::file_size(file, ec) : 0;
        if (!ec && isFile(file) && (size == 0 || size % static_cast<uint64_t>(record) != 0 || size > kMaxCifarBytes))
            throw Error("CIFAR batch '" + file.string() + "' has " + std::to_string(size) +
                            " bytes, not a whole number of " + std::to_string(record) + "-byte records" +
                            (size > kMaxCifarBytes ? " QuantLens can hold" : "") + ".",
                        "The file is truncated or is not a " + kindName(kind) + " binary batch; download it again.");
        auto [batchImages, batchLabels] = parseCifarBatch(readBinaryFile(file), labelBytes, file.string());
        images.push_back(std::move(batchImages));
        labels.push_back(std::move(batchLabels));
    }

    std::vector<std::string> names =
        readNameLines(root / (kind == DatasetKind::Cifar10 ? "batches.meta.txt" : "fine_label_names.txt"));
    const auto expected = defaultClassNames(kind);
    if (names.size() != expected.size())
        names = expected;
    try {
        return Dataset(kindName(kind) + " " + splitName(split), torch::cat(images), torch::cat(labels), names,
                       defaultNormalization(kind));
    } catch (const Error &e) {
        throw Error("CIFAR folder '" + root.string() + "': " + e.what(),
                    "The batches are corrupt; download them again.");
    }
}

Dataset loadImageFolder(const fs::path &directory, Split split, const ImageFolderOptions &options)
{
    if (!isDir(directory))
        throw Error("Image folder '" + directory.string() + "' does not exist.", "Check the path.");
    if (options.channels != 1 && options.channels != 3)
        throw Error("Image folder '" + directory.string() + "': " + std::to_string(options.channels) +
                    " channels asked for; use 1 (grayscale) or 3 (colour).");
    if (options.imageSize < 0 || options.resizeShorter < 0 ||
        (options.resizeShorter > 0 && options.imageSize > options.resizeShorter))
        throw Error("Image folder '" + directory.string() + "': image size " + std::to_string(options.imageSize) +
                        " and resize " + std::to_string(options.resizeShorter) + " do not fit.",
                    "The resize (shorter side) must be at least the crop size.");

    fs::path root = directory;
    const bool hasTrain = isDir(directory / "train");
    const bool hasTest = isDir(directory / "test");
    const bool hasVal = isDir(directory / "val");
    if (hasTrain && (hasTest || hasVal)) {
        root = split == Split::Train ? directory / "train" : (hasTest ? directory / "test" : directory / "val");
    } else if (split == Split::Test) {
        throw Error("Image folder '" + directory.string() +
                        "' has no test/ or val/ sub-folder, so it has no test split.",
                    "Add train/ and test/ sub-folders, or split the training set into train and validation parts.");
    }

    int side = options.imageSize;
    const int flags = options.channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR;
    if (side == 0 && root != directory) {
        // Both splits take their size from the training images, so that a test
        // split always matches what a model was trained on.
        for (const auto &cls : sortedEntries(directory / "train", /*wantDirs=*/true)) {
            for (const auto &file : sortedEntries(cls, /*wantDirs=*/false)) {
                if (!isImageFile(file))
                    continue;
                cv::Mat img;
                try {
                    img = cv::imread(file.string(), flags);
                } catch (const cv::Exception &) {
                    continue; // reported when the training split itself is loaded
                }
                if (!img.empty()) {
                    side = std::min(img.rows, img.cols);
                    break;
                }
            }
            if (side != 0)
                break;
        }
    }

    const std::vector<fs::path> classDirs = sortedEntries(root, /*wantDirs=*/true);
    if (classDirs.empty())
        throw Error("Image folder '" + root.string() + "' has no class sub-folders.",
                    "Put the images of each class in a sub-folder named after the class.");

    std::vector<std::string> classNames;
    std::vector<SkippedFile> skipped;
    std::vector<uint8_t> pixels; // HWC per image, appended
    std::vector<int64_t> labels;
    int shorter = options.resizeShorter;

    auto skip = [&](const fs::path &p, const std::string &reason) {
        skipped.push_back({p.string(), reason});
        if (options.onSkipped)
            options.onSkipped(skipped.back());
    };

    for (size_t c = 0; c < classDirs.size(); ++c) {
        classNames.push_back(classDirs[c].filename().string());
        for (const auto &file : sortedEntries(classDirs[c], /*wantDirs=*/false)) {
            if (!isImageFile(file))
                continue;
            cv::Mat img;
            try {
                img = cv::imread(file.string(), flags);
            } catch (const cv::Exception &e) {
                skip(file, std::string("OpenCV cannot decode it: ") + e.what());
                continue;
            }
            if (img.empty()) {
                skip(file, "not a readable JPEG/PNG/BMP image");
                continue;
            }
            if (side == 0)
                side = std::min(img.rows, img.cols);
            if (shorter == 0)
                shorter = side;
            cv::Mat out = resizeAndCrop(img, shorter, side);
            if (options.channels == 3)
                cv::cvtColor(out, out, cv::COLOR_BGR2RGB);
            if (!out.isContinuous())
                out = out.clone();
            pixels.insert(pixels.end(), out.data, out.data + out.total() * out.elemSize());
            labels.push_back(static_cast<int64_t>(c));
        }
    }
    if (labels.empty())
        throw Error("Image folder '" + root.string() + "' holds no readable images (" + std::to_string(skipped.size()) +
                        " skipped).",
                    "Put JPEG or PNG images in its class sub-folders.");

    const auto n = static_cast<int64_t>(labels.size());
    auto hwc = torch::from_blob(pixels.data(), {n, side, side, options.channels}, torch::kUInt8);
    auto nchw = hwc.permute({0, 3, 1, 2}).contiguous();
    auto labelTensor = torch::from_blob(labels.data(), {n}, torch::kInt64).clone();
    Normalization norm = defaultNormalization(DatasetKind::ImageFolder);
    if (options.channels == 1)
        norm = {{0.449f}, {0.226f}}; // the ImageNet constants averaged over RGB
    return Dataset(directory.filename().string() + " " + splitName(split), nchw, labelTensor, classNames, norm,
                   std::move(skipped));
}

namespace {

/// Runs `load`, turning out-of-memory into an error that names the data set.
template <typename F>
auto namingDataOnBadAlloc(const std::string &nameOrPath, F &&load)
{
    try {
        return load();
    } catch (const std::bad_alloc &) {
        throw Error("Out of memory while loading the data set '" + nameOrPath + "'.",
                    "Close other programs or use a smaller data set.");
    }
}

Dataset openDatasetUnchecked(const std::string &nameOrPath, Split split, const OpenOptions &options);

} // namespace

Dataset openDataset(const std::string &nameOrPath, Split split, const OpenOptions &options)
{
    return namingDataOnBadAlloc(nameOrPath, [&] { return openDatasetUnchecked(nameOrPath, split, options); });
}

namespace {

Dataset openDatasetUnchecked(const std::string &nameOrPath, Split split, const OpenOptions &options)
{
    const fs::path path(nameOrPath);
    const std::string key = lower(nameOrPath);
    if (!isDir(path) && (key == "fashion-mnist" || key == "mnist")) {
        const DatasetInfo info = findDataset(key);
        return loadMnistFamily(info.directory, split, key == "mnist" ? DatasetKind::Mnist : DatasetKind::FashionMnist);
    }
    if (!isDir(path))
        throw Error("'" + nameOrPath + "' is neither a known data set (fashion-mnist, mnist) nor an existing folder.",
                    "Give a data set name or the folder of an IDX, CIFAR binary or image-folder data set.");

    if (hasIdx(path)) {
        fs::path folder = fs::absolute(path).lexically_normal();
        if (folder.filename().empty()) // "dir/" normalises to a path ending in a separator
            folder = folder.parent_path();
        const bool fashion = lower(folder.filename().string()).find("fashion") != std::string::npos;
        return loadMnistFamily(path, split, fashion ? DatasetKind::FashionMnist : DatasetKind::Mnist);
    }
    DatasetKind kind = DatasetKind::Cifar10;
    if (!cifarRoot(path, kind).empty())
        return loadCifar(path, split);
    return loadImageFolder(path, split, options.imageFolder);
}

} // namespace

std::pair<Dataset, Dataset> openDatasetSplits(const std::string &nameOrPath, const OpenOptions &options)
{
    return namingDataOnBadAlloc(nameOrPath, [&]() -> std::pair<Dataset, Dataset> {
        const fs::path path(nameOrPath);
        const bool imageFolder = isDir(path) && !hasIdx(path) && [&] {
            DatasetKind kind = DatasetKind::Cifar10;
            return cifarRoot(path, kind).empty();
        }();
        if (imageFolder && !(isDir(path / "train") && (isDir(path / "test") || isDir(path / "val")))) {
            const Dataset all = loadImageFolder(path, Split::Train, options.imageFolder);
            return splitTrainValidation(all, kHeldOutFraction, /*seed=*/0);
        }
        return {openDataset(nameOrPath, Split::Train, options), openDataset(nameOrPath, Split::Test, options)};
    });
}

} // namespace ql::core::data
