// quantlens-cli export: deployable files of a quantized session, on the engine's Workbench
// (the same function the GUI's File > Export quantized model... calls).
#include "app/cli/common.h"
#include "core/common/error.h"
#include "core/engine/workbench.h"
#include "ql/types/export.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace ql::app::cli {
namespace {

using core::engine::Workbench;

std::string pct(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", 100 * v);
    return buf;
}

void printLayers(const std::vector<types::LayerDeployment> &layers)
{
    size_t width = 5;
    for (const auto &l : layers)
        width = std::max(width, l.layer.size());
    std::printf("%-*s  %-15s  %s\n", int(width), "layer", "deployability", "weight | activation");
    for (const auto &l : layers) {
        std::printf("%-*s  %-15s  %s | %s", int(width), l.layer.c_str(),
                    types::deployabilityName(l.deployability).c_str(), l.weight.c_str(), l.activation.c_str());
        if (l.offsetDrift > 0)
            std::printf("  (offset drift %.3g)", l.offsetDrift);
        std::printf("\n");
    }
}

void printCheck(const types::RuntimeCheck &c)
{
    std::printf("\n%s: %s\n", c.runtime.c_str(), c.verdict.c_str());
    if (c.images > 0)
        std::printf("  %lld images: logits max |diff| %.3g (relative %.3g), top-1 agreement %s %%, accuracy %s %% "
                    "(QuantLens %s %%)\n",
                    static_cast<long long>(c.images), c.logitsMaxAbs, c.logitsMaxRel, pct(c.top1Agreement).c_str(),
                    pct(c.accuracyRuntime).c_str(), pct(c.accuracyQuantLens).c_str());
    if (c.tensors.empty())
        return;
    size_t width = 6;
    for (const auto &t : c.tensors)
        width = std::max(width, t.tensor.size());
    std::printf("  %-*s  %4s  %10s  %9s  %9s  %9s  %s\n", int(width), "tensor", "bits", "codes", "exact %", "1 LSB %",
                ">1 LSB %", "max");
    for (const auto &t : c.tensors)
        std::printf("  %-*s  %4d  %10lld  %9s  %9s  %9s  %lld\n", int(width), t.tensor.c_str(), t.bits,
                    static_cast<long long>(t.count), pct(t.exact).c_str(), pct(t.offByOne).c_str(),
                    pct(t.offMore).c_str(), static_cast<long long>(t.maxDiff));
}

nlohmann::json toJson(const types::ExportResult &r)
{
    nlohmann::json layers = nlohmann::json::array(), checks = nlohmann::json::array();
    for (const auto &l : r.layers)
        layers.push_back({{"layer", l.layer},
                          {"deployability", types::deployabilityName(l.deployability)},
                          {"weight", l.weight},
                          {"activation", l.activation},
                          {"offset_drift", l.offsetDrift}});
    for (const auto &c : r.checks) {
        nlohmann::json tensors = nlohmann::json::array();
        for (const auto &t : c.tensors)
            tensors.push_back({{"tensor", t.tensor},
                               {"layer", t.layer},
                               {"bits", t.bits},
                               {"count", t.count},
                               {"exact", t.exact},
                               {"off_by_one", t.offByOne},
                               {"off_more", t.offMore},
                               {"max_lsb", t.maxDiff}});
        checks.push_back({{"runtime", c.runtime},
                          {"optimized", c.optimized},
                          {"images", c.images},
                          {"logits_max_abs", c.logitsMaxAbs},
                          {"logits_max_rel", c.logitsMaxRel},
                          {"top1_agreement", c.top1Agreement},
                          {"accuracy_runtime", c.accuracyRuntime},
                          {"accuracy_quantlens", c.accuracyQuantLens},
                          {"targets_apply", c.targetsApply},
                          {"passed", c.passed},
                          {"verdict", c.verdict},
                          {"tensors", tensors}});
    }
    return {{"format", types::exportFormatName(r.options.format)},
            {"opset", r.options.opset},
            {"offset", r.options.offset == types::OffsetMode::Exact ? "exact" : "zero-point"},
            {"files", r.files},
            {"layers", layers},
            {"checks", checks},
            {"notes", r.notes},
            {"summary", r.summary}};
}

int runExport(const Args &args)
{
    types::ExportOptions o;
    try {
        o.format = types::exportFormatFromName(args.get("format"));
    } catch (const core::Error &e) {
        throw UsageError(std::string(e.what()) + " " + e.hint());
    }
    o.path = args.get("out");
    if (o.path.empty())
        throw UsageError("--out PATH is required");
    o.opset = args.getInt("opset");
    if (o.opset != 13 && o.opset != 21)
        throw UsageError("--opset must be 13 or 21");
    const std::string offset = args.get("offset");
    if (offset != "exact" && offset != "zero-point")
        throw UsageError("--offset must be exact or zero-point");
    o.offset = offset == "exact" ? types::OffsetMode::Exact : types::OffsetMode::ZeroPoint;
    o.verify = args.has("verify");
    o.images = args.getInt("images");
    if (o.images <= 0)
        throw UsageError("--images must be positive");

    Workbench wb;
    wb.setDevice(applyComputeOptions(args));
    if (args.has("data"))
        wb.openData(args.get("data"));
    if (!args.get("session").empty()) {
        wb.openSession(args.get("session"));
    } else if (!args.get("model").empty()) {
        types::QuantRecipe fp32;
        fp32.weightMethod = fp32.actMethod = types::Method::None;
        wb.openModel(args.get("model"), args.get("arch"), fp32);
    } else {
        throw UsageError("--session FILE (or --model FILE for the FP32 model) is required");
    }
    std::printf("Exporting %s as %s:\n", wb.summary().arch.c_str(), types::exportFormatName(o.format).c_str());
    printLayers(wb.exportPreview(o));
    ProgressBar bar;
    auto cb = terminalCallbacks(bar);
    const auto r = wb.exportModel(o, cb);
    bar.finish();
    std::printf("\n");
    for (const auto &f : r.files)
        std::printf("wrote %s\n", f.c_str());
    for (const auto &n : r.notes)
        std::printf("note: %s\n", n.c_str());
    for (const auto &c : r.checks)
        printCheck(c);
    std::printf("\n%s\n", r.summary.c_str());
    writeJsonIfAsked(args, toJson(r));
    for (const auto &c : r.checks)
        if (c.targetsApply && !c.passed)
            return 1;
    return 0;
}

const CommandRegistrar kExport{Command{
    "export",
    "write a quantized session as ONNX QDQ, TorchScript, AIMET encodings, packed integer weights or a report",
    "quantlens-cli export --session S.qls --format onnx|torchscript|encodings|packed|report --out PATH\n"
    "                     [--opset 13|21] [--offset exact|zero-point] [--verify [--images N]] [--json FILE]",
    "Formats:\n"
    "  onnx         the FP32 graph (BatchNorm folded) with QuantizeLinear/DequantizeLinear pairs: weights as\n"
    "               integer initializers per output channel, activations below 8 bits as QCDQ (Q, Clip, DQ) at\n"
    "               opset 13, native int4/uint4 at --opset 21; LSQ+ offsets exactly (Sub, QDQ, Add) or with\n"
    "               --offset zero-point rounded into the zero point (the drift is printed); multipoint weights\n"
    "               as one integer convolution per point, summed; ASQ, POT, POST and APoT as float operators\n"
    "               (POT/POST codes and levels in PATH.levels.json). PATH.json states the input contract.\n"
    "  torchscript  a TorchScript module that torch.jit.load runs in plain PyTorch.\n"
    "  encodings    AIMET 1.0.0 encodings keyed by the tensor names of the ONNX file of the same options.\n"
    "  packed       integer codes bit-packed at their bit-width (format in core/export/packed.h).\n"
    "  report       PATH.csv and PATH.json: per-layer configuration, steps, offsets, errors, sensitivity and\n"
    "               deployability; model size, BOPs and accuracy FP32 vs quantized on --images test images.\n"
    "Every exported model takes the normalised NCHW float tensor the FP32 model takes (any batch size).\n"
    "A layer the format cannot express fails before anything is written. --verify runs the file in its\n"
    "real consumer (ONNX Runtime with optimisations off and on, python3-torch, python3-onnx's checker) on the\n"
    "first --images test images and compares per quantized tensor; exit status 1 when a target is missed.",
    [] {
        std::vector<OptionSpec> o{
            {"session", "FILE", "the quantized session (.qls) to export", ""},
            {"model", "FILE", "export an FP32 model file instead of a session", ""},
            {"arch", "ARCH", "architecture when --model has no description beside it", ""},
            {"format", "F", "onnx, torchscript, encodings, packed or report", "onnx"},
            {"out", "PATH", "the file to write", ""},
            {"opset", "N", "ONNX opset: 13 (QCDQ below 8 bits) or 21 (native int4/uint4)", "13"},
            {"offset", "MODE", "learned offsets: exact (Sub/Add around QDQ) or zero-point (rounded)", "exact"},
            {"verify", "", "check the export in its real consumer", ""},
            {"images", "N", "test images for --verify and the report", "1000"},
            {"data", "NAME|PATH", "data set (default: the one the session names)", ""},
            jsonOption(),
        };
        for (auto &c : computeOptions())
            o.push_back(c);
        return o;
    }(),
    runExport,
}};

} // namespace
} // namespace ql::app::cli
