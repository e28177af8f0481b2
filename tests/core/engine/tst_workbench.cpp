// The engine façade: the workflows the GUI and the CLI share, the data/model fit check, the
// what-if that rebuilds only what changed, and the level sets the levels view draws.
#include "core/common/error.h"
#include "core/engine/session.h"
#include "core/engine/workbench.h"
#include "core/models/quant_layers.h"
#include "core/models/weights.h"
#include "core/models/zoo.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <filesystem>
#include <set>

using namespace ql;
using Levels = std::vector<double>;

namespace {

QString demoModel() { return QStringLiteral(QL_SOURCE_DIR "/resources/models/fmnist-cnn-swish.pth"); }

void compareLevels(const Levels &got, const Levels &want)
{
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
        if (std::abs(got[i] - want[i]) > 1e-12)
            QFAIL(qPrintable(
                QStringLiteral("level %1: got %2, want %3").arg(i).arg(got[i], 0, 'g', 17).arg(want[i], 0, 'g', 17)));
}

Levels symmetric(const Levels &magnitudes, double scale)
{
    std::set<double> s;
    for (double m : magnitudes) {
        s.insert(m / scale);
        s.insert(-m / scale);
    }
    return {s.begin(), s.end()};
}

using test::hostile::errorOf;

} // namespace

