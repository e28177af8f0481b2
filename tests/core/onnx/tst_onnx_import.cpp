// Importing ONNX models: networks exported by PyTorch (torchvision's resnet18, mobilenet_v2 and
// efficientnet_b0 at opsets 13 and 17, and a network of every layer kind with its BatchNorms
// kept) compute what ONNX Runtime computes; their convolutions and products become the zoo's
// quantizable layers with BatchNorm folded in; the graph as it computes now (currentGraph) runs
// in ONNX Runtime too; bad files, unsupported operators and shapes that do not work out are
// reported by name before anything runs.
#include "core/data/transforms.h"
#include "core/models/quant_layers.h"
#include "core/onnx/onnx_model.h"
#include "tests/core/onnx/onnx_support.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ql::test::onnx;
namespace qonnx = ql::core::onnx;
namespace models = ql::core::models;

namespace {

/// Runs the same input through our import and ONNX Runtime; the relative error of every output.
std::vector<double> compareWithOrt(qonnx::OnnxModelImpl &model, const fs::path &file, const torch::Tensor &x,
                                   const fs::path &scratch, QString *problem)
{
    torch::NoGradGuard noGrad;
    model.eval();
    const auto ours = model.runGraph(x);
    std::vector<std::string> errors;
    const auto theirs = runOrt({{file, model.inputName(), x, scratch / file.stem()}}, &errors, scratch);
    std::vector<double> out;
    if (!errors[0].empty()) {
        *problem = QString::fromStdString("ONNX Runtime refused " + file.string() + ": " + errors[0]);
        return out;
    }
    for (size_t i = 0; i < ours.size(); ++i) {
        if (ours[i].sizes() != theirs[0].at(i).sizes()) {
            *problem =
                QString::fromStdString("output " + std::to_string(i) + " has shape " + c10::str(ours[i].sizes()) +
                                       ", ONNX Runtime's " + c10::str(theirs[0].at(i).sizes()));
            return {};
        }
        out.push_back(relativeError(ours[i], theirs[0].at(i)));
    }
    return out;
}

int countKind(const qonnx::OnnxModelImpl &model, models::LayerKind kind)
{
    int n = 0;
    for (const auto &l : model.quantLayers())
        n += l->kind() == kind;
    return n;
}

} // namespace

