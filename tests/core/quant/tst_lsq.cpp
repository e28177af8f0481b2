// LSQ and LSQ+: forward on hand-computed values, the paper's gradients,
// the initialisations, the four LSQ+ configurations and the error paths.
#include "core/common/error.h"
#include "core/quant/lsq.h"
#include "core/quant/quantizer.h"
#include "core/quant/ste.h"
#include "tests/support/testmain.h"

#include "helpers.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <cmath>

namespace ql::core::quant {

using qltest::vec;

namespace {

QuantSpec lsqSpec(int bits, bool isSigned, GradScale g = GradScale::None)
{
    QuantSpec s;
    s.method = Method::Lsq;
    s.bits = bits;
    s.isSigned = isSigned;
    s.gradScale = g;
    return s;
}

QuantSpec lsqPlusSpec(int bits, int config, GradScale g = GradScale::None, InitMode init = InitMode::Default)
{
    QuantSpec s;
    s.method = Method::LsqPlus;
    s.bits = bits;
    s.lsqPlusConfig = config;
    s.gradScale = g;
    s.init = init;
    return s;
}

torch::Tensor swishSample(int64_t count)
{
    torch::manual_seed(7);
    const torch::Tensor z = torch::randn({count}, torch::kDouble) * 2.0 + 0.5;
    return z * torch::sigmoid(z);
}

} // namespace

class TestLsq : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void forward_data();
    void forward();
    void perChannelForward();
    void stepGradient_data();
    void stepGradient();
    void gradScaleFactor();
    void finiteDifferenceClampRegions();
    void lsqInit_data();
    void lsqInit();
    void lsqPlusWeightInit();
    void lsqPlusMinMaxInit_data();
    void lsqPlusMinMaxInit();
    void mseInitBeatsMinMax_data();
    void mseInitBeatsMinMax();
    void mseInitReachesTheOptimum_data();
    void mseInitReachesTheOptimum();
    void lsqPlusConfigs_data();
    void lsqPlusConfigs();
    void offsetGradient();
    void offsetFiniteDifference();
    void foldOffset();
    void levelsAndCodes();
    void errors();
};

void TestLsq::forward_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<bool>("isSigned");
    QTest::addColumn<double>("step");
    QTest::addColumn<std::vector<double>>("x");
    QTest::addColumn<std::vector<double>>("expected");
    // v = x/s; clamp to [n, p]; round half to even; times s.
    QTest::newRow("2b unsigned s=1, halves to even, clipped")
        << 2 << false << 1.0 << std::vector<double>{-1, 0.5, 1.5, 2.5, 3.4, 5} << std::vector<double>{0, 0, 2, 2, 3, 3};
    QTest::newRow("3b signed s=0.5, -2.5 -> -2, 4 -> p=3")
        << 3 << true << 0.5 << std::vector<double>{-3, -1.25, -0.25, 0.75, 1.25, 2}
        << std::vector<double>{-2, -1, 0, 1, 1, 1.5};
    QTest::newRow("4b unsigned s=0.25") << 4 << false << 0.25 << std::vector<double>{0.125, 0.375, 3.9, -0.1, 1.0}
                                        << std::vector<double>{0, 0.5, 3.75, 0, 1};
    QTest::newRow("8b signed s=0.125, both clip ends")
        << 8 << true << 0.125 << std::vector<double>{0.0625, 0.1875, -0.3125, 20, -20}
        << std::vector<double>{0, 0.25, -0.25, 15.875, -16};
    QTest::newRow("16b unsigned s=2^-10")
        << 16 << false << std::ldexp(1.0, -10) << std::vector<double>{std::ldexp(2.5, -10), 100.0, -1.0}
        << std::vector<double>{std::ldexp(2.0, -10), 65535 * std::ldexp(1.0, -10), 0};
}

void TestLsq::forward()
{
    QFETCH(int, bits);
    QFETCH(bool, isSigned);
    QFETCH(double, step);
    QFETCH(std::vector<double>, x);
    QFETCH(std::vector<double>, expected);
    LsqQuantizer q(lsqSpec(bits, isSigned), Role::Activation, 0);
    q->setParameters(torch::tensor(step));
    QL_COMPARE_TENSORS(q->forward(vec(x).unsqueeze(0)), vec(expected), 1e-12);
}

