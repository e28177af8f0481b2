// The IDX reader on the real Fashion-MNIST files and on broken files made here.
#include "core/common/error.h"
#include "core/data/idx.h"
#include "tests/support/testmain.h"

#include <QtTest>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <numeric>

namespace fs = std::filesystem;
using ql::core::data::readIdx;
using ql::core::data::readIdxDims;

namespace {

const fs::path kFashionDir = "/usr/share/datasets/fashion-mnist";

std::vector<uint8_t> idxBytes(uint8_t type, const std::vector<uint32_t> &dims, size_t payload, uint8_t fill = 7)
{
    std::vector<uint8_t> b{0, 0, type, static_cast<uint8_t>(dims.size())};
    for (uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8)
            b.push_back(static_cast<uint8_t>(d >> s));
    for (size_t i = 0; i < payload; ++i)
        b.push_back(static_cast<uint8_t>(fill + i));
    return b;
}

void writePlain(const fs::path &p, const std::vector<uint8_t> &bytes)
{
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<uint8_t> gzipBytes(const std::vector<uint8_t> &bytes, const fs::path &scratch)
{
    gzFile f = gzopen(scratch.string().c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
    std::ifstream in(scratch, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

QString requireFashion()
{
    if (!fs::exists(kFashionDir / "train-images-idx3-ubyte.gz"))
        return QStringLiteral("Fashion-MNIST is missing from /usr/share/datasets/fashion-mnist: install "
                              "dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist; the bootstrap "
                              "script installs it).");
    return {};
}

} // namespace

class TestIdxReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void realFashionMnistCounts();
    void realFashionMnistContent();
    void plainAndGzipAgree();
    void broken_data();
    void broken();
    void truncatedGzipStream();
    void missingFile();
    void folderInsteadOfFile();
    void dimsOfBrokenHeader();
};

void TestIdxReader::realFashionMnistCounts()
{
    const QString missing = requireFashion();
    if (!missing.isEmpty())
        QFAIL(qPrintable(missing));
    QCOMPARE(readIdxDims(kFashionDir / "train-images-idx3-ubyte.gz"), (std::vector<int64_t>{60000, 28, 28}));
    QCOMPARE(readIdxDims(kFashionDir / "train-labels-idx1-ubyte.gz"), (std::vector<int64_t>{60000}));
    QCOMPARE(readIdxDims(kFashionDir / "t10k-images-idx3-ubyte.gz"), (std::vector<int64_t>{10000, 28, 28}));
    QCOMPARE(readIdxDims(kFashionDir / "t10k-labels-idx1-ubyte.gz"), (std::vector<int64_t>{10000}));
}

void TestIdxReader::realFashionMnistContent()
{
    const QString missing = requireFashion();
    if (!missing.isEmpty())
        QFAIL(qPrintable(missing));
    const auto images = readIdx(kFashionDir / "train-images-idx3-ubyte.gz");
    const auto labels = readIdx(kFashionDir / "train-labels-idx1-ubyte.gz");
    const auto testLabels = readIdx(kFashionDir / "t10k-labels-idx1-ubyte.gz");
    QCOMPARE(images.dims, (std::vector<int64_t>{60000, 28, 28}));
    QCOMPARE(images.values.size(), size_t(60000) * 28 * 28);
    QCOMPARE(labels.count(), int64_t(60000));
    QCOMPARE(testLabels.count(), int64_t(10000));

    // Checked independently with Python's gzip module on the Debian files:
    // first training labels 9 0 0 3 0 2 7 2 5 5 0 9 (9 = "Ankle boot"), first
    // test labels 9 2 1 1 6 1 4 6, first training image pixel sum 76247,
    // 6000 images per class, mean pixel 0.28604 (the documented 0.2860).
    const std::vector<uint8_t> firstTrain{9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9};
    const std::vector<uint8_t> firstTest{9, 2, 1, 1, 6, 1, 4, 6};
    QCOMPARE(std::vector<uint8_t>(labels.values.begin(), labels.values.begin() + 12), firstTrain);
    QCOMPARE(std::vector<uint8_t>(testLabels.values.begin(), testLabels.values.begin() + 8), firstTest);
    QCOMPARE(std::accumulate(images.values.begin(), images.values.begin() + 784, int64_t(0)), int64_t(76247));

    std::array<int, 10> perClass{};
    for (uint8_t l : labels.values) {
        QVERIFY(l < 10);
        ++perClass[l];
    }
    for (int c : perClass)
        QCOMPARE(c, 6000);

    const auto [lo, hi] = std::minmax_element(images.values.begin(), images.values.end());
    QCOMPARE(int(*lo), 0);
    QCOMPARE(int(*hi), 255);
    const double mean =
        std::accumulate(images.values.begin(), images.values.end(), 0.0) / double(images.values.size()) / 255.0;
    QVERIFY2(std::abs(mean - 0.2860) < 1e-3, qPrintable(QString::number(mean)));
}

void TestIdxReader::plainAndGzipAgree()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path dir = tmp.path().toStdString();
    const auto bytes = idxBytes(0x08, {2, 3, 2}, 12, /*fill=*/250);
    writePlain(dir / "plain-idx3-ubyte", bytes);
    writePlain(dir / "packed-idx3-ubyte.gz", gzipBytes(bytes, dir / "scratch.gz"));

    const auto plain = readIdx(dir / "plain-idx3-ubyte");
    const auto packed = readIdx(dir / "packed-idx3-ubyte.gz");
    QCOMPARE(plain.dims, (std::vector<int64_t>{2, 3, 2}));
    QCOMPARE(plain.values.size(), size_t(12));
    QCOMPARE(int(plain.values[0]), 250);
    QCOMPARE(int(plain.values[5]), 255);
    QCOMPARE(int(plain.values[6]), 0); // uint8 wrap of 256: proves the bytes are read raw
    QCOMPARE(plain.values, packed.values);
    QCOMPARE(packed.dims, plain.dims);
    QCOMPARE(readIdxDims(dir / "plain-idx3-ubyte"), plain.dims);
    QCOMPARE(readIdxDims(dir / "packed-idx3-ubyte.gz"), plain.dims);
}

void TestIdxReader::broken_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("gzip");
    QTest::addColumn<QString>("expected");

    auto qb = [](const std::vector<uint8_t> &v) {
        return QByteArray(reinterpret_cast<const char *>(v.data()), static_cast<qsizetype>(v.size()));
    };
    QTest::newRow("empty") << QByteArray() << false << QStringLiteral("too short");
    QTest::newRow("wrong magic") << qb({1, 2, 8, 1, 0, 0, 0, 1, 5}) << false << QStringLiteral("not an IDX file");
    QTest::newRow("wrong magic gz") << qb({1, 2, 8, 1, 0, 0, 0, 1, 5}) << true << QStringLiteral("not an IDX file");
    QTest::newRow("wrong type float") << qb(idxBytes(0x0D, {2}, 8)) << false << QStringLiteral("element type 0x0d");
    QTest::newRow("wrong type int") << qb(idxBytes(0x0C, {2}, 8)) << false << QStringLiteral("element type 0x0c");
    QTest::newRow("rank zero") << qb({0, 0, 8, 0}) << false << QStringLiteral("0 dimensions");
    QTest::newRow("header cut") << qb({0, 0, 8, 3, 0, 0, 0, 2}) << false
                                << QStringLiteral("truncated inside its header");
    QTest::newRow("zero dimension") << qb(idxBytes(0x08, {0, 4}, 0)) << false << QStringLiteral("empty dimension");
    QTest::newRow("truncated data") << qb(idxBytes(0x08, {10, 2}, 15)) << false << QStringLiteral("is truncated");
    QTest::newRow("truncated data gz") << qb(idxBytes(0x08, {10, 2}, 15)) << true << QStringLiteral("is truncated");
    QTest::newRow("extra bytes") << qb(idxBytes(0x08, {3}, 5)) << false << QStringLiteral("2 bytes after");
    QTest::newRow("corrupt gzip") << qb({0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4})
                                  << false << QStringLiteral("gzip");
}

void TestIdxReader::broken()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, gzip);
    QFETCH(QString, expected);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path dir = tmp.path().toStdString();
    const fs::path file = dir / (gzip ? "broken-idx1-ubyte.gz" : "broken-idx1-ubyte");
    std::vector<uint8_t> raw(bytes.begin(), bytes.end());
    writePlain(file, gzip ? gzipBytes(raw, dir / "scratch.gz") : raw);
    try {
        readIdx(file);
        QFAIL("readIdx accepted a broken file");
    } catch (const ql::core::Error &e) {
        const QString msg = QString::fromStdString(e.what());
        QVERIFY2(msg.contains(QString::fromStdString(file.string())), qPrintable(msg));
        QVERIFY2(msg.contains(expected), qPrintable(msg));
    }
}

