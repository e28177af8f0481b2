#include "core/engine/jobs.h"

#include "core/common/error.h"
#include "core/data/dataloader.h"
#include "core/data/transforms.h"
#include "core/telemetry/stats.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <tuple>

namespace ql::core::engine {
namespace {

using models::LayerMode;
using models::QuantLayerImpl;

/// The first `n` images of `data`, normalised, as one batch on `device`.
torch::Tensor firstImages(const data::Dataset &data, int64_t n, c10::Device device)
{
    n = std::min(n, data.size());
    if (n <= 0)
        throw Error("The data set '" + data.name() + "' is empty.");
    const auto idx = torch::arange(n, torch::kLong);
    return data::normalize(data.images(idx), data.normalization()).to(device);
}

/// Removes every layer's forward observer when it goes out of scope.
class ObserverScope {
public:
    explicit ObserverScope(std::vector<std::shared_ptr<QuantLayerImpl>> layers) : m_layers(std::move(layers)) { }
    ~ObserverScope()
    {
        try {
            for (const auto &l : m_layers)
                l->setForwardObserver(nullptr);
        } catch (...) {
            // A destructor never throws: it may run while another exception unwinds.
        }
    }

private:
    std::vector<std::shared_ptr<QuantLayerImpl>> m_layers;
};

/// im2col rows of a convolution input (at most `maxRows`), or the input rows of a linear layer.
torch::Tensor layerInputRows(const QuantLayerImpl &layer, const torch::Tensor &x, int64_t maxRows)
{
    torch::Tensor rows;
    if (layer.kind() == models::LayerKind::ConvTranspose2d)
        return {}; // an input element meets many weight rows: no im2col rows
    if (layer.kind() == models::LayerKind::Conv2d) {
        const auto &o = static_cast<const models::QuantConv2dImpl &>(layer).options();
        if (o.groups != 1)
            return {}; // grouped: rows do not span the whole weight row
        namespace F = torch::nn::functional;
        const auto k = o.kernelSize();
        const auto p = o.padding4();
        const auto padded = o.evenPadding() ? x : torch::constant_pad_nd(x, {p[1], p[3], p[0], p[2]});
        const std::vector<int64_t> pad =
            o.evenPadding() ? std::vector<int64_t>{p[0], p[1]} : std::vector<int64_t>{0, 0};
        rows = F::unfold(padded, F::UnfoldFuncOptions(k).padding(pad).stride(o.strides()).dilation(o.dilations()))
                   .transpose(1, 2)
                   .reshape({-1, x.size(1) * k[0] * k[1]});
    } else {
        rows = x.reshape({-1, x.size(-1)});
    }
    if (rows.size(0) > maxRows)
        rows = rows.index_select(
            0, torch::randperm(rows.size(0), torch::TensorOptions().dtype(torch::kLong).device(rows.device()))
                   .slice(0, 0, maxRows));
    return rows.to(torch::kDouble);
}

} // namespace

std::vector<int> layerBlocks(const std::vector<std::string> &layers, const std::vector<std::string> &blocks)
{
    std::vector<int> out;
    size_t current = 0;
    for (const auto &name : layers) {
        for (size_t b = current; b < blocks.size(); ++b) {
            const auto &bn = blocks[b];
            if (name == bn ||
                (name.size() > bn.size() && name.compare(0, bn.size(), bn) == 0 && name[bn.size()] == '.')) {
                current = b;
                break;
            }
        }
        out.push_back(static_cast<int>(current));
    }
    return out;
}

std::vector<std::vector<torch::Tensor>> captureLayerInputs(Session &session, const data::Dataset &data,
                                                           c10::Device device, const JobCallbacks &cb,
                                                           int64_t batchSize)
{
    auto model = session.model();
    model->to(device);
    const auto layers = model->quantLayers();
    std::vector<std::vector<torch::Tensor>> inputs(layers.size());
    models::ModeGuard modes(*session.model());
    session.setFp32(true);
    model->eval();
    ObserverScope observers(layers);
    for (size_t i = 0; i < layers.size(); ++i)
        layers[i]->setForwardObserver([&inputs, i](const QuantLayerImpl &, const torch::Tensor &x,
                                                   const torch::Tensor &) { inputs[i].push_back(x.detach()); });
    data::DataLoaderOptions lo;
    lo.batchSize = batchSize;
    lo.shuffle = false;
    data::DataLoader loader(data, lo);
    torch::NoGradGuard noGrad;
    Eta eta;
    int64_t n = 0;
    loader.startEpoch(0);
    while (auto b = loader.next()) {
        if (cb.stopRequested())
            return {};
        model->forward(b->images.to(device));
        reportProgress(cb, "calibrate", ++n, loader.batchesPerEpoch(), eta);
    }
    return inputs;
}

void initQuantizer(const QuantLayerImpl &layer, quant::QuantizerImpl &quantizer, quant::Role role,
                   const std::vector<torch::Tensor> &inputs)
{
    torch::NoGradGuard noGrad;
    try {
        if (role == quant::Role::Activation) {
            quantizer.init(inputs);
            return;
        }
        std::vector<torch::Tensor> calib{layer.weight.detach()};
        if (quantizer.spec().method == quant::Method::Multipoint)
            for (const auto &x : inputs)
                if (auto rows = layerInputRows(layer, x, 2048); rows.defined())
                    calib.push_back(rows);
        quantizer.init(calib);
    } catch (const Error &e) {
        throw Error("Calibrating layer '" + layer.layerName() + "': " + e.what(), e.hint());
    }
}

void calibrate(Session &session, const data::Dataset &calibration, c10::Device device, const JobCallbacks &cb,
               int64_t batchSize)
{
    auto inputs = captureLayerInputs(session, calibration, device, cb, batchSize);
    if (inputs.empty())
        return; // stopped
    const auto layers = session.model()->quantLayers();
    torch::NoGradGuard noGrad;
    Eta searchEta;
    for (size_t i = 0; i < layers.size(); ++i) {
        if (cb.stopRequested())
            return;
        auto &layer = *layers[i];
        reportProgress(cb, "range search", int64_t(i), int64_t(layers.size()), searchEta);
        if (const auto &wq = layer.weightQuantizer())
            initQuantizer(layer, *wq, quant::Role::Weight, inputs[i]);
        if (const auto &aq = layer.inputQuantizer())
            initQuantizer(layer, *aq, quant::Role::Activation, inputs[i]);
        inputs[i].clear();
    }
    reportProgress(cb, "range search", int64_t(layers.size()), int64_t(layers.size()), searchEta);
    session.setFp32(false);
}

// ---------------------------------------------------------------- telemetry

/// Activation values per layer that a telemetry snapshot looks at.
constexpr int64_t kMaxActivationSamples = int64_t(1) << 18;

/// The first images of a batch, as many as keep it under `maxElements` values (at least one).
/// Statistics of a few hundred thousand values are as telling as those of millions and cost
/// a fraction of the time; whole images keep per-sample quantizers (ASQ) meaningful.
static torch::Tensor sampleBatch(const torch::Tensor &x, int64_t maxElements)
{
    if (x.dim() == 0 || x.numel() <= maxElements)
        return x;
    const int64_t perImage = std::max<int64_t>(1, x.numel() / x.size(0));
    return x.narrow(0, 0, std::max<int64_t>(1, maxElements / perImage));
}

bool TelemetrySchedule::due(double now) const { return m_count == 0 || m_last <= m_budget * (now - m_lastEnd); }

void TelemetrySchedule::published(double begin, double end)
{
    m_last = std::max(0.0, end - begin);
    m_lastEnd = end;
    m_total += m_last;
    ++m_count;
}

double TelemetrySchedule::overhead(double now) const
{
    const double total = now - m_start;
    return total > 0 ? m_total / total : 0;
}

TelemetryProbe::TelemetryProbe(Session &session, const data::Dataset &source, c10::Device device,
                               std::shared_ptr<telemetry::Bus> bus, int64_t probeImages, double budget)
    : m_session(session), m_probe(firstImages(source, probeImages, device)), m_device(device), m_bus(std::move(bus)),
      m_schedule(budget)
{
}

double TelemetryProbe::seconds() const { return std::chrono::duration<double>(jobNow() - m_origin).count(); }

double TelemetryProbe::overhead() const { return m_schedule.overhead(seconds()); }

void TelemetryProbe::publishIfDue(int64_t step)
{
    if (m_schedule.due(seconds()))
        publish(step);
}

void TelemetryProbe::publish(int64_t step)
{
    const double t0 = seconds();
    auto model = m_session.model();
    const auto layers = model->quantLayers();
    std::vector<torch::Tensor> inputs(layers.size());
    {
        const bool training = model->is_training();
        model->eval();
        ObserverScope observers(layers);
        for (size_t i = 0; i < layers.size(); ++i)
            layers[i]->setForwardObserver([&inputs, i](const QuantLayerImpl &, const torch::Tensor &x,
                                                       const torch::Tensor &) { inputs[i] = x.detach(); });
        torch::NoGradGuard noGrad;
        model->forward(m_probe);
        model->train(training);
    }
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < layers.size(); ++i) {
        auto &layer = *layers[i];
        auto snap = std::make_shared<types::LayerSnapshot>();
        snap->step = step;
        snap->layer = layer.layerName();
        const bool quantized = layer.mode() == LayerMode::FakeQuant;
        snap->weight = telemetry::tensorStats(layer.weight, quantized ? layer.weightQuantizer().get() : nullptr, true);
        if (inputs[i].defined()) {
            auto *aq = quantized ? layer.inputQuantizer().get() : nullptr;
            snap->activation = telemetry::tensorStats(sampleBatch(inputs[i], kMaxActivationSamples), aq, false);
            // Per-sample factors (ASQ's beta) of the probe batch, when the quantizer has them.
            if (aq) {
                const auto params = aq->quantParameters();
                if (auto it = params.find("beta"); it != params.end() && it->second.defined() && it->second.numel() > 0)
                    snap->asqBeta = telemetry::histogram(it->second, 32);
            }
        }
        m_bus->publishLayer(std::move(snap));
    }
    m_schedule.published(t0, seconds());
}