void TestLsq::perChannelForward()
{
    QuantSpec spec = lsqSpec(3, true);
    spec.perChannel = true;
    LsqQuantizer q(spec, Role::Weight, 2);
    q->setParameters(vec({0.5, 2.0}));
    const torch::Tensor w = vec({0.25, 0.75, 5, 3, -5, -100}).view({2, 3});
    // Row 0: v = [0.5, 1.5, 10] -> [0, 2, 3]; row 1: v = [1.5, -2.5, -50] -> [2, -2, -4].
    QL_COMPARE_TENSORS(q->forward(w), vec({0, 1, 1.5, 4, -4, -8}), 1e-12);
}

void TestLsq::stepGradient_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<bool>("isSigned");
    QTest::addColumn<double>("step");
    QTest::addColumn<std::vector<double>>("x");
    QTest::addColumn<std::vector<double>>("dx");
    QTest::addColumn<double>("ds");
    // ds = sum of: round(v) - v inside, n below, p above.
    QTest::newRow("2b unsigned") << 2 << false << 1.0 << std::vector<double>{-1, 0.4, 1.6, 5}
                                 << std::vector<double>{0, 1, 1, 0} << (0 - 0.4 + 0.4 + 3);
    QTest::newRow("3b signed") << 3 << true << 0.5 << std::vector<double>{-3, 0.3, 0.7, 1.5}
                               << std::vector<double>{0, 1, 1, 1} << (-4 + 0.4 - 0.4 + 0.0);
    QTest::newRow("4b signed, edges count as inside") << 4 << true << 1.0 << std::vector<double>{-8, 7, 7.25, -8.5}
                                                      << std::vector<double>{1, 1, 0, 0} << (0.0 + 0.0 + 7 - 8);
}

void TestLsq::stepGradient()
{
    QFETCH(int, bits);
    QFETCH(bool, isSigned);
    QFETCH(double, step);
    QFETCH(std::vector<double>, x);
    QFETCH(std::vector<double>, dx);
    QFETCH(double, ds);
    const torch::Tensor xt = vec(x).requires_grad_(true);
    const torch::Tensor s = torch::tensor(step, torch::kDouble).requires_grad_(true);
    const IntRange r = intRange(bits, isSigned);
    lsqQuantize(xt, s, {}, static_cast<double>(r.lo), static_cast<double>(r.hi), 1.0, 1.0).sum().backward();
    QL_COMPARE_TENSORS(xt.grad(), vec(dx), 1e-12);
    QVERIFY(std::abs(s.grad().item<double>() - ds) < 1e-12);
}

void TestLsq::gradScaleFactor()
{
    // Activation [batch 2, 3, 2]: N_g = one sample's 6 elements; 4-bit unsigned p = 15.
    LsqQuantizer act(lsqSpec(4, false, GradScale::PerTensor), Role::Activation, 0);
    const torch::Tensor x = torch::rand({2, 3, 2});
    QVERIFY(std::abs(act->gradScale(x) - 1.0 / std::sqrt(6.0 * 15.0)) < 1e-12);
    // Per-channel weight [4, 5]: N_g = 5 per channel; signed 3-bit p = 3.
    QuantSpec pc = lsqSpec(3, true, GradScale::PerChannel);
    pc.perChannel = true;
    LsqQuantizer w(pc, Role::Weight, 4);
    QVERIFY(std::abs(w->gradScale(torch::rand({4, 5})) - 1.0 / std::sqrt(5.0 * 3.0)) < 1e-12);
    // PerTensor on a weight counts every element.
    LsqQuantizer wt(lsqSpec(3, true, GradScale::PerTensor), Role::Weight, 0);
    QVERIFY(std::abs(wt->gradScale(torch::rand({4, 5})) - 1.0 / std::sqrt(20.0 * 3.0)) < 1e-12);
    // A bare spec follows the granularity: a per-channel weight counts one channel, a per-tensor
    // weight the whole tensor, an activation one sample.
    QuantSpec bare;
    bare.method = Method::Lsq;
    bare.bits = 3;
    bare.isSigned = true;
    bare.perChannel = true;
    LsqQuantizer autoPc(bare, Role::Weight, 4);
    QVERIFY(std::abs(autoPc->gradScale(torch::rand({4, 5})) - 1.0 / std::sqrt(5.0 * 3.0)) < 1e-12);
    bare.perChannel = false;
    LsqQuantizer autoPt(bare, Role::Weight, 0);
    QVERIFY(std::abs(autoPt->gradScale(torch::rand({4, 5})) - 1.0 / std::sqrt(20.0 * 3.0)) < 1e-12);
    bare.isSigned = false;
    bare.bits = 4;
    LsqQuantizer autoAct(bare, Role::Activation, 0);
    QVERIFY(std::abs(autoAct->gradScale(x) - 1.0 / std::sqrt(6.0 * 15.0)) < 1e-12);
    // The scale reaches the step gradient: all-above inputs give ds = g * p * count.
    act->setParameters(torch::tensor(0.1));
    const torch::Tensor big = torch::full({2, 3, 2}, 100.0);
    act->forward(big).sum().backward();
    QVERIFY(std::abs(act->step.grad().item<double>() - 12 * 15.0 / std::sqrt(90.0)) < 1e-4);
}

