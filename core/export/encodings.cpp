#include "core/export/encodings.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>

namespace ql::core::exporting {

namespace {

constexpr const char *kEncodingsFormat = "AIMET encodings";

int64_t gridSize(int bits) { return int64_t{1} << bits; }

} // namespace

std::set<std::string> tensorNames(const models::Graph &graph)
{
    std::set<std::string> names{graph.input};
    for (const auto &c : graph.constants)
        names.insert(c.first);
    for (const auto &n : graph.nodes)
        for (const auto &o : n.outputs)
            names.insert(o);
    return names;
}

std::string encodingsJson(const LoweredGraph &graph)
{
    nlohmann::json acts = nlohmann::json::array();
    nlohmann::json params = nlohmann::json::array();
    for (const auto &t : graph.tensors) {
        if (t.floatEmulation)
            cannotExpress(kEncodingsFormat, t.layer,
                          t.codesType == elem::kFloat && t.role == QuantizedTensor::Role::Activation
                              ? "its input is quantized with a step that is not one scale per tensor or channel "
                                "(ASQ's per-sample step, or non-uniform levels)"
                              : "its quantizer has no scale and offset",
                          "Export this layer's activation with a uniform method (LSQ, LSQ+, PACT, min-max), or use the "
                          "onnx or torchscript format, which carry it as float operations.");
        const int64_t half = gridSize(t.bits - 1);
        nlohmann::json e{{"name", t.name}, {"dtype", "INT"}, {"bw", t.bits}};
        if (t.role == QuantizedTensor::Role::Activation) {
            const int64_t offset = t.lo - t.zeroPoint.front();
            e["enc_type"] = "PER_TENSOR";
            e["is_sym"] = t.isSigned && t.zeroPoint.front() == 0 && t.lo == -half;
            e["scale"] = {t.scale.front()};
            e["offset"] = {offset};
            acts.push_back(std::move(e));
        } else {
            nlohmann::json scales = nlohmann::json::array(), offsets = nlohmann::json::array();
            bool symmetric = true;
            for (double s : t.scale) {
                // A channel that a folded BatchNorm flips holds -q * |s|: the grid mirrors.
                const int64_t offset = s >= 0 ? -half : (t.narrow ? -half : -(half - 1));
                symmetric = symmetric && offset == -half;
                scales.push_back(std::abs(s));
                offsets.push_back(offset);
            }
            e["enc_type"] = t.scale.size() > 1 ? "PER_CHANNEL" : "PER_TENSOR";
            e["is_sym"] = symmetric;
            e["scale"] = scales;
            e["offset"] = offsets;
            params.push_back(std::move(e));
        }
    }
    nlohmann::json j{{"version", "1.0.0"},
                     {"activation_encodings", acts},
                     {"param_encodings", params},
                     {"excluded_layers", graph.excludedLayers}};
    return j.dump(2) + "\n";
}

std::vector<std::string> checkEncodings(const std::string &text, const LoweredGraph &graph)
{
    std::vector<std::string> problems;
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        return {std::string("not JSON: ") + e.what()};
    }
    if (j.value("version", std::string()) != "1.0.0")
        problems.push_back("version is not 1.0.0");
    const auto names = tensorNames(graph.graph);
    std::map<std::string, nlohmann::json> entries;
    for (const char *key : {"activation_encodings", "param_encodings"}) {
        if (!j.contains(key) || !j[key].is_array()) {
            problems.push_back(std::string("no ") + key + " list");
            continue;
        }
        for (const auto &e : j[key]) {
            const std::string name = e.value("name", std::string());
            if (!names.count(name))
                problems.push_back("entry '" + name + "' names no tensor of the graph");
            for (const char *field : {"dtype", "enc_type", "is_sym", "bw", "scale", "offset"})
                if (!e.contains(field))
                    problems.push_back("entry '" + name + "' has no " + field);
            entries[name] = e;
        }
    }
    for (const auto &t : graph.tensors) {
        if (t.floatEmulation)
            continue;
        const auto it = entries.find(t.name);
        if (it == entries.end()) {
            problems.push_back("quantized tensor '" + t.name + "' has no entry");
            continue;
        }
        const auto &e = it->second;
        const int bw = e.value("bw", 0);
        const auto scales = e.value("scale", std::vector<double>{});
        const auto offsets = e.value("offset", std::vector<int64_t>{});
        if (bw != t.bits || scales.size() != t.scale.size() || offsets.size() != t.scale.size()) {
            problems.push_back("entry '" + t.name + "' has the wrong bit-width or channel count");
            continue;
        }
        for (size_t c = 0; c < t.scale.size(); ++c) {
            const double s = t.scale[c];
            // The graph's values (q - zp) * s, q in [lo, hi], must lie on AIMET's grid (u + offset) * |s|.
            const int64_t zp = t.zeroPoint[c];
            const int64_t a = s >= 0 ? t.lo - zp : -(t.hi - zp);
            const int64_t b = s >= 0 ? t.hi - zp : -(t.lo - zp);
            const bool scaleOk = std::abs(scales[c] - std::abs(s)) <= 1e-7 * std::abs(s);
            const bool gridOk = offsets[c] <= a && offsets[c] + gridSize(bw) - 1 >= b;
            if (!scaleOk || !gridOk) {
                problems.push_back("entry '" + t.name + "' channel " + std::to_string(c) +
                                   " does not describe the graph's grid");
                break;
            }
        }
    }
    return problems;
}

} // namespace ql::core::exporting
