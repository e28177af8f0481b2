// TorchScript export of the demo model per method family, loaded by torch.jit.load in Debian's
// python3-torch (no QuantLens code there): logits within 1e-5 relative, accuracy identical.
#include "core/export/plan.h"
#include "core/export/torchscript.h"
#include "tests/core/export/helpers.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>

#include <torch/script.h>

using namespace ql;
using namespace ql::test::exporting;
using types::Method;

class TestTorchScriptExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void familiesInPyTorch_data()
    {
        QTest::addColumn<int>("weight");
        QTest::addColumn<int>("act");
        QTest::addColumn<int>("wbits");
        QTest::addColumn<int>("abits");
        QTest::newRow("LSQ+ c4 W4A4") << int(Method::LsqPlus) << int(Method::LsqPlus) << 4 << 4;
        QTest::newRow("LSQ W4A4") << int(Method::Lsq) << int(Method::Lsq) << 4 << 4;
        QTest::newRow("PACT A4") << int(Method::Lsq) << int(Method::Pact) << 4 << 4;
        QTest::newRow("min-max W8A8") << int(Method::MinMax) << int(Method::MinMax) << 8 << 8;
        QTest::newRow("multipoint W3") << int(Method::Multipoint) << int(Method::MinMax) << 3 << 8;
        QTest::newRow("ASQ A4") << int(Method::Lsq) << int(Method::Asq) << 4 << 4;
        QTest::newRow("POST W4") << int(Method::Post) << int(Method::Lsq) << 4 << 4;
    }

    void familiesInPyTorch()
    {
        QFETCH(int, weight);
        QFETCH(int, act);
        QFETCH(int, wbits);
        QFETCH(int, abits);
        auto wb = quantizedDemo(recipe(Method(weight), Method(act), wbits, abits));
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "m.pt";
        const auto r = wb->exportModel(exportOptions(types::ExportFormat::TorchScript, path, true));
        QVERIFY(onlyFiles(dir.path().toStdString(), r));
        const auto *c = check(r, "torch.jit.load");
        QVERIFY(c);
        QCOMPARE(c->images, int64_t(256));
        QVERIFY2(c->passed && c->logitsMaxRel <= 1e-5 && c->accuracyRuntime == c->accuracyQuantLens,
                 qPrintable(describe(*c)));
    }

    void standardOperatorsOnly()
    {
        auto wb = quantizedDemo(recipe(Method::LsqPlus, Method::Asq, 4, 4), 64);
        const auto src = core::exporting::torchScriptSource(core::exporting::makePlan(*wb->session().model()));
        // Only torch's own operators: nothing that needs QuantLens's library to load.
        QVERIFY(src.code.find("torch.ops.") == std::string::npos);
        // The weights are stored as integer codes with their step sizes.
        bool codes = false;
        for (const auto &[name, t] : src.buffers)
            codes = codes || (name == "q_conv2_weight_codes" && t.scalar_type() == torch::kChar);
        QVERIFY(codes);
    }
};

QL_TEST(TestTorchScriptExport)
#include "tst_torchscript.moc"
