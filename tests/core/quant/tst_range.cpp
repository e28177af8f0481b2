// PTQ range setters (min-max, percentile, MSE clipping; per tensor and per channel) and PACT.
#include "core/common/error.h"
#include "core/quant/pact.h"
#include "core/quant/range.h"
#include "core/quant/validate.h"
#include "tests/support/testmain.h"

#include "helpers.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <cmath>

namespace ql::core::quant {

using qltest::vec;

namespace {

QuantSpec rangeSpec(Method m, int bits, bool isSigned, bool perChannel = false, double pct = 99.99)
{
    QuantSpec s;
    s.method = m;
    s.bits = bits;
    s.isSigned = isSigned;
    s.perChannel = perChannel;
    s.percentile = pct;
    return s;
}

} // namespace

class TestRange : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void percentiles_data();
    void percentiles();
    void setters_data();
    void setters();
    void perChannelMinMax();
    void mseIsGridOptimal();
    void mseBeatsMinMaxWithOutlier();
    void mseSearchesBothEnds();
    void mseNearExhaustiveSearch_data();
    void mseNearExhaustiveSearch();
    void stePassesThrough();
    void pactForward();
    void pactGradients();
    void pactInit();
    void errors();
};

void TestRange::percentiles_data()
{
    QTest::addColumn<double>("pct");
    QTest::addColumn<double>("expected");
    // {1..5}: position pct/100 * 4 between order statistics.
    QTest::newRow("50") << 50.0 << 3.0;
    QTest::newRow("90") << 90.0 << 4.6;
    QTest::newRow("100") << 100.0 << 5.0;
    QTest::newRow("12.5") << 12.5 << 1.5;
}

void TestRange::percentiles()
{
    QFETCH(double, pct);
    QFETCH(double, expected);
    QVERIFY(std::abs(percentileOf(vec({5, 1, 4, 2, 3}).unsqueeze(0), pct).item<double>() - expected) < 1e-12);
}

void TestRange::setters_data()
{
    QTest::addColumn<int>("method");
    QTest::addColumn<int>("bits");
    QTest::addColumn<bool>("isSigned");
    QTest::addColumn<double>("pct");
    QTest::addColumn<std::vector<double>>("x");
    QTest::addColumn<double>("step");
    QTest::addColumn<double>("offset");
    QTest::addColumn<std::vector<double>>("expected");
    // Signed min-max 4b: s = 7/7; -3.5 -> -4 (half to even), 7 stays.
    QTest::newRow("minmax signed 4b") << int(Method::MinMax) << 4 << true << 99.0
                                      << std::vector<double>{-3.5, 1, 7, 2.5} << 1.0 << 0.0
                                      << std::vector<double>{-4, 1, 7, 2};
    // Unsigned min-max 2b: [0.5, 3.5] -> s = 1, beta = 0.5; (x - .5) = [0, 1.5, 3] -> [0, 2, 3].
    QTest::newRow("minmax unsigned 2b") << int(Method::MinMax) << 2 << false << 99.0 << std::vector<double>{0.5, 2, 3.5}
                                        << 1.0 << 0.5 << std::vector<double>{0.5, 2.5, 3.5};
    // Signed percentile 3b on |x| = {0, 1, 2, 3, 20}: 75th -> 3, s = 1; 20 clips to 3.
    QTest::newRow("percentile signed 3b")
        << int(Method::Percentile) << 3 << true << 75.0 << std::vector<double>{0, -1, 2, 3, -20} << 1.0 << 0.0
        << std::vector<double>{0, -1, 2, 3, -4};
    // Unsigned percentile 2b on {0, 1, 2.2, 3, 30}: 25th -> 1, 75th -> 3: s = 2/3, beta = 1;
    // (2.2 - 1) / s = 1.8 -> 2.
    QTest::newRow("percentile unsigned 2b")
        << int(Method::Percentile) << 2 << false << 75.0 << std::vector<double>{0, 1, 2.2, 3, 30} << 2.0 / 3 << 1.0
        << std::vector<double>{1, 1, 1 + 4.0 / 3, 3, 3};
}