// ---------------------------------------------------------------- QAT / PTQ

/// Every learned quantizer parameter of the session, by (layer, tensor, parameter), copied.
struct LearnedParameter {
    std::string layer, tensor, parameter;
    torch::Tensor value;
};
static std::vector<LearnedParameter> learnedParameters(Session &session)
{
    std::vector<LearnedParameter> out;
    torch::NoGradGuard noGrad;
    for (const auto &l : session.model()->quantLayers()) {
        const std::pair<const char *, const quant::Quantizer *> tensors[] = {{"weight", &l->weightQuantizer()},
                                                                             {"activation", &l->inputQuantizer()}};
        for (const auto &[tensor, q] : tensors) {
            if (!*q)
                continue;
            for (const auto &p : (*q)->named_parameters(/*recurse=*/true)) {
                // ASQ's adapter weights are reported as one "adapter" entry (their norm).
                const bool adapter = p.key().rfind("adapter.", 0) == 0;
                if (adapter && !out.empty() && out.back().layer == l->layerName() &&
                    out.back().parameter == "adapter") {
                    out.back().value =
                        torch::cat({out.back().value, p.value().detach().flatten().to(torch::kCPU, torch::kDouble)});
                    continue;
                }
                out.push_back({l->layerName(), tensor, adapter ? "adapter" : p.key(),
                               p.value().detach().flatten().to(torch::kCPU, torch::kDouble).clone()});
            }
        }
    }
    return out;
}

