// Data-loader throughput (images/s) on the Fashion-MNIST training set with
// 0, 1 and 2 workers, with and without augmentation (random crop + flip).
//
// Usage: bench_data [epochs=2] [batch=128] [data set name or path=fashion-mnist]
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/data/dataloader.h"
#include "core/data/loaders.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace {

struct Result {
    double imagesPerSecond = 0.0;
    double checksum = 0.0; // keeps the batches alive in the optimiser's eyes
};

Result measure(const ql::core::data::Dataset &dataset, int workers, bool augment, int epochs, int64_t batch)
{
    ql::core::data::DataLoaderOptions o;
    o.batchSize = batch;
    o.workers = workers;
    o.seed = 1;
    if (augment)
        o.transforms = ql::core::data::standardAugmentation(dataset);
    ql::core::data::DataLoader loader(dataset, o);

    // one warm-up epoch fragment: first-touch of the tensors, thread start
    loader.startEpoch(-1);
    for (int i = 0; i < 5; ++i)
        (void)loader.next();

    Result r;
    int64_t images = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int e = 0; e < epochs; ++e) {
        loader.startEpoch(e);
        while (auto b = loader.next()) {
            images += b->images.size(0);
            r.checksum += static_cast<double>(b->images.data_ptr<float>()[0]);
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.imagesPerSecond = static_cast<double>(images) / seconds;
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    const int epochs = argc > 1 ? std::stoi(argv[1]) : 2;
    const int64_t batch = argc > 2 ? std::stoll(argv[2]) : 128;
    const std::string source = argc > 3 ? argv[3] : "fashion-mnist";
    try {
        const auto t0 = std::chrono::steady_clock::now();
        const auto dataset = ql::core::data::openDataset(source, ql::core::data::Split::Train);
        const double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("data set: %s, %lld images %lldx%lldx%lld, opened in %.2f s\n", dataset.name().c_str(),
                    static_cast<long long>(dataset.size()), static_cast<long long>(dataset.channels()),
                    static_cast<long long>(dataset.height()), static_cast<long long>(dataset.width()), loadSeconds);
        std::printf("batch %lld, %d epochs per figure, torch intra-op threads %d, CUDA %s (pinned memory %s)\n",
                    static_cast<long long>(batch), epochs, ql::core::cpuThreads(),
                    ql::core::cudaAvailable() ? "yes" : "no", ql::core::cudaAvailable() ? "on" : "off");
        std::printf("%-8s %-13s %14s\n", "workers", "augmentation", "images/s");
        for (bool augment : {false, true})
            for (int workers : {0, 1, 2}) {
                const Result r = measure(dataset, workers, augment, epochs, batch);
                std::printf("%-8d %-13s %14.0f   (checksum %.3f)\n", workers, augment ? "crop+flip" : "none",
                            r.imagesPerSecond, r.checksum);
            }
    } catch (const ql::core::Error &e) {
        std::fprintf(stderr, "bench_data: %s\n", e.full().c_str());
        return 1;
    }
    return 0;
}