void TestLsq::finiteDifferenceClampRegions()
{
    // Outside [n, p] the quantizer is smooth in s (x_hat = n s or p s), so the
    // analytic gradient must equal central differences there (float64).
    const torch::Tensor x = vec({-9.0, -7.5, 8.0, 12.0});
    const torch::Tensor w = vec({0.3, -1.1, 0.7, 2.0}); // loss = sum w * x_hat
    const double s0 = 0.9;
    const double n = -4;
    const double p = 3;
    auto loss = [&](double s) {
        return (w * lsqQuantize(x, torch::tensor(s, torch::kDouble), {}, n, p, 1.0, 1.0)).sum().item<double>();
    };
    const torch::Tensor s = torch::tensor(s0, torch::kDouble).requires_grad_(true);
    const torch::Tensor xs = x.clone().requires_grad_(true);
    (w * lsqQuantize(xs, s, {}, n, p, 1.0, 1.0)).sum().backward();
    const double h = 1e-6;
    const double fd = (loss(s0 + h) - loss(s0 - h)) / (2 * h);
    QVERIFY2(std::abs(s.grad().item<double>() - fd) < 1e-7, qPrintable(QString::number(fd)));
    // And x_hat does not move with x there: the x gradient is zero, as is the finite difference.
    QL_COMPARE_TENSORS(xs.grad(), torch::zeros({4}), 0.0);
}

void TestLsq::lsqInit_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<bool>("isSigned");
    QTest::addColumn<double>("expected");
    // mean|x| of {1, -2, 3, -4} is 2.5: s0 = 2 * 2.5 / sqrt(p).
    QTest::newRow("4b unsigned p=15") << 4 << false << 5.0 / std::sqrt(15.0);
    QTest::newRow("4b signed p=7") << 4 << true << 5.0 / std::sqrt(7.0);
    QTest::newRow("2b signed p=1") << 2 << true << 5.0;
    QTest::newRow("8b signed p=127") << 8 << true << 5.0 / std::sqrt(127.0);
}

void TestLsq::lsqInit()
{
    QFETCH(int, bits);
    QFETCH(bool, isSigned);
    QFETCH(double, expected);
    LsqQuantizer q(lsqSpec(bits, isSigned), Role::Activation, 0);
    q->init({vec({1, -2}), vec({3, -4})});
    QVERIFY(std::abs(q->step.item<double>() - expected) < 1e-6);
    // Given min-max init, an LSQ activation starts at s = max(max/p, min/n) (no offset).
    QuantSpec mm = lsqSpec(bits, isSigned);
    mm.init = InitMode::MinMax;
    LsqQuantizer m(mm, Role::Activation, 0);
    m->init({vec({1, -2}), vec({3, -4})});
    const double p = isSigned ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
    const double minmax = isSigned ? std::max(3.0 / p, -4.0 / -(p + 1)) : 3.0 / p;
    QVERIFY2(std::abs(m->step.item<double>() - minmax) < 1e-6, qPrintable(QString::number(m->step.item<double>())));
    // Per channel: rows {1, -1} and {2, 4}, 3-bit signed p = 3.
    QuantSpec pc = lsqSpec(3, true);
    pc.perChannel = true;
    LsqQuantizer w(pc, Role::Weight, 2);
    w->init({vec({1, -1, 2, 4}).view({2, 2})});
    QL_COMPARE_TENSORS(w->step, vec({2.0 / std::sqrt(3.0), 6.0 / std::sqrt(3.0)}), 1e-6);
}