static std::vector<types::ParamMovement> parameterMovement(const std::vector<LearnedParameter> &start,
                                                           const std::vector<LearnedParameter> &end)
{
    std::vector<types::ParamMovement> out;
    for (size_t i = 0; i < start.size() && i < end.size(); ++i) {
        const auto &a = start[i];
        const auto &b = end[i];
        if (a.layer != b.layer || a.parameter != b.parameter || a.value.numel() != b.value.numel())
            continue;
        types::ParamMovement m;
        m.layer = a.layer;
        m.tensor = a.tensor;
        m.parameter = a.parameter;
        if (a.parameter == "adapter") {
            m.start = a.value.norm().item<double>();
            m.end = b.value.norm().item<double>();
        } else {
            m.start = a.value.mean().item<double>();
            m.end = b.value.mean().item<double>();
        }
        const double base = a.value.norm().item<double>();
        m.relativeChange = (b.value - a.value).norm().item<double>() / std::max(base, 1e-30);
        out.push_back(std::move(m));
    }
    return out;
}

QuantEval evaluateFp32AndQuantized(Session &session, const data::Dataset &validation, c10::Device device,
                                   const EvalOptions &eo, const JobCallbacks &cb)
{
    QuantEval r;
    {
        models::ModeGuard modes(*session.model());
        session.setFp32(true);
        r.fp32 = evaluate(*session.model(), validation, device, eo, cb);
    }
    r.quantized = evaluate(*session.model(), validation, device, eo, cb);
    return r;
}

