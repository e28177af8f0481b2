#include "core/engine/session.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fnmatch.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

namespace ql::core::engine {
namespace fs = std::filesystem;

quant::Method parseMethod(const std::string &name) { return quant::methodFromName(name); }

Session::Session(LoadedModel model, std::string dataset, const QuantRecipe &recipe)
    : m_model(std::move(model)), m_dataset(std::move(dataset))
{
    applyRecipe(recipe);
}

void Session::applyRecipe(const QuantRecipe &recipe)
{
    m_config.clear();
    const auto layers = m_model.model->quantLayers();
    for (size_t i = 0; i < layers.size(); ++i)
        m_config.push_back(recipeConfig(recipe, layers[i]->layerName(), i == 0, i + 1 == layers.size()));
}

std::vector<std::string> closeMatches(const std::string &name, const std::vector<std::string> &candidates, size_t max)
{
    auto distance = [](const std::string &a, const std::string &b) {
        std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
        for (size_t j = 0; j <= b.size(); ++j)
            prev[j] = j;
        for (size_t i = 1; i <= a.size(); ++i) {
            cur[0] = i;
            for (size_t j = 1; j <= b.size(); ++j)
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            std::swap(prev, cur);
        }
        return prev[b.size()];
    };
    std::vector<std::pair<size_t, std::string>> scored;
    for (const auto &c : candidates)
        scored.emplace_back(distance(name, c), c);
    std::stable_sort(scored.begin(), scored.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (const auto &[d, c] : scored) {
        if (out.size() >= max || d > std::max<size_t>(3, name.size() / 2))
            break;
        out.push_back(c);
    }
    return out;
}

LayerQuantConfig &Session::findLayer(const std::string &name)
{
    for (auto &c : m_config)
        if (c.layer == name)
            return c;
    std::vector<std::string> names;
    for (const auto &c : m_config)
        names.push_back(c.layer);
    const auto close = closeMatches(name, names);
    std::string list;
    for (const auto &c : close)
        list += (list.empty() ? "" : ", ") + c;
    throw Error("Layer '" + name + "' does not exist in " + m_model.meta.arch + ".",
                close.empty() ? "Its quantizable layers are listed by quantlens-cli sensitivity or the layer table."
                              : "Did you mean: " + list + "?");
}

void Session::setLayerConfig(const LayerQuantConfig &config)
{
    quant::validateSpec(config.weight);
    quant::validateSpec(config.act);
    findLayer(config.layer) = config;
}

const LayerQuantConfig &Session::layerConfig(const std::string &layer) const
{
    return const_cast<Session *>(this)->findLayer(layer);
}

static quant::QuantSpec patchSpec(const quant::QuantSpec &base, const nlohmann::json &patch, const std::string &where)
{
    if (!patch.is_object())
        throw Error(where + " must be an object such as {\"method\": \"lsq\", \"bits\": 4}.");
    auto j = nlohmann::json::parse(base.toJson());
    for (const auto &item : patch.items())
        j[item.key()] = item.value();
    try {
        return quant::QuantSpec::fromJson(j.dump());
    } catch (const Error &e) {
        throw Error(where + ": " + e.what(), e.hint());
    }
}

int Session::applyConfigJson(const std::string &text, const std::string &source)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        throw Error("Config '" + source + "' is not valid JSON: " + e.what());
    }
    if (!j.is_object() || !j.contains("layers") || !j["layers"].is_object())
        throw Error(
            "Config '" + source + "' must be an object with a \"layers\" object.",
            R"(Example: {"layers": {"conv1": {"weight": {"bits": 8}}, "layer*.conv2": {"act": {"method": "lsq+", "bits": 3}}}})");
    std::vector<std::string> names;
    for (const auto &c : m_config)
        names.push_back(c.layer);
    std::vector<LayerQuantConfig> updated = m_config;
    std::vector<bool> changed(updated.size(), false);
    for (const auto &item : j["layers"].items()) {
        const std::string &pattern = item.key();
        const bool glob = pattern.find_first_of("*?[") != std::string::npos;
        bool matched = false;
        for (size_t i = 0; i < updated.size(); ++i) {
            const bool hit =
                glob ? ::fnmatch(pattern.c_str(), updated[i].layer.c_str(), 0) == 0 : updated[i].layer == pattern;
            if (!hit)
                continue;
            matched = true;
            const auto &v = item.value();
            const std::string where = "Config '" + source + "', layer '" + updated[i].layer + "'";
            if (!v.is_object())
                throw Error(where + " must map to an object with \"weight\", \"act\" and/or \"enabled\".");
            for (const auto &field : v.items())
                if (field.key() != "weight" && field.key() != "act" && field.key() != "enabled")
                    throw Error(where + ": unknown field \"" + field.key() + "\".",
                                "Use \"weight\", \"act\" or \"enabled\".");
            if (v.contains("weight"))
                updated[i].weight = patchSpec(updated[i].weight, v["weight"], where + " weight");
            if (v.contains("act"))
                updated[i].act = patchSpec(updated[i].act, v["act"], where + " act");
            if (v.contains("enabled"))
                updated[i].enabled = v["enabled"].get<bool>();
            changed[i] = true;
        }
        if (!matched) {
            const auto close = closeMatches(pattern, names);
            std::string list;
            for (const auto &c : close)
                list += (list.empty() ? "" : ", ") + c;
            throw Error("Config '" + source + "': no layer matches '" + pattern + "'.",
                        close.empty() ? "Layer names are the state-dict prefixes, e.g. " + names.front() + "."
                                      : "Close matches: " + list + ".");
        }
    }
    m_config = std::move(updated);
    return static_cast<int>(std::count(changed.begin(), changed.end(), true));
}

