// Loaders: IDX pairs, CIFAR binary batches and image folders, all on files made
// here, plus openDataset on the installed Fashion-MNIST.
#include "core/common/error.h"
#include "core/data/loaders.h"
#include "tests/support/testmain.h"

#include <QtTest>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using ql::core::data::Dataset;
using ql::core::data::DatasetKind;
using ql::core::data::defaultClassNames;
using ql::core::data::defaultNormalization;
using ql::core::data::ImageFolderOptions;
using ql::core::data::loadCifar;
using ql::core::data::loadIdxPair;
using ql::core::data::loadImageFolder;
using ql::core::data::openDataset;
using ql::core::data::SkippedFile;
using ql::core::data::Split;

namespace {

void writeBytes(const fs::path &p, const std::vector<uint8_t> &bytes)
{
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<uint8_t> idx(const std::vector<uint32_t> &dims, const std::vector<uint8_t> &payload)
{
    std::vector<uint8_t> b{0, 0, 8, static_cast<uint8_t>(dims.size())};
    for (uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8)
            b.push_back(static_cast<uint8_t>(d >> s));
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

/// A CIFAR record: labels then 3x32x32 pixels, pixel (c, y, x) = (seed + c*7 + y*3 + x) mod 256.
void appendCifarRecord(std::vector<uint8_t> &out, std::vector<uint8_t> labels, int seed)
{
    out.insert(out.end(), labels.begin(), labels.end());
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 32; ++x)
                out.push_back(static_cast<uint8_t>((seed + c * 7 + y * 3 + x) % 256));
}

int expectedCifarPixel(int seed, int c, int y, int x) { return (seed + c * 7 + y * 3 + x) % 256; }

QString qs(const std::string &s) { return QString::fromStdString(s); }

template <typename F>
QString errorOf(F &&f)
{
    try {
        f();
    } catch (const ql::core::Error &e) {
        return qs(e.what());
    }
    return {};
}

} // namespace

class TestDatasetLoaders : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void idxPairShapesAndLabels();
    void idxCountMismatchNamesBothFiles();
    void idxLabelOutOfRange();
    void openIdxFolderChoosesKindByName();
    void openInstalledFashionMnist();
    void unknownNameOrPath();
    void cifar10();
    void cifar10MissingOrTruncatedBatch();
    void cifar100UsesFineLabels();
    void imageFolder();
    void imageFolderSplits();
    void imageFolderWithoutImages();
    void defaultConstants();
};

void TestDatasetLoaders::idxPairShapesAndLabels()
{
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    std::vector<uint8_t> px;
    for (int i = 0; i < 3 * 2 * 4; ++i)
        px.push_back(static_cast<uint8_t>(i * 10));
    writeBytes(dir / "img", idx({3, 2, 4}, px));
    writeBytes(dir / "lab", idx({3}, {4, 0, 9}));
    const Dataset d = loadIdxPair(dir / "img", dir / "lab", DatasetKind::FashionMnist);
    QCOMPARE(d.size(), int64_t(3));
    QCOMPARE(d.channels(), int64_t(1));
    QCOMPARE(d.height(), int64_t(2));
    QCOMPARE(d.width(), int64_t(4));
    QCOMPARE(d.rawImages().scalar_type(), torch::kUInt8);
    QCOMPARE(d.labels().scalar_type(), torch::kInt64);
    QCOMPARE(d.labels()[2].item<int64_t>(), int64_t(9));
    QCOMPARE(d.classNames().at(9), std::string("Ankle boot"));
    // sample 1, row 1, column 3 is byte 8 + 4 + 3 = 15 -> 150
    QCOMPARE(d.rawImages()[1][0][1][3].item<int>(), 150);
    const auto f = d.images(torch::tensor({1}, torch::kInt64));
    QCOMPARE(f.scalar_type(), torch::kFloat32);
    QCOMPARE(f.sizes().vec(), (std::vector<int64_t>{1, 1, 2, 4}));
    QVERIFY(std::abs(f[0][0][1][3].item<float>() - 150.0f / 255.0f) < 1e-7f);
    QVERIFY(!errorOf([&] { d.images(torch::tensor({3}, torch::kInt64)); }).isEmpty());
}

