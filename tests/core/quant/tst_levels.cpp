// POT, POST and APoT: level sets against the formulas, the projection
// quantizer's forward/gradients, and POST's integer LUT multiply (Eq. 18).
#include "core/common/error.h"
#include "core/quant/pot.h"
#include "tests/support/testmain.h"

#include "helpers.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <cmath>
#include <set>

namespace ql::core::quant {

using qltest::vec;

namespace {

QuantSpec levelSpec(Method m, int bits, PotVariant v = PotVariant::Paper)
{
    QuantSpec s;
    s.method = m;
    s.bits = bits;
    s.isSigned = true;
    s.potVariant = v;
    s.gradScale = GradScale::None;
    return s;
}

} // namespace

class TestLevels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void magnitudes_data();
    void magnitudes();
    void powerFormula_data();
    void powerFormula();
    void postCoarserThanPotNearZero();
    void apotSets_data();
    void apotSets();
    void levelSetSymmetric();
    void potForwardAndGradient();
    void alphaFiniteDifference();
    void perChannelPost();
    void percentileInit();
    void lutHandValues();
    void lutWithinOneLsb_data();
    void lutWithinOneLsb();
    void errors();
};

void TestLevels::magnitudes_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<std::vector<double>>("expected");
    const double r = std::sqrt(2.0);
    QTest::newRow("POT 3b paper") << 0 << std::vector<double>{0, 0.125, 0.25, 0.5, 1};
    QTest::newRow("POT 3b strict") << 1 << std::vector<double>{0, 0.25, 0.5, 1};
    QTest::newRow("POST 3b paper") << 2 << std::vector<double>{0, 1 / (2 * r), 0.5, 1 / r, 1};
    QTest::newRow("POST 3b strict") << 3 << std::vector<double>{0, 0.5, 1 / r, 1};
    QTest::newRow("POT 2b paper") << 4 << std::vector<double>{0, 0.5, 1};
    QTest::newRow("uniform 3b signed") << 5 << std::vector<double>{0, 1.0 / 3, 2.0 / 3, 1};
}

void TestLevels::magnitudes()
{
    QFETCH(int, which);
    QFETCH(std::vector<double>, expected);
    std::vector<double> got;
    switch (which) {
    case 0: got = potMagnitudes(3, PotVariant::Paper); break;
    case 1: got = potMagnitudes(3, PotVariant::Strict); break;
    case 2: got = postMagnitudes(3, PotVariant::Paper); break;
    case 3: got = postMagnitudes(3, PotVariant::Strict); break;
    case 4: got = potMagnitudes(2, PotVariant::Paper); break;
    default: got = uniformMagnitudes(3, true); break;
    }
    QL_COMPARE_TENSORS(vec(got), vec(expected), 1e-15);
}

void TestLevels::powerFormula_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<bool>("post");
    QTest::addColumn<bool>("strict");
    for (int b : {3, 4, 5})
        for (bool post : {false, true})
            for (bool strict : {false, true})
                QTest::newRow(qPrintable(QStringLiteral("%1 %2b %3")
                                             .arg(post ? QStringLiteral("POST") : QStringLiteral("POT"))
                                             .arg(b)
                                             .arg(strict ? QStringLiteral("strict") : QStringLiteral("paper"))))
                    << b << post << strict;
}

void TestLevels::powerFormula()
{
    QFETCH(int, bits);
    QFETCH(bool, post);
    QFETCH(bool, strict);
    const PotVariant v = strict ? PotVariant::Strict : PotVariant::Paper;
    const std::vector<double> m = post ? postMagnitudes(bits, v) : potMagnitudes(bits, v);
    // alpha * {0, +-base^-(2^(b-1)-1), ..., +-1}: 2^b + 1 signed levels (paper), 2^b - 1 (strict).
    const int nonZero = (1 << (bits - 1)) - (strict ? 1 : 0);
    QCOMPARE(static_cast<int>(m.size()), nonZero + 1);
    QCOMPARE(static_cast<int>(levelSet(m, true).size()), strict ? (1 << bits) - 1 : (1 << bits) + 1);
    const double base = post ? std::sqrt(2.0) : 2.0;
    QCOMPARE(m.front(), 0.0);
    for (int i = 1; i <= nonZero; ++i)
        QVERIFY(std::abs(m[static_cast<size_t>(i)] - std::pow(base, -(nonZero - i))) < 1e-15);
}

