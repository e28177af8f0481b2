// Quantizable layer wrappers: FP32 numerics equal to torch::nn, BN folding,
// fake-quant wiring of the weight and input quantizers.
#include "core/common/error.h"
#include "core/models/quant_layers.h"
#include "core/models/zoo.h"
#include "tests/support/testmain.h"

#include <QtTest>
#include <torch/torch.h>

namespace models = ql::core::models;
namespace quant = ql::core::quant;

class TestQuantLayers : public QObject {
    Q_OBJECT

private:
    static double maxAbsDiff(const torch::Tensor &a, const torch::Tensor &b)
    {
        return (a - b).abs().max().item<double>();
    }

private Q_SLOTS:
    void conv2dMatchesTorch_data()
    {
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("out");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<int>("padding");
        QTest::addColumn<int>("groups");
        QTest::addColumn<bool>("bias");
        QTest::newRow("3x3 s1 p1") << 3 << 8 << 3 << 1 << 1 << 1 << false;
        QTest::newRow("3x3 s2 p1 bias") << 4 << 6 << 3 << 2 << 1 << 1 << true;
        QTest::newRow("1x1") << 16 << 4 << 1 << 1 << 0 << 1 << true;
        QTest::newRow("7x7 s2 p3") << 3 << 5 << 7 << 2 << 3 << 1 << false;
        QTest::newRow("depthwise") << 8 << 8 << 3 << 1 << 1 << 8 << false;
        QTest::newRow("grouped") << 8 << 12 << 5 << 2 << 2 << 4 << true;
    }