class TestWorkbench : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void levelSetsByHand_data()
    {
        QTest::addColumn<int>("bits");
        QTest::addColumn<int>("variant");
        QTest::addColumn<Levels>("uniform");
        QTest::addColumn<Levels>("pot");
        QTest::addColumn<Levels>("post");
        QTest::addColumn<Levels>("apot");
        const double r = std::sqrt(2.0);
        // Uniform: the 2^b codes the quantizers use, -2^(b-1)..2^(b-1)-1, over 2^(b-1).
        QTest::newRow("3 paper") << 3 << 0 << Levels{-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75}
                                 << Levels{-1, -0.5, -0.25, -0.125, 0, 0.125, 0.25, 0.5, 1}
                                 << symmetric({0, 1, r, 2, 2 * r}, 2 * r) << Levels{-1, -0.5, -0.25, 0, 0.25, 0.5, 1};
        QTest::newRow("3 strict") << 3 << 1 << Levels{-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75}
                                  << Levels{-1, -0.5, -0.25, 0, 0.25, 0.5, 1}
                                  << Levels{-1, -1 / r, -0.5, 0, 0.5, 1 / r, 1}
                                  << Levels{-1, -0.5, -0.25, 0, 0.25, 0.5, 1};
        // APoT at 5 bits: 4 magnitude bits, two additive terms {0, 2^-1, 2^-3, 2^-5} + {0, 2^-2, 2^-4, 2^-6},
        // normalised so that the largest (2^-1 + 2^-2 = 0.75) is 1.
        Levels sums;
        for (double a : {0.0, 0.5, 0.125, 0.03125})
            for (double b : {0.0, 0.25, 0.0625, 0.015625})
                sums.push_back(a + b);
        Levels uniform5;
        for (int i = -16; i <= 15; ++i)
            uniform5.push_back(i / 16.0);
        Levels pot5{0};
        for (int k = 15; k >= 0; --k)
            pot5.push_back(std::ldexp(1.0, -k));
        Levels post5{0};
        for (int k = 15; k >= 0; --k)
            post5.push_back(std::pow(r, -k));
        QTest::newRow("5 paper") << 5 << 0 << uniform5 << symmetric(pot5, 1) << symmetric(post5, 1)
                                 << symmetric(sums, 0.75);
    }
    void levelSetsByHand()
    {
        QFETCH(int, bits);
        QFETCH(int, variant);
        QFETCH(Levels, uniform);
        QFETCH(Levels, pot);
        QFETCH(Levels, post);
        QFETCH(Levels, apot);
        const auto sets =
            core::engine::Workbench::levelSets(bits, variant ? types::PotVariant::Strict : types::PotVariant::Paper);
        compareLevels(sets.uniform, uniform);
        compareLevels(sets.pot, pot);
        compareLevels(sets.post, post);
        compareLevels(sets.apot, apot);
    }

    void levelSetsWhereAMethodDefinesNone()
    {
        const auto two = core::engine::Workbench::levelSets(2, types::PotVariant::Paper);
        QVERIFY(two.apot.empty()); // signed APoT needs at least 3 bits
        QCOMPARE(two.uniform.size(), size_t(4));
        const auto nine = core::engine::Workbench::levelSets(9, types::PotVariant::Paper);
        QVERIFY(nine.pot.empty()); // 2^8 exponents underflow float32
        QVERIFY(nine.post.empty());
        QCOMPARE(nine.uniform.size(), size_t(512));
    }

    void ptqWhatIfAndCalibrationState()
    {
        core::engine::Workbench wb;
        wb.setDevice("cpu");
        types::QuantRecipe r;
        r.weightMethod = r.actMethod = types::Method::MinMax;
        wb.openModel(demoModel().toStdString(), {}, r);
        QVERIFY(wb.hasModel());
        QCOMPARE(wb.summary().arch, std::string("fmnist-cnn"));
        QCOMPARE(wb.dataInfo().classes, int64_t(10));
        QVERIFY(!wb.calibrated()); // nothing built yet
        types::EvalOptions eo;
        eo.maxSamples = 256;
        const auto q = wb.ptq(128, eo);
        QCOMPARE(q.quantized.count, int64_t(256));
        QVERIFY(q.fp32.top1 > 0.8);
        QVERIFY(wb.calibrated());

        // A method change on one layer: only that quantizer is rebuilt, the other is kept.
        auto &session = wb.session();
        const auto layer = session.model()->quantLayers()[1];
        const auto weightBefore = layer->weightQuantizer();
        auto change = wb.layerConfig(layer->layerName());
        change.act = types::withMethod(change.act, types::Method::Pact, types::Role::Activation);
        const auto w = wb.whatIf(change, 128);
        QCOMPARE(w.eval.count, int64_t(128));
        QCOMPARE(layer->weightQuantizer().get(), weightBefore.get());
        QCOMPARE(layer->inputQuantizer()->spec().method, types::Method::Pact);
        QCOMPARE(wb.layerConfig(layer->layerName()).act.method, types::Method::Pact);

        // Per-channel off: the weight quantizer is rebuilt with one step for the whole tensor.
        change = wb.layerConfig(layer->layerName());
        change.weight.perChannel = false;
        wb.whatIf(change, 64);
        QVERIFY(layer->weightQuantizer().get() != weightBefore.get());
        QCOMPARE(layer->weightQuantizer()->quantParameters().at("step").numel(), int64_t(1));

        // On the first layer, a new activation method follows the signed-input rule.
        const auto first = session.model()->quantLayers()[0];
        change = wb.layerConfig(first->layerName());
        change.act = types::withMethod(change.act, types::Method::Pact, types::Role::Activation);
        wb.whatIf(change, 64);
        QCOMPARE(wb.layerConfig(first->layerName()).act.method, types::Method::MinMax);

        // A config edit makes the quantizers stale until the next calibration.
        change = wb.layerConfig(layer->layerName());
        change.weight.bits = 2;
        wb.setLayerConfig(change);
        QVERIFY(!wb.calibrated());
        wb.calibrate(64);
        QVERIFY(wb.calibrated());
        QCOMPARE(wb.configLabel(), std::string("minmax/pact W2A4"));
    }

    void dataThatDoesNotFitIsRefused()
    {
        // An image folder of colour images: the demo model takes one channel.
        QTemporaryDir dir;
        for (const char *cls : {"cat", "dog"}) {
            const auto folder = std::filesystem::path(dir.path().toStdString()) / cls;
            std::filesystem::create_directories(folder);
            for (int i = 0; i < 3; ++i) {
                cv::Mat img(28, 28, CV_8UC3, cv::Scalar(40 * i, 80, 120));
                QVERIFY(cv::imwrite((folder / ("img" + std::to_string(i) + ".png")).string(), img));
            }
        }
        core::engine::Workbench wb;
        wb.setDevice("cpu");
        wb.openModel(demoModel().toStdString());
        const QString msg = errorOf([&] { wb.openData(dir.path().toStdString()); });
        QVERIFY2(msg.contains(QStringLiteral("1-channel")) && msg.contains(QStringLiteral("3-channel")),
                 qPrintable(msg));
        QCOMPARE(wb.dataInfo().name, std::string("fashion-mnist")); // the open data stays
    }

    void aStateDictWithoutDescriptionSaysWhatItIs()
    {
        // A 10-class resnet18 saved as a plain state dict (no .json beside it).
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("r18.pth")).toStdString();
        core::models::ZooOptions zo;
        zo.numClasses = 10;
        core::models::saveWeights(*core::models::createModel("resnet18", zo), path);
        const auto info = core::engine::Workbench::inspectModelFile(path);
        QCOMPARE(info.format, std::string("state dict"));
        QVERIFY(!info.described);
        QCOMPARE(info.suggestedArch, std::string("resnet18"));
        QCOMPARE(info.inChannels, int64_t(3));
        QCOMPARE(info.numClasses, int64_t(10));
        QCOMPARE(info.zoo.size(), core::models::zooNames().size());
        int matching = 0;
        for (const auto &a : info.zoo)
            matching += a.matches;
        QCOMPARE(matching, 1);

        // Opened with --arch: the class count comes from the file (not torchvision's 1000), and
        // Fashion-MNIST's one channel is refused before any job, with both counts named.
        core::engine::Workbench wb;
        wb.setDevice("cpu");
        const QString msg = errorOf([&] { wb.openModel(path, "resnet18"); });
        QVERIFY2(msg.contains(QStringLiteral("3-channel")) && msg.contains(QStringLiteral("1-channel")),
                 qPrintable(msg));
        QVERIFY(!wb.hasModel());
        // Without --arch the error names the flag that gives it.
        const QString noArch = errorOf([&] { wb.openModel(path); });
        QVERIFY2(noArch.contains(QStringLiteral("--arch")) && noArch.contains(QStringLiteral("quantlens-cli info")),
                 qPrintable(noArch));
    }

    void compareNeedsAQuantizedModel()
    {
        core::engine::Workbench wb;
        wb.setDevice("cpu");
        wb.openModel(demoModel().toStdString());
        types::QuantRecipe other;
        other.weightMethod = other.actMethod = types::Method::MinMax;
        const QString msg = errorOf([&] { wb.compare(other, 32, 16); });
        QVERIFY2(msg.contains(QStringLiteral("Run PTQ or QAT first")), qPrintable(msg));
        // Bad recipes are refused before any work, naming the problem.
        types::QuantRecipe bad;
        bad.weightMethod = types::Method::Pact;
        const QString pact = errorOf([&] { wb.applyRecipe(bad); });
        QVERIFY2(pact.contains(QStringLiteral("PACT cannot quantize weights")), qPrintable(pact));
        bad = {};
        bad.firstLastBits = -1;
        QVERIFY(errorOf([&] { wb.applyRecipe(bad); }).contains(QStringLiteral("negative")));
    }
};

QL_TEST(TestWorkbench)
#include "tst_workbench.moc"
