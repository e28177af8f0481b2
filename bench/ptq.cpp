// The cost of the MSE range searches and of the README's MSE PTQ of the demo model.
//   1. One MSE initialisation on 2^20 Swish-like values (the search reads at most 2^18 of
//      them) for each searching quantizer at 2, 3, 4 and 8 bits: milliseconds per init and
//      the MSE reached, relative to min-max's.
//   2. `quantlens-cli ptq --wmethod mse --amethod mse --wbits 4 --abits 4` on the bundled demo
//      model through the Workbench, split into calibration (the range searches) and the
//      FP32 + quantized evaluation of the 10,000 test images.
// Usage: bench_ptq [threads] [skip-ptq]   (prints its figures; not a test)
#include "core/common/device.h"
#include "core/engine/workbench.h"
#include "core/quant/lsq.h"
#include "core/quant/range.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace ql::core;
namespace types = ql::types;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

quant::QuantSpec actSpec(quant::Method m, int bits, bool isSigned, int config = 4)
{
    quant::QuantSpec s;
    s.method = m;
    s.bits = bits;
    s.isSigned = isSigned;
    s.lsqPlusConfig = config;
    s.init = quant::InitMode::Mse;
    return s;
}

double mseOf(quant::QuantizerImpl &q, const torch::Tensor &x)
{
    torch::NoGradGuard noGrad;
    return (q.forward(x) - x).pow(2).mean().item<double>();
}

void searchCosts()
{
    torch::manual_seed(0);
    const torch::Tensor x = torch::silu(torch::randn({1 << 20}) * 2 - 1);
    struct Kind {
        const char *name;
        quant::Method method;
        bool isSigned;
        int config;
    };
    const std::vector<Kind> kinds{{"LSQ+ c4 (learned offset)", quant::Method::LsqPlus, true, 4},
                                  {"LSQ+ c3 (learned offset)", quant::Method::LsqPlus, false, 3},
                                  {"LSQ+ c2 (fixed offset)", quant::Method::LsqPlus, true, 2},
                                  {"MSE range, unsigned", quant::Method::Mse, false, 4},
                                  {"MSE range, signed", quant::Method::Mse, true, 4}};
    std::printf("MSE initialisation on 2^20 Swish-like values (silu(2 randn - 1))\n");
    std::printf("%-26s %4s %10s %12s %12s\n", "quantizer", "bits", "ms/init", "MSE", "vs min-max");
    for (const auto &k : kinds) {
        for (int bits : {2, 3, 4, 8}) {
            auto spec = actSpec(k.method, bits, k.isSigned, k.config);
            auto q = quant::makeQuantizer(spec, quant::Role::Activation, 0);
            const auto t0 = Clock::now();
            q->init({x});
            const double ms = 1000 * secondsSince(t0);
            auto mmSpec = spec;
            if (k.method == quant::Method::Mse)
                mmSpec.method = quant::Method::MinMax;
            else
                mmSpec.init = quant::InitMode::MinMax;
            auto mm = quant::makeQuantizer(mmSpec, quant::Role::Activation, 0);
            mm->init({x});
            const double e = mseOf(*q, x);
            std::printf("%-26s %4d %10.1f %12.4e %11.3fx\n", k.name, bits, ms, e, e / mseOf(*mm, x));
        }
    }
}

void demoPtq()
{
    engine::Workbench wb;
    wb.setDevice("cpu");
    types::QuantRecipe r;
    r.weightMethod = quant::Method::Mse;
    r.actMethod = quant::Method::Mse;
    r.weightBits = 4;
    r.actBits = 4;
    wb.openModel(std::string(QL_SOURCE_DIR) + "/resources/models/fmnist-cnn-swish.pth", {}, r);
    engine::JobCallbacks cb;
    auto start = Clock::now();
    double calibrationEnd = -1;
    int64_t progressReports = 0;
    cb.progress = [&](const types::JobProgress &p) {
        if (p.job == "eval" && calibrationEnd < 0)
            calibrationEnd = secondsSince(start);
        if (p.job == "calibrate" || p.job == "range search")
            ++progressReports;
    };
    start = Clock::now();
    const auto result = wb.ptq(512, {}, cb);
    const double total = secondsSince(start);
    std::printf("\nquantlens-cli ptq --wmethod mse --amethod mse --wbits 4 --abits 4 (demo model, 512 calibration "
                "images, 10,000 test images)\n");
    std::printf("total %8.1f s   calibration with the range searches %8.1f s   evaluation %8.1f s   (target: total "
                "< 10 s)\n",
                total, calibrationEnd, total - calibrationEnd);
    std::printf("calibration progress reports %lld; FP32 top-1 %.2f%%, quantized %.2f%%\n",
                static_cast<long long>(progressReports), 100 * result.fp32.top1, 100 * result.quantized.top1);
}

} // namespace

int main(int argc, char **argv)
{
    keepFreedMemoryForReuse();
    setCpuThreads(argc > 1 ? std::atoi(argv[1]) : 0);
    std::printf("%d CPU threads\n", cpuThreads());
    searchCosts();
    if (argc <= 2 || std::string(argv[2]) != "skip-ptq")
        demoPtq();
    return 0;
}
