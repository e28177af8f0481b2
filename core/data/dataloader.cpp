#include "core/data/dataloader.h"

#include "core/common/device.h"
#include "core/common/error.h"

#include <torch/torch.h>

#include <system_error>

namespace ql::core::data {
namespace {

std::atomic<int> g_failWorkerStart{-1};

uint64_t splitMix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// A well-mixed seed from several values, so that nearby epochs / batches get unrelated streams.
uint64_t mixSeed(uint64_t seed, uint64_t a, uint64_t b = 0)
{
    return splitMix64(splitMix64(splitMix64(seed) ^ a) ^ (b * 0x2545f4914f6cdd1dULL));
}

} // namespace

DataLoader::DataLoader(Dataset dataset, DataLoaderOptions options)
    : m_dataset(std::move(dataset)), m_options(std::move(options))
{
    if (m_options.batchSize < 1)
        throw Error("Batch size " + std::to_string(m_options.batchSize) + " is below 1.",
                    "Use a batch size of 1 or more.");
    if (m_options.prefetch < 1)
        throw Error("Prefetch " + std::to_string(m_options.prefetch) + " is below 1.", "Prefetch at least one batch.");
    if (m_options.workers < 0 || m_options.workers > kMaxWorkers)
        throw Error("Worker count " + std::to_string(m_options.workers) + " is outside 0.." +
                        std::to_string(kMaxWorkers) + ".",
                    "Use 0 to " + std::to_string(kMaxWorkers) + " data-loader workers; 2 keep a GPU busy.");
    if (m_dataset.empty())
        throw Error("Data set '" + m_dataset.name() + "' holds no samples; there is nothing to load.");
    const int64_t n = m_dataset.size();
    const int64_t bs = m_options.batchSize;
    m_batchesPerEpoch = m_options.dropLast ? n / bs : (n + bs - 1) / bs;
    m_pin = m_options.pinMemory && cudaAvailable();
    try {
        m_threads.reserve(static_cast<size_t>(m_options.workers));
        for (int i = 0; i < m_options.workers; ++i) {
            if (g_failWorkerStart >= 0 && i >= g_failWorkerStart)
                throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again));
            m_threads.emplace_back([this] { workerLoop(); });
        }
    } catch (const std::exception &e) {
        // The workers already running are stopped and joined here: a joinable std::thread
        // destroyed while this exception unwinds would end the program (std::terminate).
        const size_t started = m_threads.size();
        shutdown();
        throw Error("Cannot start data-loader worker " + std::to_string(started + 1) + " of " +
                        std::to_string(m_options.workers) + " (" + e.what() + ").",
                    "The system has no threads or memory left for them: use fewer workers (--workers), or free "
                    "memory and raise the process limits.");
    }
}

void DataLoader::shutdown() noexcept
{
    {
        std::lock_guard lock(m_mutex);
        m_shutdown = true;
    }
    m_workCv.notify_all();
    m_readyCv.notify_all();
    for (auto &t : m_threads)
        if (t.joinable())
            t.join();
    m_threads.clear();
}

DataLoader::~DataLoader() { shutdown(); }

void DataLoader::startEpoch(int64_t epoch)
{
    const int64_t n = m_dataset.size();
    torch::Tensor order = m_options.shuffle
                              ? seededPermutation(n, mixSeed(m_options.seed, static_cast<uint64_t>(epoch)))
                              : torch::arange(n, torch::kInt64);
    {
        std::lock_guard lock(m_mutex);
        ++m_generation;
        m_epoch = epoch;
        m_order = order;
        m_nextClaim = 0;
        m_delivered = 0;
        m_nextOrdered = 0;
        m_ready.clear();
        m_cancelled = false;
        m_started = true;
    }
    m_workCv.notify_all();
}

void DataLoader::cancel()
{
    {
        std::lock_guard lock(m_mutex);
        m_cancelled = true;
    }
    m_workCv.notify_all();
    m_readyCv.notify_all();
}

Batch DataLoader::makeBatch(const torch::Tensor &order, int64_t epoch, int64_t index) const
{
    const int64_t start = index * m_options.batchSize;
    const int64_t len = std::min(m_options.batchSize, m_dataset.size() - start);
    Batch b;
    b.indices = order.narrow(0, start, len).clone();
    b.index = index;
    b.epoch = epoch;
    TransformRng rng(mixSeed(m_options.seed ^ 0x5851f42d4c957f2dULL, static_cast<uint64_t>(epoch),
                             static_cast<uint64_t>(index) + 1));
    torch::Tensor images = m_dataset.images(b.indices);
    for (const auto &t : m_options.transforms)
        images = t(images, rng);
    if (m_options.normalize)
        images = normalize(images, m_dataset.normalization());
    b.images = images.contiguous();
    b.labels = m_dataset.labels(b.indices);
    if (m_pin) {
        b.images = b.images.pin_memory();
        b.labels = b.labels.pin_memory();
    }
    return b;
}

void DataLoader::workerLoop()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_workCv.wait(lock, [this] {
            return m_shutdown || (m_started && !m_cancelled && m_nextClaim < m_batchesPerEpoch &&
                                  m_nextClaim - m_delivered < m_options.prefetch);
        });
        if (m_shutdown)
            return;
        const uint64_t generation = m_generation;
        const int64_t index = m_nextClaim++;
        const int64_t epoch = m_epoch;
        const torch::Tensor order = m_order;
        lock.unlock();

        Slot slot;
        try {
            slot.batch = makeBatch(order, epoch, index);
        } catch (...) {
            // Handed to the consumer, which rethrows it from next().
            slot.error = std::current_exception();
        }

        lock.lock();
        if (m_shutdown)
            return;
        if (generation != m_generation)
            continue; // made for an abandoned epoch
        m_ready.emplace(index, std::move(slot));
        m_readyCv.notify_all();
    }
}

std::optional<Batch> DataLoader::next()
{
    if (m_threads.empty()) {
        if (!m_started || m_cancelled || m_nextOrdered >= m_batchesPerEpoch)
            return std::nullopt;
        const int64_t index = m_nextOrdered++;
        ++m_delivered;
        return makeBatch(m_order, m_epoch, index);
    }

    Slot slot;
    {
        std::unique_lock lock(m_mutex);
        if (!m_started || m_delivered >= m_batchesPerEpoch)
            return std::nullopt;
        const bool ordered = m_options.deterministic;
        m_readyCv.wait(lock, [&] {
            return m_shutdown || m_cancelled || (ordered ? m_ready.count(m_nextOrdered) > 0 : !m_ready.empty());
        });
        if (m_shutdown || m_cancelled)
            return std::nullopt;
        auto it = ordered ? m_ready.find(m_nextOrdered) : m_ready.begin();
        slot = std::move(it->second);
        m_ready.erase(it);
        ++m_delivered;
        ++m_nextOrdered;
    }
    m_workCv.notify_all();
    if (slot.error)
        std::rethrow_exception(slot.error);
    return std::move(slot.batch);
}

namespace testing {
void failWorkerStartAt(int index) { g_failWorkerStart.store(index); }
} // namespace testing

} // namespace ql::core::data
