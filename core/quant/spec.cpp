#include "core/common/error.h"
#include "core/quant/quantizer.h"
#include "core/quant/validate.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <sstream>

namespace ql::core::quant {

namespace {

struct MethodInfo {
    Method method;
    const char *name;    // JSON / CLI name
    const char *display; // label
};

constexpr std::array kMethods{
    MethodInfo{Method::None, "none", "FP32"},
    MethodInfo{Method::Lsq, "lsq", "LSQ"},
    MethodInfo{Method::LsqPlus, "lsq+", "LSQ+"},
    MethodInfo{Method::Asq, "asq", "ASQ"},
    MethodInfo{Method::Pot, "pot", "POT"},
    MethodInfo{Method::Post, "post", "POST"},
    MethodInfo{Method::Apot, "apot", "APoT"},
    MethodInfo{Method::Pact, "pact", "PACT"},
    MethodInfo{Method::MinMax, "minmax", "MinMax"},
    MethodInfo{Method::Percentile, "percentile", "Percentile"},
    MethodInfo{Method::Mse, "mse", "MSE"},
    MethodInfo{Method::Multipoint, "multipoint", "Multipoint"},
};

const MethodInfo &info(Method m)
{
    for (const auto &i : kMethods)
        if (i.method == m)
            return i;
    return kMethods[0];
}

const char *gradScaleName(GradScale g)
{
    switch (g) {
    case GradScale::None: return "none";
    case GradScale::PerTensor: return "per-tensor";
    case GradScale::PerChannel: return "per-channel";
    }
    return "per-tensor";
}

const char *initName(InitMode m)
{
    switch (m) {
    case InitMode::Default: return "default";
    case InitMode::MinMax: return "minmax";
    case InitMode::Mse: return "mse";
    }
    return "default";
}

const char *variantName(PotVariant v) { return v == PotVariant::Strict ? "strict" : "paper"; }

[[noreturn]] void badField(const std::string &field, const std::string &problem, const std::string &hint)
{
    throw Error("QuantSpec JSON: field \"" + field + "\" " + problem + ".", hint);
}

template <typename T> T fieldAs(const nlohmann::json &j, const char *field, T fallback)
{
    const auto it = j.find(field);
    if (it == j.end())
        return fallback;
    if constexpr (std::is_same_v<T, bool>) {
        if (!it->is_boolean())
            badField(field, "must be true or false, got " + it->dump(), "Write true or false.");
    } else if constexpr (std::is_integral_v<T>) {
        if (!it->is_number_integer())
            badField(field, "must be an integer, got " + it->dump(), "Write a whole number.");
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!it->is_number())
            badField(field, "must be a number, got " + it->dump(), "Write a number.");
    } else {
        if (!it->is_string())
            badField(field, "must be a string, got " + it->dump(), "Write a quoted name.");
    }
    return it->get<T>();
}

template <typename E, size_t N>
E enumFromName(const char *field, const std::string &name, const std::array<std::pair<const char *, E>, N> &table)
{
    std::string valid;
    for (const auto &[n, e] : table) {
        if (name == n)
            return e;
        valid += (valid.empty() ? "" : ", ") + std::string(n);
    }
    badField(field, "has an unknown value \"" + name + "\"", "Valid values: " + valid + ".");
}

} // namespace

std::string methodName(Method m) { return info(m).name; }

Method methodFromName(const std::string &name)
{
    std::string valid;
    for (const auto &i : kMethods) {
        if (name == i.name)
            return i.method;
        valid += (valid.empty() ? "" : ", ") + std::string(i.name);
    }
    throw Error("Unknown quantization method \"" + name + "\".", "Valid methods: " + valid + ".");
}

IntRange intRange(int bits, bool isSigned, bool narrow)
{
    if (bits < 1 || bits > 32)
        throw Error("intRange: bits = " + std::to_string(bits) + " is out of range 1..32.",
                    "Choose a bit-width between 1 and 32.");
    if (!isSigned)
        return {0, (int64_t{1} << bits) - 1};
    const int64_t half = int64_t{1} << (bits - 1);
    return {narrow ? -(half - 1) : -half, half - 1};
}

std::pair<int, int> bitRange(Method m, bool isSigned)
{
    switch (m) {
    case Method::None: return {1, 32};
    case Method::Pot:
    case Method::Post: return {2, 8};
    // The official APoT code (yhhhli/APoT_Quantization, build_power_value)
    // defines magnitude bit-widths 2..6: b-1 for signed weights, b unsigned.
    case Method::Apot: return isSigned ? std::pair{3, 7} : std::pair{2, 6};
    default: return {2, 16};
    }
}

