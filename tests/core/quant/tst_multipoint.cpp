// Multipoint PTQ: the greedy point, monotone residuals, budget 0 = plain
// per-channel quantization, adaptive allocation by output error, the integer path.
#include "core/common/error.h"
#include "core/quant/multipoint.h"
#include "core/quant/range.h"
#include "tests/support/testmain.h"

#include "helpers.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

namespace ql::core::quant {

using qltest::vec;

class TestMultipoint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void greedyPointIsBestOnGrid_data();
    void greedyPointIsBestOnGrid();
    void residualFallsWithEachPoint_data();
    void residualFallsWithEachPoint();
    void budgetZeroIsPerChannelQuantization();
    void budgetGoesToTheChannelThatNeedsIt();
    void allocationFollowsOutputError();
    void integerPathMatches();
    void quantizerModule();
    void errors();
};

void TestMultipoint::greedyPointIsBestOnGrid_data()
{
    QTest::addColumn<int>("bits");
    QTest::newRow("2b") << 2;
    QTest::newRow("3b") << 3;
    QTest::newRow("4b") << 4;
}

void TestMultipoint::greedyPointIsBestOnGrid()
{
    QFETCH(int, bits);
    const IntRange r = intRange(bits, true);
    const double n = static_cast<double>(r.lo);
    const double p = static_cast<double>(r.hi);
    torch::manual_seed(bits);
    const torch::Tensor rows = torch::randn({4, 32}, torch::kDouble);
    const auto [a, q] = multipointGreedyPoint(rows, n, p);
    for (int64_t c = 0; c < 4; ++c) {
        const torch::Tensor row = rows[c];
        // q = round(clamp(r / a, n, p)) and ||r - a q|| is the least over the candidate scales, up to
        // the rounding of a to the float32 that files store.
        QCOMPARE(a[c].item<double>(), static_cast<double>(a[c].item<float>()));
        QL_COMPARE_TENSORS(q[c], torch::round(torch::clamp(row / a[c], n, p)), 0.0);
        const double chosen = (row - a[c] * q[c].to(torch::kDouble)).pow(2).sum().item<double>();
        const double amax = row.abs().max().item<double>();
        for (int i = 1; i <= 100; ++i) {
            const double s = amax / p * i / 100.0;
            const double e = (row - s * torch::round(torch::clamp(row / s, n, p))).pow(2).sum().item<double>();
            QVERIFY(chosen <= e * (1.0 + 1e-6) + 1e-12);
        }
    }
}

void TestMultipoint::residualFallsWithEachPoint_data()
{
    QTest::addColumn<int>("bits");
    QTest::newRow("2b") << 2;
    QTest::newRow("4b") << 4;
}

void TestMultipoint::residualFallsWithEachPoint()
{
    QFETCH(int, bits);
    torch::manual_seed(21);
    const torch::Tensor w = torch::randn({6, 64}, torch::kDouble);
    const torch::Tensor trace = multipointResidualTrace(w, bits, 5);
    QCOMPARE(trace.sizes(), (std::vector<int64_t>{5, 6}));
    const torch::Tensor start = w.pow(2).sum(1);
    QVERIFY((trace[0] < start).all().item<bool>());
    for (int64_t i = 1; i < 5; ++i)
        QVERIFY2((trace[i] < trace[i - 1]).all().item<bool>(), qPrintable(QString::number(i)));
}

void TestMultipoint::budgetZeroIsPerChannelQuantization()
{
    torch::manual_seed(5);
    const torch::Tensor w = torch::randn({8, 3, 3, 3});
    const torch::Tensor x = torch::randn({40, 27});
    const MultipointResult res = multipointQuantize(w, x, 4, 0.0);
    QVERIFY(std::all_of(res.points.begin(), res.points.end(), [](int p) { return p == 1; }));
    QCOMPARE(res.errorAfter, res.errorBefore);
    QuantSpec spec;
    spec.method = Method::Mse;
    spec.bits = 4;
    spec.isSigned = true;
    spec.perChannel = true;
    RangeQuantizer plain(spec, Role::Weight, 8);
    plain->init({w});
    QL_COMPARE_TENSORS(res.approx, plain->forward(w).flatten(1), 1e-5);
}

