#include "core/engine/workbench.h"

#include "core/common/device.h"
#include "core/common/error.h"
#include "core/common/json_io.h"
#include "core/data/loaders.h"
#include "core/data/transforms.h"
#include "core/engine/jobs.h"
#include "core/engine/mixed.h"
#include "core/engine/model_io.h"
#include "core/engine/session.h"
#include "core/export/exporter.h"
#include "core/models/weights.h"
#ifdef QL_HAVE_ONNX
#include "core/onnx/onnx_io.h"
#include "core/onnx/onnx_model.h"
#endif
#include "core/quant/multipoint.h"
#include "core/quant/pot.h"
#include "core/telemetry/bus.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

namespace ql::core::engine {
namespace fs = std::filesystem;

struct Workbench::Impl {
    std::shared_ptr<telemetry::Bus> bus;
    DeviceInfo device = selectDevice("auto");
    std::unique_ptr<Session> session;
    std::optional<data::Dataset> train, test;
    std::string dataName;
    std::string source; ///< the file the model or session came from
    std::function<Session()> reopen; ///< a fresh copy of the model as it was opened
    bool trustTorchScript = false;
    MixedCache mixed; ///< what mixed precision measured on this session
    std::shared_ptr<const types::MixedResult> mixedResult; ///< the last search's
    uint64_t mixedFingerprint = 0; ///< of the weights mixedResult was measured on

    /// A new model: nothing measured holds.
    void forgetMixed()
    {
        mixed.clear();
        mixedResult.reset();
    }
    MixedData mixedData() const { return {&trainSet(), &testSet(), device.device}; }

