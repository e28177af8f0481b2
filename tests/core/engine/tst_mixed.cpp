// Mixed precision: the exact budget solver against enumeration, the Pareto flags against their
// definition, Hutchinson's trace against a quadratic's exact one, and the search on the demo model:
// the descent, the cache, locks, budgets, cancellation and applying a configuration.
#include "core/common/error.h"
#include "core/engine/mixed.h"
#include "core/engine/session.h"
#include "core/engine/workbench.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>
#include <random>
#include <stop_token>

using namespace ql;
using core::engine::KnapsackOption;
using core::engine::Workbench;

namespace {

QString mixedDemoModel() { return QStringLiteral(QL_SOURCE_DIR "/resources/models/fmnist-cnn-swish.pth"); }

using test::hostile::errorOf;

/// Every combination of one option per group: the best loss within the budget (NaN: none fits).
double bruteForceBest(const std::vector<std::vector<KnapsackOption>> &groups, double budget)
{
    double best = std::numeric_limits<double>::quiet_NaN();
    std::vector<size_t> at(groups.size(), 0);
    while (true) {
        double cost = 0, loss = 0;
        for (size_t g = 0; g < groups.size(); ++g) {
            cost += groups[g][at[g]].cost;
            loss += groups[g][at[g]].loss;
        }
        if (cost <= budget && (std::isnan(best) || loss < best))
            best = loss;
        size_t g = 0;
        while (g < groups.size() && ++at[g] == groups[g].size())
            at[g++] = 0;
        if (g == groups.size())
            return best;
    }
}

/// The definition: dominated when another point is at most as costly and at least as accurate,
/// and better in one of the two.
std::vector<bool> nonDominated(const std::vector<std::pair<double, double>> &p)
{
    std::vector<bool> out(p.size(), true);
    for (size_t i = 0; i < p.size(); ++i)
        for (size_t j = 0; j < p.size(); ++j)
            if (p[j].first <= p[i].first && p[j].second >= p[i].second &&
                (p[j].first < p[i].first || p[j].second > p[i].second))
                out[i] = false;
    return out;
}

int64_t weightsOf(const types::LayerInfo &l)
{
    int64_t n = 1;
    for (auto d : l.weightShape)
        n *= d;
    return n;
}

} // namespace

class TestMixed : public QObject {
    Q_OBJECT

    std::unique_ptr<Workbench> m_wb;
    types::MixedOptions m_options;
    types::MixedResult m_first;
    std::vector<types::LayerInfo> m_layers;
    /// The demo model's layers: conv1 (first), conv2..conv4, fc (last).
    static constexpr double kBudget = 60000;

    /// Size in bytes of the demo model with conv1 and fc at 8 bits and the others at b.
    int64_t uniformBytes(int b) const
    {
        int64_t bytes = 0;
        for (size_t i = 0; i < m_layers.size(); ++i) {
            const int bits = i == 0 || i + 1 == m_layers.size() ? 8 : b;
            bytes += (weightsOf(m_layers[i]) * bits + 7) / 8;
        }
        return bytes;
    }

    /// The measured empirical loss increase of one tensor in a result.
    static double sensitivityOf(const types::MixedResult &r, const std::string &layer, bool weights, int bits)
    {
        for (const auto &s : r.sensitivities)
            if (s.layer == layer && s.weights == weights && s.bits == bits)
                return s.lossIncrease;
        return std::numeric_limits<double>::quiet_NaN();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_wb = std::make_unique<Workbench>();
        m_wb->setDevice("cpu");
        types::QuantRecipe r;
        r.weightMethod = types::Method::MinMax;
        r.actMethod = types::Method::Mse;
        r.weightBits = r.actBits = 4;
        m_wb->openModel(mixedDemoModel().toStdString(), {}, r);
        m_layers = m_wb->layers();
        QCOMPARE(m_layers.size(), size_t(5));
        m_options.candidates = {8, 2, 4};
        m_options.validationImages = 256;
        m_options.calibrationImages = 64;
        m_options.budget = kBudget;
        m_first = m_wb->mixedPrecision(m_options);
        QVERIFY(!m_first.cancelled);
    }

    // ------------------------------------------------------------ the pure pieces

