#include "app/cli/common.h"
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/data/loaders.h"
#include "core/data/transforms.h"
#include "core/engine/model_io.h"
#include "core/engine/session.h"
#include "core/engine/trainer.h"

#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <iostream>

namespace ql::app::cli {
namespace {

std::vector<OptionSpec> withCompute(std::vector<OptionSpec> o)
{
    for (auto &c : computeOptions())
        o.push_back(c);
    return o;
}

OptionSpec modelOption() { return {"model", "FILE", "model file (.pth state dict or TorchScript; FILE.json names the architecture)", ""}; }
OptionSpec sessionOption() { return {"session", "FILE", "run a saved session's quantized model instead of --model", ""}; }
OptionSpec archOption() { return {"arch", "ARCH", "architecture when FILE has no FILE.json beside it", ""}; }

core::engine::LoadedModel loadFromArgs(const Args &args)
{
    if (!args.get("session").empty()) {
        // A session's model runs quantized, with its learned/calibrated quantizers.
        const auto s = core::engine::Session::load(args.get("session"));
        core::engine::LoadedModel m;
        m.model = s.model();
        m.meta = s.meta();
        return m;
    }
    std::string path = args.get("model");
    if (path.empty() && !args.positional().empty())
        path = args.positional().front();
    if (path.empty())
        throw UsageError("--model FILE or --session FILE is required");
    return core::engine::loadModel(path, args.get("arch"));
}

int runEval(const Args &args)
{
    const auto device = core::selectDevice(applyComputeOptions(args));
    ProgressBar bar;
    auto cb = terminalCallbacks(bar);
    auto loaded = loadFromArgs(args);
    const auto split = args.get("split") == "train" ? core::data::Split::Train : core::data::Split::Test;
    if (args.get("split") != "train" && args.get("split") != "test")
        throw UsageError("--split must be train or test");
    const auto data = openData(args, split);
    core::engine::EvalOptions eo;
    eo.batchSize = args.getInt("batch");
    eo.maxSamples = args.getInt("limit");
    const auto r = core::engine::evaluate(*loaded.model, data, device.device, eo, cb);
    bar.finish();
    std::printf("%s on %s (%s, %lld images): top-1 %.2f%%  top-5 %.2f%%  loss %.4f  (%.1f s)\n",
                loaded.meta.arch.c_str(), data.name().c_str(), args.get("split").c_str(), static_cast<long long>(r.count),
                100 * r.top1, 100 * r.top5, r.loss, r.seconds);
    nlohmann::json j{{"model", args.get("model")}, {"arch", loaded.meta.arch}, {"data", data.name()},
                     {"split", args.get("split")}, {"count", r.count},     {"top1", r.top1},
                     {"top5", r.top5},             {"loss", r.loss},       {"seconds", r.seconds},
                     {"device", device.name}};
    writeJsonIfAsked(args, j);
    return r.cancelled ? 1 : 0;
}

const CommandRegistrar kEval{Command{
    "eval",
    "evaluate a model: top-1, top-5 and loss on a data set",
    "quantlens-cli eval --model FILE|--session FILE [--data NAME|PATH] [--split test|train] [--json FILE]",
    "",
    withCompute({modelOption(), sessionOption(), archOption(), dataOption(), {"split", "SPLIT", "train or test", "test"},
                 {"batch", "N", "batch size", "256"}, {"limit", "N", "evaluate only the first N images (0 = all)", "0"},
                 jsonOption()}),
    runEval,
}};

int runPredict(const Args &args)
{
    const auto device = core::selectDevice(applyComputeOptions(args));
    auto loaded = loadFromArgs(args);
    auto &model = *loaded.model;
    torch::Tensor logits;
    std::vector<std::string> names;
    std::vector<std::string> classNames;
    std::vector<std::string> files(args.positional().begin() + (args.get("model").empty() && args.get("session").empty() ? 1 : 0), args.positional().end());
    if (!files.empty()) {
        std::vector<std::filesystem::path> paths(files.begin(), files.end());
        auto batch = core::engine::loadImageFiles(paths, model.defaultInputShape());
        const std::string dataName = args.has("data") ? args.get("data") : loaded.meta.dataset;
        if (!dataName.empty()) {
            const auto d = core::data::openDataset(dataName, core::data::Split::Test);
            batch = core::data::normalize(batch, d.normalization());
            classNames = d.classNames();
        }
        torch::NoGradGuard noGrad;
        model.eval();
        model.to(device.device);
        logits = model.forward(batch.to(device.device)).to(torch::kCPU);
        names = files;
    } else {
        const auto data = openData(args, core::data::Split::Test);
        classNames = data.classNames();
        const int64_t count = args.getInt("count");
        logits = core::engine::predictLogits(model, data, device.device, count);
        for (int64_t i = 0; i < logits.size(0); ++i)
            names.push_back(data.name() + ":test:" + std::to_string(i));
    }
    const auto pred = logits.argmax(1);
    std::ofstream fileOut;
    const std::string outPath = args.get("out");
    std::ostream *out = &std::cout;
    if (!outPath.empty()) {
        fileOut.open(outPath);
        if (!fileOut)
            throw core::Error("Cannot write '" + outPath + "'.", "Check the folder exists and is writable.");
        out = &fileOut;
    }
    *out << "input,predicted,class";
    for (int64_t c = 0; c < logits.size(1); ++c)
        *out << ",logit" << c;
    *out << "\n";
    const auto acc = logits.accessor<float, 2>();
    char buf[32];
    for (int64_t i = 0; i < logits.size(0); ++i) {
        const int64_t p = pred[i].item<int64_t>();
        *out << '"' << names[static_cast<size_t>(i)] << "\"," << p << ",\""
             << (p < int64_t(classNames.size()) ? classNames[static_cast<size_t>(p)] : std::string()) << '"';
        for (int64_t c = 0; c < logits.size(1); ++c) {
            std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(acc[i][c])); // round-trips a float
            *out << ',' << buf;
        }
        *out << "\n";
    }
    if (!outPath.empty())
        std::cerr << "wrote " << logits.size(0) << " rows to " << outPath << "\n";
    return 0;
}

const CommandRegistrar kPredict{Command{
    "predict",
    "run a model on image files or the first N test images and write logits as CSV",
    "quantlens-cli predict --model FILE|--session FILE [IMAGE ...] [--data NAME|PATH --count N] [--out FILE.csv]",
    "One row per image: input, predicted class index and name, then every logit with full float precision\n"
    "(%.9g), so results can be compared with other tools. Image files are converted to the model's\n"
    "input channels and size and normalised like the data set the model was trained on.",
    withCompute({modelOption(), sessionOption(), archOption(), dataOption(), {"count", "N", "how many test images (0 = all)", "16"},
                 {"out", "FILE", "CSV file to write (default: standard output)", ""}}),
    runPredict,
}};

} // namespace
} // namespace ql::app::cli
