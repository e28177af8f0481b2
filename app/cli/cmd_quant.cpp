// quantlens-cli ptq, qat, errors, sensitivity, whatif: the quantization jobs, on the
// engine's Workbench (the same functions the GUI calls).
#include "app/cli/common.h"
#include "core/common/error.h"
#include "core/data/dataloader.h"
#include "core/engine/workbench.h"
#include "ql/types/methods.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>

namespace ql::app::cli {
namespace {

using core::engine::Workbench;

std::vector<OptionSpec> sessionOptions()
{
    std::vector<OptionSpec> options{
        {"model", "FILE", "model file: .onnx, or a .pth state dict or TorchScript (with FILE.json or --arch)", ""},
        {"arch", "ARCH", "architecture when the model file has no description beside it", ""},
        {"session", "FILE", "start from a saved session (.qls) instead of --model", ""},
        dataOption(),
        {"wmethod", "M", "weight quantizer: " + types::methodNames(types::Role::Weight), ""},
        {"amethod", "M", "activation quantizer: " + types::methodNames(types::Role::Activation), ""},
        {"wbits", "B", "weight bits (2..16; POT/POST 2..8)", "4"},
        {"abits", "B", "activation bits (2..16)", "4"},
        {"per-tensor", "", "one weight step size per layer instead of per output channel", ""},
        {"lsqplus-config", "N", "LSQ+ configuration 1..4 (Table I of the paper)", "4"},
        {"init", "MODE", "LSQ/LSQ+ activation init: default (the method's own), minmax or mse", "default"},
        {"first-last-bits", "B", "bits of the first and last layer (0 = same as the others)", "8"},
        {"budget", "P", "multipoint: extra points per channel on average", "0.5"},
        {"config", "FILE", "per-layer config JSON (names or globs -> specs), applied over the flags", ""},
        {"calib", "N", "calibration images (1..1000000)", "512"},
        {"out", "FILE", "save the session (.qls) here", ""},
        jsonOption(),
        trustOption(),
        verboseOption(),
    };
    for (auto &o : preprocessingOptions())
        options.push_back(o);
    return options;
}

std::vector<OptionSpec> plus(std::vector<OptionSpec> a, const std::vector<OptionSpec> &b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

types::InitMode initFrom(const std::string &s)
{
    if (s == "default")
        return types::InitMode::Default;
    if (s == "minmax")
        return types::InitMode::MinMax;
    if (s == "mse")
        return types::InitMode::Mse;
    throw UsageError("--init must be default, minmax or mse");
}

/// The recipe the flags describe, with the given weight and activation methods. A method or
/// bit-width the registry does not allow is a bad command line (exit 2).
types::QuantRecipe recipeFromArgs(const Args &args, const std::string &wmethod, const std::string &amethod)
{
    types::QuantRecipe r;
    try {
        r.weightMethod = types::methodFromName(wmethod, types::Role::Weight);
        r.actMethod = types::methodFromName(amethod, types::Role::Activation);
        r.weightBits = args.getInt("wbits");
        r.actBits = args.getInt("abits");
        r.perChannel = !args.has("per-tensor");
        r.lsqPlusConfig = args.getInt("lsqplus-config");
        r.actInit = initFrom(args.get("init"));
        r.firstLastBits = args.getInt("first-last-bits");
        r.multipointBudget = args.getDouble("budget");
        types::validateRecipe(r);
    } catch (const core::Error &e) {
        throw UsageError(e.full());
    }
    return r;
}

/// Largest image counts (calibration, samples, evaluation limits) the commands accept.
constexpr int kMaxImages = 1000000;

/// What every quantization command sets up first: device and threads, a progress bar with
/// Ctrl-C handling, and the workbench.
struct JobContext {
    explicit JobContext(const Args &args) : cb(terminalCallbacks(bar)) { wb.setDevice(applyComputeOptions(args)); }
    Workbench wb;
    ProgressBar bar;
    core::engine::JobCallbacks cb;
};

/// Opens --data (when given), then --session or --model, then applies the recipe flags (over a
/// session only when a method or bit flag is given) and --config.
void openFromArgs(Workbench &wb, const Args &args, const std::string &defaultW, const std::string &defaultA)
{
    const bool fromSession = !args.get("session").empty();
    if (!fromSession && args.get("model").empty())
        throw UsageError("--model FILE or --session FILE is required");
    const bool recipeFlags = args.has("wmethod") || args.has("amethod") || args.has("wbits") || args.has("abits");
    const auto recipe = recipeFromArgs(args, args.has("wmethod") ? args.get("wmethod") : defaultW,
                                       args.has("amethod") ? args.get("amethod") : defaultA);
    args.getInt("calib", 1, kMaxImages); // a bad value is a usage error before anything is loaded
    wb.setTrustTorchScript(args.has("trust-torchscript"));
    if (args.has("data"))
        reportSkipped(wb.openData(args.get("data")), args);
    if (fromSession) {
        wb.openSession(args.get("session"));
        if (recipeFlags)
            wb.applyRecipe(recipe);
    } else {
        wb.openModel(args.get("model"), args.get("arch"), recipe, preprocessingFromArgs(args));
    }
    if (!args.has("data"))
        reportSkipped(wb.dataInfo(), args);
    if (!args.get("config").empty())
        wb.applyConfigFile(args.get("config"));
}

/// Per-layer statistics of the current quantizers, for --json and the table.
nlohmann::json layerJson(Workbench &wb)
{
    const auto latest = wb.snapshot(/*probeImages=*/128);
    nlohmann::json out = nlohmann::json::array();
    for (const auto &c : wb.config()) {
        nlohmann::json l{{"name", c.layer},
                         {"weight", nlohmann::json::parse(c.weight.toJson())},
                         {"act", nlohmann::json::parse(c.act.toJson())},
                         {"enabled", c.enabled}};
        if (auto it = latest.find(c.layer); it != latest.end()) {
            const auto &w = it->second->weight;
            const auto &a = it->second->activation;
            l["weight_stats"] = {
                {"step", w.step}, {"step_per_channel", w.stepPerChannel}, {"sqnr_db", w.sqnrDb},
                {"mse", w.mse},   {"clipped_low", w.clippedLow},          {"clipped_high", w.clippedHigh}};
            l["act_stats"] = {{"step", a.step},      {"offset", a.offset},          {"sqnr_db", a.sqnrDb},
                              {"mse", a.mse},        {"clipped_low", a.clippedLow}, {"clipped_high", a.clippedHigh},
                              {"clip_lo", a.clipLo}, {"clip_hi", a.clipHi}};
        }
        out.push_back(l);
    }
    return out;
}

void printLayerTable(Workbench &wb, const nlohmann::json &layers)
{
    std::printf("%-22s %-26s %-26s %10s %10s %9s\n", "layer", "weight", "activation", "w SQNR dB", "a SQNR dB",
                "a offset");
    const auto &config = wb.config();
    for (size_t i = 0; i < config.size() && i < layers.size(); ++i) {
        const auto &c = config[i];
        const auto &l = layers[i];
        std::printf("%-22s %-26s %-26s %10.2f %10.2f %9.4f\n", c.layer.c_str(), c.weight.label().c_str(),
                    c.act.label().c_str(), l.value("/weight_stats/sqnr_db"_json_pointer, 0.0),
                    l.value("/act_stats/sqnr_db"_json_pointer, 0.0), l.value("/act_stats/offset"_json_pointer, 0.0));
    }
}

void saveIfAsked(const Args &args, Workbench &wb, const nlohmann::json &results)
{
    if (args.get("out").empty())
        return;
    wb.save(args.get("out"), results.dump());
    std::cerr << "session written to " << args.get("out") << "\n";
}

int runPtq(const Args &args)
{
    JobContext ctx(args);
    auto &[wb, bar, cb] = ctx;
    openFromArgs(wb, args, "mse", "mse");
    types::EvalOptions eo;
    eo.maxSamples = args.getInt("limit", 0, kMaxImages);
    const auto r = wb.ptq(args.getInt("calib", 1, kMaxImages), eo, cb);
    bar.finish();
    const auto layers = layerJson(wb);
    printLayerTable(wb, layers);
    if (r.quantized.agreement)
        std::printf("quantized against FP32: %s  (%lld images)\n", scoreText(r.quantized).c_str(),
                    static_cast<long long>(r.quantized.count));
    else
        std::printf("FP32 top-1 %.2f%%   quantized top-1 %.2f%%   (drop %.2f points, %lld images)\n", 100 * r.fp32.top1,
                    100 * r.quantized.top1, 100 * (r.fp32.top1 - r.quantized.top1),
                    static_cast<long long>(r.quantized.count));
    nlohmann::json j{{"job", "ptq"},
                     {"device", wb.deviceName()},
                     {"fp32", evalJson(r.fp32)},
                     {"quantized", evalJson(r.quantized)},
                     {"layers", layers}};
    saveIfAsked(args, wb, j);
    writeJsonIfAsked(args, j);
    return 0;
}

int runQat(const Args &args)
{
    types::QatOptions o;
    o.calibrationImages = args.getInt("calib", 1, kMaxImages);
    o.train.epochs = args.getInt("epochs", 1, 100000);
    o.train.batchSize = args.getInt("batch", 1, 65536);
    o.train.learningRate = args.getDouble("lr");
    o.train.quantLearningRate = args.has("qlr") ? args.getDouble("qlr") : -1.0;
    o.train.weightDecay = args.getDouble("wd");
    o.train.seed = static_cast<uint64_t>(args.getInt("seed", 0, std::numeric_limits<int>::max()));
    o.train.workers = args.getInt("workers", 0, core::data::kMaxWorkers);
    o.train.maxStepsPerEpoch = args.getInt("steps-per-epoch", 0, std::numeric_limits<int>::max());
    o.train.checkpoint = args.get("checkpoint");
    o.train.resume = args.has("resume");
    if (!(o.train.learningRate > 0) || (args.has("qlr") && o.train.quantLearningRate < 0) || o.train.weightDecay < 0)
        throw UsageError("--lr must be positive, --qlr and --wd not negative");
    JobContext ctx(args);
    auto &[wb, bar, cb] = ctx;
    openFromArgs(wb, args, "lsq", "lsq");
    core::engine::Eta total;
    const auto r = wb.qat(o, cb);
    bar.finish();
    const auto layers = layerJson(wb);
    printLayerTable(wb, layers);
    std::printf("FP32 top-1 %.2f%%   after QAT top-1 %.2f%%  (%d epochs, %.1f s)\n", 100 * r.eval.fp32.top1,
                100 * r.eval.quantized.top1, static_cast<int>(r.train.epochs.size()), total.elapsedSeconds());
    nlohmann::json j{{"job", "qat"},
                     {"device", wb.deviceName()},
                     {"seed", args.getInt("seed")},
                     {"fp32", evalJson(r.eval.fp32)},
                     {"quantized", evalJson(r.eval.quantized)},
                     {"layers", layers},
                     {"seconds", total.elapsedSeconds()},
                     {"cancelled", r.train.cancelled},
                     {"diverged", !r.diverged.empty()}};
    for (const auto &e : r.train.epochs)
        j["epochs"].push_back({{"epoch", e.epoch},
                               {"train_loss", e.trainLoss},
                               {"val_top1", e.validation.top1},
                               {"seconds", e.seconds},
                               {"images_per_second", e.imagesPerSecond}});
    j["quantizer_movement"] = nlohmann::json::array();
    for (const auto &m : r.movement)
        j["quantizer_movement"].push_back({{"layer", m.layer},
                                           {"tensor", m.tensor},
                                           {"parameter", m.parameter},
                                           {"start", m.start},
                                           {"end", m.end},
                                           {"relative_change", m.relativeChange}});
    if (!r.diverged.empty()) {
        // A diverged run leaves any earlier session at --out as it was.
        writeJsonIfAsked(args, j);
        throw core::Error("QAT failed: " + r.diverged + (args.get("out").empty() ? "." : "; no session was written."),
                          "Lower the learning rate (--lr, --qlr), use more bits, or start from a better FP32 model.");
    }
    saveIfAsked(args, wb, j);
    writeJsonIfAsked(args, j);
    return r.train.cancelled ? 1 : 0;
}

/// Errors, sensitivity and what-if work on calibrated quantizers: a saved session's, or
/// PTQ-calibrated ones from the flags.
void ensureCalibrated(Workbench &wb, const Args &args, const core::engine::JobCallbacks &cb)
{
    if (!wb.calibrated())
        wb.calibrate(args.getInt("calib", 1, kMaxImages), cb);
}

nlohmann::json errorsJson(const types::ErrorAccumulation &acc)
{
    return {{"label", acc.label},
            {"blocks", acc.blocks},
            {"block_l2", acc.blockL2},
            {"layers", acc.layers},
            {"layer_l2", acc.layerL2}};
}

void printErrors(const types::ErrorAccumulation &acc)
{
    std::printf("%s\n%-14s %12s\n", acc.label.c_str(), "block", "L2 error");
    for (size_t b = 0; b < acc.blockL2.size(); ++b)
        std::printf("%-14s %12.5f\n", acc.blocks[b].c_str(), acc.blockL2[b]);
}

int runErrors(const Args &args)
{
    JobContext ctx(args);
    auto &[wb, bar, cb] = ctx;
    openFromArgs(wb, args, "minmax", "minmax");
    ensureCalibrated(wb, args, cb);
    nlohmann::json j{{"job", "errors"}, {"device", wb.deviceName()}};
    if (args.get("compare").empty()) {
        const auto acc = wb.errors(args.getInt("samples", 1, kMaxImages), cb);
        bar.finish();
        printErrors(acc);
        j["configs"].push_back(errorsJson(acc));
    } else {
        const auto spec = args.get("compare");
        const auto slash = spec.find('/');
        if (slash == std::string::npos)
            throw UsageError("--compare expects WMETHOD/AMETHOD, e.g. lsq/asq");
        const auto other = recipeFromArgs(args, spec.substr(0, slash), spec.substr(slash + 1));
        const auto c =
            wb.compare(other, args.getInt("calib", 1, kMaxImages), args.getInt("samples", 1, kMaxImages), cb);
        bar.finish();
        for (const auto &acc : {c.errorsA, c.errorsB}) {
            if (!acc)
                continue;
            printErrors(*acc);
            j["configs"].push_back(errorsJson(*acc));
        }
    }
    writeJsonIfAsked(args, j);
    return 0;
}

int runSensitivity(const Args &args)
{
    JobContext ctx(args);
    auto &[wb, bar, cb] = ctx;
    openFromArgs(wb, args, "minmax", "minmax");
    ensureCalibrated(wb, args, cb);
    const auto rows = wb.sensitivity(args.getInt("samples", 1, kMaxImages), cb);
    bar.finish();
    std::vector<const types::SensitivityRow *> sorted;
    for (const auto &r : rows)
        sorted.push_back(&r);
    std::sort(sorted.begin(), sorted.end(), [](auto *a, auto *b) { return a->rank < b->rank; });
    std::printf("%4s %-24s %-26s %10s %10s %10s\n", "rank", "layer", "weight / act", "top-1 drop", "KL", "SQNR dB");
    nlohmann::json j{{"job", "sensitivity"}, {"device", wb.deviceName()}};
    for (const auto *r : sorted) {
        const auto &c = wb.layerConfig(r->layer);
        const std::string cfg = "W" + std::to_string(c.weight.bits) + "A" + std::to_string(c.act.bits) + " " +
                                types::methodName(c.weight.method);
        std::printf("%4d %-24s %-26s %9.2f%% %10.5f %10.2f\n", r->rank, r->layer.c_str(), cfg.c_str(),
                    100 * r->top1Drop, r->kl, r->sqnrDb);
        j["layers"].push_back({{"rank", r->rank},
                               {"layer", r->layer},
                               {"top1", r->top1},
                               {"top1_drop", r->top1Drop},
                               {"kl", r->kl},
                               {"sqnr_db", std::isfinite(r->sqnrDb) ? nlohmann::json(r->sqnrDb) : nlohmann::json()}});
    }
    writeJsonIfAsked(args, j);
    return 0;
}

int runWhatIf(const Args &args)
{
    const std::string layer = args.get("layer");
    if (layer.empty())
        throw UsageError("--layer NAME is required");
    JobContext ctx(args);
    auto &[wb, bar, cb] = ctx;
    openFromArgs(wb, args, "minmax", "minmax");
    auto change = wb.layerConfig(layer); // an unknown layer fails here, before any calibration
    const int toW = args.getInt("to-wbits", 0, 32), toA = args.getInt("to-abits", 0, 32);
    const int samples = args.getInt("samples", 1, kMaxImages);
    if (toW > 0)
        change.weight.bits = toW;
    if (toA > 0)
        change.act.bits = toA;
    try {
        types::validateSpec(change.weight, types::Role::Weight);
        types::validateSpec(change.act, types::Role::Activation);
    } catch (const core::Error &e) {
        throw UsageError(e.full());
    }
    ensureCalibrated(wb, args, cb);
    types::EvalOptions eo;
    eo.maxSamples = samples;
    const auto before = wb.evaluate(core::engine::DataSplit::Test, eo);
    const auto r = wb.whatIf(change, samples);
    bar.finish();
    std::printf("%s: %s -> %s on %lld images (re-quantize + evaluate: %.0f ms)\n", layer.c_str(),
                scoreText(before).c_str(), scoreText(r.eval).c_str(), static_cast<long long>(r.eval.count),
                1000 * r.seconds);
    nlohmann::json j{{"job", "whatif"},
                     {"layer", layer},
                     {"before", evalJson(before)},
                     {"after", evalJson(r.eval)},
                     {"seconds", r.seconds}};
    saveIfAsked(args, wb, j);
    writeJsonIfAsked(args, j);
    return 0;
}

const CommandRegistrar kPtq{Command{
    "ptq",
    "post-training quantization: calibrate, then compare FP32 and quantized accuracy",
    "quantlens-cli ptq --model FILE [--wmethod mse] [--amethod mse] [--wbits 4] [--abits 4] [--out S.qls]",
    "Range setters: minmax, percentile, mse (per-tensor or per-channel weights). --wmethod multipoint\n"
    "approximates each output channel by a sum of low-bit vectors under --budget extra points.\n"
    "The first and last layer stay at --first-last-bits (8), as in the papers.",
    plus(plus(sessionOptions(), {{"limit", "N", "evaluate on the first N test images (0 = all)", "0"}}),
         computeOptions()),
    runPtq,
}};

const CommandRegistrar kQat{Command{
    "qat",
    "quantization-aware training (LSQ, LSQ+, ASQ, POT/POST, PACT) from an FP32 model",
    "quantlens-cli qat --model FILE [--wmethod lsq] [--amethod lsq+] [--wbits 4] [--abits 4] --epochs N [--out S.qls]",
    "Quantizers are initialised as each method specifies on --calib images, then trained with SGD\n"
    "(momentum, cosine decay, weight decay on weights only). As in the papers, the quantizer\n"
    "parameters (step sizes, offsets, alpha, ASQ adapters) learn with the network's optimiser,\n"
    "learning rate and schedule, without weight decay; --qlr gives them a learning rate of their own.\n"
    "The JSON result reports each learned parameter's start and end value. A loss or parameter\n"
    "that turns NaN stops the run naming the layer; a run whose last epoch ends at chance level\n"
    "(top-1 at most 1.2 / classes) counts as diverged: exit status 1 and no session written.",
    plus(plus(sessionOptions(),
              {{"epochs", "N", "training epochs", "3"},
               {"batch", "N", "batch size", std::to_string(types::qatDefaults().batchSize)},
               {"lr", "LR", "learning rate of the weights", "0.005"},
               {"qlr", "LR", "learning rate of the quantizer parameters (default: --lr)", ""},
               {"wd", "WD", "weight decay (weights only)", "1e-4"},
               {"seed", "N", "random seed", "0"},
               {"workers", "N", "data-loader threads, 0.." + std::to_string(core::data::kMaxWorkers), "2"},
               {"steps-per-epoch", "N", "limit each epoch to N steps (0 = all)", "0"},
               {"checkpoint", "FILE", "checkpoint after every epoch", ""},
               {"resume", "", "continue from --checkpoint", ""}}),
         computeOptions()),
    runQat,
}};

const CommandRegistrar kErrors{Command{
    "errors",
    "error accumulation: per-block L2 error of the quantized model against FP32",
    "quantlens-cli errors --model FILE [--wmethod M --amethod M] [--compare WM/AM] [--samples N]",
    "For each block, ||y_fp - y_q||_2 of its output with the model quantized up to and including that\n"
    "block (mean over samples), and each layer's own weight quantization error. --compare adds a\n"
    "second configuration (PTQ-calibrated) on the same axes.",
    plus(plus(sessionOptions(), {{"compare", "WM/AM", "a second configuration, e.g. lsq/asq", ""},
                                 {"samples", "N", "test images", "256"}}),
         computeOptions()),
    runErrors,
}};

const CommandRegistrar kSensitivity{Command{
    "sensitivity",
    "quantize each layer alone and rank the layers by accuracy drop and output KL",
    "quantlens-cli sensitivity --model FILE [--wbits 4 --abits 4] [--samples 1000]",
    "",
    plus(plus(sessionOptions(), {{"samples", "N", "test images", "1000"}}), computeOptions()),
    runSensitivity,
}};

const CommandRegistrar kWhatIf{Command{
    "whatif",
    "change one layer's bit-widths and re-evaluate at once",
    "quantlens-cli whatif --model FILE --layer NAME [--to-wbits B] [--to-abits B] [--samples 512]",
    "",
    plus(plus(sessionOptions(), {{"layer", "NAME", "the layer to change", ""},
                                 {"to-wbits", "B", "new weight bits (0 = keep)", "0"},
                                 {"to-abits", "B", "new activation bits (0 = keep)", "0"},
                                 {"samples", "N", "test images", "512"}}),
         computeOptions()),
    runWhatIf,
}};

} // namespace
} // namespace ql::app::cli