    void knapsackMatchesEnumeration()
    {
        std::mt19937 rng(7);
        for (int instance = 0; instance < 300; ++instance) {
            const int groups = 1 + int(rng() % 5);
            auto g = std::vector<std::vector<KnapsackOption>>(size_t(groups));
            double lo = 0, hi = 0;
            for (auto &options : g) {
                const int k = 1 + int(rng() % 4);
                double mn = 1e9, mx = 0;
                for (int o = 0; o < k; ++o) {
                    const double cost = double(rng() % 40) * 3; // a common divisor the solver finds
                    options.push_back({cost, std::uniform_real_distribution<double>(-0.2, 2.0)(rng)});
                    mn = std::min(mn, cost);
                    mx = std::max(mx, cost);
                }
                lo += mn;
                hi += mx;
            }
            const double budget = lo - 5 + double(rng() % 1000) / 1000.0 * (hi - lo + 10);
            const auto s = core::engine::solveKnapsack(g, budget);
            const double want = bruteForceBest(g, budget);
            if (std::isnan(want)) {
                QVERIFY2(s.choice.empty(), qPrintable(QStringLiteral("instance %1 has no solution").arg(instance)));
                continue;
            }
            QVERIFY2(!s.choice.empty(), qPrintable(QStringLiteral("instance %1").arg(instance)));
            QVERIFY(s.exact);
            QVERIFY(s.cost <= budget);
            QVERIFY2(std::abs(s.loss - want) < 1e-9,
                     qPrintable(QStringLiteral("instance %1: %2 vs %3").arg(instance).arg(s.loss).arg(want)));
            double cost = 0, loss = 0;
            for (size_t i = 0; i < g.size(); ++i) {
                cost += g[i][size_t(s.choice[i])].cost;
                loss += g[i][size_t(s.choice[i])].loss;
            }
            QCOMPARE(cost, s.cost);
            QCOMPARE(loss, s.loss);
        }
    }

    void knapsackRoundsUpWhenCostsAreNotIntegers()
    {
        // Costs in BOP-like units that share no divisor: the solver's unit is 0.1 % of the budget
        // over the groups, so its choice never exceeds the budget and is at least as good as the
        // best configuration within 99.9 % of it.
        std::mt19937 rng(11);
        for (int instance = 0; instance < 200; ++instance) {
            std::vector<std::vector<KnapsackOption>> g(4);
            double lo = 0, hi = 0;
            for (auto &options : g) {
                double mn = 1e18, mx = 0;
                for (int o = 0; o < 3; ++o) {
                    const double cost = std::uniform_real_distribution<double>(1e6, 9e6)(rng);
                    options.push_back({cost, std::uniform_real_distribution<double>(0, 1)(rng)});
                    mn = std::min(mn, cost);
                    mx = std::max(mx, cost);
                }
                lo += mn;
                hi += mx;
            }
            const double budget = std::uniform_real_distribution<double>(lo, hi)(rng);
            const auto s = core::engine::solveKnapsack(g, budget);
            QVERIFY(!s.exact);
            QVERIFY(s.tolerance <= 0.001 * budget * 1.000001);
            QVERIFY(!s.choice.empty());
            QVERIFY(s.cost <= budget);
            QVERIFY(s.loss >= bruteForceBest(g, budget) - 1e-12);
            const double inner = bruteForceBest(g, budget - s.tolerance);
            if (!std::isnan(inner))
                QVERIFY2(s.loss <= inner + 1e-12, qPrintable(QStringLiteral("instance %1").arg(instance)));
        }
    }

    void paretoFrontIsTheNonDominatedSet()
    {
        std::mt19937 rng(3);
        for (int instance = 0; instance < 200; ++instance) {
            std::vector<std::pair<double, double>> p;
            const int n = 1 + int(rng() % 20);
            for (int i = 0; i < n; ++i) // small integer grids: many ties in cost and in accuracy
                p.emplace_back(double(rng() % 8), double(rng() % 6) / 10);
            QCOMPARE(types::paretoFront(p), nonDominated(p));
        }
    }