void TestIdxReader::truncatedGzipStream()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const fs::path dir = tmp.path().toStdString();
    auto bytes = idxBytes(0x08, {4000}, 4000);
    for (size_t i = 8; i < bytes.size(); ++i)
        bytes[i] = static_cast<uint8_t>((i * 2654435761u) >> 13); // poorly compressible
    auto packed = gzipBytes(bytes, dir / "scratch.gz");
    packed.resize(packed.size() / 2);
    const fs::path file = dir / "cut-idx1-ubyte.gz";
    writePlain(file, packed);
    try {
        readIdx(file);
        QFAIL("a gzip stream cut in half was accepted");
    } catch (const ql::core::Error &e) {
        const QString msg = QString::fromStdString(e.what());
        QVERIFY2(msg.contains(QString::fromStdString(file.string())), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("truncated")) || msg.contains(QStringLiteral("corrupt")), qPrintable(msg));
    }
}

void TestIdxReader::missingFile()
{
    QTemporaryDir tmp;
    const fs::path file = fs::path(tmp.path().toStdString()) / "absent-idx3-ubyte.gz";
    for (int pass = 0; pass < 2; ++pass) {
        try {
            if (pass == 0)
                readIdx(file);
            else
                readIdxDims(file);
            QFAIL("a missing file was accepted");
        } catch (const ql::core::Error &e) {
            const QString msg = QString::fromStdString(e.what());
            QVERIFY2(msg.contains(QString::fromStdString(file.string())), qPrintable(msg));
            QVERIFY2(msg.contains(QStringLiteral("does not exist")), qPrintable(msg));
        }
    }
}

void TestIdxReader::folderInsteadOfFile()
{
    QTemporaryDir tmp;
    const fs::path dir = tmp.path().toStdString();
    try {
        readIdx(dir);
        QFAIL("a folder was accepted");
    } catch (const ql::core::Error &e) {
        QVERIFY2(QString::fromStdString(e.what()).contains(QString::fromStdString(dir.string())), e.what());
    }
}

void TestIdxReader::dimsOfBrokenHeader()
{
    QTemporaryDir tmp;
    const fs::path file = fs::path(tmp.path().toStdString()) / "floats-idx1-ubyte";
    writePlain(file, idxBytes(0x0D, {4}, 16));
    try {
        readIdxDims(file);
        QFAIL("a float IDX header was accepted");
    } catch (const ql::core::Error &e) {
        QVERIFY2(QString::fromStdString(e.what()).contains(QString::fromStdString(file.string())), e.what());
    }
}

QL_TEST(TestIdxReader)
#include "tst_idxreader.moc"
