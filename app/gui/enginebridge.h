#pragma once
// The QObject bridge between the GUI thread and the engine thread: thread
// plumbing only. Every request runs one Workbench call on the engine thread
// (one job at a time); results are kept here and announced by signals queued
// to the GUI thread; telemetry arrives through the Bus and is pulled by the GUI
// at most 30 times a second. Torch-free: the window includes this header.
#include "core/engine/workbench.h"
#include "core/telemetry/bus.h"
#include "ql/types/export.h"
#include "ql/types/jobs.h"
#include "ql/types/mixed.h"
#include "ql/types/quant.h"
#include "ql/types/telemetry.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace ql::app {

/// GUI-thread API; every request returns false (and does nothing) while a job runs.
class EngineBridge : public QObject {
    Q_OBJECT
public:
    explicit EngineBridge(QObject *parent = nullptr);
    ~EngineBridge() override;

    bool busy() const;
    /// The compute device, e.g. "CPU (2 threads)".
    QString deviceName() const { return m_deviceName; }
    QString currentJob() const;
    std::shared_ptr<core::telemetry::Bus> bus() const { return m_bus; }

    /// Loads a model file (and the data set it was trained on, or Fashion-MNIST) with `recipe`
    /// as its configuration. `arch` (and `activation`) name the zoo architecture of a state dict
    /// that has no description beside it. A TorchScript file is loaded only with
    /// `trustTorchScript` (loading it runs code stored in it); without, the job fails saying why.
    bool openModel(const QString &path, const types::QuantRecipe &recipe = {}, const QString &arch = {},
                   const QString &activation = {}, bool trustTorchScript = false);
    /// Finds out what a model file is (format, described or not, the zoo architecture it fits);
    /// answers with modelInspected().
    bool inspectModel(const QString &path);
    /// Loads a saved session (.qls) with its quantizers as they were saved, and evaluates it.
    /// Sessions of QuantLens 0.1 keep their weights in a TorchScript archive: see openModel.
    bool openSession(const QString &path, bool trustTorchScript = false);
    /// Whether opening `path` needs the user's trust (it is, or its session's weights are, a
    /// TorchScript archive). Cheap; any thread.
    static bool needsTrust(const QString &path);
    /// Uses another data set (name or folder) for calibration, training and evaluation.
    bool openData(const QString &nameOrPath);
    /// Quantizes a second copy of the model with `other` (PTQ calibration) and compares it
    /// with the current session: error accumulation of both, per-layer statistics of both.
    bool runCompare(const types::QuantRecipe &other, int64_t samples = 256);
    /// PTQ with `recipe`; evaluates on `evalSamples` test images (0: all).
    bool runPtq(const types::QuantRecipe &recipe, int64_t calibrationImages = 512, int64_t evalSamples = 0);
    bool runQat(const types::QuantRecipe &recipe, const types::QatOptions &options);
    bool runErrors(int64_t samples = 256);
    bool runSensitivity(int64_t samples = 1000);
    /// FP32 and quantized accuracy of the current quantizers (no recalibration).
    bool runEvaluate(int64_t samples = 0);
    /// Applies a layer's new configuration (bits, methods, per-channel) and re-evaluates on
    /// a small subset; the quantizers that did not change keep what they learned.
    bool applyLayerConfig(const types::LayerQuantConfig &change, int64_t samples = 512);
    /// Mixed precision (Workbench::mixedPrecision): every measured configuration is announced
    /// by mixedPointAdded as it comes, the whole result by mixedReady. A stop keeps the points
    /// measured so far.
    bool runMixed(const types::MixedOptions &options);
    /// The exact solver's choice within `budget` (bytes or BOPs, by `cost`) for the last search's
    /// candidates and locks, measured on its validation subset; budgetSolved() when known.
    bool solveBudget(double budget, types::CostMeasure cost);
    /// Gives the listed layers these bits with calibrated quantizers (the search's when it
    /// measured them) and re-evaluates; the layer table follows with jobFinished.
    bool applyBits(const std::vector<types::LayerBits> &bits);
    /// Asks the running job to stop after its current step.
    void stop();
    /// Pauses the running job after its current step (or batch), or lets it go on.
    void setPaused(bool paused);
    bool paused() const;
    /// Saves the session (engine thread; fails while a job runs).
    bool saveSession(const QString &path);
    /// Asks how every layer would be exported with `options` (exportPreviewReady when known).
    bool previewExport(const types::ExportOptions &options);
    /// Exports the quantized model (Workbench::exportModel); the result is lastExport() after
    /// jobFinished, or jobFailed with the reason (nothing written).
    bool exportModel(const types::ExportOptions &options);
    /// Where QAT saves the session after every epoch (empty: no autosave).
    void setAutosavePath(const QString &path);
    QString autosavePath() const;

