#include "core/export/contract.h"

#include <nlohmann/json.hpp>

#include <sstream>

namespace ql::core::exporting {

namespace {
std::string list(const std::vector<float> &v)
{
    std::ostringstream s;
    s << "[";
    for (size_t i = 0; i < v.size(); ++i)
        s << (i ? ", " : "") << v[i];
    s << "]";
    return s.str();
}
} // namespace

std::string normalisationText(const InputContract &c)
{
    return "x = (pixel / 255 - mean[c]) / std[c] per channel c, mean = " + list(c.mean) + ", std = " + list(c.std);
}

std::string contractJson(const ExportPlan &plan, const InputContract &c,
                         const std::vector<types::LayerDeployment> &layers, const std::string &format,
                         const std::string &extra)
{
    nlohmann::json shape = nlohmann::json::array({"batch"});
    for (int64_t d : plan.inputShape)
        shape.push_back(d);
    nlohmann::json j{{"format", "quantlens-export"},
                     {"version", 1},
                     {"export_format", format},
                     {"arch", plan.arch},
                     {"source", c.source},
                     {"input",
                      {{"name", plan.graph.input},
                       {"dtype", "float32"},
                       {"layout", "NCHW"},
                       {"shape", shape},
                       {"normalization", {{"mean", c.mean}, {"std", c.std}, {"formula", normalisationText(c)}}}}},
                     {"output",
                      {{"name", plan.graph.output},
                       {"dtype", "float32"},
                       {"shape", {"batch", plan.numClasses}},
                       {"meaning", "logits (no softmax)"}}},
                     {"dataset", c.dataset},
                     {"classes", c.classNames}};
    for (const auto &l : layers)
        j["layers"].push_back({{"layer", l.layer},
                               {"deployability", types::deployabilityName(l.deployability)},
                               {"weight", l.weight},
                               {"activation", l.activation},
                               {"offset_drift", l.offsetDrift}});
    if (!extra.empty())
        j.update(nlohmann::json::parse(extra));
    return j.dump(2) + "\n";
}

} // namespace ql::core::exporting