void TestDatasetLoaders::idxCountMismatchNamesBothFiles()
{
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    writeBytes(dir / "five-images", idx({5, 2, 2}, std::vector<uint8_t>(20, 1)));
    writeBytes(dir / "four-labels", idx({4}, {0, 1, 2, 3}));
    const QString msg = errorOf([&] { loadIdxPair(dir / "five-images", dir / "four-labels"); });
    QVERIFY2(msg.contains(qs((dir / "five-images").string())), qPrintable(msg));
    QVERIFY2(msg.contains(qs((dir / "four-labels").string())), qPrintable(msg));
    QVERIFY2(msg.contains(QStringLiteral("5")) && msg.contains(QStringLiteral("4")), qPrintable(msg));
    // swapped files: the labels file has the wrong rank
    const QString swapped = errorOf([&] { loadIdxPair(dir / "four-labels", dir / "five-images"); });
    QVERIFY2(swapped.contains(qs((dir / "four-labels").string())), qPrintable(swapped));
}

void TestDatasetLoaders::idxLabelOutOfRange()
{
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    writeBytes(dir / "img", idx({2, 1, 1}, {0, 0}));
    writeBytes(dir / "lab", idx({2}, {3, 10}));
    const QString msg = errorOf([&] { loadIdxPair(dir / "img", dir / "lab", DatasetKind::Mnist); });
    QVERIFY2(msg.contains(qs((dir / "lab").string())) && msg.contains(QStringLiteral("10")), qPrintable(msg));
}

void TestDatasetLoaders::openIdxFolderChoosesKindByName()
{
    QTemporaryDir tmp;
    for (const std::string folder : {"my-fashion-set", "digits"}) {
        const fs::path dir = fs::path(tmp.path().toStdString()) / folder;
        fs::create_directories(dir);
        writeBytes(dir / "train-images-idx3-ubyte", idx({2, 3, 3}, std::vector<uint8_t>(18, 200)));
        writeBytes(dir / "train-labels-idx1-ubyte", idx({2}, {1, 2}));
        writeBytes(dir / "t10k-images-idx3-ubyte", idx({1, 3, 3}, std::vector<uint8_t>(9, 100)));
        writeBytes(dir / "t10k-labels-idx1-ubyte", idx({1}, {7}));
        const Dataset train = openDataset(dir.string(), Split::Train);
        const Dataset test = openDataset(dir.string() + "/", Split::Test);
        QCOMPARE(train.size(), int64_t(2));
        QCOMPARE(test.size(), int64_t(1));
        QCOMPARE(test.labels()[0].item<int64_t>(), int64_t(7));
        QCOMPARE(test.rawImages()[0][0][2][2].item<int>(), 100);
        const bool fashion = folder == "my-fashion-set";
        QCOMPARE(train.normalization().mean.at(0), fashion ? 0.2860f : 0.1307f);
        QCOMPARE(test.normalization().std.at(0), fashion ? 0.3530f : 0.3081f);
        QCOMPARE(train.classNames().at(0), std::string(fashion ? "T-shirt/top" : "0"));
    }
}

