#include "app/gui/mainwindow.h"

#include "app/gui/dialogs.h"
#include "app/gui/enginebridge.h"
#include "app/gui/settings.h"
#include "core/common/error.h"
#include "core/core.h"
#include "ql/types/methods.h"
#include "widgets/compareview.h"
#include "widgets/emptystate.h"
#include "widgets/errorview.h"
#include "widgets/exportdialog.h"
#include "widgets/histogramview.h"
#include "widgets/layertablemodel.h"
#include "widgets/layertableview.h"
#include "widgets/levelsview.h"
#include "widgets/multipointmapview.h"
#include "widgets/offsetsview.h"
#include "widgets/paretoview.h"
#include "widgets/plotexport.h"
#include "widgets/refreshthrottle.h"
#include "widgets/trainingcurvesview.h"

#include <cstdio>
#include <utility>

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QScreen>
#include <QShowEvent>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QTime>
#include <QToolBar>

namespace ql::app {

/// The methods the registry allows for `role`, with their descriptions as tooltips.
static void fillMethods(QComboBox *box, types::Role role)
{
    for (const types::Method m : types::methodsFor(role)) {
        const auto &info = types::methodInfo(m);
        box->addItem(QString::fromUtf8(info.name));
        box->setItemData(box->count() - 1, QString::fromUtf8(info.description), Qt::ToolTipRole);
    }
}

static types::QuantRecipe recipeFrom(QComboBox *wm, QSpinBox *wb, QComboBox *am, QSpinBox *ab)
{
    return recipeWith(jobSettings(), types::methodFromName(wm->currentText().toStdString(), types::Role::Weight),
                      wb->value(), types::methodFromName(am->currentText().toStdString(), types::Role::Activation),
                      ab->value());
}

QStringList MainWindow::dockNames()
{
    return {QStringLiteral("dock.layers"),  QStringLiteral("dock.histogram"),  QStringLiteral("dock.offsets"),
            QStringLiteral("dock.levels"),  QStringLiteral("dock.errors"),     QStringLiteral("dock.training"),
            QStringLiteral("dock.compare"), QStringLiteral("dock.multipoint"), QStringLiteral("dock.pareto")};
}

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_engine(new EngineBridge(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("QuantLens"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/quantlens.svg")));
    setDockNestingEnabled(true);
    setCentralWidget(new ui::EmptyState(
        tr("No model open"),
        tr("Open a model with File ▸ Open model… (an ONNX file, a .pth state dict with its .json description, or a "
           "TorchScript archive), then quantize it with the tool bar: PTQ, QAT, error accumulation, sensitivity."),
        this));
    createViews();
    createMenus();
    createJobBar();

    m_deviceLabel = new QLabel(this);
    m_deviceLabel->setText(tr("Device: %1").arg(m_engine->deviceName()));
    m_jobLabel = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_progress->setVisible(false);
    m_autosaveLabel = new QLabel(this);
    statusBar()->addWidget(m_jobLabel, 1);
    statusBar()->addPermanentWidget(m_autosaveLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_deviceLabel);
    m_jobLabel->setText(tr("Ready"));

    m_throttle = new ui::RefreshThrottle(this, /*maxHz=*/30);
    connect(m_engine, &EngineBridge::telemetryAvailable, m_throttle, &ui::RefreshThrottle::notify);
    connect(m_throttle, &ui::RefreshThrottle::refresh, this, &MainWindow::pullTelemetry);
    connect(m_engine, &EngineBridge::modelOpened, this, &MainWindow::onModelOpened);
    connect(m_engine, &EngineBridge::jobStarted, this, &MainWindow::onJobStarted);
    connect(m_engine, &EngineBridge::jobFinished, this, &MainWindow::onJobFinished);
    connect(m_engine, &EngineBridge::jobFailed, this, &MainWindow::onJobFailed);
    connect(m_engine, &EngineBridge::errorsReady, this, [this] { m_errors->setAccumulations(m_engine->lastErrors()); });
    connect(m_engine, &EngineBridge::comparisonReady, this, &MainWindow::onComparisonReady);
    connect(m_engine, &EngineBridge::dataOpened, this, [this](const QString &d, const QStringList &skipped) {
        m_jobLabel->setText(tr("Data: %1").arg(d));
        // Every unreadable file is listed, so that none is dropped without a word.
        m_jobLabel->setToolTip(skipped.isEmpty()
                                   ? QString()
                                   : tr("Files that could not be read:\n%1").arg(skipped.join(QLatin1Char('\n'))));
    });
    connect(m_engine, &EngineBridge::autosaved, this, [this](const QString &path) {
        m_autosaveLabel->setText(tr("Autosaved %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm"))));
        m_autosaveLabel->setToolTip(path);
    });
    m_engine->setAutosavePath(autosaveFile());
    connect(m_engine, &EngineBridge::sensitivityReady, this,
            [this] { m_table->model()->setSensitivity(m_engine->sensitivityRows()); });
    connect(m_engine, &EngineBridge::modelInspected, this, &MainWindow::onModelInspected);
    setJobControlsEnabled(false);
    // 1400 × 900 where the screen allows, never larger than the screen.
    QSize size(1400, 900);
    if (const QScreen *screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableGeometry().size() * 0.95);
    m_initialSize = size;
    resize(size);
    // Room for the plots: the table and the right-hand views wide, the bottom views tall
    // enough to read; the welcome panel takes what is left until a model is open.
    resizeDocks({m_docks.value(QStringLiteral("dock.layers")), m_docks.value(QStringLiteral("dock.histogram"))},
                {size.width() / 3, size.width() * 2 / 5}, Qt::Horizontal);
    resizeDocks({m_docks.value(QStringLiteral("dock.training"))}, {size.height() / 3}, Qt::Vertical);
    m_defaultLayout = saveState();
}

void MainWindow::resetLayout()
{
    restoreState(m_defaultLayout);
    for (QDockWidget *d : m_docks)
        d->setVisible(true);
    m_docks.value(QStringLiteral("dock.histogram"))->raise();
    m_docks.value(QStringLiteral("dock.training"))->raise();
}

void MainWindow::raiseDock(const QString &objectName)
{
    if (QDockWidget *d = m_docks.value(objectName)) {
        d->setVisible(true);
        d->raise();
    }
}

MainWindow::~MainWindow() = default;

QDockWidget *MainWindow::dock(const QString &objectName) const { return m_docks.value(objectName); }

QString MainWindow::deviceText() const { return m_deviceLabel->text(); }

QList<ui::InspectorView *> MainWindow::views() const
{
    return {m_table, m_histogram, m_offsets, m_levels, m_errors, m_training, m_compare, m_multipoint, m_pareto};
}

void MainWindow::addDock(const QString &objectName, const QString &title, QWidget *content, Qt::DockWidgetArea area)
{
    auto *d = new QDockWidget(title, this);
    d->setObjectName(objectName);
    d->setWidget(content);
    addDockWidget(area, d);
    m_docks.insert(objectName, d);
}

void MainWindow::createViews()
{
    m_table = new ui::LayerTableView(this);
    m_histogram = new ui::HistogramView(this);
    m_offsets = new ui::OffsetsView(this);
    m_levels = new ui::LevelsView(this);
    m_errors = new ui::ErrorView(this);
    m_training = new ui::TrainingCurvesView(this);
    m_compare = new ui::CompareView(this);
    m_multipoint = new ui::MultipointMapView(this);
    m_pareto = new ui::ParetoView(this);
    addDock(QStringLiteral("dock.layers"), tr("Layers"), m_table, Qt::LeftDockWidgetArea);
    addDock(QStringLiteral("dock.histogram"), tr("Histogram"), m_histogram, Qt::RightDockWidgetArea);
    addDock(QStringLiteral("dock.offsets"), tr("Offsets and step sizes"), m_offsets, Qt::RightDockWidgetArea);
    addDock(QStringLiteral("dock.levels"), tr("Levels"), m_levels, Qt::RightDockWidgetArea);
    addDock(QStringLiteral("dock.compare"), tr("Compare"), m_compare, Qt::RightDockWidgetArea);
    addDock(QStringLiteral("dock.errors"), tr("Error accumulation"), m_errors, Qt::BottomDockWidgetArea);
    addDock(QStringLiteral("dock.training"), tr("Training curves"), m_training, Qt::BottomDockWidgetArea);
    addDock(QStringLiteral("dock.multipoint"), tr("Multipoint map"), m_multipoint, Qt::BottomDockWidgetArea);
    addDock(QStringLiteral("dock.pareto"), tr("Mixed precision"), m_pareto, Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_docks.value(QStringLiteral("dock.histogram")), m_docks.value(QStringLiteral("dock.offsets")));
    tabifyDockWidget(m_docks.value(QStringLiteral("dock.offsets")), m_docks.value(QStringLiteral("dock.levels")));
    tabifyDockWidget(m_docks.value(QStringLiteral("dock.levels")), m_docks.value(QStringLiteral("dock.compare")));
    tabifyDockWidget(m_docks.value(QStringLiteral("dock.training")), m_docks.value(QStringLiteral("dock.errors")));
    tabifyDockWidget(m_docks.value(QStringLiteral("dock.errors")), m_docks.value(QStringLiteral("dock.multipoint")));
    tabifyDockWidget(m_docks.value(QStringLiteral("dock.multipoint")), m_docks.value(QStringLiteral("dock.pareto")));
    m_docks.value(QStringLiteral("dock.histogram"))->raise();
    m_docks.value(QStringLiteral("dock.training"))->raise();

    // Right-click on any view: export it as an image or its data as CSV.
    for (ui::InspectorView *view : views()) {
        // Plots take their own mouse events (drag, zoom): a right-click on one is the view's too.
        view->forwardContextMenus();
        view->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(view, &QWidget::customContextMenuRequested, this, [this, view](const QPoint &pos) {
            QMenu menu(view);
            menu.addAction(tr("Export %1 as PNG, PDF, SVG or CSV…").arg(view->viewTitle()), this, [this, view] {
                const QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(view->viewTitle()),
                                                                  view->fileStem() + QStringLiteral(".png"),
                                                                  ui::PlotExport::fileDialogFilter());
                if (path.isEmpty())
                    return;
                QString error;
                if (ui::PlotExport::write(view, path, &error))
                    m_jobLabel->setText(tr("Wrote %1").arg(path));
                else
                    QMessageBox::warning(this, tr("Export failed"), error);
            });
            menu.exec(view->mapToGlobal(pos));
        });
    }