void TestRange::setters()
{
    QFETCH(int, method);
    QFETCH(int, bits);
    QFETCH(bool, isSigned);
    QFETCH(double, pct);
    QFETCH(std::vector<double>, x);
    QFETCH(double, step);
    QFETCH(double, offset);
    QFETCH(std::vector<double>, expected);
    RangeQuantizer q(rangeSpec(static_cast<Method>(method), bits, isSigned, false, pct), Role::Activation, 0);
    q->init({vec(x)});
    QVERIFY(std::abs(q->step.item<double>() - step) < 1e-6);
    QVERIFY(std::abs(q->offset.item<double>() - offset) < 1e-6);
    QL_COMPARE_TENSORS(q->forward(vec(x).to(torch::kFloat)), vec(expected), 1e-6);
}

void TestRange::perChannelMinMax()
{
    RangeQuantizer q(rangeSpec(Method::MinMax, 3, true, true), Role::Weight, 2);
    const torch::Tensor w = vec({1, -3, 0.5, 0.25}).view({2, 2}).to(torch::kFloat);
    q->init({w});
    QL_COMPARE_TENSORS(q->step, vec({1.0, 0.5 / 3}), 1e-7);
    // Row 1: 0.25 / (1/6) = 1.5 -> 2 -> 1/3.
    QL_COMPARE_TENSORS(q->forward(w), vec({1, -3, 0.5, 1.0 / 3}), 1e-6);
    QCOMPARE(q->levels().sizes(), (std::vector<int64_t>{2, 8}));
    QL_COMPARE_TENSORS(q->integerCodes(w), vec({1, -3, 3, 2}), 0.0);
}

void TestRange::mseIsGridOptimal()
{
    torch::manual_seed(4);
    const torch::Tensor rows = torch::randn({3, 200}, torch::kDouble) * vec({1, 0.1, 5}).unsqueeze(1);
    const torch::Tensor s = mseSymmetricStep(rows, -8, 7);
    for (int64_t c = 0; c < 3; ++c) {
        const torch::Tensor r = rows[c];
        auto err = [&](double st) {
            return (torch::round(torch::clamp(r / st, -8, 7)) * st - r).pow(2).sum().item<double>();
        };
        const double chosen = err(s[c].item<double>());
        const double amax = r.abs().max().item<double>();
        for (int i = 1; i <= 100; ++i)
            QVERIFY(chosen <= err(amax / 7 * i / 100.0) + 1e-12);
    }
}

void TestRange::mseBeatsMinMaxWithOutlier()
{
    torch::manual_seed(9);
    torch::Tensor w = torch::randn({4, 256});
    w[2][17] = 25.0; // one outlier in channel 2
    for (bool perChannel : {false, true}) {
        RangeQuantizer mm(rangeSpec(Method::MinMax, 4, true, perChannel), Role::Weight, 4);
        RangeQuantizer mse(rangeSpec(Method::Mse, 4, true, perChannel), Role::Weight, 4);
        mm->init({w});
        mse->init({w});
        const double eMm = (mm->forward(w) - w).pow(2).mean().item<double>();
        const double eMse = (mse->forward(w) - w).pow(2).mean().item<double>();
        QVERIFY2(eMse < eMm, qPrintable(QStringLiteral("%1 vs %2").arg(eMse).arg(eMm)));
    }
    // Unsigned MSE on a skewed, long-tailed activation.
    const torch::Tensor a = torch::exp(torch::randn({5000}));
    RangeQuantizer mm(rangeSpec(Method::MinMax, 3, false), Role::Activation, 0);
    RangeQuantizer mse(rangeSpec(Method::Mse, 3, false), Role::Activation, 0);
    mm->init({a});
    mse->init({a});
    QVERIFY((mse->forward(a) - a).pow(2).mean().item<double>() < (mm->forward(a) - a).pow(2).mean().item<double>());
}

