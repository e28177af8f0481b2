// ASQ: per-sample step sizes from the adapter, the gradient split between s
// and beta(x), finite differences through the adapter, init and the overhead report.
#include "core/common/error.h"
#include "core/quant/asq.h"
#include "tests/support/testmain.h"

#include "helpers.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <cmath>

namespace ql::core::quant {

using qltest::vec;

namespace {

QuantSpec asqSpec(int bits, GradScale g = GradScale::None)
{
    QuantSpec s;
    s.method = Method::Asq;
    s.bits = bits;
    s.gradScale = g;
    return s;
}

// Makes the adapter output the constant beta (weights zero, bias beta).
void constantAdapter(AsqQuantizer &q, double beta)
{
    torch::NoGradGuard noGrad;
    q->adapter->out->weight.zero_();
    q->adapter->out->bias.fill_(beta);
}

} // namespace

class TestAsq : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void constantBetaForward_data();
    void constantBetaForward();
    void perSampleSteps();
    void gradientSplit();
    void gradScaleOnlyOnStep();
    void finiteDifferenceThroughAdapter();
    void init();
    void adapterShape_data();
    void adapterShape();
    void flattenedMapPoolsPerChannel();
    void overheadHandComputed();
    void overheadScalesAsOneOverB();
    void errors();
};

void TestAsq::constantBetaForward_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<double>("step");
    QTest::addColumn<double>("beta");
    QTest::addColumn<std::vector<double>>("x");
    QTest::addColumn<std::vector<double>>("expected");
    // s_a = s * beta; x_hat = round(clamp(x / s_a, 0, p)) * s_a, half to even.
    QTest::newRow("2b s=0.5 beta=2") << 2 << 0.5 << 2.0 << std::vector<double>{0.4, 1.5, 2.5, 9, -1}
                                     << std::vector<double>{0, 2, 2, 3, 0};
    QTest::newRow("3b s=1 beta=0.25") << 3 << 1.0 << 0.25 << std::vector<double>{0.125, 0.375, 0.3, 5}
                                      << std::vector<double>{0, 0.5, 0.25, 1.75};
    QTest::newRow("beta floor 1e-8") << 4 << 1.0 << -3.0 << std::vector<double>{1e-8, 1.7e-8, 1.0}
                                     << std::vector<double>{1e-8, 2e-8, 15e-8};
}

void TestAsq::constantBetaForward()
{
    QFETCH(int, bits);
    QFETCH(double, step);
    QFETCH(double, beta);
    QFETCH(std::vector<double>, x);
    QFETCH(std::vector<double>, expected);
    AsqQuantizer q(asqSpec(bits), 1);
    q->to(torch::kDouble);
    q->setStep(step);
    constantAdapter(q, beta);
    const torch::Tensor in = vec(x).view({1, 1, -1});
    QL_COMPARE_TENSORS(q->forward(in), vec(expected), 1e-15);
}

void TestAsq::perSampleSteps()
{
    // C = 1: beta = relu(mean over space) with weight 1, bias 0.
    AsqQuantizer q(asqSpec(2), 1);
    q->to(torch::kDouble);
    q->setStep(0.5);
    {
        torch::NoGradGuard noGrad;
        q->adapter->out->weight.fill_(1.0);
        q->adapter->out->bias.zero_();
    }
    // Sample 0: mean 2 -> s_a = 1, x/s_a = [1, 3] -> [1, 3].
    // Sample 1: mean 0.375 -> s_a = 0.1875, x/s_a = [2.67, 1.33] -> [3, 1] -> [0.5625, 0.1875].
    const torch::Tensor x = vec({1, 3, 0.5, 0.25}).view({2, 1, 2});
    QL_COMPARE_TENSORS(q->forward(x), vec({1, 3, 0.5625, 0.1875}), 1e-12);
    QL_COMPARE_TENSORS(q->sampleSteps(x), vec({1.0, 0.1875}), 1e-12);
    QL_COMPARE_TENSORS(q->quantParameters().at("beta"), vec({2.0, 0.375}), 1e-12);
    QL_COMPARE_TENSORS(q->integerCodes(x), vec({1, 3, 3, 1}), 0.0);
}