    connect(m_table, &ui::LayerTableView::layerSelected, this, [this](int row, const QString &) { selectLayer(row); });
    connect(m_table, &ui::LayerTableView::configEdited, this, [this](int, const types::LayerQuantConfig &c) {
        // Edits made while a job runs wait in a queue and are applied, in order, when it ends.
        m_pendingEdits.push_back(c);
        applyPendingEdits();
    });
    m_levels->setLevelProvider(&EngineBridge::levelSets);

    connect(m_pareto, &ui::ParetoView::searchRequested, this, &MainWindow::startMixed);
    connect(m_pareto, &ui::ParetoView::pointActivated, this, &MainWindow::applyMixedBits);
    connect(m_pareto, &ui::ParetoView::budgetRequested, this, [this](double budget, ui::ParetoView::Axis axis) {
        if (!m_engine->solveBudget(budget, axis == ui::ParetoView::Axis::Bytes ? types::CostMeasure::Bytes
                                                                               : types::CostMeasure::Bops))
            m_jobLabel->setText(tr("Wait for the running job to end, then ask again."));
    });
    connect(m_engine, &EngineBridge::mixedPointAdded, m_pareto, &ui::ParetoView::addPoint);
    connect(m_engine, &EngineBridge::mixedReady, this, [this] {
        if (const auto r = m_engine->mixedResult()) {
            m_pareto->setResult(*r);
            // A budget to start from: halfway between the smallest and the largest configuration.
            if (m_pareto->budget() <= 0 && !r->points.empty())
                m_pareto->setBudget(m_pareto->axis() == ui::ParetoView::Axis::Bytes
                                        ? double(r->points.front().bytes + r->points.back().bytes) / 2
                                        : (r->points.front().bops + r->points.back().bops) / 2);
        }
    });
    connect(m_engine, &EngineBridge::budgetSolved, this, [this] { m_pareto->setBudgetPoint(m_engine->budgetPoint()); });
    connect(m_table->model(), &ui::LayerTableModel::locksChanged, this, [this] {
        // Locks change what the search may choose: search again (what it measured before is cached).
        if (!m_engine->mixedResult())
            return;
        if (m_engine->busy())
            m_researchPending = true;
        else
            startMixed(m_mixedCandidates);
    });
}