    void hutchinsonMatchesTheExactTrace()
    {
        // loss = 1/2 a'Aa + a'Cb + 1/2 b'Bb: the Hessian's diagonal blocks are A and B (traces 1 + 2 -
        // 0.5 + 3 + 0.25 + 4 = 9.75 and 5 - 1 + 2 + 0.5 = 6.5). With
        // diagonal blocks every Rademacher sample gives the trace exactly, whatever C couples.
        torch::manual_seed(0);
        auto a = torch::randn({6}, torch::kDouble).requires_grad_(true);
        auto b = torch::randn({4}, torch::kDouble).requires_grad_(true);
        const auto A = torch::diag(torch::tensor({1.0, 2.0, -0.5, 3.0, 0.25, 4.0}, torch::kDouble));
        const auto B = torch::diag(torch::tensor({5.0, -1.0, 2.0, 0.5}, torch::kDouble));
        const auto C = torch::randn({6, 4}, torch::kDouble);
        auto quadratic = [&](const torch::Tensor &AA, const torch::Tensor &BB) {
            return 0.5 * a.matmul(AA.matmul(a)) + a.matmul(C.matmul(b)) + 0.5 * b.matmul(BB.matmul(b));
        };
        auto t = core::engine::hutchinsonTraces(quadratic(A, B), {a, b}, 3);
        QVERIFY(std::abs(t[0] - 9.75) < 1e-12);
        QVERIFY(std::abs(t[1] - 6.5) < 1e-12);

        // Full symmetric blocks: the estimate's variance is 2 sum_{i != j} A_ij^2 per sample.
        auto S = torch::randn({6, 6}, torch::kDouble);
        S = S + S.t();
        auto T = torch::randn({4, 4}, torch::kDouble);
        T = T + T.t();
        const int samples = 4000;
        t = core::engine::hutchinsonTraces(quadratic(S, T), {a, b}, samples);
        for (const auto &[m, est] : {std::pair{S, t[0]}, std::pair{T, t[1]}}) {
            const double exact = m.trace().item<double>();
            const double offDiagonal = (m.pow(2).sum() - m.diag().pow(2).sum()).item<double>();
            const double sigma = std::sqrt(2 * offDiagonal / samples);
            QVERIFY2(std::abs(est - exact) < 4 * sigma,
                     qPrintable(QStringLiteral("%1 vs exact %2 (sigma %3)").arg(est).arg(exact).arg(sigma)));
        }
        // A tensor the gradient does not depend on twice: trace 0.
        auto lin = torch::randn({3}, torch::kDouble).requires_grad_(true);
        t = core::engine::hutchinsonTraces((lin * 2).sum() + quadratic(A, B), {lin, a}, 2);
        QCOMPARE(t[0], 0.0);
        QVERIFY(std::abs(t[1] - 9.75) < 1e-12);
    }

