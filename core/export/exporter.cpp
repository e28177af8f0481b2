#include "core/export/exporter.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/export/encodings.h"
#include "core/export/packed.h"
#include "core/export/qdq.h"
#include "core/export/tools.h"
#include "core/export/torchscript.h"
#include "core/export/verify.h"
#ifdef QL_HAVE_ONNX
#include "core/export/onnx_export.h"
#include "core/onnx/onnx_io.h"
#endif

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fstream>
#include <random>

namespace ql::core::exporting {
namespace fs = std::filesystem;

namespace {

/// A folder for the verification's temporary files, removed when it goes out of scope.
class WorkDir {
public:
    WorkDir()
    {
        std::random_device rd;
        m_path = fs::temp_directory_path() / ("ql-export-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(m_path);
    }
    ~WorkDir()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    WorkDir(const WorkDir &) = delete;
    WorkDir &operator=(const WorkDir &) = delete;
    const fs::path &path() const { return m_path; }

private:
    fs::path m_path;
};

void say(const ExportRequest &r, const std::string &m)
{
    if (r.message)
        r.message(m);
}

bool stopped(const ExportRequest &r) { return r.stopRequested && r.stopRequested(); }

fs::path reportBase(const fs::path &p)
{
    const auto ext = p.extension().string();
    return (ext == ".csv" || ext == ".json") ? fs::path(p).replace_extension() : p;
}

std::string readFile(const fs::path &p) { return readBytes(p); }

QdqOptions qdqOptions(const types::ExportOptions &o) { return {o.opset, o.offset}; }

/// `o` with the opset raised to what the graph's own operators need (an imported ONNX model's).
types::ExportOptions forGraph(const ExportPlan &plan, types::ExportOptions o)
{
    if (o.format == types::ExportFormat::Onnx || o.format == types::ExportFormat::Encodings)
        o.opset = static_cast<int>(std::max<int64_t>(o.opset, plan.graphOpset));
    return o;
}

bool anyFloatEmulation(const ExportPlan &plan)
{
    for (const auto &l : plan.layers)
        if (l.deployability == types::Deployability::FloatEmulation)
            return true;
    return false;
}

void requireVerificationSet(const ExportRequest &r)
{
    if (!r.images.defined() || r.images.size(0) == 0)
        throw Error("Verification needs test images, and none were given.", "Open a data set first.");
}

#ifdef QL_HAVE_ONNX
std::vector<types::RuntimeCheck> verifyOnnx(const ExportRequest &r, const types::ExportOptions &o,
                                            const ExportPlan &plan, const LoweredGraph &lowered,
                                            const fs::path &modelPath, std::vector<std::string> &notes)
{
    std::vector<types::RuntimeCheck> checks;
    // The checker of python3-onnx on every opset-13 file.
    if (o.opset <= kLibOnnxCheckerMaxOpset) {
        types::RuntimeCheck c;
        c.runtime = "onnx.checker (python3-onnx " + requirePythonModule("onnx") + ", full_check)";
        const std::string msg = checkOnnxInPython(modelPath);
        c.targetsApply = true;
        c.passed = msg.empty();
        c.verdict = msg.empty() ? "passes" : "REJECTS the file: " + msg;
        checks.push_back(c);
    } else {
        notes.push_back("python3-onnx's checker (ONNX 1.12) knows opsets up to 17: this opset-" +
                        std::to_string(o.opset) + " file is checked by ONNX Runtime only.");
    }
    requireVerificationSet(r);
    WorkDir work;
    const fs::path debugPath = work.path() / "debug.onnx";
    const auto debug = buildOnnx(plan, lowered, o.opset, r.contract, /*debug=*/true);
    onnx::writeModel(debug.model, debugPath);
    std::map<std::string, const QuantizedTensor *> byLayer;
    for (const auto &t : lowered.tensors)
        if (t.role == QuantizedTensor::Role::Activation)
            byLayer[t.layer] = &t;
    const bool targets = !anyFloatEmulation(plan) && o.offset == types::OffsetMode::Exact;
    for (const bool optimize : {false, true}) {
        types::RuntimeCheck c;
        c.runtime =
            std::string("ONNX Runtime 1.30 (onnxruntime-node), graph optimisations ") + (optimize ? "all on" : "off");
        c.optimized = optimize;
        std::vector<Agreement> agree;
        for (const auto &[layer, output] : debug.codeOutputs) {
            Agreement a;
            a.layer = layer;
            a.tensor = output;
            a.bits = byLayer.at(layer)->bits;
            agree.push_back(a);
        }
        LogitAgreement logits;
        const int64_t n = r.images.size(0);
        for (int64_t start = 0; start < n && !stopped(r); start += r.batch) {
            const auto x = r.images.slice(0, start, std::min(n, start + r.batch));
            const auto y = r.labels.slice(0, start, std::min(n, start + r.batch));
            say(r, c.runtime + ": images " + std::to_string(start) + ".." + std::to_string(start + x.size(0)) + " of " +
                       std::to_string(n));
            const auto ql = runQuantLens(*r.model, x, /*withCodes=*/true);
            std::vector<std::string> outputs{plan.graph.output};
            for (const auto &a : agree)
                outputs.push_back(a.tensor);
            const auto rt = runOnnxRuntime(debugPath, plan.graph.input, x, outputs, optimize, work.path() / "run");
            for (auto &a : agree)
                a.add(ql.codes.at(a.layer), rt.at(a.tensor));
            torch::Tensor rtLogits = rt.at(plan.graph.output);
            if (optimize) // what a deployment runs: the exported file itself, fused as ONNX Runtime fuses it
                rtLogits =
                    runOnnxRuntime(modelPath, plan.graph.input, x, {plan.graph.output}, true, work.path() / "run")
                        .at(plan.graph.output);
            logits.add(ql.logits, rtLogits, y);
        }
        logits.fill(c);
        for (const auto &a : agree)
            c.tensors.push_back(a.result());
        judgeAgainstTargets(c, targets && !optimize);
        if (optimize)
            c.verdict = "what ONNX Runtime's integer kernels change: " + c.verdict;
        checks.push_back(c);
    }
    return checks;
}
#endif

types::RuntimeCheck verifyTorchScript(const ExportRequest &r, const fs::path &path)
{
    requireVerificationSet(r);
    WorkDir work;
    types::RuntimeCheck c;
    c.runtime = "PyTorch " + requirePythonModule("torch") + " (python3-torch, torch.jit.load)";
    const auto rt = runTorchScriptInPython(path, r.images, work.path());
    LogitAgreement logits;
    const int64_t n = r.images.size(0);
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < n; start += r.batch)
        parts.push_back(runQuantLens(*r.model, r.images.slice(0, start, std::min(n, start + r.batch)), false).logits);
    logits.add(torch::cat(parts), rt, r.labels);
    logits.fill(c);
    judgeTorchScript(c);
    return c;
}

types::RuntimeCheck verifyPacked(const ExportRequest &r, const ExportPlan &plan, const fs::path &path)
{
    types::RuntimeCheck c;
    c.runtime = "QuantLens's packed-weights reader";
    c.targetsApply = true;
    const auto m = readPacked(path);
    std::string problem;
    if (m.layers.size() != plan.layers.size())
        problem =
            std::to_string(m.layers.size()) + " layers read back, " + std::to_string(plan.layers.size()) + " written";
    for (size_t i = 0; problem.empty() && i < m.layers.size(); ++i) {
        const auto w = m.layers[i].weight();
        if (m.layers[i].name != plan.layers[i].name || !torch::equal(w, plan.layers[i].weight.dequantized))
            problem = "layer '" + plan.layers[i].name + "' reads back with other weights than QuantLens uses";
    }
    int64_t tableBytes = 0;
    for (size_t i = 0; i < r.layers.size() && i < r.configs.size(); ++i)
        tableBytes += types::layerStorageBytes(r.layers[i], r.configs[i]);
    if (problem.empty() && !r.layers.empty() && static_cast<int64_t>(m.payloadBytes) != tableBytes)
        problem = "the payload has " + std::to_string(m.payloadBytes) + " bytes, the layer table's model size is " +
                  std::to_string(tableBytes);
    c.passed = problem.empty();
    c.verdict = problem.empty() ? "every layer's weights read back exactly as QuantLens computes them; file = " +
                                      std::to_string(m.headerBytes) + " header bytes + " +
                                      std::to_string(m.payloadBytes) + " payload bytes (the layer table's model size)"
                                : "FAILS: " + problem;
    return c;
}

} // namespace

std::vector<fs::path> exportFiles(const types::ExportOptions &o, bool levelsSidecar)
{
    const fs::path p = o.path;
    switch (o.format) {
    case types::ExportFormat::Onnx:
        if (levelsSidecar)
            return {p, p.string() + ".json", p.string() + ".levels.json"};
        return {p, p.string() + ".json"};
    case types::ExportFormat::TorchScript:
    case types::ExportFormat::Packed: return {p, p.string() + ".json"};
    case types::ExportFormat::Encodings: return {p};
    case types::ExportFormat::Report: {
        const fs::path base = reportBase(p);
        return {base.string() + ".csv", base.string() + ".json"};
    }
    }
    return {p};
}

std::vector<types::LayerDeployment> previewExport(models::QuantModelImpl &model, const types::ExportOptions &requested)
{
    const ExportPlan plan = makePlan(model);
    const types::ExportOptions o = forGraph(plan, requested);
    if (o.format == types::ExportFormat::Onnx || o.format == types::ExportFormat::Encodings) {
        const auto lowered = lowerToQdq(plan, qdqOptions(o));
        if (o.format == types::ExportFormat::Encodings)
            encodingsJson(lowered);
        return lowered.layers;
    }
    if (o.format == types::ExportFormat::TorchScript)
        torchScriptSource(plan);
    if (o.format == types::ExportFormat::Packed)
        packedBytes(plan);
    return plan.deployments();
}

types::ExportResult exportModel(const ExportRequest &r, const types::ExportOptions &requested)
{
    if (!r.model)
        throw Error("Export: no model.", "Open a model or a session first.");
    if (requested.path.empty())
        throw Error("Export: no output file was given.", "Name the file to write (--out PATH).");
    const fs::path path = requested.path;
    if (path.has_parent_path() && !fs::is_directory(path.parent_path()))
        throw Error("Export: the folder of '" + path.string() + "' does not exist.",
                    "Create it, or choose another path.");
    types::ExportResult result;
    say(r, "planning the export of " + r.model->archName());
    const ExportPlan plan = makePlan(*r.model);
    const types::ExportOptions o = forGraph(plan, requested);
    result.options = o;
    if (o.opset != requested.opset)
        result.notes.push_back("written at opset " + std::to_string(o.opset) +
                               ", the model's own operator set (opset " + std::to_string(requested.opset) +
                               " was asked for)");
    result.layers = plan.deployments();
    const std::string formatName = types::exportFormatName(o.format);
    auto written = [&](const fs::path &p) { result.files.push_back(p.string()); };

    switch (o.format) {
    case types::ExportFormat::Onnx: {
#ifdef QL_HAVE_ONNX
        const auto lowered = lowerToQdq(plan, qdqOptions(o));
        const auto build = buildOnnx(plan, lowered, o.opset, r.contract, /*debug=*/false);
        bool checked = false;
        const std::string checker = checkWithLibOnnx(build.model, o.opset, &checked);
        if (checked && !checker.empty())
            throw Error("The ONNX graph QuantLens built for '" + path.string() +
                            "' fails the ONNX checker: " + checker + ". Nothing was written.",
                        "This is a bug in QuantLens's QDQ writer; please report it with the session.");
        result.notes.push_back(checked ? "libonnx checker (opset " + std::to_string(o.opset) + "): passes" : checker);
        result.notes.insert(result.notes.end(), lowered.notes.begin(), lowered.notes.end());
        result.layers = lowered.layers;
        nlohmann::json extra{{"opset", o.opset},
                             {"offset_mode", o.offset == types::OffsetMode::Exact ? "exact" : "zero-point"}};
        const auto files = exportFiles(o, !lowered.levelsSidecar.empty());
        writeFileAtomically(files[1], contractJson(plan, r.contract, lowered.layers, formatName, extra.dump()));
        written(files[1]);
        if (!lowered.levelsSidecar.empty()) {
            writeFileAtomically(files[2], lowered.levelsSidecar);
            written(files[2]);
        }
        onnx::writeModel(build.model, path);
        result.files.insert(result.files.begin(), path.string());
        if (o.verify)
            result.checks = verifyOnnx(r, o, plan, lowered, path, result.notes);
#else
        throw Error("This QuantLens was built without libonnx, so it cannot write ONNX files.",
                    "Install libonnx-dev (apt-get install libonnx-dev) and rebuild QuantLens.");
#endif
        break;
    }
    case types::ExportFormat::TorchScript: {
        const auto source = torchScriptSource(plan);
        const std::string contract = contractJson(plan, r.contract, plan.deployments(), formatName);
        writeTorchScript(source, path, {{"quantlens.json", contract}});
        written(path);
        writeFileAtomically(path.string() + ".json", contract);
        written(path.string() + ".json");
        if (o.verify)
            result.checks.push_back(verifyTorchScript(r, path));
        break;
    }
    case types::ExportFormat::Encodings: {
        const auto lowered = lowerToQdq(plan, qdqOptions(o));
        const std::string json = encodingsJson(lowered);
        writeFileAtomically(path, json);
        written(path);
        result.layers = lowered.layers;
        result.notes.push_back("keyed by the tensor names of the ONNX file that --format onnx --opset " +
                               std::to_string(o.opset) + " --offset " +
                               (o.offset == types::OffsetMode::Exact ? "exact" : "zero-point") + " writes");
        if (o.verify) {
            types::RuntimeCheck c;
            c.runtime = "encodings against the ONNX QDQ graph";
            c.targetsApply = true;
            const auto problems = checkEncodings(readFile(path), lowered);
            c.passed = problems.empty();
            c.verdict = problems.empty() ? "every quantized tensor has an entry, every entry names a tensor of the "
                                           "graph and describes its grid"
                                         : "FAILS: " + problems.front();
            result.checks.push_back(c);
        }
        break;
    }
    case types::ExportFormat::Packed: {
        const std::string bytes = packedBytes(plan);
        writeFileAtomically(path.string() + ".json", contractJson(plan, r.contract, plan.deployments(), formatName));
        writeFileAtomically(path, bytes);
        written(path);
        written(path.string() + ".json");
        if (o.verify)
            result.checks.push_back(verifyPacked(r, plan, path));
        break;
    }
    case types::ExportFormat::Report: {
        if (!r.report)
            throw Error("Export: the report has no content.", "Export the report through the Workbench.");
        const auto files = exportFiles(o);
        writeFileAtomically(files[0], reportCsv(*r.report));
        writeFileAtomically(files[1], reportJson(*r.report));
        written(files[0]);
        written(files[1]);
        break;
    }
    }
    int integer = 0, emulated = 0;
    for (const auto &l : result.layers) {
        integer += l.deployability == types::Deployability::Integer;
        emulated += l.deployability == types::Deployability::FloatEmulation;
    }
    result.summary = "wrote " + result.files.front() + " (" + formatName + "): " + std::to_string(integer) +
                     " integer-deployable layer(s), " + std::to_string(emulated) + " float emulation, " +
                     std::to_string(result.layers.size() - size_t(integer + emulated)) + " fp32";
    for (const auto &c : result.checks)
        if (c.targetsApply && !c.passed)
            result.summary += "; verification FAILED in " + c.runtime;
    return result;
}

} // namespace ql::core::exporting
