// Hostile data sets: a gzip IDX that inflates far beyond its header (it used to be inflated
// whole before the header was read), headers that promise more than the file can hold, CIFAR
// batches of the wrong size, unreadable images (listed, never dropped silently), and data-loader
// workers that cannot be started (an error, never std::terminate).
#include "core/data/dataloader.h"
#include "core/data/idx.h"
#include "core/data/loaders.h"
#include "core/engine/workbench.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>
#include <torch/torch.h>
#include <zlib.h>

#include <fstream>

namespace fs = std::filesystem;
namespace hostile = ql::test::hostile;
using namespace ql::core;

namespace hostile_data {

std::string gzip(const std::string &raw)
{
    uLongf size = compressBound(static_cast<uLong>(raw.size())) + 64;
    std::string out(size, '\0');
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(raw.data()));
    z.avail_in = static_cast<uInt>(raw.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string idxHeader(const std::vector<uint32_t> &dims)
{
    std::string h("\0\0\x08", 3);
    h.push_back(static_cast<char>(dims.size()));
    for (uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8)
            h.push_back(static_cast<char>((d >> s) & 0xff));
    return h;
}

void writeFile(const fs::path &p, const std::string &bytes)
{
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

} // namespace hostile_data

class TestHostileData : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path file(const std::string &name) const { return fs::path(m_dir.path().toStdString()) / name; }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void hostileGzipBombIsAnErrorNamingTheFile()
    {
        const auto path = hostile::dataDir() / "gz_bomb" / "t10k-images-idx3-ubyte.gz";
        const auto msg = hostile::errorText([&] { data::readIdx(path); });
        QVERIFY2(hostile::has(msg, path.string()) && !hostile::has(msg, "NOT A"), msg.c_str());
        const auto open = hostile::errorText(
            [&] { data::openDataset((hostile::dataDir() / "gz_bomb").string(), data::Split::Test); });
        QVERIFY2(hostile::has(open, "t10k-images-idx3-ubyte.gz"), open.c_str());
    }

    void inflationStopsWhereTheHeaderEnds()
    {
        // A header that declares 10 images of 2x2 over a stream of 64 MiB: reading stops after
        // the declared 40 bytes and one more, and says that more follows.
        const std::string raw = hostile_data::idxHeader({10, 2, 2}) + std::string(size_t(64) << 20, '\0');
        const std::string gz = hostile_data::gzip(raw);
        QVERIFY(gz.size() < 200000);
        const auto msg = hostile::errorText([&] { data::parseIdx(gz, "bomb.gz"); });
        QVERIFY2(hostile::has(msg, "bomb.gz") && hostile::has(msg, "more data after the 40 bytes"), msg.c_str());
    }

    void headersPromisingMoreThanTheFileCanHoldAreErrors()
    {
        // 2^31 bytes declared in a gzip stream of a few dozen bytes: deflate cannot expand that
        // far, so nothing is allocated or inflated.
        const std::string gz = hostile_data::gzip(hostile_data::idxHeader({32768, 256, 256}) + "abc");
        const auto msg = hostile::errorText([&] { data::parseIdx(gz, "promise.gz"); });
        QVERIFY2(hostile::has(msg, "promise.gz") && hostile::has(msg, "can hold"), msg.c_str());
        // Plain files: the header is checked against the file's size before anything is copied.
        const auto plain = hostile::errorText([&] {
            data::parseIdx(hostile_data::idxHeader({100000, 28, 28}) + "x", "p");
        });
        QVERIFY2(hostile::has(plain, "more than the file holds"), plain.c_str());
        // Two 32-bit dimensions whose product overflows 64 bits: refused before multiplying (a
        // fuzzing finding; the product used to wrap around).
        const auto huge = hostile::errorText([&] {
            data::parseIdx(hostile_data::idxHeader({4294967043u, 4294836478u}) + "x", "huge");
        });
        QVERIFY2(hostile::has(huge, "huge") && hostile::has(huge, "2^32 elements"), huge.c_str());
        // Still valid: an exact file, gzip or plain.
        const std::string exact = hostile_data::idxHeader({2, 2, 2}) + std::string(8, '\x05');
        QCOMPARE(data::parseIdx(exact, "e").values.size(), size_t(8));
        QCOMPARE(data::parseIdx(hostile_data::gzip(exact), "e.gz").values.size(), size_t(8));
        QVERIFY(
            hostile::has(hostile::errorText([&] { data::parseIdx(hostile_data::gzip(exact).substr(0, 20), "cut.gz"); }),
                         "truncated"));
    }

    void cifarSizeIsCheckedBeforeReading()
    {
        // A sparse 3 GiB "batch": refused by its size, without reading (or allocating) 3 GiB.
        const fs::path dir = file("cifar");
        fs::create_directories(dir);
        {
            std::ofstream(dir / "test_batch.bin").put('x');
        }
        fs::resize_file(dir / "test_batch.bin", uintmax_t(3) << 30);
        const auto msg = hostile::errorText([&] { data::loadCifar(dir, data::Split::Test); });
        QVERIFY2(hostile::has(msg, "test_batch.bin") && hostile::has(msg, "records"), msg.c_str());
        // A record cut short, and labels out of range, are errors too.
        fs::resize_file(dir / "test_batch.bin", 3073 + 100);
        QVERIFY(hostile::has(hostile::errorText([&] { data::loadCifar(dir, data::Split::Test); }), "test_batch.bin"));
        std::string record(3073, '\0');
        record[0] = 42; // class 42 of 10
        hostile_data::writeFile(dir / "test_batch.bin", record);
        QVERIFY(hostile::has(hostile::errorText([&] { data::loadCifar(dir, data::Split::Test); }), "cifar"));
    }

    void undecodableImagesAreListed()
    {
        // The hostile image folder: a truncated PNG among good ones. It is skipped, and listed
        // (path and reason) where the user sees it.
        engine::Workbench wb;
        const auto info = wb.openData((hostile::dataDir() / "img_silent_skip").string());
        QCOMPARE(info.skipped.size(), size_t(1));
        QVERIFY2(hostile::has(info.skipped.front(), "bad.png"), info.skipped.front().c_str());
        QCOMPARE(info.testCount, int64_t(10));
    }

    void workerThreadsThatCannotStartAreAnError()
    {
        // The third worker's thread cannot be created (as under ulimit -v with many workers): the
        // two already running are stopped and joined, and the loader throws; a joinable
        // std::thread destroyed while unwinding would have ended the process.
        const auto ds = data::openDataset("fashion-mnist", data::Split::Test).subset(torch::arange(64, torch::kLong));
        data::DataLoaderOptions o;
        o.workers = 4;
        data::testing::failWorkerStartAt(2);
        const auto msg = hostile::errorText([&] { data::DataLoader loader(ds, o); });
        data::testing::failWorkerStartAt(-1);
        QVERIFY2(hostile::has(msg, "worker 3 of 4") && hostile::has(msg, "--workers"), msg.c_str());
        // And afterwards loaders work as before.
        data::DataLoader ok(ds, o);
        ok.startEpoch(0);
        QVERIFY(ok.next().has_value());
    }

    void workerCountIsBounded()
    {
        const auto ds = data::openDataset("fashion-mnist", data::Split::Test).subset(torch::arange(8, torch::kLong));
        data::DataLoaderOptions o;
        o.workers = data::kMaxWorkers + 1;
        QVERIFY(hostile::has(hostile::errorText([&] { data::DataLoader loader(ds, o); }), "0..64"));
    }
};

QL_TEST(TestHostileData)
#include "tst_hostile_data.moc"
