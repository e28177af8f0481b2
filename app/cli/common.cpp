#include "app/cli/common.h"

#include "core/common/atomic_file.h"
#include "core/data/loaders.h"

#include <cmath>
#include <cstdio>
#include <iostream>

namespace ql::app::cli {

namespace {
std::stop_source &interruptSource()
{
    static std::stop_source source;
    return source;
}

extern "C" void onInterrupt(int)
{
    interruptSource().request_stop();
    std::signal(SIGINT, SIG_DFL); // a second Ctrl-C ends the program at once
}
} // namespace

OptionSpec dataOption()
{
    return {"data", "NAME|PATH",
            "data set: fashion-mnist, mnist, or a folder (IDX files, CIFAR binaries, image folders)", "fashion-mnist"};
}

OptionSpec jsonOption() { return {"json", "FILE", "write the full result as JSON to FILE", ""}; }

std::vector<OptionSpec> preprocessingOptions()
{
    return {
        {"input-size", "H,W", "ONNX: resize the images to HxW for the model's input", ""},
        {"mean", "M,M,M", "ONNX: the model's per-channel mean, in units of --pixel-scale (default: the data's)", ""},
        {"std", "S,S,S", "ONNX: the model's per-channel standard deviation", ""},
        {"pixel-scale", "S", "ONNX: pixels are in [0, S] before mean/std (1 or 255)", ""},
        {"channel-order", "ORDER", "ONNX: rgb or bgr", ""},
        {"layout", "L", "ONNX: nchw or nhwc (default: from the graph's input)", ""},
        {"evaluate", "HOW", "ONNX: labels (accuracy) or agreement (with its own FP32 output)", ""},
    };
}

namespace {

std::vector<double> numberList(const Args &args, const std::string &name)
{
    std::vector<double> out;
    const std::string text = args.get(name);
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find_first_of(",x", start);
        if (end == std::string::npos)
            end = text.size();
        const std::string item = text.substr(start, end - start);
        try {
            size_t used = 0;
            out.push_back(std::stod(item, &used));
            if (used != item.size())
                throw std::invalid_argument(item);
        } catch (const std::exception &) {
            throw UsageError("--" + name + " expects numbers separated by commas, got '" + text + "'");
        }
        start = end + 1;
    }
    return out;
}

} // namespace

std::string scoreText(const types::EvalResult &r)
{
    char buf[200];
    if (!r.agreement) {
        std::snprintf(buf, sizeof buf, "top-1 %.2f%%", 100 * r.top1);
        return buf;
    }
    std::snprintf(buf, sizeof buf, "SQNR %.2f dB, cosine %.5f, max |err| %.4g", r.sqnrDb, r.cosine, r.maxAbsError);
    std::string out = buf;
    if (r.top1Agreement >= 0) {
        std::snprintf(buf, sizeof buf, ", top-1 agreement %.2f%%", 100 * r.top1Agreement);
        out += buf;
    }
    return out;
}

nlohmann::json evalJson(const types::EvalResult &e)
{
    nlohmann::json j{{"top1", e.top1}, {"top5", e.top5}, {"loss", e.loss}, {"count", e.count}, {"seconds", e.seconds}};
    if (e.agreement) {
        // JSON has no infinity: an output equal to FP32 has no finite SQNR and is written as null.
        j["agreement"] = {{"sqnr_db", std::isfinite(e.sqnrDb) ? nlohmann::json(e.sqnrDb) : nlohmann::json()},
                          {"cosine", e.cosine},
                          {"max_abs_error", e.maxAbsError},
                          {"top1_agreement", e.top1Agreement >= 0 ? nlohmann::json(e.top1Agreement) : nlohmann::json()},
                          {"mse", e.loss}};
    }
    return j;
}

types::Preprocessing preprocessingFromArgs(const Args &args)
{
    types::Preprocessing p;
    if (args.has("input-size")) {
        for (double d : numberList(args, "input-size")) {
            if (d < 1 || d != static_cast<double>(static_cast<int64_t>(d)))
                throw UsageError("--input-size expects H,W in pixels");
            p.size.push_back(static_cast<int64_t>(d));
        }
        if (p.size.size() == 1)
            p.size.push_back(p.size[0]);
        if (p.size.size() != 2)
            throw UsageError("--input-size expects H,W");
    }
    if (args.has("mean"))
        p.mean = numberList(args, "mean");
    if (args.has("std"))
        p.std = numberList(args, "std");
    if (!p.std.empty() && p.mean.size() != p.std.size())
        throw UsageError("--std needs --mean with as many values");
    if (args.has("pixel-scale")) {
        p.scale = args.getDouble("pixel-scale");
        if (!(p.scale > 0))
            throw UsageError("--pixel-scale must be positive (1 or 255)");
    }
    auto oneOf = [&](const std::string &name, std::initializer_list<const char *> allowed) {
        if (!args.has(name))
            return std::string();
        const auto v = args.get(name);
        for (const char *a : allowed)
            if (v == a)
                return v;
        std::string list;
        for (const char *a : allowed)
            list += (list.empty() ? "" : " or ") + std::string(a);
        throw UsageError("--" + name + " must be " + list);
    };
    p.channelOrder = oneOf("channel-order", {"rgb", "bgr"});
    p.layout = oneOf("layout", {"nchw", "nhwc"});
    p.evaluate = oneOf("evaluate", {"labels", "agreement"});
    return p;
}

OptionSpec verboseOption() { return {"verbose", "", "list every image file that could not be read", ""}; }

OptionSpec trustOption()
{
    return {"trust-torchscript", "",
            "load a TorchScript model (or a session from QuantLens 0.1): loading one runs code stored in the file, so "
            "give this only for files you trust",
            ""};
}

void reportSkipped(const types::DataInfo &info, const Args &args)
{
    if (info.skipped.empty())
        return;
    std::cerr << "quantlens-cli: warning: " << info.skipped.size() << " image file"
              << (info.skipped.size() == 1 ? "" : "s") << " of '" << info.name << "' could not be read and "
              << (info.skipped.size() == 1 ? "was" : "were") << " skipped"
              << (args.has("verbose") ? ":" : " (--verbose lists them)") << "\n";
    if (args.has("verbose"))
        for (const auto &s : info.skipped)
            std::cerr << "  " << s << "\n";
}

core::data::Dataset openData(const Args &args, core::data::Split split)
{
    return core::data::openDataset(args.get("data"), split);
}

core::engine::JobCallbacks terminalCallbacks(ProgressBar &bar)
{
    std::signal(SIGINT, onInterrupt);
    core::engine::JobCallbacks cb;
    cb.progress = [&bar](const types::JobProgress &p) { bar.update(p); };
    cb.message = [&bar](const std::string &m) { bar.message(m); };
    cb.stop = interruptSource().get_token();
    return cb;
}

void writeJsonIfAsked(const Args &args, const nlohmann::json &j)
{
    const auto path = args.maybe("json");
    if (!path)
        return;
    core::writeFileAtomically(*path, j.dump(2) + "\n");
    std::cerr << "wrote " << *path << "\n";
}

} // namespace ql::app::cli
