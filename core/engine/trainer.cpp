#include "core/engine/trainer.h"

#include "core/common/error.h"
#include "core/data/dataloader.h"
#include "core/engine/atomic_file.h"

#include <torch/torch.h>

#include <cmath>
#include <numbers>

namespace ql::core::engine {
namespace {

/// Restores a module's training mode when it goes out of scope.
class TrainingModeGuard {
public:
    explicit TrainingModeGuard(torch::nn::Module &m) : m_module(m), m_training(m.is_training()) {}
    ~TrainingModeGuard() { m_module.train(m_training); }

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

namespace {

struct Groups {
    std::vector<torch::Tensor> decay, noDecay, quant;
};

Groups parameterGroups(models::QuantModelImpl &model)
{
    Groups g;
    for (const auto &p : model.named_parameters(true)) {
        if (!p.value().requires_grad())
            continue;
        if (models::isQuantizerParameter(p.key()))
            g.quant.push_back(p.value());
        else if (p.value().dim() > 1)
            g.decay.push_back(p.value());
        else
            g.noDecay.push_back(p.value());
    }
    return g;
}

void saveCheckpoint(const std::filesystem::path &path, models::QuantModelImpl &model, torch::optim::Optimizer &opt,
                    int nextEpoch, int64_t step)
{
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive modelArchive;
    model.save(modelArchive);
    archive.write("model", modelArchive);
    torch::serialize::OutputArchive optArchive;
    opt.save(optArchive);
    archive.write("optimizer", optArchive);
    archive.write("next_epoch", torch::tensor(int64_t(nextEpoch)));
    archive.write("step", torch::tensor(step));
    writeAtomically(path, [&](const std::filesystem::path &tmp) { archive.save_to(tmp.string()); });
}

} // namespace

TrainResult train(models::QuantModelImpl &model, const data::Dataset &trainSet, const data::Dataset &validation,
                  c10::Device device, const TrainOptions &o, const JobCallbacks &callbacks, const StepHook &hook)
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

    torch::manual_seed(o.seed);
    model.to(device);
    model.train();

    const Groups g = parameterGroups(model);
    using torch::optim::SGDOptions;
    std::vector<torch::optim::OptimizerParamGroup> groups;
    std::vector<double> baseLr;
    auto addGroup = [&](const std::vector<torch::Tensor> &params, double lr, double wd) {
        if (params.empty())
            return;
        groups.emplace_back(params, std::make_unique<SGDOptions>(SGDOptions(lr).momentum(o.momentum).weight_decay(wd)));
        baseLr.push_back(lr);
    };
    addGroup(g.decay, o.learningRate, o.weightDecay);
    addGroup(g.noDecay, o.learningRate, 0.0);
    addGroup(g.quant, o.effectiveQuantLearningRate(), 0.0);
    torch::optim::SGD optimizer(groups, SGDOptions(o.learningRate).momentum(o.momentum));

    data::DataLoaderOptions lo;
    lo.batchSize = o.batchSize;
    lo.shuffle = true;
    lo.seed = o.seed;
    lo.workers = o.workers;
    lo.dropLast = true;
    lo.pinMemory = device.is_cuda();
    if (o.augment)
        lo.transforms = data::standardAugmentation(trainSet);
    data::DataLoader loader(trainSet, lo);
    const int64_t perEpoch =
        o.maxStepsPerEpoch > 0 ? std::min(o.maxStepsPerEpoch, loader.batchesPerEpoch()) : loader.batchesPerEpoch();
    const int64_t totalSteps = perEpoch * o.epochs;

    TrainResult result;
    int64_t step = 0;
    if (o.resume && !o.checkpoint.empty() && std::filesystem::exists(o.checkpoint)) {
        try {
            torch::serialize::InputArchive archive;
            archive.load_from(o.checkpoint.string(), device);
            torch::serialize::InputArchive modelArchive;
            archive.read("model", modelArchive);
            model.load(modelArchive);
            torch::serialize::InputArchive optArchive;
            archive.read("optimizer", optArchive);
            optimizer.load(optArchive);
            torch::Tensor e, s;
            archive.read("next_epoch", e);
            archive.read("step", s);
            result.startEpoch = static_cast<int>(e.item<int64_t>());
            step = s.item<int64_t>();
        } catch (const c10::Error &e) {
            throw Error("Checkpoint '" + o.checkpoint.string() + "' cannot be resumed: " + e.what_without_backtrace(),
                        "Delete it to start over, or pass the checkpoint of this same model and quantizer setup.");
        }
        if (callbacks.message)
            callbacks.message("resuming from '" + o.checkpoint.string() + "' at epoch " +
                              std::to_string(result.startEpoch + 1));
    }