void MainWindow::startMixed(const std::vector<int> &candidates)
{
    types::MixedOptions o;
    o.candidates = candidates;
    for (const QString &l : m_table->model()->lockedLayers())
        o.locked.push_back(l.toStdString());
    o.cost = m_pareto->axis() == ui::ParetoView::Axis::Bytes ? types::CostMeasure::Bytes : types::CostMeasure::Bops;
    o.unlockFirstLast = m_pareto->searchFirstLast();
    o.measure = m_pareto->measure();
    if (!m_engine->runMixed(o)) {
        m_jobLabel->setText(m_engine->hasModel() ? tr("Wait for the running job to end, then search again.")
                                                 : tr("Open a model first."));
        return;
    }
    m_mixedCandidates = candidates;
    m_pareto->clear();
    raiseDock(QStringLiteral("dock.pareto"));
}

std::vector<types::LayerBits> MainWindow::currentBits() const
{
    std::vector<types::LayerBits> out;
    const auto *m = m_table->model();
    for (int r = 0; r < m->layerCount(); ++r) {
        const auto &c = m->config(r);
        out.push_back({m->layer(r).name, types::effectiveBits(c, types::Role::Weight),
                       types::effectiveBits(c, types::Role::Activation)});
    }
    return out;
}

void MainWindow::applyMixedBits(const std::vector<types::LayerBits> &bits)
{
    const auto before = currentBits();
    if (!m_engine->applyBits(bits)) {
        m_jobLabel->setText(tr("Wait for the running job to end, then click the point again."));
        return;
    }
    m_bitsUndo.push_back(before);
    m_undoBits->setEnabled(true);
}

void MainWindow::undoBits()
{
    if (m_bitsUndo.empty())
        return;
    if (!m_engine->applyBits(m_bitsUndo.back())) {
        m_jobLabel->setText(tr("Wait for the running job to end, then undo again."));
        return;
    }
    m_bitsUndo.pop_back();
    m_undoBits->setEnabled(!m_bitsUndo.empty());
}

