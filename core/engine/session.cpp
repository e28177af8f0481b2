#include "core/engine/session.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/json_io.h"
#include "core/common/sha256.h"
#include "core/models/weights.h"
#include "core/quant/asq.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fnmatch.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
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
    const nlohmann::json j = parseJson(text, "Config", source);
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
            updated[i].enabled = jsonBool(v, "enabled", updated[i].enabled, where);
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
    return applyConfigJson(readTextFile(path, "Config file"), path.string());
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
        layer->setWeightQuantizer(c.weight.method == quant::Method::None
                                      ? nullptr
                                      : quant::makeQuantizer(c.weight, quant::Role::Weight, layer->outChannels()));
        layer->setInputQuantizer(c.act.method == quant::Method::None
                                     ? nullptr
                                     : quant::makeQuantizer(c.act, quant::Role::Activation, layer->featureChannels()));
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

namespace {

constexpr const char *kWeightsSuffix = ".weights";

/// The tensors of one quantizer, with the model-level names they have in the weights file.
struct QuantizerTensors {
    quant::QuantizerImpl *quantizer = nullptr;
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
};

std::vector<QuantizerTensors> quantizerTensors(const models::QuantModelImpl &model)
{
    std::vector<QuantizerTensors> out;
    for (const auto &layer : model.quantLayers()) {
        for (const auto &[slot, q] :
             {std::pair{models::QuantLayerImpl::kWeightQuantizerName, layer->weightQuantizer()},
              std::pair{models::QuantLayerImpl::kInputQuantizerName, layer->inputQuantizer()}}) {
            if (!q)
                continue;
            QuantizerTensors qt;
            qt.quantizer = q.get();
            const std::string prefix = layer->layerName() + "." + slot + ".";
            for (const auto &p : q->named_parameters(/*recurse=*/true))
                qt.tensors.emplace_back(prefix + p.key(), p.value());
            for (const auto &b : q->named_buffers(/*recurse=*/true))
                qt.tensors.emplace_back(prefix + b.key(), b.value());
            out.push_back(std::move(qt));
        }
    }
    return out;
}

/// The network's own parameters and buffers (quantizers left out).
std::vector<std::pair<std::string, torch::Tensor>> networkTensors(const models::QuantModelImpl &model)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto &p : model.named_parameters(/*recurse=*/true))
        if (!models::isQuantizerParameter(p.key()))
            out.emplace_back(p.key(), p.value());
    for (const auto &b : model.named_buffers(/*recurse=*/true))
        if (!models::isQuantizerParameter(b.key()))
            out.emplace_back(b.key(), b.value());
    return out;
}

bool isHex(const std::string &s) { return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string::npos; }

/// The "weights" field must name a file beside the session: a plain name, no folders.
void checkPlainName(const std::string &name, const std::string &source)
{
    const bool bad = name.empty() || name == "." || name == ".." || name.size() > 255 ||
                     name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
                     name.find('\0') != std::string::npos;
    if (bad)
        throw Error("Session '" + source + "': \"weights\" must be the name of a file beside the session, not '" +
                        name.substr(0, 80) + "'.",
                    "QuantLens writes a plain file name there; the file may have been edited to point elsewhere.");
}

/// `dir/name` when it is a regular file whose real location is inside `dir` (no symlink out).
fs::path weightsInFolder(const fs::path &sessionPath, const std::string &name)
{
    const fs::path dir = sessionPath.has_parent_path() ? sessionPath.parent_path() : fs::path(".");
    const fs::path weights = dir / name;
    std::error_code ec;
    if (!fs::exists(weights, ec))
        throw Error("The weights file '" + weights.string() + "' of session '" + sessionPath.string() +
                        "' does not exist.",
                    "Keep the weights file beside the session file when you copy or move it.");
    const fs::path real = fs::canonical(weights, ec);
    const fs::path realDir = fs::canonical(dir, ec);
    if (ec || real.parent_path() != realDir)
        throw Error("Session '" + sessionPath.string() + "': its weights file '" + name +
                        "' is a link to a file outside the session's folder ('" + real.string() + "').",
                    "A session reads weights only from its own folder; copy the file there instead of linking it.");
    if (!fs::is_regular_file(real, ec))
        throw Error("The weights file '" + weights.string() + "' is not a regular file.",
                    "Keep the weights file beside the session file.");
    return weights;
}

std::string fileSha256(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    Sha256 sha;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        sha.update(buffer.data(), static_cast<size_t>(in.gcount()));
    }
    if (in.bad())
        throw Error("Cannot read '" + path.string() + "'.", "Check the disk.");
    return sha.hexFinish();
}