int Session::applyConfigFile(const fs::path &path)
{
    std::ifstream in(path);
    if (!in)
        throw Error("Config file '" + path.string() + "' cannot be read.", "Check the path.");
    std::stringstream ss;
    ss << in.rdbuf();
    return applyConfigJson(ss.str(), path.string());
}

void Session::buildQuantizers()
{
    for (const auto &layer : m_model.model->quantLayers())
        buildLayer(layer->layerName());
}

void Session::buildLayer(const std::string &name)
{
    std::shared_ptr<models::QuantLayerImpl> layer;
    for (const auto &l : m_model.model->quantLayers())
        if (l->layerName() == name)
            layer = l;
    const auto &c = findLayer(name);
    if (!layer)
        return;
    if (!c.enabled) {
        layer->setWeightQuantizer(nullptr);
        layer->setInputQuantizer(nullptr);
        layer->setMode(models::LayerMode::Fp32);
        return;
    }
    try {
        const int64_t inChannels = layer->inChannels();
        layer->setWeightQuantizer(c.weight.method == quant::Method::None
                                      ? nullptr
                                      : quant::makeQuantizer(c.weight, quant::Role::Weight, layer->outChannels()));
        layer->setInputQuantizer(c.act.method == quant::Method::None
                                     ? nullptr
                                     : quant::makeQuantizer(c.act, quant::Role::Activation, inChannels));
    } catch (const Error &e) {
        throw Error("Layer '" + name + "': " + e.what(), e.hint());
    }
    layer->setMode(models::LayerMode::FakeQuant);
    layer->to(layer->weight.device());
}

void Session::setFp32(bool fp32)
{
    for (const auto &layer : m_model.model->quantLayers()) {
        const bool enabled = findLayer(layer->layerName()).enabled;
        layer->setMode(fp32 || !enabled ? models::LayerMode::Fp32 : models::LayerMode::FakeQuant);
    }
}

void Session::save(const fs::path &path, const nlohmann::json *results) const
{
    // The weights go to a new file first; the JSON that names it is replaced
    // atomically after, and only then is the old weights file removed, so an
    // interruption at any point leaves a consistent session on disk.
    std::random_device rd;
    const std::string tag = std::to_string(rd() % 1000000);
    const fs::path weights = fs::path(path.string() + "." + tag + ".weights");
    std::string oldWeights;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        try {
            std::ifstream in(path);
            oldWeights = nlohmann::json::parse(in).value("weights", std::string());
        } catch (...) {
        }
    }
    writeAtomically(weights, [&](const fs::path &tmp) {
        torch::serialize::OutputArchive archive;
        m_model.model->save(archive);
        archive.save_to(tmp.string());
    });
    nlohmann::json j;
    j["format"] = "quantlens-session";
    j["version"] = 1;
    j["model"] = nlohmann::json::parse(m_model.meta.toJson(fs::absolute(path).parent_path()));
    j["dataset"] = m_dataset;
    j["weights"] = weights.filename().string();
    for (const auto &c : m_config)
        j["layers"].push_back({{"name", c.layer},
                               {"weight", nlohmann::json::parse(c.weight.toJson())},
                               {"act", nlohmann::json::parse(c.act.toJson())},
                               {"enabled", c.enabled}});
    if (results)
        j["results"] = *results;
    try {
        writeFileAtomically(path, j.dump(2) + "\n");
    } catch (...) {
        fs::remove(weights, ec);
        throw;
    }
    if (!oldWeights.empty() && oldWeights != weights.filename().string())
        fs::remove(path.parent_path() / oldWeights, ec);
}

Session Session::load(const fs::path &path)
{
    std::ifstream in(path);
    if (!in)
        throw Error("Session '" + path.string() + "' cannot be read.", "Check the path.");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error &e) {
        throw Error("Session '" + path.string() + "' is not valid JSON (" + e.what() + ").",
                    "The file is damaged; open an earlier copy.");
    }
    if (j.value("format", std::string()) != "quantlens-session")
        throw Error("'" + path.string() + "' is not a QuantLens session.");
    Session s;
    try {
        s.m_model.meta = ModelMeta::fromJson(j.at("model").dump(), path.string(), fs::absolute(path).parent_path());
        s.m_model.model = modelFor(s.m_model.meta);
        s.m_dataset = j.value("dataset", std::string());
        s.applyRecipe({});
        for (const auto &l : j.at("layers")) {
            LayerQuantConfig c;
            c.layer = l.at("name").get<std::string>();
            c.weight = quant::QuantSpec::fromJson(l.at("weight").dump());
            c.act = quant::QuantSpec::fromJson(l.at("act").dump());
            c.enabled = l.value("enabled", true);
            s.setLayerConfig(c);
        }
    } catch (const nlohmann::json::exception &e) {
        throw Error("Session '" + path.string() + "' is missing a field: " + e.what());
    } catch (const Error &e) {
        throw Error("Session '" + path.string() + "': " + e.what(), e.hint());
    }
    s.buildQuantizers();
    const fs::path weights = path.parent_path() / j.value("weights", std::string());
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(weights.string());
        s.m_model.model->load(archive);
    } catch (const c10::Error &e) {
        throw Error("Session weights '" + weights.string() + "' cannot be read: " + e.what_without_backtrace(),
                    "The weights file belongs beside the session file; it may be missing or damaged.");
    }
    for (const auto &layer : s.m_model.model->quantLayers()) {
        for (auto *q : {layer->weightQuantizer().get(), layer->inputQuantizer().get()})
            if (q)
                q->markInitialized();
    }
    return s;
}

} // namespace ql::core::engine