void TestAsq::gradientSplit()
{
    // Constant beta = 2, s = 0.5 (s_a = 1), 2-bit unsigned (p = 3), loss = sum x_hat.
    // Per sample dL/ds_a = sum(round(v) - v inside, p above):
    //   sample 0 x = [0.4, 5]   -> (0 - 0.4) + 3 = 2.6
    //   sample 1 x = [1.25, 2.5] -> (1 - 1.25) + (2 - 2.5) = -0.75
    // dL/ds = g * sum dL/ds_a * beta = 2 * 1.85 (g = 1); dL/dbeta_n = dL/ds_a_n * s, and
    // beta = relu(bias) passes it to the bias: dL/dbias = 0.5 * 1.85.
    AsqQuantizer q(asqSpec(2), 1);
    q->to(torch::kDouble);
    q->setStep(0.5);
    constantAdapter(q, 2.0);
    const torch::Tensor x = vec({0.4, 5, 1.25, 2.5}).view({2, 1, 2}).requires_grad_(true);
    q->forward(x).sum().backward();
    QVERIFY(std::abs(q->step.grad().item<double>() - 2.0 * 1.85) < 1e-12);
    QVERIFY(std::abs(q->adapter->out->bias.grad().item<double>() - 0.5 * 1.85) < 1e-12);
    // STE for x inside, 0 above (the adapter's weight is 0, so no path through the pool).
    QL_COMPARE_TENSORS(x.grad(), vec({1, 0, 1, 1}), 1e-12);
}

void TestAsq::gradScaleOnlyOnStep()
{
    torch::manual_seed(3);
    const torch::Tensor x = torch::rand({4, 8, 3, 3}, torch::kDouble) * 3;
    auto run = [&](GradScale g) {
        torch::manual_seed(11);
        AsqQuantizer q(asqSpec(3, g), 8);
        q->to(torch::kDouble);
        q->setStep(0.2);
        q->forward(x).pow(2).sum().backward();
        return std::pair{q->step.grad().item<double>(), q->adapter->out->bias.grad().item<double>()};
    };
    const auto [sNone, bNone] = run(GradScale::None);
    const auto [sScaled, bScaled] = run(GradScale::PerTensor);
    const double g = 1.0 / std::sqrt(72.0 * 7.0); // one sample has 8*3*3 = 72 elements, p = 7
    QVERIFY(std::abs(sNone) > 1e-6);
    QVERIFY(std::abs(sScaled - g * sNone) < 1e-9 * std::abs(sNone));
    QVERIFY(std::abs(bScaled - bNone) < 1e-12 * std::max(1.0, std::abs(bNone))); // beta's path has no g
}

void TestAsq::finiteDifferenceThroughAdapter()
{
    // Every value above p * s_a: x_hat = p * s * beta(x), smooth in s, in the adapter's
    // weights and in x (through the pool), so autograd must match central differences.
    torch::manual_seed(5);
    AsqQuantizer q(asqSpec(2), 8);
    q->to(torch::kDouble);
    q->setStep(0.01);
    {
        torch::NoGradGuard noGrad;
        q->adapter->out->weight.normal_(0.0, 0.3);
    }
    const torch::Tensor x = (torch::rand({3, 8, 2, 2}, torch::kDouble) + 1.0);
    const torch::Tensor w = torch::randn({3, 8, 2, 2}, torch::kDouble);
    auto loss = [&]() {
        torch::NoGradGuard noGrad;
        return (w * q->forward(x)).sum().item<double>();
    };
    const torch::Tensor xg = x.clone().requires_grad_(true);
    q->zero_grad();
    (w * q->forward(xg)).sum().backward();
    const double h = 1e-6;
    std::vector<std::pair<std::string, torch::Tensor>> params;
    for (const auto &p : q->named_parameters())
        params.emplace_back(p.key(), p.value());
    for (auto &[name, p] : params) {
        const torch::Tensor grad = p.grad().clone();
        const torch::Tensor flat = p.data().view({-1});
        for (int64_t i = 0; i < std::min<int64_t>(flat.numel(), 6); ++i) {
            const double orig = flat[i].item<double>();
            flat[i] = orig + h;
            const double up = loss();
            flat[i] = orig - h;
            const double down = loss();
            flat[i] = orig;
            const double fd = (up - down) / (2 * h);
            const double an = grad.view({-1})[i].item<double>();
            QVERIFY2(std::abs(fd - an) < 1e-6 * std::max(1.0, std::abs(fd)),
                     qPrintable(QStringLiteral("%1[%2]: fd %3 autograd %4")
                                    .arg(QString::fromStdString(name))
                                    .arg(i)
                                    .arg(fd)
                                    .arg(an)));
        }
    }
    // x: here the derivative is only the adapter path (the STE part is 0 above the range).
    const torch::Tensor xf = x.view({-1});
    for (int64_t i : {0, 7, 40, 95}) {
        const double orig = xf[i].item<double>();
        xf[i] = orig + h;
        const double up = loss();
        xf[i] = orig - h;
        const double down = loss();
        xf[i] = orig;
        const double fd = (up - down) / (2 * h);
        QVERIFY2(std::abs(fd - xg.grad().view({-1})[i].item<double>()) < 1e-6 * std::max(1.0, std::abs(fd)),
                 qPrintable(QString::number(fd)));
    }
}

