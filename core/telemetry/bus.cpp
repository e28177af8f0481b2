#include "core/telemetry/bus.h"

namespace ql::core::telemetry {

Bus::Bus(size_t seriesCapacity) : m_capacity(std::max<size_t>(seriesCapacity, 2)) { }

void Bus::setNotify(std::function<void()> notify)
{
    std::lock_guard lock(m_mutex);
    m_notify = std::move(notify);
}

void Bus::markNew(std::unique_lock<std::mutex> &lock)
{
    if (m_pending)
        return;
    m_pending = true;
    ++m_notifications;
    auto notify = m_notify;
    lock.unlock(); // never call out with the lock held
    if (notify)
        notify();
}

template <typename T>
static void pushBounded(std::deque<T> &d, const T &v, size_t capacity)
{
    d.push_back(v);
    while (d.size() > capacity)
        d.pop_front();
}

void Bus::publishLayer(std::shared_ptr<const types::LayerSnapshot> snapshot)
{
    if (!snapshot)
        return;
    std::unique_lock lock(m_mutex);
    const auto &s = *snapshot;
    if (s.weight.valid)
        pushBounded(m_weightSeries[s.layer], ParamPoint{s.step, s.weight.step, s.weight.offset}, m_capacity);
    if (s.activation.valid)
        pushBounded(m_actSeries[s.layer], ParamPoint{s.step, s.activation.step, s.activation.offset}, m_capacity);
    m_latest[s.layer] = snapshot;
    m_new.layers[s.layer] = std::move(snapshot);
    markNew(lock);
}

void Bus::publishTraining(const types::TrainingPoint &point)
{
    std::unique_lock lock(m_mutex);
    pushBounded(m_training, point, m_capacity);
    ++m_trainingPublished;
    m_new.training.push_back(point);
    if (m_new.training.size() > m_capacity)
        m_new.training.erase(m_new.training.begin());
    markNew(lock);
}

void Bus::publishProgress(const types::JobProgress &progress)
{
    std::unique_lock lock(m_mutex);
    m_new.progress = progress;
    markNew(lock);
}

void Bus::publishMessage(const std::string &message)
{
    std::unique_lock lock(m_mutex);
    m_new.messages.push_back(message);
    markNew(lock);
}

Drained Bus::drain()
{
    std::lock_guard lock(m_mutex);
    Drained out = std::move(m_new);
    m_new = Drained{};
    m_pending = false;
    return out;
}

std::vector<types::TrainingPoint> Bus::trainingSeries() const
{
    std::lock_guard lock(m_mutex);
    return {m_training.begin(), m_training.end()};
}

std::vector<ParamPoint> Bus::paramSeries(const std::string &layer, bool activation) const
{
    std::lock_guard lock(m_mutex);
    const auto &series = activation ? m_actSeries : m_weightSeries;
    const auto it = series.find(layer);
    if (it == series.end())
        return {};
    return {it->second.begin(), it->second.end()};
}

std::map<std::string, std::shared_ptr<const types::LayerSnapshot>> Bus::latest() const
{
    std::lock_guard lock(m_mutex);
    return m_latest;
}

uint64_t Bus::notifications() const
{
    std::lock_guard lock(m_mutex);
    return m_notifications;
}

uint64_t Bus::trainingPublished() const
{
    std::lock_guard lock(m_mutex);
    return m_trainingPublished;
}

void Bus::clear()
{
    std::lock_guard lock(m_mutex);
    m_new = Drained{};
    m_pending = false;
    m_latest.clear();
    m_training.clear();
    m_weightSeries.clear();
    m_actSeries.clear();
}

} // namespace ql::core::telemetry