void MainWindow::createJobBar()
{
    QToolBar *bar = addToolBar(tr("Quantize"));
    bar->setObjectName(QStringLiteral("toolbar.jobs"));
    m_wMethod = new QComboBox(bar);
    fillMethods(m_wMethod, types::Role::Weight);
    m_wMethod->setCurrentText(QStringLiteral("mse"));
    m_aMethod = new QComboBox(bar);
    fillMethods(m_aMethod, types::Role::Activation);
    m_aMethod->setCurrentText(QStringLiteral("mse"));
    m_wBits = new QSpinBox(bar);
    m_wBits->setRange(2, 16);
    m_wBits->setValue(4);
    m_aBits = new QSpinBox(bar);
    m_aBits->setRange(2, 16);
    m_aBits->setValue(4);
    m_epochs = new QSpinBox(bar);
    m_epochs->setRange(1, 200);
    m_epochs->setValue(1);
    m_wMethod->setToolTip(
        tr("Weight quantizer of the next PTQ or QAT (the layer table shows what each layer has now)"));
    m_wBits->setToolTip(tr("Weight bit-width of the next PTQ or QAT (first and last layer: see Job settings)"));
    m_aMethod->setToolTip(tr("Activation quantizer of the next PTQ or QAT"));
    m_aBits->setToolTip(tr("Activation bit-width of the next PTQ or QAT"));
    m_epochs->setToolTip(tr("Training epochs of the next QAT"));
    auto *next = new QLabel(tr(" Next job: "), bar);
    next->setToolTip(tr("These settings apply to the next PTQ or QAT; the layer table shows the configuration "
                        "the model has now"));
    bar->addWidget(next);
    bar->addWidget(new QLabel(tr("weights"), bar));
    bar->addWidget(m_wMethod);
    bar->addWidget(m_wBits);
    bar->addWidget(new QLabel(tr(" activations"), bar));
    bar->addWidget(m_aMethod);
    bar->addWidget(m_aBits);
    QAction *settings = bar->addAction(tr("Settings…"), this, &MainWindow::editJobSettings);
    settings->setObjectName(QStringLiteral("action.jobSettings"));
    settings->setToolTip(tr("Per-channel weights, LSQ+ configuration, activation init, first/last-layer bits, "
                            "calibration images and QAT learning rates"));
    bar->addSeparator();
    QAction *ptq = bar->addAction(tr("Run PTQ"), this, &MainWindow::startPtq);
    ptq->setObjectName(QStringLiteral("action.ptq"));
    ptq->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    ptq->setToolTip(tr("Post-training quantization with the next job's settings: calibrate, then evaluate FP32 "
                       "and quantized (Ctrl+R)"));
    bar->addWidget(new QLabel(tr(" Epochs "), bar));
    bar->addWidget(m_epochs);
    QAction *qat = bar->addAction(tr("Run QAT"), this, &MainWindow::startQat);
    qat->setObjectName(QStringLiteral("action.qat"));
    qat->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    qat->setToolTip(tr("Quantization-aware training from the FP32 model with the next job's settings (Ctrl+T)"));
    m_pauseAction = bar->addAction(tr("Pause"));
    m_pauseAction->setObjectName(QStringLiteral("action.pause"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setToolTip(tr("Pause the running job after its current step; click again to go on"));
    connect(m_pauseAction, &QAction::toggled, m_engine, &EngineBridge::setPaused);
    connect(m_engine, &EngineBridge::pausedChanged, this, [this](bool paused) {
        m_pauseAction->setChecked(paused);
        if (paused)
            m_jobLabel->setText(tr("%1 paused").arg(m_engine->currentJob()));
    });
    m_stopAction = bar->addAction(tr("Stop"), m_engine, &EngineBridge::stop);
    m_stopAction->setObjectName(QStringLiteral("action.stop"));
    m_stopAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_stopAction->setToolTip(tr("Stop the running job after its current step (Ctrl+.)"));
    bar->addSeparator();
    QAction *evaluate = bar->addAction(tr("Evaluate"), this, [this] { m_engine->runEvaluate(); });
    evaluate->setObjectName(QStringLiteral("action.evaluate"));
    evaluate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    evaluate->setToolTip(tr("FP32 and quantized accuracy of the quantizers as they are now, without recalibrating "
                            "(keeps learned steps) (Ctrl+E)"));
    QAction *errors = bar->addAction(tr("Error accumulation"), this, [this] { m_engine->runErrors(); });
    errors->setObjectName(QStringLiteral("action.errors"));
    errors->setToolTip(tr("How the quantization error builds up from block to block, weights and activations apart"));
    QAction *sens = bar->addAction(tr("Sensitivity"), this, [this] { m_engine->runSensitivity(); });
    sens->setObjectName(QStringLiteral("action.sensitivity"));
    sens->setToolTip(tr("Quantize each layer alone (weights, activations, both) and rank the layers by the "
                        "accuracy lost"));
    QAction *compare = bar->addAction(tr("Compare…"), this, &MainWindow::startCompare);
    compare->setObjectName(QStringLiteral("action.compare"));
    compare->setToolTip(
        tr("Quantize a second copy of the model another way and compare it with this one, layer by layer"));
    m_jobActions = {ptq, qat, evaluate, errors, sens, compare};
}

void MainWindow::setJobControlsEnabled(bool running)
{
    const bool model = m_engine->hasModel();
    for (QAction *a : m_jobActions)
        a->setEnabled(model && !running);
    m_stopAction->setEnabled(running);
    m_pauseAction->setEnabled(running);
}

void MainWindow::applyPendingEdits()
{
    while (!m_pendingEdits.empty() && !m_engine->busy()) {
        const types::LayerQuantConfig c = m_pendingEdits.front();
        if (!m_engine->applyLayerConfig(c))
            break;
        m_pendingEdits.erase(m_pendingEdits.begin());
        return; // the next one goes when this what-if has finished
    }
    if (!m_pendingEdits.empty())
        m_jobLabel->setText(
            tr("Busy with %1: %n layer change(s) will be applied when it ends.", nullptr, int(m_pendingEdits.size()))
                .arg(m_engine->currentJob()));
}

void MainWindow::startPtq()
{
    if (m_engine->busy()) {
        m_pendingPtq = true; // runs when the current job ends
        return;
    }
    try {
        m_engine->runPtq(recipeFrom(m_wMethod, m_wBits, m_aMethod, m_aBits), jobSettings().calibrationImages);
    } catch (const core::Error &e) {
        onJobFailed(tr("PTQ"), QString::fromStdString(e.full()));
    }
}

void MainWindow::editJobSettings()
{
    JobSettingsDialog dialog(jobSettings(), this);
    if (dialog.exec() == QDialog::Accepted) {
        setJobSettings(dialog.settings());
        m_jobLabel->setText(tr("Job settings saved: they apply to the next PTQ or QAT."));
    }
}

void MainWindow::startQat()
{
    try {
        const types::QatOptions o = qatOptionsWith(jobSettings(), m_epochs->value());
        m_training->setPoints({});
        m_engine->runQat(recipeFrom(m_wMethod, m_wBits, m_aMethod, m_aBits), o);
    } catch (const core::Error &e) {
        onJobFailed(tr("QAT"), QString::fromStdString(e.full()));
    }
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *openModel = file->addAction(tr("Open &model…"), this, &MainWindow::openModel);
    openModel->setObjectName(QStringLiteral("action.openModel"));
    openModel->setShortcut(QKeySequence::Open);
    QAction *openSessionAction = file->addAction(tr("Open s&ession…"), this, &MainWindow::openSession);
    openSessionAction->setObjectName(QStringLiteral("action.openSession"));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    m_recentMenu->setObjectName(QStringLiteral("menu.recent"));
    rebuildRecentMenu();
    QAction *openData = file->addAction(tr("Open &data…"), this, &MainWindow::openData);
    openData->setObjectName(QStringLiteral("action.openData"));
    QAction *save = file->addAction(tr("&Save session…"), this, &MainWindow::saveSession);
    save->setObjectName(QStringLiteral("action.saveSession"));
    save->setShortcut(QKeySequence::Save);
    QAction *exportModelAction = file->addAction(tr("Export &quantized model…"), this, &MainWindow::exportModel);
    exportModelAction->setObjectName(QStringLiteral("action.exportModel"));
    m_jobActions << exportModelAction;
    file->addSeparator();
    QAction *exportAction = file->addAction(tr("&Export all plots…"), this, &MainWindow::exportPlots);
    exportAction->setObjectName(QStringLiteral("action.export"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("action.quit"));
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    m_undoBits = edit->addAction(tr("&Undo applied bit-widths"), this, &MainWindow::undoBits);
    m_undoBits->setObjectName(QStringLiteral("action.undoBits"));
    m_undoBits->setShortcut(QKeySequence::Undo);
    m_undoBits->setToolTip(tr("Puts back the bit-widths the layers had before a Mixed precision point was applied"));
    m_undoBits->setEnabled(false);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (const QString &name : dockNames())
        m_viewMenu->addAction(m_docks.value(name)->toggleViewAction());
    m_viewMenu->addSeparator();
    QAction *reset = m_viewMenu->addAction(tr("&Reset layout"), this, &MainWindow::resetLayout);
    reset->setObjectName(QStringLiteral("action.resetLayout"));
    reset->setToolTip(tr("Every view back in its place, shown"));
    m_viewMenu->addSeparator();
    QMenu *language = m_viewMenu->addMenu(tr("&Language"));
    language->setObjectName(QStringLiteral("menu.language"));
    auto *group = new QActionGroup(language);
    const QString current = chosenLanguage();
    QAction *system = language->addAction(tr("System default"));
    system->setCheckable(true);
    system->setChecked(current.isEmpty());
    group->addAction(system);
    connect(system, &QAction::triggered, this, [this] { chooseLanguage(QString()); });
    for (const QString &code : availableLanguages()) {
        QAction *a = language->addAction(languageName(code));
        a->setObjectName(QStringLiteral("action.language.") + code);
        a->setCheckable(true);
        a->setChecked(current == code);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, code] { chooseLanguage(code); });
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About QuantLens"), this, &MainWindow::about);
    about->setObjectName(QStringLiteral("action.about"));
}

void MainWindow::chooseLanguage(const QString &code)
{
    setChosenLanguage(code);
    QMessageBox::information(this, tr("Language"), tr("The language changes the next time QuantLens starts."));
}

void MainWindow::openModelFile(const QString &path)
{
    bool trust = m_trustTorchScript;
    if (!trust && EngineBridge::needsTrust(path)) {
        const auto ask = [this](const QString &file) {
            const auto answer = QMessageBox::warning(
                this, tr("Run code from this file?"),
                tr("<p><b>%1</b> is a TorchScript archive%2.</p><p>Loading a TorchScript file runs code stored in "
                   "it (its <code>__setstate__</code> and other methods) with your rights: it can read, change "
                   "or delete your files. Open it only if you made it yourself or trust whoever did.</p><p>State "
                   "dicts (<code>torch.save(model.state_dict(), path)</code>) and ONNX files are read without "
                   "running anything.</p>")
                    .arg(file.toHtmlEscaped(), file.endsWith(QStringLiteral(".qls"), Qt::CaseInsensitive)
                                                   ? tr(" (a session saved by QuantLens 0.1 keeps its weights in one)")
                                                   : QString()),
                QMessageBox::Open | QMessageBox::Cancel, QMessageBox::Cancel);
            return answer == QMessageBox::Open;
        };
        trust = m_trustPrompt ? m_trustPrompt(path) : ask(path);
        if (!trust) {
            m_jobLabel->setText(tr("Not opened: %1 would run code stored in the file.").arg(path));
            return;
        }
    }
    const QFileInfo info(path);
    const QString suffix = info.suffix().toLower();
    bool started = false;
    if (suffix == u"qls") {
        started = m_engine->openSession(path, trust);
    } else if (suffix == u"onnx" || QFileInfo::exists(path + QStringLiteral(".json")) || !info.isFile()) {
        // Described models (and missing files, which fail with their name) open at once with the
        // tool bar's settings, so that the table shows what the next job will run.
        started = m_engine->openModel(path, recipeFrom(m_wMethod, m_wBits, m_aMethod, m_aBits), {}, {}, trust);
    } else {
        // A state dict without its description: find out what it fits, then ask.
        m_openTrusted = trust;
        started = m_engine->inspectModel(path);
    }
    if (!started) {
        QMessageBox::warning(this, tr("Busy"), tr("Wait for %1 to finish, or stop it.").arg(m_engine->currentJob()));
        return;
    }
    m_openingPath = path;
}

void MainWindow::onModelInspected(const types::ModelFileInfo &info)
{
    const QString path = QString::fromStdString(info.path);
    if (info.described) {
        m_engine->openModel(path, recipeFrom(m_wMethod, m_wBits, m_aMethod, m_aBits), {}, {}, m_openTrusted);
        return;
    }
    if (info.format == "TorchScript") {
        QMessageBox::warning(this, tr("TorchScript archive"),
                             tr("%1 is a TorchScript archive without a description beside it. Open it from the "
                                "command line with --arch, or save the model's state dict instead.")
                                 .arg(path));
        m_openingPath.clear();
        return;
    }
    ArchitectureDialog dialog(info, this);
    if (dialog.exec() != QDialog::Accepted) {
        m_openingPath.clear();
        m_jobLabel->setText(tr("Not opened: %1").arg(path));
        return;
    }
    m_engine->openModel(path, recipeFrom(m_wMethod, m_wBits, m_aMethod, m_aBits), dialog.architecture(),
                        dialog.activation(), m_openTrusted);
}

void MainWindow::openModel()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open model"), lastFolder(QStringLiteral("model")),
        tr("Models (*.onnx *.pth *.pt);;ONNX models (*.onnx);;PyTorch state dicts (*.pth *.pt);;Sessions (*.qls);;"
           "All files (*)"));
    if (path.isEmpty())
        return;
    setLastFolder(QStringLiteral("model"), path);
    openModelFile(path);
}

