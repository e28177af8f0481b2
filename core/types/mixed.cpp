#include "ql/types/mixed.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace ql::types {

namespace {

using nlohmann::json;

/// NaN travels as null (JSON has no NaN) and comes back as NaN.
json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

double numberOr(const json &j, const char *key, double fallback)
{
    if (!j.contains(key))
        return fallback;
    const auto &v = j.at(key);
    if (v.is_null())
        return std::numeric_limits<double>::quiet_NaN();
    return v.get<double>();
}

json bitsJson(const std::vector<LayerBits> &bits)
{
    json out = json::array();
    for (const auto &b : bits)
        out.push_back({{"layer", b.layer}, {"w", b.weightBits}, {"a", b.actBits}});
    return out;
}

std::vector<LayerBits> bitsFrom(const json &j)
{
    std::vector<LayerBits> out;
    for (const auto &b : j)
        out.push_back({b.at("layer").get<std::string>(), b.at("w").get<int>(), b.at("a").get<int>()});
    return out;
}

json pointJson(const MixedPoint &p)
{
    return {{"bits", bitsJson(p.bits)}, {"bytes", p.bytes},
            {"bops", number(p.bops)},   {"predictedLoss", number(p.predictedLoss)},
            {"top1", number(p.top1)},   {"agreement", number(p.agreement)},
            {"onFront", p.onFront},     {"label", p.label}};
}

MixedPoint pointFrom(const json &j)
{
    MixedPoint p;
    p.bits = bitsFrom(j.at("bits"));
    p.bytes = j.value("bytes", int64_t(0));
    p.bops = numberOr(j, "bops", 0);
    p.predictedLoss = numberOr(j, "predictedLoss", 0);
    p.top1 = numberOr(j, "top1", -1);
    p.agreement = numberOr(j, "agreement", -1);
    p.onFront = j.value("onFront", false);
    p.label = j.value("label", std::string());
    return p;
}

} // namespace

std::string bitsLabel(const std::vector<LayerBits> &bits)
{
    if (bits.empty())
        return {};
    const bool uniform = std::all_of(bits.begin(), bits.end(), [&](const LayerBits &b) {
        return b.weightBits == bits.front().weightBits && b.actBits == bits.front().actBits;
    });
    if (uniform)
        return "W" + std::to_string(bits.front().weightBits) + "A" + std::to_string(bits.front().actBits);
    std::string out;
    for (const auto &b : bits)
        out += (out.empty() ? "" : " ") + std::to_string(b.weightBits) + "/" + std::to_string(b.actBits);
    return out;
}

std::string mixedResultToJson(const MixedResult &r)
{
    const auto &o = r.options;
    json j;
    j["options"] = {{"candidates", o.candidates},
                    {"tieActivations", o.tieActivations},
                    {"cost", o.cost == CostMeasure::Bytes ? "bytes" : "bops"},
                    {"measure", o.measure == SensitivityMeasure::Empirical ? "empirical" : "hessian"},
                    {"locked", o.locked},
                    {"unlockFirstLast", o.unlockFirstLast},
                    {"validationImages", o.validationImages},
                    {"calibrationImages", o.calibrationImages},
                    {"hutchinsonSamples", o.hutchinsonSamples},
                    {"budget", number(o.budget)},
                    {"maxDrop", number(o.maxDrop)}};
    j["fp32Top1"] = number(r.fp32Top1);
    j["sensitivities"] = json::array();
    for (const auto &s : r.sensitivities)
        j["sensitivities"].push_back({{"layer", s.layer},
                                      {"weights", s.weights},
                                      {"bits", s.bits},
                                      {"lossIncrease", number(s.lossIncrease)},
                                      {"kl", number(s.kl)},
                                      {"top1Drop", number(s.top1Drop)},
                                      {"hessianScore", number(s.hessianScore)}});
    j["points"] = json::array();
    for (const auto &p : r.points)
        j["points"].push_back(pointJson(p));
    j["uniform"] = json::array();
    for (const auto &p : r.uniform)
        j["uniform"].push_back(pointJson(p));
    j["budgetChoice"] = r.budgetChoice;
    j["budgetPoint"] = r.budgetPoint.bits.empty() ? json(nullptr) : pointJson(r.budgetPoint);
    j["maxDropChoice"] = r.maxDropChoice;
    j["cancelled"] = r.cancelled;
    j["seconds"] = r.seconds;
    j["evaluations"] = r.evaluations;
    return j.dump();
}

