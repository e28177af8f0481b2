// quantlens-cli eval and predict, on the engine's Workbench.
#include "app/cli/common.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/engine/workbench.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <limits>
#include <sstream>

namespace ql::app::cli {
namespace {

using core::engine::Workbench;

std::vector<OptionSpec> withCompute(std::vector<OptionSpec> o)
{
    for (auto &c : computeOptions())
        o.push_back(c);
    return o;
}

OptionSpec modelOption()
{
    return {"model", "FILE", "model file (.pth state dict or TorchScript; FILE.json names the architecture)", ""};
}
OptionSpec sessionOption()
{
    return {"session", "FILE", "run a saved session's quantized model instead of --model", ""};
}
OptionSpec archOption() { return {"arch", "ARCH", "architecture when FILE has no FILE.json beside it", ""}; }

/// Opens --data when given, then --session (quantized, with its learned quantizers) or
/// --model (FP32; also the first positional argument). Returns the model argument.
std::string openFromArgs(Workbench &wb, const Args &args, bool positionalModel)
{
    wb.setTrustTorchScript(args.has("trust-torchscript"));
    if (args.has("data"))
        reportSkipped(wb.openData(args.get("data")), args);
    if (!args.get("session").empty()) {
        wb.openSession(args.get("session"));
        if (!args.has("data"))
            reportSkipped(wb.dataInfo(), args);
        return args.get("session");
    }
    std::string path = args.get("model");
    if (path.empty() && positionalModel && !args.positional().empty())
        path = args.positional().front();
    if (path.empty())
        throw UsageError("--model FILE or --session FILE is required");
    types::QuantRecipe fp32;
    fp32.weightMethod = fp32.actMethod = types::Method::None;
    wb.openModel(path, args.get("arch"), fp32);
    if (!args.has("data"))
        reportSkipped(wb.dataInfo(), args);
    return path;
}

int runEval(const Args &args)
{
    if (args.get("split") != "train" && args.get("split") != "test")
        throw UsageError("--split must be train or test");
    Workbench wb;
    wb.setDevice(applyComputeOptions(args));
    ProgressBar bar;
    auto cb = terminalCallbacks(bar);
    const std::string source = openFromArgs(wb, args, /*positionalModel=*/true);
    types::EvalOptions eo;
    eo.batchSize = args.getInt("batch", 1, 65536);
    eo.maxSamples = args.getInt("limit", 0, std::numeric_limits<int>::max());
    const auto split = args.get("split") == "train" ? core::engine::DataSplit::Train : core::engine::DataSplit::Test;
    const auto r = wb.evaluate(split, eo, cb);
    bar.finish();
    const auto m = wb.summary();
    std::printf("%s on %s (%s, %lld images): top-1 %.2f%%  top-5 %.2f%%  loss %.4f  (%.1f s)\n", m.arch.c_str(),
                m.data.c_str(), args.get("split").c_str(), static_cast<long long>(r.count), 100 * r.top1, 100 * r.top5,
                r.loss, r.seconds);
    nlohmann::json j{{"model", source},
                     {"arch", m.arch},
                     {"data", m.data},
                     {"split", args.get("split")},
                     {"count", r.count},
                     {"top1", r.top1},
                     {"top5", r.top5},
                     {"loss", r.loss},
                     {"seconds", r.seconds},
                     {"device", wb.deviceName()},
                     {"quantized", !args.get("session").empty()}};
    writeJsonIfAsked(args, j);
    return r.cancelled ? 1 : 0;
}

const CommandRegistrar kEval{Command{
    "eval",
    "evaluate a model: top-1, top-5 and loss on a data set",
    "quantlens-cli eval --model FILE|--session FILE [--data NAME|PATH] [--split test|train] [--json FILE]",
    "A model runs in FP32; a session runs quantized, with its saved quantizers. Without --data the\n"
    "data set the model or session names is used (Fashion-MNIST when it names none).",
    withCompute({modelOption(),
                 sessionOption(),
                 archOption(),
                 dataOption(),
                 {"split", "SPLIT", "train or test", "test"},
                 {"batch", "N", "batch size (1..65536)", "256"},
                 {"limit", "N", "evaluate only the first N images (0 = all)", "0"},
                 jsonOption(),
                 trustOption(),
                 verboseOption()}),
    runEval,
}};

int runPredict(const Args &args)
{
    Workbench wb;
    wb.setDevice(applyComputeOptions(args));
    const int count = args.getInt("count", 0, std::numeric_limits<int>::max());
    const bool modelIsPositional = args.get("model").empty() && args.get("session").empty();
    openFromArgs(wb, args, modelIsPositional);
    const std::vector<std::string> files(args.positional().begin() + (modelIsPositional ? 1 : 0),
                                         args.positional().end());
    const auto p = files.empty() ? wb.predictData(count) : wb.predictFiles(files);
    std::ostringstream out;
    out << "input,predicted,class";
    const size_t classes = p.logits.empty() ? 0 : p.logits.front().size();
    for (size_t c = 0; c < classes; ++c)
        out << ",logit" << c;
    out << "\n";
    char buf[32];
    for (size_t i = 0; i < p.logits.size(); ++i) {
        const auto &row = p.logits[i];
        const size_t pred = size_t(std::max_element(row.begin(), row.end()) - row.begin());
        out << '"' << p.inputs[i] << "\"," << pred << ",\"" << (pred < p.classNames.size() ? p.classNames[pred] : "")
            << '"';
        for (float v : row) {
            std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v)); // round-trips a float
            out << ',' << buf;
        }
        out << "\n";
    }
    const std::string outPath = args.get("out");
    if (outPath.empty()) {
        std::cout << out.str();
        std::cout.flush();
        if (!std::cout)
            throw core::Error("Writing the predictions to standard output failed.");
    } else {
        core::writeFileAtomically(outPath, out.str());
        std::cerr << "wrote " << p.logits.size() << " rows to " << outPath << "\n";
    }
    return 0;
}

const CommandRegistrar kPredict{Command{
    "predict",
    "run a model on image files or the first N test images and write logits as CSV",
    "quantlens-cli predict --model FILE|--session FILE [IMAGE ...] [--data NAME|PATH --count N] [--out FILE.csv]",
    "One row per image: input, predicted class index and name, then every logit with full float precision\n"
    "(%.9g), so results can be compared with other tools. Image files are converted to the model's\n"
    "input channels and size and normalised like the data set the model was trained on.",
    withCompute({modelOption(),
                 sessionOption(),
                 archOption(),
                 dataOption(),
                 {"count", "N", "how many test images (0 = all)", "16"},
                 {"out", "FILE", "CSV file to write, atomically (default: standard output)", ""},
                 trustOption(),
                 verboseOption()}),
    runPredict,
}};

} // namespace
} // namespace ql::app::cli
