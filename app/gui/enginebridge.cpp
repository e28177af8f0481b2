#include "app/gui/enginebridge.h"

#include "core/common/error.h"
#include "core/common/threads.h"

#include <QMetaObject>

#include <cmath>
#include <exception>

namespace ql::app {

namespace {

QString percent(double v) { return QString::number(100 * v, 'f', 2); }

QStringList toList(const std::vector<std::string> &items)
{
    QStringList out;
    for (const auto &i : items)
        out << QString::fromStdString(i);
    return out;
}

} // namespace

QString EngineBridge::agreementText(const types::EvalResult &r)
{
    const QString sqnr = std::isfinite(r.sqnrDb) ? QString::number(r.sqnrDb, 'f', 1) : QStringLiteral("∞");
    if (r.top1Agreement < 0)
        return tr("SQNR %1 dB, cosine %2").arg(sqnr, QString::number(r.cosine, 'f', 5));
    return tr("SQNR %1 dB, top-1 agreement %2%").arg(sqnr, percent(r.top1Agreement));
}

bool EngineBridge::needsTrust(const QString &path) { return core::engine::Workbench::needsTrust(path.toStdString()); }

EngineBridge::EngineBridge(QObject *parent)
    : QObject(parent), m_bus(std::make_shared<core::telemetry::Bus>()),
      m_workbench(std::make_unique<core::engine::Workbench>(m_bus)),
      m_deviceName(QString::fromStdString(m_workbench->deviceName()))
{
    // Called on the engine thread; hands over to the GUI thread without blocking.
    m_bus->setNotify(
        [this] { QMetaObject::invokeMethod(this, &EngineBridge::telemetryAvailable, Qt::QueuedConnection); });
}

EngineBridge::~EngineBridge()
{
    try {
        m_bus->setNotify(nullptr);
        if (m_thread.joinable()) {
            m_thread.request_stop();
            m_thread.join();
        }
    } catch (...) {
        // A destructor never throws; the jthread's own destructor joins what is left.
    }
}

bool EngineBridge::busy() const
{
    std::lock_guard lock(m_mutex);
    return m_busy;
}

QString EngineBridge::currentJob() const
{
    std::lock_guard lock(m_mutex);
    return m_job;
}

bool EngineBridge::hasModel() const
{
    std::lock_guard lock(m_mutex);
    return m_hasModel;
}

void EngineBridge::stop()
{
    if (m_thread.joinable())
        m_thread.request_stop(); // also wakes a paused job
}

void EngineBridge::setPaused(bool paused)
{
    {
        std::lock_guard lock(m_pauseMutex);
        if (m_paused == paused)
            return;
        m_paused = paused;
    }
    m_pauseChanged.notify_all();
    Q_EMIT pausedChanged(paused);
}

bool EngineBridge::paused() const
{
    std::lock_guard lock(m_pauseMutex);
    return m_paused;
}

void EngineBridge::post(std::function<void()> f)
{
    // The functor is queued to this object's (the GUI) thread; nothing is created here.
    QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection);
}

bool EngineBridge::start(const QString &name, Job job, bool needsModel)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_busy || (needsModel && !m_hasModel))
            return false;
        m_busy = true;
        m_job = name;
    }
    if (m_thread.joinable())
        m_thread.join(); // the previous job has finished: m_busy was false
    Q_EMIT jobStarted(name);
    try {
        m_thread = std::jthread([this, name, job = std::move(job)](std::stop_token stop) {
            core::applyCpuThreads();
            QString summary, error;
            try {
                summary = job(*m_workbench, callbacks(stop));
            } catch (...) {
                error = QString::fromStdString(core::describeException(std::current_exception()));
                if (error.isEmpty())
                    error = tr("The job failed.");
            }
            {
                std::lock_guard lock(m_mutex);
                m_busy = false;
                m_job.clear();
            }
            post([this] { setPaused(false); });
            if (error.isEmpty())
                post([this, name, summary] { Q_EMIT jobFinished(name, summary); });
            else
                post([this, name, error] { Q_EMIT jobFailed(name, error); });
        });
    } catch (const std::exception &e) {
        // No thread could be started (no memory or threads left): the job fails, the window goes on.
        {
            std::lock_guard lock(m_mutex);
            m_busy = false;
            m_job.clear();
        }
        const QString error = tr("The engine thread could not be started (%1).").arg(QString::fromLocal8Bit(e.what()));
        post([this, name, error] { Q_EMIT jobFailed(name, error); });
    }
    return true;
}

