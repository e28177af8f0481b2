// Interop with real PyTorch: state dicts and TorchScript archives written by
// /usr/bin/python3 (torch + torchvision) load into the zoo and give PyTorch's
// logits; a state dict written by QuantLens loads into PyTorch and gives ours.
#include "core/common/error.h"
#include "core/models/weights.h"
#include "core/models/zoo.h"
#include "tests/support/testmain.h"

#include <QProcess>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

namespace models = ql::core::models;
namespace fs = std::filesystem;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");

QString scriptPath() { return QStringLiteral(QL_SOURCE_DIR "/scripts/make_interop_fixtures.py"); }

torch::Tensor readFloats(const fs::path &bin, const std::vector<int64_t> &shape)
{
    std::ifstream in(bin, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto t = torch::empty(shape);
    if (static_cast<size_t>(t.numel()) * 4 != bytes.size())
        throw std::runtime_error("fixture " + bin.string() + " has the wrong size");
    std::memcpy(t.data_ptr<float>(), bytes.data(), bytes.size());
    return t;
}

/// (input, logits) written by the fixture script under `prefix`.
std::pair<torch::Tensor, torch::Tensor> readPair(const fs::path &dir, const std::string &prefix)
{
    std::ifstream metaFile(dir / (prefix + "_meta.json"));
    const auto meta = nlohmann::json::parse(metaFile);
    return {readFloats(dir / (prefix + "_input.bin"), meta.at("input_shape").get<std::vector<int64_t>>()),
            readFloats(dir / (prefix + "_logits.bin"), meta.at("logits_shape").get<std::vector<int64_t>>())};
}

double relativeError(const torch::Tensor &a, const torch::Tensor &ref)
{
    return (a - ref).abs().max().item<double>() / std::max(1.0, ref.abs().max().item<double>());
}

} // namespace

class TestInterop : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    bool m_torchOk = false;
    QString m_torchProblem;

    fs::path dir() const { return fs::path(m_dir.path().toStdString()); }

    /// Runs the fixture script; fails the test with its output when it does not succeed.
    bool runScript(const QStringList &args, QString &output)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(kPython, QStringList{scriptPath()} + args);
        const bool finished = p.waitForFinished(300 * 1000);
        output = QString::fromLocal8Bit(p.readAll());
        return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(kPython, {QStringLiteral("-c"), QStringLiteral("import torch, torchvision")});
        const bool started = p.waitForStarted(30 * 1000);
        const bool finished = started && p.waitForFinished(120 * 1000);
        m_torchOk = finished && p.exitCode() == 0;
        if (!m_torchOk)
            m_torchProblem =
                QStringLiteral("/usr/bin/python3 cannot import torch and torchvision (") +
                QString::fromLocal8Bit(p.readAll()).trimmed() +
                QStringLiteral("). Run scripts/bootstrap to install python3-torch and python3-torchvision.");
    }

    void torchvisionWeightsGiveSameLogits_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::newRow("resnet18") << QStringLiteral("resnet18");
        QTest::newRow("mobilenet_v2") << QStringLiteral("mobilenet_v2");
        QTest::newRow("efficientnet_b0") << QStringLiteral("efficientnet_b0");
    }

    void torchvisionWeightsGiveSameLogits()
    {
        QFETCH(QString, arch);
        if (!m_torchOk)
            QFAIL(qPrintable(m_torchProblem));
        QString output;
        QVERIFY2(runScript({QStringLiteral("torchvision"), arch, m_dir.path()}, output), qPrintable(output));
        const std::string a = arch.toStdString();
        const auto [x, expected] = readPair(dir(), a);

        // 1. torch.save(model.state_dict())
        torch::manual_seed(99); // different from PyTorch's weights until loaded
        auto model = models::createModel(a);
        model->eval();
        torch::NoGradGuard noGrad;
        QVERIFY(relativeError(model->forward(x), expected) > 1e-2);
        const auto report = models::loadWeights(*model, dir() / (a + "_state_dict.pth"));
        QVERIFY2(report.complete(), report.summary().c_str());
        QCOMPARE(report.loaded.size(), model->stateDict().size());
        QVERIFY(report.format == models::WeightFormat::StateDict);
        const double errSd = relativeError(model->forward(x), expected);
        QVERIFY2(errSd < 1e-4, qPrintable(QStringLiteral("state dict: relative error %1").arg(errSd)));

        // 2. torch.jit.script(model).save(): loading it runs code stored in the file, so it loads
        // only when trusted (this one was made right here).
        torch::manual_seed(98);
        auto scripted = models::createModel(a);
        scripted->eval();
        QVERIFY_THROWS_EXCEPTION(ql::core::TrustError, models::loadWeights(*scripted, dir() / (a + "_scripted.pt")));
        const auto tsReport = models::loadWeights(*scripted, dir() / (a + "_scripted.pt"), /*strict=*/true,
                                                  /*trustTorchScript=*/true);
        QVERIFY2(tsReport.complete(), tsReport.summary().c_str());
        QVERIFY(tsReport.format == models::WeightFormat::TorchScript);
        const double errTs = relativeError(scripted->forward(x), expected);
        QVERIFY2(errTs < 1e-4, qPrintable(QStringLiteral("TorchScript: relative error %1").arg(errTs)));

        // 3. torch.save(model): a pickled object, refused without executing anything.
        try {
            models::loadWeights(*model, dir() / (a + "_whole_model.pth"));
            QFAIL("a whole pickled model was accepted");
        } catch (const ql::core::Error &e) {
            const std::string msg = e.full();
            QVERIFY2(msg.find("torchvision.models.") != std::string::npos, msg.c_str());
            QVERIFY2(msg.find("model.state_dict()") != std::string::npos, msg.c_str());
        }
    }

    void quantLensStateDictLoadsInPyTorch_data()
    {
        QTest::addColumn<QString>("activation");
        QTest::newRow("relu") << QStringLiteral("relu");
        QTest::newRow("silu") << QStringLiteral("silu");
    }

    void quantLensStateDictLoadsInPyTorch()
    {
        QFETCH(QString, activation);
        if (!m_torchOk)
            QFAIL(qPrintable(m_torchProblem));
        torch::manual_seed(31);
        models::ZooOptions o;
        o.activation = models::activationFromName(activation.toStdString());
        auto model = models::createModel("fmnist-cnn", o);
        {
            torch::NoGradGuard noGrad;
            for (const auto &m : model->modules(false)) {
                if (auto bn = std::dynamic_pointer_cast<models::FoldableBatchNorm2dImpl>(m)) {
                    bn->running_mean.normal_(0.0, 0.2);
                    bn->running_var.uniform_(0.5, 1.5);
                    bn->weight.uniform_(0.5, 1.5);
                    bn->bias.normal_(0.0, 0.2);
                }
            }
        }
        const auto path = dir() / "fmnist_quantlens.pth";
        models::saveWeights(*model, path);
        QString output;
        QVERIFY2(
            runScript({QStringLiteral("fmnist-cnn"), QString::fromStdString(path.string()), m_dir.path(), activation},
                      output),
            qPrintable(output));
        const auto [x, expected] = readPair(dir(), "fmnist");
        model->eval();
        torch::NoGradGuard noGrad;
        const double err = relativeError(model->forward(x), expected);
        QVERIFY2(err < 1e-5, qPrintable(QStringLiteral("relative error %1").arg(err)));
    }
};

QL_TEST(TestInterop)
#include "tst_interop.moc"
