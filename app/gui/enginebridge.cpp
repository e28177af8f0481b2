#include "app/gui/enginebridge.h"

#include "core/common/device.h"
#include "core/common/error.h"
#include "core/data/loaders.h"
#include "core/data/transforms.h"
#include "core/engine/model_io.h"
#include "core/quant/multipoint.h"

#include <QMetaObject>

#include <algorithm>

namespace ql::app {

types::LayerQuantView toView(const core::engine::LayerQuantConfig &c)
{
    types::LayerQuantView v;
    const bool wq = c.enabled && c.weight.method != core::quant::Method::None;
    const bool aq = c.enabled && c.act.method != core::quant::Method::None;
    v.weightMethod = wq ? core::quant::methodName(c.weight.method) : "none";
    v.weightBits = wq ? c.weight.bits : 32;
    v.actMethod = aq ? core::quant::methodName(c.act.method) : "none";
    v.actBits = aq ? c.act.bits : 32;
    v.perChannel = c.weight.perChannel;
    v.enabled = c.enabled;
    return v;
}

EngineBridge::EngineBridge(QObject *parent) : QObject(parent), m_bus(std::make_shared<core::telemetry::Bus>())
{
    // Called on the engine thread; hands over to the GUI thread without blocking.
    m_bus->setNotify([this] { QMetaObject::invokeMethod(this, &EngineBridge::telemetryAvailable, Qt::QueuedConnection); });
}

EngineBridge::~EngineBridge()
{
    m_bus->setNotify(nullptr);
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
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
    return m_session != nullptr;
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

bool EngineBridge::start(const QString &name, std::function<QString(std::stop_token)> job)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_busy)
            return false;
        m_busy = true;
        m_job = name;
    }
    if (m_thread.joinable())
        m_thread.join(); // the previous job has finished: m_busy was false
    Q_EMIT jobStarted(name);
    m_thread = std::jthread([this, name, job = std::move(job)](std::stop_token stop) {
        core::applyCpuThreads();
        QString summary, error;
        try {
            summary = job(stop);
        } catch (const core::Error &e) {
            error = QString::fromStdString(e.full());
        } catch (const c10::Error &e) {
            error = QString::fromStdString(e.what_without_backtrace());
        } catch (const std::exception &e) {
            error = QString::fromStdString(e.what());
        }
        {
            std::lock_guard lock(m_mutex);
            m_busy = false;
            m_job.clear();
        }
        QMetaObject::invokeMethod(this, [this] { setPaused(false); }, Qt::QueuedConnection);
        if (error.isEmpty())
            QMetaObject::invokeMethod(this, [this, name, summary] { Q_EMIT jobFinished(name, summary); }, Qt::QueuedConnection);
        else
            QMetaObject::invokeMethod(this, [this, name, error] { Q_EMIT jobFailed(name, error); }, Qt::QueuedConnection);
    });
    return true;
}

core::data::Dataset EngineBridge::trainSet() { return *m_train; }
core::data::Dataset EngineBridge::testSet() { return *m_test; }

void EngineBridge::refreshLayerViews()
{
    auto infos = m_session->model()->layerInfos();
    std::vector<types::LayerInfo> layers;
    for (size_t i = 0; i < infos.size(); ++i) {
        types::LayerInfo l;
        l.name = infos[i].name;
        l.type = core::models::layerKindName(infos[i].kind);
        l.weightShape = infos[i].weightShape;
        l.parameters = infos[i].parameters;
        l.macs = infos[i].macs;
        layers.push_back(l);
    }
    std::vector<types::LayerQuantView> configs;
    for (const auto &c : m_session->config())
        configs.push_back(toView(c));
    std::lock_guard lock(m_mutex);
    m_layers = std::move(layers);
    m_configs = std::move(configs);
}

static QString describe(const core::engine::Session &s, const std::string &dataName)
{
    return EngineBridge::tr("%1 (%2, %3 parameters) on %4")
        .arg(QString::fromStdString(s.meta().arch), QString::fromStdString(s.meta().activation))
        .arg(s.model()->parameterCount())
        .arg(QString::fromStdString(dataName));
}