void TestLsq::lsqPlusWeightInit()
{
    // w = {1, 2, 3, 4}: mu = 2.5, population sigma = sqrt(1.25); s0 = max(|mu -+ 3 sigma|) / 2^(b-1).
    const double sigma = std::sqrt(1.25);
    for (int bits : {2, 4, 8}) {
        LsqQuantizer q(lsqPlusSpec(bits, 4), Role::Weight, 0);
        q->init({vec({1, 2, 3, 4})});
        const double expected = (2.5 + 3 * sigma) / std::ldexp(1.0, bits - 1);
        QVERIFY2(std::abs(q->step.item<double>() - expected) < 1e-6, qPrintable(QString::number(bits)));
        QVERIFY(!q->hasOffset()); // weights: symmetric, no offset
    }
    // Per channel: row 0 {-4, -2} (mu -3, sigma 1) -> |mu - 3 sigma| = 6; row 1 {0, 2} -> 4.
    QuantSpec pc = lsqPlusSpec(3, 4);
    pc.perChannel = true;
    LsqQuantizer w(pc, Role::Weight, 2);
    w->init({vec({-4, -2, 0, 2}).view({2, 2})});
    QL_COMPARE_TENSORS(w->step, vec({6.0 / 4, 4.0 / 4}), 1e-6);
}

void TestLsq::lsqPlusMinMaxInit_data()
{
    QTest::addColumn<int>("config");
    QTest::addColumn<double>("step");
    QTest::addColumn<double>("offset");
    // Data in [-0.5, 2.5], 4 bits.
    QTest::newRow("c1 unsigned, beta 0: s = max/p") << 1 << 2.5 / 15 << 0.0;
    QTest::newRow("c2 signed, beta 0: s = max(max/p, min/n)") << 2 << 2.5 / 7 << 0.0;
    QTest::newRow("c3 unsigned learned: s = 3/15, beta = min") << 3 << 0.2 << -0.5;
    QTest::newRow("c4 signed learned: s = 3/15, beta = min + 8 s") << 4 << 0.2 << (-0.5 + 8 * 0.2);
}

void TestLsq::lsqPlusMinMaxInit()
{
    QFETCH(int, config);
    QFETCH(double, step);
    QFETCH(double, offset);
    LsqQuantizer q(lsqPlusSpec(4, config, GradScale::None, InitMode::MinMax), Role::Activation, 0);
    q->init({vec({-0.5, 0.3}), vec({2.5, 1.0})});
    QVERIFY(std::abs(q->step.item<double>() - step) < 1e-6);
    const auto params = q->quantParameters();
    const double beta = params.count("offset") ? params.at("offset").item<double>() : 0.0;
    QVERIFY(std::abs(beta - offset) < 1e-6);
    // The clip range then covers the data exactly for the learned-offset configs.
    if (config >= 3) {
        const auto [lo, hi] = q->clipRange();
        QVERIFY(std::abs(lo.item<double>() + 0.5) < 1e-6);
        QVERIFY(std::abs(hi.item<double>() - 2.5) < 1e-6);
    }
}

void TestLsq::mseInitBeatsMinMax_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("config");
    QTest::newRow("W2A2 c4") << 2 << 4;
    QTest::newRow("3b c4") << 3 << 4;
    QTest::newRow("4b c4") << 4 << 4;
    QTest::newRow("4b c3") << 4 << 3;
    QTest::newRow("3b c1 (fixed offset)") << 3 << 1;
}

void TestLsq::mseInitBeatsMinMax()
{
    QFETCH(int, bits);
    QFETCH(int, config);
    const torch::Tensor x = swishSample(20000).to(torch::kFloat);
    const std::vector<torch::Tensor> calib{x.slice(0, 0, 10000), x.slice(0, 10000)};
    LsqQuantizer minmax(lsqPlusSpec(bits, config, GradScale::None, InitMode::MinMax), Role::Activation, 0);
    LsqQuantizer mse(lsqPlusSpec(bits, config, GradScale::None, InitMode::Mse), Role::Activation, 0);
    minmax->init(calib);
    mse->init(calib);
    torch::NoGradGuard noGrad;
    const double eMinMax = (minmax->forward(x.unsqueeze(0)).squeeze(0) - x).pow(2).mean().item<double>();
    const double eMse = (mse->forward(x.unsqueeze(0)).squeeze(0) - x).pow(2).mean().item<double>();
    QVERIFY2(eMse < 0.9 * eMinMax, qPrintable(QStringLiteral("mse %1 minmax %2").arg(eMse).arg(eMinMax)));
}

