// An imported ONNX model through the engine façade, as the GUI and the CLI use it: the demo model
// exported by PyTorch gives the zoo demo model's FP32 and PTQ accuracy and QAT results within seed
// noise; PTQ, error accumulation, sensitivity, what-if, compare and sessions work on it; a model
// without class outputs is judged by agreement with its own FP32 output; data that does not fit
// is refused naming the input.
#include "core/engine/session.h"
#include "core/engine/workbench.h"
#include "core/onnx/onnx_model.h"
#include "tests/core/export/helpers.h"
#include "tests/core/onnx/onnx_support.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace ql::test::onnx;
namespace qonnx = ql::core::onnx;
namespace engine = ql::core::engine;
namespace types = ql::types;

namespace {

const std::string kDemo = QL_SOURCE_DIR "/resources/models/fmnist-cnn-swish.pth";

types::QuantRecipe minmax(int bits)
{
    types::QuantRecipe r;
    r.weightMethod = r.actMethod = types::Method::MinMax;
    r.weightBits = r.actBits = bits;
    return r;
}

/// conv(1->6, 3x3) -> Relu -> conv(6->4, 1x1): per-pixel scores [N, 4, 28, 28], no classes.
void writeSegmenter(const fs::path &file)
{
    torch::manual_seed(11);
    GraphBuilder g(13);
    g.input("image", {-1, 1, 28, 28});
    g.initializer("w1", torch::randn({6, 1, 3, 3}) * 0.5);
    g.initializer("b1", torch::randn({6}) * 0.1);
    g.initializer("w2", torch::randn({4, 6, 1, 1}) * 0.5);
    attr(g.node("Conv", {"image", "w1", "b1"}, {"c1"}, "encoder"), "pads", std::vector<int64_t>{1, 1, 1, 1});
    g.node("Relu", {"c1"}, {"r1"}, "relu");
    g.node("Conv", {"r1", "w2"}, {"scores"}, "classifier");
    g.output("scores");
    g.save(file);
}

/// Every kind of layer the importer wraps, in opset-10 forms, on Fashion-MNIST's [N, 1, 28, 28]:
/// a 3x5 convolution with uneven pads, Clip with attribute bounds, a strided transposed
/// convolution, a depthwise convolution, a 1-D convolution, a MatMul on 3-D tokens, ReduceMean,
/// a Gemm with an untransposed weight and alpha, and an opset-10 Softmax. 10 classes.
void writeEveryLayerKind(const fs::path &file)
{
    torch::manual_seed(5);
    GraphBuilder g(10, 5);
    g.input("image", {-1, 1, 28, 28});
    g.initializer("stem.w", torch::randn({4, 1, 3, 5}) * 0.4);
    g.initializer("stem.b", torch::randn({4}) * 0.1);
    g.initializer("up.w", torch::randn({4, 4, 2, 2}) * 0.3); // ConvTranspose: [in, out, kH, kW]
    g.initializer("dw.w", torch::randn({4, 1, 3, 3}) * 0.4);
    g.initializer("tokens_shape", torch::tensor({int64_t{0}, int64_t{4}, int64_t{-1}}));
    g.initializer("c1d.w", torch::randn({4, 4, 3}) * 0.3);
    g.initializer("proj.w", torch::randn({4, 6}) * 0.5);
    g.initializer("head.w", torch::randn({6, 10}) * 0.5);
    g.initializer("head.b", torch::randn({10}) * 0.1);
    auto &stem = g.node("Conv", {"image", "stem.w", "stem.b"}, {"s"}, "stem");
    attr(stem, "kernel_shape", std::vector<int64_t>{3, 5});
    attr(stem, "pads", std::vector<int64_t>{1, 2, 1, 2});
    auto &clip = g.node("Clip", {"s"}, {"s6"}, "relu6");
    attr(clip, "min", 0.0);
    attr(clip, "max", 6.0);
    auto &up = g.node("ConvTranspose", {"s6", "up.w"}, {"u"}, "up");
    attr(up, "kernel_shape", std::vector<int64_t>{2, 2});
    attr(up, "strides", std::vector<int64_t>{2, 2});
    auto &pool = g.node("MaxPool", {"u"}, {"p"}, "pool");
    attr(pool, "kernel_shape", std::vector<int64_t>{2, 2});
    attr(pool, "strides", std::vector<int64_t>{2, 2});
    auto &dw = g.node("Conv", {"p", "dw.w"}, {"d"}, "dw");
    attr(dw, "group", int64_t{4});
    attr(dw, "pads", std::vector<int64_t>{1, 1, 1, 1});
    g.node("Relu", {"d"}, {"dr"}, "relu");
    g.node("Reshape", {"dr", "tokens_shape"}, {"seq"}, "to_sequence"); // [N, 4, 784]
    auto &c1d = g.node("Conv", {"seq", "c1d.w"}, {"c"}, "conv1d");
    attr(c1d, "pads", std::vector<int64_t>{1, 1});
    auto &tr = g.node("Transpose", {"c"}, {"t"}, "to_tokens"); // [N, 784, 4]
    attr(tr, "perm", std::vector<int64_t>{0, 2, 1});
    g.node("MatMul", {"t", "proj.w"}, {"m"}, "proj"); // [N, 784, 6]
    auto &mean = g.node("ReduceMean", {"m"}, {"r"}, "pool_tokens");
    attr(mean, "axes", std::vector<int64_t>{1});
    attr(mean, "keepdims", int64_t{0});
    auto &head = g.node("Gemm", {"r", "head.w", "head.b"}, {"logits"}, "head");
    attr(head, "alpha", 0.5);
    g.node("Softmax", {"logits"}, {"probs"}, "softmax");
    g.output("probs");
    g.save(file);
}

} // namespace

