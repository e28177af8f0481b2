#include "core/common/error.h"
#include "ql/types/jobs.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace ql::types {

namespace preprocessing_json {

[[noreturn]] void bad(const std::string &source, const std::string &field, const std::string &problem)
{
    throw core::Error("'" + source + "': preprocessing field \"" + field + "\" " + problem + ".",
                      R"(Example: {"size": [224, 224], "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], )"
                      R"("scale": 1, "channel_order": "rgb", "layout": "nchw", "evaluate": "labels"}.)");
}

std::vector<double> numbers(const std::string &source, const std::string &field, const nlohmann::json &v)
{
    if (!v.is_array() || v.empty())
        bad(source, field, "must be a list of numbers, got " + v.dump());
    std::vector<double> out;
    for (const auto &x : v) {
        if (!x.is_number() || !std::isfinite(x.get<double>()))
            bad(source, field, "must hold finite numbers, got " + x.dump());
        out.push_back(x.get<double>());
    }
    return out;
}

std::string oneOf(const std::string &source, const std::string &field, const nlohmann::json &v,
                  std::initializer_list<const char *> allowed)
{
    std::string list;
    for (const char *a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
    if (!v.is_string())
        bad(source, field, "must be one of " + list + ", got " + v.dump());
    const auto s = v.get<std::string>();
    for (const char *a : allowed)
        if (s == a)
            return s;
    bad(source, field, "must be one of " + list + ", got \"" + s + "\"");
}

} // namespace preprocessing_json

void Preprocessing::merge(const Preprocessing &o)
{
    if (!o.size.empty())
        size = o.size;
    if (!o.mean.empty())
        mean = o.mean;
    if (!o.std.empty())
        std = o.std;
    if (o.scale != 0)
        scale = o.scale;
    if (!o.channelOrder.empty())
        channelOrder = o.channelOrder;
    if (!o.layout.empty())
        layout = o.layout;
    if (!o.evaluate.empty())
        evaluate = o.evaluate;
    if (!o.dataset.empty())
        dataset = o.dataset;
    if (!o.blocks.empty())
        blocks = o.blocks;
}

bool Preprocessing::empty() const { return toJson() == "{}"; }

std::string Preprocessing::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    if (!size.empty())
        j["size"] = size;
    if (!mean.empty())
        j["mean"] = mean;
    if (!std.empty())
        j["std"] = std;
    if (scale != 0)
        j["scale"] = scale;
    if (!channelOrder.empty())
        j["channel_order"] = channelOrder;
    if (!layout.empty())
        j["layout"] = layout;
    if (!evaluate.empty())
        j["evaluate"] = evaluate;
    if (!dataset.empty())
        j["dataset"] = dataset;
    if (!blocks.empty())
        j["blocks"] = blocks;
    return j.dump();
}

Preprocessing Preprocessing::fromJson(const std::string &text, const std::string &source)
{
    using namespace preprocessing_json;
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        throw core::Error("'" + source + "' is not valid JSON: " + e.what(),
                          "It holds the model's preprocessing as one JSON object.");
    }
    if (!j.is_object())
        throw core::Error(
            "'" + source + "' must hold one JSON object.",
            R"(Example: {"size": [224, 224], "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]})");
    Preprocessing p;
    for (const auto &[key, v] : j.items()) {
        if (key == "size") {
            for (double d : numbers(source, key, v)) {
                if (d < 1 || d > 16384 || d != std::floor(d))
                    bad(source, key, "must be [height, width] in pixels, got " + v.dump());
                p.size.push_back(static_cast<int64_t>(d));
            }
            if (p.size.size() == 1)
                p.size.push_back(p.size[0]);
            if (p.size.size() != 2)
                bad(source, key, "must be [height, width], got " + v.dump());
        } else if (key == "mean") {
            p.mean = numbers(source, key, v);
        } else if (key == "std") {
            p.std = numbers(source, key, v);
            for (double s : p.std)
                if (s <= 0)
                    bad(source, key, "must be positive, got " + v.dump());
        } else if (key == "scale") {
            if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
                bad(source, key, "must be a positive number (1 or 255), got " + v.dump());
            p.scale = v.get<double>();
        } else if (key == "channel_order") {
            p.channelOrder = oneOf(source, key, v, {"rgb", "bgr"});
        } else if (key == "layout") {
            p.layout = oneOf(source, key, v, {"nchw", "nhwc"});
        } else if (key == "evaluate") {
            p.evaluate = oneOf(source, key, v, {"labels", "agreement"});
        } else if (key == "dataset") {
            if (!v.is_string() || v.get<std::string>().empty())
                bad(source, key, "must name a data set or folder, got " + v.dump());
            p.dataset = v.get<std::string>();
        } else if (key == "blocks") {
            if (!v.is_array())
                bad(source, key, "must be a list of node names, got " + v.dump());
            for (const auto &b : v) {
                if (!b.is_string())
                    bad(source, key, "must be a list of node names, got " + v.dump());
                p.blocks.push_back(b.get<std::string>());
            }
        } else {
            bad(source, key,
                "is unknown (known: size, mean, std, scale, channel_order, layout, evaluate, dataset, blocks)");
        }
    }
    if (!p.std.empty() && p.mean.empty())
        bad(source, "std", "needs \"mean\" beside it");
    if (!p.std.empty() && p.std.size() != p.mean.size())
        bad(source, "std", "must have one value per channel, as \"mean\" has");
    return p;
}

} // namespace ql::types