void TestLsq::mseInitReachesTheOptimum_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("config");
    for (int bits : {2, 3, 4})
        for (int config : {3, 4})
            QTest::addRow("%db c%d", bits, config) << bits << config;
}

void TestLsq::mseInitReachesTheOptimum()
{
    // x = silu(randn(4, 32, 7, 7) - 1): Swish's negative side (down to -0.28) is shorter than
    // any coarse step of the whole range, so the lower end needs a search of its own.
    QFETCH(int, bits);
    QFETCH(int, config);
    torch::manual_seed(0);
    const torch::Tensor x = torch::silu(torch::randn({4, 32, 7, 7}) - 1);
    LsqQuantizer q(lsqPlusSpec(bits, config, GradScale::None, InitMode::Mse), Role::Activation, 0);
    q->init({x});
    const IntRange r = q->codeRange();
    const auto params = q->quantParameters();
    const double s = params.at("step").item<double>(), beta = params.at("offset").item<double>();
    const double steps = static_cast<double>(r.hi - r.lo);
    // The LSQ+ grid as an offset grid: lo = beta + n s, hi = beta + p s.
    const double err = qltest::offsetGridMse(x, beta + r.lo * s, beta + r.hi * s, steps);
    const double brute = qltest::exhaustiveOffsetGridMse(x, steps);
    QVERIFY2(err <= 1.01 * brute, qPrintable(QStringLiteral("%1 vs brute force %2").arg(err).arg(brute)));
}

void TestLsq::lsqPlusConfigs_data()
{
    QTest::addColumn<int>("config");
    QTest::addColumn<qint64>("lo");
    QTest::addColumn<qint64>("hi");
    QTest::addColumn<bool>("learnedOffset");
    QTest::newRow("1") << 1 << qint64(0) << qint64(15) << false;
    QTest::newRow("2") << 2 << qint64(-8) << qint64(7) << false;
    QTest::newRow("3") << 3 << qint64(0) << qint64(15) << true;
    QTest::newRow("4") << 4 << qint64(-8) << qint64(7) << true;
}

void TestLsq::lsqPlusConfigs()
{
    QFETCH(int, config);
    QFETCH(qint64, lo);
    QFETCH(qint64, hi);
    QFETCH(bool, learnedOffset);
    LsqQuantizer q(lsqPlusSpec(4, config), Role::Activation, 0);
    QCOMPARE(q->range().lo, lo);
    QCOMPARE(q->range().hi, hi);
    QCOMPARE(q->hasOffset(), learnedOffset);
    int learnable = 0;
    for (const auto &p : q->parameters())
        learnable += p.requires_grad() ? 1 : 0;
    QCOMPARE(learnable, learnedOffset ? 2 : 1);
}

void TestLsq::offsetGradient()
{
    // x_hat = round(clamp((x - beta)/s)) s + beta: dbeta = 0 inside, 1 outside; ds as LSQ.
    const torch::Tensor x = vec({-10, 0.3, 0.8, 10}).requires_grad_(true);
    const torch::Tensor s = torch::tensor(0.5, torch::kDouble).requires_grad_(true);
    const torch::Tensor beta = torch::tensor(0.1, torch::kDouble).requires_grad_(true);
    const double g = 1.0 / std::sqrt(4.0 * 1.0);
    // 2-bit signed: n = -2, p = 1. v = [-20.2, 0.4, 1.4, 19.8].
    lsqQuantize(x, s, beta, -2, 1, g, g).sum().backward();
    QVERIFY(std::abs(beta.grad().item<double>() - g * 3.0) < 1e-12); // three of four outside
    QVERIFY(std::abs(s.grad().item<double>() - g * (-2 + (0 - 0.4) + 1 + 1)) < 1e-12);
    QL_COMPARE_TENSORS(x.grad(), vec({0, 1, 0, 0}), 1e-12);
}

