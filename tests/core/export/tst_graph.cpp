// The graphs the zoo architectures describe for export: fmnist-cnn's node by node, and every
// architecture's FP32 graph run in ONNX Runtime and as TorchScript against the model's own forward.
#include "core/export/onnx_export.h"
#include "core/export/plan.h"
#include "core/export/qdq.h"
#include "core/export/tools.h"
#include "core/export/torchscript.h"
#include "core/models/zoo.h"
#include "core/onnx/onnx_io.h"
#include "tests/core/export/helpers.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>

#include <torch/script.h>

using namespace ql;
namespace xp = ql::core::exporting;

namespace {

/// A model that does not describe its graph (like a future architecture that forgot to).
class SilentModel : public core::models::QuantModelImpl {
public:
    SilentModel() : QuantModelImpl("silent", {1, 4, 4}, 2) { finishConstruction(); }
    std::vector<std::string> blockNames() const override { return {}; }

protected:
    torch::Tensor run(const torch::Tensor &x, std::vector<torch::Tensor> *) override { return x.flatten(1); }
};

/// BatchNorm statistics that are not the identity, so that folding them is tested.
void randomiseBatchNorms(core::models::QuantModelImpl &model)
{
    torch::NoGradGuard noGrad;
    for (const auto &m : model.modules(false))
        if (auto bn = std::dynamic_pointer_cast<core::models::FoldableBatchNorm2dImpl>(m)) {
            bn->running_mean.uniform_(-0.2, 0.2);
            bn->running_var.uniform_(0.5, 1.5);
            bn->weight.uniform_(-1.2, 1.2); // negative scales too
            bn->bias.uniform_(-0.1, 0.1);
        }
}

} // namespace

class TestExportGraph : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fmnistGraphNodeByNode()
    {
        core::models::ZooOptions o;
        o.activation = core::models::Activation::Silu;
        auto model = core::models::createModel("fmnist-cnn", o);
        const auto g = core::models::recordGraph(*model);
        std::vector<std::string> types;
        std::vector<std::string> layers;
        for (const auto &n : g.nodes) {
            types.push_back(n.type);
            if (n.isLayer()) {
                layers.push_back(n.layer->layerName());
                QCOMPARE(n.bn != nullptr, n.layer->layerName() != "fc"); // every conv has its BatchNorm
            }
        }
        const std::vector<std::string> want{"QuantLayer", "Sigmoid",   "Mul", "QuantLayer", "Sigmoid", "Mul", "MaxPool",
                                            "QuantLayer", "Sigmoid",   "Mul", "QuantLayer", "Sigmoid", "Mul", "MaxPool",
                                            "Flatten",    "QuantLayer"};
        QCOMPARE(types, want);
        QCOMPARE(layers, (std::vector<std::string>{"conv1", "conv2", "conv3", "conv4", "fc"}));
        QCOMPARE(g.output, g.nodes.back().outputs.front());
        QCOMPARE(g.nodes.front().inputs.front(), g.input);
    }

    void modelWithoutGraphIsRefused()
    {
        SilentModel m;
        core::models::QuantModelImpl &model =
            m; // the lambda must not capture a type of this file's anonymous namespace
        const QString msg = test::exporting::errorOf([&model] { xp::makePlan(model); });
        QVERIFY2(msg.contains(QStringLiteral("'silent'")) && msg.contains(QStringLiteral("cannot describe its graph")),
                 qPrintable(msg));
    }

    void zooGraphsRunInTheirConsumers_data()
    {
        QTest::addColumn<QString>("arch");
        for (const auto &n : core::models::zooNames())
            QTest::newRow(n.c_str()) << QString::fromStdString(n);
    }

    void zooGraphsRunInTheirConsumers()
    {
        QFETCH(QString, arch);
        torch::manual_seed(1);
        auto model = core::models::createModel(arch.toStdString());
        randomiseBatchNorms(*model);
        model->eval();
        std::vector<int64_t> shape{2};
        for (int64_t d : model->defaultInputShape())
            shape.push_back(d);
        const auto x = torch::randn(shape);
        torch::Tensor want;
        {
            torch::NoGradGuard noGrad;
            want = model->forward(x);
        }
        const auto plan = xp::makePlan(*model);
        QTemporaryDir dir;
        const std::filesystem::path folder = dir.path().toStdString();

        // TorchScript mirrors QuantLens's operators, so it computes the same numbers.
        xp::writeTorchScript(xp::torchScriptSource(plan), folder / "m.pt");
        auto ts = torch::jit::load((folder / "m.pt").string());
        const auto got = ts.forward({x}).toTensor();
        QVERIFY2(torch::allclose(got, want, 1e-5, 1e-5),
                 qPrintable(QStringLiteral("TorchScript differs by %1").arg((got - want).abs().max().item<double>())));

        // ONNX folds BatchNorm into the convolutions: equal to float rounding.
        const auto lowered = xp::lowerToQdq(plan, {});
        const auto build = xp::buildOnnx(plan, lowered, 13, {}, false);
        QVERIFY2(core::onnx::checkModel(build.model).empty(), core::onnx::checkModel(build.model).c_str());
        core::onnx::writeModel(build.model, folder / "m.onnx");
        const auto rt =
            xp::runOnnxRuntime(folder / "m.onnx", plan.graph.input, x, {plan.graph.output}, false, folder / "run");
        const auto y = rt.at(plan.graph.output);
        const double tol = 1e-4 * std::max(1.0, want.abs().max().item<double>());
        QVERIFY2((y - want).abs().max().item<double>() <= tol,
                 qPrintable(QStringLiteral("ONNX Runtime differs by %1").arg((y - want).abs().max().item<double>())));
    }
};

QL_TEST(TestExportGraph)
#include "tst_graph.moc"
