#pragma once
// Model files: a PyTorch-compatible state dict (.pth, readable by torch.load)
// plus a JSON side file "<file>.json" that names the architecture.
#include "core/models/zoo.h"

#include <filesystem>
#include <string>

namespace ql::core::engine {

/// Largest input channel and class counts a model description may give.
constexpr int64_t kMaxInChannels = 65536;
constexpr int64_t kMaxClasses = 1000000;

/// What a model file is: enough to rebuild the architecture.
struct ModelMeta {
    std::string arch; ///< zoo name
    std::string activation = "relu";
    int64_t inChannels = 0;
    int64_t numClasses = 0;
    std::string dataset; ///< what it was trained on, if known
    double top1 = -1; ///< validation top-1 in [0,1], -1 unknown
    std::string command; ///< the command that produced it
    std::string toJson() const;
    /// Parses a description; every field is type- and range-checked (nesting, integers out of
    /// range, wrong types are ql::core::Error naming `source`).
    static ModelMeta fromJson(const std::string &json, const std::string &source);
};

/// The side file of a model file: "<path>.json".
std::filesystem::path metaPathFor(const std::filesystem::path &modelPath);

/// Writes the FP32 state dict (torchvision names, quantizer parameters left out)
/// and the side file, each atomically. Throws ql::core::Error naming the file.
void saveModel(const std::filesystem::path &path, const models::QuantModelImpl &model, const ModelMeta &meta);

/// A model with its description.
struct LoadedModel {
    models::QuantModel model;
    ModelMeta meta;
    std::string report; ///< what was loaded, one line
};

/// Loads a model file: the architecture comes from `archHint` (a zoo name, or
/// "" to use the side file). The weights come from a PyTorch state dict
/// (.pth/.pt) or, when `trustTorchScript` is set, a TorchScript archive (which runs code
/// stored in it; ql::core::TrustError otherwise). Throws ql::core::Error naming the file
/// and listing missing / unexpected / wrongly shaped parameters.
LoadedModel loadModel(const std::filesystem::path &path, const std::string &archHint = {},
                      const models::ZooOptions &options = {}, bool trustTorchScript = false);

} // namespace ql::core::engine

namespace ql::core::engine {

/// Decodes image files (PNG/JPEG/...) into a batch shaped for a model taking
/// {C, H, W}: converted to C channels, resized to H x W, scaled to [0, 1].
/// Throws ql::core::Error naming the first file that cannot be read.
torch::Tensor loadImageFiles(const std::vector<std::filesystem::path> &files, const std::vector<int64_t> &chw);

} // namespace ql::core::engine
