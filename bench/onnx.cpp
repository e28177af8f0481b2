// ONNX import: how long importing torchvision's resnet18 takes, and the FP32 forward throughput
// of the imported graph against the zoo's resnet18 on the same input (target: ratio >= 0.9) and
// against ONNX Runtime on the same machine (tools/ort/run.mjs --repeat, same thread count).
// The model is exported by /usr/bin/python3 (torch.onnx.export, random weights) into a
// temporary folder. Usage: bench_onnx [threads] [batch] [rounds]   (prints figures; not a test)
#include "core/common/device.h"
#include "core/models/zoo.h"
#ifdef QL_HAVE_ONNX
#include "core/onnx/onnx_model.h"
#endif

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace ql::core;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

#ifdef QL_HAVE_ONNX
namespace {

double seconds(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

std::string run(const std::string &command)
{
    std::string out;
    if (FILE *p = popen(command.c_str(), "r")) {
        char buf[4096];
        while (size_t n = fread(buf, 1, sizeof buf, p))
            out.append(buf, n);
        if (pclose(p) != 0)
            return {};
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    const int threads = argc > 1 ? std::atoi(argv[1]) : 0;
    const int64_t batch = argc > 2 ? std::atoll(argv[2]) : 8;
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 5;
    if (threads > 0)
        torch::set_num_threads(threads);
    keepFreedMemoryForReuse();
    const fs::path dir = fs::temp_directory_path() / ("ql_bench_onnx_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path file = dir / "resnet18.onnx";
    const std::string source = QL_SOURCE_DIR;
    if (run("/usr/bin/python3 " + source + "/scripts/make_onnx_fixtures.py torchvision resnet18 13 " + file.string() +
            " 224 2>/dev/null")
            .empty() &&
        !fs::exists(file)) {
        std::fprintf(stderr, "bench_onnx: /usr/bin/python3 could not export resnet18 (run scripts/bootstrap)\n");
        return 1;
    }
    std::printf("resnet18, FP32, batch %lld at 224x224, %d libtorch threads\n", static_cast<long long>(batch),
                torch::get_num_threads());

    std::vector<double> importTimes;
    ql::core::onnx::OnnxModel imported;
    for (int i = 0; i < 3; ++i) {
        const auto t0 = Clock::now();
        imported = ql::core::onnx::importModel(file);
        importTimes.push_back(seconds(t0));
    }
    std::printf("import (read, check, fold, dry runs): median %.0f ms of 3\n", 1000 * median(importTimes));

    torch::manual_seed(0);
    auto zoo = models::createModel("resnet18");
    zoo->eval();
    imported->eval();
    torch::NoGradGuard noGrad;
    const auto x = torch::randn({batch, 3, 224, 224});
    zoo->forward(x); // warm-up
    imported->forward(x);
    std::vector<double> zooRate, onnxRate;
    for (int r = 0; r < rounds; ++r) { // alternated, so that load on the machine hits both alike
        auto t0 = Clock::now();
        zoo->forward(x);
        zooRate.push_back(double(batch) / seconds(t0));
        t0 = Clock::now();
        imported->forward(x);
        onnxRate.push_back(double(batch) / seconds(t0));
    }
    const double zooMedian = median(zooRate), onnxMedian = median(onnxRate);
    std::printf("zoo resnet18:      %.1f img/s (median of %d)\n", zooMedian, rounds);
    std::printf("imported resnet18: %.1f img/s (median of %d)\n", onnxMedian, rounds);
    std::vector<double> ratios;
    for (int r = 0; r < rounds; ++r)
        ratios.push_back(onnxRate[static_cast<size_t>(r)] / zooRate[static_cast<size_t>(r)]);
    std::printf("imported / zoo: %.3f (median of the rounds' ratios; target >= 0.9)\n", median(ratios));

    // ONNX Runtime on the same input, with as many threads.
    {
        const auto in = dir / "input.bin";
        const auto c = x.contiguous();
        std::ofstream(in, std::ios::binary)
            .write(static_cast<const char *>(c.data_ptr()), static_cast<std::streamsize>(c.nbytes()));
        const std::string cmd =
            "node " + source + "/tools/ort/run.mjs --model " + file.string() + " --input input=" + in.string() + ":" +
            std::to_string(batch) + "x3x224x224 --out-dir " + dir.string() + " --threads " +
            std::to_string(torch::get_num_threads()) + " --repeat " + std::to_string(rounds) + " 2>/dev/null";
        const auto out = run(cmd);
        if (out.empty()) {
            std::printf("ONNX Runtime: not run (tools/ort: run scripts/bootstrap)\n");
        } else {
            const double ms = nlohmann::json::parse(out).value("ms_per_run", 0.0);
            const double rate = ms > 0 ? 1000.0 * double(batch) / ms : 0;
            std::printf("ONNX Runtime:      %.1f img/s (mean of %d, all graph optimisations)\n", rate, rounds);
            std::printf("imported / ONNX Runtime: %.3f\n", rate > 0 ? onnxMedian / rate : 0.0);
        }
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    return 0;
}
#else
int main()
{
    std::printf("bench_onnx: this QuantLens was built without ONNX support (libonnx-dev)\n");
    return 0;
}
#endif