std::string chanceLevelVerdict(const TrainResult &train, int64_t classes)
{
    if (train.cancelled || train.epochs.empty() || classes < 2)
        return {};
    const auto &last = train.epochs.back();
    const bool validated = last.validation.count > 0;
    const double top1 = validated ? last.validation.top1 : last.trainTop1;
    const double chance = 1.0 / static_cast<double>(classes);
    if (top1 > kChanceMargin * chance)
        return {};
    char text[256];
    std::snprintf(text, sizeof text,
                  "the run diverged: its last epoch (%d) reached %s top-1 %.2f%%, the chance level of %lld classes "
                  "(%.2f%%)",
                  last.epoch, validated ? "validation" : "training", 100 * top1, static_cast<long long>(classes),
                  100 * chance);
    return text;
}

QatResult runQat(Session &session, const data::Dataset &trainSet, const data::Dataset &validation, c10::Device device,
                 const QatOptions &options, const JobCallbacks &cb, std::shared_ptr<telemetry::Bus> bus)
{
    // The quantizers' own random state (ASQ's adapters) is part of the run: same seed, same run.
    torch::manual_seed(options.train.seed);
    session.buildQuantizers();
    session.model()->to(device);
    if (cb.message)
        cb.message("initialising quantizers on " + std::to_string(options.calibrationImages) + " images");
    calibrate(session, data::calibrationSubset(trainSet, options.calibrationImages, options.train.seed), device, cb);
    if (cb.stopRequested())
        return {};

    QatResult result;
    const auto start = learnedParameters(session);
    {
        models::ModeGuard modes(*session.model());
        session.setFp32(true);
        JobCallbacks quiet;
        quiet.stop = cb.stop;
        EvalOptions eo;
        eo.maxSamples = options.train.validationSamples;
        result.eval.fp32 = evaluate(*session.model(), validation, device, eo, quiet);
    }
    std::unique_ptr<TelemetryProbe> probe;
    JobCallbacks trainCb = cb;
    StepHook hook;
    if (bus) {
        probe = std::make_unique<TelemetryProbe>(session, validation, device, bus, kTrainingProbeImages);
        probe->publish(0);
        hook = [&probe](int64_t step) { probe->publishIfDue(step); };
        trainCb.trainingPoint = [bus, outer = cb.trainingPoint](const types::TrainingPoint &p) {
            bus->publishTraining(p);
            if (outer)
                outer(p);
        };
    }
    TrainOptions to = options.train;
    to.jobName = "qat";
    // The curves' reference lines: the FP32 accuracy now, the validation accuracy after each epoch.
    if (trainCb.trainingPoint) {
        types::TrainingPoint reference;
        reference.loss = reference.accuracy = std::numeric_limits<double>::quiet_NaN();
        reference.learningRate = to.learningRate;
        reference.fp32Accuracy = result.eval.fp32.top1;
        trainCb.trainingPoint(reference);
        to.afterEpoch = [publish = trainCb.trainingPoint,
                         outer = options.train.afterEpoch](const types::EpochResult &e) {
            types::TrainingPoint p;
            p.step = e.step;
            p.epoch = e.epoch;
            p.loss = p.accuracy = std::numeric_limits<double>::quiet_NaN();
            p.validationAccuracy = e.validation.count > 0 ? e.validation.top1 : -1;
            publish(p);
            if (outer)
                outer(e);
        };
    }
    result.train = train(*session.model(), trainSet, validation, device, to, trainCb, hook);
    if (probe)
        probe->publish(result.train.steps);
    if (!result.train.epochs.empty())
        result.eval.quantized = result.train.epochs.back().validation;
    else {
        EvalOptions eo;
        eo.maxSamples = options.train.validationSamples;
        result.eval.quantized = evaluate(*session.model(), validation, device, eo);
    }
    if (std::string bad = firstNonFiniteParameter(*session.model()); !bad.empty())
        throw Error("After training, layer " + bad + " holds a non-finite value.",
                    "Lower the quantizer learning rate and train again.");
    result.movement = parameterMovement(start, learnedParameters(session));
    result.diverged = chanceLevelVerdict(result.train, validation.numClasses());
    return result;
}