void TestLevels::postCoarserThanPotNearZero()
{
    for (int b : {3, 4, 5}) {
        const auto pot = potMagnitudes(b);
        const auto post = postMagnitudes(b);
        QVERIFY(post[1] > pot[1]); // the smallest non-zero level is larger
        auto countBelow = [](const std::vector<double> &m, double t) {
            return std::count_if(m.begin(), m.end(), [t](double x) { return x > 0 && x <= t; });
        };
        QVERIFY(countBelow(post, 0.2) < countBelow(pot, 0.2));
    }
    // The paper's Fig. 3 zoom (0..0.04 of alpha, 4 bits): POT has 2^-7, 2^-6, 2^-5 there, POST none.
    const auto pot4 = potMagnitudes(4);
    QCOMPARE(std::count_if(pot4.begin(), pot4.end(), [](double x) { return x > 0 && x <= 0.04; }), 3L);
    const auto post4 = postMagnitudes(4);
    QCOMPARE(std::count_if(post4.begin(), post4.end(), [](double x) { return x > 0 && x <= 0.04; }), 0L);
}

void TestLevels::apotSets_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<bool>("isSigned");
    QTest::addColumn<std::vector<std::vector<double>>>("terms");
    // Additive terms as in the APoT code's build_power_value; the expected set is
    // all sums, deduplicated and divided by the largest.
    QTest::newRow("signed 3b, m=2") << 3 << true << std::vector<std::vector<double>>{{0.5, 0.25, 0.125}};
    QTest::newRow("signed 4b, m=3 (2-bit + 1-bit term)")
        << 4 << true << std::vector<std::vector<double>>{{0.5, 0.25, 0.0625}, {0.125}};
    QTest::newRow("signed 5b, m=4") << 5 << true
                                    << std::vector<std::vector<double>>{{0.5, 0.125, 0.03125},
                                                                        {0.25, 0.0625, 0.015625}};
    QTest::newRow("signed 6b, m=5") << 6 << true
                                    << std::vector<std::vector<double>>{{0.5, 0.125, std::ldexp(1.0, -6)},
                                                                        {0.25, 0.0625, std::ldexp(1.0, -7)},
                                                                        {std::ldexp(1.0, -5)}};
    QTest::newRow("unsigned 4b, m=4") << 4 << false
                                      << std::vector<std::vector<double>>{{0.5, 0.125, 0.03125},
                                                                          {0.25, 0.0625, 0.015625}};
    QTest::newRow("signed 7b, m=6") << 7 << true
                                    << std::vector<std::vector<double>>{
                                           {0.5, std::ldexp(1.0, -4), std::ldexp(1.0, -7)},
                                           {0.25, std::ldexp(1.0, -5), std::ldexp(1.0, -8)},
                                           {0.125, std::ldexp(1.0, -6), std::ldexp(1.0, -9)}};
}

void TestLevels::apotSets()
{
    QFETCH(int, bits);
    QFETCH(bool, isSigned);
    QFETCH(std::vector<std::vector<double>>, terms);
    std::set<double> sums{0.0};
    for (const auto &t : terms) {
        std::set<double> next(sums);
        for (double s : sums)
            for (double p : t)
                next.insert(s + p);
        sums = next;
    }
    std::vector<double> expected;
    for (double s : sums)
        expected.push_back(s / *sums.rbegin());
    const auto got = apotMagnitudes(bits, isSigned);
    QL_COMPARE_TENSORS(vec(got), vec(expected), 1e-15);
    const int m = isSigned ? bits - 1 : bits;
    QCOMPARE(static_cast<int>(got.size()), 1 << m); // every combination is a distinct level
    // m = 3 by hand: {0, .0625, .125, .1875, .25, .375, .5, .625} / .625.
    if (m == 3)
        QL_COMPARE_TENSORS(vec(got), vec({0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0}), 1e-15);
}

void TestLevels::levelSetSymmetric()
{
    QL_COMPARE_TENSORS(vec(levelSet({0, 0.5, 1}, true)), vec({-1, -0.5, 0, 0.5, 1}), 0.0);
    QL_COMPARE_TENSORS(vec(levelSet({0, 0.5, 1}, false)), vec({0, 0.5, 1}), 0.0);
    LevelQuantizer q(levelSpec(Method::Pot, 3), Role::Weight, 0);
    q->setAlpha(torch::tensor(2.0));
    QL_COMPARE_TENSORS(q->levels(), vec({-2, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 2}), 1e-7);
}

