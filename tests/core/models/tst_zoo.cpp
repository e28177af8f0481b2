// The model zoo: parameter and MAC counts against torchvision's published
// figures and hand counts, layer order, block outputs, options.
#include "core/common/error.h"
#include "core/models/zoo.h"
#include "tests/support/testmain.h"

#include <QtTest>
#include <torch/torch.h>

#include <algorithm>
#include <set>

namespace models = ql::core::models;

namespace {

/// fmnist-cnn by hand: four bias-free 3x3 convs (32, 32, 64, 64) each with BN (2 params per
/// channel), a linear head on the 64x7x7 map.
int64_t fmnistParams(int64_t in, int64_t classes)
{
    const int64_t convs = 32 * in * 9 + 32 * 32 * 9 + 64 * 32 * 9 + 64 * 64 * 9;
    const int64_t bns = 2 * (32 + 32 + 64 + 64);
    return convs + bns + 64 * 7 * 7 * classes + classes;
}

/// MACs: out_h * out_w * out_c * (in_c * 3 * 3) per conv; 28x28 for the first two, 14x14 after the pool.
int64_t fmnistMacs(int64_t in, int64_t classes)
{
    return 28 * 28 * 32 * (in * 9) + 28 * 28 * 32 * (32 * 9) + 14 * 14 * 64 * (32 * 9) + 14 * 14 * 64 * (64 * 9) +
           64 * 7 * 7 * classes;
}

} // namespace

