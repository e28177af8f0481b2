#pragma once
#include "core/data/dataset.h"
#include "core/data/transforms.h"

#include <torch/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace ql::core::data {

/// One batch of a DataLoader.
struct Batch {
    torch::Tensor images; ///< float [B, C, H, W]: transformed, then normalised (when asked)
    torch::Tensor labels; ///< int64 [B]
    torch::Tensor indices; ///< int64 [B]: the samples' indices in the data set
    int64_t index = 0; ///< position of the batch in its epoch
    int64_t epoch = 0;
};

/// Most worker threads a DataLoader starts (more only add memory and contention).
constexpr int kMaxWorkers = 64;

/// How a DataLoader makes its batches.
struct DataLoaderOptions {
    int64_t batchSize = 64;
    bool shuffle = true;
    uint64_t seed = 0;
    /// Threads making batches (0..kMaxWorkers); 0 makes them on the thread calling next().
    int workers = 0;
    /// Batches made ahead of the consumer, at most (>= 1). Bounds memory.
    int prefetch = 4;
    /// Leave out the last batch when it is smaller than batchSize.
    bool dropLast = false;
    /// Applied in order to the float [0, 1] images of each batch, before normalisation.
    std::vector<Transform> transforms;
    /// Apply the data set's normalisation after the transforms.
    bool normalize = true;
    /// Page-lock the batches' memory (faster copies to the GPU); only when
    /// CUDA is available, ignored otherwise.
    bool pinMemory = true;
    /// Hand out batches in epoch order (same batches in the same order for any
    /// worker count). When false, batches come as soon as any worker has one:
    /// each batch's content is the same, only the order may differ.
    bool deterministic = true;
};

/// Batches over a Dataset, made by worker threads ahead of the consumer.
///
/// Usage: `loader.startEpoch(e); while (auto b = loader.next()) train(b->images, b->labels);`
///
/// The permutation of epoch e and each batch's augmentation are seeded from
/// (seed, e, batch index) only, so an epoch's batches do not depend on the
/// number of workers. startEpoch, next and batchesPerEpoch belong to one
/// consumer thread; cancel() may be called from any thread, also while the
/// consumer waits in next(). Destroying the loader mid-epoch stops and joins
/// the workers (a batch in the making is finished first, then dropped).
class DataLoader {
public:
    /// Throws ql::core::Error for a batch size or prefetch below 1, workers outside
    /// 0..kMaxWorkers or an empty data set, and when a worker thread cannot be started (the
    /// ones already started are stopped first; nothing calls std::terminate).
    DataLoader(Dataset dataset, DataLoaderOptions options);
    ~DataLoader();
    DataLoader(const DataLoader &) = delete;
    DataLoader &operator=(const DataLoader &) = delete;

    /// Begins epoch `epoch` (abandoning any epoch in progress) and clears a
    /// previous cancel().
    void startEpoch(int64_t epoch);
    /// The next batch of the current epoch; nullopt at its end, after
    /// cancel(), or before startEpoch. Rethrows an exception a transform
    /// threw while making this batch.
    std::optional<Batch> next();
    /// Ends the current epoch early: next() returns nullopt, workers stop
    /// making batches. Thread-safe.
    void cancel();
    /// Whether cancel() was called since the last startEpoch. Thread-safe.
    bool cancelled() const { return m_cancelled.load(); }

    int64_t batchesPerEpoch() const { return m_batchesPerEpoch; }
    const Dataset &dataset() const { return m_dataset; }
    const DataLoaderOptions &options() const { return m_options; }
    /// Whether batches are page-locked (pinMemory asked and CUDA available).
    bool pinsMemory() const { return m_pin; }

private:
    struct Slot {
        std::optional<Batch> batch;
        std::exception_ptr error;
    };

    Batch makeBatch(const torch::Tensor &order, int64_t epoch, int64_t index) const;
    void workerLoop();
    /// Stops and joins the workers.
    void shutdown() noexcept;

    Dataset m_dataset;
    DataLoaderOptions m_options;
    int64_t m_batchesPerEpoch = 0;
    bool m_pin = false;

    mutable std::mutex m_mutex;
    std::condition_variable m_workCv; // workers wait for work or shutdown
    std::condition_variable m_readyCv; // the consumer waits for a batch
    bool m_shutdown = false;
    std::atomic<bool> m_cancelled{false};
    bool m_started = false;
    uint64_t m_generation = 0; // bumped by startEpoch: late batches of an old epoch are dropped
    int64_t m_epoch = 0;
    torch::Tensor m_order; // int64 [N]: sample order of the current epoch
    int64_t m_nextClaim = 0; // next batch index a worker may make
    int64_t m_delivered = 0; // batches handed to the consumer
    int64_t m_nextOrdered = 0;
    std::map<int64_t, Slot> m_ready;
    std::vector<std::thread> m_threads;
};

namespace testing {
/// Makes the start of worker `index` (0-based) and later ones fail as if the system had no
/// threads left; -1 (the default) turns it off. The failure injection of the tests. Thread-safe.
void failWorkerStartAt(int index);
} // namespace testing

} // namespace ql::core::data