void TestDatasetLoaders::openInstalledFashionMnist()
{
    if (!fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
        QFAIL("Fashion-MNIST is missing: install dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist).");
    qputenv("QL_DATA_DIR", QByteArray()); // only the system folder
    const Dataset train = openDataset("fashion-mnist", Split::Train);
    const Dataset test = openDataset("fashion-mnist", Split::Test);
    QCOMPARE(train.size(), int64_t(60000));
    QCOMPARE(test.size(), int64_t(10000));
    QCOMPARE(train.channels(), int64_t(1));
    QCOMPARE(train.height(), int64_t(28));
    QCOMPARE(train.width(), int64_t(28));
    QCOMPARE(train.numClasses(), int64_t(10));
    // Verified with Python's gzip module: first label 9 ("Ankle boot"), first image pixel sum 76247.
    QCOMPARE(train.labels()[0].item<int64_t>(), int64_t(9));
    QCOMPARE(train.classNames().at(9), std::string("Ankle boot"));
    QCOMPARE(train.rawImages()[0].sum().item<int64_t>(), int64_t(76247));
    QCOMPARE(test.labels()[1].item<int64_t>(), int64_t(2));
    QCOMPARE(train.normalization().mean.at(0), 0.2860f);
    const double mean = train.rawImages().to(torch::kFloat64).mean().item<double>() / 255.0;
    QVERIFY2(std::abs(mean - 0.2860) < 1e-3, qPrintable(QString::number(mean)));
}

void TestDatasetLoaders::unknownNameOrPath()
{
    const QString msg = errorOf([] { openDataset("/no/such/folder/anywhere", Split::Train); });
    QVERIFY2(msg.contains(QStringLiteral("/no/such/folder/anywhere")), qPrintable(msg));
    QTemporaryDir tmp;
    qputenv("QL_DATA_DIR", tmp.path().toUtf8());
    // "mnist" is a catalog name; here it is not installed (only fashion-mnist is, if anything)
    if (!fs::exists("/usr/share/datasets/mnist")) {
        const QString m = errorOf([] { openDataset("mnist", Split::Train); });
        QVERIFY2(m.contains(QStringLiteral("mnist")) && m.contains(tmp.path()), qPrintable(m));
    }
    qputenv("QL_DATA_DIR", QByteArray());
}

void TestDatasetLoaders::cifar10()
{
    QTemporaryDir tmp;
    const fs::path root = fs::path(tmp.path().toStdString()) / "cifar-10-batches-bin";
    fs::create_directories(root);
    for (int b = 1; b <= 5; ++b) {
        std::vector<uint8_t> bytes;
        for (int r = 0; r < 3; ++r)
            appendCifarRecord(bytes, {static_cast<uint8_t>((b + r) % 10)}, b * 10 + r);
        writeBytes(root / ("data_batch_" + std::to_string(b) + ".bin"), bytes);
    }
    std::vector<uint8_t> test;
    appendCifarRecord(test, {3}, 200);
    appendCifarRecord(test, {8}, 201);
    writeBytes(root / "test_batch.bin", test);

    // found from the parent folder too
    const Dataset train = openDataset(tmp.path().toStdString(), Split::Train);
    QCOMPARE(train.size(), int64_t(15));
    QCOMPARE(train.channels(), int64_t(3));
    QCOMPARE(train.height(), int64_t(32));
    QCOMPARE(train.width(), int64_t(32));
    QCOMPARE(train.classNames().at(0), std::string("airplane"));
    QCOMPARE(train.normalization().mean, (std::vector<float>{0.4914f, 0.4822f, 0.4465f}));
    QCOMPARE(train.normalization().std, (std::vector<float>{0.2470f, 0.2435f, 0.2616f}));
    for (int b = 1; b <= 5; ++b)
        for (int r = 0; r < 3; ++r) {
            const int64_t i = (b - 1) * 3 + r;
            QCOMPARE(train.labels()[i].item<int64_t>(), int64_t((b + r) % 10));
            for (auto [c, y, x] : {std::tuple{0, 0, 0}, std::tuple{1, 5, 31}, std::tuple{2, 31, 7}})
                QCOMPARE(train.rawImages()[i][c][y][x].item<int>(), expectedCifarPixel(b * 10 + r, c, y, x));
        }
    const Dataset t = loadCifar(root, Split::Test);
    QCOMPARE(t.size(), int64_t(2));
    QCOMPARE(t.labels()[1].item<int64_t>(), int64_t(8));
    QCOMPARE(t.rawImages()[1][2][31][31].item<int>(), expectedCifarPixel(201, 2, 31, 31));

    // class names from batches.meta.txt when present
    std::ofstream(root / "batches.meta.txt") << "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n";
    QCOMPARE(loadCifar(root, Split::Test).classNames().at(9), std::string("j"));
}

void TestDatasetLoaders::cifar10MissingOrTruncatedBatch()
{
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    std::vector<uint8_t> bytes;
    appendCifarRecord(bytes, {1}, 0);
    for (int b = 1; b <= 4; ++b)
        writeBytes(root / ("data_batch_" + std::to_string(b) + ".bin"), bytes);
    QString msg = errorOf([&] { loadCifar(root, Split::Train); });
    QVERIFY2(msg.contains(qs((root / "data_batch_5.bin").string())), qPrintable(msg));

    bytes.pop_back();
    writeBytes(root / "data_batch_5.bin", bytes);
    msg = errorOf([&] { loadCifar(root, Split::Train); });
    QVERIFY2(msg.contains(qs((root / "data_batch_5.bin").string())) && msg.contains(QStringLiteral("3072")),
             qPrintable(msg));

    std::vector<uint8_t> badLabel;
    appendCifarRecord(badLabel, {10}, 0);
    writeBytes(root / "test_batch.bin", badLabel);
    msg = errorOf([&] { loadCifar(root, Split::Test); });
    QVERIFY2(msg.contains(QStringLiteral("10")) && msg.contains(qs(root.string())), qPrintable(msg));

    const QString none = errorOf([&] { loadCifar(root / "nothing-here", Split::Train); });
    QVERIFY2(none.contains(QStringLiteral("nothing-here")), qPrintable(none));
}

void TestDatasetLoaders::cifar100UsesFineLabels()
{
    QTemporaryDir tmp;
    const fs::path root = fs::path(tmp.path().toStdString()) / "cifar-100-binary";
    fs::create_directories(root);
    std::vector<uint8_t> train;
    appendCifarRecord(train, {/*coarse=*/3, /*fine=*/99}, 5);
    appendCifarRecord(train, {/*coarse=*/19, /*fine=*/0}, 6);
    writeBytes(root / "train.bin", train);
    writeBytes(root / "test.bin", train);
    const Dataset d = openDataset(tmp.path().toStdString(), Split::Train);
    QCOMPARE(d.size(), int64_t(2));
    QCOMPARE(d.numClasses(), int64_t(100));
    QCOMPARE(d.labels()[0].item<int64_t>(), int64_t(99));
    QCOMPARE(d.labels()[1].item<int64_t>(), int64_t(0));
    QCOMPARE(d.classNames().at(99), std::string("worm"));
    QCOMPARE(d.classNames().at(0), std::string("apple"));
    QCOMPARE(d.rawImages()[0][1][2][3].item<int>(), expectedCifarPixel(5, 1, 2, 3));
    QCOMPARE(d.normalization().mean, (std::vector<float>{0.5071f, 0.4865f, 0.4409f}));
    QCOMPARE(d.normalization().std, (std::vector<float>{0.2673f, 0.2564f, 0.2762f}));
}

void TestDatasetLoaders::imageFolder()
{
    QTemporaryDir tmp;
    const fs::path root = fs::path(tmp.path().toStdString()) / "pets";
    fs::create_directories(root / "cat");
    fs::create_directories(root / "dog");
    fs::create_directories(root / "empty-class");
    // OpenCV stores BGR: (B, G, R) = (10, 20, 30) must come back as R=30, G=20, B=10.
    cv::Mat solid(8, 8, CV_8UC3, cv::Scalar(10, 20, 30));
    QVERIFY(cv::imwrite((root / "cat" / "a.png").string(), solid));
    cv::Mat halves(8, 8, CV_8UC3, cv::Scalar(0, 0, 0));
    halves(cv::Rect(4, 0, 4, 8)).setTo(cv::Scalar(255, 255, 255));
    QVERIFY(cv::imwrite((root / "cat" / "b.png").string(), halves));
    cv::Mat grey(16, 8, CV_8UC3, cv::Scalar(128, 128, 128)); // portrait: resized to 8 wide, cropped to 8x8
    QVERIFY(cv::imwrite((root / "dog" / "c.jpg").string(), grey));
    std::ofstream(root / "dog" / "broken.jpg") << "this is not a JPEG";
    std::ofstream(root / "dog" / "notes.txt") << "not an image, ignored";

    std::vector<std::string> reported;
    ImageFolderOptions opts;
    opts.onSkipped = [&](const SkippedFile &f) { reported.push_back(f.path); };
    const Dataset d = loadImageFolder(root, Split::Train, opts);
    QCOMPARE(d.size(), int64_t(3));
    QCOMPARE(d.classNames(), (std::vector<std::string>{"cat", "dog", "empty-class"}));
    QCOMPARE(d.channels(), int64_t(3));
    QCOMPARE(d.height(), int64_t(8));
    QCOMPARE(d.width(), int64_t(8));
    QCOMPARE(d.labels()[0].item<int64_t>(), int64_t(0));
    QCOMPARE(d.labels()[2].item<int64_t>(), int64_t(1));
    QCOMPARE(d.rawImages()[0][0][3][3].item<int>(), 30);
    QCOMPARE(d.rawImages()[0][1][3][3].item<int>(), 20);
    QCOMPARE(d.rawImages()[0][2][3][3].item<int>(), 10);
    QCOMPARE(d.rawImages()[1][1][0][0].item<int>(), 0);
    QCOMPARE(d.rawImages()[1][1][0][7].item<int>(), 255);
    QVERIFY(std::abs(d.rawImages()[2][0][4][4].item<int>() - 128) <= 3); // JPEG is lossy
    QCOMPARE(d.skippedFiles().size(), size_t(1));
    QVERIFY(qs(d.skippedFiles()[0].path).endsWith(QStringLiteral("dog/broken.jpg")));
    QVERIFY(!d.skippedFiles()[0].reason.empty());
    QCOMPARE(reported, (std::vector<std::string>{d.skippedFiles()[0].path}));

    ImageFolderOptions small;
    small.imageSize = 4;
    small.channels = 1;
    const Dataset s = loadImageFolder(root, Split::Train, small);
    QCOMPARE(s.rawImages().sizes().vec(), (std::vector<int64_t>{3, 1, 4, 4}));
    QCOMPARE(s.normalization().mean.size(), size_t(1));
    // the black/white halves survive a 2x area downscale exactly
    QCOMPARE(s.rawImages()[1][0][2][0].item<int>(), 0);
    QCOMPARE(s.rawImages()[1][0][2][3].item<int>(), 255);

    // flat folder: no test split
    const QString msg = errorOf([&] { loadImageFolder(root, Split::Test); });
    QVERIFY2(msg.contains(qs(root.string())) && msg.contains(QStringLiteral("test")), qPrintable(msg));
}

void TestDatasetLoaders::imageFolderSplits()
{
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    for (const std::string split : {"train", "val"})
        for (const std::string cls : {"x", "y"}) {
            fs::create_directories(root / split / cls);
            const int v = split == "train" ? 40 : 200;
            QVERIFY(cv::imwrite((root / split / cls / "1.png").string(), cv::Mat(5, 5, CV_8UC3, cv::Scalar(v, v, v))));
        }
    QVERIFY(cv::imwrite((root / "train" / "y" / "2.png").string(), cv::Mat(5, 5, CV_8UC3, cv::Scalar(1, 1, 1))));
    // a larger validation image: resized to the training size, not setting its own
    QVERIFY(cv::imwrite((root / "val" / "x" / "0.png").string(), cv::Mat(10, 10, CV_8UC3, cv::Scalar(90, 90, 90))));
    const Dataset train = openDataset(root.string(), Split::Train);
    const Dataset test = openDataset(root.string(), Split::Test);
    QCOMPARE(train.size(), int64_t(3));
    QCOMPARE(test.size(), int64_t(3));
    QCOMPARE(train.rawImages()[0][0][0][0].item<int>(), 40);
    QCOMPARE(test.height(), train.height());
    QCOMPARE(test.width(), int64_t(5));
    QCOMPARE(test.rawImages()[0][0][2][2].item<int>(), 90);
    QCOMPARE(test.rawImages()[1][0][0][0].item<int>(), 200);
    QCOMPARE(test.classNames(), (std::vector<std::string>{"x", "y"}));
}

void TestDatasetLoaders::imageFolderWithoutImages()
{
    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    fs::create_directories(root / "a");
    std::ofstream(root / "a" / "bad.png") << "garbage";
    const QString msg = errorOf([&] { loadImageFolder(root, Split::Train); });
    QVERIFY2(msg.contains(QStringLiteral("no readable images")) && msg.contains(QStringLiteral("1 skipped")),
             qPrintable(msg));
    const QString none = errorOf([&] { loadImageFolder(root / "a", Split::Train); });
    QVERIFY2(none.contains(QStringLiteral("no class sub-folders")), qPrintable(none));
}

void TestDatasetLoaders::defaultConstants()
{
    QCOMPARE(defaultNormalization(DatasetKind::FashionMnist).mean, (std::vector<float>{0.2860f}));
    QCOMPARE(defaultNormalization(DatasetKind::FashionMnist).std, (std::vector<float>{0.3530f}));
    QCOMPARE(defaultNormalization(DatasetKind::Mnist).mean, (std::vector<float>{0.1307f}));
    QCOMPARE(defaultNormalization(DatasetKind::Mnist).std, (std::vector<float>{0.3081f}));
    QCOMPARE(defaultClassNames(DatasetKind::Cifar100).size(), size_t(100));
    QCOMPARE(defaultClassNames(DatasetKind::Cifar10).size(), size_t(10));
    QCOMPARE(defaultClassNames(DatasetKind::FashionMnist).size(), size_t(10));
}

QL_TEST(TestDatasetLoaders)
#include "tst_datasetloaders.moc"
