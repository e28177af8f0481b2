#include "app/gui/enginebridge.h"

#include "core/common/device.h"
#include "core/common/error.h"
#include "core/data/loaders.h"
#include "core/engine/model_io.h"

#include <QMetaObject>

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
        m_thread.request_stop();
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

bool EngineBridge::openModel(const QString &path)
{
    return start(tr("Open model"), [this, path](std::stop_token) {
        auto loaded = core::engine::loadModel(path.toStdString());
        const std::string dataName = loaded.meta.dataset.empty() ? std::string("fashion-mnist") : loaded.meta.dataset;
        auto train = core::data::openDataset(dataName, core::data::Split::Train);
        auto test = core::data::openDataset(dataName, core::data::Split::Test);
        const auto device = core::selectDevice("auto");
        loaded.model->to(device.device);
        const QString description = tr("%1 (%2, %3 parameters) on %4")
                                        .arg(QString::fromStdString(loaded.meta.arch), QString::fromStdString(loaded.meta.activation))
                                        .arg(loaded.model->parameterCount())
                                        .arg(QString::fromStdString(dataName));
        m_session = std::make_unique<core::engine::Session>(std::move(loaded), dataName);
        m_train = train;
        m_test = test;
        m_bus->clear();
        refreshLayerViews();
        {
            std::lock_guard lock(m_mutex);
            m_description = description;
        }
        QMetaObject::invokeMethod(this, [this] { Q_EMIT modelOpened(); }, Qt::QueuedConnection);
        return description;
    });
}

static core::engine::JobCallbacks busCallbacks(const std::shared_ptr<core::telemetry::Bus> &bus, std::stop_token stop)
{
    core::engine::JobCallbacks cb;
    cb.progress = [bus](const types::JobProgress &p) { bus->publishProgress(p); };
    cb.message = [bus](const std::string &m) { bus->publishMessage(m); };
    cb.stop = std::move(stop);
    return cb;
}

bool EngineBridge::runPtq(const core::engine::QuantRecipe &recipe, int64_t calibrationImages)
{
    if (!m_session)
        return false;
    return start(tr("PTQ"), [this, recipe, calibrationImages](std::stop_token stop) {
        const auto device = core::selectDevice("auto");
        m_session->applyRecipe(recipe);
        const auto cb = busCallbacks(m_bus, stop);
        const auto r = core::engine::runPtq(*m_session, trainSet(), testSet(), device.device, calibrationImages, cb);
        core::engine::TelemetryProbe probe(*m_session, testSet(), device.device, m_bus);
        probe.publish(0);
        refreshLayerViews();
        return tr("PTQ: FP32 top-1 %1%, quantized %2%").arg(100 * r.fp32.top1, 0, 'f', 2).arg(100 * r.quantized.top1, 0, 'f', 2);
    });
}

bool EngineBridge::runQat(const core::engine::QuantRecipe &recipe, const core::engine::QatOptions &options)
{
    if (!m_session)
        return false;
    return start(tr("QAT"), [this, recipe, options](std::stop_token stop) {
        const auto device = core::selectDevice("auto");
        m_session->applyRecipe(recipe);
        refreshLayerViews();
        const auto cb = busCallbacks(m_bus, stop);
        const auto r = core::engine::runQat(*m_session, trainSet(), testSet(), device.device, options, cb, m_bus);
        refreshLayerViews();
        return tr("QAT: FP32 top-1 %1%, quantized %2%%3")
            .arg(100 * r.eval.fp32.top1, 0, 'f', 2)
            .arg(100 * r.eval.quantized.top1, 0, 'f', 2)
            .arg(r.train.cancelled ? tr(" (stopped)") : QString());
    });
}

bool EngineBridge::runErrors(int64_t samples)
{
    if (!m_session)
        return false;
    return start(tr("Error accumulation"), [this, samples](std::stop_token stop) {
        const auto device = core::selectDevice("auto");
        auto acc = core::engine::errorAccumulation(*m_session, testSet(), device.device, samples, busCallbacks(m_bus, stop));
        acc.label = m_session->config().size() > 1 ? m_session->config()[1].weight.label() : std::string("quantized");
        {
            std::lock_guard lock(m_mutex);
            m_errors = std::make_shared<const types::ErrorAccumulation>(std::move(acc));
        }
        QMetaObject::invokeMethod(this, [this] { Q_EMIT errorsReady(); }, Qt::QueuedConnection);
        return tr("Error accumulation done");
    });
}

bool EngineBridge::runSensitivity(int64_t samples)
{
    if (!m_session)
        return false;
    return start(tr("Sensitivity"), [this, samples](std::stop_token stop) {
        const auto device = core::selectDevice("auto");
        const auto rows = core::engine::sensitivity(*m_session, testSet(), device.device, samples, busCallbacks(m_bus, stop));
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
    if (!m_session)
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
    if (!m_session)
        return false;
    return start(tr("Save session"), [this, path](std::stop_token) {
        m_session->save(path.toStdString());
        return tr("Session saved to %1").arg(path);
    });
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
