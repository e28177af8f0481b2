#include "core/engine/trainer.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/data/dataloader.h"
#include "core/models/weights.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <sstream>
#include <type_traits>

namespace ql::core::engine {
namespace {

/// Restores a module's training mode when it goes out of scope.
class TrainingModeGuard {
public:
    explicit TrainingModeGuard(torch::nn::Module &m) : m_module(m), m_training(m.is_training()) { }
    ~TrainingModeGuard()
    {
        try {
            m_module.train(m_training);
        } catch (...) {
            // A destructor never throws: it may run while another exception unwinds.
        }
    }

private:
    torch::nn::Module &m_module;
    bool m_training;
};

} // namespace

std::string firstNonFiniteParameter(const models::QuantModelImpl &model)
{
    for (const auto &p : model.named_parameters(/*recurse=*/true)) {
        if (!torch::isfinite(p.value()).all().item<bool>()) {
            const std::string &name = p.key();
            const auto dot = name.rfind('.');
            std::string layer = dot == std::string::npos ? name : name.substr(0, dot);
            return layer + " (parameter '" + name + "')";
        }
    }
    return {};
}

EvalResult evaluate(models::QuantModelImpl &model, const data::Dataset &dataset, c10::Device device,
                    const EvalOptions &options, const JobCallbacks &callbacks)
{
    if (dataset.empty())
        throw Error("Cannot evaluate on an empty data set.");
    data::Dataset d = dataset;
    if (options.maxSamples > 0 && options.maxSamples < d.size())
        d = d.subset(torch::arange(options.maxSamples, torch::kLong));
    data::DataLoaderOptions lo;
    lo.batchSize = options.batchSize;
    lo.shuffle = false;
    lo.workers = options.workers;
    lo.pinMemory = device.is_cuda();
    data::DataLoader loader(d, lo);

    TrainingModeGuard guard(model);
    model.eval();
    torch::NoGradGuard noGrad;
    model.to(device);

    Eta eta;
    auto lossSum = torch::zeros({}, torch::TensorOptions().dtype(torch::kDouble).device(device));
    auto top1 = torch::zeros({}, torch::TensorOptions().dtype(torch::kLong).device(device));
    auto top5 = torch::zeros({}, torch::TensorOptions().dtype(torch::kLong).device(device));
    int64_t seen = 0;
    int64_t batches = 0;
    EvalResult r;
    loader.startEpoch(0);
    while (auto b = loader.next()) {
        if (callbacks.stopRequested()) {
            r.cancelled = true;
            break;
        }
        const auto x = b->images.to(device, /*non_blocking=*/true);
        const auto y = b->labels.to(device, /*non_blocking=*/true);
        const auto logits = model.forward(x);
        lossSum += torch::nn::functional::cross_entropy(
                       logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .to(torch::kDouble);
        const int64_t k = std::min<int64_t>(5, logits.size(1));
        const auto pred = std::get<1>(logits.topk(k, 1));
        const auto hits = pred.eq(y.unsqueeze(1));
        top1 += hits.select(1, 0).sum();
        top5 += hits.any(1).sum();
        seen += y.size(0);
        if (++batches % 10 == 0)
            reportProgress(callbacks, "eval", batches, loader.batchesPerEpoch(), eta);
    }
    r.count = seen;
    r.seconds = eta.elapsedSeconds();
    if (seen > 0) {
        r.loss = lossSum.item<double>() / double(seen);
        r.top1 = double(top1.item<int64_t>()) / double(seen);
        r.top5 = double(top5.item<int64_t>()) / double(seen);
    }
    reportProgress(callbacks, "eval", batches, loader.batchesPerEpoch(), eta);
    return r;
}

torch::Tensor predictLogits(models::QuantModelImpl &model, const data::Dataset &dataset, c10::Device device,
                            int64_t count, int64_t batchSize)
{
    data::Dataset d = dataset;
    if (count > 0 && count < d.size())
        d = d.subset(torch::arange(count, torch::kLong));
    data::DataLoaderOptions lo;
    lo.batchSize = batchSize;
    lo.shuffle = false;
    lo.pinMemory = device.is_cuda();
    data::DataLoader loader(d, lo);
    TrainingModeGuard guard(model);
    model.eval();
    torch::NoGradGuard noGrad;
    model.to(device);
    std::vector<torch::Tensor> out;
    loader.startEpoch(0);
    while (auto b = loader.next())
        out.push_back(model.forward(b->images.to(device)).to(torch::kCPU));
    return torch::cat(out, 0);
}

Optimizer makeOptimizer(models::QuantModelImpl &model, const TrainOptions &o)
{
    std::vector<torch::Tensor> decay, noDecay, quant;
    for (const auto &p : model.named_parameters(true)) {
        if (!p.value().requires_grad())
            continue;
        if (models::isQuantizerParameter(p.key()))
            quant.push_back(p.value());
        else if (p.value().dim() > 1)
            decay.push_back(p.value());
        else
            noDecay.push_back(p.value());
    }
    using torch::optim::SGDOptions;
    Optimizer out;
    std::vector<torch::optim::OptimizerParamGroup> groups;
    auto addGroup = [&](const char *name, const std::vector<torch::Tensor> &params, double lr, double wd) {
        if (params.empty())
            return;
        groups.emplace_back(params, std::make_unique<SGDOptions>(SGDOptions(lr).momentum(o.momentum).weight_decay(wd)));
        out.baseLr.push_back(lr);
        out.groups.emplace_back(name);
    };
    addGroup("weights", decay, o.learningRate, o.weightDecay);
    addGroup("other", noDecay, o.learningRate, 0.0);
    addGroup("quantizers", quant, o.effectiveQuantLearningRate(), 0.0);
    out.sgd = std::make_unique<torch::optim::SGD>(groups, SGDOptions(o.learningRate).momentum(o.momentum));
    return out;
}

void Optimizer::setScale(double factor)
{
    for (size_t i = 0; i < sgd->param_groups().size(); ++i)
        static_cast<torch::optim::SGDOptions &>(sgd->param_groups()[i].options()).lr(baseLr[i] * factor);
}

namespace {

/// The optimiser's per-parameter state key: libtorch 1.13 keys it by the TensorImpl's address
/// as text, 2.x by the address itself.
template <typename Map>
typename Map::key_type stateKey(const Map &, const torch::Tensor &p)
{
    using Key = typename Map::key_type;
    if constexpr (std::is_same_v<Key, std::string>) {
        std::ostringstream os;
        os << static_cast<const void *>(p.unsafeGetTensorImpl());
        return os.str();
    } else {
        return static_cast<Key>(p.unsafeGetTensorImpl());
    }
}

std::string momentumName(size_t group, size_t index)
{
    return "optimizer." + std::to_string(group) + "." + std::to_string(index) + ".momentum_buffer";
}

constexpr const char *kCheckpointFormat = "quantlens_checkpoint_version";

/// A checkpoint is a state dict (QuantLens's own writer and reader: a full disk is an error
/// naming the file, and loading executes nothing): "model.<name>" for every parameter and
/// buffer of the model (quantizers included), "optimizer.<group>.<index>.momentum_buffer" for
/// SGD's momentum, and the epoch and step to continue from.
void saveCheckpoint(const std::filesystem::path &path, models::QuantModelImpl &model, torch::optim::SGD &opt,
                    int nextEpoch, int64_t step)
{
    models::NamedTensors tensors;
    tensors.emplace_back(kCheckpointFormat, torch::tensor(int64_t{1}));
    for (const auto &p : model.named_parameters(/*recurse=*/true))
        tensors.emplace_back("model." + p.key(), p.value());
    for (const auto &b : model.named_buffers(/*recurse=*/true))
        tensors.emplace_back("model." + b.key(), b.value());
    auto &state = opt.state();
    for (size_t g = 0; g < opt.param_groups().size(); ++g) {
        const auto &params = opt.param_groups()[g].params();
        for (size_t i = 0; i < params.size(); ++i) {
            const auto it = state.find(stateKey(state, params[i]));
            if (it == state.end())
                continue;
            const auto &buffer = static_cast<const torch::optim::SGDParamState &>(*it->second).momentum_buffer();
            if (buffer.defined())
                tensors.emplace_back(momentumName(g, i), buffer);
        }
    }
    tensors.emplace_back("next_epoch", torch::tensor(int64_t(nextEpoch)));
    tensors.emplace_back("step", torch::tensor(step));
    models::writeStateDict(tensors, path);
}

/// Restores model, optimiser, epoch and step from the checkpoint when asked to resume and it exists.
/// Returns the epoch to start from.
int resumeFromCheckpoint(const TrainOptions &o, models::QuantModelImpl &model, torch::optim::SGD &optimizer,
                         c10::Device device, int64_t &step, const JobCallbacks &callbacks)
{
    if (!o.resume || o.checkpoint.empty() || !std::filesystem::exists(o.checkpoint))
        return 0;
    const std::string file = o.checkpoint.string();
    const std::string hint = "Delete it to start over, or pass the checkpoint of this same model and quantizer setup.";
    if (models::isTorchScriptArchive(o.checkpoint))
        throw Error("Checkpoint '" + file +
                        "' was written by an earlier QuantLens in a format that runs code when "
                        "loaded; it is not resumed.",
                    "Delete it to start over.");
    std::map<std::string, torch::Tensor> byName;
    for (auto &[name, t] : models::readStateDict(o.checkpoint))
        byName.emplace(name, t);
    auto take = [&](const std::string &name) {
        auto it = byName.find(name);
        if (it == byName.end())
            throw Error("Checkpoint '" + file + "' has no tensor '" + name + "'.", hint);
        auto t = it->second;
        byName.erase(it);
        return t;
    };
    auto scalar = [&](const std::string &name, int64_t lo, int64_t hi) {
        const auto t = take(name);
        if (t.numel() != 1 || t.scalar_type() != torch::kLong || t.item<int64_t>() < lo || t.item<int64_t>() > hi)
            throw Error("Checkpoint '" + file + "': '" + name + "' is not a whole number in " + std::to_string(lo) +
                            ".." + std::to_string(hi) + ".",
                        hint);
        return t.item<int64_t>();
    };
    if (scalar(kCheckpointFormat, 1, 1) != 1)
        throw Error("Checkpoint '" + file + "' has an unknown format.", hint);
    auto checked = [&](const std::string &name, const torch::Tensor &like) {
        const auto t = take(name);
        if (t.scalar_type() != like.scalar_type() || !t.sizes().equals(like.sizes()))
            throw Error("Checkpoint '" + file + "': '" + name + "' has shape " + c10::str(t.sizes()) + " " +
                            c10::toString(t.scalar_type()) + ", the model " + c10::str(like.sizes()) + " " +
                            c10::toString(like.scalar_type()) + ".",
                        hint);
        if (t.is_floating_point() && !torch::isfinite(t).all().item<bool>())
            throw Error("Checkpoint '" + file + "': '" + name + "' holds NaN or infinite values.", hint);
        return t.to(like.device());
    };
    {
        torch::NoGradGuard noGrad;
        for (auto &p : model.named_parameters(/*recurse=*/true))
            p.value().copy_(checked("model." + p.key(), p.value()));
        for (auto &b : model.named_buffers(/*recurse=*/true))
            b.value().copy_(checked("model." + b.key(), b.value()));
    }
    auto &state = optimizer.state();
    for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
        const auto &params = optimizer.param_groups()[g].params();
        for (size_t i = 0; i < params.size(); ++i) {
            if (!byName.count(momentumName(g, i)))
                continue;
            auto buffer = checked(momentumName(g, i), params[i]);
            auto s = std::make_unique<torch::optim::SGDParamState>();
            s->momentum_buffer(buffer.to(device));
            state[stateKey(state, params[i])] = std::move(s);
        }
    }
    const int startEpoch = static_cast<int>(scalar("next_epoch", 0, o.epochs));
    step = scalar("step", 0, std::numeric_limits<int64_t>::max() / 2);
    if (!byName.empty())
        throw Error("Checkpoint '" + file + "' holds '" + byName.begin()->first +
                        "', which this model and quantizer setup does not have.",
                    hint);
    if (callbacks.message)
        callbacks.message("resuming from '" + file + "' at epoch " + std::to_string(startEpoch + 1));
    return startEpoch;
}

/// Loss and correct predictions summed on the device over a stretch of steps: reading them is
/// the loop's only host synchronisation.
struct Tally {
    explicit Tally(c10::Device device)
        : loss(torch::zeros({}, torch::TensorOptions().device(device).dtype(torch::kDouble))),
          correct(torch::zeros({}, torch::TensorOptions().device(device).dtype(torch::kLong)))
    {
    }
    void add(const torch::Tensor &l, const torch::Tensor &c, int64_t n)
    {
        loss += l;
        correct += c;
        seen += n;
    }
    void reset()
    {
        loss.zero_();
        correct.zero_();
        seen = 0;
    }
    double meanLoss() const { return seen ? loss.item<double>() / double(seen) : 0.0; }
    double accuracy() const { return seen ? double(correct.item<int64_t>()) / double(seen) : 0.0; }

    torch::Tensor loss, correct;
    int64_t seen = 0;
};

void validateOptions(const TrainOptions &o, const data::Dataset &trainSet)
{
    if (o.epochs < 1)
        throw Error("The number of epochs must be at least 1 (got " + std::to_string(o.epochs) + ").");
    if (!(o.learningRate > 0) || !std::isfinite(o.learningRate))
        throw Error("The learning rate must be a positive number (got " + std::to_string(o.learningRate) + ").");
    if (std::isnan(o.quantLearningRate) || std::isinf(o.quantLearningRate))
        throw Error("The quantizer learning rate must be a number (got " + std::to_string(o.quantLearningRate) + ").",
                    "Leave it out to train the quantizer parameters at the network's learning rate.");
    if (trainSet.empty())
        throw Error("The training set is empty.");
}

[[noreturn]] void divergedError(const models::QuantModelImpl &model, double meanLoss, int epoch, int64_t step)
{
    const std::string bad = firstNonFiniteParameter(model);
    throw Error("Training stopped: the loss became " + std::string(std::isnan(meanLoss) ? "NaN" : "infinite") +
                    " at epoch " + std::to_string(epoch + 1) + ", step " + std::to_string(step) +
                    (bad.empty() ? std::string(".") : "; first non-finite parameter in layer " + bad + "."),
                "Lower the learning rate (or the quantizer learning rate), or resume from the last checkpoint.");
}

data::DataLoaderOptions loaderOptions(const data::Dataset &trainSet, const TrainOptions &o, c10::Device device)
{
    data::DataLoaderOptions lo;
    lo.batchSize = o.batchSize;
    lo.shuffle = true;
    lo.seed = o.seed;
    lo.workers = o.workers;
    lo.dropLast = true;
    lo.pinMemory = device.is_cuda();
    if (o.augment)
        lo.transforms = data::standardAugmentation(trainSet);
    return lo;
}

/// The epoch's figures, its validation and a line for the log.
EpochResult finishEpoch(models::QuantModelImpl &model, const data::Dataset &validation, c10::Device device,
                        const TrainOptions &o, const JobCallbacks &callbacks, int epoch, const Tally &total,
                        const Eta &epochTime)
{
    EpochResult er;
    er.epoch = epoch + 1;
    er.trainLoss = total.meanLoss();
    er.trainTop1 = total.accuracy();
    er.seconds = epochTime.elapsedSeconds();
    er.imagesPerSecond = er.seconds > 0 ? double(total.seen) / er.seconds : 0;
    if (!validation.empty()) {
        JobCallbacks quiet;
        quiet.stop = callbacks.stop;
        EvalOptions eo;
        eo.maxSamples = o.validationSamples;
        er.validation = evaluate(model, validation, device, eo, quiet);
        model.train();
    }
    if (callbacks.message) {
        char line[256];
        std::snprintf(line, sizeof line,
                      "epoch %d/%d  train loss %.4f  top-1 %.2f%%  val top-1 %.2f%%  (%.1f s, %.0f img/s)", er.epoch,
                      o.epochs, er.trainLoss, 100 * er.trainTop1, 100 * er.validation.top1, er.seconds,
                      er.imagesPerSecond);
        callbacks.message(line);
    }
    return er;
}

} // namespace

TrainResult train(models::QuantModelImpl &model, const data::Dataset &trainSet, const data::Dataset &validation,
                  c10::Device device, const TrainOptions &o, const JobCallbacks &callbacks, const StepHook &hook)
{
    validateOptions(o, trainSet);
    torch::manual_seed(o.seed);
    model.to(device);
    model.train();
    Optimizer optimizer = makeOptimizer(model, o);

    data::DataLoader loader(trainSet, loaderOptions(trainSet, o, device));
    const int64_t perEpoch =
        o.maxStepsPerEpoch > 0 ? std::min(o.maxStepsPerEpoch, loader.batchesPerEpoch()) : loader.batchesPerEpoch();
    const int64_t totalSteps = perEpoch * o.epochs;

    TrainResult result;
    int64_t step = 0;
    result.startEpoch = resumeFromCheckpoint(o, model, *optimizer.sgd, device, step, callbacks);
    Eta eta;
    const int64_t stepsAtStart = step;
    for (int epoch = result.startEpoch; epoch < o.epochs; ++epoch) {
        Eta epochTime;
        loader.startEpoch(epoch);
        Tally total(device), window(device);
        int64_t inEpoch = 0;
        Eta windowTime;
        while (inEpoch < perEpoch) {
            if (callbacks.stopRequested()) {
                loader.cancel();
                result.cancelled = true;
                break;
            }
            auto b = loader.next();
            if (!b)
                break;
            // Cosine decay over all steps, the same for every group (quantizer parameters too).
            const double factor =
                0.5 * (1.0 + std::cos(std::numbers::pi * double(step) / double(std::max<int64_t>(totalSteps, 1))));
            optimizer.setScale(factor);
            const auto x = b->images.to(device, /*non_blocking=*/true);
            const auto y = b->labels.to(device, /*non_blocking=*/true);
            optimizer.sgd->zero_grad();
            const auto logits = model.forward(x);
            const auto loss = torch::nn::functional::cross_entropy(
                logits, y, torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(o.labelSmoothing));
            loss.backward();
            optimizer.sgd->step();

            const auto l = loss.detach().to(torch::kDouble) * double(y.size(0));
            const auto c = logits.detach().argmax(1).eq(y).sum();
            total.add(l, c, y.size(0));
            window.add(l, c, y.size(0));
            ++step;
            ++inEpoch;
            if (step % std::max(1, o.pointEvery) != 0 && inEpoch != perEpoch)
                continue;
            const double meanLoss = window.meanLoss();
            if (!std::isfinite(meanLoss))
                divergedError(model, meanLoss, epoch, step);
            const double secs = windowTime.elapsedSeconds();
            if (callbacks.trainingPoint) {
                types::TrainingPoint p;
                p.step = step;
                p.epoch = epoch + double(inEpoch) / double(perEpoch);
                p.loss = meanLoss;
                p.accuracy = window.accuracy();
                p.learningRate = o.learningRate * factor;
                p.stepTimeMs = 1000.0 * secs / double(std::max<int64_t>(1, window.seen / y.size(0)));
                p.imagesPerSecond = secs > 0 ? double(window.seen) / secs : 0;
                callbacks.trainingPoint(p);
            }
            window.reset();
            windowTime = Eta();
            reportProgress(callbacks, o.jobName, step - stepsAtStart, totalSteps - stepsAtStart, eta,
                           "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs) + "  loss " +
                               std::to_string(meanLoss).substr(0, 6));
            if (hook)
                hook(step);
        }
        if (result.cancelled)
            break;
        result.epochs.push_back(finishEpoch(model, validation, device, o, callbacks, epoch, total, epochTime));
        result.epochs.back().step = step;
        if (!o.checkpoint.empty())
            saveCheckpoint(o.checkpoint, model, *optimizer.sgd, epoch + 1, step);
        if (o.afterEpoch)
            o.afterEpoch(result.epochs.back());
    }
    result.steps = step;
    return result;
}

} // namespace ql::core::engine
