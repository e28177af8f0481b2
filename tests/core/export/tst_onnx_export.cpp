// ONNX QDQ export of the demo model per method family, each checked in ONNX Runtime (graph
// optimisations off and on) and python3-onnx's checker: per-tensor code agreement, logits,
// top-1 and accuracy against the targets; what the file holds (integer codes, scales with the
// BatchNorm folded, int4 at opset 21, one convolution per multipoint point, the levels sidecar);
// what it refuses before writing.
#include "core/export/plan.h"
#include "core/models/quant_layers.h"
#include "core/onnx/onnx_io.h"
#include "core/quant/lsq.h"
#include "tests/core/export/helpers.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

using namespace ql;
using namespace ql::test::exporting;
using types::Method;

namespace {

std::map<std::string, const ::onnx::TensorProto *> initializers(const ::onnx::ModelProto &m)
{
    std::map<std::string, const ::onnx::TensorProto *> out;
    for (const auto &t : m.graph().initializer())
        out[t.name()] = &t;
    return out;
}

int countNodes(const ::onnx::ModelProto &m, const std::string &type, const std::string &prefix = {})
{
    int n = 0;
    for (const auto &node : m.graph().node())
        n += node.op_type() == type && node.name().rfind(prefix, 0) == 0;
    return n;
}

std::shared_ptr<core::models::QuantLayerImpl> layerOf(core::engine::Workbench &wb, const std::string &name)
{
    for (const auto &l : wb.session().model()->quantLayers())
        if (l->layerName() == name)
            return l;
    return nullptr;
}

} // namespace

class TestOnnxExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lsqPlusW4A4()
    {
        auto wb = quantizedDemo(recipe(Method::LsqPlus, Method::LsqPlus, 4, 4));
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "m.onnx";
        const auto r = wb->exportModel(exportOptions(types::ExportFormat::Onnx, path, true));
        expectTargets(r);
        QVERIFY(onlyFiles(dir.path().toStdString(), r));
        for (const auto &l : r.layers)
            QCOMPARE(l.deployability, types::Deployability::Integer);

        // The weights are QuantLens's integer codes; the scale carries conv2's BatchNorm.
        const auto m = core::onnx::readModel(path);
        const auto init = initializers(m);
        auto conv2 = layerOf(*wb, "conv2");
        const auto codes = core::onnx::toTensor(*init.at("conv2.weight_codes"), "codes");
        QCOMPARE(codes.scalar_type(), torch::kChar);
        QVERIFY(torch::equal(codes.to(torch::kLong), conv2->weightQuantizer()->integerCodes(conv2->weight)));
        const auto plan = core::exporting::makePlan(*wb->session().model());
        const auto &p = plan.layers[1];
        const auto scale = core::onnx::toTensor(*init.at("conv2.weight_scale"), "scale");
        QVERIFY(torch::equal(scale, (p.weight.scale * p.bnScale).to(torch::kFloat)));
        // Activations below 8 bits are QCDQ: Q, Clip to the 4-bit grid, DQ; LSQ+'s offset as Sub/Add.
        QCOMPARE(countNodes(m, "Clip", "conv2/input"), 1);
        QCOMPARE(countNodes(m, "Sub", "conv2/input"), 1);
        QVERIFY(torch::equal(core::onnx::toTensor(*init.at("conv2.input_lo"), "lo"), torch::tensor(int8_t(-8))));

        // The input contract is written beside the model.
        std::ifstream in(path.string() + ".json");
        const auto j = nlohmann::json::parse(in);
        QCOMPARE(j["input"]["shape"][0].get<std::string>(), std::string("batch"));
        QCOMPARE(j["input"]["normalization"]["mean"].size(), size_t(1));
        QCOMPARE(j["layers"].size(), size_t(5));
    }

    void minMaxW8A8()
    {
        auto wb = quantizedDemo(recipe(Method::MinMax, Method::MinMax, 8, 8));
        QTemporaryDir dir;
        const auto r = wb->exportModel(
            exportOptions(types::ExportFormat::Onnx, fs::path(dir.path().toStdString()) / "m.onnx", true));
        expectTargets(r);
        // 8-bit grids need no Clip; the unsigned grids start at the minimum (an offset).
        const auto m = core::onnx::readModel(r.files.front());
        QCOMPARE(countNodes(m, "Clip"), 0);
        QCOMPARE(countNodes(m, "Sub"), 5);
    }

    void lsqAndPact_data()
    {
        QTest::addColumn<int>("act");
        QTest::newRow("LSQ W4A4") << int(Method::Lsq);
        QTest::newRow("PACT W4A4") << int(Method::Pact);
    }

    void lsqAndPact()
    {
        QFETCH(int, act);
        auto wb = quantizedDemo(recipe(Method::Lsq, Method(act), 4, 4, 1));
        QTemporaryDir dir;
        expectTargets(wb->exportModel(
            exportOptions(types::ExportFormat::Onnx, fs::path(dir.path().toStdString()) / "m.onnx", true)));
    }

    void multipointOneConvolutionPerPoint()
    {
        auto wb = quantizedDemo(recipe(Method::Multipoint, Method::MinMax, 4, 8));
        QTemporaryDir dir;
        const auto r = wb->exportModel(
            exportOptions(types::ExportFormat::Onnx, fs::path(dir.path().toStdString()) / "m.onnx", true));
        expectTargets(r);
        const auto m = core::onnx::readModel(r.files.front());
        for (const auto &map : wb->multipointMaps()) {
            const int points = *std::max_element(map.pointsPerChannel.begin(), map.pointsPerChannel.end());
            QCOMPARE(countNodes(m, map.layer == "fc" ? "Gemm" : "Conv", map.layer + "/"), points);
            QCOMPARE(countNodes(m, "DequantizeLinear", map.layer + ".weight.point"), points);
        }
    }

    void asqIsFloatEmulation()
    {
        auto wb = quantizedDemo(recipe(Method::Lsq, Method::Asq, 4, 4));
        QTemporaryDir dir;
        const auto r = wb->exportModel(
            exportOptions(types::ExportFormat::Onnx, fs::path(dir.path().toStdString()) / "m.onnx", true));
        int emulated = 0;
        for (const auto &l : r.layers)
            emulated += l.deployability == types::Deployability::FloatEmulation;
        QCOMPARE(emulated, 5); // every layer's input is ASQ
        const auto *off = check(r, "optimisations off");
        QVERIFY(off && !off->targetsApply);
        // The adapter and the rounding run as float operators and still give QuantLens's codes.
        for (const auto &t : off->tensors)
            QVERIFY2(t.exact >= 0.999 && t.maxDiff <= 1, qPrintable(describe(*off)));
        QVERIFY2(off->top1Agreement >= 0.99, qPrintable(describe(*off)));
        const auto m = core::onnx::readModel(r.files.front());
        QCOMPARE(countNodes(m, "Round"), 5);
        // fc's adapter reads the flattened map's 64 channel means: Reshape, then the pool.
        QCOMPARE(countNodes(m, "Reshape", "fc/adapter/"), 1);
        QCOMPARE(countNodes(m, "GlobalAveragePool", "fc/adapter/"), 1);
    }

    void postWeightsWithSidecar()
    {
        auto wb = quantizedDemo(recipe(Method::Post, Method::Lsq, 4, 4));
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "m.onnx";
        const auto r = wb->exportModel(exportOptions(types::ExportFormat::Onnx, path, true));
        const auto *off = check(r, "optimisations off");
        QVERIFY(off && !off->targetsApply);
        // Float-emulated weights are summed in another order by ONNX Runtime's convolution: a code
        // one LSB away in one layer moves the next layer's input a little more, so past the first
        // layer a rare code may be 2 LSB away (measured: 99.92 % exact, max 2 LSB at fc).
        for (const auto &t : off->tensors)
            QVERIFY2(t.exact >= 0.999 && t.maxDiff <= (t.layer == "conv1" ? 1 : 2), qPrintable(describe(*off)));
        QVERIFY2(off->top1Agreement >= 0.99, qPrintable(describe(*off)));
        // The sidecar holds every weight's code and level set; they give back the weights.
        std::ifstream in(path.string() + ".levels.json");
        const auto j = nlohmann::json::parse(in);
        QCOMPARE(j["layers"].size(), size_t(5));
        const auto &l = j["layers"][1];
        QCOMPARE(l["layer"].get<std::string>(), std::string("conv2"));
        auto conv2 = layerOf(*wb, "conv2");
        const auto codes = torch::tensor(l["codes"].get<std::vector<int64_t>>()).view(conv2->weight.sizes());
        QVERIFY(torch::equal(codes, conv2->weightQuantizer()->integerCodes(conv2->weight)));
        const auto mags = torch::tensor(l["magnitudes"].get<std::vector<double>>(), torch::kDouble);
        const auto alpha = torch::tensor(l["alpha"].get<std::vector<double>>(), torch::kDouble).view({-1, 1, 1, 1});
        const auto w = torch::sign(codes).to(torch::kDouble) * mags.index({codes.abs()}) * alpha;
        QVERIFY(torch::allclose(w.to(torch::kFloat), conv2->effectiveWeight(), 0, 1e-6));
    }

    void zeroPointModeReportsDrift()
    {
        auto wb = quantizedDemo(recipe(Method::LsqPlus, Method::LsqPlus, 4, 4));
        QTemporaryDir dir;
        auto o = exportOptions(types::ExportFormat::Onnx, fs::path(dir.path().toStdString()) / "m.onnx", true);
        o.offset = types::OffsetMode::ZeroPoint;
        const auto r = wb->exportModel(o);
        const auto plan = core::exporting::makePlan(*wb->session().model());
        for (size_t i = 0; i < r.layers.size(); ++i) {
            const auto &a = plan.layers[i].act;
            // |beta - (-zp s)| with zp = round(-beta / s): at most half a step, and what it is by hand.
            const double zp = std::nearbyint(-a.offset / a.scale);
            QCOMPARE(r.layers[i].offsetDrift, std::abs(a.offset + zp * a.scale));
            QVERIFY(r.layers[i].offsetDrift <= a.scale / 2 + 1e-9);
        }
        QCOMPARE(countNodes(core::onnx::readModel(r.files.front()), "Sub"), 0);
        // Rounding moves each grid by up to half a step and the change accumulates through the
        // network: the runtime's figures are reported, not judged against the exact-mode targets.
        const auto *off = check(r, "optimisations off");
        QVERIFY2(off && !off->targetsApply && off->images == 256, off ? qPrintable(describe(*off)) : "no check");
        // With offsets that are whole steps (beta = -zp s) nothing drifts, and ONNX Runtime computes
        // what QuantLens computes: the zero-point path itself is exact.
        for (const auto &l : wb->session().model()->quantLayers()) {
            auto *q = dynamic_cast<core::quant::LsqQuantizerImpl *>(l->inputQuantizer().get());
            QVERIFY(q && q->hasOffset());
            const auto p = q->quantParameters();
            const double s = p.at("step").item<double>();
            q->setParameters(p.at("step"), torch::tensor(-std::nearbyint(-p.at("offset").item<double>() / s) * s));
        }
        const auto whole = wb->exportModel(o);
        for (const auto &l : whole.layers)
            QVERIFY2(l.offsetDrift < 1e-6, l.layer.c_str());
        const auto *exact = check(whole, "optimisations off");
        QVERIFY2(exact && exact->top1Agreement >= 0.999, exact ? qPrintable(describe(*exact)) : "no check");
        for (const auto &t : exact->tensors)
            QVERIFY2(t.exact >= 0.999 && t.maxDiff <= 1, qPrintable(describe(*exact)));
    }

    void opset21NativeInt4()
    {
        auto wb = quantizedDemo(recipe(Method::LsqPlus, Method::LsqPlus, 4, 4));
        QTemporaryDir dir;
        auto o = exportOptions(types::ExportFormat::Onnx, fs::path(dir.path().toStdString()) / "m.onnx", true);
        o.opset = 21;
        const auto r = wb->exportModel(o);
        const auto *off = check(r, "optimisations off");
        QVERIFY2(off && off->passed, off ? qPrintable(describe(*off)) : "no check");
        // python3-onnx's checker stops at opset 17: said, not skipped silently.
        QVERIFY(!check(r, "onnx.checker"));
        bool said = false;
        for (const auto &n : r.notes)
            said = said || n.find("ONNX Runtime only") != std::string::npos;
        QVERIFY(said);
        const auto m = core::onnx::readModel(r.files.front());
        QCOMPARE(core::onnx::opsetVersion(m), int64_t(21));
        const auto init = initializers(m);
        QCOMPARE(init.at("conv2.weight_codes")->data_type(), 22); // INT4, two codes a byte
        QCOMPARE(int64_t(init.at("conv2.weight_codes")->raw_data().size()), (32 * 32 * 9 + 1) / 2);
        QCOMPARE(countNodes(m, "Clip", "conv2/input"), 0); // the 4-bit grid is the type's own
    }

    void refusesBeforeWriting()
    {
        auto r = recipe(Method::Lsq, Method::Lsq, 4, 10);
        auto wb = quantizedDemo(r, 64);
        QTemporaryDir dir;
        const auto o = exportOptions(types::ExportFormat::Onnx, fs::path(dir.path().toStdString()) / "m.onnx", false);
        const QString msg = errorOf([&] { wb->exportModel(o); });
        QVERIFY2(msg.contains(QStringLiteral("conv2")) && msg.contains(QStringLiteral("opset 13")) &&
                     msg.contains(QStringLiteral("Nothing was written")) && msg.contains(QStringLiteral("--opset 21")),
                 qPrintable(msg));
        QVERIFY(emptyFolder(dir.path().toStdString()));
        // The preview the window shows before exporting says the same.
        QVERIFY(errorOf([&] { wb->exportPreview(o); }).contains(QStringLiteral("conv2")));
    }

    void missingConsumersSayWhatToInstall()
    {
        auto wb = quantizedDemo(recipe(Method::MinMax, Method::MinMax, 8, 8), 64);
        QTemporaryDir dir;
        const auto o = exportOptions(types::ExportFormat::Onnx, fs::path(dir.path().toStdString()) / "m.onnx", true);
        ::setenv("QL_PYTHON", "/nonexistent/python3", 1);
        const QString python = errorOf([&] { wb->exportModel(o); });
        ::unsetenv("QL_PYTHON");
        QVERIFY2(python.contains(QStringLiteral("apt-get install python3-onnx")), qPrintable(python));
        ::setenv("QL_ORT_RUNNER", "/nonexistent/run.mjs", 1);
        const QString ort = errorOf([&] { wb->exportModel(o); });
        ::unsetenv("QL_ORT_RUNNER");
        QVERIFY2(ort.contains(QStringLiteral("ONNX Runtime")) && ort.contains(QStringLiteral("QL_ORT_RUNNER")),
                 qPrintable(ort));
    }
};

QL_TEST(TestOnnxExport)
#include "tst_onnx_export.moc"
