#include "core/export/report.h"

#include "ql/types/methods.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

namespace ql::core::exporting {

namespace {

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string csvField(const std::string &s)
{
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

int64_t fp32BytesOf(const types::LayerInfo &l) { return l.parameters * 4; }

double bopsOf(const ReportLayer &l)
{
    return double(l.info.macs) * types::effectiveBits(l.config, types::Role::Weight) *
           types::effectiveBits(l.config, types::Role::Activation);
}

struct Row {
    std::vector<std::pair<std::string, std::string>> cells;
    void add(const std::string &k, const std::string &v) { cells.emplace_back(k, v); }
};

Row rowOf(const ReportLayer &l)
{
    Row r;
    const auto &c = l.config;
    const types::TensorQuantStats empty;
    const auto &w = l.stats ? l.stats->weight : empty;
    const auto &a = l.stats ? l.stats->activation : empty;
    r.add("layer", l.info.name);
    r.add("type", l.info.type);
    r.add("enabled", c.enabled ? "true" : "false");
    r.add("weight_method", types::methodName(c.weight.method));
    r.add("weight_bits", std::to_string(types::effectiveBits(c, types::Role::Weight)));
    r.add("per_channel", c.weight.perChannel ? "true" : "false");
    r.add("act_method", types::methodName(c.act.method));
    r.add("act_bits", std::to_string(types::effectiveBits(c, types::Role::Activation)));
    r.add("weight_config", c.weight.label());
    r.add("act_config", c.act.label());
    r.add("weight_step_mean", w.valid ? num(w.step) : "");
    r.add("weight_step_min", w.valid ? num(w.stepMin) : "");
    r.add("weight_step_max", w.valid ? num(w.stepMax) : "");
    r.add("act_step", a.valid ? num(a.step) : "");
    r.add("act_offset", a.valid ? num(a.offset) : "");
    r.add("weight_sqnr_db", w.valid ? num(w.sqnrDb) : "");
    r.add("weight_mse", w.valid ? num(w.mse) : "");
    r.add("weight_l2", w.valid ? num(w.l2) : "");
    r.add("act_sqnr_db", a.valid ? num(a.sqnrDb) : "");
    r.add("act_mse", a.valid ? num(a.mse) : "");
    r.add("act_l2", a.valid ? num(a.l2) : "");
    r.add("sensitivity_rank", l.sensitivity ? std::to_string(l.sensitivity->rank) : "");
    r.add("sensitivity_top1_drop", l.sensitivity ? num(l.sensitivity->top1Drop) : "");
    r.add("sensitivity_kl", l.sensitivity ? num(l.sensitivity->kl) : "");
    r.add("deployability", types::deployabilityName(l.deployment.deployability));
    r.add("weight_export", l.deployment.weight);
    r.add("act_export", l.deployment.activation);
    r.add("parameters", std::to_string(l.info.parameters));
    r.add("macs", std::to_string(l.info.macs));
    r.add("bytes_fp32", std::to_string(fp32BytesOf(l.info)));
    r.add("bytes_quantized", std::to_string(types::layerStorageBytes(l.info, c)));
    r.add("bops", num(bopsOf(l)));
    return r;
}

} // namespace

ReportTotals reportTotals(const ReportData &data)
{
    ReportTotals t;
    for (const auto &l : data.layers) {
        t.fp32Bytes += fp32BytesOf(l.info);
        t.quantizedBytes += types::layerStorageBytes(l.info, l.config);
        t.bops += bopsOf(l);
        t.fp32Bops += double(l.info.macs) * 32 * 32;
    }
    return t;
}

std::string reportCsv(const ReportData &data)
{
    std::ostringstream out;
    bool header = true;
    for (const auto &l : data.layers) {
        const Row r = rowOf(l);
        if (header) {
            for (size_t i = 0; i < r.cells.size(); ++i)
                out << (i ? "," : "") << r.cells[i].first;
            out << "\n";
            header = false;
        }
        for (size_t i = 0; i < r.cells.size(); ++i)
            out << (i ? "," : "") << csvField(r.cells[i].second);
        out << "\n";
    }
    return out.str();
}

std::string reportJson(const ReportData &data)
{
    const auto t = reportTotals(data);
    nlohmann::json layers = nlohmann::json::array();
    for (const auto &l : data.layers) {
        nlohmann::json row;
        for (const auto &[k, v] : rowOf(l).cells)
            row[k] = v;
        row["weight_spec"] = nlohmann::json::parse(l.config.weight.toJson());
        row["act_spec"] = nlohmann::json::parse(l.config.act.toJson());
        if (l.stats && l.stats->weight.valid)
            row["weight_step_per_channel"] = l.stats->weight.stepPerChannel;
        layers.push_back(std::move(row));
    }
    nlohmann::json j{
        {"format", "quantlens-report"},
        {"version", 1},
        {"arch", data.arch},
        {"source", data.contract.source},
        {"dataset", data.contract.dataset},
        {"input_normalization",
         {{"mean", data.contract.mean}, {"std", data.contract.std}, {"formula", normalisationText(data.contract)}}},
        {"model_bytes", {{"fp32", t.fp32Bytes}, {"quantized", t.quantizedBytes}}},
        {"bops", {{"quantized", t.bops}, {"fp32", t.fp32Bops}}},
        {"accuracy",
         {{"images", data.accuracy.quantized.count},
          {"fp32_top1", data.accuracy.fp32.top1},
          {"quantized_top1", data.accuracy.quantized.top1}}},
        {"statistics_images", data.statisticsImages},
        {"layers", layers}};
    return j.dump(2) + "\n";
}

} // namespace ql::core::exporting
