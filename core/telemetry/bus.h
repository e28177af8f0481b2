#pragma once
// The hand-off between the engine thread and a user interface. The engine
// publishes plain values; the UI is told "something new" (at most one
// notification pending) and pulls whatever is newest. No torch, no Qt.
#include "ql/types/telemetry.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ql::core::telemetry {

/// One point of a layer's learned step size and offset over training.
struct ParamPoint {
    int64_t step = 0;
    double stepSize = 0;
    double offset = 0;
};

/// Everything new since the last drain.
struct Drained {
    std::map<std::string, std::shared_ptr<const types::LayerSnapshot>> layers; ///< newest per layer
    std::vector<types::TrainingPoint> training; ///< points since last drain
    std::optional<types::JobProgress> progress; ///< newest
    std::vector<std::string> messages;
    bool empty() const { return layers.empty() && training.empty() && !progress && messages.empty(); }
};

/// Thread-safe. Publishers never block on a consumer: the lock is held only
/// to move values in or out.
class Bus {
public:
    explicit Bus(size_t seriesCapacity = 4096);

    /// Called (on the publishing thread) when the bus goes from "nothing new"
    /// to "something new"; not again until drain() has been called.
    void setNotify(std::function<void()> notify);

    void publishLayer(std::shared_ptr<const types::LayerSnapshot> snapshot);
    void publishTraining(const types::TrainingPoint &point);
    void publishProgress(const types::JobProgress &progress);
    void publishMessage(const std::string &message);

    /// Takes everything new and re-arms the notification.
    Drained drain();

    /// Bounded history of the global training curve (oldest dropped first).
    std::vector<types::TrainingPoint> trainingSeries() const;
    /// Bounded history of a layer's weight/activation step size and offset.
    std::vector<ParamPoint> paramSeries(const std::string &layer, bool activation) const;
    /// Newest snapshot of every layer (not only the new ones).
    std::map<std::string, std::shared_ptr<const types::LayerSnapshot>> latest() const;
    /// Number of notifications sent so far (for tests and benchmarks).
    uint64_t notifications() const;
    /// Training points published so far, including those the bounded series has dropped.
    uint64_t trainingPublished() const;
    void clear();

private:
    void markNew(std::unique_lock<std::mutex> &lock);

    mutable std::mutex m_mutex;
    std::function<void()> m_notify;
    bool m_pending = false;
    uint64_t m_notifications = 0;
    uint64_t m_trainingPublished = 0;
    size_t m_capacity;
    Drained m_new;
    std::map<std::string, std::shared_ptr<const types::LayerSnapshot>> m_latest;
    std::deque<types::TrainingPoint> m_training;
    std::map<std::string, std::deque<ParamPoint>> m_weightSeries;
    std::map<std::string, std::deque<ParamPoint>> m_actSeries;
};

} // namespace ql::core::telemetry