void MainWindow::openSession()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), lastFolder(QStringLiteral("session")),
                                                      tr("Sessions (*.qls)"));
    if (path.isEmpty())
        return;
    setLastFolder(QStringLiteral("session"), path);
    openModelFile(path);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (const QString &f : files) {
        QAction *a = m_recentMenu->addAction(QFileInfo(f).fileName(), this, [this, f] {
            if (!QFileInfo::exists(f)) {
                removeRecentFile(f);
                rebuildRecentMenu();
                QMessageBox::warning(this, tr("File not found"),
                                     tr("%1 no longer exists; it was removed from the list.").arg(f));
                return;
            }
            openModelFile(f);
        });
        a->setToolTip(f);
        a->setStatusTip(f);
    }
    m_recentMenu->setEnabled(!files.isEmpty());
}

void MainWindow::openDataSet(const QString &nameOrPath)
{
    if (!m_engine->openData(nameOrPath))
        QMessageBox::warning(this, tr("Busy"), tr("Wait for %1 to finish, or stop it.").arg(m_engine->currentJob()));
}

void MainWindow::openData()
{
    const QString folder = tr("A folder (IDX files, CIFAR binaries or one sub-folder per class)…");
    bool ok = false;
    const QString choice = QInputDialog::getItem(
        this, tr("Open data"),
        tr("Data set for calibration, training and evaluation (now: %1):")
            .arg(m_engine->dataName().isEmpty() ? tr("none") : m_engine->dataName()),
        {QStringLiteral("fashion-mnist"), QStringLiteral("mnist"), folder}, 0, /*editable=*/true, &ok);
    if (!ok || choice.isEmpty())
        return;
    if (choice == folder) {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Open data folder"), lastFolder(QStringLiteral("data")));
        if (!dir.isEmpty()) {
            setLastFolder(QStringLiteral("data"), dir);
            openDataSet(dir);
        }
        return;
    }
    openDataSet(choice);
}