void TestRange::mseSearchesBothEnds()
{
    // A Swish input: a short negative side (down to -0.278, where most negative values pile up)
    // and a long positive tail. Shrinking both ends by one factor clips the negative side to cut
    // the tail; searching each end alone keeps more of it and lowers the error.
    torch::manual_seed(3);
    const torch::Tensor z = torch::randn({50000});
    const torch::Tensor a = z * torch::sigmoid(z);
    RangeQuantizer mse(rangeSpec(Method::Mse, 4, false), Role::Activation, 0);
    mse->init({a});
    const double lo = mse->offset.item<double>();
    // The best range with both ends scaled together, by brute force.
    const double lo0 = a.min().item<double>(), hi0 = a.max().item<double>();
    double bestJoint = std::numeric_limits<double>::infinity(), jointLo = 0;
    for (int i = 1; i <= 100; ++i) {
        const double l = lo0 * (i / 100.0), h = hi0 * (i / 100.0), st = (h - l) / 15;
        const torch::Tensor q = torch::round(torch::clamp((a - l) / st, 0, 15)) * st + l;
        const double e = (q - a).pow(2).mean().item<double>();
        if (e < bestJoint) {
            bestJoint = e;
            jointLo = l;
        }
    }
    const double err = (mse->forward(a) - a).pow(2).mean().item<double>();
    QVERIFY2(err < 0.9 * bestJoint, qPrintable(QStringLiteral("%1 vs %2").arg(err).arg(bestJoint)));
    QVERIFY2(lo < jointLo, qPrintable(QStringLiteral("%1 vs %2").arg(lo).arg(jointLo)));
}

void TestRange::mseNearExhaustiveSearch_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("bits");
    for (const char *kind : {"swish", "relu", "gaussian", "heavy"})
        for (int bits : {2, 3, 4, 8})
            QTest::newRow(qPrintable(QStringLiteral("%1 %2b").arg(QLatin1String(kind)).arg(bits)))
                << QString::fromLatin1(kind) << bits;
}

void TestRange::mseNearExhaustiveSearch()
{
    // Two rows (per-channel search) of different shapes; each row's range is within 1 % of the
    // best of a 100 x 100 brute-force search and never worse than min-max.
    QFETCH(QString, kind);
    QFETCH(int, bits);
    const double steps = std::pow(2.0, bits) - 1;
    const torch::Tensor a = qltest::distribution(kind.toStdString(), 2048, 11);
    const torch::Tensor b = 3 * qltest::distribution(kind.toStdString(), 2048, 12) + 0.5;
    const auto [lo, hi] = detail::mseClipRange(torch::stack({a, b}), steps);
    QCOMPARE(lo.scalar_type(), torch::kDouble);
    for (int r = 0; r < 2; ++r) {
        const torch::Tensor x = r == 0 ? a : b;
        const double err = qltest::offsetGridMse(x, lo[r].item<double>(), hi[r].item<double>(), steps);
        const double brute = qltest::exhaustiveOffsetGridMse(x, steps);
        const double minmax = qltest::offsetGridMse(x, x.min().item<double>(), x.max().item<double>(), steps);
        QVERIFY2(
            err <= 1.01 * brute && err <= minmax,
            qPrintable(
                QStringLiteral("row %1: %2 vs brute force %3, min-max %4").arg(r).arg(err).arg(brute).arg(minmax)));
    }
}

void TestRange::stePassesThrough()
{
    RangeQuantizer q(rangeSpec(Method::MinMax, 4, true), Role::Weight, 0);
    const torch::Tensor x = vec({-2, 0.3, 1.0}).to(torch::kFloat).requires_grad_(true);
    q->init({x.detach()});
    q->forward(x).sum().backward();
    QL_COMPARE_TENSORS(x.grad(), vec({1, 1, 1}), 0.0);
}

