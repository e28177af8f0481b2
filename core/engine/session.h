#pragma once
// A session: a model, the data set it works on and a per-layer quantization
// configuration; saved as one JSON file plus a weights file, atomically.
#include "core/engine/model_io.h"
#include "core/quant/quantizer.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace ql::core::engine {

// Layer configurations and recipes are plain values shared with the user interfaces.
using types::LayerQuantConfig;
using types::QuantRecipe;
using types::recipeConfig;

/// Parses "lsq", "lsq+", ... into a Method; throws ql::core::Error listing the names.
quant::Method parseMethod(const std::string &name);

/// Session file versions: 1 kept its weights in a TorchScript archive (read only when trusted),
/// 2 in a state dict named after its content.
constexpr int kSessionVersion = 2;

/// What a session file (.qls) says, after checking every field.
struct SessionFile {
    int version = kSessionVersion;
    ModelMeta meta;
    std::string dataset;
    std::string weights; ///< a plain file name, beside the session file
    std::string weightsSha256; ///< the weights file's SHA-256 (version 2)
    std::vector<LayerQuantConfig> layers;
};

/// Parses and checks the JSON of a session: nesting depth, format, version, the types and
/// ranges of every field, quantizer settings, and that "weights" is a plain file name (no
/// folder, no ".."). `source` (the file) is named in every error. Thread-safe.
SessionFile parseSessionFile(const std::string &text, const std::string &source);

/// Whether `name` is a weights file that saving the session file named `session` creates:
/// "<session>.<16 hex digits>.weights" (this version) or "<session>.<digits>.weights" (earlier).
bool isSessionWeightsName(const std::string &name, const std::string &session);

/// Not thread-safe: a session belongs to the engine thread while a job runs.
class Session {
public:
    Session() = default;
    /// A session on `model` with the recipe's default config for every layer. The session
    /// quantizes that model in place: sessions built from one LoadedModel share it.
    Session(LoadedModel model, std::string dataset, const QuantRecipe &recipe = {});

    models::QuantModel model() const { return m_model.model; }
    const ModelMeta &meta() const { return m_model.meta; }
    const std::string &dataset() const { return m_dataset; }
    void setDataset(std::string dataset) { m_dataset = std::move(dataset); }

    const std::vector<LayerQuantConfig> &config() const { return m_config; }
    /// Replaces the config of every layer by the recipe's.
    void applyRecipe(const QuantRecipe &recipe);
    /// Sets one layer's config (matched by name); throws ql::core::Error listing close names if unknown.
    void setLayerConfig(const LayerQuantConfig &config);
    const LayerQuantConfig &layerConfig(const std::string &layer) const;

    /// Applies a config file: {"layers": {"<name or glob>": {"weight": {...}, "act": {...}, "enabled": bool}}}.
    /// Spec objects are patches over the current spec. A name that matches no layer is an
    /// error listing the close matches. Returns the number of layers changed.
    int applyConfigJson(const std::string &json, const std::string &source);
    int applyConfigFile(const std::filesystem::path &path);

    /// Builds quantizers from the config and puts the model in fake-quant mode
    /// (enabled layers) / FP32 (disabled ones). Quantizers are not initialised yet.
    void buildQuantizers();
    /// Rebuilds one layer's quantizers from its config (not initialised).
    void buildLayer(const std::string &layer);
    /// Puts every layer in FP32 mode (quantizers kept).
    void setFp32(bool fp32);

    /// Saves the session JSON and its weights (FP weights and the parameters of every
    /// initialised quantizer, by name) atomically: a save that is interrupted or fails (disk
    /// full) leaves the previous session readable. The weights go to a state dict beside the
    /// session named after the session and the weights' content hash; the previous weights
    /// file is removed only when this session created it and no other session file in the
    /// folder (a copy) names it. `results` is stored as is.
    void save(const std::filesystem::path &path, const nlohmann::json *results = nullptr) const;
    /// Loads a session; throws ql::core::Error naming the file on any problem. The weights
    /// must be a file beside the session (symlinks out of its folder are refused) whose tensors
    /// have the names, shapes and dtypes the configuration gives, finite values and calibrated step
    /// sizes that are not negative. Version-1 sessions keep their weights in a TorchScript archive, which runs
    /// code when loaded: they load only with `trustTorchScript` (ql::core::TrustError otherwise).
    static Session load(const std::filesystem::path &path, bool trustTorchScript = false);

private:
    LayerQuantConfig &findLayer(const std::string &name);

    LoadedModel m_model;
    std::string m_dataset;
    std::vector<LayerQuantConfig> m_config;
};

/// Names in `candidates` close to `name` (edit distance), best first, at most `max`.
std::vector<std::string> closeMatches(const std::string &name, const std::vector<std::string> &candidates,
                                      size_t max = 3);

} // namespace ql::core::engine