core::engine::JobCallbacks EngineBridge::callbacks(std::stop_token stop)
{
    core::engine::JobCallbacks cb;
    cb.progress = [bus = m_bus](const types::JobProgress &p) { bus->publishProgress(p); };
    cb.message = [bus = m_bus](const std::string &m) { bus->publishMessage(m); };
    cb.pausePoint = [this, stop] {
        std::unique_lock lock(m_pauseMutex);
        m_pauseChanged.wait(lock, stop, [this] { return !m_paused; });
    };
    cb.stop = std::move(stop);
    return cb;
}

void EngineBridge::collect(core::engine::Workbench &wb)
{
    auto layers = wb.layers();
    auto configs = wb.config();
    std::map<std::string, std::shared_ptr<const types::MultipointMap>> maps;
    for (auto &m : wb.multipointMaps()) {
        auto name = m.layer;
        maps[name] = std::make_shared<const types::MultipointMap>(std::move(m));
    }
    const auto s = wb.summary();
    const QString description = tr("%1 (%2, %3 parameters) on %4")
                                    .arg(QString::fromStdString(s.arch), QString::fromStdString(s.activation))
                                    .arg(s.parameters)
                                    .arg(QString::fromStdString(s.data));
    std::lock_guard lock(m_mutex);
    m_hasModel = true;
    m_layers = std::move(layers);
    m_configs = configs;
    m_multipoint = std::move(maps);
    m_description = description;
    m_dataName = QString::fromStdString(s.data);
    m_mixed = wb.mixedResult();
}

bool EngineBridge::inspectModel(const QString &path)
{
    return start(
        tr("Inspect model"),
        [this, path](core::engine::Workbench &, const core::engine::JobCallbacks &) {
            const auto info = core::engine::Workbench::inspectModelFile(path.toStdString());
            post([this, info] { Q_EMIT modelInspected(info); });
            return tr("%1: %2").arg(path, QString::fromStdString(info.format));
        },
        /*needsModel=*/false);
}

bool EngineBridge::openModel(const QString &path, const types::QuantRecipe &recipe, const QString &arch,
                             const QString &activation, bool trustTorchScript)
{
    return start(
        tr("Open model"),
        [this, path, recipe, arch, activation, trustTorchScript](core::engine::Workbench &wb,
                                                                 const core::engine::JobCallbacks &) {
            const bool hadData = wb.hasData();
            wb.setTrustTorchScript(trustTorchScript);
            wb.openModel(path.toStdString(), arch.toStdString(), recipe, {}, activation.toStdString());
            if (!hadData)
                announceData(wb);
            {
                std::lock_guard lock(m_mutex);
                m_errors.reset();
                m_sensitivity.clear();
                m_comparison.reset();
            }
            collect(wb);
            post([this] { Q_EMIT modelOpened(); });
            return modelDescription();
        },
        /*needsModel=*/false);
}

