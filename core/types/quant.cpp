#include "ql/types/quant.h"

#include "core/common/error.h"
#include "ql/types/methods.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <sstream>

namespace ql::types {

namespace {

const char *gradScaleName(GradScale g)
{
    switch (g) {
    case GradScale::None: return "none";
    case GradScale::PerTensor: return "per-tensor";
    case GradScale::PerChannel: return "per-channel";
    case GradScale::Auto: return "auto";
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

struct FieldContext {
    std::string source; ///< file, or empty
    [[noreturn]] void bad(const std::string &field, const std::string &problem, const std::string &hint) const
    {
        throw core::Error((source.empty() ? std::string() : "'" + source + "': ") + "quantizer setting \"" + field +
                              "\" " + problem + ".",
                          hint);
    }
};

template <typename T>
T fieldAs(const FieldContext &ctx, const nlohmann::json &j, const char *field, T fallback)
{
    const auto it = j.find(field);
    if (it == j.end())
        return fallback;
    if constexpr (std::is_same_v<T, bool>) {
        if (!it->is_boolean())
            ctx.bad(field, "must be true or false, got " + it->dump(), "Write true or false.");
        return it->get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
        if (!it->is_number_integer())
            ctx.bad(field, "must be an integer, got " + it->dump(), "Write a whole number.");
        // Read wide and check the range: a value that does not fit is an error, never truncated.
        if (it->is_number_unsigned()) {
            const auto u = it->get<uint64_t>();
            if (u > static_cast<uint64_t>(std::numeric_limits<T>::max()))
                ctx.bad(field, "is out of range: " + it->dump(), "Write a small whole number.");
            return static_cast<T>(u);
        }
        const auto v = it->get<int64_t>();
        if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
            v > static_cast<int64_t>(std::numeric_limits<T>::max()))
            ctx.bad(field, "is out of range: " + it->dump(), "Write a small whole number.");
        return static_cast<T>(v);
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!it->is_number())
            ctx.bad(field, "must be a number, got " + it->dump(), "Write a number.");
        const double v = it->get<double>();
        if (!std::isfinite(v))
            ctx.bad(field, "must be finite, got " + it->dump(), "Write a finite number.");
        return v;
    } else {
        if (!it->is_string())
            ctx.bad(field, "must be a string, got " + it->dump(), "Write a quoted name.");
        return it->get<T>();
    }
}

template <typename E, size_t N>
E enumFromName(const FieldContext &ctx, const char *field, const std::string &name,
               const std::array<std::pair<const char *, E>, N> &table)
{
    std::string valid;
    for (const auto &[n, e] : table) {
        if (name == n)
            return e;
        valid += (valid.empty() ? "" : ", ") + std::string(n);
    }
    ctx.bad(field, "has an unknown value \"" + name + "\"", "Valid values: " + valid + ".");
}

std::string roleName(Role role) { return role == Role::Weight ? "weights" : "activations"; }

} // namespace

GradScale effectiveGradScale(const QuantSpec &spec)
{
    if (spec.gradScale != GradScale::Auto)
        return spec.gradScale;
    return spec.perChannel ? GradScale::PerChannel : GradScale::PerTensor;
}

QuantSpec weightSpec(Method method, int bits, bool perChannel)
{
    QuantSpec s;
    s.method = method;
    s.bits = bits;
    s.isSigned = true;
    s.perChannel = perChannel && method != Method::None;
    s.gradScale = s.perChannel ? GradScale::PerChannel : GradScale::PerTensor;
    s.lsqPlusConfig = 2; // weights: symmetric signed, no offset
    return s;
}

IntRange intRange(int bits, bool isSigned, bool narrow)
{
    if (bits < 1 || bits > 32)
        throw core::Error("intRange: bits = " + std::to_string(bits) + " is out of range 1..32.",
                          "Choose a bit-width between 1 and 32.");
    if (!isSigned)
        return {0, (int64_t{1} << bits) - 1};
    const int64_t half = int64_t{1} << (bits - 1);
    return {narrow ? -(half - 1) : -half, half - 1};
}

void validateSpec(const QuantSpec &spec)
{
    if (spec.method != Method::None) {
        const auto [lo, hi] = bitRange(spec.method, spec.isSigned);
        if (spec.bits < lo || spec.bits > hi) {
            std::ostringstream msg;
            msg << methodName(spec.method) << ": bits = " << spec.bits << " is out of range " << lo << ".." << hi
                << (spec.isSigned ? " (signed)" : " (unsigned)") << ".";
            throw core::Error(msg.str(),
                              "Choose a bit-width between " + std::to_string(lo) + " and " + std::to_string(hi) + ".");
        }
    }
    if (spec.method == Method::LsqPlus && (spec.lsqPlusConfig < 1 || spec.lsqPlusConfig > 4))
        throw core::Error("lsq+: lsqPlusConfig = " + std::to_string(spec.lsqPlusConfig) + " is not one of 1..4.",
                          "Use 1 (unsigned, no offset), 2 (signed, no offset), 3 (unsigned, offset) or 4 (signed, "
                          "offset).");
    if (!(spec.percentile > 0.0 && spec.percentile <= 100.0)) {
        std::ostringstream msg;
        msg << methodName(spec.method) << ": percentile = " << spec.percentile << " is outside (0, 100].";
        throw core::Error(msg.str(), "Use a percentile such as 99.9 or 99.99.");
    }
    if (!(spec.multipointBudget >= 0.0 && spec.multipointBudget <= kMaxMultipointBudget)) {
        std::ostringstream msg;
        msg << methodName(spec.method) << ": multipointBudget = " << spec.multipointBudget << " is outside 0.."
            << kMaxMultipointBudget << ".";
        throw core::Error(msg.str(), "Give the average number of extra points per channel, e.g. 0.25 (a channel "
                                     "holds at most 8 points).");
    }
}

void validateSpec(const QuantSpec &spec, Role role)
{
    const auto &info = methodInfo(spec.method);
    if (!(role == Role::Weight ? info.weights : info.activations))
        throw core::Error(std::string(info.label) + " cannot quantize " + roleName(role) + ".",
                          "Methods for " + roleName(role) + ": " + methodNames(role) + ".");
    validateSpec(spec);
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

QuantSpec QuantSpec::fromJson(const std::string &text, const std::string &source)
{
    const FieldContext ctx{source};
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        throw core::Error((source.empty() ? std::string() : "'" + source + "': ") +
                              "quantizer settings JSON does not parse: " + e.what(),
                          "Check the quantizer settings text.");
    }
    if (!j.is_object())
        throw core::Error((source.empty() ? std::string() : "'" + source + "': ") +
                              "quantizer settings must be an object, got " + j.dump().substr(0, 80) + ".",
                          R"(Write e.g. {"method": "lsq", "bits": 4}.)");
    static const std::array<const char *, 11> kKnown{"method",     "bits",       "signed",          "narrow",
                                                     "perChannel", "gradScale",  "lsqPlusConfig",   "init",
                                                     "potVariant", "percentile", "multipointBudget"};
    for (const auto &item : j.items()) {
        bool known = false;
        for (const char *k : kKnown)
            known = known || item.key() == k;
        if (!known)
            ctx.bad(item.key(), "is not a quantizer setting",
                    "Known fields: method, bits, signed, narrow, perChannel, gradScale, lsqPlusConfig, init, "
                    "potVariant, percentile, multipointBudget.");
    }
    QuantSpec s;
    if (j.contains("method")) {
        const auto name = fieldAs<std::string>(ctx, j, "method", "none");
        try {
            s.method = methodFromName(name);
        } catch (const core::Error &e) {
            ctx.bad("method", "has an unknown value \"" + name + "\"", e.hint());
        }
    }
    s.bits = fieldAs<int>(ctx, j, "bits", s.bits);
    s.isSigned = fieldAs<bool>(ctx, j, "signed", s.isSigned);
    s.narrow = fieldAs<bool>(ctx, j, "narrow", s.narrow);
    s.perChannel = fieldAs<bool>(ctx, j, "perChannel", s.perChannel);
    // Without an explicit setting, Auto: per-channel tensors count one channel (QUANTIZERS.md).
    s.gradScale =
        enumFromName(ctx, "gradScale", fieldAs<std::string>(ctx, j, "gradScale", gradScaleName(s.gradScale)),
                     std::array{std::pair{"none", GradScale::None}, std::pair{"per-tensor", GradScale::PerTensor},
                                std::pair{"per-channel", GradScale::PerChannel}, std::pair{"auto", GradScale::Auto}});
    s.lsqPlusConfig = fieldAs<int>(ctx, j, "lsqPlusConfig", s.lsqPlusConfig);
    s.init = enumFromName(ctx, "init", fieldAs<std::string>(ctx, j, "init", initName(s.init)),
                          std::array{std::pair{"default", InitMode::Default}, std::pair{"minmax", InitMode::MinMax},
                                     std::pair{"mse", InitMode::Mse}});
    s.potVariant =
        enumFromName(ctx, "potVariant", fieldAs<std::string>(ctx, j, "potVariant", variantName(s.potVariant)),
                     std::array{std::pair{"paper", PotVariant::Paper}, std::pair{"strict", PotVariant::Strict}});
    s.percentile = fieldAs<double>(ctx, j, "percentile", s.percentile);
    s.multipointBudget = fieldAs<double>(ctx, j, "multipointBudget", s.multipointBudget);
    try {
        validateSpec(s);
    } catch (const core::Error &e) {
        if (source.empty())
            throw;
        throw core::Error("'" + source + "': " + e.what(), e.hint());
    }
    return s;
}

std::string QuantSpec::label() const
{
    if (method == Method::None)
        return "FP32";
    std::ostringstream out;
    out << methodInfo(method).label;
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

void validateRecipe(const QuantRecipe &r)
{
    auto bitsOk = [](Method m, int bits, bool isSigned, const char *what) {
        if (m == Method::None)
            return;
        const auto [lo, hi] = bitRange(m, isSigned);
        if (bits < lo || bits > hi)
            throw core::Error(std::string(what) + " = " + std::to_string(bits) + " is out of range " +
                                  std::to_string(lo) + ".." + std::to_string(hi) + " for " + methodName(m) + ".",
                              "Choose a bit-width between " + std::to_string(lo) + " and " + std::to_string(hi) + ".");
    };
    methodFromName(methodName(r.weightMethod), Role::Weight);
    methodFromName(methodName(r.actMethod), Role::Activation);
    bitsOk(r.weightMethod, r.weightBits, true, "weight bits");
    bitsOk(r.actMethod, r.actBits, false, "activation bits");
    if (r.firstLastBits != 0) {
        if (r.firstLastBits < 0)
            throw core::Error("first/last-layer bits = " + std::to_string(r.firstLastBits) + " is negative.",
                              "Use 0 (same as the other layers) or a bit-width such as 8.");
        // Non-uniform weight levels stop at their deepest defined bit-width (recipeConfig clamps).
        const bool clamped = !methodInfo(r.weightMethod).uniform;
        bitsOk(r.weightMethod,
               clamped ? std::min(r.firstLastBits, bitRange(r.weightMethod, true).second) : r.firstLastBits, true,
               "first/last-layer bits");
        bitsOk(r.actMethod, r.firstLastBits, false, "first/last-layer bits");
    }
    if (r.lsqPlusConfig < 1 || r.lsqPlusConfig > 4)
        throw core::Error("LSQ+ configuration " + std::to_string(r.lsqPlusConfig) + " is not one of 1..4.",
                          "Use 1 (unsigned, no offset), 2 (signed), 3 (unsigned, offset) or 4 (signed, offset).");
    if (!(r.multipointBudget >= 0.0 && r.multipointBudget <= kMaxMultipointBudget))
        throw core::Error("The multipoint budget " + std::to_string(r.multipointBudget) + " is outside 0.." +
                              std::to_string(static_cast<int>(kMaxMultipointBudget)) + ".",
                          "Give the average number of extra points per channel, e.g. 0.5 (a channel holds at most "
                          "8 points).");
}

LayerQuantConfig recipeConfig(const QuantRecipe &r, const std::string &layer, bool first, bool last)
{
    const bool firstOrLast = first || last;
    LayerQuantConfig c;
    c.layer = layer;
    const int wb = firstOrLast && r.firstLastBits > 0 ? r.firstLastBits : r.weightBits;
    const int ab = firstOrLast && r.firstLastBits > 0 ? r.firstLastBits : r.actBits;
    c.weight = weightSpec(r.weightMethod, wb, r.perChannel);
    c.weight.multipointBudget = r.multipointBudget;
    c.weight.potVariant = r.potVariant;
    if (!methodInfo(r.weightMethod).uniform)
        c.weight.bits = std::min(wb, bitRange(r.weightMethod, true).second);
    c.act.method = r.actMethod;
    c.act.bits = ab;
    c.act.lsqPlusConfig = r.lsqPlusConfig;
    c.act.isSigned = false;
    c.act.isSigned = usesSignedRange(c.act, Role::Activation);
    c.act.init = r.actInit;
    c.act.gradScale = GradScale::PerTensor;
    if (first)
        c.act = firstLayerInput(c.act);
    return c;
}

} // namespace ql::types