void TestRange::pactForward()
{
    // 2b, alpha 3: k = 3, y = clamp(x, 0, 3); round(y) half to even.
    PactQuantizer q(rangeSpec(Method::Pact, 2, false));
    q->to(torch::kDouble);
    q->setAlpha(3.0);
    QL_COMPARE_TENSORS(q->forward(vec({-1, 0.5, 1.5, 2.5, 4})), vec({0, 0, 2, 2, 3}), 1e-12);
    // 3b, alpha 1.75: k = 7, step 0.25; 0.375 -> 1.5 -> 2; 0.625 -> 2.5 -> 2 (half to even).
    PactQuantizer r(rangeSpec(Method::Pact, 3, false));
    r->to(torch::kDouble);
    r->setAlpha(1.75);
    QL_COMPARE_TENSORS(r->forward(vec({0.375, 0.625, 9})), vec({0.5, 0.5, 1.75}), 1e-12);
    QL_COMPARE_TENSORS(r->integerCodes(vec({0.375, 0.625, 9})), vec({2, 2, 7}), 0.0);
}

void TestRange::pactGradients()
{
    PactQuantizer q(rangeSpec(Method::Pact, 2, false));
    q->to(torch::kDouble);
    q->setAlpha(3.0);
    const torch::Tensor x = vec({-1, 0.5, 1.5, 3.0, 4, 7}).requires_grad_(true);
    const torch::Tensor w = vec({1, 2, 3, 4, 5, 6});
    (w * q->forward(x)).sum().backward();
    QL_COMPARE_TENSORS(x.grad(), vec({0, 2, 3, 4, 0, 0}), 0.0);
    QVERIFY(std::abs(q->alpha.grad().item<double>() - 11.0) < 1e-12); // x > alpha: 5 + 6
    // Finite difference on the smooth part (x above alpha: x_hat = alpha).
    const torch::Tensor xs = vec({4, 7});
    auto loss = [&](double a) {
        torch::NoGradGuard noGrad;
        q->setAlpha(a);
        return (vec({5, 6}) * q->forward(xs)).sum().item<double>();
    };
    const double h = 1e-6;
    QVERIFY(std::abs((loss(3 + h) - loss(3 - h)) / (2 * h) - 11.0) < 1e-7);
}

void TestRange::pactInit()
{
    PactQuantizer q(rangeSpec(Method::Pact, 4, false, false, 100.0));
    q->init({vec({0.5, 2}), vec({6.5, 1})});
    QVERIFY(std::abs(q->alpha.item<double>() - 6.5) < 1e-6);
}

void TestRange::errors()
{
    QL_EXPECT_ERROR(RangeQuantizer(rangeSpec(Method::Mse, 1, true), Role::Weight, 0), "mse", "bits = 1");
    QL_EXPECT_ERROR(RangeQuantizer(rangeSpec(Method::MinMax, 4, false, true), Role::Activation, 4), "MinMax",
                    "per-channel");
    RangeQuantizer q(rangeSpec(Method::Percentile, 4, true), Role::Weight, 0);
    QL_EXPECT_ERROR(q->init({}), "Percentile", "empty");
    QL_EXPECT_ERROR(q->init({vec({1, std::nan("")})}), "Percentile", "non-finite");
    QL_EXPECT_ERROR(q->init({torch::zeros({3})}), "Percentile", "positive", "0");
    RangeQuantizer pc(rangeSpec(Method::MinMax, 4, true, true), Role::Weight, 3);
    QL_EXPECT_ERROR(pc->init({torch::ones({2, 2})}), "MinMax", "2 output channels");
    QL_EXPECT_ERROR(PactQuantizer(rangeSpec(Method::Pact, 4, true)), "PACT", "signed");
    QL_EXPECT_ERROR(PactQuantizer(rangeSpec(Method::Pact, 17, false)), "pact", "bits = 17");
    PactQuantizer p(rangeSpec(Method::Pact, 4, false));
    QL_EXPECT_ERROR(p->setAlpha(-2.0), "PACT", "alpha", "-2");
    QL_EXPECT_ERROR(percentileOf(vec({1, 2}).unsqueeze(0), 0.0), "percentile");
}

} // namespace ql::core::quant

QL_TEST(ql::core::quant::TestRange)
#include "tst_range.moc"
