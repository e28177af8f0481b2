// FP32 training throughput (images/s) of fmnist-cnn and resnet20 on this
// CPU, and the data loader's throughput alone, so a slow loader is visible.
// Usage: bench_train [threads] [steps]   (prints its figures; not a test)
#include "core/common/device.h"
#include "core/data/dataloader.h"
#include "core/data/loaders.h"
#include "core/models/zoo.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace ql::core;
using Clock = std::chrono::steady_clock;

static double loaderOnly(const data::Dataset &d, int steps)
{
    data::DataLoaderOptions o;
    o.batchSize = 128;
    o.workers = 1;
    o.transforms = data::standardAugmentation(d);
    data::DataLoader loader(d, o);
    loader.startEpoch(0);
    const auto t0 = Clock::now();
    int64_t n = 0;
    for (int i = 0; i < steps; ++i)
        if (auto b = loader.next())
            n += b->labels.size(0);
    return double(n) / std::chrono::duration<double>(Clock::now() - t0).count();
}

static double trainThroughput(const std::string &arch, const data::Dataset &d, int steps)
{
    torch::manual_seed(0);
    models::ZooOptions zo;
    zo.inChannels = d.channels();
    zo.numClasses = d.numClasses();
    auto model = models::createModel(arch, zo);
    torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));
    data::DataLoaderOptions o;
    o.batchSize = 128;
    o.workers = 1;
    o.transforms = data::standardAugmentation(d);
    data::DataLoader loader(d, o);
    loader.startEpoch(0);
    model->train();
    auto step = [&] {
        auto b = loader.next();
        opt.zero_grad();
        torch::nn::functional::cross_entropy(model->forward(b->images), b->labels).backward();
        opt.step();
        return b->labels.size(0);
    };
    step(); // warm-up
    const auto t0 = Clock::now();
    int64_t n = 0;
    for (int i = 0; i < steps; ++i)
        n += step();
    return double(n) / std::chrono::duration<double>(Clock::now() - t0).count();
}

int main(int argc, char **argv)
{
    keepFreedMemoryForReuse();
    setCpuThreads(argc > 1 ? std::atoi(argv[1]) : 0);
    const int steps = argc > 2 ? std::atoi(argv[2]) : 20;
    const auto fmnist = data::openDataset("fashion-mnist", data::Split::Train);
    std::printf("batch 128, %d CPU threads, %d steps each\n", cpuThreads(), steps);
    const double loader = loaderOnly(fmnist, steps * 4);
    std::printf("data loader alone (Fashion-MNIST, crop+flip, 1 worker)  %9.0f images/s\n", loader);
    const double cnn = trainThroughput("fmnist-cnn", fmnist, steps);
    std::printf("fmnist-cnn FP32 training                             %9.0f images/s  (loader %.0fx faster)\n", cnn,
                loader / cnn);
    // resnet20 expects 3x32x32: the same images padded and repeated to three channels.
    const auto raw = fmnist.rawImages().slice(0, 0, 4096);
    const auto rgb = torch::constant_pad_nd(raw, {2, 2, 2, 2}).repeat({1, 3, 1, 1}).contiguous();
    const data::Dataset cifarLike("fmnist-rgb32", rgb, fmnist.labels().slice(0, 0, 4096), fmnist.classNames(),
                                  {{0.286f, 0.286f, 0.286f}, {0.353f, 0.353f, 0.353f}});
    const double r20 = trainThroughput("resnet20", cifarLike, steps);
    std::printf("resnet20 FP32 training (3x32x32)                     %9.0f images/s\n", r20);
    return 0;
}
