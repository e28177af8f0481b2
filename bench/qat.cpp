// QAT step time against FP32 step time for the same model and batch, the
// telemetry probe's cost, and the what-if latency, on the demo architecture.
// Usage: bench_qat [threads]   (prints its figures; not a test)
#include "core/common/device.h"
#include "core/data/loaders.h"
#include "core/data/transforms.h"
#include "core/engine/jobs.h"
#include "core/quant/asq.h"
#include "core/quant/lsq.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <tuple>

using namespace ql::core;
using Clock = std::chrono::steady_clock;

static double msPerStep(models::QuantModelImpl &model, const torch::Tensor &x, const torch::Tensor &y, int steps)
{
    torch::optim::SGD opt(model.parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
    model.train();
    for (int i = 0; i < 2; ++i) { // warm-up
        opt.zero_grad();
        torch::nn::functional::cross_entropy(model.forward(x), y).backward();
        opt.step();
    }
    const auto t0 = Clock::now();
    for (int i = 0; i < steps; ++i) {
        opt.zero_grad();
        torch::nn::functional::cross_entropy(model.forward(x), y).backward();
        opt.step();
    }
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / steps;
}

// One activation quantizer alone on a conv2-sized input: forward and backward of sum(x_hat).
static double quantizerMs(quant::QuantizerImpl &q, const torch::Tensor &input)
{
    const torch::Tensor x = input.clone().requires_grad_(true);
    for (int i = 0; i < 2; ++i)
        q.forward(x).sum().backward();
    const auto t0 = Clock::now();
    for (int i = 0; i < 10; ++i)
        q.forward(x).sum().backward();
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / 10;
}

int main(int argc, char **argv)
{
    keepFreedMemoryForReuse();
    setCpuThreads(argc > 1 ? std::atoi(argv[1]) : 0);
    const auto test = data::openDataset("fashion-mnist", data::Split::Test);
    const auto idx = torch::arange(128, torch::kLong);
    const auto x = data::normalize(test.images(idx), test.normalization());
    const auto y = test.labels(idx);
    std::printf("fmnist-cnn, batch 128, %d CPU threads\n", cpuThreads());

    {
        torch::manual_seed(0);
        const torch::Tensor act = torch::silu(torch::randn({128, 32, 28, 28}));
        quant::QuantSpec spec;
        spec.method = quant::Method::Lsq;
        spec.bits = 4;
        quant::LsqQuantizer lsq(spec, quant::Role::Activation, 0);
        lsq->init({act});
        spec.method = quant::Method::Asq;
        quant::AsqQuantizer asq(spec, 32);
        asq->init({act});
        std::printf("activation quantizer alone, [128, 32, 28, 28]: LSQ %.1f ms, ASQ %.1f ms\n", quantizerMs(*lsq, act),
                    quantizerMs(*asq, act));
        // The fc input of the demo model: a 64 x 7 x 7 map flattened. Its adapter pools the 64
        // channels (Linear(64, 16)); one over all 3136 features would be Linear(3136, 784).
        const torch::Tensor flat = act.slice(1, 0, 4).reshape({128, -1}).slice(1, 0, 3136).contiguous();
        quant::AsqQuantizer asqFc(spec, 64), asqAll(spec, 3136);
        asqFc->init({flat});
        asqAll->init({flat});
        lsq->init({flat});
        std::printf("activation quantizer alone, [128, 3136] (fc): LSQ %.1f ms, ASQ %.1f ms (adapter over 64 channels, "
                    "%lld parameters); over all 3136 features it would take %.1f ms (%lld parameters)\n",
                    quantizerMs(*lsq, flat), quantizerMs(*asqFc, flat),
                    static_cast<long long>(quant::AsqAdapterImpl::parameterCount(64)), quantizerMs(*asqAll, flat),
                    static_cast<long long>(quant::AsqAdapterImpl::parameterCount(3136)));
    }

    torch::manual_seed(0);
    engine::LoadedModel m;
    m.model = models::createModel("fmnist-cnn", {0, 0, models::Activation::Silu});
    m.meta.arch = "fmnist-cnn";
    const double fp32 = msPerStep(*m.model, x, y, 10);
    std::printf("FP32 step                    %8.1f ms\n", fp32);

    for (const auto &[w, a] :
         std::vector<std::pair<quant::Method, quant::Method>>{{quant::Method::Lsq, quant::Method::Lsq},
                                                              {quant::Method::Lsq, quant::Method::LsqPlus},
                                                              {quant::Method::Lsq, quant::Method::Asq},
                                                              {quant::Method::Post, quant::Method::Asq}}) {
        engine::QuantRecipe r;
        r.weightMethod = w;
        r.actMethod = a;
        engine::Session s(m, "fashion-mnist", r);
        s.buildQuantizers();
        engine::calibrate(s, test.subset(torch::arange(256, torch::kLong)), torch::kCPU);
        const double q = msPerStep(*s.model(), x, y, 10);
        std::printf("QAT step W4 %-6s A4 %-6s %8.1f ms   ratio to FP32 %.2fx\n", quant::methodName(w).c_str(),
                    quant::methodName(a).c_str(), q, q / fp32);
        if (w == quant::Method::Lsq && a == quant::Method::Lsq) {
            auto bus = std::make_shared<telemetry::Bus>();
            // As QAT takes them: the training probe's images, the training budget.
            engine::TelemetryProbe probe(s, test, torch::kCPU, bus, engine::kTrainingProbeImages);
            const auto t0 = Clock::now();
            for (int i = 0; i < 5; ++i)
                probe.publish(i);
            const double pub = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / 5;
            std::printf(
                "telemetry publish (5 layers, %lld images)  %6.1f ms = %.2f steps; at the %.0f%% budget, every %.0f "
                "steps\n",
                static_cast<long long>(engine::kTrainingProbeImages), pub, pub / q, 100 * engine::kTelemetryBudget,
                std::ceil(pub / (engine::kTelemetryBudget * q)));
            // What-if as the layer table triggers it: one column of one layer edited.
            for (const auto &[wb, ab, what] : std::vector<std::tuple<int, int, const char *>>{
                     {3, 0, "weights to W3"}, {0, 3, "activations to A3"}, {2, 2, "both to W2A2"}}) {
                const auto t1 = Clock::now();
                const auto wi = engine::whatIf(s, s.config()[1].layer, wb, ab, test, torch::kCPU, 512);
                const double whatIfMs = std::chrono::duration<double, std::milli>(Clock::now() - t1).count();
                std::printf("what-if, one layer's %-18s 512 images  %6.0f ms  (target < 1000 ms)\n", what, whatIfMs);
                (void)wi;
            }
        }
    }
    return 0;
}