/// Whether another session file in `dir` names `weights` (a copy of this session).
bool namedByAnotherSession(const fs::path &dir, const fs::path &self, const std::string &weights)
{
    std::error_code ec;
    const fs::path selfName = self.filename();
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path p = it->path();
        if (p.filename() == selfName || p.extension() != ".qls")
            continue;
        try {
            const std::string text = readTextFile(p, "Session");
            if (text.find(weights) == std::string::npos)
                continue;
            const auto j = parseJson(text, "Session", p.string());
            if (j.is_object() && j.value("weights", std::string()) == weights)
                return true;
        } catch (const std::exception &) {
            // A file that mentions the name but cannot be read as a session: keep the weights.
            return true;
        }
    }
    return ec.value() != 0; // a folder that cannot be listed: keep the weights
}

[[noreturn]] void badTensor(const fs::path &weights, const std::string &name, const std::string &problem)
{
    throw Error("Session weights '" + weights.string() + "': tensor '" + name + "' " + problem + ".",
                "The weights file does not belong to this session or is damaged; save the session again from its "
                "model.");
}

/// Copies `from` into `to` after checking it is what the session's configuration built.
void checkAndCopy(const fs::path &weights, const std::string &name, torch::Tensor &to, const torch::Tensor &from,
                  bool positive)
{
    if (from.scalar_type() != to.scalar_type())
        badTensor(weights, name,
                  std::string("has dtype ") + c10::toString(from.scalar_type()) + ", the session's configuration " +
                      c10::toString(to.scalar_type()));
    if (!from.sizes().equals(to.sizes()))
        badTensor(weights, name,
                  "has shape " + c10::str(from.sizes()) + ", the session's configuration " + c10::str(to.sizes()));
    if (from.is_floating_point() && !torch::isfinite(from).all().item<bool>())
        badTensor(weights, name, "holds NaN or infinite values");
    // Calibrated steps and ranges (buffers) are never negative; zero is what calibration on
    // all-zero activations gives (a dead ReLU). Learned ones (LSQ, PACT) may cross zero in
    // training, so the engine's own sessions hold such values and they load as saved.
    if (positive && !to.requires_grad() && from.numel() > 0 && (from < 0).any().item<bool>())
        badTensor(weights, name, "holds a negative step size or range");
    torch::NoGradGuard noGrad;
    to.copy_(from);
}

/// An ASQ adapter saved over every feature of a linear layer on a flattened map (sessions saved
/// before the adapter pooled such a map per channel) is rebuilt at that width, so that the
/// session loads and computes what it computed when it was saved.
void keepSavedAdapterWidths(models::QuantModelImpl &model, const std::map<std::string, torch::Tensor> &saved)
{
    for (const auto &layer : model.quantLayers()) {
        auto *asq = dynamic_cast<quant::AsqQuantizerImpl *>(layer->inputQuantizer().get());
        if (!asq || layer->featureChannels() == layer->inChannels())
            continue;
        const std::string prefix = layer->layerName() + "." + models::QuantLayerImpl::kInputQuantizerName + ".adapter.";
        auto it = saved.find(prefix + "hidden.weight");
        if (it == saved.end())
            it = saved.find(prefix + "out.weight");
        if (it == saved.end() || it->second.dim() != 2 || it->second.size(1) != layer->inChannels())
            continue;
        layer->setInputQuantizer(quant::makeQuantizer(asq->spec(), quant::Role::Activation, layer->inChannels()));
        layer->to(layer->weight.device());
    }
}

/// Calibrated step sizes and clipping ranges must not be negative; offsets and adapter weights may be.
bool mustBePositive(const std::string &name)
{
    const auto dot = name.rfind('.');
    const std::string last = dot == std::string::npos ? name : name.substr(dot + 1);
    return last == "step" || last == "alpha";
}

} // namespace

bool isSessionWeightsName(const std::string &name, const std::string &session)
{
    const std::string prefix = session + ".";
    const std::string suffix = kWeightsSuffix;
    if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
        return false;
    const std::string tag = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    const bool hash = tag.size() == 16 && isHex(tag);
    const bool legacy = tag.size() <= 6 && tag.find_first_not_of("0123456789") == std::string::npos;
    return hash || legacy;
}