    Session &s()
    {
        if (!session)
            throw Error("No model is open.", "Open a model or a session first.");
        return *session;
    }
    const data::Dataset &trainSet() const
    {
        if (!train)
            throw Error("No data set is open.", "Open a data set first (fashion-mnist, mnist or a folder).");
        return *train;
    }
    const data::Dataset &testSet() const
    {
        if (!test)
            throw Error("No data set is open.", "Open a data set first (fashion-mnist, mnist or a folder).");
        return *test;
    }
};

namespace {

std::string shapeText(const std::vector<int64_t> &s)
{
    std::string out;
    for (size_t i = 0; i < s.size(); ++i)
        out += (i ? "×" : "") + std::to_string(s[i]);
    return out;
}

/// Throws a ql::core::Error that says why `model` cannot run on `data`: the images do not
/// go through (channels, size) or the class counts differ. One forward pass of one image.
void checkFits(models::QuantModelImpl &model, const data::Dataset &data, c10::Device device, const std::string &what)
{
    if (data.empty())
        throw Error("The data set '" + data.name() + "' is empty.", "Open a data set with images.");
    const std::vector<int64_t> imageShape{data.channels(), data.height(), data.width()};
    // An imported graph sets up its preprocessing for these images (or says why it cannot).
    model.adaptToData(data.normalization(), imageShape, data.numClasses());
    const auto &expected = model.defaultInputShape();
    if (!expected.empty() && expected[0] != data.channels())
        throw Error(what + " takes " + std::to_string(expected[0]) + "-channel images, but '" + data.name() + "' has " +
                        std::to_string(data.channels()) + "-channel images (" + shapeText(imageShape) + ").",
                    "Open a data set with " + std::to_string(expected[0]) +
                        "-channel images, or a model built for this data.");
    torch::Tensor logits;
    try {
        torch::NoGradGuard noGrad;
        const models::ModeGuard modes(model);
        model.setMode(models::LayerMode::Fp32);
        model.eval();
        const auto x = data::normalize(data.images(torch::arange(1, torch::kLong)), data.normalization());
        logits = model.forward(x.to(device));
    } catch (const c10::Error &e) {
        throw Error(what + " cannot take the images of '" + data.name() + "' (" + shapeText(imageShape) +
                        "): " + e.what_without_backtrace(),
                    "Open a model built for this image size and channel count (it expects " + shapeText(expected) +
                        ").");
    }
    if (model.judgedByAgreement())
        return; // judged against its own FP32 output, not the labels
    if (logits.dim() != 2 || logits.size(1) != data.numClasses())
        throw Error(what + " has " + std::to_string(logits.dim() == 2 ? logits.size(1) : 0) + " outputs but '" +
                        data.name() + "' has " + std::to_string(data.numClasses()) + " classes.",
                    "Open a model trained on this data set, or a data set with the model's classes.");
}

/// The model description beside a model file, if any.
std::optional<ModelMeta> peekMeta(const fs::path &path)
{
    std::error_code ec;
    const fs::path metaPath = metaPathFor(path);
    if (!fs::is_regular_file(metaPath, ec))
        return std::nullopt;
    return ModelMeta::fromJson(readTextFile(metaPath, "Model description"), metaPath.string());
}

std::string bitsLabel(const types::LayerQuantConfig &l)
{
    return types::methodName(l.weight.method) + "/" + types::methodName(l.act.method) + " W" +
           std::to_string(l.weight.bits) + "A" + std::to_string(l.act.bits);
}

} // namespace

void seedEverything(uint64_t seed) { torch::manual_seed(seed); }

Workbench::Workbench(std::shared_ptr<telemetry::Bus> bus) : d(std::make_unique<Impl>())
{
    d->bus = bus ? std::move(bus) : std::make_shared<telemetry::Bus>();
}

Workbench::~Workbench() = default;

void Workbench::setDevice(const std::string &request)
{
    d->device = selectDevice(request);
    if (d->session)
        d->session->model()->to(d->device.device);
}

std::string Workbench::deviceName() const { return d->device.name; }

std::shared_ptr<telemetry::Bus> Workbench::bus() const { return d->bus; }

Session &Workbench::session() { return d->s(); }

void Workbench::setTrustTorchScript(bool trust) { d->trustTorchScript = trust; }
bool Workbench::trustTorchScript() const { return d->trustTorchScript; }

bool Workbench::needsTrust(const std::string &path)
{
    if (fs::path(path).extension() != ".qls")
        return models::isTorchScriptArchive(path);
    try {
        const auto session = parseSessionFile(readTextFile(path, "Session"), path);
        return models::isTorchScriptArchive(fs::path(path).parent_path() / session.weights);
    } catch (const std::exception &) {
        return false; // opening it reports what is wrong
    }
}

bool Workbench::hasModel() const { return d->session != nullptr; }
bool Workbench::hasData() const { return d->train.has_value(); }

// ---------------------------------------------------------------- opening

types::DataInfo Workbench::dataInfo() const
{
    types::DataInfo info;
    if (!d->test)
        return info;
    info.name = d->dataName;
    info.trainCount = d->train->size();
    info.testCount = d->test->size();
    info.classes = d->test->numClasses();
    info.imageShape = {d->test->channels(), d->test->height(), d->test->width()};
    std::set<std::string> seen; // a held-out split shares its folder's list
    for (const auto *set : {&*d->train, &*d->test})
        for (const auto &f : set->skippedFiles())
            if (seen.insert(f.path).second)
                info.skipped.push_back(f.path + ": " + f.reason);
    return info;
}

types::DataInfo Workbench::openData(const std::string &nameOrPath)
{
    auto [train, test] = data::openDatasetSplits(nameOrPath);
    if (d->session) {
        checkFits(*d->session->model(), test, d->device.device, "The model '" + d->session->meta().arch + "'");
        d->session->setDataset(nameOrPath);
    }
    d->train = std::move(train);
    d->test = std::move(test);
    d->dataName = nameOrPath;
    return dataInfo();
}

void Workbench::openModel(const std::string &path, const std::string &arch, const types::QuantRecipe &recipe,
                          const types::Preprocessing &preprocessing, const std::string &activation)
{
    types::validateRecipe(recipe);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw Error("Model file '" + path + "' does not exist.", "Check the path.");
    std::string dataset;
    if (isOnnxPath(path)) {
#ifdef QL_HAVE_ONNX
        dataset = onnx::preprocessingFor(path, preprocessing).dataset;
#endif
    } else if (const auto meta = peekMeta(path)) {
        dataset = meta->dataset;
    }
    if (!hasData())
        openData(!dataset.empty() ? dataset : std::string("fashion-mnist"));
    models::ZooOptions zo;
    if (!activation.empty())
        zo.activation = models::activationFromName(activation);
    auto open = [path, arch, recipe, preprocessing, zo, data = d->dataName, trust = d->trustTorchScript] {
        return Session(loadModel(path, arch, zo, trust, preprocessing), data, recipe);
    };
    auto session = std::make_unique<Session>(open());
    session->model()->to(d->device.device);
    checkFits(*session->model(), *d->test, d->device.device, "The model '" + path + "'");
    d->session = std::move(session);
    d->source = path;
    d->reopen = open;
    d->bus->clear();
    d->forgetMixed();
}

void Workbench::openSession(const std::string &path)
{
    auto open = [path, trust = d->trustTorchScript] { return Session::load(path, trust); };
    auto session = std::make_unique<Session>(open());
    if (!hasData())
        openData(session->dataset().empty() ? std::string("fashion-mnist") : session->dataset());
    session->model()->to(d->device.device);
    checkFits(*session->model(), *d->test, d->device.device, "The session '" + path + "'");
    session->setDataset(d->dataName);
    d->session = std::move(session);
    d->source = path;
    d->reopen = open;
    d->bus->clear();
    d->forgetMixed();
    restoreMixedResult(path);
}

std::vector<types::ZooArchitecture> Workbench::zoo()
{
    std::vector<types::ZooArchitecture> out;
    for (const auto &name : models::zooNames()) {
        const auto m = models::createModel(name);
        out.push_back({name, m->defaultInputShape(), m->numClasses(), false});
    }
    return out;
}

types::ModelFileInfo Workbench::inspectModelFile(const std::string &path)
{
    types::ModelFileInfo info;
    info.path = path;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw Error("Model file '" + path + "' does not exist.", "Check the path.");
    info.zoo = zoo();
    const std::string ext = fs::path(path).extension().string();
    if (ext == ".qls") {
        info.format = "session";
        info.described = true;
        return info;
    }
    if (ext == ".onnx") {
        info.format = "ONNX";
        info.described = true;
        return info;
    }
    info.described = fs::is_regular_file(metaPathFor(path), ec);
    if (models::detectWeightFormat(path) == models::WeightFormat::TorchScript) {
        info.format = "TorchScript";
        return info;
    }
    info.format = "state dict";
    const auto tensors = models::readStateDict(path);
    const auto shape = models::inferShape(tensors);
    info.inChannels = shape.inChannels;
    info.numClasses = shape.numClasses;
    for (auto &a : info.zoo) {
        models::ZooOptions zo;
        zo.inChannels = shape.inChannels;
        zo.numClasses = shape.numClasses;
        try {
            auto m = models::createModel(a.name, zo);
            a.matches = models::applyStateDict(*m, tensors, path, /*strict=*/false).complete();
        } catch (const Error &) {
            a.matches = false;
        }
        if (a.matches && info.suggestedArch.empty())
            info.suggestedArch = a.name;
    }
    return info;
}

void Workbench::newModel(const std::string &arch, const std::string &activation)
{
    const auto &train = d->trainSet();
    models::ZooOptions zo;
    zo.inChannels = train.channels();
    zo.numClasses = train.numClasses();
    zo.activation = models::activationFromName(activation);
    LoadedModel m;
    m.model = models::createModel(arch, zo);
    m.meta.arch = arch;
    m.meta.activation = models::activationName(zo.activation);
    m.meta.inChannels = zo.inChannels;
    m.meta.numClasses = zo.numClasses;
    m.meta.dataset = d->dataName;
    types::QuantRecipe fp32;
    fp32.weightMethod = types::Method::None;
    fp32.actMethod = types::Method::None;
    d->session = std::make_unique<Session>(std::move(m), d->dataName, fp32);
    d->session->model()->to(d->device.device);
    d->source.clear();
    d->reopen = nullptr;
    d->forgetMixed();
}

types::ModelSummary Workbench::summary() const
{
    types::ModelSummary s;
    if (!d->session)
        return s;
    s.arch = d->session->meta().arch;
    s.activation = d->session->meta().activation;
    s.parameters = d->session->model()->parameterCount();
    s.numClasses = d->session->model()->numClasses();
    s.inputShape = d->session->model()->defaultInputShape();
    s.agreement = d->session->model()->judgedByAgreement();
    s.source = d->source;
    s.data = d->dataName;
    return s;
}

// ---------------------------------------------------------------- configuration

std::vector<types::LayerInfo> Workbench::layers()
{
    auto model = d->s().model();
    std::vector<int64_t> shape;
    if (d->test)
        shape = {d->test->channels(), d->test->height(), d->test->width()};
    const auto infos = model->layerInfos(shape);
    std::vector<std::string> names;
    for (const auto &i : infos)
        names.push_back(i.name);
    const auto blocks = layerBlocks(names, model->blockNames());
    std::vector<types::LayerInfo> out;
    for (size_t i = 0; i < infos.size(); ++i) {
        types::LayerInfo l;
        l.name = infos[i].name;
        l.type = models::layerKindName(infos[i].kind);
        l.weightShape = infos[i].weightShape;
        l.parameters = infos[i].parameters;
        l.macs = infos[i].macs;
        l.block = blocks[i];
        out.push_back(std::move(l));
    }
    // Multipoint layers store the codes of every point: the model size counts them.
    const auto quantLayers = model->quantLayers();
    for (size_t i = 0; i < out.size() && i < quantLayers.size(); ++i) {
        const auto &q = quantLayers[i]->weightQuantizer();
        if (!q || quantLayers[i]->mode() != models::LayerMode::FakeQuant)
            continue;
        if (const auto *mp = dynamic_cast<const quant::MultipointQuantizerImpl *>(q.get())) {
            int64_t extra = 0;
            for (int p : mp->result().points)
                extra += p - 1;
            out[i].extraWeightCodes = extra * quantLayers[i]->weight[0].numel();
        }
    }
    return out;
}

const std::vector<types::LayerQuantConfig> &Workbench::config() const
{
    if (!d->session)
        throw Error("No model is open.", "Open a model or a session first.");
    return d->session->config();
}

const types::LayerQuantConfig &Workbench::layerConfig(const std::string &layer) const
{
    if (!d->session)
        throw Error("No model is open.", "Open a model or a session first.");
    return d->session->layerConfig(layer);
}

void Workbench::applyRecipe(const types::QuantRecipe &recipe)
{
    types::validateRecipe(recipe);
    d->s().applyRecipe(recipe);
}

int Workbench::applyConfigFile(const std::string &path) { return d->s().applyConfigFile(path); }

void Workbench::setLayerConfig(const types::LayerQuantConfig &config) { d->s().setLayerConfig(config); }

bool Workbench::calibrated() const
{
    if (!d->session)
        return false;
    const auto layers = d->session->model()->quantLayers();
    const auto &config = d->session->config();
    for (size_t i = 0; i < layers.size() && i < config.size(); ++i) {
        const auto &c = config[i];
        if (!c.enabled)
            continue;
        const auto &l = *layers[i];
        auto ready = [](const quant::Quantizer &q, const types::QuantSpec &spec) {
            if (spec.method == types::Method::None)
                return q == nullptr;
            return q && q->initialized() && q->spec() == spec;
        };
        if (!ready(l.weightQuantizer(), c.weight) || !ready(l.inputQuantizer(), c.act))
            return false;
        if ((c.weight.method != types::Method::None || c.act.method != types::Method::None) &&
            l.mode() != models::LayerMode::FakeQuant)
            return false;
    }
    return true;
}

// ---------------------------------------------------------------- jobs

void Workbench::calibrate(int64_t images, const JobCallbacks &cb)
{
    auto &s = d->s();
    s.buildQuantizers();
    engine::calibrate(s, data::calibrationSubset(d->trainSet(), images, /*seed=*/0), d->device.device, cb);
}

types::QuantEval Workbench::ptq(int64_t calibrationImages, const types::EvalOptions &eval, const JobCallbacks &cb)
{
    return runPtq(d->s(), d->trainSet(), d->testSet(), d->device.device, calibrationImages, cb, eval);
}

namespace {

/// Training needs the labels: a model judged by agreement with its own output has none to learn.
void requireLabels(const Session &s, const std::string &job)
{
    if (s.model()->judgedByAgreement())
        throw Error(job + " needs a model whose output has one logit per class of the data; '" + s.meta().arch + "' (" +
                        s.meta().activation + ") is judged by agreement with its own FP32 output.",
                    "PTQ, what-if, sensitivity and error accumulation work on it; for " + job +
                        " open a classifier with the data's classes.");
}

} // namespace

types::QatResult Workbench::qat(const types::QatOptions &options, const JobCallbacks &cb, bool telemetry)
{
    requireLabels(d->s(), "QAT");
    return runQat(d->s(), d->trainSet(), d->testSet(), d->device.device, options, cb,
                  telemetry ? d->bus : std::shared_ptr<telemetry::Bus>());
}

types::TrainResult Workbench::train(const types::TrainOptions &options, const JobCallbacks &cb)
{
    requireLabels(d->s(), "Training");
    return engine::train(*d->s().model(), d->trainSet(), d->testSet(), d->device.device, options, cb);
}

types::EvalResult Workbench::evaluate(DataSplit split, const types::EvalOptions &options, const JobCallbacks &cb)
{
    const auto &set = split == DataSplit::Train ? d->trainSet() : d->testSet();
    return engine::evaluate(*d->s().model(), set, d->device.device, options, cb);
}

types::QuantEval Workbench::evaluateBoth(const types::EvalOptions &options, const JobCallbacks &cb)
{
    return evaluateFp32AndQuantized(d->s(), d->testSet(), d->device.device, options, cb);
}

types::ErrorAccumulation Workbench::errors(int64_t samples, const JobCallbacks &cb)
{
    auto acc = errorAccumulation(d->s(), d->testSet(), d->device.device, samples, cb);
    acc.label = configLabel();
    return acc;
}

std::vector<types::SensitivityRow> Workbench::sensitivity(int64_t samples, const JobCallbacks &cb)
{
    return engine::sensitivity(d->s(), d->testSet(), d->device.device, samples, cb);
}

types::WhatIfResult Workbench::whatIf(const types::LayerQuantConfig &change, int64_t samples)
{
    return engine::whatIf(d->s(), change, d->testSet(), d->device.device, samples);
}

types::Comparison Workbench::compare(const types::QuantRecipe &other, int64_t calibrationImages, int64_t samples,
                                     const JobCallbacks &cb)
{
    auto &a = d->s();
    if (!d->reopen)
        throw Error("This model was not opened from a file, so there is no second copy to compare with.",
                    "Save it and open the file, then compare.");
    types::validateRecipe(other);
    const auto layers = a.model()->quantLayers();
    const bool quantized = std::any_of(layers.begin(), layers.end(),
                                       [](const auto &l) { return l->mode() == models::LayerMode::FakeQuant; });
    if (!quantized)
        throw Error("The model is not quantized yet, so there is nothing to compare with.",
                    "Run PTQ or QAT first; Compare then quantizes a second copy with the chosen setup.");
    types::Comparison out;
    auto snapshots = [&](Session &s) {
        auto bus = std::make_shared<telemetry::Bus>();
        TelemetryProbe probe(s, d->testSet(), d->device.device, bus);
        probe.publish(0);
        return bus->latest();
    };
    auto accA = errorAccumulation(a, d->testSet(), d->device.device, samples, cb);
    accA.label = configLabel();
    out.a = snapshots(a);
    out.labelA = accA.label;
    out.errorsA = std::make_shared<const types::ErrorAccumulation>(std::move(accA));
    if (cb.stopRequested())
        return out;

    Session b = d->reopen();
    b.model()->to(d->device.device);
    checkFits(*b.model(), d->testSet(), d->device.device, "The second copy of the model");
    b.applyRecipe(other);
    b.buildQuantizers();
    engine::calibrate(b, data::calibrationSubset(d->trainSet(), calibrationImages, 0), d->device.device, cb);
    auto accB = errorAccumulation(b, d->testSet(), d->device.device, samples, cb);
    accB.label = recipeLabel(other) + " (PTQ)";
    out.b = snapshots(b);
    out.labelB = accB.label;
    out.errorsB = std::make_shared<const types::ErrorAccumulation>(std::move(accB));
    return out;
}

types::Predictions Workbench::predictFiles(const std::vector<std::string> &files)
{
    auto model = d->s().model();
    const std::vector<fs::path> paths(files.begin(), files.end());
    auto batch = loadImageFiles(paths, model->defaultInputShape());
    types::Predictions out;
    if (d->test) {
        batch = data::normalize(batch, d->test->normalization());
        out.classNames = d->test->classNames();
    }
    torch::NoGradGuard noGrad;
    const models::ModeGuard modes(*model);
    model->eval();
    // Outputs of any shape (detectors, segmentation) come as one row per input.
    const auto logits =
        model->forward(batch.to(d->device.device)).to(torch::kCPU, torch::kFloat).flatten(1).contiguous();
    out.inputs = files;
    const auto acc = logits.accessor<float, 2>();
    for (int64_t i = 0; i < logits.size(0); ++i)
        out.logits.emplace_back(acc[i].data(), acc[i].data() + logits.size(1));
    return out;
}

types::Predictions Workbench::predictData(int64_t count)
{
    const auto &test = d->testSet();
    const auto logits =
        predictLogits(*d->s().model(), test, d->device.device, count).to(torch::kFloat).flatten(1).contiguous();
    types::Predictions out;
    out.classNames = test.classNames();
    const auto acc = logits.accessor<float, 2>();
    for (int64_t i = 0; i < logits.size(0); ++i) {
        out.inputs.push_back(test.name() + ":test:" + std::to_string(i));
        out.logits.emplace_back(acc[i].data(), acc[i].data() + logits.size(1));
    }
    return out;
}

// ---------------------------------------------------------------- results

void Workbench::publishSnapshot(int64_t probeImages)
{
    TelemetryProbe probe(d->s(), d->testSet(), d->device.device, d->bus, probeImages);
    probe.publish(0);
}

std::map<std::string, std::shared_ptr<const types::LayerSnapshot>> Workbench::snapshot(int64_t probeImages)
{
    auto bus = std::make_shared<telemetry::Bus>();
    TelemetryProbe probe(d->s(), d->testSet(), d->device.device, bus, probeImages);
    probe.publish(0);
    return bus->latest();
}

std::vector<types::MultipointMap> Workbench::multipointMaps() const
{
    std::vector<types::MultipointMap> out;
    if (!d->session)
        return out;
    for (const auto &l : d->session->model()->quantLayers()) {
        const auto &wq = l->weightQuantizer();
        if (!wq || l->mode() != models::LayerMode::FakeQuant)
            continue;
        if (auto m = wq->multipointSummary()) {
            m->layer = l->layerName();
            out.push_back(std::move(*m));
        }
    }
    return out;
}

std::string Workbench::configLabel() const
{
    if (!d->session || d->session->config().empty())
        return "quantized";
    const auto &c = d->session->config();
    return bitsLabel(c[c.size() > 2 ? 1 : 0]);
}

std::string Workbench::recipeLabel(const types::QuantRecipe &r)
{
    return types::methodName(r.weightMethod) + "/" + types::methodName(r.actMethod) + " W" +
           std::to_string(r.weightBits) + "A" + std::to_string(r.actBits);
}

types::LevelSets Workbench::levelSets(int bits, types::PotVariant variant)
{
    types::LevelSets out;
    out.bits = bits;
    out.variant = variant;
    auto tryLevels = [](const std::function<std::vector<double>()> &f) {
        try {
            return f();
        } catch (const Error &) {
            return std::vector<double>{}; // the method defines no set at this bit-width
        }
    };
    // The signed grid the uniform quantizers use (LSQ, range setters): 2^b codes -2^(b-1)..2^(b-1)-1,
    // normalised so that the most negative level is -1 (the clipping threshold alpha = 2^(b-1) s).
    out.uniform = tryLevels([&] {
        const auto r = types::intRange(bits, /*isSigned=*/true);
        std::vector<double> levels;
        if (bits > 16)
            return levels;
        for (int64_t k = r.lo; k <= r.hi; ++k)
            levels.push_back(double(k) / double(-r.lo));
        return levels;
    });
    out.pot = tryLevels([&] { return quant::levelSet(quant::potMagnitudes(bits, variant), true); });
    out.post = tryLevels([&] { return quant::levelSet(quant::postMagnitudes(bits, variant), true); });
    out.apot = tryLevels([&] { return quant::levelSet(quant::apotMagnitudes(bits, true), true); });
    return out;
}

// ---------------------------------------------------------------- export

namespace {

void requireExportable(const Workbench &wb)
{
    if (!wb.hasModel())
        throw Error("No model is open.", "Open a model or a session first.");
    if (!wb.calibrated())
        throw Error("The model's quantizers have not been set up for its configuration yet, so there is nothing to "
                    "export.",
                    "Run PTQ or QAT first, or open a saved session.");
}

} // namespace

std::vector<types::LayerDeployment> Workbench::exportPreview(const types::ExportOptions &options)
{
    requireExportable(*this);
    return exporting::previewExport(*d->s().model(), options);
}

types::ExportResult Workbench::exportModel(const types::ExportOptions &options, const JobCallbacks &cb)
{
    requireExportable(*this);
    auto &s = d->s();
    const auto &test = d->testSet();
    if (options.images <= 0)
        throw Error("Export: --images must be positive, got " + std::to_string(options.images) + ".");
    exporting::ExportRequest r;
    r.model = s.model().get();
    r.contract.mean = test.normalization().mean;
    r.contract.std = test.normalization().std;
    r.contract.dataset = d->dataName;
    r.contract.classNames = test.classNames();
    r.contract.source = d->source;
    r.layers = layers();
    r.configs = s.config();
    r.message = cb.message;
    r.stopRequested = [&cb] { return cb.stopRequested(); };
    const int64_t n = std::min<int64_t>(options.images, test.size());
    if (options.verify) {
        const auto idx = torch::arange(n, torch::kLong);
        r.images = data::normalize(test.images(idx), test.normalization()).contiguous();
        r.labels = test.labels(idx);
    }
    exporting::ReportData report;
    if (options.format == types::ExportFormat::Report) {
        report.arch = s.meta().arch;
        report.contract = r.contract;
        report.statisticsImages = n;
        types::EvalOptions eo;
        eo.maxSamples = n;
        report.accuracy = evaluateBoth(eo, cb);
        const auto stats = snapshot(std::min<int64_t>(n, kSnapshotImages));
        const auto sens = sensitivity(n, cb);
        types::ExportOptions planOnly;
        planOnly.format = types::ExportFormat::Report;
        const auto deploy = exportPreview(planOnly);
        for (size_t i = 0; i < r.layers.size(); ++i) {
            exporting::ReportLayer l;
            l.info = r.layers[i];
            l.config = r.configs[i];
            for (const auto &dpl : deploy)
                if (dpl.layer == l.info.name)
                    l.deployment = dpl;
            if (const auto it = stats.find(l.info.name); it != stats.end())
                l.stats = it->second;
            for (const auto &row : sens)
                if (row.layer == l.info.name)
                    l.sensitivity = row;
            report.layers.push_back(std::move(l));
        }
        r.report = &report;
    }
    return exporting::exportModel(r, options);
}

// ---------------------------------------------------------------- saving

void Workbench::save(const std::string &path, const std::string &resultsJson) const
{
    if (!d->session)
        throw Error("No model is open.", "Open a model or a session first.");
    nlohmann::json results = resultsJson.empty() ? nlohmann::json() : nlohmann::json::parse(resultsJson);
    if (const auto mixed = mixedResult();
        mixed && (results.is_null() || results.is_object()) && !results.contains("mixed"))
        results["mixed"] = nlohmann::json::parse(types::mixedResultToJson(*mixed));
    if (results.is_null()) {
        d->session->save(path);
        return;
    }
    d->session->save(path, &results);
}

void Workbench::saveModel(const std::string &path, const std::string &dataName, double top1,
                          const std::string &command) const
{
    if (!d->session)
        throw Error("No model is open.", "Open a model or a session first.");
    ModelMeta meta = d->session->meta();
    if (meta.arch == kOnnxArch) {
#ifdef QL_HAVE_ONNX
        if (!isOnnxPath(path))
            throw Error("'" + path + "': an imported ONNX model is saved as an ONNX file.",
                        "Give a path ending in .onnx.");
        const auto &model = static_cast<const onnx::OnnxModelImpl &>(*d->session->model());
        onnx::writeModel(model.currentGraph(), path);
#endif
        (void)dataName;
        (void)top1;
        (void)command;
        return;
    }
    meta.dataset = dataName;
    meta.top1 = top1;
    meta.command = command;
    engine::saveModel(path, *d->session->model(), meta);
}

// ---------------------------------------------------------------- mixed precision

types::MixedResult Workbench::mixedPrecision(const types::MixedOptions &options, const JobCallbacks &cb,
                                             std::function<void(const types::MixedPoint &)> onPoint)
{
    auto &s = d->s();
    auto result = runMixedPrecision(s, d->mixed, d->mixedData(), options, cb, onPoint);
    d->mixedResult = std::make_shared<const types::MixedResult>(result);
    d->mixedFingerprint = modelFingerprint(*s.model());
    return result;
}

types::MixedPoint Workbench::solveBudget(const types::MixedOptions &options, double budget)
{
    return solveMixedBudget(d->s(), d->mixed, d->mixedData(), options, budget);
}

types::MixedPoint Workbench::measureBits(const std::vector<types::LayerBits> &bits, const types::MixedOptions &options,
                                         const JobCallbacks &cb)
{
    return measureMixedBits(d->s(), d->mixed, d->mixedData(), options, bits, cb);
}

void Workbench::applyBits(const std::vector<types::LayerBits> &bits)
{
    // The quantizers the last search measured: the same calibration.
    const auto last = mixedResult();
    applyMixedBits(d->s(), d->mixed, d->mixedData(), last ? last->options : types::MixedOptions{}, bits);
}

void Workbench::checkMixedOptions(const types::MixedOptions &options)
{
    engine::checkMixedOptions(d->s(), d->mixedData(), options);
}

std::shared_ptr<const types::MixedResult> Workbench::mixedResult() const
{
    if (!d->session || !d->mixedResult || modelFingerprint(*d->session->model()) != d->mixedFingerprint)
        return nullptr;
    return d->mixedResult;
}

int64_t Workbench::mixedEvaluations() const { return d->mixed.evaluations(); }

void Workbench::restoreMixedResult(const std::string &sessionPath)
{
    // A stored result that does not read is left out: the session itself opened fine.
    try {
        std::ifstream in(sessionPath);
        const auto j = nlohmann::json::parse(in);
        if (!j.contains("results") || !j["results"].is_object() || !j["results"].contains("mixed"))
            return;
        d->mixedResult = std::make_shared<const types::MixedResult>(
            types::mixedResultFromJson(j["results"]["mixed"].dump(), sessionPath));
        d->mixedFingerprint = modelFingerprint(*d->s().model());
    } catch (const std::exception &) {
        d->mixedResult.reset();
    }
}

} // namespace ql::core::engine