QuantEval runPtq(Session &session, const data::Dataset &calibrationSource, const data::Dataset &validation,
                 c10::Device device, int64_t calibrationImages, const JobCallbacks &cb, const EvalOptions &eo)
{
    session.buildQuantizers();
    session.model()->eval();
    calibrate(session, data::calibrationSubset(calibrationSource, calibrationImages, /*seed=*/0), device, cb);
    return evaluateFp32AndQuantized(session, validation, device, eo, cb);
}

// ---------------------------------------------------------------- analyses

types::ErrorAccumulation errorAccumulation(Session &session, const data::Dataset &data, c10::Device device,
                                           int64_t samples, const JobCallbacks &cb)
{
    auto model = session.model();
    model->to(device);
    models::ModeGuard modes(*session.model());
    model->eval();
    torch::NoGradGuard noGrad;
    const auto x = firstImages(data, samples, device);
    const auto layers = model->quantLayers();
    std::vector<std::string> names;
    for (const auto &l : layers)
        names.push_back(l->layerName());
    types::ErrorAccumulation out;
    out.blocks = model->blockNames();
    out.layers = names;
    const auto blockOf = layerBlocks(names, out.blocks);

    // The FP32 run, keeping every layer's input for the per-layer activation errors.
    session.setFp32(true);
    std::vector<torch::Tensor> inputs(layers.size());
    std::vector<torch::Tensor> fp;
    {
        ObserverScope observers(layers);
        for (size_t i = 0; i < layers.size(); ++i)
            layers[i]->setForwardObserver([&inputs, i](const QuantLayerImpl &, const torch::Tensor &in,
                                                       const torch::Tensor &) { inputs[i] = in; });
        fp = model->forwardBlocks(x);
    }
    const std::pair<LayerMode, types::BlockErrors *> variants[] = {{LayerMode::FakeQuant, &out.both},
                                                                   {LayerMode::WeightsOnly, &out.weightsOnly},
                                                                   {LayerMode::ActivationsOnly, &out.activationsOnly}};
    Eta eta;
    const int64_t total = int64_t(fp.size()) * 3;
    int64_t done = 0;
    for (size_t b = 0; b < fp.size(); ++b) {
        for (const auto &[mode, target] : variants) {
            if (cb.stopRequested())
                return out;
            for (size_t i = 0; i < layers.size(); ++i) {
                const bool on = session.config()[i].enabled && blockOf[i] <= static_cast<int>(b);
                layers[i]->setMode(on ? mode : LayerMode::Fp32);
            }
            const auto q = model->forwardBlocks(x);
            const auto ref = fp[b].flatten(1).to(torch::kDouble);
            const auto diff = (fp[b] - q[b]).flatten(1).to(torch::kDouble);
            const auto refNorm = ref.norm(2, 1), diffNorm = diff.norm(2, 1);
            // One transfer: mean L2, mean relative L2, signal and noise energy.
            const auto m = torch::stack({diffNorm.mean(), (diffNorm / refNorm.clamp_min(1e-30)).mean(),
                                         ref.pow(2).sum(), diff.pow(2).sum()})
                               .to(torch::kCPU);
            const auto *v = m.data_ptr<double>();
            target->l2.push_back(v[0]);
            target->relative.push_back(v[1]);
            target->sqnrDb.push_back(v[3] > 0 ? 10.0 * std::log10(v[2] / v[3])
                                              : std::numeric_limits<double>::infinity());
            reportProgress(cb, "errors", ++done, total, eta);
        }
    }
    out.blockL2 = out.both.l2;
    for (size_t i = 0; i < layers.size(); ++i) {
        const auto &l = *layers[i];
        const bool enabled = session.config()[i].enabled;
        const auto &wq = l.weightQuantizer();
        const auto &aq = l.inputQuantizer();
        if (enabled && wq && wq->initialized()) {
            const auto w = l.weight.detach();
            const auto err = (w - wq->forward(w)).norm().item<double>();
            out.layerL2.push_back(err);
            out.layerWeightRel.push_back(err / std::max(1e-30, w.norm().item<double>()));
        } else {
            out.layerL2.push_back(0.0);
            out.layerWeightRel.push_back(0.0);
        }
        // A quantizer that has not seen data would initialise itself on this input: leave it be.
        if (enabled && aq && aq->initialized() && inputs[i].defined())
            out.layerActRel.push_back((inputs[i] - aq->forward(inputs[i])).norm().item<double>() /
                                      std::max(1e-30, inputs[i].norm().item<double>()));
        else
            out.layerActRel.push_back(0.0);
    }
    return out;
}