void TestAsq::init()
{
    AsqQuantizer q(asqSpec(4), 16);
    q->init({vec({1, -2, 3, -4}), vec({0, 0})}); // mean|x| = 10/6
    QVERIFY(std::abs(q->step.item<double>() - 2.0 * (10.0 / 6.0) / std::sqrt(15.0)) < 1e-6);
    QCOMPARE(q->adapter->out->bias.item<double>(), 1.0);
    const torch::Tensor ow = q->adapter->out->weight;
    QVERIFY(ow.abs().max().item<double>() < 0.06); // N(0, 0.01^2): |w| < 6 sigma
    QVERIFY(ow.abs().max().item<double>() > 0.0);
    torch::manual_seed(2);
    const torch::Tensor beta = q->adapter->forward(torch::rand({6, 16, 4, 4}));
    QVERIFY((beta - 1.0).abs().max().item<double>() < 0.1); // the adapter starts close to 1
}

void TestAsq::adapterShape_data()
{
    QTest::addColumn<qint64>("channels");
    QTest::addColumn<bool>("hidden");
    QTest::addColumn<qint64>("params");
    QTest::newRow("C=4 single linear") << qint64(4) << false << qint64(5);
    QTest::newRow("C=7 single linear") << qint64(7) << false << qint64(8);
    QTest::newRow("C=8 two linears") << qint64(8) << true << qint64(8 * 2 + 2 + 2 + 1);
    QTest::newRow("C=64") << qint64(64) << true << qint64(64 * 16 + 16 + 16 + 1);
}

void TestAsq::adapterShape()
{
    QFETCH(qint64, channels);
    QFETCH(bool, hidden);
    QFETCH(qint64, params);
    AsqAdapter a(channels);
    QCOMPARE(static_cast<bool>(a->hidden), hidden);
    int64_t count = 0;
    for (const auto &p : a->parameters())
        count += p.numel();
    QCOMPARE(count, params);
    QCOMPARE(AsqAdapterImpl::parameterCount(channels), params);
}

void TestAsq::flattenedMapPoolsPerChannel()
{
    // A linear layer over a flattened [N, 16, 3, 3] map: the adapter sees the 16 channel means, so
    // the quantized output and every gradient equal those of the map itself, flattened.
    torch::manual_seed(5);
    AsqQuantizer onMap(asqSpec(3), 16), onFlat(asqSpec(3), 16);
    {
        torch::NoGradGuard noGrad;
        for (auto &w : onMap->adapter->parameters())
            w.normal_(0.0, 0.3);
        auto a = onMap->parameters(), b = onFlat->parameters();
        for (size_t i = 0; i < a.size(); ++i)
            b[i].copy_(a[i]);
    }
    onMap->setStep(0.2);
    onFlat->setStep(0.2);
    const torch::Tensor x = torch::randn({5, 16, 3, 3});
    // The pooled input by hand: channel c of sample n averages features 9c..9c+8.
    const torch::Tensor flatX = x.flatten(1);
    const torch::Tensor pooled = onFlat->adapter->pool(flatX);
    QCOMPARE(pooled.sizes().vec(), (std::vector<int64_t>{5, 16}));
    QVERIFY(std::abs(pooled[2][7].item<double>() - flatX[2].slice(0, 63, 72).mean().item<double>()) < 1e-6);
    const torch::Tensor xm = x.clone().requires_grad_(true), xf = flatX.clone().requires_grad_(true);
    const torch::Tensor weights = torch::randn({5, 16 * 9});
    const torch::Tensor ym = onMap->forward(xm), yf = onFlat->forward(xf);
    QVERIFY(torch::allclose(ym.flatten(1), yf, 0, 1e-6));
    (ym.flatten(1) * weights).sum().backward();
    (yf * weights).sum().backward();
    QVERIFY(torch::allclose(xm.grad().flatten(1), xf.grad(), 1e-5, 1e-6));
    auto a = onMap->parameters(), b = onFlat->parameters();
    for (size_t i = 0; i < a.size(); ++i)
        QVERIFY(torch::allclose(a[i].grad(), b[i].grad(), 1e-5, 1e-6));
    // Features that are not a whole number of positions per channel are refused.
    QL_EXPECT_ERROR(onFlat->forward(torch::rand({2, 16 * 9 + 1})), "ASQ", "16 channels");
}