class TestZoo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parameterCounts_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("inChannels");
        QTest::addColumn<int>("classes");
        QTest::addColumn<qlonglong>("expected");
        // torchvision's documented counts (models/resnet.py, mobilenetv2.py, efficientnet.py _meta["num_params"]).
        QTest::newRow("resnet18") << QStringLiteral("resnet18") << 3 << 1000 << 11689512LL;
        QTest::newRow("mobilenet_v2") << QStringLiteral("mobilenet_v2") << 3 << 1000 << 3504872LL;
        QTest::newRow("efficientnet_b0") << QStringLiteral("efficientnet_b0") << 3 << 1000 << 5288548LL;
        // CIFAR ResNet-20 (He et al. 2016, option A shortcuts): 0.27M.
        QTest::newRow("resnet20") << QStringLiteral("resnet20") << 3 << 10 << 269722LL;
        QTest::newRow("fmnist-cnn") << QStringLiteral("fmnist-cnn") << 1 << 10 << qlonglong(fmnistParams(1, 10));
        QTest::newRow("fmnist-cnn 3ch 5cls") << QStringLiteral("fmnist-cnn") << 3 << 5 << qlonglong(fmnistParams(3, 5));
    }

    void parameterCounts()
    {
        QFETCH(QString, arch);
        QFETCH(int, inChannels);
        QFETCH(int, classes);
        QFETCH(qlonglong, expected);
        models::ZooOptions o;
        o.inChannels = inChannels;
        o.numClasses = classes;
        auto model = models::createModel(arch.toStdString(), o);
        QCOMPARE(qlonglong(model->parameterCount()), expected);
        int64_t layerParams = 0;
        int64_t bnParams = 0;
        for (const auto &l : model->quantLayers())
            layerParams += l->weight.numel() + (l->bias.defined() ? l->bias.numel() : 0);
        for (const auto &m : model->modules(false)) {
            if (auto bn = std::dynamic_pointer_cast<models::FoldableBatchNorm2dImpl>(m))
                bnParams += bn->weight.numel() + bn->bias.numel();
        }
        QCOMPARE(qlonglong(layerParams + bnParams), expected);
    }

    void fmnistCnnIsSmall()
    {
        auto model = models::createModel("fmnist-cnn");
        QVERIFY(model->parameterCount() * 4 < 2 * 1000 * 1000);
    }

    void macs_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("size");
        QTest::addColumn<qlonglong>("expected");
        // Conv + linear multiply-accumulates counted with forward hooks on torchvision 0.14 models
        // (resnet18's 1.814 G is the "1.82 GFLOPS" of its model card).
        QTest::newRow("resnet18 224") << QStringLiteral("resnet18") << 224 << 1814073344LL;
        QTest::newRow("mobilenet_v2 224") << QStringLiteral("mobilenet_v2") << 224 << 300774272LL;
        QTest::newRow("efficientnet_b0 224") << QStringLiteral("efficientnet_b0") << 224 << 385814752LL;
        QTest::newRow("fmnist-cnn 28") << QStringLiteral("fmnist-cnn") << 28 << qlonglong(fmnistMacs(1, 10));
    }

    void macs()
    {
        QFETCH(QString, arch);
        QFETCH(int, size);
        QFETCH(qlonglong, expected);
        auto model = models::createModel(arch.toStdString());
        model->train();
        const int64_t c = model->defaultInputShape()[0];
        QCOMPARE(qlonglong(model->totalMacs({c, size, size})), expected);
        QVERIFY(model->is_training()); // restored after the probe
    }

    void resnet18LayerOrder()
    {
        auto model = models::createModel("resnet18");
        const auto infos = model->layerInfos({3, 64, 64});
        QCOMPARE(int(infos.size()), 21); // 20 convolutions + fc
        QCOMPARE(QString::fromStdString(infos.front().name), QStringLiteral("conv1"));
        QCOMPARE(QString::fromStdString(infos[1].name), QStringLiteral("layer1.0.conv1"));
        QCOMPARE(QString::fromStdString(infos[7].name), QStringLiteral("layer2.0.downsample.0"));
        QCOMPARE(QString::fromStdString(infos.back().name), QStringLiteral("fc"));
        QVERIFY(infos.back().kind == models::LayerKind::Linear);
        QCOMPARE(infos.front().weightShape, (std::vector<int64_t>{64, 3, 7, 7}));
        QCOMPARE(infos.front().parameters, int64_t{64 * 3 * 7 * 7});
        QCOMPARE(infos.front().outputShape, (std::vector<int64_t>{64, 32, 32}));
        QCOMPARE(infos[7].inputShape, (std::vector<int64_t>{64, 16, 16}));
        // conv1 at 64x64: 32*32 outputs * 64 channels * 3*7*7.
        QCOMPARE(infos.front().macs, int64_t{32 * 32 * 64 * 3 * 49});
        // Every layer is named after its state-dict prefix.
        std::set<std::string> keys;
        for (const auto &[name, t] : model->stateDict())
            keys.insert(name);
        for (const auto &info : infos)
            QVERIFY2(keys.count(info.name + ".weight") == 1, info.name.c_str());
    }

    void stateDictNames_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("count");
        QTest::addColumn<QStringList>("samples");
        // Counts of torchvision's state_dict() entries (parameters + BN buffers incl. num_batches_tracked).
        QTest::newRow("resnet18") << QStringLiteral("resnet18") << 122
                                  << QStringList{QStringLiteral("conv1.weight"), QStringLiteral("bn1.running_var"),
                                                 QStringLiteral("layer2.0.downsample.1.num_batches_tracked"),
                                                 QStringLiteral("layer4.1.bn2.bias"), QStringLiteral("fc.bias")};
        QTest::newRow("mobilenet_v2") << QStringLiteral("mobilenet_v2") << 314
                                      << QStringList{QStringLiteral("features.0.0.weight"),
                                                     QStringLiteral("features.1.conv.0.0.weight"),
                                                     QStringLiteral("features.1.conv.2.running_mean"),
                                                     QStringLiteral("features.2.conv.3.weight"),
                                                     QStringLiteral("features.18.1.bias"),
                                                     QStringLiteral("classifier.1.weight")};
        QTest::newRow("efficientnet_b0") << QStringLiteral("efficientnet_b0") << 360
                                         << QStringList{QStringLiteral("features.0.0.weight"),
                                                        QStringLiteral("features.1.0.block.1.fc1.bias"),
                                                        QStringLiteral("features.1.0.block.2.1.running_var"),
                                                        QStringLiteral("features.2.0.block.3.0.weight"),
                                                        QStringLiteral("features.8.1.weight"),
                                                        QStringLiteral("classifier.1.bias")};
    }

    void stateDictNames()
    {
        QFETCH(QString, arch);
        QFETCH(int, count);
        QFETCH(QStringList, samples);
        auto model = models::createModel(arch.toStdString());
        const auto sd = model->stateDict();
        QCOMPARE(int(sd.size()), count);
        for (const auto &s : samples) {
            const bool found =
                std::any_of(sd.begin(), sd.end(), [&](const auto &p) { return p.first == s.toStdString(); });
            QVERIFY2(found, qPrintable(s));
        }
    }

    void forwardBlocks_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("blocks");
        QTest::newRow("fmnist-cnn") << QStringLiteral("fmnist-cnn") << 28 << 5;
        QTest::newRow("resnet20") << QStringLiteral("resnet20") << 32 << 11; // stem, 9 blocks, linear
        QTest::newRow("resnet18") << QStringLiteral("resnet18") << 64 << 10; // stem, 8 blocks, fc
        QTest::newRow("mobilenet_v2") << QStringLiteral("mobilenet_v2") << 64 << 20; // features.0..18, classifier
        QTest::newRow("efficientnet_b0") << QStringLiteral("efficientnet_b0") << 64
                                         << 19; // 0, 16 MBConv, 8, classifier
    }

    void forwardBlocks()
    {
        QFETCH(QString, arch);
        QFETCH(int, size);
        QFETCH(int, blocks);
        torch::manual_seed(3);
        auto model = models::createModel(arch.toStdString());
        model->eval();
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({2, model->defaultInputShape()[0], size, size});
        const auto outs = model->forwardBlocks(x);
        const auto names = model->blockNames();
        QCOMPARE(int(outs.size()), blocks);
        QCOMPARE(int(names.size()), blocks);
        QCOMPARE(std::set<std::string>(names.begin(), names.end()).size(), names.size());
        const auto logits = model->forward(x);
        QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2, model->numClasses()}));
        QVERIFY(torch::equal(outs.back(), logits));
        for (const auto &o : outs)
            QCOMPARE(o.size(0), int64_t{2});
    }

    void options()
    {
        models::ZooOptions o;
        o.inChannels = 1;
        o.numClasses = 7;
        auto model = models::createModel("resnet18", o);
        model->eval();
        torch::NoGradGuard noGrad;
        QCOMPARE(model->forward(torch::randn({2, 1, 64, 64})).sizes().vec(), (std::vector<int64_t>{2, 7}));
    }

    void fmnistActivation()
    {
        QVERIFY(models::activationFromName("swish") == models::Activation::Silu);
        QVERIFY(models::activationFromName("relu") == models::Activation::Relu);
        QVERIFY_THROWS_EXCEPTION(ql::core::Error, models::activationFromName("tanh"));
        models::ZooOptions relu;
        models::ZooOptions silu;
        silu.activation = models::Activation::Silu;
        torch::manual_seed(4);
        auto a = models::createModel("fmnist-cnn", relu);
        torch::manual_seed(4);
        auto b = models::createModel("fmnist-cnn", silu);
        a->eval();
        b->eval();
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({3, 1, 28, 28});
        // Same weights (same seed), different activation: different logits; the first block
        // output of the SiLU model is silu(bn(conv(x))), which has negative values ReLU never gives.
        QVERIFY(!torch::allclose(a->forward(x), b->forward(x)));
        QVERIFY(a->forwardBlocks(x).front().min().item<float>() >= 0.0f);
        QVERIFY(b->forwardBlocks(x).front().min().item<float>() < 0.0f);
    }

    void modeGuardRestoresModesAsTheyWere()
    {
        // Mixed modes and training mode before; everything FP32 and eval inside; as before after.
        auto model = models::createModel("fmnist-cnn");
        const auto layers = model->quantLayers();
        QVERIFY(layers.size() >= 3);
        layers[1]->setMode(models::LayerMode::FakeQuant);
        model->train(true);
        {
            const models::ModeGuard guard(*model);
            model->setMode(models::LayerMode::Fp32);
            model->eval();
            QCOMPARE(layers[1]->mode(), models::LayerMode::Fp32);
        }
        QVERIFY(model->is_training());
        for (size_t i = 0; i < layers.size(); ++i)
            QCOMPARE(layers[i]->mode(), i == 1 ? models::LayerMode::FakeQuant : models::LayerMode::Fp32);
    }

    void unknownNameIsAnError()
    {
        try {
            models::createModel("resnet19");
            QFAIL("no error for an unknown model");
        } catch (const ql::core::Error &e) {
            QVERIFY(std::string(e.what()).find("resnet19") != std::string::npos);
            QVERIFY(e.hint().find("mobilenet_v2") != std::string::npos);
        }
        models::ZooOptions bad;
        bad.numClasses = -1;
        QVERIFY_THROWS_EXCEPTION(ql::core::Error, models::createModel("fmnist-cnn", bad));
        auto model = models::createModel("fmnist-cnn");
        QVERIFY_THROWS_EXCEPTION(ql::core::Error, model->layerInfos({1, 28}));
    }
};

QL_TEST(TestZoo)
#include "tst_zoo.moc"