    const auto dopt = torch::TensorOptions().device(device);
    Eta eta;
    const int64_t stepsAtStart = step;
    for (int epoch = result.startEpoch; epoch < o.epochs; ++epoch) {
        Eta epochTime;
        loader.startEpoch(epoch);
        auto lossSum = torch::zeros({}, dopt.dtype(torch::kDouble));
        auto correct = torch::zeros({}, dopt.dtype(torch::kLong));
        auto windowLoss = torch::zeros({}, dopt.dtype(torch::kDouble));
        auto windowCorrect = torch::zeros({}, dopt.dtype(torch::kLong));
        int64_t seen = 0, windowSeen = 0, inEpoch = 0;
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
            const double progress = double(step) / double(std::max<int64_t>(totalSteps, 1));
            const double factor = 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
            for (size_t i = 0; i < optimizer.param_groups().size(); ++i)
                static_cast<SGDOptions &>(optimizer.param_groups()[i].options()).lr(baseLr[i] * factor);

            const auto x = b->images.to(device, /*non_blocking=*/true);
            const auto y = b->labels.to(device, /*non_blocking=*/true);
            optimizer.zero_grad();
            const auto logits = model.forward(x);
            const auto loss = torch::nn::functional::cross_entropy(
                logits, y, torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(o.labelSmoothing));
            loss.backward();
            optimizer.step();

            const auto l = loss.detach().to(torch::kDouble) * double(y.size(0));
            const auto c = logits.detach().argmax(1).eq(y).sum();
            lossSum += l;
            correct += c;
            windowLoss += l;
            windowCorrect += c;
            seen += y.size(0);
            windowSeen += y.size(0);
            ++step;
            ++inEpoch;

            if (step % std::max(1, o.pointEvery) == 0 || inEpoch == perEpoch) {
                // The only host synchronisation of the loop: once per point.
                const double meanLoss = windowLoss.item<double>() / double(windowSeen);
                if (!std::isfinite(meanLoss)) {
                    const std::string bad = firstNonFiniteParameter(model);
                    throw Error("Training stopped: the loss became " + std::string(std::isnan(meanLoss) ? "NaN" : "infinite") +
                                    " at epoch " + std::to_string(epoch + 1) + ", step " + std::to_string(step) +
                                    (bad.empty() ? std::string(".") : "; first non-finite parameter in layer " + bad + "."),
                                "Lower the learning rate (or the quantizer learning rate), or resume from the last checkpoint.");
                }
                const double secs = windowTime.elapsedSeconds();
                if (callbacks.trainingPoint) {
                    types::TrainingPoint p;
                    p.step = step;
                    p.epoch = epoch + double(inEpoch) / double(perEpoch);
                    p.loss = meanLoss;
                    p.accuracy = double(windowCorrect.item<int64_t>()) / double(windowSeen);
                    p.learningRate = o.learningRate * factor;
                    p.stepTimeMs = 1000.0 * secs / double(std::max<int64_t>(1, windowSeen / y.size(0)));
                    p.imagesPerSecond = secs > 0 ? double(windowSeen) / secs : 0;
                    callbacks.trainingPoint(p);
                }
                windowLoss.zero_();
                windowCorrect.zero_();
                windowSeen = 0;
                windowTime = Eta();
                reportProgress(callbacks, o.jobName, step - stepsAtStart, totalSteps - stepsAtStart, eta,
                               "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs) +
                                   "  loss " + std::to_string(meanLoss).substr(0, 6));
                if (hook)
                    hook(step);
            }
        }
        if (result.cancelled)
            break;
        EpochResult er;
        er.epoch = epoch + 1;
        er.trainLoss = seen ? lossSum.item<double>() / double(seen) : 0;
        er.trainTop1 = seen ? double(correct.item<int64_t>()) / double(seen) : 0;
        er.seconds = epochTime.elapsedSeconds();
        er.imagesPerSecond = er.seconds > 0 ? double(seen) / er.seconds : 0;
        if (!validation.empty()) {
            JobCallbacks quiet;
            quiet.stop = callbacks.stop;
            EvalOptions eo;
            eo.maxSamples = o.validationSamples;
            er.validation = evaluate(model, validation, device, eo, quiet);
            model.train();
        }
        result.epochs.push_back(er);
        if (callbacks.message) {
            char line[256];
            std::snprintf(line, sizeof line, "epoch %d/%d  train loss %.4f  top-1 %.2f%%  val top-1 %.2f%%  (%.1f s, %.0f img/s)",
                          er.epoch, o.epochs, er.trainLoss, 100 * er.trainTop1, 100 * er.validation.top1, er.seconds,
                          er.imagesPerSecond);
            callbacks.message(line);
        }
        if (!o.checkpoint.empty())
            saveCheckpoint(o.checkpoint, model, optimizer, epoch + 1, step);
        if (o.afterEpoch)
            o.afterEpoch(result.epochs.back());
    }
    result.steps = step;
    return result;
}

} // namespace ql::core::engine