void TestLevels::potForwardAndGradient()
{
    // POT 3b, alpha 2: u = x/2 = [.15, -.1, .7, 2.5, -.375, .0625]; magnitudes {0, 1/8, 1/4, 1/2, 1}.
    // -.375 and .0625 sit exactly between two magnitudes: ties go to the smaller.
    LevelQuantizer q(levelSpec(Method::Pot, 3), Role::Weight, 0);
    q->to(torch::kDouble);
    q->setAlpha(torch::tensor(2.0));
    const torch::Tensor x = vec({0.3, -0.2, 1.4, 5, -0.75, 0.125}).requires_grad_(true);
    const torch::Tensor out = q->forward(x);
    QL_COMPARE_TENSORS(out, vec({0.25, -0.25, 1.0, 2.0, -0.5, 0}), 1e-15);
    QL_COMPARE_TENSORS(q->integerCodes(x), vec({1, -1, 3, 4, -2, 0}), 0.0);
    out.sum().backward();
    QL_COMPARE_TENSORS(x.grad(), vec({1, 1, 1, 0, 1, 1}), 0.0);
    // dalpha = sum(q - u inside, sign outside) = -.025 - .025 - .2 + 1 + .125 - .0625.
    QVERIFY(std::abs(q->alpha.grad().item<double>() - 0.8125) < 1e-12);
    // The gradient scale multiplies it: g = 1/sqrt(6 * 4) for POT 3b (4 non-zero magnitudes).
    QuantSpec scaled = levelSpec(Method::Pot, 3);
    scaled.gradScale = GradScale::PerTensor;
    LevelQuantizer qs(scaled, Role::Weight, 0);
    qs->to(torch::kDouble);
    qs->setAlpha(torch::tensor(2.0));
    qs->forward(x.detach()).sum().backward();
    QVERIFY(std::abs(qs->alpha.grad().item<double>() - 0.8125 / std::sqrt(24.0)) < 1e-12);
}

void TestLevels::alphaFiniteDifference()
{
    // Outside |u| <= 1, x_hat = sign(x) alpha: smooth in alpha.
    LevelQuantizer q(levelSpec(Method::Post, 4), Role::Weight, 0);
    q->to(torch::kDouble);
    const torch::Tensor x = vec({5, -7, 9, -3.5});
    const torch::Tensor w = vec({0.5, 2, -1, 0.25});
    auto loss = [&](double a) {
        torch::NoGradGuard noGrad;
        q->setAlpha(torch::tensor(a, torch::kDouble)); // float64: the difference step is 1e-6
        return (w * q->forward(x)).sum().item<double>();
    };
    const double h = 1e-6;
    const double fd = (loss(1.5 + h) - loss(1.5 - h)) / (2 * h);
    q->setAlpha(torch::tensor(1.5));
    (w * q->forward(x)).sum().backward();
    QVERIFY2(std::abs(q->alpha.grad().item<double>() - fd) < 1e-7,
             qPrintable(QStringLiteral("%1 vs %2").arg(q->alpha.grad().item<double>()).arg(fd)));
    QVERIFY(std::abs(fd - (0.5 - 2 - 1 - 0.25)) < 1e-7);
}

void TestLevels::perChannelPost()
{
    // POST 2b magnitudes {0, 1/sqrt2, 1}; alpha = [1, 4].
    QuantSpec s = levelSpec(Method::Post, 2);
    s.perChannel = true;
    LevelQuantizer q(s, Role::Weight, 2);
    q->to(torch::kDouble);
    q->setAlpha(vec({1, 4}));
    const torch::Tensor w = vec({0.5, 0.9, 1.0, -3.0}).view({2, 2});
    const double r = 1 / std::sqrt(2.0);
    QL_COMPARE_TENSORS(q->forward(w), vec({r, 1, 0, -4 * r}), 1e-12);
    QCOMPARE(q->levels().sizes(), (std::vector<int64_t>{2, 5}));
}

void TestLevels::percentileInit()
{
    QuantSpec s = levelSpec(Method::Pot, 4);
    s.perChannel = true;
    s.percentile = 100.0;
    LevelQuantizer q(s, Role::Weight, 2);
    q->init({vec({1, -5, 2, 0.5, -0.25, 0.125}).view({2, 3})});
    QL_COMPARE_TENSORS(q->alpha, vec({5, 0.5}), 1e-7);
    s.perChannel = false;
    s.percentile = 50.0;
    LevelQuantizer t(s, Role::Weight, 0);
    t->init({vec({1, -2, 3, -4})}); // median of |w| = 2.5
    QVERIFY(std::abs(t->alpha.item<double>() - 2.5) < 1e-7);
}