void EngineBridge::adoptSession(std::unique_ptr<core::engine::Session> session, const QString &description)
{
    const std::string dataName = session->dataset().empty() ? std::string("fashion-mnist") : session->dataset();
    auto train = core::data::openDataset(dataName, core::data::Split::Train);
    auto test = core::data::openDataset(dataName, core::data::Split::Test);
    session->model()->to(core::selectDevice("auto").device);
    session->setDataset(dataName);
    {
        // Written on the engine thread, read under the lock by hasModel() on the GUI thread.
        std::lock_guard lock(m_mutex);
        m_session = std::move(session);
    }
    m_train = train;
    m_test = test;
    m_bus->clear();
    refreshLayerViews();
    {
        std::lock_guard lock(m_mutex);
        m_description = description.isEmpty() ? describe(*m_session, dataName) : description;
        m_dataName = QString::fromStdString(dataName);
        m_multipoint.clear();
        m_comparison.reset();
        m_errors.reset();
        m_ranks.clear();
    }
    QMetaObject::invokeMethod(this, [this] { Q_EMIT modelOpened(); }, Qt::QueuedConnection);
}

bool EngineBridge::openModel(const QString &path)
{
    return start(tr("Open model"), [this, path](std::stop_token) {
        m_reopen = [file = path.toStdString()] {
            auto loaded = core::engine::loadModel(file);
            const std::string data = loaded.meta.dataset.empty() ? std::string("fashion-mnist") : loaded.meta.dataset;
            return core::engine::Session(std::move(loaded), data);
        };
        adoptSession(std::make_unique<core::engine::Session>(m_reopen()), QString());
        return modelDescription();
    });
}

bool EngineBridge::openSession(const QString &path)
{
    return start(tr("Open session"), [this, path](std::stop_token) {
        m_reopen = [file = path.toStdString()] { return core::engine::Session::load(file); };
        adoptSession(std::make_unique<core::engine::Session>(m_reopen()), QString());
        return tr("Session %1: %2").arg(path, modelDescription());
    });
}

