#pragma once
#include <QMainWindow>
#include <QMap>

#include "ql/types/jobs.h"
#include "ql/types/mixed.h"
#include "ql/types/quant.h"

#include <functional>
#include <vector>

class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QSpinBox;

namespace ql::ui {
class CompareView;
class ErrorView;
class ExportDialog;
class HistogramView;
class InspectorView;
class LayerTableView;
class LevelsView;
class MultipointMapView;
class OffsetsView;
class ParetoView;
class RefreshThrottle;
class TrainingCurvesView;
} // namespace ql::ui

namespace ql::app {

class EngineBridge;

/// The QuantLens main window: composes the view panels as docks, owns the
/// menus, the job tool bar and the status bar, and pulls telemetry from the
/// engine at most 30 times a second. GUI thread only.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Object names of the docks, in the order they are created.
    static QStringList dockNames();
    QDockWidget *dock(const QString &objectName) const;
    /// The export dialog once File > Export quantized model... has opened it (else nullptr).
    ui::ExportDialog *exportDialog() const { return m_exportDialog; }
    QString deviceText() const;
    EngineBridge *engine() const { return m_engine; }
    /// Opens a model file, or a session when the name ends in .qls (the job runs on the engine thread).
    /// A TorchScript file (or a session whose weights are one) runs code when loaded: it is opened
    /// only after the user confirms that they trust it (see setTrustPrompt), or with
    /// setTrustTorchScript(true).
    void openModelFile(const QString &path);
    /// Trusts every TorchScript file opened in this window without asking (--trust-torchscript).
    void setTrustTorchScript(bool trust) { m_trustTorchScript = trust; }
    /// Replaces the dialog that asks whether a TorchScript file is trusted (tests answer it).
    /// The prompt gets the file and returns true when the user trusts it.
    void setTrustPrompt(std::function<bool(const QString &path)> prompt) { m_trustPrompt = std::move(prompt); }
    /// Uses another data set (a name such as mnist, or a folder).
    void openDataSet(const QString &nameOrPath);
    /// Runs PTQ with the tool bar's settings as soon as the model is open.
    void setPtqOnOpen(bool on) { m_ptqOnOpen = on; }
    /// Jobs to run one after the other once the model is open: ptq, qat, evaluate, errors,
    /// sensitivity, compare (with min-max W2A2).
    void setJobsOnOpen(const QStringList &jobs) { m_jobsOnOpen = jobs; }
    /// Once the model is open and the jobs of setJobsOnOpen have run, writes every view as PNG
    /// and CSV into `folder` and quits with status 0, or 1 when a job or a file failed; `done`,
    /// when given, gets the status instead of the application quitting.
    void setExportPlotsWhenDone(const QString &folder, std::function<void(int status)> done = {})
    {
        m_exportWhenDone = folder;
        m_exportDone = std::move(done);
    }
    /// Selects this layer once the model is open (the first layer by default).
    void setLayerOnOpen(const QString &layer) { m_layerOnOpen = layer; }
    /// Every view that can be exported.
    QList<ui::InspectorView *> views() const;
    /// Saves the session to `path` (".qls" added when missing) and lists it in Open recent.
    void saveSessionAs(QString path);
    /// Shows and raises a dock (its object name, e.g. "dock.errors").
    void raiseDock(const QString &objectName);
    /// Every dock back where it started, shown.
    void resetLayout();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void createViews();
    void createMenus();
    void createJobBar();
    void addDock(const QString &objectName, const QString &title, QWidget *content, Qt::DockWidgetArea area);
    void openModel();
    void openData();
    void openSession();
    void rebuildRecentMenu();
    void startCompare();
    void onComparisonReady();
    void showComparison(const std::string &layer);
    void exportPlots();
    void saveSession();
    /// File > Export quantized model...: the export dialog, with every layer's deployment.
    void exportModel();
    void about();
    void chooseLanguage(const QString &code);
    void pullTelemetry();
    void onModelOpened();
    void onJobStarted(const QString &job);
    void onJobFinished(const QString &job, const QString &summary);
    void onJobFailed(const QString &job, const QString &message);
    void selectLayer(int row);
    void startPtq();
    void startQat();
    void setJobControlsEnabled(bool running);
    /// Applies the oldest queued layer edit when the engine is free.
    void applyPendingEdits();
    void editJobSettings();
    void runNextQueuedJob();
    void onModelInspected(const types::ModelFileInfo &info);
    /// Mixed precision: a search with these candidates and the table's locks.
    void startMixed(const std::vector<int> &candidates);
    /// The table's configuration as bits per layer (what the Pareto view marks as current).
    std::vector<types::LayerBits> currentBits() const;
    /// Applies a configuration from the Pareto view, remembering the current one for undo.
    void applyMixedBits(const std::vector<types::LayerBits> &bits);
    void undoBits();
    /// The end of an unattended run (setExportPlotsWhenDone).
    void finishUnattended(int status);

    EngineBridge *m_engine = nullptr;
    ui::RefreshThrottle *m_throttle = nullptr;
    QMap<QString, QDockWidget *> m_docks;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_autosaveLabel = nullptr;
    QString m_openingPath;
    QString m_layerOnOpen;
    QLabel *m_deviceLabel = nullptr;
    QLabel *m_jobLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    ui::LayerTableView *m_table = nullptr;
    ui::HistogramView *m_histogram = nullptr;
    ui::OffsetsView *m_offsets = nullptr;
    ui::LevelsView *m_levels = nullptr;
    ui::ErrorView *m_errors = nullptr;
    ui::TrainingCurvesView *m_training = nullptr;
    ui::CompareView *m_compare = nullptr;
    ui::MultipointMapView *m_multipoint = nullptr;
    ui::ParetoView *m_pareto = nullptr;
    /// Configurations replaced by applying a Pareto point, newest last (Edit > Undo).
    std::vector<std::vector<types::LayerBits>> m_bitsUndo;
    QAction *m_undoBits = nullptr;
    std::vector<int> m_mixedCandidates{2, 3, 4, 8};
    QString m_exportWhenDone;
    std::function<void(int)> m_exportDone;
    QSize m_initialSize; ///< what the constructor asked for (the screen's room), before any layout
    bool m_shown = false;
    bool m_researchPending = false; ///< locks changed while a job ran: search again after it
    ui::ExportDialog *m_exportDialog = nullptr;
    bool m_exportRunning = false;
    bool m_previewPending = false;
    QComboBox *m_wMethod = nullptr;
    QComboBox *m_aMethod = nullptr;
    QSpinBox *m_wBits = nullptr;
    QSpinBox *m_aBits = nullptr;
    QSpinBox *m_epochs = nullptr;
    QList<QAction *> m_jobActions;
    QAction *m_stopAction = nullptr;
    QAction *m_pauseAction = nullptr;
    int m_selectedRow = 0;
    bool m_ptqOnOpen = false;
    QStringList m_jobsOnOpen;
    bool m_trustTorchScript = false;
    bool m_openTrusted = false; ///< the user's answer for the file being inspected
    std::function<bool(const QString &path)> m_trustPrompt;
    bool m_pendingPtq = false;
    std::vector<types::LayerQuantConfig> m_pendingEdits;
    QByteArray m_defaultLayout;
    QString m_savingPath;
};

} // namespace ql::app