void TestLevels::lutHandValues()
{
    const PostLut lut(/*weightBits=*/3, /*activationBits=*/3, /*fracBits=*/8);
    QCOMPARE(lut.table().sizes(), (std::vector<int64_t>{8, 4})); // the paper's [8, 4]
    // Codes 1..4 are exponents 3..0.
    QCOMPARE(lut.exponent(4), 0);
    QCOMPARE(lut.exponent(-1), 3);
    // r = 5: k = 0 -> 5 << 8 = 1280; k = 2 -> (1280 + 1) >> 1 = 640;
    // k = 1 -> T[5] = round(1280 / sqrt2 = 905.10) = 905; k = 3 -> (905 + 1) >> 1 = 453.
    QCOMPARE(lut.multiply(5, 4), int64_t{1280});
    QCOMPARE(lut.multiply(5, 2), int64_t{640});
    QCOMPARE(lut.multiply(5, 3), int64_t{905});
    QCOMPARE(lut.multiply(5, 1), int64_t{453});
    QCOMPARE(lut.multiply(5, -1), int64_t{-453});
    QCOMPARE(lut.multiply(7, 0), int64_t{0});
    QCOMPARE(lut.lut()[5], int64_t{905});
    // With F = 0 the even path is a plain rounded shift: 7 * 2^-1 = 3.5 -> 4 (half up).
    const PostLut coarse(3, 3, 0);
    QCOMPARE(coarse.multiply(7, 2), int64_t{4});
}

void TestLevels::lutWithinOneLsb_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("fracBits");
    QTest::addColumn<bool>("strict");
    for (int b : {3, 4})
        for (int f : {0, 4, 8, 12})
            for (bool strict : {false, true})
                QTest::newRow(qPrintable(QStringLiteral("%1b F=%2 %3")
                                             .arg(b)
                                             .arg(f)
                                             .arg(strict ? QStringLiteral("strict") : QStringLiteral("paper"))))
                    << b << f << strict;
}

void TestLevels::lutWithinOneLsb()
{
    QFETCH(int, bits);
    QFETCH(int, fracBits);
    QFETCH(bool, strict);
    const PotVariant v = strict ? PotVariant::Strict : PotVariant::Paper;
    const PostLut lut(bits, bits, fracBits, v);
    const auto mags = postMagnitudes(bits, v);
    const double lsb = std::ldexp(1.0, -fracBits);
    int checked = 0;
    for (int64_t r = 0; r <= lut.maxActivationCode(); ++r) {
        for (int64_t code = -lut.maxWeightCode(); code <= lut.maxWeightCode(); ++code) {
            // The float product from the level set itself, not from the LUT's own helper.
            const double level = (code < 0 ? -1.0 : 1.0) * mags[static_cast<size_t>(std::abs(code))];
            const double product = static_cast<double>(r) * level;
            const double got = static_cast<double>(lut.multiply(r, code)) * lsb;
            QVERIFY2(std::abs(got - product) <= lsb + 1e-12,
                     qPrintable(QStringLiteral("r=%1 code=%2: %3 vs %4").arg(r).arg(code).arg(got).arg(product)));
            QVERIFY(std::abs(lut.exact(r, code) - product) < 1e-12);
            ++checked;
        }
    }
    QCOMPARE(checked, static_cast<int>((lut.maxActivationCode() + 1) * (2 * lut.maxWeightCode() + 1)));
}

void TestLevels::errors()
{
    QL_EXPECT_ERROR(potMagnitudes(1), "POT", "bits = 1");
    QL_EXPECT_ERROR(postMagnitudes(9), "POST", "bits = 9");
    QL_EXPECT_ERROR(apotMagnitudes(8, true), "APoT", "bits = 8");
    QL_EXPECT_ERROR(apotMagnitudes(2, true), "APoT", "bits = 2");
    QL_EXPECT_ERROR(LevelQuantizer(levelSpec(Method::Pot, 10), Role::Weight, 0), "pot", "bits = 10");
    LevelQuantizer q(levelSpec(Method::Pot, 4), Role::Weight, 0);
    QL_EXPECT_ERROR(q->setAlpha(torch::tensor(0.0)), "POT", "alpha", "positive");
    QL_EXPECT_ERROR(q->init({}), "POT", "empty");
    QL_EXPECT_ERROR(q->init({vec({INFINITY})}), "POT", "non-finite");
    QL_EXPECT_ERROR(PostLut(9, 3), "POST LUT", "bits = 9");
    const PostLut lut(3, 3);
    QL_EXPECT_ERROR(lut.multiply(8, 1), "activation code 8");
    QL_EXPECT_ERROR(lut.multiply(1, 5), "weight code 5");
}

} // namespace ql::core::quant

QL_TEST(ql::core::quant::TestLevels)
#include "tst_levels.moc"