bool EngineBridge::openSession(const QString &path, bool trustTorchScript)
{
    return start(
        tr("Open session"),
        [this, path, trustTorchScript](core::engine::Workbench &wb, const core::engine::JobCallbacks &cb) {
            const bool hadData = wb.hasData();
            wb.setTrustTorchScript(trustTorchScript);
            wb.openSession(path.toStdString());
            if (!hadData)
                announceData(wb);
            {
                std::lock_guard lock(m_mutex);
                m_errors.reset();
                m_sensitivity.clear();
                m_comparison.reset();
            }
            // A session saved before its quantizers were calibrated: calibrate them now, as the
            // first job on a newly opened model would.
            if (!wb.calibrated())
                wb.calibrate(512, cb);
            collect(wb);
            post([this] { Q_EMIT modelOpened(); });
            // Every view from the saved quantizers: statistics now, accuracy on a subset.
            wb.publishSnapshot();
            types::EvalOptions eo;
            eo.maxSamples = 1000;
            const auto r = wb.evaluateBoth(eo, cb);
            if (r.quantized.agreement)
                return tr("Session %1: %2. Quantized against FP32: %3 (%4 test images)")
                    .arg(path, modelDescription(), agreementText(r.quantized))
                    .arg(r.quantized.count);
            return tr("Session %1: %2. FP32 top-1 %3%, quantized %4% (%5 test images)")
                .arg(path, modelDescription(), percent(r.fp32.top1), percent(r.quantized.top1))
                .arg(r.quantized.count);
        },
        /*needsModel=*/false);
}

bool EngineBridge::openData(const QString &nameOrPath)
{
    return start(
        tr("Open data"),
        [this, nameOrPath](core::engine::Workbench &wb, const core::engine::JobCallbacks &) {
            wb.openData(nameOrPath.toStdString());
            if (wb.hasModel())
                collect(wb);
            {
                std::lock_guard lock(m_mutex);
                m_dataName = nameOrPath;
            }
            return announceData(wb);
        },
        /*needsModel=*/false);
}

QString EngineBridge::announceData(core::engine::Workbench &wb)
{
    const auto info = wb.dataInfo();
    QString description = tr("%1: %2 training and %3 test images, %4 classes")
                              .arg(QString::fromStdString(info.name))
                              .arg(info.trainCount)
                              .arg(info.testCount)
                              .arg(info.classes);
    if (!info.skipped.empty())
        description += tr(" (%n file(s) could not be read and were skipped)", nullptr, int(info.skipped.size()));
    const QStringList skipped = toList(info.skipped);
    post([this, description, skipped] { Q_EMIT dataOpened(description, skipped); });
    return description;
}

bool EngineBridge::runPtq(const types::QuantRecipe &recipe, int64_t calibrationImages, int64_t evalSamples)
{
    return start(tr("PTQ"), [this, recipe, calibrationImages, evalSamples](core::engine::Workbench &wb,
                                                                           const core::engine::JobCallbacks &cb) {
        wb.applyRecipe(recipe);
        types::EvalOptions eo;
        eo.maxSamples = evalSamples;
        const auto r = wb.ptq(calibrationImages, eo, cb);
        wb.publishSnapshot();
        collect(wb);
        if (r.quantized.agreement)
            return tr("PTQ: quantized against FP32: %1").arg(agreementText(r.quantized));
        return tr("PTQ: FP32 top-1 %1%, quantized %2%").arg(percent(r.fp32.top1), percent(r.quantized.top1));
    });
}

bool EngineBridge::runQat(const types::QuantRecipe &recipe, const types::QatOptions &options)
{
    return start(tr("QAT"), [this, recipe, options](core::engine::Workbench &wb, const core::engine::JobCallbacks &cb) {
        wb.applyRecipe(recipe);
        collect(wb);
        auto o = options;
        const QString autosave = autosavePath();
        if (!autosave.isEmpty()) {
            o.train.afterEpoch = [this, &wb, autosave](const types::EpochResult &e) {
                try {
                    wb.save(autosave.toStdString());
                    post([this, autosave] { Q_EMIT autosaved(autosave); });
                } catch (...) {
                    // Training goes on; the user learns that the safety net is missing.
                    m_bus->publishMessage("epoch " + std::to_string(e.epoch) +
                                          ": autosave failed: " + core::describeException(std::current_exception()));
                }
            };
        }
        const auto r = wb.qat(o, cb, /*telemetry=*/true);
        collect(wb);
        const QString summary = tr("QAT: FP32 top-1 %1%, quantized %2%%3")
                                    .arg(percent(r.eval.fp32.top1), percent(r.eval.quantized.top1))
                                    .arg(r.train.cancelled ? tr(" (stopped)") : QString());
        if (!r.diverged.empty()) {
            // The results stay on screen to be looked at, but the run is named for what it is.
            m_bus->publishMessage("QAT failed: " + r.diverged +
                                  ". Lower the learning rate, use more bits, or start from a better FP32 model.");
            return tr("%1 - %2").arg(summary, QString::fromStdString(r.diverged));
        }
        return summary;
    });
}

