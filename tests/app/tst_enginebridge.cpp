// The engine bridge: jobs run off the GUI thread, errors come back as messages.
#include "app/gui/enginebridge.h"
#include "core/engine/model_io.h"
#include "core/engine/session.h"
#include "tests/support/testmain.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

class TestEngineBridge : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void missingModelFailsWithItsName()
    {
        ql::app::EngineBridge bridge;
        QSignalSpy failed(&bridge, &ql::app::EngineBridge::jobFailed);
        QVERIFY(bridge.openModel(QStringLiteral("/nonexistent/model.pth")));
        QVERIFY(failed.wait(60000));
        QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("/nonexistent/model.pth")),
                 qPrintable(failed.first().at(1).toString()));
        QVERIFY(!bridge.busy());
        QVERIFY(!bridge.hasModel());
    }

    void openAndQuantizeAModel()
    {
        QTemporaryDir dir;
        const QString path = writeRandomModel(dir);

        ql::app::EngineBridge bridge;
        QSignalSpy opened(&bridge, &ql::app::EngineBridge::modelOpened);
        QSignalSpy finished(&bridge, &ql::app::EngineBridge::jobFinished);
        QVERIFY(bridge.openModel(path));
        QVERIFY(bridge.busy());
        QVERIFY(!bridge.runErrors()); // one job at a time
        QVERIFY(finished.wait(120000));
        QCOMPARE(opened.count(), 1);
        QCOMPARE(bridge.layers().size(), size_t(5));
        QCOMPARE(bridge.layerConfigs().front().weight.bits, 8);

        ql::core::engine::QuantRecipe r;
        r.weightMethod = r.actMethod = ql::core::quant::Method::MinMax;
        QVERIFY(bridge.runPtq(r, 128, /*evalSamples=*/256));
        QVERIFY(finished.wait(300000));
        QVERIFY(finished.last().at(1).toString().contains(QStringLiteral("quantized")));
        QCOMPARE(bridge.bus()->latest().size(), size_t(5));

        QSignalSpy errors(&bridge, &ql::app::EngineBridge::errorsReady);
        QVERIFY(bridge.runErrors(32));
        QVERIFY(errors.wait(120000));
        QCOMPARE(bridge.lastErrors()->blockL2.size(), size_t(5));
    }

    void multipointMapAndComparison()
    {
        QTemporaryDir dir;
        const QString path = writeRandomModel(dir);
        ql::app::EngineBridge bridge;
        QSignalSpy finished(&bridge, &ql::app::EngineBridge::jobFinished);
        QSignalSpy failed(&bridge, &ql::app::EngineBridge::jobFailed);
        QVERIFY(bridge.openModel(path));
        QVERIFY(finished.wait(120000));

        // Compare needs a quantized model first: a clear error, not a crash.
        ql::core::engine::QuantRecipe other;
        other.weightMethod = other.actMethod = ql::core::quant::Method::MinMax;
        other.weightBits = other.actBits = 2;
        QVERIFY(bridge.runCompare(other, 16));
        QVERIFY(failed.wait(60000));
        QVERIFY(failed.last().at(1).toString().contains(QStringLiteral("Run PTQ or QAT first")));

        ql::core::engine::QuantRecipe r;
        r.weightMethod = ql::core::quant::Method::Multipoint;
        r.actMethod = ql::core::quant::Method::MinMax;
        r.weightBits = 3;
        r.actBits = 8;
        r.multipointBudget = 1.0;
        QVERIFY(bridge.runPtq(r, 64, /*evalSamples=*/256));
        QVERIFY(finished.wait(300000));
        // conv2 is a 3-bit multipoint layer (first and last stay at 8 bits): one entry per output channel.
        const auto layers = bridge.layers();
        const auto map = bridge.multipointMap(layers[1].name);
        QVERIFY(map);
        QCOMPARE(int64_t(map->pointsPerChannel.size()), layers[1].weightShape.front());
        QVERIFY(map->outputErrorAfter < map->outputErrorBefore);
        QVERIFY(!bridge.multipointMap("no.such.layer"));

        QSignalSpy compared(&bridge, &ql::app::EngineBridge::comparisonReady);
        QVERIFY(bridge.runCompare(other, 16));
        QVERIFY(compared.wait(300000));
        const auto c = bridge.comparison();
        QVERIFY(c);
        QVERIFY2(QString::fromStdString(c->labelA).contains(QStringLiteral("multipoint")), c->labelA.c_str());
        QVERIFY2(QString::fromStdString(c->labelB).contains(QStringLiteral("W2A2")), c->labelB.c_str());
        QCOMPARE(c->errorsA->blockL2.size(), size_t(5));
        QCOMPARE(c->errorsB->blockL2.size(), size_t(5));
        QCOMPARE(c->a.size(), size_t(5));
        QCOMPARE(c->b.size(), size_t(5));
        // The 2-bit copy is further from FP32 at the output than the 3-bit multipoint session.
        QVERIFY(c->errorsB->blockL2.back() > c->errorsA->blockL2.back());
        // The comparison quantized a copy: the session keeps its own quantizers.
        QCOMPARE(bridge.layerConfigs()[1].weight.bits, 3);
        QVERIFY(bridge.multipointMap(layers[1].name));
    }

    void qatAutosavesAndTheSessionReopens()
    {
        QTemporaryDir dir;
        const QString path = writeRandomModel(dir);
        const QString autosave = dir.path() + QStringLiteral("/auto.qls");
        ql::app::EngineBridge bridge;
        bridge.setAutosavePath(autosave);
        QSignalSpy finished(&bridge, &ql::app::EngineBridge::jobFinished);
        QSignalSpy saved(&bridge, &ql::app::EngineBridge::autosaved);
        QVERIFY(bridge.openModel(path));
        QVERIFY(finished.wait(120000));

        ql::core::engine::QuantRecipe r; // LSQ W4A4 by default
        r.weightMethod = r.actMethod = ql::core::quant::Method::Lsq;
        r.weightBits = r.actBits = 3;
        const auto o = shortQat(/*epochs=*/2, /*stepsPerEpoch=*/2);
        QVERIFY(bridge.runQat(r, o));
        QVERIFY(finished.wait(600000));
        QCOMPARE(saved.count(), 2); // after each epoch
        QCOMPARE(saved.first().at(0).toString(), autosave);
        QVERIFY(QFile::exists(autosave));

        ql::app::EngineBridge reopened;
        QSignalSpy opened(&reopened, &ql::app::EngineBridge::modelOpened);
        QSignalSpy done(&reopened, &ql::app::EngineBridge::jobFinished);
        QSignalSpy failed(&reopened, &ql::app::EngineBridge::jobFailed);
        QVERIFY(reopened.openSession(autosave));
        QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty() || !failed.isEmpty(), 120000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.first().at(1).toString()));
        QCOMPARE(opened.count(), 1);
        QCOMPARE(reopened.layerConfigs()[1].weight.bits, 3);
        QCOMPARE(reopened.layerConfigs()[1].weight.method, ql::types::Method::Lsq);
        QCOMPARE(reopened.dataName(), QStringLiteral("fashion-mnist"));
        // A reopened session is evaluated and every view has statistics from its saved quantizers.
        QVERIFY2(done.last().at(1).toString().contains(QStringLiteral("quantized")),
                 qPrintable(done.last().at(1).toString()));
        QCOMPARE(reopened.bus()->latest().size(), size_t(5));
        QVERIFY(reopened.bus()->latest().begin()->second->weight.valid);
    }

    void pauseHoldsTheJobAndStopStillWorks()
    {
        QTemporaryDir dir;
        const QString path = writeRandomModel(dir);
        ql::app::EngineBridge bridge;
        bridge.setAutosavePath(QString());
        QSignalSpy finished(&bridge, &ql::app::EngineBridge::jobFinished);
        QVERIFY(bridge.openModel(path));
        QVERIFY(finished.wait(120000));

        auto o = shortQat(/*epochs=*/1, /*stepsPerEpoch=*/400);
        o.train.pointEvery = 1;
        QSignalSpy paused(&bridge, &ql::app::EngineBridge::pausedChanged);
        QVERIFY(bridge.runQat({}, o));
        QTRY_VERIFY_WITH_TIMEOUT(!bridge.bus()->trainingSeries().empty(), 120000); // training has started
        bridge.setPaused(true);
        QCOMPARE(paused.count(), 1);
        QVERIFY(bridge.paused());
        QTest::qWait(1000); // the step under way finishes
        const size_t held = bridge.bus()->trainingSeries().size();
        QTest::qWait(1500);
        QCOMPARE(bridge.bus()->trainingSeries().size(), held); // no step while paused
        QVERIFY(bridge.busy());
        bridge.setPaused(false);
        QTRY_VERIFY_WITH_TIMEOUT(bridge.bus()->trainingSeries().size() > held, 60000); // goes on

        // Stop while paused: the job ends at once, and the pause is cleared.
        bridge.setPaused(true);
        bridge.stop();
        QVERIFY(finished.wait(120000));
        QVERIFY2(finished.last().at(1).toString().contains(QStringLiteral("stopped")),
                 qPrintable(finished.last().at(1).toString()));
        QTRY_VERIFY(!bridge.paused());
        QVERIFY(!bridge.busy());
    }

    void openDataNamesWhatIsWrong()
    {
        QTemporaryDir dir;
        const QString path = writeRandomModel(dir);
        ql::app::EngineBridge bridge;
        QSignalSpy finished(&bridge, &ql::app::EngineBridge::jobFinished);
        QSignalSpy failed(&bridge, &ql::app::EngineBridge::jobFailed);
        QSignalSpy data(&bridge, &ql::app::EngineBridge::dataOpened);
        QVERIFY(bridge.openModel(path));
        QVERIFY(finished.wait(120000));
        QVERIFY(bridge.openData(dir.path() + QStringLiteral("/no-such-data")));
        QVERIFY(failed.wait(60000));
        QVERIFY2(failed.last().at(1).toString().contains(QStringLiteral("no-such-data")),
                 qPrintable(failed.last().at(1).toString()));
        QCOMPARE(bridge.dataName(), QStringLiteral("fashion-mnist")); // unchanged
        QVERIFY(bridge.openData(QStringLiteral("fashion-mnist")));
        QVERIFY(data.wait(60000));
        QVERIFY(data.first().at(0).toString().contains(QStringLiteral("60000 training")));
    }

private:
    /// QAT small enough for a test: 64 calibration images, batches of 32, no loader threads.
    static ql::types::QatOptions shortQat(int epochs, int64_t stepsPerEpoch)
    {
        ql::types::QatOptions o;
        o.calibrationImages = 64;
        o.train.epochs = epochs;
        o.train.batchSize = 32;
        o.train.maxStepsPerEpoch = stepsPerEpoch;
        o.train.workers = 0;
        o.train.validationSamples = 256;
        return o;
    }

    static QString writeRandomModel(const QTemporaryDir &dir)
    {
        torch::manual_seed(0);
        auto model = ql::core::models::createModel("fmnist-cnn");
        ql::core::engine::ModelMeta meta;
        meta.arch = "fmnist-cnn";
        meta.dataset = "fashion-mnist";
        const QString path = dir.path() + QStringLiteral("/m.pth");
        ql::core::engine::saveModel(path.toStdString(), *model, meta);
        return path;
    }
};

QL_TEST(TestEngineBridge)
#include "tst_enginebridge.moc"
