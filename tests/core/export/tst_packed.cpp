// Packed integer weights: codes bit-packed at their bit-width (checked byte by byte), read back
// by the reader as exactly the weights QuantLens computes, a payload equal to the layer table's
// model size, POST's look-up table, and damaged files that name themselves.
#include "core/export/packed.h"
#include "core/models/quant_layers.h"
#include "core/quant/pot.h"
#include "tests/core/export/helpers.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>

#include <fstream>

using namespace ql;
using namespace ql::test::exporting;
using types::Method;

namespace {

std::string fileBytes(const fs::path &p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int64_t tableBytes(core::engine::Workbench &wb)
{
    const auto layers = wb.layers();
    int64_t total = 0;
    for (size_t i = 0; i < layers.size(); ++i)
        total += types::layerStorageBytes(layers[i], wb.config()[i]);
    return total;
}

} // namespace

class TestPackedExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void codesPackedByHand()
    {
        auto wb = quantizedDemo(recipe(Method::Lsq, Method::Lsq, 4, 4), 64);
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "m.qlpack";
        wb->exportModel(exportOptions(types::ExportFormat::Packed, path, false));
        const auto m = core::exporting::readPacked(path);
        const std::string bytes = fileBytes(path);
        // conv1 (8 bits, 32x1x3x3 codes, no bias) comes first; conv2's 4-bit codes follow it.
        const auto conv2 = wb->session().model()->quantLayers()[1];
        const auto codes = conv2->weightQuantizer()->integerCodes(conv2->weight).flatten();
        const size_t at = size_t(m.headerBytes) + 32 * 9;
        for (int64_t i = 0; i < 8; i += 2) {
            // Two 4-bit codes a byte, the first in the low nibble, each as code - (-8).
            const int lo = int(codes[i].item<int64_t>() + 8), hi = int(codes[i + 1].item<int64_t>() + 8);
            QCOMPARE(int(static_cast<unsigned char>(bytes[at + size_t(i / 2)])), lo | (hi << 4));
        }
        QCOMPARE(m.layers[1].codeBits, 4);
        QVERIFY(torch::equal(m.layers[1].codes.flatten(), codes));
    }

    void readBackAsQuantLensComputes_data()
    {
        QTest::addColumn<int>("weight");
        QTest::addColumn<int>("act");
        QTest::addColumn<int>("wbits");
        QTest::addColumn<int>("abits");
        QTest::newRow("LSQ+ W4A4") << int(Method::LsqPlus) << int(Method::LsqPlus) << 4 << 4;
        QTest::newRow("min-max W8A8") << int(Method::MinMax) << int(Method::MinMax) << 8 << 8;
        QTest::newRow("multipoint W3") << int(Method::Multipoint) << int(Method::MinMax) << 3 << 8;
        QTest::newRow("POST W3 (paper: 4-bit storage)") << int(Method::Post) << int(Method::Lsq) << 3 << 4;
        QTest::newRow("ASQ A4") << int(Method::Lsq) << int(Method::Asq) << 4 << 4;
    }

    void readBackAsQuantLensComputes()
    {
        QFETCH(int, weight);
        QFETCH(int, act);
        QFETCH(int, wbits);
        QFETCH(int, abits);
        auto wb = quantizedDemo(recipe(Method(weight), Method(act), wbits, abits), 128);
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "m.qlpack";
        const auto r = wb->exportModel(exportOptions(types::ExportFormat::Packed, path, true));
        const auto *c = check(r, "packed");
        QVERIFY2(c && c->passed, c ? c->verdict.c_str() : "no check");
        const auto m = core::exporting::readPacked(path);
        const auto layers = wb->session().model()->quantLayers();
        QCOMPARE(m.layers.size(), layers.size());
        for (size_t i = 0; i < layers.size(); ++i) {
            torch::NoGradGuard noGrad;
            QVERIFY2(torch::equal(m.layers[i].weight(), layers[i]->effectiveWeight()), m.layers[i].name.c_str());
        }
        // The file is the header plus exactly the model size the layer table shows.
        QCOMPARE(int64_t(fs::file_size(path)), int64_t(m.headerBytes) + tableBytes(*wb));
        QCOMPARE(int64_t(m.payloadBytes), tableBytes(*wb));
    }

    void postLookUpTable()
    {
        auto wb = quantizedDemo(recipe(Method::Post, Method::Lsq, 3, 4, 1), 64);
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "m.qlpack";
        wb->exportModel(exportOptions(types::ExportFormat::Packed, path, false));
        const auto m = core::exporting::readPacked(path);
        // conv1's input is the signed image: no table; conv2's is unsigned 4-bit LSQ.
        QVERIFY(m.layers[0].postLut.empty());
        const core::quant::PostLut lut(3, 4);
        QCOMPARE(m.layers[1].postLut.size(), lut.lut().size());
        for (size_t i = 0; i < lut.lut().size(); ++i)
            QCOMPARE(int64_t(m.layers[1].postLut[i]), lut.lut()[i]);
        QCOMPARE(m.layers[1].postFracBits, 8);
    }

    void damagedFilesNameThemselves()
    {
        auto wb = quantizedDemo(recipe(Method::Lsq, Method::Lsq, 4, 4), 64);
        QTemporaryDir dir;
        const fs::path folder = dir.path().toStdString();
        wb->exportModel(exportOptions(types::ExportFormat::Packed, folder / "good.qlpack", false));
        const std::string good = fileBytes(folder / "good.qlpack");
        auto write = [&](const std::string &name, const std::string &bytes) {
            std::ofstream(folder / name, std::ios::binary) << bytes;
            return errorOf([&] { core::exporting::readPacked(folder / name); });
        };
        QVERIFY(write("cut.qlpack", good.substr(0, good.size() / 2)).contains(QStringLiteral("cut.qlpack")));
        QVERIFY(write("magic.qlpack", "NOTPACK" + good.substr(7)).contains(QStringLiteral("wrong magic")));
        std::string newer = good;
        newer[8] = 9;
        QVERIFY(write("newer.qlpack", newer).contains(QStringLiteral("version 9")));
    }
};

QL_TEST(TestPackedExport)
#include "tst_packed.moc"