void Session::save(const fs::path &path, const nlohmann::json *results) const
{
    // The weights go to a new file named after their content first; the JSON that names it is
    // replaced atomically after, and only then is the previous weights file removed, so an
    // interruption at any point leaves a consistent session on disk.
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const std::string sessionName = path.filename().string();
    std::string oldWeights;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        try {
            const auto old = parseJson(readTextFile(path, "Session"), "Session", path.string());
            if (old.is_object())
                oldWeights = old.value("weights", std::string());
        } catch (const std::exception &) {
            // An unreadable previous version: nothing of it is removed.
        }
    }

    models::NamedTensors tensors = networkTensors(*m_model.model);
    for (const auto &qt : quantizerTensors(*m_model.model))
        if (qt.quantizer->initialized())
            tensors.insert(tensors.end(), qt.tensors.begin(), qt.tensors.end());
    const std::string digest = models::stateDictDigest(tensors);
    const std::string weightsName = sessionName + "." + digest.substr(0, 16) + kWeightsSuffix;
    const fs::path weights = dir / weightsName;
    models::writeStateDict(tensors, weights);

    nlohmann::json j;
    j["format"] = "quantlens-session";
    j["version"] = kSessionVersion;
    j["model"] = nlohmann::json::parse(m_model.meta.toJson(fs::absolute(path).parent_path()));
    j["dataset"] = m_dataset;
    j["weights"] = weightsName;
    j["weights_sha256"] = digest;
    j["layers"] = nlohmann::json::array();
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
        if (weightsName != oldWeights && !namedByAnotherSession(dir, path, weightsName))
            fs::remove(weights, ec);
        throw;
    }
    // Only weights files this session created (named after it), beside it, that no copy of the
    // session names: the previous version's, and those a copy held on to until it was removed.
    std::vector<fs::path> unused;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name != weightsName && isSessionWeightsName(name, sessionName) &&
            fs::is_regular_file(fs::symlink_status(it->path(), ec)))
            unused.push_back(it->path());
    }
    for (const auto &old : unused)
        if (!namedByAnotherSession(dir, path, old.filename().string()))
            fs::remove(old, ec);
}

SessionFile parseSessionFile(const std::string &text, const std::string &source, const fs::path &base)
{
    const std::string where = "Session '" + source + "'";
    const auto j = parseJson(text, "Session", source);
    if (!j.is_object() || jsonString(j, "format", "", where) != "quantlens-session")
        throw Error("'" + source + "' is not a QuantLens session.", "Open a .qls file saved by QuantLens.");
    SessionFile f;
    f.version = static_cast<int>(jsonInteger(j, "version", 1, 1000, 1, where));
    if (f.version > kSessionVersion)
        throw Error(where + " was written by a newer QuantLens (session version " + std::to_string(f.version) + ").",
                    "Update QuantLens to open it.");
    const auto &model = jsonRequired(j, "model", where);
    if (!model.is_object())
        throw Error(where + ": \"model\" must be an object.", "The file is damaged; open an earlier copy.");
    try {
        f.meta = ModelMeta::fromJson(model.dump(), source, base);
    } catch (const Error &e) {
        throw Error(where + ": " + e.what(), e.hint());
    }
    f.dataset = jsonString(j, "dataset", "", where);
    f.weights = jsonString(j, "weights", "", where);
    checkPlainName(f.weights, source);
    f.weightsSha256 = jsonString(j, "weights_sha256", "", where);
    if (!f.weightsSha256.empty() && (f.weightsSha256.size() != 64 || !isHex(f.weightsSha256)))
        throw Error(where + ": \"weights_sha256\" is not a SHA-256 digest.", "The file is damaged.");
    if (f.version >= 2 && f.weightsSha256.empty())
        throw Error(where + ": \"weights_sha256\" is missing.", "The file is damaged; open an earlier copy.");
    const auto &layers = jsonRequired(j, "layers", where);
    if (!layers.is_array())
        throw Error(where + ": \"layers\" must be an array.", "The file is damaged; open an earlier copy.");
    for (const auto &l : layers) {
        const std::string lw = where + ", layer " + std::to_string(f.layers.size());
        LayerQuantConfig c;
        c.layer = jsonString(l, "name", "", lw);
        if (c.layer.empty())
            throw Error(lw + ": \"name\" is missing.", "The file is damaged; open an earlier copy.");
        const std::string named = where + ", layer '" + c.layer + "'";
        for (const char *spec : {"weight", "act"})
            if (!jsonRequired(l, spec, named).is_object())
                throw Error(named + ": \"" + spec + "\" must be an object.", "The file is damaged.");
        c.weight = quant::QuantSpec::fromJson(l.at("weight").dump(), source);
        c.act = quant::QuantSpec::fromJson(l.at("act").dump(), source);
        c.enabled = jsonBool(l, "enabled", true, named);
        for (const auto &other : f.layers)
            if (other.layer == c.layer)
                throw Error(named + " appears twice.", "The file is damaged; open an earlier copy.");
        f.layers.push_back(std::move(c));
    }
    return f;
}