    void conv2dMatchesTorch()
    {
        QFETCH(int, in);
        QFETCH(int, out);
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(int, padding);
        QFETCH(int, groups);
        QFETCH(bool, bias);
        torch::manual_seed(11);
        models::ConvOptions o;
        o.in = in;
        o.out = out;
        o.kernel = kernel;
        o.stride = stride;
        o.padding = padding;
        o.groups = groups;
        o.bias = bias;
        models::QuantConv2d q(o);
        torch::nn::Conv2d ref(
            torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).groups(groups).bias(bias));
        {
            torch::NoGradGuard noGrad;
            ref->weight.copy_(q->weight);
            if (bias)
                ref->bias.copy_(q->bias);
        }
        QCOMPARE(q->named_parameters().contains("bias"), bias);
        QVERIFY(q->named_parameters().contains("weight"));
        auto x = torch::randn({2, in, 13, 11});
        const auto y = q->forward(x);
        const auto r = ref->forward(x);
        QCOMPARE(y.sizes().vec(), r.sizes().vec());
        QVERIFY2(maxAbsDiff(y, r) < 1e-6, "QuantConv2d FP32 output differs from torch::nn::Conv2d");
        // The default initialisation follows PyTorch's bound 1/sqrt(fan_in) (kaiming_uniform a=sqrt(5)).
        const double bound = 1.0 / std::sqrt(static_cast<double>(in / groups * kernel * kernel));
        QVERIFY(q->weight.abs().max().item<double>() <= bound + 1e-7);
    }

    void linearMatchesTorch_data()
    {
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("out");
        QTest::addColumn<bool>("bias");
        QTest::newRow("10->3 bias") << 10 << 3 << true;
        QTest::newRow("64->10 no bias") << 64 << 10 << false;
        QTest::newRow("1->1") << 1 << 1 << true;
    }

    void linearMatchesTorch()
    {
        QFETCH(int, in);
        QFETCH(int, out);
        QFETCH(bool, bias);
        torch::manual_seed(12);
        models::QuantLinear q(in, out, bias);
        torch::nn::Linear ref(torch::nn::LinearOptions(in, out).bias(bias));
        {
            torch::NoGradGuard noGrad;
            ref->weight.copy_(q->weight);
            if (bias)
                ref->bias.copy_(q->bias);
        }
        auto x = torch::randn({5, in});
        QVERIFY(maxAbsDiff(q->forward(x), ref->forward(x)) < 1e-6);
    }

    void foldBatchNormEqualsConvBn_data()
    {
        QTest::addColumn<bool>("convBias");
        QTest::addColumn<int>("groups");
        QTest::addColumn<double>("eps");
        QTest::newRow("no bias") << false << 1 << 1e-5;
        QTest::newRow("bias") << true << 1 << 1e-5;
        QTest::newRow("depthwise eps 1e-3") << false << 6 << 1e-3;
    }

    void foldBatchNormEqualsConvBn()
    {
        QFETCH(bool, convBias);
        QFETCH(int, groups);
        QFETCH(double, eps);
        torch::manual_seed(13);
        models::ConvOptions o;
        o.in = 6;
        o.out = 6;
        o.kernel = 3;
        o.padding = 1;
        o.groups = groups;
        o.bias = convBias;
        models::QuantConv2d conv(o);
        models::FoldableBatchNorm2d bn(6, eps);
        {
            torch::NoGradGuard noGrad;
            bn->running_mean.normal_(0.0, 0.5);
            bn->running_var.uniform_(0.2, 3.0);
            bn->weight.uniform_(0.5, 2.0);
            bn->bias.normal_(0.0, 0.5);
        }
        bn->eval();
        const auto x = torch::randn({3, 6, 9, 9});
        const auto expected = bn->forward(conv->forward(x));
        // Independent reference: BN formula written out.
        const auto c = conv->forward(x);
        const auto manual = (c - bn->running_mean.view({1, -1, 1, 1})) /
                                torch::sqrt(bn->running_var.view({1, -1, 1, 1}) + eps) *
                                bn->weight.view({1, -1, 1, 1}) +
                            bn->bias.view({1, -1, 1, 1});
        QVERIFY(maxAbsDiff(expected, manual) < 1e-5);

        models::foldBatchNorm(*conv, *bn);
        QVERIFY(bn->folded());
        QVERIFY(conv->hasBias());
        const auto folded = bn->forward(conv->forward(x));
        QVERIFY2(maxAbsDiff(folded, expected) < 1e-4, "folded conv differs from conv+BN");
        // The BN is bypassed now: the conv alone gives the result.
        QVERIFY(maxAbsDiff(conv->forward(x), expected) < 1e-4);
        QVERIFY_THROWS_EXCEPTION(ql::core::Error, models::foldBatchNorm(*conv, *bn));
    }

    void foldMismatchedChannelsThrows()
    {
        models::ConvOptions o;
        o.in = 3;
        o.out = 4;
        models::QuantConv2d conv(o);
        models::FoldableBatchNorm2d bn(5);
        QVERIFY_THROWS_EXCEPTION(ql::core::Error, models::foldBatchNorm(*conv, *bn));
        QVERIFY(!bn->folded());
    }

    void modelFoldKeepsLogits_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("size");
        QTest::newRow("fmnist-cnn") << QStringLiteral("fmnist-cnn") << 28;
        QTest::newRow("resnet20") << QStringLiteral("resnet20") << 32;
        QTest::newRow("mobilenet_v2") << QStringLiteral("mobilenet_v2") << 64;
        QTest::newRow("efficientnet_b0") << QStringLiteral("efficientnet_b0") << 64;
    }

    void modelFoldKeepsLogits()
    {
        QFETCH(QString, arch);
        QFETCH(int, size);
        torch::manual_seed(14);
        auto model = models::createModel(arch.toStdString());
        {
            torch::NoGradGuard noGrad;
            for (const auto &m : model->modules(false)) {
                if (auto bn = std::dynamic_pointer_cast<models::FoldableBatchNorm2dImpl>(m)) {
                    bn->running_mean.normal_(0.0, 0.1);
                    bn->running_var.uniform_(0.5, 1.5);
                    bn->weight.uniform_(0.5, 1.5);
                }
            }
        }
        model->eval();
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({2, model->defaultInputShape()[0], size, size});
        const auto before = model->forward(x);
        QVERIFY(!model->batchNormsFolded());
        model->foldBatchNorms();
        QVERIFY(model->batchNormsFolded());
        const auto after = model->forward(x);
        const double scale = std::max(1.0, before.abs().max().item<double>());
        QVERIFY2(maxAbsDiff(before, after) / scale < 1e-4, qPrintable(arch));
    }

    void fakeQuantUsesWeightQuantizer()
    {
        torch::manual_seed(15);
        models::ConvOptions o;
        o.in = 4;
        o.out = 8;
        o.padding = 1;
        models::QuantConv2d conv(o);
        quant::QuantSpec spec;
        spec.method = quant::Method::Lsq;
        spec.bits = 3;
        spec.isSigned = true;
        auto wq = quant::makeQuantizer(spec, quant::Role::Weight, 8);
        wq->init({conv->weight.detach()});
        conv->setWeightQuantizer(wq);
        const auto x = torch::randn({2, 4, 6, 6});
        const auto fp = torch::conv2d(x, conv->weight, {}, 1, 1);

        // FP32 mode ignores the quantizer.
        QVERIFY(maxAbsDiff(conv->forward(x), fp) < 1e-6);

        conv->setMode(models::LayerMode::FakeQuant);
        const auto w = conv->effectiveWeight();
        // A 3-bit per-tensor quantizer leaves at most 8 distinct weight values.
        QVERIFY(std::get<0>(torch::_unique(w.detach())).numel() <= 8);
        QVERIFY(maxAbsDiff(w, conv->weight) > 1e-4);
        const auto y = conv->forward(x);
        QVERIFY(maxAbsDiff(y, torch::conv2d(x, w, {}, 1, 1)) < 1e-5);
        QVERIFY(maxAbsDiff(y, fp) > 1e-3);

        // The quantizer trains with the layer but is not part of the PyTorch state.
        QVERIFY(conv->named_children().contains(models::QuantLayerImpl::kWeightQuantizerName));
        conv->setWeightQuantizer(nullptr);
        QVERIFY(!conv->named_children().contains(models::QuantLayerImpl::kWeightQuantizerName));
        QVERIFY(maxAbsDiff(conv->forward(x), fp) < 1e-6);
    }

    void fakeQuantUsesInputQuantizer()
    {
        torch::manual_seed(16);
        models::QuantLinear fc(16, 4);
        quant::QuantSpec spec;
        spec.method = quant::Method::Lsq;
        spec.bits = 2;
        spec.isSigned = false;
        auto aq = quant::makeQuantizer(spec, quant::Role::Activation, 16);
        const auto x = torch::rand({8, 16});
        aq->init({x});
        fc->setInputQuantizer(aq);
        fc->setMode(models::LayerMode::FakeQuant);
        const auto xq = aq->forward(x);
        QVERIFY(std::get<0>(torch::_unique(xq.detach())).numel() <= 4);
        const auto y = fc->forward(x);
        QVERIFY(maxAbsDiff(y, torch::linear(xq, fc->weight, fc->bias)) < 1e-5);
        QVERIFY(maxAbsDiff(y, torch::linear(x, fc->weight, fc->bias)) > 1e-3);
    }

    void quantizerParametersStayOutOfStateDict()
    {
        auto model = models::createModel("fmnist-cnn");
        const auto before = model->stateDict().size();
        quant::QuantSpec spec;
        spec.method = quant::Method::Lsq;
        spec.bits = 4;
        spec.isSigned = true;
        auto layers = model->quantLayers();
        QVERIFY(!layers.empty());
        layers.front()->setWeightQuantizer(
            quant::makeQuantizer(spec, quant::Role::Weight, layers.front()->outChannels()));
        QCOMPARE(model->stateDict().size(), before);
        int64_t all = 0;
        for (const auto &p : model->parameters())
            all += p.numel();
        QVERIFY(all > model->parameterCount());
    }
};

QL_TEST(TestQuantLayers)
#include "tst_quant_layers.moc"
