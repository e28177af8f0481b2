// Mixed precision on the demo model: the full front (every layer free, 4 candidates, weights and
// activations measured separately) from a cold cache, the same search again from the cache, a
// budget change answered by the exact solver, and the Hessian measure.
// Usage: bench_mixed [threads] [validation images]   (prints its figures; not a test)
#include "core/common/device.h"
#include "core/engine/workbench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace ql;
using Clock = std::chrono::steady_clock;

static double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

int main(int argc, char **argv)
{
    core::keepFreedMemoryForReuse();
    core::setCpuThreads(argc > 1 ? std::atoi(argv[1]) : 0);
    core::engine::Workbench wb;
    wb.setDevice("cpu");
    types::QuantRecipe recipe;
    recipe.weightMethod = types::Method::MinMax;
    recipe.actMethod = types::Method::Mse;
    wb.openModel(QL_SOURCE_DIR "/resources/models/fmnist-cnn-swish.pth", {}, recipe);
    types::MixedOptions o;
    o.candidates = {2, 3, 4, 8};
    o.unlockFirstLast = true; // all 5 layers
    o.validationImages = argc > 2 ? std::atoll(argv[2]) : 1000;
    o.calibrationImages = 256;
    std::printf("fmnist-cnn (5 layers) x candidates 2,3,4,8 x weights/activations, %lld validation images, %d CPU "
                "threads\n",
                static_cast<long long>(o.validationImages), core::cpuThreads());

    // One pass over the validation subset, the unit everything else is made of.
    types::EvalOptions eo;
    eo.maxSamples = o.validationImages;
    eo.workers = 0;
    wb.evaluate(core::engine::DataSplit::Test, eo); // warm-up
    auto t0 = Clock::now();
    for (int i = 0; i < 3; ++i)
        wb.evaluate(core::engine::DataSplit::Test, eo);
    const double pass = msSince(t0) / 3;

    t0 = Clock::now();
    const auto cold = wb.mixedPrecision(o);
    const double coldMs = msSince(t0);
    int front = 0;
    for (const auto &p : cold.points)
        front += p.onFront ? 1 : 0;
    std::printf("full front, cold cache        %8.1f s  (target < 60 s): %zu greedy + %zu uniform configurations, "
                "%d on the front, %lld passes = %.1f x one FP32 pass of %.0f ms\n",
                coldMs / 1000, cold.points.size(), cold.uniform.size(), front, static_cast<long long>(cold.evaluations),
                coldMs / pass, pass);

    t0 = Clock::now();
    const auto warm = wb.mixedPrecision(o);
    std::printf("same search from the cache    %8.1f ms  (%lld passes)\n", msSince(t0),
                static_cast<long long>(warm.evaluations));

    // Budgets across the whole range, answered from the cache (no evaluation).
    const double lo = double(cold.points.back().bytes), hi = double(cold.points.front().bytes);
    std::vector<double> times;
    for (int i = 0; i <= 20; ++i) {
        const double budget = lo + (hi - lo) * i / 20.0;
        t0 = Clock::now();
        wb.solveBudget(o, budget);
        times.push_back(msSince(t0));
    }
    std::sort(times.begin(), times.end());
    std::printf("budget change (bytes), 21 budgets: median %.2f ms, worst %.2f ms  (target < 100 ms) = %.4f of one "
                "pass\n",
                times[times.size() / 2], times.back(), times.back() / pass);
    auto bops = o;
    bops.cost = types::CostMeasure::Bops;
    times.clear();
    for (int i = 0; i <= 20; ++i) {
        const double budget = cold.points.back().bops + (cold.points.front().bops - cold.points.back().bops) * i / 20.0;
        t0 = Clock::now();
        wb.solveBudget(bops, budget);
        times.push_back(msSince(t0));
    }
    std::sort(times.begin(), times.end());
    std::printf("budget change (BOPs),  21 budgets: median %.2f ms, worst %.2f ms\n", times[times.size() / 2],
                times.back());

    auto h = o;
    h.measure = types::SensitivityMeasure::Hessian;
    t0 = Clock::now();
    const auto hessian = wb.mixedPrecision(h);
    std::printf("Hessian measure (16 Hutchinson samples, 256 images) %6.1f s  (%lld passes; configurations shared "
                "with the empirical search come from the cache)\n",
                msSince(t0) / 1000, static_cast<long long>(hessian.evaluations));
    return 0;
}
