#include "core/engine/model_io.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_io.h"
#include "core/models/weights.h"
#ifdef QL_HAVE_ONNX
#include "core/onnx/onnx_model.h"
#endif

#include <nlohmann/json.hpp>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

namespace ql::core::engine {
namespace fs = std::filesystem;

std::string ModelMeta::toJson(const fs::path &relativeTo) const
{
    nlohmann::json j{{"format", "quantlens-model"},
                     {"version", 1},
                     {"arch", arch},
                     {"activation", activation},
                     {"in_channels", inChannels},
                     {"num_classes", numClasses},
                     {"dataset", dataset},
                     {"top1", top1},
                     {"command", command}};
    if (arch == kOnnxArch) {
        std::string file = onnxFile;
        if (!relativeTo.empty()) {
            std::error_code ec;
            const auto rel = fs::relative(fs::absolute(onnxFile), fs::absolute(relativeTo), ec);
            if (!ec && !rel.empty())
                file = rel.generic_string();
        }
        j["onnx"] = {{"file", file},
                     {"bytes", onnxBytes},
                     {"fnv1a64", onnxDigest},
                     {"preprocessing", nlohmann::json::parse(preprocessing.toJson())}};
    }
    return j.dump(2) + "\n";
}

ModelMeta ModelMeta::fromJson(const std::string &text, const std::string &source, const fs::path &base)
{
    const auto j = parseJson(text, "Model description", source);
    const std::string where = "Model description '" + source + "'";
    if (!j.is_object())
        throw Error(where + " must be a JSON object.",
                    "It must be the JSON file QuantLens writes beside a model (with at least \"arch\").");
    ModelMeta m;
    m.arch = jsonString(j, "arch", "", where);
    if (m.arch.empty())
        throw Error(where + " does not name the architecture (\"arch\").",
                    "It must be the JSON file QuantLens writes beside a model (with at least \"arch\").");
    m.activation = jsonString(j, "activation", "relu", where);
    // 0 means "what the architecture has by default"; the bounds keep a damaged file from
    // building a model no machine could hold.
    m.inChannels = jsonInteger(j, "in_channels", 0, kMaxInChannels, 0, where);
    m.numClasses = jsonInteger(j, "num_classes", 0, kMaxClasses, 0, where);
    m.dataset = jsonString(j, "dataset", "", where);
    m.top1 = jsonNumber(j, "top1", -1.0, where);
    m.command = jsonString(j, "command", "", where);
    if (m.arch == kOnnxArch) {
        const auto &o = jsonRequired(j, "onnx", where);
        const std::string onnxWhere = where + " (\"onnx\")";
        if (!o.is_object())
            throw Error(onnxWhere + " must be a JSON object.",
                        "It names the .onnx file, its size, digest and preprocessing, as QuantLens writes it.");
        fs::path file = jsonString(o, "file", "", onnxWhere);
        if (file.empty())
            throw Error(onnxWhere + " does not name the ONNX file (\"file\").",
                        "It must be the JSON QuantLens writes for a session of an ONNX model.");
        if (file.is_relative() && !base.empty())
            file = base / file;
        m.onnxFile = file.string();
        m.onnxBytes =
            static_cast<uint64_t>(jsonInteger(o, "bytes", 0, std::numeric_limits<int64_t>::max(), 0, onnxWhere));
        m.onnxDigest = jsonString(o, "fnv1a64", "", onnxWhere);
        if (o.contains("preprocessing"))
            m.preprocessing = types::Preprocessing::fromJson(o.at("preprocessing").dump(), source);
    }
    return m;
}

bool isOnnxPath(const fs::path &path)
{
    auto ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext == ".onnx";
}

std::pair<uint64_t, std::string> fileDigest(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("Cannot read '" + path.string() + "'.", "Check that it exists and can be read.");
    uint64_t hash = 1469598103934665603ULL, bytes = 0;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto n = static_cast<size_t>(in.gcount());
        for (size_t i = 0; i < n; ++i) {
            hash ^= static_cast<unsigned char>(buffer[i]);
            hash *= 1099511628211ULL;
        }
        bytes += n;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return {bytes, hex};
}

fs::path metaPathFor(const fs::path &modelPath) { return fs::path(modelPath.string() + ".json"); }

void saveModel(const fs::path &path, const models::QuantModelImpl &model, const ModelMeta &meta)
{
    models::saveWeights(model, path); // atomic
    writeFileAtomically(metaPathFor(path), meta.toJson());
}

namespace {

#ifndef QL_HAVE_ONNX
[[noreturn]] void noOnnx(const fs::path &path)
{
    throw Error("'" + path.string() + "' is an ONNX model, but this QuantLens was built without ONNX support.",
                "Install libonnx-dev (scripts/bootstrap) and build QuantLens again.");
}
#else
LoadedModel loadOnnx(const fs::path &path, const types::Preprocessing &overrides)
{
    const auto pre = onnx::preprocessingFor(path, overrides);
    LoadedModel out;
    auto model = onnx::importModel(path, pre);
    out.meta.arch = kOnnxArch;
    out.meta.activation = path.filename().string() + ", opset " + std::to_string(model->opset());
    out.meta.inChannels = model->defaultInputShape().at(0);
    out.meta.numClasses = model->numClasses();
    out.meta.dataset = pre.dataset;
    out.meta.onnxFile = fs::absolute(path).lexically_normal().string();
    std::tie(out.meta.onnxBytes, out.meta.onnxDigest) = fileDigest(path);
    out.meta.preprocessing = pre;
    out.report = model->description();
    out.model = std::move(model);
    return out;
}
#endif

} // namespace

LoadedModel loadModel(const fs::path &path, const std::string &archHint, const models::ZooOptions &options,
                      bool trustTorchScript, const types::Preprocessing &preprocessing)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw Error("Model file '" + path.string() + "' does not exist.", "Check the path.");
    if (isOnnxPath(path)) {
        if (!archHint.empty() && archHint != kOnnxArch)
            throw Error("'" + path.string() + "' is an ONNX model: it brings its own graph, so --arch " + archHint +
                            " does not apply.",
                        "Leave --arch out.");
#ifdef QL_HAVE_ONNX
        return loadOnnx(path, preprocessing);
#else
        noOnnx(path);
#endif
    }
    ModelMeta meta;
    const fs::path metaPath = metaPathFor(path);
    if (fs::is_regular_file(metaPath, ec))
        meta = ModelMeta::fromJson(readTextFile(metaPath, "Model description"), metaPath.string());
    if (!archHint.empty())
        meta.arch = archHint;
    if (meta.arch.empty())
        throw Error("The architecture of '" + path.string() + "' is unknown (no '" + metaPath.filename().string() +
                        "' beside it).",
                    "Name it with --arch ARCH (one of the zoo names: quantlens-cli info lists them), or write a "
                    "description beside it.");