void TestLsq::offsetFiniteDifference()
{
    // Outside the range x_hat = n s + beta or p s + beta: smooth in s and beta.
    const torch::Tensor x = vec({-10, -6, 9, 10});
    const torch::Tensor w = vec({0.5, 1.5, -0.25, 2.0});
    auto loss = [&](double s, double b) {
        return (w * lsqQuantize(x, torch::tensor(s, torch::kDouble), torch::tensor(b, torch::kDouble), -2, 1, 1, 1))
            .sum()
            .item<double>();
    };
    const torch::Tensor s = torch::tensor(0.7, torch::kDouble).requires_grad_(true);
    const torch::Tensor b = torch::tensor(-0.2, torch::kDouble).requires_grad_(true);
    (w * lsqQuantize(x, s, b, -2, 1, 1, 1)).sum().backward();
    const double h = 1e-6;
    QVERIFY(std::abs(s.grad().item<double>() - (loss(0.7 + h, -0.2) - loss(0.7 - h, -0.2)) / (2 * h)) < 1e-7);
    QVERIFY(std::abs(b.grad().item<double>() - (loss(0.7, -0.2 + h) - loss(0.7, -0.2 - h)) / (2 * h)) < 1e-7);
}

void TestLsq::foldOffset()
{
    const torch::Tensor weight = vec({1, 2, 3, 4}).view({2, 2});
    const torch::Tensor bias = vec({0.5, -1});
    QL_COMPARE_TENSORS(foldOffsetIntoBias(weight, bias, 0.25), vec({1.25, 0.75}), 1e-12);
    // W x_hat + b == s W x_int + folded bias, with x_hat = s x_int + beta.
    const torch::Tensor xint = vec({3, -2});
    const double s = 0.5;
    const double beta = 0.25;
    const torch::Tensor lhs = torch::matmul(weight, xint * s + beta) + bias;
    const torch::Tensor rhs = s * torch::matmul(weight, xint) + foldOffsetIntoBias(weight, bias, beta);
    QL_COMPARE_TENSORS(lhs, rhs, 1e-12);
}

void TestLsq::levelsAndCodes()
{
    LsqQuantizer q(lsqPlusSpec(2, 4, GradScale::None, InitMode::MinMax), Role::Activation, 0);
    q->setParameters(torch::tensor(0.5), torch::tensor(0.25));
    QL_COMPARE_TENSORS(q->levels(), vec({-0.75, -0.25, 0.25, 0.75}), 1e-7);
    // (x - 0.25)/0.5 = [-3.5, -0.5, 0.5, 5] -> clamp/round-half-even [-2, -0, 0, 1].
    QL_COMPARE_TENSORS(q->integerCodes(vec({-1.5, 0.0, 0.5, 2.75})), vec({-2, 0, 0, 1}), 0.0);
}

void TestLsq::errors()
{
    QL_EXPECT_ERROR(LsqQuantizer(lsqSpec(1, true), Role::Activation, 0), "lsq", "bits = 1");
    QL_EXPECT_ERROR(LsqQuantizer(lsqSpec(17, true), Role::Activation, 0), "lsq", "bits = 17");
    QL_EXPECT_ERROR(LsqQuantizer(lsqPlusSpec(4, 5), Role::Activation, 0), "lsqPlusConfig = 5");
    LsqQuantizer q(lsqSpec(4, false), Role::Activation, 0);
    QL_EXPECT_ERROR(q->setParameters(torch::tensor(-0.5)), "LSQ", "step size must be positive", "-0.5");
    QL_EXPECT_ERROR(q->setParameters(torch::tensor(0.0)), "LSQ", "positive", "0");
    QL_EXPECT_ERROR(q->init({}), "LSQ", "empty");
    QL_EXPECT_ERROR(q->init({vec({1.0, std::nan("")})}), "LSQ", "non-finite", "nan");
    QL_EXPECT_ERROR(q->init({vec({1.0, INFINITY})}), "LSQ", "non-finite", "inf");
    QL_EXPECT_ERROR(q->init({torch::empty({0})}), "LSQ", "empty");
    QL_EXPECT_ERROR(q->init({torch::zeros({4})}), "LSQ", "positive"); // all-zero data gives s0 = 0
    QuantSpec pc = lsqSpec(4, true);
    pc.perChannel = true;
    LsqQuantizer w(pc, Role::Weight, 3);
    QL_EXPECT_ERROR(w->init({torch::ones({2, 4})}), "LSQ", "2 output channels", "3");
}

} // namespace ql::core::quant

QL_TEST(ql::core::quant::TestLsq)
#include "tst_lsq.moc"