MixedResult mixedResultFromJson(const std::string &text, const std::string &source)
{
    const std::string where = source.empty() ? std::string("The mixed-precision result") : "'" + source + "'";
    MixedResult r;
    try {
        const json j = json::parse(text);
        const auto &o = j.at("options");
        r.options.candidates = o.at("candidates").get<std::vector<int>>();
        r.options.tieActivations = o.value("tieActivations", true);
        r.options.cost = o.value("cost", std::string("bytes")) == "bops" ? CostMeasure::Bops : CostMeasure::Bytes;
        r.options.measure = o.value("measure", std::string("empirical")) == "hessian" ? SensitivityMeasure::Hessian
                                                                                      : SensitivityMeasure::Empirical;
        r.options.locked = o.value("locked", std::vector<std::string>{});
        r.options.unlockFirstLast = o.value("unlockFirstLast", false);
        r.options.validationImages = o.value("validationImages", r.options.validationImages);
        r.options.calibrationImages = o.value("calibrationImages", r.options.calibrationImages);
        r.options.hutchinsonSamples = o.value("hutchinsonSamples", r.options.hutchinsonSamples);
        r.options.budget = numberOr(o, "budget", 0);
        r.options.maxDrop = numberOr(o, "maxDrop", -1);
        r.fp32Top1 = numberOr(j, "fp32Top1", 0);
        for (const auto &s : j.at("sensitivities")) {
            TensorSensitivity t;
            t.layer = s.at("layer").get<std::string>();
            t.weights = s.at("weights").get<bool>();
            t.bits = s.at("bits").get<int>();
            t.lossIncrease = numberOr(s, "lossIncrease", 0);
            t.kl = numberOr(s, "kl", 0);
            t.top1Drop = numberOr(s, "top1Drop", 0);
            t.hessianScore = numberOr(s, "hessianScore", -1);
            r.sensitivities.push_back(std::move(t));
        }
        for (const auto &p : j.at("points"))
            r.points.push_back(pointFrom(p));
        for (const auto &p : j.at("uniform"))
            r.uniform.push_back(pointFrom(p));
        r.budgetChoice = j.value("budgetChoice", -1);
        if (j.contains("budgetPoint") && !j.at("budgetPoint").is_null())
            r.budgetPoint = pointFrom(j.at("budgetPoint"));
        r.maxDropChoice = j.value("maxDropChoice", -1);
        r.cancelled = j.value("cancelled", false);
        r.seconds = j.value("seconds", 0.0);
        r.evaluations = j.value("evaluations", int64_t(0));
    } catch (const json::exception &e) {
        throw core::Error(where + " is not a valid mixed-precision result: " + e.what(),
                          "Run the mixed-precision search again; the stored result is ignored.");
    }
    const auto indexOk = [&](int i) { return i >= -1 && i < static_cast<int>(r.points.size()); };
    if (!indexOk(r.budgetChoice) || !indexOk(r.maxDropChoice))
        throw core::Error(where + " refers to a point it does not hold.",
                          "Run the mixed-precision search again; the stored result is ignored.");
    return r;
}

double spearman(const std::vector<double> &a, const std::vector<double> &b)
{
    const size_t n = a.size();
    if (n != b.size() || n < 2)
        return std::numeric_limits<double>::quiet_NaN();
    auto ranks = [n](const std::vector<double> &v) {
        std::vector<size_t> order(n);
        std::iota(order.begin(), order.end(), size_t(0));
        std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return v[x] < v[y]; });
        std::vector<double> r(n);
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]])
                ++j;
            const double mean = 0.5 * double(i + j) + 1.0; // ties share their average rank
            for (size_t k = i; k <= j; ++k)
                r[order[k]] = mean;
            i = j + 1;
        }
        return r;
    };
    const auto ra = ranks(a), rb = ranks(b);
    const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / double(n);
    const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / double(n);
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; ++i) {
        sab += (ra[i] - ma) * (rb[i] - mb);
        saa += (ra[i] - ma) * (ra[i] - ma);
        sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    if (saa <= 0 || sbb <= 0)
        return std::numeric_limits<double>::quiet_NaN();
    return sab / std::sqrt(saa * sbb);
}

std::vector<bool> paretoFront(const std::vector<std::pair<double, double>> &points)
{
    const size_t n = points.size();
    std::vector<bool> front(n, false);
    std::vector<size_t> order;
    for (size_t i = 0; i < n; ++i)
        if (std::isfinite(points[i].first) && std::isfinite(points[i].second))
            order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return points[a].first < points[b].first; });
    // Sweep by cost: a point is on the front when it is the most accurate of its cost and more
    // accurate than everything strictly cheaper.
    double bestCheaper = -std::numeric_limits<double>::infinity();
    for (size_t s = 0; s < order.size();) {
        size_t e = s;
        double top = points[order[s]].second;
        while (e + 1 < order.size() && points[order[e + 1]].first == points[order[s]].first)
            top = std::max(top, points[order[++e]].second);
        for (size_t k = s; k <= e; ++k)
            front[order[k]] = points[order[k]].second == top && top > bestCheaper;
        bestCheaper = std::max(bestCheaper, top);
        s = e + 1;
    }
    return front;
}

} // namespace ql::types