bool EngineBridge::runEvaluate(int64_t samples)
{
    return start(tr("Evaluate"), [samples](core::engine::Workbench &wb, const core::engine::JobCallbacks &cb) {
        types::EvalOptions eo;
        eo.maxSamples = samples;
        const auto r = wb.evaluateBoth(eo, cb);
        wb.publishSnapshot();
        if (r.quantized.agreement)
            return tr("Evaluated on %1 test images: quantized against FP32: %2")
                .arg(r.quantized.count)
                .arg(agreementText(r.quantized));
        return tr("Evaluated on %1 test images: FP32 top-1 %2%, quantized %3%")
            .arg(r.quantized.count)
            .arg(percent(r.fp32.top1), percent(r.quantized.top1));
    });
}

bool EngineBridge::runErrors(int64_t samples)
{
    return start(tr("Error accumulation"),
                 [this, samples](core::engine::Workbench &wb, const core::engine::JobCallbacks &cb) {
                     auto acc = std::make_shared<const types::ErrorAccumulation>(wb.errors(samples, cb));
                     {
                         std::lock_guard lock(m_mutex);
                         m_errors = acc;
                     }
                     post([this] { Q_EMIT errorsReady(); });
                     return tr("Error accumulation done");
                 });
}

bool EngineBridge::runCompare(const types::QuantRecipe &other, int64_t samples)
{
    return start(tr("Compare"),
                 [this, other, samples](core::engine::Workbench &wb, const core::engine::JobCallbacks &cb) {
                     auto c = std::make_shared<const types::Comparison>(wb.compare(other, 512, samples, cb));
                     if (!c->errorsB)
                         return tr("Compare stopped");
                     {
                         std::lock_guard lock(m_mutex);
                         m_comparison = c;
                     }
                     post([this] { Q_EMIT comparisonReady(); });
                     const double outA = c->errorsA->blockL2.empty() ? 0.0 : c->errorsA->blockL2.back();
                     const double outB = c->errorsB->blockL2.empty() ? 0.0 : c->errorsB->blockL2.back();
                     return tr("Compared %1 with %2: output error %3 vs %4")
                         .arg(QString::fromStdString(c->labelA), QString::fromStdString(c->labelB))
                         .arg(outA, 0, 'g', 4)
                         .arg(outB, 0, 'g', 4);
                 });
}

bool EngineBridge::runSensitivity(int64_t samples)
{
    return start(tr("Sensitivity"), [this, samples](core::engine::Workbench &wb, const core::engine::JobCallbacks &cb) {
        auto rows = wb.sensitivity(samples, cb);
        const auto n = rows.size();
        {
            std::lock_guard lock(m_mutex);
            m_sensitivity = std::move(rows);
        }
        post([this] { Q_EMIT sensitivityReady(); });
        return tr("Sensitivity ranked %1 layers").arg(n);
    });
}