    // Results of the last jobs (GUI thread, after the matching signal).
    std::vector<types::LayerInfo> layers() const;
    std::vector<types::LayerQuantConfig> layerConfigs() const;
    std::shared_ptr<const types::ErrorAccumulation> lastErrors() const;
    std::vector<types::SensitivityRow> sensitivityRows() const;
    QString modelDescription() const;
    QString dataName() const;
    bool hasModel() const;
    /// The multipoint result of a layer after multipoint PTQ (nullptr otherwise).
    std::shared_ptr<const types::MultipointMap> multipointMap(const std::string &layer) const;
    std::shared_ptr<const types::Comparison> comparison() const;
    /// The last mixed-precision search (or the one the opened session stored); null when none.
    std::shared_ptr<const types::MixedResult> mixedResult() const;
    /// The last budget solved by solveBudget().
    types::MixedPoint budgetPoint() const;
    /// The level sets the levels view draws (pure; any thread).
    static types::LevelSets levelSets(int bits, types::PotVariant variant);
    /// "SQNR 31.4 dB, top-1 agreement 98.44%": a model judged by agreement with its FP32 output.
    static QString agreementText(const types::EvalResult &r);
    /// The last export preview: every layer's deployment, or why the format cannot express one.
    std::vector<types::LayerDeployment> exportPreview() const;
    QString exportPreviewError() const;
    std::shared_ptr<const types::ExportResult> lastExport() const;

Q_SIGNALS:
    void modelOpened();
    /// What inspectModel() found.
    void modelInspected(const ql::types::ModelFileInfo &info);
    void jobStarted(const QString &job);
    void jobFinished(const QString &job, const QString &summary);
    void jobFailed(const QString &job, const QString &message);
    void errorsReady();
    void comparisonReady();
    /// A data set was opened (description); `skipped` lists the image files that could not be
    /// read ("path: reason").
    void dataOpened(const QString &description, const QStringList &skipped);
    /// The session was saved automatically during a job.
    void autosaved(const QString &path);
    void sensitivityReady();
    /// A mixed-precision search measured one more configuration (GUI thread).
    void mixedPointAdded(const ql::types::MixedPoint &point);
    /// A mixed-precision search ended (finished or stopped): mixedResult() holds it.
    void mixedReady();
    /// budgetPoint() holds the solver's choice.
    void budgetSolved();
    /// The bus has something new (queued; at most one pending).
    void telemetryAvailable();
    void pausedChanged(bool paused);
    /// exportPreview() / exportPreviewError() changed.
    void exportPreviewReady();

private:
    using Job = std::function<QString(core::engine::Workbench &, const core::engine::JobCallbacks &)>;
    bool start(const QString &name, Job job, bool needsModel = true);
    core::engine::JobCallbacks callbacks(std::stop_token stop);
    /// Copies what the views show from the workbench (engine thread).
    void collect(core::engine::Workbench &wb);
    /// Announces the open data set (dataOpened) and returns its description (engine thread).
    QString announceData(core::engine::Workbench &wb);
    /// Queues `f` to run on the GUI thread.
    void post(std::function<void()> f);

    std::shared_ptr<core::telemetry::Bus> m_bus;
    /// Used on the engine thread only, by one job at a time.
    std::unique_ptr<core::engine::Workbench> m_workbench;
    QString m_deviceName;
    std::jthread m_thread;
    mutable std::mutex m_pauseMutex;
    std::condition_variable_any m_pauseChanged;
    bool m_paused = false; ///< guarded by m_pauseMutex
    mutable std::mutex m_mutex; ///< guards everything below
    bool m_busy = false;
    bool m_hasModel = false;
    QString m_job;
    std::vector<types::LayerInfo> m_layers;
    std::vector<types::LayerQuantConfig> m_configs;
    std::shared_ptr<const types::ErrorAccumulation> m_errors;
    std::vector<types::SensitivityRow> m_sensitivity;
    QString m_description;
    QString m_dataName;
    QString m_autosavePath;
    std::map<std::string, std::shared_ptr<const types::MultipointMap>> m_multipoint;
    std::shared_ptr<const types::Comparison> m_comparison;
    std::shared_ptr<const types::MixedResult> m_mixed;
    types::MixedPoint m_budgetPoint;
    std::vector<types::LayerDeployment> m_exportPreview;
    QString m_exportPreviewError;
    std::shared_ptr<const types::ExportResult> m_lastExport;
};

} // namespace ql::app
Q_DECLARE_METATYPE(ql::types::ModelFileInfo)