void MainWindow::startCompare()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Compare with"));
    auto *form = new QFormLayout(&dialog);
    auto *wm = new QComboBox(&dialog);
    auto *am = new QComboBox(&dialog);
    for (int i = 0; i < m_wMethod->count(); ++i)
        wm->addItem(m_wMethod->itemText(i));
    for (int i = 0; i < m_aMethod->count(); ++i)
        am->addItem(m_aMethod->itemText(i));
    wm->setCurrentText(m_wMethod->currentText() == u"minmax" ? QStringLiteral("mse") : QStringLiteral("minmax"));
    am->setCurrentText(m_aMethod->currentText() == u"minmax" ? QStringLiteral("mse") : QStringLiteral("minmax"));
    auto *wb = new QSpinBox(&dialog);
    wb->setRange(2, 16);
    wb->setValue(m_wBits->value());
    auto *ab = new QSpinBox(&dialog);
    ab->setRange(2, 16);
    ab->setValue(m_aBits->value());
    form->addRow(
        new QLabel(tr("Quantize a second copy of the model with PTQ and compare it with the current one."), &dialog));
    form->addRow(tr("Weights"), wm);
    form->addRow(tr("Weight bits"), wb);
    form->addRow(tr("Activations"), am);
    form->addRow(tr("Activation bits"), ab);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    try {
        if (!m_engine->runCompare(recipeFrom(wm, wb, am, ab)))
            m_jobLabel->setText(tr("Open a model first, and wait for the running job."));
    } catch (const core::Error &e) {
        onJobFailed(tr("Compare"), QString::fromStdString(e.full()));
    }
}

void MainWindow::onComparisonReady()
{
    const auto c = m_engine->comparison();
    if (!c)
        return;
    m_errors->setAccumulations(c->errorsA, c->errorsB);
    const auto layers = m_engine->layers();
    if (m_selectedRow >= 0 && m_selectedRow < int(layers.size()))
        showComparison(layers[size_t(m_selectedRow)].name);
    m_docks.value(QStringLiteral("dock.compare"))->raise();
}

void MainWindow::showComparison(const std::string &layer)
{
    const auto c = m_engine->comparison();
    if (!c)
        return;
    const auto a = c->a.find(layer), b = c->b.find(layer);
    if (a == c->a.end() || b == c->b.end())
        return;
    const bool activations = m_histogram->tensor() == ui::HistogramView::Tensor::Activation;
    m_compare->setComparison(QString::fromStdString(layer) + (activations ? tr(" (activations)") : tr(" (weights)")),
                             QString::fromStdString(c->labelA), activations ? a->second->activation : a->second->weight,
                             QString::fromStdString(c->labelB),
                             activations ? b->second->activation : b->second->weight);
}

void MainWindow::saveSession()
{
    if (!m_engine->hasModel())
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save session"), lastFolder(QStringLiteral("session")),
                                                      tr("Sessions (*.qls)"));
    if (!path.isEmpty())
        saveSessionAs(path);
}

void MainWindow::saveSessionAs(QString path)
{
    if (!path.endsWith(QStringLiteral(".qls"), Qt::CaseInsensitive))
        path += QStringLiteral(".qls");
    setLastFolder(QStringLiteral("session"), path);
    if (!m_engine->saveSession(path)) {
        QMessageBox::warning(this, tr("Busy"), tr("Wait for %1 to finish, or stop it.").arg(m_engine->currentJob()));
        return;
    }
    m_savingPath = path;
}

void MainWindow::exportPlots()
{
    const QString dir =
        QFileDialog::getExistingDirectory(this, tr("Export all plots to"), lastFolder(QStringLiteral("export")));
    if (dir.isEmpty())
        return;
    setLastFolder(QStringLiteral("export"), dir);
    bool ok = false;
    const QStringList formats{QStringLiteral("PNG"), QStringLiteral("PDF"), QStringLiteral("SVG")};
    const QString choice =
        QInputDialog::getItem(this, tr("Export all plots"),
                              tr("Image format (each view's data is written as CSV too):"), formats, 0, false, &ok);
    if (!ok)
        return;
    ui::PlotExport::Format format = ui::PlotExport::Format::Png;
    ui::PlotExport::formatFromSuffix(choice, &format);
    QString error;
    const QStringList written = ui::PlotExport::exportAll(views(), dir, format, &error);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Export failed"), error);
    m_jobLabel->setText(tr("Wrote %1 files to %2").arg(written.size()).arg(dir));
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About QuantLens"),
                       tr("<h3>QuantLens %1</h3><p>See what quantization does to every layer of a neural network: "
                          "post-training and quantization-aware training (LSQ, LSQ+, ASQ, POT/POST, multipoint PTQ), "
                          "live, per layer.</p><p>libtorch %2, Qt %3</p>")
                           .arg(QString::fromStdString(core::version()), QString::fromStdString(core::torchVersion()),
                                QString::fromLatin1(qVersion())));
}