void validateSpec(const QuantSpec &spec)
{
    detail::checkBits(spec);
    if (spec.method == Method::LsqPlus && (spec.lsqPlusConfig < 1 || spec.lsqPlusConfig > 4))
        throw Error("lsq+: lsqPlusConfig = " + std::to_string(spec.lsqPlusConfig) + " is not one of 1..4.",
                    "Use 1 (unsigned, no offset), 2 (signed, no offset), 3 (unsigned, offset) or 4 (signed, offset).");
    if (!(spec.percentile > 0.0 && spec.percentile <= 100.0)) {
        std::ostringstream msg;
        msg << methodName(spec.method) << ": percentile = " << spec.percentile << " is outside (0, 100].";
        throw Error(msg.str(), "Use a percentile such as 99.9 or 99.99.");
    }
    if (!(spec.multipointBudget >= 0.0) || !std::isfinite(spec.multipointBudget)) {
        std::ostringstream msg;
        msg << methodName(spec.method) << ": multipointBudget = " << spec.multipointBudget << " must be >= 0.";
        throw Error(msg.str(), "Give the average number of extra points per channel, e.g. 0.25.");
    }
}

std::string QuantSpec::toJson() const
{
    const nlohmann::json j = {
        {"method", methodName(method)},
        {"bits", bits},
        {"signed", isSigned},
        {"narrow", narrow},
        {"perChannel", perChannel},
        {"gradScale", gradScaleName(gradScale)},
        {"lsqPlusConfig", lsqPlusConfig},
        {"init", initName(init)},
        {"potVariant", variantName(potVariant)},
        {"percentile", percentile},
        {"multipointBudget", multipointBudget},
    };
    return j.dump();
}

QuantSpec QuantSpec::fromJson(const std::string &text)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        throw Error(std::string("QuantSpec JSON does not parse: ") + e.what(), "Check the quantizer settings text.");
    }
    if (!j.is_object())
        throw Error("QuantSpec JSON must be an object, got " + j.dump() + ".",
                    R"(Write e.g. {"method": "lsq", "bits": 4}.)");
    static const std::array<const char *, 11> kKnown{"method", "bits", "signed", "narrow", "perChannel", "gradScale",
                                                     "lsqPlusConfig", "init", "potVariant", "percentile",
                                                     "multipointBudget"};
    for (const auto &item : j.items()) {
        bool known = false;
        for (const char *k : kKnown)
            known = known || item.key() == k;
        if (!known)
            badField(item.key(), "is not a quantizer setting",
                     "Known fields: method, bits, signed, narrow, perChannel, gradScale, lsqPlusConfig, init, "
                     "potVariant, percentile, multipointBudget.");
    }
    QuantSpec s;
    if (j.contains("method")) {
        const auto name = fieldAs<std::string>(j, "method", "none");
        try {
            s.method = methodFromName(name);
        } catch (const Error &e) {
            badField("method", "has an unknown value \"" + name + "\"", e.hint());
        }
    }
    s.bits = fieldAs<int>(j, "bits", s.bits);
    s.isSigned = fieldAs<bool>(j, "signed", s.isSigned);
    s.narrow = fieldAs<bool>(j, "narrow", s.narrow);
    s.perChannel = fieldAs<bool>(j, "perChannel", s.perChannel);
    s.gradScale = enumFromName("gradScale", fieldAs<std::string>(j, "gradScale", gradScaleName(s.gradScale)),
                               std::array{std::pair{"none", GradScale::None},
                                          std::pair{"per-tensor", GradScale::PerTensor},
                                          std::pair{"per-channel", GradScale::PerChannel}});
    s.lsqPlusConfig = fieldAs<int>(j, "lsqPlusConfig", s.lsqPlusConfig);
    s.init = enumFromName("init", fieldAs<std::string>(j, "init", initName(s.init)),
                          std::array{std::pair{"default", InitMode::Default}, std::pair{"minmax", InitMode::MinMax},
                                     std::pair{"mse", InitMode::Mse}});
    s.potVariant = enumFromName("potVariant", fieldAs<std::string>(j, "potVariant", variantName(s.potVariant)),
                                std::array{std::pair{"paper", PotVariant::Paper}, std::pair{"strict", PotVariant::Strict}});
    s.percentile = fieldAs<double>(j, "percentile", s.percentile);
    s.multipointBudget = fieldAs<double>(j, "multipointBudget", s.multipointBudget);
    validateSpec(s);
    return s;
}

std::string QuantSpec::label() const
{
    if (method == Method::None)
        return "FP32";
    std::ostringstream out;
    out << info(method).display;
    if (method == Method::LsqPlus)
        out << " c" << lsqPlusConfig;
    out << ' ' << bits << "b";
    if (method == Method::Pot || method == Method::Post)
        out << ' ' << variantName(potVariant);
    else if (method != Method::LsqPlus)
        out << (isSigned ? (narrow ? " signed-narrow" : " signed") : " unsigned");
    if (method == Method::Percentile)
        out << " p" << percentile;
    if (method == Method::Multipoint)
        out << " +" << multipointBudget << "pt";
    if (perChannel)
        out << " per-channel";
    return out.str();
}

} // namespace ql::core::quant