class TestOnnxWorkbench : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    fs::path m_demo; ///< the demo model exported to ONNX by PyTorch (BatchNorms folded by the exporter)
    fs::path m_demoBn; ///< the same with its BatchNormalization nodes kept
    fs::path dir() const { return fs::path(m_dir.path().toStdString()); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_demo = dir() / "fmnist-cnn-swish.onnx";
        m_demoBn = dir() / "fmnist-cnn-swish-bn.onnx";
        for (const auto &[file, keep] : {std::pair{m_demo, false}, std::pair{m_demoBn, true}}) {
            QStringList args{QStringLiteral("fmnist-cnn"), QString::fromStdString(kDemo),
                             QString::fromStdString(file.string()), QStringLiteral("silu"), QStringLiteral("13")};
            if (keep)
                args << QStringLiteral("keep-bn");
            QString output;
            QVERIFY2(runPython(args, output), qPrintable(output));
        }
    }

    void demoModelGivesTheZoosAccuracy()
    {
        engine::Workbench zoo, imported;
        zoo.setDevice("cpu");
        imported.setDevice("cpu");
        zoo.openModel(kDemo, {}, minmax(4));
        imported.openModel(m_demo.string(), {}, minmax(4));
        QCOMPARE(imported.summary().arch, std::string("onnx"));
        QVERIFY(!imported.summary().agreement);
        QCOMPARE(imported.layers().size(), zoo.layers().size());
        QCOMPARE(imported.layers().front().type, std::string("conv2d"));
        QCOMPARE(imported.layers().back().type, std::string("linear"));
        QCOMPARE(imported.layers().back().macs, zoo.layers().back().macs);
        // fc reads the flattened 64 x 7 x 7 map in both (ASQ's adapter pools it per channel).
        QCOMPARE(imported.session().model()->quantLayers().back()->featureChannels(), int64_t(64));
        QCOMPARE(zoo.session().model()->quantLayers().back()->featureChannels(), int64_t(64));

        types::EvalOptions eo;
        eo.maxSamples = 2000;
        const auto fpZoo = zoo.evaluate(engine::DataSplit::Test, eo);
        const auto fpOnnx = imported.evaluate(engine::DataSplit::Test, eo);
        QVERIFY(fpZoo.top1 > 0.85);
        QCOMPARE(fpOnnx.count, fpZoo.count);
        QVERIFY2(std::abs(fpOnnx.top1 - fpZoo.top1) <= 0.5 / 2000,
                 qPrintable(QStringLiteral("FP32 top-1 %1 vs zoo %2").arg(fpOnnx.top1).arg(fpZoo.top1)));
        QVERIFY(std::abs(fpOnnx.loss - fpZoo.loss) < 1e-4);

        // PTQ with the same calibration images: per-channel weights make the BatchNorm folding
        // the exporter did invisible to the quantizer, so the quantized models agree too.
        const auto qZoo = zoo.ptq(256, eo);
        const auto qOnnx = imported.ptq(256, eo);
        QVERIFY2(qZoo.quantized.top1 > 0.5,
                 qPrintable(QString::number(qZoo.quantized.top1))); // 4-bit min-max: well above chance
        QVERIFY2(
            std::abs(qOnnx.quantized.top1 - qZoo.quantized.top1) <= 2.5 / 2000,
            qPrintable(QStringLiteral("PTQ top-1 %1 vs zoo %2").arg(qOnnx.quantized.top1).arg(qZoo.quantized.top1)));
    }

    void qatMatchesTheZooWithinSeedNoise()
    {
        auto run = [&](const std::string &model, uint64_t seed) {
            engine::Workbench wb;
            wb.setDevice("cpu");
            types::QuantRecipe r;
            r.weightMethod = r.actMethod = types::Method::Lsq;
            r.weightBits = r.actBits = 3;
            wb.openModel(model, {}, r);
            types::QatOptions o;
            o.calibrationImages = 256;
            o.train.epochs = 1;
            o.train.batchSize = 64;
            o.train.learningRate = 0.005;
            o.train.maxStepsPerEpoch = 15;
            o.train.validationSamples = 1000;
            o.train.workers = 0;
            o.train.seed = seed;
            return wb.qat(o).eval.quantized.top1;
        };
        // The demo exported with its BatchNormalization nodes kept: the importer keeps them as
        // BatchNorms after the convolutions, whose statistics adapt in training as in the zoo.
        std::vector<double> zoo, imported;
        for (uint64_t seed : {0, 1}) {
            zoo.push_back(run(kDemo, seed));
            imported.push_back(run(m_demoBn.string(), seed));
        }
        const double spread = std::max(std::abs(zoo[0] - zoo[1]), std::abs(imported[0] - imported[1]));
        const double gap = std::abs((zoo[0] + zoo[1]) / 2 - (imported[0] + imported[1]) / 2);
        const QString figures =
            QStringLiteral("zoo %1 %2, imported %3 %4").arg(zoo[0]).arg(zoo[1]).arg(imported[0]).arg(imported[1]);
        qInfo().noquote() << "QAT W3A3 LSQ top-1:" << figures;
        QVERIFY2(zoo[0] > 0.75 && imported[0] > 0.75, qPrintable(figures));
        // The means may differ by seed noise, not more.
        QVERIFY2(gap <= std::max(0.01, 2 * spread), qPrintable(figures));
    }

    void everyJobRunsOnAnImportedModel()
    {
        engine::Workbench wb;
        wb.setDevice("cpu");
        wb.openModel(m_demo.string(), {}, minmax(4));
        types::EvalOptions eo;
        eo.maxSamples = 256;
        wb.ptq(128, eo);
        QVERIFY(wb.calibrated());
        const auto layers = wb.layers();

        // Error accumulation: a block per layer; the last is the output, whose error is the L2
        // distance of the quantized logits from the FP32 ones (checked here by hand).
        const auto acc = wb.errors(64);
        QCOMPARE(acc.blocks.size(), layers.size());
        QCOMPARE(acc.blockL2.size(), layers.size());
        QCOMPARE(acc.blocks.back(), layers.back().name);
        auto &session = wb.session();
        auto model = session.model();
        torch::NoGradGuard noGrad;
        model->eval();
        const auto logits = [&](bool fp32) {
            session.setFp32(fp32);
            const auto p = wb.predictData(64);
            std::vector<float> flat;
            for (const auto &row : p.logits)
                flat.insert(flat.end(), row.begin(), row.end());
            return torch::tensor(flat).reshape({64, -1});
        };
        const auto fp = logits(true), q = logits(false);
        const double byHand = (fp - q).norm(2, 1).mean().item<double>();
        QVERIFY2(std::abs(acc.blockL2.back() - byHand) <= 1e-4 * std::max(1.0, byHand),
                 qPrintable(QStringLiteral("%1 vs %2").arg(acc.blockL2.back()).arg(byHand)));
        for (double e : acc.layerL2)
            QVERIFY(e > 0);

        // Sensitivity: every layer, ranked 1..5.
        const auto rows = wb.sensitivity(128);
        QCOMPARE(rows.size(), layers.size());
        std::vector<int> ranks;
        for (const auto &r : rows)
            ranks.push_back(r.rank);
        std::sort(ranks.begin(), ranks.end());
        QCOMPARE(ranks, (std::vector<int>{1, 2, 3, 4, 5}));

        // What-if: a middle layer at 2 bits, then the snapshot and the comparison.
        auto change = wb.layerConfig(layers[2].name);
        change.weight.bits = 2;
        const auto w = wb.whatIf(change, 128);
        QCOMPARE(w.eval.count, int64_t(128));
        QCOMPARE(wb.layerConfig(layers[2].name).weight.bits, 2);
        const auto snap = wb.snapshot(16);
        QCOMPARE(snap.size(), layers.size());
        QVERIFY(snap.at(layers[2].name)->weight.sqnrDb > 0);
        const auto c = wb.compare(minmax(8), 64, 32);
        QVERIFY(c.errorsA && c.errorsB);
        QVERIFY(c.errorsB->blockL2.back() < c.errorsA->blockL2.back()); // 8 bits beat 4 and 2
    }

    void importedModelsExportAndOnnxRuntimeAgrees_data()
    {
        QTest::addColumn<bool>("keepBatchNorm");
        QTest::newRow("BatchNorm folded by PyTorch") << false;
        QTest::newRow("BatchNorm kept in the graph") << true;
    }

    void importedModelsExportAndOnnxRuntimeAgrees()
    {
        // import -> quantize -> export ONNX QDQ -> ONNX Runtime reproduces every code.
        QFETCH(bool, keepBatchNorm);
        const fs::path model = keepBatchNorm ? m_demoBn : m_demo;
        engine::seedEverything(0);
        engine::Workbench wb;
        wb.setDevice("cpu");
        wb.openModel(model.string(), {},
                     ql::test::exporting::recipe(types::Method::LsqPlus, types::Method::LsqPlus, 4, 4));
        wb.calibrate(256);
        const fs::path out = dir() / (keepBatchNorm ? "demo_bn_w4a4.onnx" : "demo_w4a4.onnx");
        const auto r = wb.exportModel(ql::test::exporting::exportOptions(types::ExportFormat::Onnx, out, true));
        ql::test::exporting::expectTargets(r);
        QCOMPARE(r.options.opset, 13);
        QCOMPARE(r.layers.size(), size_t(5));
        for (const auto &l : r.layers)
            QCOMPARE(l.deployability, types::Deployability::Integer);
        const auto m = qonnx::readModel(out);
        int quantize = 0, batchNorms = 0;
        for (const auto &n : m.graph().node()) {
            quantize += n.op_type() == "QuantizeLinear";
            batchNorms += n.op_type() == "BatchNormalization";
        }
        QCOMPARE(quantize, 5);
        QCOMPARE(batchNorms, 0); // folded into the weights' scales
    }

    void everyLayerKindExports()
    {
        const fs::path file = dir() / "every_layer_kind.onnx";
        writeEveryLayerKind(file);
        engine::seedEverything(0);
        engine::Workbench wb;
        wb.setDevice("cpu");
        wb.openModel(file.string(), {}, minmax(8));
        QCOMPARE(wb.session().model()->quantLayers().size(), size_t(6));
        wb.calibrate(128);
        const fs::path out = dir() / "every_layer_kind_w8a8.onnx";
        const auto r = wb.exportModel(ql::test::exporting::exportOptions(types::ExportFormat::Onnx, out, true));
        ql::test::exporting::expectTargets(r, 256, 0.99);
        // Written at opset 13: Clip's bounds, Softmax and the layers in their opset-13 forms.
        QCOMPARE(r.options.opset, 13);
        const auto m = qonnx::readModel(out);
        QCOMPARE(qonnx::opsetVersion(m), int64_t(13));
        std::map<std::string, int> ops;
        for (const auto &n : m.graph().node())
            ++ops[n.op_type()];
        QCOMPARE(ops["QuantizeLinear"], 6);
        QCOMPARE(ops["ConvTranspose"], 1);
        QCOMPARE(ops["Conv"], 3);
        QCOMPARE(ops["Gemm"], 2);
        QCOMPARE(ops["MatMul"], 0);
        // The transposed convolution's weight codes are per output channel: axis 1 of [in, out, kH, kW].
        for (const auto &n : m.graph().node())
            if (n.op_type() == "DequantizeLinear" && n.name().rfind("up.weight", 0) == 0) {
                QCOMPARE(n.attribute(0).name(), std::string("axis"));
                QCOMPARE(n.attribute(0).i(), int64_t(1));
            }
    }

    void sessionsReopenTheirOnnxFile()
    {
        const fs::path folder = dir() / "session";
        fs::create_directories(folder);
        const fs::path model = folder / "demo.onnx";
        fs::copy_file(m_demo, model, fs::copy_options::overwrite_existing);
        double quantized = 0;
        {
            engine::Workbench wb;
            wb.setDevice("cpu");
            wb.openModel(model.string(), {}, minmax(4));
            types::EvalOptions eo;
            eo.maxSamples = 256;
            quantized = wb.ptq(128, eo).quantized.top1;
            wb.save((folder / "s.qls").string());
        }
        std::ifstream in(folder / "s.qls");
        const auto j = nlohmann::json::parse(in);
        QCOMPARE(j["model"]["onnx"]["file"].get<std::string>(), std::string("demo.onnx")); // relative to the session
        {
            engine::Workbench wb;
            wb.setDevice("cpu");
            wb.openSession((folder / "s.qls").string());
            QVERIFY(wb.calibrated());
            types::EvalOptions eo;
            eo.maxSamples = 256;
            QCOMPARE(wb.evaluate(engine::DataSplit::Test, eo).top1, quantized);
        }
        // A changed model file is refused, not quantized with the wrong weights.
        {
            auto proto = qonnx::readModel(model);
            auto *t = proto.mutable_graph()->mutable_initializer(0);
            auto w = qonnx::toTensor(*t, "w") * 1.01;
            *t = qonnx::fromTensor(w, t->name());
            qonnx::writeModel(proto, model);
        }
        engine::Workbench wb;
        const QString msg = errorOf([&] { wb.openSession((folder / "s.qls").string()); });
        QVERIFY2(msg.contains(QStringLiteral("has changed")) && msg.contains(QStringLiteral("demo.onnx")),
                 qPrintable(msg));
    }

    void modelsWithoutClassesAreJudgedByAgreement()
    {
        const fs::path file = dir() / "segmenter.onnx";
        writeSegmenter(file);
        engine::Workbench wb;
        wb.setDevice("cpu");
        wb.openModel(file.string(), {}, minmax(3));
        QVERIFY(wb.summary().agreement);
        const auto fp = wb.evaluate(engine::DataSplit::Test, {});
        QVERIFY(fp.agreement);
        QVERIFY(std::isinf(fp.sqnrDb));
        QCOMPARE(fp.top1Agreement, 1.0);

        types::EvalOptions eo;
        eo.maxSamples = 128;
        eo.batchSize = 50; // batches of different sizes
        const auto r = wb.ptq(64, eo).quantized;
        QVERIFY(r.agreement);
        QCOMPARE(r.count, int64_t(128));
        // The same figures by hand from the FP32 and quantized outputs of those images.
        auto &session = wb.session();
        torch::NoGradGuard noGrad;
        const auto outputs = [&](bool fp32) {
            session.setFp32(fp32);
            const auto p = wb.predictData(128);
            std::vector<float> flat;
            for (const auto &row : p.logits)
                flat.insert(flat.end(), row.begin(), row.end());
            return torch::tensor(flat).reshape({128, 4, 28, 28}).to(torch::kDouble);
        };
        const auto ref = outputs(true), q = outputs(false);
        session.setFp32(false);
        const double sqnr = 10 * std::log10(ref.pow(2).sum().item<double>() / (q - ref).pow(2).sum().item<double>());
        const auto rf = ref.flatten(1), qf = q.flatten(1);
        const double cosine = ((rf * qf).sum(1) / (rf.norm(2, 1) * qf.norm(2, 1))).mean().item<double>();
        const double agree = ref.argmax(1).eq(q.argmax(1)).to(torch::kDouble).mean().item<double>();
        QVERIFY2(std::abs(r.sqnrDb - sqnr) < 1e-3, qPrintable(QStringLiteral("%1 vs %2").arg(r.sqnrDb).arg(sqnr)));
        QVERIFY(std::abs(r.cosine - cosine) < 1e-6);
        QVERIFY(std::abs(r.maxAbsError - (q - ref).abs().max().item<double>()) < 1e-5);
        QVERIFY(std::abs(r.top1Agreement - agree) < 1e-9);
        QVERIFY(r.sqnrDb > 5 && r.sqnrDb < 60);

        // Sensitivity ranks by output SQNR, lowest first; error accumulation ends at the output.
        const auto rows = wb.sensitivity(64);
        QCOMPARE(rows.size(), size_t(2));
        const auto &worst = rows[0].rank == 1 ? rows[0] : rows[1];
        const auto &other = rows[0].rank == 1 ? rows[1] : rows[0];
        QVERIFY(worst.sqnrDb <= other.sqnrDb);
        // Weights alone and activations alone are judged the same way: against the FP32 argmax
        // (which agrees with itself, so a drop is what the quantized output loses) and its softmax.
        for (const auto &row : rows) {
            QVERIFY(std::isfinite(row.sqnrDb));
            QVERIFY(row.weightTop1Drop >= 0 && row.actTop1Drop >= 0);
            QVERIFY2(row.weightKl > 0 && row.actKl > 0,
                     qPrintable(QStringLiteral("%1: KL %2 (weights), %3 (activations)")
                                    .arg(QString::fromStdString(row.layer))
                                    .arg(row.weightKl)
                                    .arg(row.actKl)));
        }
        const auto acc = wb.errors(32);
        QCOMPARE(acc.blocks, (std::vector<std::string>{"encoder", "classifier"}));
        QVERIFY(acc.blockL2.back() > 0);
        // The classifier is the last layer, at 8 bits like the first (firstLastBits): taking it
        // down to 2 bits must lower the output's agreement with FP32, and what-if must show it.
        auto change = wb.layerConfig("classifier");
        QCOMPARE(change.weight.bits, 8);
        change.act.bits = 2;
        change.weight.bits = 2;
        const auto worse = wb.whatIf(change, 128);
        QVERIFY(worse.eval.agreement);
        QCOMPARE(worse.eval.count, r.count);
        QVERIFY2(worse.eval.sqnrDb < r.sqnrDb - 1,
                 qPrintable(QStringLiteral("what-if SQNR %1 dB vs %2 dB").arg(worse.eval.sqnrDb).arg(r.sqnrDb)));

        // Training needs labels.
        types::QatOptions o;
        const QString msg = errorOf([&] { wb.qat(o); });
        QVERIFY2(msg.contains(QStringLiteral("agreement")), qPrintable(msg));
    }

    void dataThatDoesNotFitIsRefused()
    {
        auto write = [&](const std::string &name, std::vector<int64_t> dims) {
            GraphBuilder g(13);
            g.input("pixels", dims);
            g.initializer("w", torch::randn({10, dims[1], dims[2], dims[3]}));
            attr(g.node("Conv", {"pixels", "w"}, {"c"}, "conv"), "pads", std::vector<int64_t>{0, 0, 0, 0});
            attr(g.node("Flatten", {"c"}, {"logits"}, "flatten"), "axis", int64_t(1));
            g.output("logits");
            g.save(dir() / name);
            return (dir() / name).string();
        };
        engine::Workbench wb;
        wb.setDevice("cpu");
        const auto colour = write("colour.onnx", {-1, 3, 28, 28});
        QString msg = errorOf([&] { wb.openModel(colour); });
        QVERIFY2(msg.contains(QStringLiteral("'pixels'")) && msg.contains(QStringLiteral("3-channel")) &&
                     msg.contains(QStringLiteral("1-channel")),
                 qPrintable(msg));
        const auto large = write("large.onnx", {-1, 1, 32, 32});
        msg = errorOf([&] { wb.openModel(large); });
        QVERIFY2(msg.contains(QStringLiteral("'pixels'")) && msg.contains(QStringLiteral("32×32")) &&
                     msg.contains(QStringLiteral("28×28")) && msg.contains(QStringLiteral("large.onnx.json")) &&
                     msg.contains(QStringLiteral("--input-size 32,32")),
                 qPrintable(msg));
        // With the size given, the images are resized and the model runs (10 outputs: labels).
        types::Preprocessing pre;
        pre.size = {32, 32};
        wb.openModel(large, {}, {}, pre);
        QVERIFY(!wb.summary().agreement);
        types::EvalOptions eo;
        eo.maxSamples = 64;
        QCOMPARE(wb.evaluate(engine::DataSplit::Test, eo).count, int64_t(64));
    }
};

QL_TEST(TestOnnxWorkbench)
#include "tst_onnx_workbench.moc"