void MainWindow::onModelOpened()
{
    if (!m_openingPath.isEmpty()) {
        addRecentFile(m_openingPath);
        rebuildRecentMenu();
        m_openingPath.clear();
    }
    m_multipoint->setMap(nullptr);
    m_errors->setAccumulations(nullptr);
    m_bitsUndo.clear();
    m_undoBits->setEnabled(false);
    m_researchPending = false;
    if (const auto r = m_engine->mixedResult())
        m_pareto->setResult(*r); // stored with the session
    else
        m_pareto->clear();
    m_table->model()->setLayers(m_engine->layers(), m_engine->layerConfigs());
    if (!m_layerOnOpen.isEmpty()) {
        const auto layers = m_engine->layers();
        for (size_t i = 0; i < layers.size(); ++i)
            if (QString::fromStdString(layers[i].name) == m_layerOnOpen)
                m_table->tableView()->selectRow(int(i));
        m_layerOnOpen.clear();
    }
    // With a model open the views take the whole window: the welcome panel goes and the
    // model's description moves to the title (and the status bar, as the open job's summary).
    if (QWidget *welcome = centralWidget())
        welcome->hide();
    setWindowTitle(tr("QuantLens — %1").arg(m_engine->modelDescription()));
    if (m_ptqOnOpen) {
        m_ptqOnOpen = false;
        m_jobsOnOpen.prepend(QStringLiteral("ptq"));
    }
}

void MainWindow::runNextQueuedJob()
{
    if (m_engine->busy() || !m_engine->hasModel())
        return;
    if (m_jobsOnOpen.isEmpty()) {
        if (m_exportWhenDone.isEmpty())
            return;
        const QString folder = std::exchange(m_exportWhenDone, QString());
        // Views as large as a figure needs, whatever room the window gave their docks: each in
        // a window of its own (the layout is not kept: the application quits next).
        for (QDockWidget *d : std::as_const(m_docks)) {
            d->setFloating(true);
            d->resize(1200, 760);
            d->show();
        }
        QCoreApplication::processEvents();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QString error;
        const QStringList written = ui::PlotExport::exportAll(views(), folder, ui::PlotExport::Format::Png, &error);
        for (const QString &f : written)
            std::fprintf(stderr, "wrote %s\n", qPrintable(f));
        if (!error.isEmpty())
            std::fprintf(stderr, "%s\n", qPrintable(error));
        finishUnattended(error.isEmpty() ? 0 : 1);
        return;
    }
    const QString job = m_jobsOnOpen.takeFirst();
    if (job == u"ptq")
        startPtq();
    else if (job == u"qat")
        startQat();
    else if (job == u"errors")
        m_engine->runErrors();
    else if (job == u"sensitivity")
        m_engine->runSensitivity();
    else if (job == u"evaluate")
        m_engine->runEvaluate();
    else if (job.startsWith(u"compare"))
        m_engine->runCompare(recipeWith(jobSettings(), types::Method::MinMax, 2, types::Method::MinMax, 2));
    else if (job == u"mixed")
        startMixed(m_pareto->candidates().empty() ? m_mixedCandidates : m_pareto->candidates());
    else
        m_jobLabel->setText(tr("Unknown job '%1' (ptq, qat, evaluate, errors, sensitivity, compare, mixed)").arg(job));
}

void MainWindow::onJobStarted(const QString &job)
{
    m_jobLabel->setText(tr("%1…").arg(job));
    m_progress->setRange(0, 0);
    m_progress->setVisible(true);
    setJobControlsEnabled(true);
}

void MainWindow::exportModel()
{
    if (!m_exportDialog) {
        m_exportDialog = new ui::ExportDialog(this);
        connect(m_exportDialog, &ui::ExportDialog::optionsChanged, this,
                [this] { m_previewPending = !m_engine->previewExport(m_exportDialog->options()); });
        connect(m_exportDialog, &ui::ExportDialog::exportRequested, this, [this] {
            if (m_engine->exportModel(m_exportDialog->options())) {
                m_exportRunning = true;
                m_exportDialog->setBusy(true);
            } else {
                m_exportDialog->setFailure(tr("the engine is busy; export again when the current job has finished."));
            }
        });
        connect(m_engine, &EngineBridge::exportPreviewReady, this, [this] {
            const QString error = m_engine->exportPreviewError();
            if (error.isEmpty())
                m_exportDialog->setPreview(m_engine->exportPreview());
            else
                m_exportDialog->setPreviewError(error);
        });
    }
    m_exportDialog->show();
    m_exportDialog->raise();
    m_exportDialog->activateWindow();
    m_previewPending = !m_engine->previewExport(m_exportDialog->options());
    if (m_previewPending)
        m_exportDialog->setPreviewError(tr("Waiting for the current job to finish…"));
}

