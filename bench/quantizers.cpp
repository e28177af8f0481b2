// Forward + backward throughput of each quantizer on 1M and 16M elements,
// against a plain clamp/round pass over the same tensor (the reference ratio).
#include "core/common/device.h"
#include "core/quant/quantizer.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// Seconds per call of `step`, after one warm-up call; repeats until `budget` seconds or 20 calls.
double timePerCall(const std::function<void()> &step, double budget)
{
    step();
    int calls = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
        step();
        ++calls;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < budget && calls < 20);
    return elapsed / calls;
}

struct Case {
    std::string name;
    ql::core::quant::QuantSpec spec;
    ql::core::quant::Role role;
};

ql::core::quant::QuantSpec spec(ql::core::quant::Method m, int bits, bool isSigned, int config = 4)
{
    ql::core::quant::QuantSpec s;
    s.method = m;
    s.bits = bits;
    s.isSigned = isSigned;
    s.lsqPlusConfig = config;
    return s;
}

} // namespace

int main()
{
    ql::core::keepFreedMemoryForReuse();
    namespace q = ql::core::quant;
    const int threads = ql::core::setCpuThreads(0);
    torch::manual_seed(0);
    std::printf("quantizer forward+backward throughput, CPU, %d threads (at::set_num_threads)\n", threads);
    std::printf("reference: y = round(clamp(x / s, 0, 15)) * s, sum().backward() (autograd)\n\n");
    const std::vector<Case> cases{
        {"LSQ 4b unsigned", spec(q::Method::Lsq, 4, false), q::Role::Activation},
        {"LSQ+ c4 4b", spec(q::Method::LsqPlus, 4, true, 4), q::Role::Activation},
        {"ASQ 4b", spec(q::Method::Asq, 4, false), q::Role::Activation},
        {"PACT 4b", spec(q::Method::Pact, 4, false), q::Role::Activation},
        {"POT 4b paper", spec(q::Method::Pot, 4, true), q::Role::Weight},
        {"POST 4b paper", spec(q::Method::Post, 4, true), q::Role::Weight},
        {"APoT 5b", spec(q::Method::Apot, 5, true), q::Role::Weight},
        {"MinMax PTQ 8b", spec(q::Method::MinMax, 8, true), q::Role::Weight},
    };
    // [N, C, H, W] with C = 64 so that ASQ's adapter has its hidden layer.
    const std::vector<std::pair<const char *, std::vector<int64_t>>> sizes{{"1M", {16, 64, 32, 32}},
                                                                           {"16M", {64, 64, 64, 64}}};
    std::printf("%-16s %5s %11s %12s %10s\n", "quantizer", "size", "ms/iter", "Melem/s", "vs ref");
    for (const auto &[label, shape] : sizes) {
        const torch::Tensor base = torch::randn(shape).abs_();
        const double numel = static_cast<double>(base.numel());
        const double budget = base.numel() > (int64_t{1} << 22) ? 2.0 : 0.5;
        const torch::Tensor ref = base.clone().requires_grad_(true);
        const double tRef = timePerCall(
            [&] {
                ref.mutable_grad() = torch::Tensor();
                (torch::round(torch::clamp(ref / 0.1, 0.0, 15.0)) * 0.1).sum().backward();
            },
            budget);
        std::printf("%-16s %5s %11.2f %12.1f %10s\n", "clamp/round ref", label, tRef * 1e3, numel / tRef / 1e6,
                    "1.00x");
        for (const auto &c : cases) {
            const q::Quantizer quant =
                q::makeQuantizer(c.spec, c.role, c.role == q::Role::Weight ? shape[0] : shape[1]);
            quant->init({base});
            const torch::Tensor x = base.clone().requires_grad_(true);
            const double t = timePerCall(
                [&] {
                    x.mutable_grad() = torch::Tensor();
                    quant->zero_grad();
                    quant->forward(x).sum().backward();
                },
                budget);
            std::printf("%-16s %5s %11.2f %12.1f %9.2fx\n", c.name.c_str(), label, t * 1e3, numel / t / 1e6, t / tRef);
        }
        std::printf("\n");
    }
    std::printf("'vs ref' is time relative to the reference pass (higher = slower).\n");
    return 0;
}