class TestOnnxImport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    fs::path dir() const { return fs::path(m_dir.path().toStdString()); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        if (const auto problem = ortProblem(); !problem.isEmpty())
            QFAIL(qPrintable(problem));
    }

    void torchvisionExportsMatchOnnxRuntime_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("opset");
        QTest::addColumn<int>("layers");
        for (int opset : {13, 17}) {
            QTest::addRow("resnet18 opset %d", opset) << QStringLiteral("resnet18") << opset << 21;
            QTest::addRow("mobilenet_v2 opset %d", opset) << QStringLiteral("mobilenet_v2") << opset << 53;
            QTest::addRow("efficientnet_b0 opset %d", opset) << QStringLiteral("efficientnet_b0") << opset << 82;
        }
    }

    void torchvisionExportsMatchOnnxRuntime()
    {
        QFETCH(QString, arch);
        QFETCH(int, opset);
        QFETCH(int, layers);
        const fs::path file = dir() / (arch.toStdString() + "_" + std::to_string(opset) + ".onnx");
        QString output;
        QVERIFY2(runPython({QStringLiteral("torchvision"), arch, QString::number(opset),
                            QString::fromStdString(file.string())},
                           output),
                 qPrintable(output));
        auto model = qonnx::importModel(file);
        // Every convolution and the classifier are quantizable layers, in execution order, named
        // after their nodes; the exporter already folded the BatchNorms.
        QCOMPARE(static_cast<int>(model->quantLayers().size()), layers);
        QCOMPARE(model->quantLayers().back()->kind(), models::LayerKind::Linear);
        QCOMPARE(model->quantLayers().front()->layerName(), model->layerOrigins().front().node);
        QCOMPARE(model->numClasses(), int64_t(1000));
        QVERIFY(!model->judgedByAgreement());
        QCOMPARE(model->blockNames().size(), model->quantLayers().size());

        torch::manual_seed(opset);
        const auto x = torch::randn({2, 3, 224, 224});
        QString problem;
        const auto errors = compareWithOrt(*model, file, x, dir(), &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(errors.size(), size_t(1));
        QVERIFY2(errors[0] <= 1e-4, qPrintable(QStringLiteral("max |ours - ORT| / max |ORT| = %1").arg(errors[0])));
    }

    void everyLayerKindFoldsAndMatches_data()
    {
        QTest::addColumn<int>("opset");
        QTest::newRow("opset 13") << 13;
        QTest::newRow("opset 17") << 17;
    }

    void everyLayerKindFoldsAndMatches()
    {
        QFETCH(int, opset);
        const fs::path file = dir() / ("mixed_" + std::to_string(opset) + ".onnx");
        QString output;
        QVERIFY2(
            runPython({QStringLiteral("mixed"), QString::number(opset), QString::fromStdString(file.string())}, output),
            qPrintable(output));
        const auto original = qonnx::readModel(file);
        int batchNorms = 0;
        for (const auto &n : original.graph().node())
            batchNorms += n.op_type() == "BatchNormalization";
        QCOMPARE(batchNorms, 3); // kept by the exporter, folded by the importer
        auto model = qonnx::importModel(file);
        // stem, depthwise (3x5) and the 1-D convolution; the transposed convolution; the
        // token projection (MatMul + Add) and the head (Gemm).
        QCOMPARE(countKind(*model, models::LayerKind::Conv2d), 3);
        QCOMPARE(countKind(*model, models::LayerKind::ConvTranspose2d), 1);
        QCOMPARE(countKind(*model, models::LayerKind::Linear), 2);
        int folded = 0;
        for (const auto &o : model->layerOrigins())
            for (const auto &f : o.folded)
                folded += f.find("BatchNormalization") != std::string::npos;
        QCOMPARE(folded, 3);
        const auto &origins = model->layerOrigins();
        const auto tokens =
            std::find_if(origins.begin(), origins.end(), [](const auto &o) { return o.op == "MatMul"; });
        QVERIFY(tokens != origins.end());
        QCOMPARE(tokens->folded.size(), size_t(1)); // its bias Add
        for (const auto &l : model->quantLayers())
            if (l->layerName() == tokens->node)
                QVERIFY(l->hasBias());
        // The error-accumulation blocks: every layer, then the output (a Concat computes it).
        QCOMPARE(model->blockNames().size(), model->quantLayers().size() + 1);
        QCOMPARE(model->blockNames().back(), std::string("output"));

        torch::manual_seed(3);
        const auto x = torch::randn({3, 3, 32, 32});
        QString problem;
        auto errors = compareWithOrt(*model, file, x, dir(), &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY2(errors.at(0) <= 1e-5, qPrintable(QStringLiteral("relative error %1").arg(errors[0])));

        // Change every learned value, as training would; the graph written back computes the same
        // in ONNX Runtime, with the BatchNorms gone.
        {
            torch::NoGradGuard noGrad;
            for (auto &p : model->parameters())
                p.add_(torch::randn_like(p) * 0.05);
        }
        const auto current = model->currentGraph();
        for (const auto &n : current.graph().node())
            QVERIFY2(n.op_type() != "BatchNormalization", n.name().c_str());
        QVERIFY2(qonnx::checkModel(current).empty(), qonnx::checkModel(current).c_str());
        const fs::path written = dir() / ("mixed_current_" + std::to_string(opset) + ".onnx");
        qonnx::writeModel(current, written);
        errors = compareWithOrt(*model, written, x, dir(), &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY2(errors.at(0) <= 1e-5, qPrintable(QStringLiteral("currentGraph: relative error %1").arg(errors[0])));
        // And it imports again to the same computation.
        auto again = qonnx::importModel(written);
        torch::NoGradGuard noGrad;
        model->eval();
        QVERIFY(relativeError(again->runGraph(x)[0], model->runGraph(x)[0]) <= 1e-5);
    }

    void autogradReachesEveryParameter()
    {
        // A graph with a layer, a PReLU slope and a LayerNorm scale: QAT trains all of them.
        GraphBuilder g(17);
        g.input("x", {-1, 2, 6, 6});
        g.initializer("w", torch::randn({4, 2, 3, 3}));
        g.initializer("slope", torch::full({4, 1, 1}, 0.1f));
        g.initializer("scale", torch::ones({6}));
        auto &conv = g.node("Conv", {"x", "w"}, {"c"}, "conv");
        attr(conv, "pads", std::vector<int64_t>{1, 1, 1, 1});
        g.node("PRelu", {"c", "slope"}, {"p"}, "prelu");
        g.node("LayerNormalization", {"p", "scale"}, {"y"}, "norm");
        g.output("y");
        const fs::path file = dir() / "grad.onnx";
        g.save(file);
        auto model = qonnx::importModel(file);
        model->train();
        const auto x = torch::randn({2, 2, 6, 6});
        model->runGraph(x)[0].pow(2).sum().backward();
        int withGrad = 0;
        for (const auto &p : model->named_parameters()) {
            QVERIFY2(p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0, p.key().c_str());
            ++withGrad;
        }
        QCOMPARE(withGrad, 3);
        // Finite differences on the slope: the executor's gradient is the real one.
        auto slope = model->named_parameters()["initializers.slope"];
        const double analytic = slope.grad().flatten()[1].item<double>();
        const double h = 1e-3;
        auto loss = [&] {
            torch::NoGradGuard noGrad;
            return model->runGraph(x)[0].to(torch::kDouble).pow(2).sum().item<double>();
        };
        {
            torch::NoGradGuard noGrad;
            slope.flatten()[1].add_(h);
        }
        const double up = loss();
        {
            torch::NoGradGuard noGrad;
            slope.flatten()[1].sub_(2 * h);
        }
        const double down = loss();
        QVERIFY2(std::abs((up - down) / (2 * h) - analytic) <= 1e-2 * std::max(1.0, std::abs(analytic)),
                 qPrintable(QStringLiteral("numeric %1 vs autograd %2").arg((up - down) / (2 * h)).arg(analytic)));
    }

    void graphsThatFixTheirBatchRunSampleBySample()
    {
        // Exporters sometimes write the batch into a Reshape ([1, -1]): the graph is run one
        // sample at a time, never silently on the whole batch.
        GraphBuilder g(13);
        g.input("x", {1, 3, 4, 4});
        g.initializer("shape", torch::tensor(std::vector<int64_t>{1, -1}));
        g.initializer("w", torch::randn({5, 48}));
        g.node("Reshape", {"x", "shape"}, {"flat"});
        auto &gemm = g.node("Gemm", {"flat", "w"}, {"y"}, "fc");
        attr(gemm, "transB", int64_t(1));
        g.output("y");
        const fs::path file = dir() / "fixed.onnx";
        g.save(file);
        auto model = qonnx::importModel(file);
        QVERIFY2(model->description().find("1 sample(s) at a time") != std::string::npos, model->description().c_str());
        const auto x = torch::randn({3, 3, 4, 4});
        torch::NoGradGuard noGrad;
        const auto y = model->forward(x);
        QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{3, 5}));
        for (int64_t i = 0; i < 3; ++i)
            QVERIFY(relativeError(y[i], model->runGraph(x.slice(0, i, i + 1))[0][0]) < 1e-6);
    }

    void unsupportedOperatorsAreListedAtOnce()
    {
        GraphBuilder g(13);
        g.input("x", {-1, 3, 8, 8});
        g.node("Relu", {"x"}, {"r"});
        g.initializer("k", torch::tensor(std::vector<int64_t>{2}));
        g.node("TopK", {"r", "k"}, {"v", "i"}, "pick best");
        auto &custom = g.node("Gizmo", {"v"}, {"g"}, "");
        custom.set_domain("com.example");
        g.node("NonZero", {"g"}, {"y"}, "where");
        g.output("y");
        const fs::path file = dir() / "unsupported.onnx";
        g.save(file);
        const QString msg = errorOf([&] { qonnx::importModel(file); });
        for (const char *part :
             {"3 node(s)", "'pick best' (TopK)", "(com.example.Gizmo)", "'where' (NonZero)", "unsupported.onnx"})
            QVERIFY2(msg.contains(QString::fromLatin1(part)), qPrintable(msg));
    }

    void badFilesAndShapesAreNamed()
    {
        // Not ONNX, truncated, missing.
        {
            std::ofstream(dir() / "text.onnx") << "not a model";
            GraphBuilder g(13);
            g.input("x", {1, 3, 4, 4});
            g.node("Relu", {"x"}, {"y"});
            g.output("y");
            std::string bytes;
            g.model().SerializeToString(&bytes);
            std::ofstream(dir() / "cut.onnx", std::ios::binary).write(bytes.data(), std::streamsize(bytes.size() / 2));
        }
        for (const char *name : {"text.onnx", "cut.onnx", "absent.onnx"}) {
            const QString msg = errorOf([&] { qonnx::importModel(dir() / name); });
            QVERIFY2(msg.contains(QString::fromLatin1(name)), qPrintable(msg));
        }
        // External data that is missing: the tensor and the file are named.
        {
            GraphBuilder g(13);
            g.input("x", {1, 3, 4, 4});
            g.initializer("bias", torch::ones({4}));
            g.node("Add", {"x", "bias"}, {"y"});
            g.output("y");
            auto *t = g.model().mutable_graph()->mutable_initializer(0);
            t->clear_raw_data();
            t->set_data_location(::onnx::TensorProto::EXTERNAL);
            auto *e = t->add_external_data();
            e->set_key("location");
            e->set_value("weights.bin");
            g.save(dir() / "external.onnx");
            const QString msg = errorOf([&] { qonnx::importModel(dir() / "external.onnx"); });
            QVERIFY2(msg.contains(QStringLiteral("weights.bin")) && msg.contains(QStringLiteral("'bias'")),
                     qPrintable(msg));
        }
        // A convolution whose weight does not fit its input: ONNX's shape inference (opset 13)
        // or the dry run (opset 19, newer than this libonnx) names the node.
        for (int64_t opset : {13, 19}) {
            GraphBuilder g(opset);
            g.input("x", {-1, 3, 8, 8});
            g.initializer("w", torch::randn({4, 5, 3, 3}));
            g.node("Conv", {"x", "w"}, {"y"}, "bad conv");
            g.output("y");
            const auto file = dir() / ("badshape" + std::to_string(opset) + ".onnx");
            g.save(file);
            const QString msg = errorOf([&] { qonnx::importModel(file); });
            QVERIFY2(msg.contains(QStringLiteral("bad conv")) &&
                         msg.contains(QString::fromStdString(file.filename().string())),
                     qPrintable(msg));
        }
        // A value no node defines, an opset out of range.
        {
            GraphBuilder g(13);
            g.input("x", {1, 3, 4, 4});
            g.node("Add", {"x", "ghost"}, {"y"}, "haunted");
            g.output("y");
            g.save(dir() / "ghost.onnx");
            const QString msg = errorOf([&] { qonnx::importModel(dir() / "ghost.onnx"); });
            QVERIFY2(msg.contains(QStringLiteral("ghost")), qPrintable(msg));
            GraphBuilder old(7);
            old.input("x", {1, 3, 4, 4});
            old.node("Relu", {"x"}, {"y"});
            old.output("y");
            old.save(dir() / "old.onnx");
            const QString opsetMsg = errorOf([&] { qonnx::importModel(dir() / "old.onnx"); });
            QVERIFY2(opsetMsg.contains(QStringLiteral("opset 7")), qPrintable(opsetMsg));
        }
    }

    void preprocessingAdaptsTheData()
    {
        // y = x: what the graph sees is what the preprocessing made of the data's images.
        GraphBuilder g(13);
        g.input("x", {-1, 8, 6, 3}); // channels last
        g.node("Identity", {"x"}, {"i"});
        g.node("Relu", {"i"}, {"r"}); // keeps a node between input and output
        g.node("Sub", {"i", "r"}, {"neg"});
        g.node("Add", {"r", "neg"}, {"y"});
        g.output("y");
        const fs::path file = dir() / "identity.onnx";
        g.save(file);
        std::ofstream(qonnx::preprocessingPathFor(file))
            << R"({"mean": [100, 110, 120], "std": [50, 60, 70], "scale": 255,
                                                              "channel_order": "bgr", "size": [8, 6]})";
        const auto pre = qonnx::preprocessingFor(file, {});
        QCOMPARE(pre.channelOrder, std::string("bgr"));
        auto model = qonnx::importModel(file, pre);
        QVERIFY(model->channelsLast());
        const ql::core::data::Normalization norm{{0.5f, 0.4f, 0.3f}, {0.2f, 0.25f, 0.3f}};
        model->adaptToData(norm, {3, 4, 3}, 10);
        const auto x = torch::randn({2, 3, 4, 3}); // the data's normalised images
        torch::NoGradGuard noGrad;
        const auto y = model->forward(x);
        // By hand: back to [0, 1], resized to 8x6, to [0, 255], BGR, the model's mean/std, NHWC.
        const auto mean = torch::tensor({0.5f, 0.4f, 0.3f}).view({1, 3, 1, 1});
        const auto sd = torch::tensor({0.2f, 0.25f, 0.3f}).view({1, 3, 1, 1});
        auto pixels = ql::core::data::resize(x * sd + mean, 8, 6) * 255;
        pixels = pixels.flip(1);
        const auto expected = ((pixels - torch::tensor({100.f, 110.f, 120.f}).view({1, 3, 1, 1})) /
                               torch::tensor({50.f, 60.f, 70.f}).view({1, 3, 1, 1}))
                                  .permute({0, 2, 3, 1});
        QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{2, 8, 6, 3}));
        QVERIFY2(relativeError(y, expected) < 1e-5, qPrintable(QString::number(relativeError(y, expected))));
        // Output [N, 8, 6, 3] is no [N, classes]: judged by agreement.
        QVERIFY(model->judgedByAgreement());

        // A bad side file is named with the field.
        std::ofstream(qonnx::preprocessingPathFor(file)) << R"({"mean": [1, 2, 3], "colour": "rgb"})";
        const QString msg = errorOf([&] { qonnx::preprocessingFor(file, {}); });
        QVERIFY2(msg.contains(QStringLiteral("identity.onnx.json")) && msg.contains(QStringLiteral("colour")),
                 qPrintable(msg));
    }
};

QL_TEST(TestOnnxImport)
#include "tst_onnx_import.moc"
