// File > Export quantized model... in the window: every layer's deployment shown before
// exporting, then a verified ONNX export whose agreement table comes back worst layer first.
#include "app/gui/enginebridge.h"
#include "app/gui/mainwindow.h"
#include "tests/support/testmain.h"
#include "widgets/exportdialog.h"

#include <QAction>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

class TestExportAction : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void exportFromTheWindow()
    {
        const QString demo =
            qEnvironmentVariable("QL_SOURCE_DIR") + QStringLiteral("/resources/models/fmnist-cnn-swish.pth");
        ql::app::MainWindow w;
        auto *engine = w.engine();
        QSignalSpy finished(engine, &ql::app::EngineBridge::jobFinished);
        w.setPtqOnOpen(true);
        w.openModelFile(demo);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 2 && !engine->busy(), 240000); // open, then PTQ

        auto *action = w.findChild<QAction *>(QStringLiteral("action.exportModel"));
        QVERIFY(action && action->isEnabled());
        action->trigger();
        auto *dialog = w.exportDialog();
        QVERIFY(dialog && dialog->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(dialog->previewTable()->rowCount(), 5, 60000);
        QCOMPARE(dialog->previewTable()->item(0, 0)->text(), QStringLiteral("conv1"));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("m.onnx"));
        dialog->setPath(path);
        dialog->setVerify(true);
        dialog->setImages(128);
        QTRY_VERIFY_WITH_TIMEOUT(!engine->busy(), 60000);
        QVERIFY(dialog->exportButton()->isEnabled());
        QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->agreementTable()->rowCount() > 0, 240000);
        QVERIFY(QFile::exists(path));
        // Two runs (optimisations off and on) of five quantized inputs, worst first.
        QCOMPARE(dialog->agreementTable()->rowCount(), 10);
        const auto exact = [&](int row) { return dialog->agreementTable()->item(row, 3)->text().toDouble(); };
        for (int r = 1; r < 10; ++r)
            QVERIFY(exact(r - 1) <= exact(r));
        QVERIFY2(dialog->statusText().contains(QStringLiteral("meets the targets")), qPrintable(dialog->statusText()));
    }
};

QL_TEST(TestExportAction)
#include "tst_exportaction.moc"
