#pragma once
// What every engine job shares: progress and training-point callbacks and a
// stop token. Plain values only; callbacks run on the engine thread.
#include "ql/types/telemetry.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <stop_token>
#include <string>

namespace ql::core::engine {

/// The clock every job timing reads (ETA, epoch times, throughput, the telemetry budget):
/// std::chrono::steady_clock unless setJobClock() replaced it.
using JobClock = std::function<std::chrono::steady_clock::time_point()>;

inline JobClock &jobClockOverride()
{
    static JobClock clock;
    return clock;
}

/// Replaces the job clock process-wide (nullptr: steady_clock again). For tests whose subject is
/// timing: they advance a fake clock by hand instead of depending on the machine's speed. Set it
/// while no job runs.
inline void setJobClock(JobClock clock) { jobClockOverride() = std::move(clock); }

/// Now, on the job clock.
inline std::chrono::steady_clock::time_point jobNow()
{
    const auto &c = jobClockOverride();
    return c ? c() : std::chrono::steady_clock::now();
}

/// Callbacks a job reports through; any may be empty. Called on the engine
/// thread; they must not block for long (hand the value over and return).
struct JobCallbacks {
    std::function<void(const types::JobProgress &)> progress;
    std::function<void(const types::TrainingPoint &)> trainingPoint;
    std::function<void(const std::string &)> message;
    std::stop_token stop;
    /// Blocks while the job is paused; returns at once otherwise, or when a stop is requested.
    /// Jobs reach it wherever they check for a stop (between steps and batches).
    std::function<void()> pausePoint;

    bool stopRequested() const;
};

/// Seconds the calling thread has spent blocked at pause points. Job clocks (Eta) leave
/// them out, so a pause neither inflates the ETA nor lowers the reported throughput.
inline double &pausedSecondsOfThisThread()
{
    thread_local double seconds = 0;
    return seconds;
}

inline bool JobCallbacks::stopRequested() const
{
    if (pausePoint) {
        const auto t0 = jobNow();
        pausePoint();
        pausedSecondsOfThisThread() += std::chrono::duration<double>(jobNow() - t0).count();
    }
    return stop.stop_requested();
}

/// Estimates the remaining time of a job from its rate so far.
/// Time spent paused (at pause points of the thread that created it) does not count.
class Eta {
public:
    Eta() : m_start(jobNow()), m_pausedAtStart(pausedSecondsOfThisThread()) { }
    double elapsedSeconds() const
    {
        const double wall = std::chrono::duration<double>(jobNow() - m_start).count();
        return std::max(0.0, wall - (pausedSecondsOfThisThread() - m_pausedAtStart));
    }
    /// Seconds left when `done` of `total` units are finished; -1 when unknown.
    double remaining(int64_t done, int64_t total) const
    {
        if (done <= 0 || total <= done)
            return done >= total && total > 0 ? 0.0 : -1.0;
        return elapsedSeconds() * double(total - done) / double(done);
    }

private:
    std::chrono::steady_clock::time_point m_start;
    double m_pausedAtStart;
};

inline void reportProgress(const JobCallbacks &cb, const std::string &job, int64_t done, int64_t total, const Eta &eta,
                           std::string message = {})
{
    if (cb.progress)
        cb.progress(types::JobProgress{job, done, total, eta.remaining(done, total), std::move(message)});
}

} // namespace ql::core::engine
