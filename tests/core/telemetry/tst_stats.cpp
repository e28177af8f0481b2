// Telemetry statistics against hand-computed values.
#include "core/quant/quantizer.h"
#include "core/telemetry/stats.h"
#include "tests/support/testmain.h"

#include <QtTest>

using namespace ql::core;

class TestStats : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void histogramCounts()
    {
        const auto h = telemetry::histogram(torch::tensor({0.0f, 0.1f, 0.2f, 0.9f, 1.0f}), 2, 0.0, 1.0);
        QCOMPARE(h.counts.size(), size_t(2));
        QCOMPARE(h.counts[0], 3.0);
        QCOMPARE(h.counts[1], 2.0);
        QCOMPARE(h.binWidth(), 0.5);
        QCOMPARE(h.total(), 5.0);
    }

    void errorMetricsByHand()
    {
        // x = (3, 4), xq = (3, 3): error (0, 1); mse 0.5, l2 1, SQNR 10 log10(25/1), cosine 21/(5*sqrt 18).
        const auto m = telemetry::errorMetrics(torch::tensor({3.0f, 4.0f}), torch::tensor({3.0f, 3.0f}));
        QCOMPARE(m.mse, 0.5);
        QCOMPARE(m.l2, 1.0);
        QVERIFY(qFuzzyCompare(m.sqnrDb, 10.0 * std::log10(25.0)));
        QVERIFY(qFuzzyCompare(m.cosine, 21.0 / (5.0 * std::sqrt(18.0))));
    }

    void lsqStatsOfAKnownTensor()
    {
        // Unsigned 2-bit LSQ with s = 1: levels 0..3. x = (-1, 0.4, 1.6, 2.5, 7): codes 0,0,2,2,3.
        quant::QuantSpec spec;
        spec.method = quant::Method::Lsq;
        spec.bits = 2;
        spec.gradScale = quant::GradScale::None;
        auto q = quant::makeQuantizer(spec, quant::Role::Activation, 1);
        const auto x = torch::tensor({-1.0f, 0.4f, 1.6f, 2.5f, 7.0f});
        q->init({torch::tensor({1.5f})}); // s0 = 2*1.5/sqrt(3)
        for (auto &p : q->named_parameters())
            if (p.key().find("step") != std::string::npos) {
                torch::NoGradGuard g;
                p.value().fill_(1.0);
            }
        const auto s = telemetry::tensorStats(x, q.get(), false, 8);
        QVERIFY(s.valid);
        QCOMPARE(s.levels.size(), size_t(4));
        QCOMPARE(s.levels.back(), 3.0);
        QCOMPARE(s.codeLo, int64_t(0));
        QCOMPARE(s.codeCounts.size(), size_t(4));
        QCOMPARE(s.codeCounts[0], 2.0);
        QCOMPARE(s.codeCounts[1], 0.0);
        QCOMPARE(s.codeCounts[2], 2.0); // 1.6 -> 2 and 2.5 -> 2 (half to even)
        QCOMPARE(s.codeCounts[3], 1.0);
        QCOMPARE(s.clippedLow, 0.2);
        QCOMPARE(s.clippedHigh, 0.2);
        QCOMPARE(s.step, 1.0);
        // error: (-1-0, 0.4-0, 1.6-2, 2.5-2, 7-3) -> 1 + .16 + .16 + .25 + 16 = 17.57
        QVERIFY2(std::abs(s.mse - 17.57 / 5) < 1e-5, qPrintable(QString::number(s.mse)));
    }

    void perChannelStatsShowTheMedianChannel()
    {
        // Signed 4-bit per-channel LSQ with steps (0.4, 0.1, 0.2): clip widths 6, 1.5, 3 -> the
        // median is channel 2 (s = 0.2: levels -1.6 .. 1.4); the limits spread over all three.
        quant::QuantSpec spec;
        spec.method = quant::Method::Lsq;
        spec.bits = 4;
        spec.isSigned = true;
        spec.perChannel = true;
        auto q = quant::makeQuantizer(spec, quant::Role::Weight, 3);
        const auto w = torch::linspace(-2, 2, 3 * 8).reshape({3, 8});
        q->init({w});
        for (auto &p : q->named_parameters())
            if (p.key().find("step") != std::string::npos) {
                torch::NoGradGuard g;
                p.value().copy_(torch::tensor({0.4f, 0.1f, 0.2f}).reshape(p.value().sizes()));
            }
        const auto s = telemetry::tensorStats(w, q.get(), true, 16);
        QCOMPARE(s.channels, int64_t(3));
        QCOMPARE(s.shownChannel, int64_t(2));
        QCOMPARE(s.levels.size(), size_t(16));
        QVERIFY(std::abs(s.levels.front() + 1.6) < 1e-6);
        QVERIFY(std::abs(s.levels.back() - 1.4) < 1e-6);
        QVERIFY(std::abs(s.clipLo + 1.6) < 1e-6);
        QVERIFY(std::abs(s.clipHi - 1.4) < 1e-6);
        QVERIFY(std::abs(s.clipLoMin + 3.2) < 1e-6);
        QVERIFY(std::abs(s.clipLoMax + 0.8) < 1e-6);
        QVERIFY(std::abs(s.clipHiMin - 0.7) < 1e-6);
        QVERIFY(std::abs(s.clipHiMax - 2.8) < 1e-6);
        // Each channel clips at its own range, not at the shown channel's.
        const auto lo = torch::tensor({-3.2, -0.8, -1.6}, torch::kDouble).unsqueeze(1);
        const auto hi = torch::tensor({2.8, 0.7, 1.4}, torch::kDouble).unsqueeze(1);
        const auto wd = w.to(torch::kDouble);
        QCOMPARE(s.clippedLow, wd.lt(lo).sum().item<double>() / 24.0);
        QCOMPARE(s.clippedHigh, wd.gt(hi).sum().item<double>() / 24.0);
        QVERIFY(s.clippedHigh > 0);
    }
};

QL_TEST(TestStats)
#include "tst_stats.moc"
