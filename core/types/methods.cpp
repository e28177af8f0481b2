#include "ql/types/methods.h"

#include "core/common/error.h"

#include <algorithm>

namespace ql::types {

const std::vector<MethodInfo> &methods()
{
    // clang-format off
    static const std::vector<MethodInfo> kMethods{
        {Method::None, "none", "FP32", "no quantization: the tensor stays in float32",
         true, true, false, true, 1, 32, 1, 32, ""},
        {Method::Lsq, "lsq", "LSQ", "learned step size (Esser et al., ICLR 2020)",
         true, true, true, true, 2, 16, 2, 16, "s"},
        {Method::LsqPlus, "lsq+", "LSQ+", "learned step size and offset beta (Bhalgat et al., 2020), configurations 1-4",
         true, true, true, true, 2, 16, 2, 16, "s, beta (configurations 3 and 4)"},
        {Method::Asq, "asq", "ASQ", "adaptive per-sample step size from a small adapter (activations)",
         false, true, true, true, 2, 16, 2, 16, "s, adapter"},
        {Method::Pot, "pot", "POT", "power-of-two levels with a learned clipping threshold alpha (weights)",
         true, false, true, false, 2, 8, 2, 8, "alpha"},
        {Method::Post, "post", "POST", "power-of-sqrt(2) levels with a learned clipping threshold alpha (weights)",
         true, false, true, false, 2, 8, 2, 8, "alpha"},
        {Method::Apot, "apot", "APoT", "additive powers-of-two levels (Li et al., ICLR 2020)",
         true, true, true, false, 2, 6, 3, 7, "alpha"},
        {Method::Pact, "pact", "PACT", "learned clipping of non-negative activations (Choi et al., 2018)",
         false, true, true, true, 2, 16, 2, 16, "alpha"},
        {Method::MinMax, "minmax", "MinMax", "post-training range: the minimum and maximum",
         true, true, false, true, 2, 16, 2, 16, ""},
        {Method::Percentile, "percentile", "Percentile", "post-training range: a high percentile of |x|",
         true, true, false, true, 2, 16, 2, 16, ""},
        {Method::Mse, "mse", "MSE", "post-training range: the clipping of least squared error",
         true, true, false, true, 2, 16, 2, 16, ""},
        {Method::Multipoint, "multipoint", "Multipoint", "weights as sums of low-bit vectors (Liu et al., AAAI 2021)",
         true, false, false, false, 2, 16, 2, 16, ""},
    };
    // clang-format on
    return kMethods;
}

const MethodInfo &methodInfo(Method m)
{
    for (const auto &i : methods())
        if (i.method == m)
            return i;
    return methods().front();
}

std::vector<Method> methodsFor(Role role, bool withNone)
{
    std::vector<Method> out;
    for (const auto &i : methods()) {
        if (i.method == Method::None && !withNone)
            continue;
        if (role == Role::Weight ? i.weights : i.activations)
            out.push_back(i.method);
    }
    return out;
}

std::string methodName(Method m) { return methodInfo(m).name; }

std::string methodNames(Role role)
{
    std::string out;
    for (Method m : methodsFor(role, true))
        out += (out.empty() ? "" : ", ") + methodName(m);
    return out;
}

Method methodFromName(const std::string &name)
{
    std::string valid;
    for (const auto &i : methods()) {
        if (name == i.name)
            return i.method;
        valid += (valid.empty() ? "" : ", ") + std::string(i.name);
    }
    throw core::Error("Unknown quantization method \"" + name + "\".", "Valid methods: " + valid + ".");
}

Method methodFromName(const std::string &name, Role role)
{
    const Method m = methodFromName(name);
    const auto &info = methodInfo(m);
    if (!(role == Role::Weight ? info.weights : info.activations))
        throw core::Error(std::string(info.label) + " cannot quantize " +
                              (role == Role::Weight ? "weights" : "activations") + ".",
                          "Methods for " + std::string(role == Role::Weight ? "weights" : "activations") + ": " +
                              methodNames(role) + ".");
    return m;
}

std::pair<int, int> bitRange(Method m, bool isSigned)
{
    const auto &i = methodInfo(m);
    return isSigned ? std::pair{i.minSignedBits, i.maxSignedBits} : std::pair{i.minBits, i.maxBits};
}

bool usesSignedRange(const QuantSpec &spec, Role role)
{
    if (role == Role::Weight)
        return true;
    if (spec.method == Method::LsqPlus)
        return spec.lsqPlusConfig == 2 || spec.lsqPlusConfig == 4;
    return spec.isSigned;
}

bool learnsOffset(const QuantSpec &spec, Role role)
{
    return role == Role::Activation && spec.method == Method::LsqPlus &&
           (spec.lsqPlusConfig == 3 || spec.lsqPlusConfig == 4);
}

QuantSpec firstLayerInput(QuantSpec act)
{
    // Normalised images have negative values (the background of Fashion-MNIST is -0.81):
    // an unsigned quantizer would clip them all to zero.
    switch (act.method) {
    case Method::Lsq:
    case Method::Asq: act.isSigned = true; break;
    case Method::LsqPlus:
        if (act.lsqPlusConfig == 1)
            act.lsqPlusConfig = 2;
        act.isSigned = usesSignedRange(act, Role::Activation);
        break;
    case Method::Pact:
        act.method = Method::MinMax;
        act.isSigned = false;
        break;
    default: break;
    }
    return act;
}

QuantSpec withMethod(QuantSpec spec, Method m, Role role)
{
    const bool wasFp32 = spec.method == Method::None;
    spec.method = m;
    if (role == Role::Weight) {
        spec.isSigned = true;
        spec.lsqPlusConfig = 2;
        spec.perChannel = spec.perChannel && m != Method::None;
        spec.gradScale = spec.perChannel ? GradScale::PerChannel : GradScale::PerTensor;
    } else {
        spec.perChannel = false;
        spec.gradScale = GradScale::PerTensor;
        if (m == Method::LsqPlus)
            spec.isSigned = usesSignedRange(spec, role);
        else if (m == Method::Pact)
            spec.isSigned = false;
    }
    if (m == Method::None)
        return spec;
    if (wasFp32 || spec.bits >= 32)
        spec.bits = 8;
    const auto [lo, hi] = bitRange(m, usesSignedRange(spec, role));
    spec.bits = std::clamp(spec.bits, lo, hi);
    return spec;
}

bool bitsAllowed(const QuantSpec &spec, int bits, Role role)
{
    if (spec.method == Method::None)
        return bits == 32;
    const auto [lo, hi] = bitRange(spec.method, usesSignedRange(spec, role));
    return bits >= lo && bits <= hi;
}

int effectiveBits(const LayerQuantConfig &config, Role role)
{
    const QuantSpec &s = role == Role::Weight ? config.weight : config.act;
    return (!config.enabled || s.method == Method::None) ? 32 : s.bits;
}

const QatDefaults &qatDefaults()
{
    static const QatDefaults kDefaults;
    return kDefaults;
}

} // namespace ql::types
