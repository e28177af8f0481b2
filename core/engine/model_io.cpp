#include "core/engine/model_io.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_io.h"
#include "core/models/weights.h"

#include <nlohmann/json.hpp>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ql::core::engine {
namespace fs = std::filesystem;

std::string ModelMeta::toJson() const
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
    return j.dump(2) + "\n";
}

ModelMeta ModelMeta::fromJson(const std::string &text, const std::string &source)
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
    return m;
}

fs::path metaPathFor(const fs::path &modelPath) { return fs::path(modelPath.string() + ".json"); }

void saveModel(const fs::path &path, const models::QuantModelImpl &model, const ModelMeta &meta)
{
    models::saveWeights(model, path); // atomic
    writeFileAtomically(metaPathFor(path), meta.toJson());
}

LoadedModel loadModel(const fs::path &path, const std::string &archHint, const models::ZooOptions &options,
                      bool trustTorchScript)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw Error("Model file '" + path.string() + "' does not exist.", "Check the path.");
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