bool EngineBridge::openData(const QString &nameOrPath)
{
    return start(tr("Open data"), [this, nameOrPath](std::stop_token) {
        const std::string name = nameOrPath.toStdString();
        auto train = core::data::openDataset(name, core::data::Split::Train);
        auto test = core::data::openDataset(name, core::data::Split::Test);
        if (m_session) {
            // The model must accept the images: one forward pass of a single image proves it.
            torch::NoGradGuard noGrad;
            const auto x = core::data::normalize(test.images(torch::arange(1, torch::kLong)), test.normalization());
            const auto device = core::selectDevice("auto");
            auto model = m_session->model();
            try {
                const core::models::ModeGuard modes(*model);
                model->setMode(core::models::LayerMode::Fp32);
                model->eval();
                const auto logits = model->forward(x.to(device.device));
                if (logits.size(1) != test.numClasses())
                    throw core::Error("The model has " + std::to_string(logits.size(1)) + " outputs but '" + name + "' has " +
                                          std::to_string(test.numClasses()) + " classes.",
                                      "Open a model trained on this data set, or a data set with the model's classes.");
            } catch (const c10::Error &e) {
                throw core::Error("The model cannot take the images of '" + name + "' (" +
                                      std::to_string(test.channels()) + "×" + std::to_string(test.height()) + "×" +
                                      std::to_string(test.width()) + "): " + e.what_without_backtrace(),
                                  "Open a model built for this image size and channel count.");
            }
            m_session->setDataset(name);
        }
        const QString description = tr("%1: %2 training and %3 test images, %4 classes")
                                        .arg(nameOrPath)
                                        .arg(train.size())
                                        .arg(test.size())
                                        .arg(test.numClasses());
        m_train = train;
        m_test = test;
        {
            std::lock_guard lock(m_mutex);
            m_dataName = nameOrPath;
        }
        QMetaObject::invokeMethod(this, [this, description] { Q_EMIT dataOpened(description); }, Qt::QueuedConnection);
        return description;
    });
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

bool EngineBridge::runPtq(const core::engine::QuantRecipe &recipe, int64_t calibrationImages)
{
    if (!hasModel())
        return false;
    return start(tr("PTQ"), [this, recipe, calibrationImages](std::stop_token stop) {
        const auto device = core::selectDevice("auto");
        m_session->applyRecipe(recipe);
        const auto cb = callbacks(stop);
        const auto r = core::engine::runPtq(*m_session, trainSet(), testSet(), device.device, calibrationImages, cb);
        core::engine::TelemetryProbe probe(*m_session, testSet(), device.device, m_bus);
        probe.publish(0);
        collectMultipoint();
        refreshLayerViews();
        return tr("PTQ: FP32 top-1 %1%, quantized %2%").arg(100 * r.fp32.top1, 0, 'f', 2).arg(100 * r.quantized.top1, 0, 'f', 2);
    });
}

bool EngineBridge::runQat(const core::engine::QuantRecipe &recipe, const core::engine::QatOptions &options)
{
    if (!hasModel())
        return false;
    return start(tr("QAT"), [this, recipe, options](std::stop_token stop) {
        const auto device = core::selectDevice("auto");
        m_session->applyRecipe(recipe);
        refreshLayerViews();
        const auto cb = callbacks(stop);
        auto o = options;
        const QString autosave = autosavePath();
        if (!autosave.isEmpty()) {
            o.train.afterEpoch = [this, autosave, bus = m_bus](const core::engine::EpochResult &e) {
                try {
                    m_session->save(autosave.toStdString());
                    QMetaObject::invokeMethod(this, [this, autosave] { Q_EMIT autosaved(autosave); }, Qt::QueuedConnection);
                } catch (const core::Error &err) {
                    // Training goes on; the user learns that the safety net is missing.
                    bus->publishMessage("epoch " + std::to_string(e.epoch) + ": autosave failed: " + err.full());
                }
            };
        }
        const auto r = core::engine::runQat(*m_session, trainSet(), testSet(), device.device, o, cb, m_bus);
        collectMultipoint();
        refreshLayerViews();
        return tr("QAT: FP32 top-1 %1%, quantized %2%%3")
            .arg(100 * r.eval.fp32.top1, 0, 'f', 2)
            .arg(100 * r.eval.quantized.top1, 0, 'f', 2)
            .arg(r.train.cancelled ? tr(" (stopped)") : QString());
    });
}

/// "lsq/lsq+ W4A4": weight and activation methods and bits.
static std::string configLabel(core::quant::Method w, core::quant::Method a, int wb, int ab)
{
    return core::quant::methodName(w) + "/" + core::quant::methodName(a) + " W" + std::to_string(wb) + "A" +
           std::to_string(ab);
}

/// The label of the layers between the first and the last (those follow the 8-bit rule).
static std::string sessionLabel(const core::engine::Session &s)
{
    const auto &c = s.config();
    if (c.empty())
        return "quantized";
    const auto &l = c[c.size() > 2 ? 1 : 0];
    return configLabel(l.weight.method, l.act.method, l.weight.bits, l.act.bits);
}

bool EngineBridge::runErrors(int64_t samples)
{
    if (!hasModel())
        return false;
    return start(tr("Error accumulation"), [this, samples](std::stop_token stop) {
        const auto device = core::selectDevice("auto");
        auto acc = core::engine::errorAccumulation(*m_session, testSet(), device.device, samples, callbacks(stop));
        acc.label = sessionLabel(*m_session);
        {
            std::lock_guard lock(m_mutex);
            m_errors = std::make_shared<const types::ErrorAccumulation>(std::move(acc));
        }
        QMetaObject::invokeMethod(this, [this] { Q_EMIT errorsReady(); }, Qt::QueuedConnection);
        return tr("Error accumulation done");
    });
}

bool EngineBridge::runCompare(const core::engine::QuantRecipe &other, int64_t samples)
{
    if (!hasModel())
        return false;
    return start(tr("Compare"), [this, other, samples](std::stop_token stop) {
        if (!m_reopen) // set on the engine thread by the job that opened the model
            throw core::Error("Open a model or a session first.");
        const auto device = core::selectDevice("auto");
        const auto cb = callbacks(stop);
        auto result = std::make_shared<Comparison>();
        const auto layers = m_session->model()->quantLayers();
        const bool quantized = std::any_of(layers.begin(), layers.end(),
                                           [](const auto &l) { return l->mode() == core::models::LayerMode::FakeQuant; });
        if (!quantized)
            throw core::Error("The model is not quantized yet, so there is nothing to compare with.",
                              "Run PTQ or QAT first; Compare then quantizes a second copy with the chosen setup.");
        auto snapshots = [&](core::engine::Session &s) {
            auto bus = std::make_shared<core::telemetry::Bus>();
            core::engine::TelemetryProbe probe(s, testSet(), device.device, bus);
            probe.publish(0);
            return bus->latest();
        };
        auto accA = core::engine::errorAccumulation(*m_session, testSet(), device.device, samples, cb);
        accA.label = sessionLabel(*m_session);
        for (const auto &[k, v] : snapshots(*m_session))
            result->a[k] = v;
        if (cb.stopRequested())
            return tr("Compare stopped");

        core::engine::Session b = m_reopen();
        b.model()->to(device.device);
        b.applyRecipe(other);
        b.buildQuantizers();
        core::engine::calibrate(b, core::data::calibrationSubset(trainSet(), 512, 0), device.device, cb);
        auto accB = core::engine::errorAccumulation(b, testSet(), device.device, samples, cb);
        accB.label = configLabel(other.weightMethod, other.actMethod, other.weightBits, other.actBits) + " (PTQ)";
        for (const auto &[k, v] : snapshots(b))
            result->b[k] = v;
        result->labelA = QString::fromStdString(accA.label);
        result->labelB = QString::fromStdString(accB.label);
        const double outputA = accA.blockL2.empty() ? 0.0 : accA.blockL2.back();
        const double outputB = accB.blockL2.empty() ? 0.0 : accB.blockL2.back();
        result->errorsA = std::make_shared<const types::ErrorAccumulation>(std::move(accA));
        result->errorsB = std::make_shared<const types::ErrorAccumulation>(std::move(accB));
        {
            std::lock_guard lock(m_mutex);
            m_comparison = result;
        }
        QMetaObject::invokeMethod(this, [this] { Q_EMIT comparisonReady(); }, Qt::QueuedConnection);
        return tr("Compared %1 with %2: output error %3 vs %4")
            .arg(result->labelA, result->labelB)
            .arg(outputA, 0, 'g', 4)
            .arg(outputB, 0, 'g', 4);
    });
}

void EngineBridge::collectMultipoint()
{
    std::map<std::string, std::shared_ptr<const types::MultipointMap>> maps;
    for (const auto &l : m_session->model()->quantLayers()) {
        auto *mp = dynamic_cast<core::quant::MultipointQuantizerImpl *>(l->weightQuantizer().get());
        if (!mp || l->mode() != core::models::LayerMode::FakeQuant)
            continue;
        auto m = std::make_shared<types::MultipointMap>();
        m->layer = l->layerName();
        m->pointsPerChannel = mp->result().points;
        m->outputErrorBefore = mp->result().errorBefore;
        m->outputErrorAfter = mp->result().errorAfter;
        maps[m->layer] = m;
    }
    std::lock_guard lock(m_mutex);
    m_multipoint = std::move(maps);
}

bool EngineBridge::runSensitivity(int64_t samples)
{
    if (!hasModel())
        return false;
    return start(tr("Sensitivity"), [this, samples](std::stop_token stop) {
        const auto device = core::selectDevice("auto");
        const auto rows = core::engine::sensitivity(*m_session, testSet(), device.device, samples, callbacks(stop));
        std::vector<int> ranks;
        for (const auto &r : rows)
            ranks.push_back(r.rank);
        {
            std::lock_guard lock(m_mutex);
            m_ranks = ranks;
        }
        QMetaObject::invokeMethod(this, [this] { Q_EMIT sensitivityReady(); }, Qt::QueuedConnection);
        return tr("Sensitivity ranked %1 layers").arg(rows.size());
    });
}

bool EngineBridge::whatIf(const QString &layer, int weightBits, int actBits, int64_t samples)
{
    if (!hasModel())
        return false;
    return start(tr("What-if"), [this, layer, weightBits, actBits, samples](std::stop_token) {
        const auto device = core::selectDevice("auto");
        const auto r = core::engine::whatIf(*m_session, layer.toStdString(), weightBits, actBits, testSet(), device.device, samples);
        core::engine::TelemetryProbe probe(*m_session, testSet(), device.device, m_bus);
        probe.publish(0);
        refreshLayerViews();
        return tr("%1 at W%2A%3: top-1 %4% on %5 images (%6 ms)")
            .arg(layer)
            .arg(weightBits)
            .arg(actBits)
            .arg(100 * r.eval.top1, 0, 'f', 2)
            .arg(r.eval.count)
            .arg(1000 * r.seconds, 0, 'f', 0);
    });
}

bool EngineBridge::saveSession(const QString &path)
{
    if (!hasModel())
        return false;
    return start(tr("Save session"), [this, path](std::stop_token) {
        m_session->save(path.toStdString());
        return tr("Session saved to %1").arg(path);
    });
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

std::shared_ptr<const EngineBridge::Comparison> EngineBridge::comparison() const
{
    std::lock_guard lock(m_mutex);
    return m_comparison;
}

std::vector<types::LayerInfo> EngineBridge::layers() const
{
    std::lock_guard lock(m_mutex);
    return m_layers;
}

std::vector<types::LayerQuantView> EngineBridge::layerConfigs() const
{
    std::lock_guard lock(m_mutex);
    return m_configs;
}

std::shared_ptr<const types::ErrorAccumulation> EngineBridge::lastErrors() const
{
    std::lock_guard lock(m_mutex);
    return m_errors;
}

std::vector<int> EngineBridge::sensitivityRanks() const
{
    std::lock_guard lock(m_mutex);
    return m_ranks;
}

QString EngineBridge::modelDescription() const
{
    std::lock_guard lock(m_mutex);
    return m_description;
}

} // namespace ql::app