void MainWindow::onJobFinished(const QString &job, const QString &summary)
{
    if (!m_savingPath.isEmpty() && job == EngineBridge::tr("Save session")) {
        addRecentFile(m_savingPath);
        rebuildRecentMenu();
        m_savingPath.clear();
    }
    if (m_exportRunning && m_exportDialog) {
        m_exportRunning = false;
        if (const auto r = m_engine->lastExport())
            m_exportDialog->setResult(*r);
    }
    if (m_previewPending && m_exportDialog && m_exportDialog->isVisible())
        QMetaObject::invokeMethod(
            this, [this] { m_previewPending = !m_engine->previewExport(m_exportDialog->options()); },
            Qt::QueuedConnection);
    QMetaObject::invokeMethod(this, &MainWindow::applyPendingEdits, Qt::QueuedConnection);
    // Jobs asked for on the command line run one after the other (the open job is finishing).
    QMetaObject::invokeMethod(this, &MainWindow::runNextQueuedJob, Qt::QueuedConnection);
    if (m_pendingPtq) {
        m_pendingPtq = false;
        QMetaObject::invokeMethod(this, &MainWindow::startPtq, Qt::QueuedConnection);
    }
    pullTelemetry();
    m_progress->setVisible(false);
    m_jobLabel->setText(summary);
    m_table->model()->setLayers(m_engine->layers(), m_engine->layerConfigs());
    m_table->model()->setSensitivity(m_engine->sensitivityRows());
    // Edits still waiting for the engine stay visible over what it holds now.
    for (const auto &pending : m_pendingEdits)
        if (const int row = m_table->model()->rowOfLayer(QString::fromStdString(pending.layer)); row >= 0)
            m_table->model()->setConfig(row, pending);
    // The model was reset: keep the user's layer selected in the table.
    if (m_selectedRow >= 0 && m_selectedRow < int(m_engine->layers().size()))
        m_table->tableView()->selectRow(m_selectedRow);
    m_table->model()->updateSnapshots([this] {
        std::vector<std::shared_ptr<const types::LayerSnapshot>> v;
        const auto latest = m_engine->bus()->latest();
        for (const auto &l : m_engine->layers())
            v.push_back(latest.count(l.name) ? latest.at(l.name) : nullptr);
        return v;
    }());
    selectLayer(m_selectedRow);
    setJobControlsEnabled(false);
    m_pareto->setCurrent(currentBits(), double(m_table->model()->modelBytes()), m_table->model()->bops());
    if (m_researchPending) {
        m_researchPending = false;
        QMetaObject::invokeMethod(
            this, [this] { startMixed(m_mixedCandidates); }, Qt::QueuedConnection);
    }
}

void MainWindow::onJobFailed(const QString &job, const QString &message)
{
    m_savingPath.clear();
    m_openingPath.clear();
    m_progress->setVisible(false);
    m_jobLabel->setText(tr("%1 failed").arg(job));
    setJobControlsEnabled(false);
    if (m_exportRunning && m_exportDialog) {
        // The dialog says why; nothing was written.
        m_exportRunning = false;
        m_exportDialog->setFailure(message);
        return;
    }
    if (!m_exportWhenDone.isEmpty()) {
        // Running unattended (--export-plots): no one would close a message box.
        std::fprintf(stderr, "%s failed: %s\n", qPrintable(job), qPrintable(message));
        m_exportWhenDone.clear();
        finishUnattended(1);
        return;
    }
    QMessageBox::critical(this, tr("%1 failed").arg(job), message);
}

void MainWindow::selectLayer(int row)
{
    m_selectedRow = row;
    const auto layers = m_engine->layers();
    if (row < 0 || row >= int(layers.size()))
        return;
    const auto latest = m_engine->bus()->latest();
    const auto it = latest.find(layers[size_t(row)].name);
    if (it == latest.end()) {
        m_histogram->setLayerWithoutStatistics(QString::fromStdString(layers[size_t(row)].name));
        return;
    }
    m_histogram->setSnapshot(it->second);
    m_multipoint->setMap(m_engine->multipointMap(it->second->layer));
    showComparison(it->second->layer);
    const auto &w = it->second->weight;
    if (w.valid)
        m_levels->setWeights(w.values, std::max(std::abs(w.clipLo), std::abs(w.clipHi)),
                             QString::fromStdString(it->second->layer));
    m_offsets->setSelectedLayers({QString::fromStdString(it->second->layer)});
}

void MainWindow::pullTelemetry()
{
    const auto bus = m_engine->bus();
    auto drained = bus->drain();
    if (drained.progress) {
        const auto &p = *drained.progress;
        if (p.total > 0) {
            m_progress->setRange(0, 1000);
            m_progress->setValue(int(1000.0 * double(p.done) / double(p.total)));
        }
        QString text = QString::fromStdString(p.job) + QStringLiteral("  ") + QString::fromStdString(p.message);
        if (p.etaSeconds >= 0)
            text += tr("  ETA %1 s").arg(int(p.etaSeconds));
        m_jobLabel->setText(text);
    }
    if (!drained.training.empty())
        m_training->setPoints(bus->trainingSeries());
    if (!drained.layers.empty()) {
        std::vector<std::shared_ptr<const types::LayerSnapshot>> inOrder;
        auto history = std::make_shared<ui::StepOffsetSeries>();
        const auto latest = bus->latest();
        for (const auto &l : m_engine->layers()) {
            inOrder.push_back(latest.count(l.name) ? latest.at(l.name) : nullptr);
            for (const auto &p : bus->paramSeries(l.name, m_offsets->tensor() == ui::OffsetsView::Tensor::Activation))
                (*history)[l.name].push_back({p.step, p.stepSize, p.offset});
        }
        m_table->model()->updateSnapshots(inOrder);
        std::vector<std::shared_ptr<const types::LayerSnapshot>> present;
        for (const auto &s : inOrder)
            if (s)
                present.push_back(s);
        m_offsets->setSnapshots(present);
        m_offsets->setHistory(history);
        selectLayer(m_selectedRow);
    }
    for (const auto &m : drained.messages)
        m_jobLabel->setText(QString::fromStdString(m));
}

void MainWindow::finishUnattended(int status)
{
    if (m_exportDone)
        m_exportDone(status);
    else
        QCoreApplication::exit(status);
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (std::exchange(m_shown, true))
        return;
    // The minimum size known before the first layout can exceed the settled one, and a small
    // screen then gets a window wider than both: size it again now that the layout is known.
    const QSize want = m_initialSize.expandedTo(minimumSizeHint());
    if (width() > want.width() || height() > want.height())
        resize(want.boundedTo(size()));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_engine->busy()) {
        const auto answer = QMessageBox::question(
            this, tr("A job is running"), tr("%1 is still running. Stop it and quit?").arg(m_engine->currentJob()));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_engine->stop();
    }
    event->accept();
}

} // namespace ql::app