bool EngineBridge::applyLayerConfig(const types::LayerQuantConfig &change, int64_t samples)
{
    return start(tr("What-if"),
                 [this, change, samples](core::engine::Workbench &wb, const core::engine::JobCallbacks &) {
                     const auto r = wb.whatIf(change, samples);
                     wb.publishSnapshot();
                     collect(wb);
                     const auto &c = wb.config();
                     QString label;
                     for (const auto &l : c)
                         if (l.layer == change.layer)
                             label = QStringLiteral("%1 %2 / %3")
                                         .arg(QString::fromStdString(l.layer), QString::fromStdString(l.weight.label()),
                                              QString::fromStdString(l.act.label()));
                     if (r.eval.agreement)
                         return tr("%1: %2 on %3 images (%4 ms)")
                             .arg(label, agreementText(r.eval))
                             .arg(r.eval.count)
                             .arg(1000 * r.seconds, 0, 'f', 0);
                     return tr("%1: top-1 %2% on %3 images (%4 ms)")
                         .arg(label, percent(r.eval.top1))
                         .arg(r.eval.count)
                         .arg(1000 * r.seconds, 0, 'f', 0);
                 });
}

bool EngineBridge::saveSession(const QString &path)
{
    return start(tr("Save session"), [path](core::engine::Workbench &wb, const core::engine::JobCallbacks &) {
        wb.save(path.toStdString());
        return tr("Session saved to %1").arg(path);
    });
}

bool EngineBridge::previewExport(const types::ExportOptions &options)
{
    return start(tr("Export preview"),
                 [this, options](core::engine::Workbench &wb, const core::engine::JobCallbacks &) {
                     std::vector<types::LayerDeployment> layers;
                     QString error;
                     try {
                         layers = wb.exportPreview(options);
                     } catch (...) {
                         // The format cannot express a layer: that is the preview's answer, not a failed job.
                         error = QString::fromStdString(core::describeException(std::current_exception()));
                     }
                     {
                         std::lock_guard lock(m_mutex);
                         m_exportPreview = std::move(layers);
                         m_exportPreviewError = error;
                     }
                     post([this] { Q_EMIT exportPreviewReady(); });
                     return error.isEmpty() ? tr("Export preview ready") : error;
                 });
}

bool EngineBridge::exportModel(const types::ExportOptions &options)
{
    return start(tr("Export"), [this, options](core::engine::Workbench &wb, const core::engine::JobCallbacks &cb) {
        auto result = std::make_shared<const types::ExportResult>(wb.exportModel(options, cb));
        {
            std::lock_guard lock(m_mutex);
            m_lastExport = result;
        }
        return QString::fromStdString(result->summary);
    });
}

std::vector<types::LayerDeployment> EngineBridge::exportPreview() const
{
    std::lock_guard lock(m_mutex);
    return m_exportPreview;
}

QString EngineBridge::exportPreviewError() const
{
    std::lock_guard lock(m_mutex);
    return m_exportPreviewError;
}

std::shared_ptr<const types::ExportResult> EngineBridge::lastExport() const
{
    std::lock_guard lock(m_mutex);
    return m_lastExport;
}

void EngineBridge::setAutosavePath(const QString &path)
{
    std::lock_guard lock(m_mutex);
    m_autosavePath = path;
}

QString EngineBridge::autosavePath() const
{
    std::lock_guard lock(m_mutex);
    return m_autosavePath;
}

QString EngineBridge::dataName() const
{
    std::lock_guard lock(m_mutex);
    return m_dataName;
}

std::shared_ptr<const types::MultipointMap> EngineBridge::multipointMap(const std::string &layer) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_multipoint.find(layer);
    return it == m_multipoint.end() ? nullptr : it->second;
}

std::shared_ptr<const types::MixedResult> EngineBridge::mixedResult() const
{
    std::lock_guard lock(m_mutex);
    return m_mixed;
}

types::MixedPoint EngineBridge::budgetPoint() const
{
    std::lock_guard lock(m_mutex);
    return m_budgetPoint;
}

