#pragma once
// The QObject bridge between the GUI thread and the engine thread. Jobs run
// one at a time on an engine thread; results are kept here and announced by
// signals (queued to the GUI thread); telemetry arrives through the Bus and
// is pulled by the GUI at most 30 times a second.
#include "core/engine/jobs.h"
#include "core/engine/session.h"
#include "core/telemetry/bus.h"

#include <QObject>
#include <QString>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace ql::app {

/// GUI-thread API; every request returns false (and does nothing) while a job runs.
class EngineBridge : public QObject {
    Q_OBJECT
public:
    explicit EngineBridge(QObject *parent = nullptr);
    ~EngineBridge() override;

    bool busy() const;
    QString currentJob() const;
    std::shared_ptr<core::telemetry::Bus> bus() const { return m_bus; }

    /// Loads a model file (and the data set it was trained on, or Fashion-MNIST).
    bool openModel(const QString &path);
    /// Loads a saved session (.qls) with its quantizers as they were saved.
    bool openSession(const QString &path);
    /// Uses another data set (name or folder) for calibration, training and evaluation.
    bool openData(const QString &nameOrPath);
    /// Quantizes a second copy of the model with `other` (PTQ calibration) and compares it
    /// with the current session: error accumulation of both, per-layer statistics of both.
    bool runCompare(const core::engine::QuantRecipe &other, int64_t samples = 256);
    bool runPtq(const core::engine::QuantRecipe &recipe, int64_t calibrationImages = 512);
    bool runQat(const core::engine::QuantRecipe &recipe, const core::engine::QatOptions &options);
    bool runErrors(int64_t samples = 256);
    bool runSensitivity(int64_t samples = 1000);
    /// Re-quantizes one layer with new bits and re-evaluates on a small subset.
    bool whatIf(const QString &layer, int weightBits, int actBits, int64_t samples = 512);
    /// Asks the running job to stop after its current step.
    void stop();
    /// Pauses the running job after its current step (or batch), or lets it go on.
    void setPaused(bool paused);
    bool paused() const;
    /// Saves the session (engine thread; fails while a job runs).
    bool saveSession(const QString &path);
    /// Where QAT saves the session after every epoch (empty: no autosave).
    void setAutosavePath(const QString &path);
    QString autosavePath() const;

    // Results of the last jobs (GUI thread, after the matching signal).
    std::vector<types::LayerInfo> layers() const;
    std::vector<types::LayerQuantView> layerConfigs() const;
    std::shared_ptr<const types::ErrorAccumulation> lastErrors() const;
    std::vector<int> sensitivityRanks() const;
    QString modelDescription() const;
    QString dataName() const;
    bool hasModel() const;
    /// The multipoint result of a layer after multipoint PTQ (nullptr otherwise).
    std::shared_ptr<const types::MultipointMap> multipointMap(const std::string &layer) const;

    /// The last comparison: labels, and per layer the statistics of both configurations.
    struct Comparison {
        QString labelA, labelB;
        std::shared_ptr<const types::ErrorAccumulation> errorsA, errorsB;
        std::map<std::string, std::shared_ptr<const types::LayerSnapshot>> a, b;
    };
    std::shared_ptr<const Comparison> comparison() const;

Q_SIGNALS:
    void modelOpened();
    void jobStarted(const QString &job);
    void jobFinished(const QString &job, const QString &summary);
    void jobFailed(const QString &job, const QString &message);
    void errorsReady();
    void comparisonReady();
    /// A data set was opened (description).
    void dataOpened(const QString &description);
    /// The session was saved automatically during a job.
    void autosaved(const QString &path);
    void sensitivityReady();
    /// The bus has something new (queued; at most one pending).
    void telemetryAvailable();
    void pausedChanged(bool paused);

private:
    bool start(const QString &name, std::function<QString(std::stop_token)> job);
    core::engine::JobCallbacks callbacks(std::stop_token stop);
    void refreshLayerViews();
    core::data::Dataset trainSet();
    core::data::Dataset testSet();
    void adoptSession(std::unique_ptr<core::engine::Session> session, const QString &description);
    void collectMultipoint();

    std::shared_ptr<core::telemetry::Bus> m_bus;
    std::jthread m_thread;
    mutable std::mutex m_pauseMutex;
    std::condition_variable_any m_pauseChanged;
    bool m_paused = false; ///< guarded by m_pauseMutex
    mutable std::mutex m_mutex; ///< guards everything below
    bool m_busy = false;
    QString m_job;
    /// Used on the engine thread only (while busy); set under m_mutex, which hasModel() reads.
    std::unique_ptr<core::engine::Session> m_session;
    std::optional<core::data::Dataset> m_train, m_test;
    std::vector<types::LayerInfo> m_layers;
    std::vector<types::LayerQuantView> m_configs;
    std::shared_ptr<const types::ErrorAccumulation> m_errors;
    std::vector<int> m_ranks;
    QString m_description;
    QString m_dataName;
    QString m_autosavePath;
    /// Re-creates the session as it was opened (a fresh model), for comparisons.
    std::function<core::engine::Session()> m_reopen;
    std::map<std::string, std::shared_ptr<const types::MultipointMap>> m_multipoint;
    std::shared_ptr<const Comparison> m_comparison;
};

/// The view of a layer config for the layer table.
types::LayerQuantView toView(const core::engine::LayerQuantConfig &c);

} // namespace ql::app
