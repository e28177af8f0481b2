// The engine bridge: jobs run off the GUI thread, errors come back as messages.
#include "app/gui/enginebridge.h"
#include "core/engine/model_io.h"

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
        torch::manual_seed(0);
        auto model = ql::core::models::createModel("fmnist-cnn");
        ql::core::engine::ModelMeta meta;
        meta.arch = "fmnist-cnn";
        meta.dataset = "fashion-mnist";
        const QString path = dir.path() + QStringLiteral("/m.pth");
        ql::core::engine::saveModel(path.toStdString(), *model, meta);

        ql::app::EngineBridge bridge;
        QSignalSpy opened(&bridge, &ql::app::EngineBridge::modelOpened);
        QSignalSpy finished(&bridge, &ql::app::EngineBridge::jobFinished);
        QVERIFY(bridge.openModel(path));
        QVERIFY(bridge.busy());
        QVERIFY(!bridge.runErrors()); // one job at a time
        QVERIFY(finished.wait(120000));
        QCOMPARE(opened.count(), 1);
        QCOMPARE(bridge.layers().size(), size_t(5));
        QCOMPARE(bridge.layerConfigs().front().weightBits, 8);

        ql::core::engine::QuantRecipe r;
        r.weightMethod = r.actMethod = ql::core::quant::Method::MinMax;
        QVERIFY(bridge.runPtq(r, 128));
        QVERIFY(finished.wait(300000));
        QVERIFY(finished.last().at(1).toString().contains(QStringLiteral("quantized")));
        QCOMPARE(bridge.bus()->latest().size(), size_t(5));

        QSignalSpy errors(&bridge, &ql::app::EngineBridge::errorsReady);
        QVERIFY(bridge.runErrors(32));
        QVERIFY(errors.wait(120000));
        QCOMPARE(bridge.lastErrors()->blockL2.size(), size_t(5));
    }
};

QTEST_GUILESS_MAIN(TestEngineBridge)
#include "tst_enginebridge.moc"