bool EngineBridge::runMixed(const types::MixedOptions &options)
{
    return start(
        tr("Mixed precision"), [this, options](core::engine::Workbench &wb, const core::engine::JobCallbacks &cb) {
            wb.checkMixedOptions(options);
            const auto r = wb.mixedPrecision(
                options, cb, [this](const types::MixedPoint &p) { post([this, p] { Q_EMIT mixedPointAdded(p); }); });
            {
                std::lock_guard lock(m_mutex);
                m_mixed = std::make_shared<const types::MixedResult>(r);
                m_budgetPoint = r.budgetPoint;
            }
            post([this] { Q_EMIT mixedReady(); });
            const QString what = tr("%1 configurations and %2 uniform references measured (%3 validation passes, %4 s)")
                                     .arg(r.points.size())
                                     .arg(r.uniform.size())
                                     .arg(r.evaluations)
                                     .arg(r.seconds, 0, 'f', 1);
            return r.cancelled ? tr("Mixed precision stopped: %1").arg(what) : what;
        });
}

bool EngineBridge::solveBudget(double budget, types::CostMeasure cost)
{
    return start(tr("Budget"), [this, budget, cost](core::engine::Workbench &wb, const core::engine::JobCallbacks &cb) {
        const auto last = wb.mixedResult();
        if (!last)
            throw core::Error("No mixed-precision search has measured this model yet.",
                              "Run a search in the Mixed precision view first.");
        auto options = last->options;
        options.cost = cost;
        auto p = wb.solveBudget(options, budget);
        if (p.top1 < 0) {
            const auto measured = wb.measureBits(p.bits, options, cb);
            p.top1 = measured.top1;
            p.agreement = measured.agreement;
        }
        p.label = "budget";
        {
            std::lock_guard lock(m_mutex);
            m_budgetPoint = p;
        }
        post([this] { Q_EMIT budgetSolved(); });
        return tr("Best within %1: %2, %3 KiB, top-1 %4%")
            .arg(cost == types::CostMeasure::Bytes ? tr("%1 KiB").arg(budget / 1024, 0, 'f', 1)
                                                   : tr("%1 GBOPs").arg(budget / 1e9, 0, 'f', 3))
            .arg(QString::fromStdString(types::bitsLabel(p.bits)))
            .arg(double(p.bytes) / 1024, 0, 'f', 1)
            .arg(percent(p.top1));
    });
}

bool EngineBridge::applyBits(const std::vector<types::LayerBits> &bits)
{
    return start(tr("Apply bits"), [this, bits](core::engine::Workbench &wb, const core::engine::JobCallbacks &cb) {
        wb.applyBits(bits);
        wb.publishSnapshot();
        collect(wb);
        types::EvalOptions eo;
        eo.maxSamples = 1000;
        const auto r = wb.evaluate(core::engine::DataSplit::Test, eo, cb);
        const QString label = QString::fromStdString(types::bitsLabel(bits));
        if (r.agreement)
            return tr("Applied %1: %2 on %3 images").arg(label, agreementText(r)).arg(r.count);
        return tr("Applied %1: top-1 %2% on %3 images").arg(label, percent(r.top1)).arg(r.count);
    });
}

std::shared_ptr<const types::Comparison> EngineBridge::comparison() const
{
    std::lock_guard lock(m_mutex);
    return m_comparison;
}

types::LevelSets EngineBridge::levelSets(int bits, types::PotVariant variant)
{
    return core::engine::Workbench::levelSets(bits, variant);
}

std::vector<types::LayerInfo> EngineBridge::layers() const
{
    std::lock_guard lock(m_mutex);
    return m_layers;
}

std::vector<types::LayerQuantConfig> EngineBridge::layerConfigs() const
{
    std::lock_guard lock(m_mutex);
    return m_configs;
}

std::shared_ptr<const types::ErrorAccumulation> EngineBridge::lastErrors() const
{
    std::lock_guard lock(m_mutex);
    return m_errors;
}

std::vector<types::SensitivityRow> EngineBridge::sensitivityRows() const
{
    std::lock_guard lock(m_mutex);
    return m_sensitivity;
}

QString EngineBridge::modelDescription() const
{
    std::lock_guard lock(m_mutex);
    return m_description;
}

} // namespace ql::app