Session Session::load(const fs::path &path, bool trustTorchScript)
{
    const SessionFile f =
        parseSessionFile(readTextFile(path, "Session"), path.string(), fs::absolute(path).parent_path());
    Session s;
    try {
        s.m_model.meta = f.meta;
        s.m_model.model = modelFor(s.m_model.meta);
        s.m_dataset = f.dataset;
        s.applyRecipe({});
        for (const auto &c : f.layers)
            s.setLayerConfig(c);
        if (f.layers.size() != s.m_config.size())
            throw Error("it configures " + std::to_string(f.layers.size()) + " layers, the model '" +
                            s.m_model.meta.arch + "' has " + std::to_string(s.m_config.size()) + ".",
                        "The file is damaged; open an earlier copy.");
        s.buildQuantizers();
    } catch (const std::bad_alloc &) {
        throw Error("Session '" + path.string() + "': out of memory while building its model.",
                    "The model it describes is too large for this machine, or the file is damaged.");
    } catch (const Error &e) {
        throw Error("Session '" + path.string() + "': " + e.what(), e.hint());
    }

    const fs::path weights = weightsInFolder(path, f.weights);
    auto &model = *s.m_model.model;
    if (models::isTorchScriptArchive(weights)) {
        // Sessions of version 1 kept their weights in a TorchScript archive.
        if (!trustTorchScript)
            throw TrustError("Session '" + path.string() + "' keeps its weights in a TorchScript archive ('" +
                                 weights.filename().string() +
                                 "', written by an earlier QuantLens). Loading it runs code stored in the file, so "
                                 "QuantLens loads it only when you say that you trust the file.",
                             "If you saved this session yourself, open it with --trust-torchscript (or confirm in "
                             "the window) and save it again: sessions are now saved as plain state dicts.",
                             weights.string());
        try {
            torch::serialize::InputArchive archive;
            archive.load_from(weights.string());
            model.load(archive);
        } catch (const c10::Error &e) {
            throw Error("Session weights '" + weights.string() + "' cannot be read: " + e.what_without_backtrace(),
                        "The weights file belongs beside the session file; it may be missing or damaged.");
        }
        for (auto [name, t] : networkTensors(model))
            checkAndCopy(weights, name, t, t.clone(), false);
        for (const auto &qt : quantizerTensors(model)) {
            for (auto [name, t] : qt.tensors)
                checkAndCopy(weights, name, t, t.clone(), mustBePositive(name));
            qt.quantizer->markInitialized();
        }
        return s;
    }
    if (f.version < 2)
        throw Error("Session '" + path.string() + "' (version 1) names weights '" + f.weights +
                        "' that are not the TorchScript archive that version wrote.",
                    "The weights file does not belong to this session.");
    if (fileSha256(weights) != f.weightsSha256)
        throw Error("Session weights '" + weights.string() + "' do not match session '" + path.string() +
                        "' (their SHA-256 differs from the one the session recorded).",
                    "The weights file was replaced or damaged; open an earlier copy of the session.");
    const auto read = models::readStateDict(weights);
    std::map<std::string, torch::Tensor> byName(read.begin(), read.end());
    auto take = [&](const std::string &name) -> std::optional<torch::Tensor> {
        auto it = byName.find(name);
        if (it == byName.end())
            return std::nullopt;
        auto t = it->second;
        byName.erase(it);
        return t;
    };
    for (auto [name, t] : networkTensors(model)) {
        const auto from = take(name);
        if (!from)
            badTensor(weights, name, "is missing");
        checkAndCopy(weights, name, t, *from, false);
    }
    keepSavedAdapterWidths(model, byName);
    for (const auto &qt : quantizerTensors(model)) {
        size_t present = 0;
        for (const auto &item : qt.tensors)
            present += byName.count(item.first);
        if (present == 0)
            continue; // saved before it was calibrated: initialised by the first job, as in a new session
        for (auto [name, t] : qt.tensors) {
            const auto from = take(name);
            if (!from)
                badTensor(weights, name, "is missing while other parameters of its quantizer are present");
            checkAndCopy(weights, name, t, *from, mustBePositive(name));
        }
        qt.quantizer->markInitialized();
    }
    if (!byName.empty())
        badTensor(weights, byName.begin()->first,
                  "is not part of the model and quantizers the session's configuration describes");
    return s;
}

} // namespace ql::core::engine