    models::ZooOptions zo = options;
    if (zo.inChannels == 0)
        zo.inChannels = meta.inChannels;
    if (zo.numClasses == 0)
        zo.numClasses = meta.numClasses;
    // Without a description, a state dict says itself how many input channels and classes its
    // network has (a 10-class resnet18 is not torchvision's 1000-class one).
    if ((zo.inChannels == 0 || zo.numClasses == 0) &&
        models::detectWeightFormat(path) == models::WeightFormat::StateDict) {
        const auto shape = models::inferShape(models::readStateDict(path));
        if (zo.inChannels == 0)
            zo.inChannels = shape.inChannels;
        if (zo.numClasses == 0)
            zo.numClasses = shape.numClasses;
    }
    if (meta.activation != "relu" && meta.activation.size())
        zo.activation = models::activationFromName(meta.activation);

    LoadedModel out;
    try {
        out.model = models::createModel(meta.arch, zo);
    } catch (const std::bad_alloc &) {
        throw Error("Out of memory while building the model of '" + path.string() + "' (" + meta.arch + ", " +
                        std::to_string(zo.numClasses) + " classes).",
                    "Check the class count and input channels in '" + metaPath.string() + "'.");
    }
    const auto report = models::loadWeights(*out.model, path, /*strict=*/true, trustTorchScript);
    out.meta = meta;
    out.meta.inChannels = out.model->defaultInputShape().at(0);
    out.meta.numClasses = out.model->numClasses();
    out.report = report.summary();
    return out;
}

models::QuantModel modelFor(const ModelMeta &meta)
{
    if (meta.arch != kOnnxArch) {
        models::ZooOptions zo;
        zo.inChannels = meta.inChannels;
        zo.numClasses = meta.numClasses;
        zo.activation = models::activationFromName(meta.activation);
        return models::createModel(meta.arch, zo);
    }
    const fs::path file = meta.onnxFile;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        throw Error("The ONNX model '" + file.string() + "' this was made from is missing.",
                    "A session names its .onnx file relative to itself: keep them together, or put the model "
                    "back there.");
    const auto [bytes, digest] = fileDigest(file);
    if ((meta.onnxBytes != 0 && bytes != meta.onnxBytes) || (!meta.onnxDigest.empty() && digest != meta.onnxDigest))
        throw Error("The ONNX model '" + file.string() + "' has changed since this was saved (" +
                        std::to_string(bytes) + " bytes, digest " + digest + "; saved with " +
                        std::to_string(meta.onnxBytes) + " bytes, digest " + meta.onnxDigest + ").",
                    "Put the original model back, or open the new one and quantize it anew.");
#ifdef QL_HAVE_ONNX
    return onnx::importModel(file, meta.preprocessing);
#else
    noOnnx(file);
#endif
}

} // namespace ql::core::engine

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace ql::core::engine {

torch::Tensor loadImageFiles(const std::vector<fs::path> &files, const std::vector<int64_t> &chw)
{
    if (chw.size() != 3)
        throw Error("loadImageFiles needs a {C, H, W} shape.");
    const int c = static_cast<int>(chw[0]), h = static_cast<int>(chw[1]), w = static_cast<int>(chw[2]);
    if (c != 1 && c != 3)
        throw Error("Images can be fed to models with 1 or 3 input channels, not " + std::to_string(c) + ".");
    std::vector<torch::Tensor> out;
    for (const auto &f : files) {
        cv::Mat img = cv::imread(f.string(), c == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
        if (img.empty())
            throw Error("Image '" + f.string() + "' cannot be read (missing, or not an image OpenCV can decode).");
        if (c == 3)
            cv::cvtColor(img, img, cv::COLOR_BGR2RGB);
        if (img.rows != h || img.cols != w)
            cv::resize(img, img, cv::Size(w, h), 0, 0, cv::INTER_AREA);
        auto t = torch::from_blob(img.data, {h, w, c}, torch::kUInt8).clone();
        out.push_back(t.permute({2, 0, 1}).to(torch::kFloat).div_(255.0));
    }
    return torch::stack(out);
}

} // namespace ql::core::engine