void TestAsq::overheadHandComputed()
{
    // Conv 8->16 3x3 over 4x4 outputs with an adapter; 1x1 conv 16->4 without.
    const std::vector<LayerShape> layers{{8, 16, 3, 3, 16, true}, {16, 4, 1, 1, 16, false}};
    const AsqOverhead o4 = asqOverhead(layers, 4);
    QCOMPARE(o4.modelParams, 1216.0); // 8*16*9 + 16*4
    QCOMPARE(o4.adapterParams, 21.0); // 8*2 + 2 + 2 + 1
    QCOMPARE(o4.modelOps, 19456.0); // 1152*16 + 64*16
    QCOMPARE(o4.adapterOps, 26.0); // pool 8 + 8*2 + 2*1
    QVERIFY(std::abs(o4.paramShare - 32.0 * 21 / (4.0 * 1216)) < 1e-15);
    QVERIFY(std::abs(o4.computeShare - 32.0 * 26 / (4.0 * 19456)) < 1e-15);
}

void TestAsq::overheadScalesAsOneOverB()
{
    // A ResNet-18-like stack: the share times B is the same at every bit-width (paper's Table 1).
    std::vector<LayerShape> layers{{3, 64, 7, 7, 112 * 112, false}};
    for (int i = 0; i < 4; ++i)
        layers.push_back({64, 64, 3, 3, 56 * 56, true});
    for (int64_t c : {128, 256, 512}) {
        layers.push_back({c / 2, c, 3, 3, 1, true});
        for (int i = 0; i < 3; ++i)
            layers.push_back({c, c, 3, 3, 1, true});
    }
    layers.push_back({512, 1000, 1, 1, 1, false});
    const AsqOverhead at8 = asqOverhead(layers, 8);
    for (int b : {2, 3, 4, 8, 16}) {
        const AsqOverhead o = asqOverhead(layers, b);
        QVERIFY(std::abs(o.paramShare * b - at8.paramShare * 8) < 1e-12);
        QVERIFY(std::abs(o.computeShare * b - at8.computeShare * 8) < 1e-12);
        QVERIFY(o.paramShare > 0 && o.computeShare > 0);
    }
    // Halving B doubles the share, as 2.67% -> 5.34% in the paper.
    QVERIFY(std::abs(asqOverhead(layers, 4).paramShare - 2 * at8.paramShare) < 1e-12);
}

void TestAsq::errors()
{
    QL_EXPECT_ERROR(AsqQuantizer(asqSpec(1), 8), "asq", "bits = 1");
    QL_EXPECT_ERROR(AsqQuantizer(asqSpec(20), 8), "asq", "bits = 20");
    QL_EXPECT_ERROR(AsqQuantizer(asqSpec(4), 0), "ASQ", "channel count 0");
    AsqQuantizer q(asqSpec(4), 8);
    QL_EXPECT_ERROR(q->forward(torch::rand({2, 3, 4, 4})), "ASQ", "8 channels");
    QL_EXPECT_ERROR(q->init({}), "ASQ", "empty");
    QL_EXPECT_ERROR(q->init({vec({1.0, std::nan("")})}), "ASQ", "non-finite");
    QL_EXPECT_ERROR(q->setStep(-1.0), "ASQ", "positive", "-1");
    QL_EXPECT_ERROR(asqOverhead({}, 4), "empty");
    QL_EXPECT_ERROR(asqOverhead({{0, 4, 1, 1, 1, true}}, 4), "layer 0");
    QL_EXPECT_ERROR(asqOverhead({{4, 4, 1, 1, 1, true}}, 0), "bits = 0");
}

} // namespace ql::core::quant

QL_TEST(ql::core::quant::TestAsq)
#include "tst_asq.moc"