void TestMultipoint::budgetGoesToTheChannelThatNeedsIt()
{
    // Seven channels are exactly on a 3-bit grid (zero error); channel 5 is a
    // heavy-tailed row that one 3-bit point cannot represent.
    torch::manual_seed(8);
    torch::Tensor w = torch::randint(-4, 4, {8, 32}).to(torch::kDouble) * 0.1;
    w[5] = torch::randn({32}, torch::kDouble).pow(3);
    const torch::Tensor x = torch::randn({64, 32}, torch::kDouble);
    const MultipointResult res = multipointQuantize(w, x, 3, /*budget=*/0.25); // 2 extra points
    QCOMPARE(res.extraPointsSpent, int64_t{2});
    QCOMPARE(res.points[5], 3);
    for (int c = 0; c < 8; ++c)
        if (c != 5)
            QCOMPARE(res.points[static_cast<size_t>(c)], 1);
    QVERIFY(res.errorAfter < 0.5 * res.errorBefore);
    QCOMPARE(static_cast<int>(res.errorTrace.size()), 2);
    QVERIFY(res.errorTrace[0] < res.errorBefore && res.errorTrace[1] < res.errorTrace[0]);
    // errorBefore/After are the output errors ||W x - W_hat x||^2 over the inputs.
    const torch::Tensor yRef = torch::matmul(x, w.t());
    QVERIFY(std::abs((yRef - torch::matmul(x, res.approx.t())).pow(2).sum().item<double>() - res.errorAfter) <
            1e-9 * res.errorBefore);
}

void TestMultipoint::allocationFollowsOutputError()
{
    // Inputs use only the first 8 of 16 features. Channel 0's weight lives in the
    // unused features (large weight error, no output error); channel 1's in the
    // used ones (smaller weight error, real output error). Output error must win.
    torch::manual_seed(13);
    torch::Tensor w = torch::zeros({2, 16}, torch::kDouble);
    w[0].slice(0, 8) = torch::randn({8}, torch::kDouble) * 10;
    w[1].slice(0, 0, 8) = torch::randn({8}, torch::kDouble);
    torch::Tensor x = torch::zeros({32, 16}, torch::kDouble);
    x.slice(1, 0, 8) = torch::randn({32, 8}, torch::kDouble);
    const MultipointResult byOutput = multipointQuantize(w, x, 2, 0.5); // one extra point
    QCOMPARE(byOutput.points[1], 2);
    QCOMPARE(byOutput.points[0], 1);
    const MultipointResult byWeight = multipointQuantize(w, torch::Tensor(), 2, 0.5);
    QCOMPARE(byWeight.points[0], 2); // without inputs the larger weight error wins
}

void TestMultipoint::integerPathMatches()
{
    torch::manual_seed(17);
    const torch::Tensor w = torch::randn({5, 12}, torch::kDouble);
    const torch::Tensor x = torch::randn({7, 12}, torch::kDouble);
    const MultipointResult res = multipointQuantize(w, x, 3, 1.0);
    QL_COMPARE_TENSORS(multipointApply(res, x), torch::matmul(x, res.approx.t()), 1e-10);
    for (const auto &ch : res.channels)
        for (const auto &q : ch.codes)
            QVERIFY(q.min().item<int64_t>() >= -4 && q.max().item<int64_t>() <= 3);
}

void TestMultipoint::quantizerModule()
{
    torch::manual_seed(19);
    QuantSpec spec;
    spec.method = Method::Multipoint;
    spec.bits = 3;
    spec.multipointBudget = 0.5;
    MultipointQuantizer q(spec, 4);
    const torch::Tensor w = torch::randn({4, 2, 2, 2}).requires_grad_(true);
    q->init({w.detach(), torch::randn({16, 8})});
    const auto params = q->quantParameters();
    QCOMPARE(params.at("points").sum().item<int64_t>(), int64_t{6});
    const torch::Tensor out = q->forward(w);
    QL_COMPARE_TENSORS(out.flatten(1), q->result().approx, 1e-6);
    out.sum().backward();
    QL_COMPARE_TENSORS(w.grad(), torch::ones({4, 2, 2, 2}), 0.0); // straight through
    QCOMPARE(q->levels().sizes(), (std::vector<int64_t>{4, 8}));
}

void TestMultipoint::errors()
{
    const torch::Tensor w = torch::randn({4, 8});
    QL_EXPECT_ERROR(multipointQuantize(w, {}, 1, 0.0), "multipoint", "bits = 1");
    QL_EXPECT_ERROR(multipointQuantize(w, {}, 4, -0.5), "multipointBudget = -0.5");
    QL_EXPECT_ERROR(multipointQuantize(w, torch::randn({3, 5}), 4, 0.0), "Multipoint", "width 5", "8");
    torch::Tensor bad = w.clone();
    bad[1][2] = std::nan("");
    QL_EXPECT_ERROR(multipointQuantize(bad, {}, 4, 0.0), "Multipoint", "non-finite");
    QuantSpec spec;
    spec.method = Method::Multipoint;
    spec.bits = 4;
    MultipointQuantizer q(spec, 4);
    QL_EXPECT_ERROR(q->init({}), "Multipoint", "empty");
    QL_EXPECT_ERROR(q->init({torch::randn({3, 8})}), "Multipoint", "3 output channels");
}

} // namespace ql::core::quant

QL_TEST(ql::core::quant::TestMultipoint)
#include "tst_multipoint.moc"