std::vector<SensitivityRow> sensitivity(Session &session, const data::Dataset &data, c10::Device device,
                                        int64_t samples, const JobCallbacks &cb)
{
    auto model = session.model();
    model->to(device);
    models::ModeGuard modes(*session.model());
    model->eval();
    torch::NoGradGuard noGrad;
    const int64_t n = std::min(samples, data.size());
    const auto idx = torch::arange(n, torch::kLong);
    const auto labels = data.labels(idx).to(device);
    const auto layers = model->quantLayers();

    auto logitsOf = [&]() {
        std::vector<torch::Tensor> out;
        for (int64_t s = 0; s < n; s += 256) {
            const auto bi = idx.slice(0, s, std::min(n, s + 256));
            out.push_back(model->forward(data::normalize(data.images(bi), data.normalization()).to(device)));
        }
        return torch::cat(out);
    };
    session.setFp32(true);
    const auto fpLogits = logitsOf();
    // A model judged by agreement is compared with its own FP32 output: top-1 against the FP32
    // argmax over its distribution dimension (if it has one), layers ranked by output SQNR.
    const bool agreement = model->judgedByAgreement();
    const int64_t dist = agreement ? model->distributionDim() : 1;
    const bool distribution = dist >= 0 && dist < fpLogits.dim();
    const auto fpLogP = distribution ? torch::log_softmax(fpLogits, dist) : torch::Tensor();
    const auto target = agreement ? (distribution ? fpLogits.argmax(dist) : torch::Tensor()) : labels;
    const double fpTop1 =
        distribution ? fpLogits.argmax(dist).eq(target).to(torch::kDouble).mean().item<double>() : 0.0;
    const double fpEnergy = fpLogits.to(torch::kDouble).pow(2).sum().item<double>();
    // Top-1, KL (both 0 when the output is no distribution) and output SQNR with layer i alone
    // in `mode`.
    struct Measured {
        double top1 = 0, kl = 0, sqnrDb = 0;
    };
    auto measure = [&](size_t i, LayerMode mode) {
        for (size_t j = 0; j < layers.size(); ++j)
            layers[j]->setMode(j == i && session.config()[j].enabled ? mode : LayerMode::Fp32);
        const auto q = logitsOf();
        Measured m;
        if (distribution) {
            const auto v =
                torch::stack(
                    {q.argmax(dist).eq(target).to(torch::kDouble).mean(),
                     (fpLogP.exp() * (fpLogP - torch::log_softmax(q, dist))).sum(dist).mean().to(torch::kDouble)})
                    .to(torch::kCPU);
            m.top1 = v[0].item<double>();
            m.kl = v[1].item<double>();
        }
        const double noise = (q - fpLogits).to(torch::kDouble).pow(2).sum().item<double>();
        m.sqnrDb = noise > 0 ? 10.0 * std::log10(fpEnergy / noise) : std::numeric_limits<double>::infinity();
        return m;
    };

    std::vector<SensitivityRow> rows;
    Eta eta;
    for (size_t i = 0; i < layers.size(); ++i) {
        if (cb.stopRequested())
            break;
        SensitivityRow r;
        r.layer = layers[i]->layerName();
        const auto both = measure(i, LayerMode::FakeQuant);
        r.top1 = both.top1;
        r.top1Drop = fpTop1 - both.top1;
        r.kl = both.kl;
        r.sqnrDb = both.sqnrDb;
        const auto weights = measure(i, LayerMode::WeightsOnly);
        r.weightTop1Drop = fpTop1 - weights.top1;
        r.weightKl = weights.kl;
        const auto acts = measure(i, LayerMode::ActivationsOnly);
        r.actTop1Drop = fpTop1 - acts.top1;
        r.actKl = acts.kl;
        rows.push_back(r);
        reportProgress(cb, "sensitivity", int64_t(i + 1), int64_t(layers.size()), eta);
    }
    std::vector<size_t> order(rows.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (agreement)
            return rows[a].sqnrDb < rows[b].sqnrDb;
        if (rows[a].top1Drop != rows[b].top1Drop)
            return rows[a].top1Drop > rows[b].top1Drop;
        return rows[a].kl > rows[b].kl;
    });
    for (size_t r = 0; r < order.size(); ++r)
        rows[order[r]].rank = static_cast<int>(r + 1);
    return rows;
}