    void spearmanAndJsonRoundTrip()
    {
        QCOMPARE(types::spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
        QCOMPARE(types::spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
        // Ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4), both of mean 2.5: deviations (-1.5, 0, 0,
        // 1.5) and (-1.5, -0.5, 0.5, 1.5), products summing to 4.5, squares to 4.5 and 5.
        QVERIFY(std::abs(types::spearman({1, 5, 5, 9}, {0, 1, 2, 3}) - 4.5 / std::sqrt(4.5 * 5)) < 1e-12);
        QVERIFY(std::isnan(types::spearman({1, 1, 1}, {1, 2, 3})));

        const auto back = types::mixedResultFromJson(types::mixedResultToJson(m_first));
        QCOMPARE(back.points.size(), m_first.points.size());
        for (size_t i = 0; i < back.points.size(); ++i) {
            QVERIFY(back.points[i].bits == m_first.points[i].bits);
            QCOMPARE(back.points[i].bytes, m_first.points[i].bytes);
            QCOMPARE(back.points[i].top1, m_first.points[i].top1);
            QCOMPARE(back.points[i].onFront, m_first.points[i].onFront);
        }
        QCOMPARE(back.uniform.size(), m_first.uniform.size());
        QCOMPARE(back.budgetPoint.label, std::string("budget"));
        QCOMPARE(back.sensitivities.size(), m_first.sensitivities.size());
        QVERIFY(std::isfinite(back.sensitivities.front().lossIncrease));
        QCOMPARE(back.sensitivities.front().hessianScore, -1.0); // not measured: stays -1
        QVERIFY(errorOf([] { types::mixedResultFromJson(R"({"options": {}})", "x.qls"); }).contains(u"x.qls"));
    }

    // ------------------------------------------------------------ the search on the demo model

    void descentGoesFromHighestToLowestAndShrinks()
    {
        const auto &r = m_first;
        QVERIFY(r.fp32Top1 > 0.8);
        // Three free layers (conv2..conv4; conv1 and fc keep 8 bits) with three candidates:
        // the highest configuration, then two steps per layer.
        QCOMPARE(r.points.size(), size_t(7));
        for (size_t i = 0; i < r.points.size(); ++i) {
            const auto &p = r.points[i];
            QCOMPARE(p.bits.size(), size_t(5));
            QVERIFY(p.top1 >= 0 && p.top1 <= 1);
            QVERIFY(p.agreement >= 0 && p.agreement <= 1);
            for (size_t l : {size_t(0), size_t(4)})
                QCOMPARE(p.bits[l].weightBits, 8);
            if (i > 0) {
                QVERIFY2(p.bytes < r.points[i - 1].bytes, "every step must save bytes");
                QVERIFY(p.bops < r.points[i - 1].bops);
                int changed = 0;
                for (size_t l = 0; l < 5; ++l)
                    if (!(p.bits[l] == r.points[i - 1].bits[l])) {
                        ++changed;
                        QVERIFY(p.bits[l].weightBits < r.points[i - 1].bits[l].weightBits);
                        QCOMPARE(p.bits[l].actBits, p.bits[l].weightBits); // tied
                    }
                QCOMPARE(changed, 1);
            }
        }
        QCOMPARE(r.points.front().bytes, uniformBytes(8));
        QCOMPARE(r.points.back().bytes, uniformBytes(2));
        // The uniform references, highest first, by hand: bytes and BOPs.
        QCOMPARE(r.uniform.size(), size_t(3));
        const int bits[] = {8, 4, 2};
        for (size_t u = 0; u < 3; ++u) {
            QCOMPARE(r.uniform[u].label, QStringLiteral("W%1A%1").arg(bits[u]).toStdString());
            QCOMPARE(r.uniform[u].bytes, uniformBytes(bits[u]));
            double bops = 0;
            for (size_t l = 0; l < 5; ++l) {
                const int b = l == 0 || l == 4 ? 8 : bits[u];
                bops += double(m_layers[l].macs) * b * b;
            }
            QCOMPARE(r.uniform[u].bops, bops);
        }
        QVERIFY(r.uniform.front().bits == r.points.front().bits);
        QCOMPARE(r.uniform.front().top1, r.points.front().top1); // the same configuration, measured once
        QVERIFY(r.uniform.back().bits == r.points.back().bits);
        // The first step lowers the layer with the smallest predicted loss per byte saved.
        const auto &second = r.points[1];
        double bestRatio = 1e300;
        std::string bestLayer;
        for (size_t l = 1; l < 4; ++l) {
            const auto &name = m_layers[l].name;
            const double dLoss = sensitivityOf(r, name, true, 4) + sensitivityOf(r, name, false, 4) -
                                 sensitivityOf(r, name, true, 8) - sensitivityOf(r, name, false, 8);
            const double ratio =
                dLoss / double((weightsOf(m_layers[l]) * 8 + 7) / 8 - (weightsOf(m_layers[l]) * 4 + 7) / 8);
            if (ratio < bestRatio) {
                bestRatio = ratio;
                bestLayer = name;
            }
        }
        for (size_t l = 0; l < 5; ++l)
            QCOMPARE(second.bits[l].weightBits, m_layers[l].name == bestLayer ? 4 : 8);
        QVERIFY(r.seconds > 0);
        QVERIFY(r.evaluations > 0);
    }

    void frontIsExactlyTheNonDominatedPoints()
    {
        std::vector<const types::MixedPoint *> all;
        for (const auto &p : m_first.points)
            all.push_back(&p);
        for (const auto &p : m_first.uniform)
            all.push_back(&p);
        all.push_back(&m_first.budgetPoint);
        std::vector<std::pair<double, double>> ca;
        for (const auto *p : all)
            ca.emplace_back(double(p->bytes), p->top1);
        const auto want = nonDominated(ca);
        int onFront = 0;
        for (size_t i = 0; i < all.size(); ++i) {
            QCOMPARE(all[i]->onFront, bool(want[i]));
            onFront += want[i] ? 1 : 0;
        }
        QVERIFY(onFront >= 1);
    }

    void budgetChoiceIsTheBestPredictedWithinTheBudget()
    {
        const auto &r = m_first;
        QCOMPARE(r.budgetPoint.label, std::string("budget"));
        QVERIFY(r.budgetPoint.bytes <= int64_t(kBudget));
        QVERIFY(r.budgetPoint.top1 >= 0);
        // Enumerate the 27 configurations of the three free layers.
        double best = 1e300;
        const int cands[] = {8, 4, 2};
        for (int a : cands)
            for (int b : cands)
                for (int c : cands) {
                    const int chosen[] = {8, a, b, c, 8};
                    int64_t bytes = 0;
                    double loss = 0;
                    for (size_t l = 0; l < 5; ++l) {
                        bytes += (weightsOf(m_layers[l]) * chosen[l] + 7) / 8;
                        if (l > 0 && l < 4)
                            loss += sensitivityOf(r, m_layers[l].name, true, chosen[l]) +
                                    sensitivityOf(r, m_layers[l].name, false, chosen[l]);
                    }
                    if (bytes <= int64_t(kBudget))
                        best = std::min(best, loss);
                }
        QVERIFY2(std::abs(r.budgetPoint.predictedLoss - best) < 1e-9,
                 qPrintable(QStringLiteral("%1 vs %2").arg(r.budgetPoint.predictedLoss).arg(best)));
        if (r.budgetChoice >= 0)
            QVERIFY(r.points[size_t(r.budgetChoice)].bits == r.budgetPoint.bits);

        // From the cache: the same answer without a single evaluation.
        const int64_t before = m_wb->mixedEvaluations();
        const auto solved = m_wb->solveBudget(m_options, kBudget);
        QCOMPARE(m_wb->mixedEvaluations(), before);
        QVERIFY(solved.bits == r.budgetPoint.bits);
        QCOMPARE(solved.top1, r.budgetPoint.top1); // measured by the search, so known
        // A budget below W2A2 names the smallest reachable size.
        const QString msg = errorOf([&] { m_wb->solveBudget(m_options, 1000); });
        QVERIFY2(msg.contains(QStringLiteral("smallest reachable size, %1 bytes").arg(uniformBytes(2))),
                 qPrintable(msg));
        auto impossible = m_options;
        impossible.budget = double(uniformBytes(2) - 1);
        QVERIFY(!errorOf([&] { m_wb->mixedPrecision(impossible); }).isEmpty());
        QCOMPARE(m_wb->mixedEvaluations(), before);
    }

    void secondSearchIsAnsweredFromTheCache()
    {
        const int64_t before = m_wb->mixedEvaluations();
        int points = 0;
        const auto again = m_wb->mixedPrecision(m_options, {}, [&](const types::MixedPoint &) { ++points; });
        QCOMPARE(again.evaluations, int64_t(0));
        QCOMPARE(m_wb->mixedEvaluations(), before);
        QCOMPARE(points, int(again.points.size() + again.uniform.size() + 1));
        QCOMPARE(again.points.size(), m_first.points.size());
        for (size_t i = 0; i < again.points.size(); ++i) {
            QVERIFY(again.points[i].bits == m_first.points[i].bits);
            QCOMPARE(again.points[i].top1, m_first.points[i].top1);
        }
    }

    void locksHold()
    {
        auto o = m_options;
        o.locked = {"conv3"};
        const int64_t before = m_wb->mixedEvaluations();
        const auto r = m_wb->mixedPrecision(o);
        // conv3 keeps the session's 4 bits, conv1 and fc their 8 everywhere.
        auto check = [](const types::MixedPoint &p) {
            QCOMPARE(p.bits[2].layer, std::string("conv3"));
            QCOMPARE(p.bits[2].weightBits, 4);
            QCOMPARE(p.bits[2].actBits, 4);
            QCOMPARE(p.bits[0].weightBits, 8);
            QCOMPARE(p.bits[4].weightBits, 8);
        };
        for (const auto &p : r.points)
            check(p);
        for (const auto &p : r.uniform)
            check(p);
        check(r.budgetPoint);
        QCOMPARE(r.points.size(), size_t(5)); // two free layers, two steps each
        // The sensitivities were measured already: only new configurations cost a pass.
        QVERIFY(r.evaluations <= int64_t(r.points.size() + r.uniform.size() + 1));
        QCOMPARE(m_wb->mixedEvaluations() - before, r.evaluations);
        // An unknown name lists the close matches.
        o.locked = {"cnv3"};
        const QString msg = errorOf([&] { m_wb->checkMixedOptions(o); });
        QVERIFY2(msg.contains(u"cnv3") && msg.contains(u"conv3"), qPrintable(msg));
    }

    void cancellationKeepsThePointsSoFar()
    {
        Workbench wb;
        wb.setDevice("cpu");
        types::QuantRecipe rec;
        rec.weightMethod = types::Method::MinMax;
        rec.actMethod = types::Method::MinMax;
        wb.openModel(mixedDemoModel().toStdString(), {}, rec);
        const auto configBefore = wb.config();
        types::MixedOptions o;
        o.candidates = {4, 8};
        o.validationImages = 64;
        o.calibrationImages = 32;
        std::stop_source stop;
        core::engine::JobCallbacks cb;
        cb.stop = stop.get_token();
        int seen = 0;
        const auto r = wb.mixedPrecision(o, cb, [&](const types::MixedPoint &) {
            if (++seen == 2)
                stop.request_stop();
        });
        QVERIFY(r.cancelled);
        QCOMPARE(seen, 2);
        QCOMPARE(r.points.size(), size_t(2));
        QVERIFY(r.points[1].bytes < r.points[0].bytes);
        QVERIFY(wb.config() == configBefore);
        QVERIFY(!wb.calibrated()); // the session's own quantizers are back, still uninitialised
        // Stopped before anything: no points, and a search afterwards completes from the cache.
        std::stop_source early;
        early.request_stop();
        cb.stop = early.get_token();
        QVERIFY(wb.mixedPrecision(o, cb).cancelled);
        const auto full = wb.mixedPrecision(o);
        QVERIFY(!full.cancelled);
        QCOMPARE(full.points.size(), size_t(4));
        QCOMPARE(full.points[1].top1, r.points[1].top1);
    }

    void hessianScoresGrowAsBitsShrink()
    {
        auto o = m_options;
        o.measure = types::SensitivityMeasure::Hessian;
        o.hutchinsonSamples = 4;
        const auto r = m_wb->mixedPrecision(o);
        QVERIFY(!r.cancelled);
        QCOMPARE(r.points.size(), size_t(7));
        for (size_t i = 1; i < r.points.size(); ++i)
            QVERIFY(r.points[i].bytes < r.points[i - 1].bytes);
        QCOMPARE(r.sensitivities.size(), size_t(3 * 2 * 3));
        for (const auto &s : r.sensitivities) {
            QVERIFY2(s.hessianScore > 0, qPrintable(QString::fromStdString(s.layer)));
            QVERIFY(std::isfinite(s.lossIncrease)); // the empirical search measured these already
        }
        // Per tensor, a coarser grid quantizes with a larger error, so its score is larger.
        for (size_t i = 0; i + 2 < r.sensitivities.size(); i += 3) {
            QCOMPARE(r.sensitivities[i].bits, 8);
            QVERIFY(r.sensitivities[i].hessianScore < r.sensitivities[i + 1].hessianScore);
            QVERIFY(r.sensitivities[i + 1].hessianScore < r.sensitivities[i + 2].hessianScore);
        }
    }

    void appliedBitsComputeWhatWasMeasuredAndTheResultIsSaved()
    {
        const auto &p = m_first.budgetPoint;
        m_wb->applyBits(p.bits);
        for (const auto &b : p.bits) {
            QCOMPARE(m_wb->layerConfig(b.layer).weight.bits, b.weightBits);
            QCOMPARE(m_wb->layerConfig(b.layer).act.bits, b.actBits);
        }
        QVERIFY(m_wb->calibrated());
        types::EvalOptions eo;
        eo.maxSamples = m_options.validationImages;
        const auto e = m_wb->evaluate(core::engine::DataSplit::Test, eo);
        QVERIFY2(std::abs(e.top1 - p.top1) <= 1.0 / double(eo.maxSamples) + 1e-12,
                 qPrintable(QStringLiteral("%1 vs measured %2").arg(e.top1).arg(p.top1)));
        // Unknown layers: close matches, nothing changed.
        QVERIFY(errorOf([&] { m_wb->applyBits({{"conv22", 2, 2}}); }).contains(u"conv2"));

        QTemporaryDir dir;
        const auto path = QString(dir.path() + QStringLiteral("/mixed.qls")).toStdString();
        m_wb->save(path);
        Workbench reopened;
        reopened.setDevice("cpu");
        reopened.openSession(path);
        QVERIFY(reopened.calibrated()); // the saved quantizers, not ones to calibrate again
        const auto restored = reopened.mixedResult();
        QVERIFY(restored != nullptr);
        const auto last = m_wb->mixedResult();
        QVERIFY(last != nullptr);
        QCOMPARE(restored->points.size(), last->points.size());
        QVERIFY(restored->budgetPoint.bits == last->budgetPoint.bits);
        QCOMPARE(reopened.layerConfig("conv3").weight.bits, p.bits[2].weightBits);
        const auto e2 = reopened.evaluate(core::engine::DataSplit::Test, eo);
        QCOMPARE(e2.top1, e.top1);
    }
};

QL_TEST(TestMixed)
#include "tst_mixed.moc"
