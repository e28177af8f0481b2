// quantlens-cli ptq, qat, errors, sensitivity, whatif: the quantization jobs.
#include "app/cli/common.h"
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/engine/jobs.h"
#include "core/engine/model_io.h"

#include <torch/torch.h>

#include <cstdio>
#include <iostream>

namespace ql::app::cli {
namespace {

using core::engine::Session;

std::vector<OptionSpec> sessionOptions()
{
    return {
        {"model", "FILE", "model file (.pth state dict or TorchScript, with FILE.json or --arch)", ""},
        {"arch", "ARCH", "architecture when the model file has no description beside it", ""},
        {"session", "FILE", "start from a saved session (.qls) instead of --model", ""},
        dataOption(),
        {"wmethod", "M", "weight quantizer: lsq, lsq+, pot, post, apot, minmax, percentile, mse, multipoint, none", ""},
        {"amethod", "M", "activation quantizer: lsq, lsq+, asq, pact, minmax, percentile, mse, none", ""},
        {"wbits", "B", "weight bits (2..16)", "4"},
        {"abits", "B", "activation bits (2..16)", "4"},
        {"per-tensor", "", "one weight step size per layer instead of per output channel", ""},
        {"lsqplus-config", "N", "LSQ+ configuration 1..4 (Table I of the paper)", "4"},
        {"init", "MODE", "activation init: default, minmax or mse", "default"},
        {"first-last-bits", "B", "bits of the first and last layer (0 = same as the others)", "8"},
        {"budget", "P", "multipoint: extra points per channel on average", "0.5"},
        {"config", "FILE", "per-layer config JSON (names or globs -> specs), applied over the flags", ""},
        {"calib", "N", "calibration images", "512"},
        {"out", "FILE", "save the session (.qls) here", ""},
        jsonOption(),
    };
}

std::vector<OptionSpec> plus(std::vector<OptionSpec> a, const std::vector<OptionSpec> &b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

core::quant::InitMode initFrom(const std::string &s)
{
    if (s == "default")
        return core::quant::InitMode::Default;
    if (s == "minmax")
        return core::quant::InitMode::MinMax;
    if (s == "mse")
        return core::quant::InitMode::Mse;
    throw UsageError("--init must be default, minmax or mse");
}

/// The recipe the flags describe, with the given weight and activation methods.
core::engine::QuantRecipe recipeFromArgs(const Args &args, const std::string &wmethod, const std::string &amethod)
{
    core::engine::QuantRecipe r;
    r.weightMethod = core::engine::parseMethod(wmethod);
    r.actMethod = core::engine::parseMethod(amethod);
    r.weightBits = args.getInt("wbits");
    r.actBits = args.getInt("abits");
    r.perChannel = !args.has("per-tensor");
    r.lsqPlusConfig = args.getInt("lsqplus-config");
    r.actInit = initFrom(args.get("init"));
    r.firstLastBits = args.getInt("first-last-bits");
    r.multipointBudget = args.getDouble("budget");
    return r;
}

/// What every quantization command sets up first: device and threads, a progress bar with
/// Ctrl-C handling, and the training and test splits of --data.
struct JobContext {
    explicit JobContext(const Args &args)
        : device(core::selectDevice(applyComputeOptions(args))), cb(terminalCallbacks(bar)),
          train(openData(args, core::data::Split::Train)), test(openData(args, core::data::Split::Test))
    {
    }
    core::DeviceInfo device;
    ProgressBar bar;
    core::engine::JobCallbacks cb;
    core::data::Dataset train;
    core::data::Dataset test;
};

/// Builds the session from --session or --model plus the recipe flags.
Session openSession(const Args &args, const std::string &defaultW, const std::string &defaultA)
{
    Session s;
    const bool fromSession = !args.get("session").empty();
    if (fromSession) {
        s = Session::load(args.get("session"));
    } else {
        if (args.get("model").empty())
            throw UsageError("--model FILE or --session FILE is required");
        s = Session(core::engine::loadModel(args.get("model"), args.get("arch")), args.get("data"));
    }
    if (!fromSession || args.has("wmethod") || args.has("amethod") || args.has("wbits") || args.has("abits")) {
        const auto r = recipeFromArgs(args, args.has("wmethod") ? args.get("wmethod") : defaultW,
                                      args.has("amethod") ? args.get("amethod") : defaultA);
        s.applyRecipe(r);
        for (const auto &c : s.config()) {
            core::quant::validateSpec(c.weight);
            core::quant::validateSpec(c.act);
        }
    }
    if (!args.get("config").empty())
        s.applyConfigFile(args.get("config"));
    return s;
}

nlohmann::json evalJson(const core::engine::EvalResult &e)
{
    return {{"top1", e.top1}, {"top5", e.top5}, {"loss", e.loss}, {"count", e.count}, {"seconds", e.seconds}};
}

/// Per-layer statistics of the session's current quantizers, for --json.
nlohmann::json layerJson(Session &s, const core::data::Dataset &data, c10::Device device)
{
    auto bus = std::make_shared<core::telemetry::Bus>();
    core::engine::TelemetryProbe probe(s, data, device, bus, /*probeImages=*/128);
    probe.publish(0);
    const auto latest = bus->latest();
    nlohmann::json out = nlohmann::json::array();
    for (const auto &c : s.config()) {
        nlohmann::json l{{"name", c.layer},
                         {"weight", nlohmann::json::parse(c.weight.toJson())},
                         {"act", nlohmann::json::parse(c.act.toJson())},
                         {"enabled", c.enabled}};
        if (auto it = latest.find(c.layer); it != latest.end()) {
            const auto &w = it->second->weight;
            const auto &a = it->second->activation;
            l["weight_stats"] = {{"step", w.step},          {"step_per_channel", w.stepPerChannel},
                                 {"sqnr_db", w.sqnrDb},     {"mse", w.mse},
                                 {"clipped_low", w.clippedLow}, {"clipped_high", w.clippedHigh}};
            l["act_stats"] = {{"step", a.step},         {"offset", a.offset},     {"sqnr_db", a.sqnrDb},
                              {"mse", a.mse},           {"clipped_low", a.clippedLow}, {"clipped_high", a.clippedHigh},
                              {"clip_lo", a.clipLo},    {"clip_hi", a.clipHi}};
        }
        out.push_back(l);
    }
    return out;
}

void printLayerTable(Session &s, const nlohmann::json &layers)
{
    std::printf("%-22s %-26s %-26s %10s %10s %9s\n", "layer", "weight", "activation", "w SQNR dB", "a SQNR dB", "a offset");
    for (const auto &l : layers) {
        const auto &c = s.layerConfig(l["name"].get<std::string>());
        std::printf("%-22s %-26s %-26s %10.2f %10.2f %9.4f\n", c.layer.c_str(), c.weight.label().c_str(),
                    c.act.label().c_str(), l.value("/weight_stats/sqnr_db"_json_pointer, 0.0),
                    l.value("/act_stats/sqnr_db"_json_pointer, 0.0), l.value("/act_stats/offset"_json_pointer, 0.0));
    }
}

void saveIfAsked(const Args &args, Session &s, const nlohmann::json &results)
{
    if (args.get("out").empty())
        return;
    s.save(args.get("out"), &results);
    std::cerr << "session written to " << args.get("out") << "\n";
}

int runPtq(const Args &args)
{
    JobContext ctx(args);
    auto &[device, bar, cb, train, test] = ctx;
    Session s = openSession(args, "mse", "mse");
    core::engine::EvalOptions eo;
    eo.maxSamples = args.getInt("limit");
    const auto r = core::engine::runPtq(s, train, test, device.device, args.getInt("calib"), cb, eo);
    bar.finish();
    const auto layers = layerJson(s, test, device.device);
    printLayerTable(s, layers);
    std::printf("FP32 top-1 %.2f%%   quantized top-1 %.2f%%   (drop %.2f points, %lld images)\n", 100 * r.fp32.top1,
                100 * r.quantized.top1, 100 * (r.fp32.top1 - r.quantized.top1), static_cast<long long>(r.quantized.count));
    nlohmann::json j{{"job", "ptq"}, {"device", device.name}, {"fp32", evalJson(r.fp32)}, {"quantized", evalJson(r.quantized)},
                     {"layers", layers}};
    saveIfAsked(args, s, j);
    writeJsonIfAsked(args, j);
    return 0;
}

int runQat(const Args &args)
{
    JobContext ctx(args);
    auto &[device, bar, cb, train, test] = ctx;
    torch::manual_seed(static_cast<uint64_t>(args.getInt("seed")));
    Session s = openSession(args, "lsq", "lsq");
    core::engine::QatOptions o;
    o.calibrationImages = args.getInt("calib");
    o.train.epochs = args.getInt("epochs");
    o.train.batchSize = args.getInt("batch");
    o.train.learningRate = args.getDouble("lr");
    o.train.quantLearningRate = args.getDouble("qlr");
    o.train.weightDecay = args.getDouble("wd");
    o.train.seed = static_cast<uint64_t>(args.getInt("seed"));
    o.train.workers = args.getInt("workers");
    o.train.maxStepsPerEpoch = args.getInt("steps-per-epoch");
    o.train.checkpoint = args.get("checkpoint");
    o.train.resume = args.has("resume");
    core::engine::Eta total;
    const auto r = core::engine::runQat(s, train, test, device.device, o, cb);
    bar.finish();
    const auto layers = layerJson(s, test, device.device);
    printLayerTable(s, layers);
    std::printf("FP32 top-1 %.2f%%   after QAT top-1 %.2f%%  (%d epochs, %.1f s)\n", 100 * r.eval.fp32.top1,
                100 * r.eval.quantized.top1, static_cast<int>(r.train.epochs.size()), total.elapsedSeconds());
    nlohmann::json j{{"job", "qat"},
                     {"device", device.name},
                     {"seed", args.getInt("seed")},
                     {"fp32", evalJson(r.eval.fp32)},
                     {"quantized", evalJson(r.eval.quantized)},
                     {"layers", layers},
                     {"seconds", total.elapsedSeconds()},
                     {"cancelled", r.train.cancelled}};
    for (const auto &e : r.train.epochs)
        j["epochs"].push_back({{"epoch", e.epoch}, {"train_loss", e.trainLoss}, {"val_top1", e.validation.top1},
                               {"seconds", e.seconds}, {"images_per_second", e.imagesPerSecond}});
    saveIfAsked(args, s, j);
    writeJsonIfAsked(args, j);
    return r.train.cancelled ? 1 : 0;
}

/// Sessions for errors/sensitivity/whatif: calibrated PTQ unless a session is given.
void prepare(Session &s, const Args &args, const core::data::Dataset &train, c10::Device device,
             const core::engine::JobCallbacks &cb)
{
    if (!args.get("session").empty() && !args.has("wmethod") && !args.has("wbits") && !args.has("abits") &&
        !args.has("amethod"))
        return; // a saved session is already calibrated or trained
    s.buildQuantizers();
    core::engine::calibrate(s, core::data::calibrationSubset(train, args.getInt("calib"), 0), device, cb);
}

int runErrors(const Args &args)
{
    JobContext ctx(args);
    auto &[device, bar, cb, train, test] = ctx;
    nlohmann::json j{{"job", "errors"}, {"device", device.name}};
    std::vector<std::pair<std::string, std::string>> configs{{args.get("wmethod"), args.get("amethod")}};
    if (!args.get("compare").empty()) {
        const auto spec = args.get("compare");
        const auto slash = spec.find('/');
        if (slash == std::string::npos)
            throw UsageError("--compare expects WMETHOD/AMETHOD, e.g. lsq/asq");
        configs.emplace_back(spec.substr(0, slash), spec.substr(slash + 1));
    }
    for (const auto &[w, a] : configs) {
        Session s = openSession(args, w.empty() ? "minmax" : w, a.empty() ? "minmax" : a);
        if (!w.empty() || !a.empty()) {
            const auto r = recipeFromArgs(args, w.empty() ? "minmax" : w, a.empty() ? "minmax" : a);
            s.applyRecipe(r);
            s.buildQuantizers();
            core::engine::calibrate(s, core::data::calibrationSubset(train, args.getInt("calib"), 0), device.device, cb);
        } else {
            prepare(s, args, train, device.device, cb);
        }
        auto acc = core::engine::errorAccumulation(s, test, device.device, args.getInt("samples"), cb);
        acc.label = (w.empty() ? std::string("minmax") : w) + "/" + (a.empty() ? std::string("minmax") : a) + " W" +
                    args.get("wbits") + "A" + args.get("abits");
        bar.finish();
        std::printf("%s\n%-14s %12s\n", acc.label.c_str(), "block", "L2 error");
        for (size_t b = 0; b < acc.blockL2.size(); ++b)
            std::printf("%-14s %12.5f\n", acc.blocks[b].c_str(), acc.blockL2[b]);
        j["configs"].push_back({{"label", acc.label},
                                {"blocks", acc.blocks},
                                {"block_l2", acc.blockL2},
                                {"layers", acc.layers},
                                {"layer_l2", acc.layerL2}});
    }
    writeJsonIfAsked(args, j);
    return 0;
}

int runSensitivity(const Args &args)
{
    JobContext ctx(args);
    auto &[device, bar, cb, train, test] = ctx;
    Session s = openSession(args, "minmax", "minmax");
    prepare(s, args, train, device.device, cb);
    const auto rows = core::engine::sensitivity(s, test, device.device, args.getInt("samples"), cb);
    bar.finish();
    std::vector<const core::engine::SensitivityRow *> sorted;
    for (const auto &r : rows)
        sorted.push_back(&r);
    std::sort(sorted.begin(), sorted.end(), [](auto *a, auto *b) { return a->rank < b->rank; });
    std::printf("%4s %-24s %-26s %10s %10s\n", "rank", "layer", "weight / act", "top-1 drop", "KL");
    nlohmann::json j{{"job", "sensitivity"}, {"device", device.name}};
    for (const auto *r : sorted) {
        const auto &c = s.layerConfig(r->layer);
        const std::string cfg = "W" + std::to_string(c.weight.bits) + "A" + std::to_string(c.act.bits) + " " +
                                core::quant::methodName(c.weight.method);
        std::printf("%4d %-24s %-26s %9.2f%% %10.5f\n", r->rank, r->layer.c_str(), cfg.c_str(), 100 * r->top1Drop, r->kl);
        j["layers"].push_back({{"rank", r->rank}, {"layer", r->layer}, {"top1", r->top1}, {"top1_drop", r->top1Drop}, {"kl", r->kl}});
    }
    writeJsonIfAsked(args, j);
    return 0;
}

int runWhatIf(const Args &args)
{
    JobContext ctx(args);
    auto &[device, bar, cb, train, test] = ctx;
    Session s = openSession(args, "minmax", "minmax");
    prepare(s, args, train, device.device, cb);
    const std::string layer = args.get("layer");
    if (layer.empty())
        throw UsageError("--layer NAME is required");
    core::engine::EvalOptions eo;
    eo.maxSamples = args.getInt("samples");
    const auto before = core::engine::evaluate(*s.model(), test, device.device, eo);
    const auto r = core::engine::whatIf(s, layer, args.getInt("to-wbits"), args.getInt("to-abits"), test, device.device,
                                        args.getInt("samples"));
    bar.finish();
    std::printf("%s: top-1 %.2f%% -> %.2f%% on %lld images (re-quantize + evaluate: %.0f ms)\n", layer.c_str(),
                100 * before.top1, 100 * r.eval.top1, static_cast<long long>(r.eval.count), 1000 * r.seconds);
    nlohmann::json j{{"job", "whatif"}, {"layer", layer}, {"before", evalJson(before)}, {"after", evalJson(r.eval)},
                     {"seconds", r.seconds}};
    saveIfAsked(args, s, j);
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
    plus(plus(sessionOptions(), {{"limit", "N", "evaluate on the first N test images (0 = all)", "0"}}), computeOptions()),
    runPtq,
}};

const CommandRegistrar kQat{Command{
    "qat",
    "quantization-aware training (LSQ, LSQ+, ASQ, POT/POST, PACT) from an FP32 model",
    "quantlens-cli qat --model FILE [--wmethod lsq] [--amethod lsq+] [--wbits 4] [--abits 4] --epochs N [--out S.qls]",
    "Quantizers are initialised as each method specifies on --calib images, then trained with SGD\n"
    "(momentum, cosine decay, weight decay on weights only) and a separate learning rate --qlr for\n"
    "step sizes, offsets and adapters. A loss or parameter that turns NaN stops the run naming the layer.",
    plus(plus(sessionOptions(),
              {{"epochs", "N", "training epochs", "3"},
               {"batch", "N", "batch size", "128"},
               {"lr", "LR", "learning rate of the weights", "0.005"},
               {"qlr", "LR", "learning rate of the quantizer parameters", "0.001"},
               {"wd", "WD", "weight decay (weights only)", "1e-4"},
               {"seed", "N", "random seed", "0"},
               {"workers", "N", "data-loader threads", "2"},
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
    "second configuration on the same axes.",
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