WhatIfResult whatIf(Session &session, const LayerQuantConfig &change, const data::Dataset &data, c10::Device device,
                    int64_t samples)
{
    Eta t;
    const LayerQuantConfig before = session.layerConfig(change.layer);
    LayerQuantConfig c = change;
    const auto layers = session.model()->quantLayers();
    const bool first = !layers.empty() && layers.front()->layerName() == change.layer;
    if (first && c.act.method != before.act.method)
        c.act = types::firstLayerInput(c.act);
    session.setLayerConfig(c);
    for (const auto &l : layers) {
        if (l->layerName() != c.layer)
            continue;
        const bool weightChanged = !(c.weight == before.weight) || c.enabled != before.enabled;
        const bool actChanged = !(c.act == before.act) || c.enabled != before.enabled;
        // Only the quantizer whose spec changed is rebuilt; the other keeps what it has
        // learned or calibrated (a QAT step size, a multipoint approximation).
        const quant::Quantizer oldWeight = l->weightQuantizer(), oldInput = l->inputQuantizer();
        const bool wasQuantized = l->mode() == models::LayerMode::FakeQuant;
        session.buildLayer(c.layer);
        if (wasQuantized && !weightChanged && oldWeight && oldWeight->initialized())
            l->setWeightQuantizer(oldWeight);
        if (wasQuantized && !actChanged && oldInput && oldInput->initialized())
            l->setInputQuantizer(oldInput);
        torch::NoGradGuard noGrad;
        if (const auto &wq = l->weightQuantizer(); wq && !wq->initialized())
            wq->init({l->weight.detach()});
        // A new input quantizer initialises itself on its first batch.
    }
    WhatIfResult r;
    EvalOptions eo;
    eo.maxSamples = samples;
    eo.workers = 0;
    r.eval = evaluate(*session.model(), data, device, eo);
    r.seconds = t.elapsedSeconds();
    return r;
}

WhatIfResult whatIf(Session &session, const std::string &layer, int weightBits, int actBits, const data::Dataset &data,
                    c10::Device device, int64_t samples)
{
    LayerQuantConfig c = session.layerConfig(layer);
    if (weightBits > 0)
        c.weight.bits = weightBits;
    if (actBits > 0)
        c.act.bits = actBits;
    return whatIf(session, c, data, device, samples);
}

} // namespace ql::core::engine
