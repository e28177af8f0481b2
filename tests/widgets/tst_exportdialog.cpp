// The export dialog: the options it hands over, every layer's deployability before exporting,
// Export only with a preview that allows it and a file, and the agreement table worst layer first.
#include "tests/support/testmain.h"
#include "widgets/exportdialog.h"

#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

using ql::ui::ExportDialog;
namespace types = ql::types;

namespace {

types::LayerDeployment deployment(const char *layer, types::Deployability d)
{
    types::LayerDeployment l;
    l.layer = layer;
    l.deployability = d;
    l.weight = "int8 per-channel DQ";
    l.activation = "uint8 QCDQ (clip 0..15)";
    return l;
}

types::TensorAgreement agreement(const char *layer, double exact, int64_t maxDiff)
{
    types::TensorAgreement t;
    t.layer = layer;
    t.tensor = std::string(layer) + "/input_codes";
    t.bits = 4;
    t.count = 1000;
    t.exact = exact;
    t.offByOne = 1 - exact;
    t.maxDiff = maxDiff;
    return t;
}

} // namespace

class TestExportDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void optionsFollowTheControls()
    {
        ExportDialog d;
        QSignalSpy changed(&d, &ExportDialog::optionsChanged);
        d.setFormat(types::ExportFormat::Encodings);
        QCOMPARE(changed.count(), 1);
        d.setPath(QStringLiteral("/tmp/m.encodings"));
        d.setVerify(true);
        const auto o = d.options();
        QCOMPARE(o.format, types::ExportFormat::Encodings);
        QCOMPARE(o.path, std::string("/tmp/m.encodings"));
        QVERIFY(o.verify);
        QCOMPARE(o.opset, 13);
        QCOMPARE(o.offset, types::OffsetMode::Exact);
        QCOMPARE(o.images, int64_t(1000));
    }

    void previewBeforeExport()
    {
        ExportDialog d;
        QSignalSpy requested(&d, &ExportDialog::exportRequested);
        d.setPath(QStringLiteral("/tmp/m.onnx"));
        QVERIFY(!d.exportButton()->isEnabled()); // no preview yet
        d.setPreview({deployment("conv1", types::Deployability::Integer),
                      deployment("conv2", types::Deployability::FloatEmulation),
                      deployment("fc", types::Deployability::Fp32)});
        QCOMPARE(d.previewTable()->rowCount(), 3);
        QCOMPARE(d.previewTable()->item(1, 0)->text(), QStringLiteral("conv2"));
        QCOMPARE(d.previewTable()->item(0, 1)->text(), QStringLiteral("integer-deployable"));
        QCOMPARE(d.previewTable()->item(1, 1)->text(), QStringLiteral("float emulation"));
        QVERIFY(d.statusText().contains(QStringLiteral("1 layer(s) integer-deployable, 1 float emulation, 1 FP32")));
        QVERIFY(d.exportButton()->isEnabled());
        QTest::mouseClick(d.exportButton(), Qt::LeftButton);
        QCOMPARE(requested.count(), 1);

        // A format that cannot express a layer: the engine's message, and no Export.
        d.setPreviewError(QStringLiteral("The AIMET encodings format cannot express layer 'conv2'"));
        QCOMPARE(d.previewTable()->rowCount(), 0);
        QVERIFY(!d.exportButton()->isEnabled());
        QVERIFY(d.statusText().contains(QStringLiteral("'conv2'")));
        QTest::mouseClick(d.exportButton(), Qt::LeftButton);
        QCOMPARE(requested.count(), 1);
    }

    void agreementWorstLayerFirst()
    {
        ExportDialog d;
        types::ExportResult r;
        r.summary = "wrote m.onnx";
        types::RuntimeCheck off;
        off.runtime = "ONNX Runtime, optimisations off";
        off.verdict = "meets the targets";
        off.tensors = {agreement("conv1", 1.0, 0), agreement("conv3", 0.9991, 1), agreement("conv2", 0.98, 2)};
        r.checks = {off};
        d.setResult(r);
        auto *t = d.agreementTable();
        QVERIFY(!t->isHidden());
        QCOMPARE(t->rowCount(), 3);
        QCOMPARE(t->item(0, 1)->text(), QStringLiteral("conv2"));
        QCOMPARE(t->item(1, 1)->text(), QStringLiteral("conv3"));
        QCOMPARE(t->item(2, 1)->text(), QStringLiteral("conv1"));
        QCOMPARE(t->item(0, 3)->text(), QStringLiteral("98.000"));
        QCOMPARE(t->item(0, 6)->text(), QStringLiteral("2"));
        QVERIFY(d.statusText().contains(QStringLiteral("meets the targets")));
    }
};

QL_TEST(TestExportDialog)
#include "tst_exportdialog.moc"
