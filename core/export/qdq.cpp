#include "core/export/qdq.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <optional>
#include <sstream>

namespace ql::core::exporting {

std::string elem::name(int32_t type)
{
    switch (type) {
    case kFloat: return "float";
    case kUint8: return "uint8";
    case kInt8: return "int8";
    case kUint16: return "uint16";
    case kInt16: return "int16";
    case kInt32: return "int32";
    case kInt64: return "int64";
    case kBool: return "bool";
    case kUint4: return "uint4";
    case kInt4: return "int4";
    default: return "type " + std::to_string(type);
    }
}

namespace {

struct Storage {
    int32_t type;
    int64_t lo, hi;
};

Storage storageOf(int32_t type)
{
    switch (type) {
    case elem::kInt4: return {type, -8, 7};
    case elem::kUint4: return {type, 0, 15};
    case elem::kInt8: return {type, -128, 127};
    case elem::kUint8: return {type, 0, 255};
    case elem::kInt16: return {type, -32768, 32767};
    case elem::kUint16: return {type, 0, 65535};
    default: return {elem::kInt32, INT32_MIN, INT32_MAX};
    }
}

/// The libtorch dtype that holds a storage type's values in the lowered graph's constants.
c10::ScalarType holder(int32_t type)
{
    switch (type) {
    case elem::kInt4:
    case elem::kInt8: return torch::kChar;
    case elem::kUint4:
    case elem::kUint8: return torch::kByte;
    case elem::kInt16: return torch::kShort;
    default: return torch::kInt;
    }
}

/// Storage types an opset offers for a b-bit grid, best first.
std::vector<int32_t> candidates(int opset, int bits, bool isSigned)
{
    const int32_t s4 = isSigned ? elem::kInt4 : elem::kUint4, o4 = isSigned ? elem::kUint4 : elem::kInt4;
    const int32_t s8 = isSigned ? elem::kInt8 : elem::kUint8, o8 = isSigned ? elem::kUint8 : elem::kInt8;
    const int32_t s16 = isSigned ? elem::kInt16 : elem::kUint16, o16 = isSigned ? elem::kUint16 : elem::kInt16;
    if (opset >= 21) {
        if (bits <= 4)
            return {s4, o4, s8, o8, s16, o16};
        return {s8, o8, s16, o16};
    }
    return {s8, o8};
}

std::string formatName(int opset) { return "ONNX (opset " + std::to_string(opset) + ")"; }

class Lowering {
public:
    Lowering(const ExportPlan &plan, const QdqOptions &options) : m_plan(plan), m_options(options) { }

    LoweredGraph run()
    {
        m_out.graph.input = m_plan.graph.input;
        m_out.graph.output = m_plan.graph.output;
        for (const auto &[name, value] : m_plan.graph.constants)
            m_out.graph.constants[name] = value;
        for (const auto &node : m_plan.graph.nodes) {
            if (node.isLayer())
                layer(node, m_plan.of(node.layer));
            else
                passThrough(node);
        }
        if (!m_levels.empty()) {
            nlohmann::json j{{"format", "quantlens-levels"}, {"version", 1}, {"layers", m_levels}};
            m_out.levelsSidecar = j.dump() + "\n";
        }
        return std::move(m_out);
    }

private:
    /// An FP32 operator as it is, but for the Reduce operators, whose axes became an input at opset 18.
    void passThrough(models::GraphNode n)
    {
        if (m_options.opset >= 18 && n.type.rfind("Reduce", 0) == 0 && n.type != "ReduceSum") {
            for (auto it = n.attributes.begin(); it != n.attributes.end(); ++it)
                if (it->name == "axes") {
                    n.inputs.resize(1);
                    n.inputs.push_back(constant(n.name + ".axes", torch::tensor(it->ints(), torch::kLong)));
                    n.attributes.erase(it);
                    break;
                }
        }
        m_out.graph.nodes.push_back(std::move(n));
    }

    std::string node(const std::string &type, const std::string &name, std::vector<std::string> inputs,
                     const std::string &output, std::vector<models::GraphAttribute> attributes = {})
    {
        models::GraphNode n;
        n.type = type;
        n.name = name;
        n.inputs = std::move(inputs);
        n.outputs = {output};
        n.attributes = std::move(attributes);
        m_out.graph.nodes.push_back(std::move(n));
        return output;
    }

    std::string constant(const std::string &name, const torch::Tensor &value, std::optional<int32_t> type = {})
    {
        m_out.graph.constants[name] = value.contiguous();
        if (type)
            m_out.constantTypes[name] = *type;
        return name;
    }

    std::string floatScalar(const std::string &name, double v) { return constant(name, torch::tensor(float(v))); }

    std::string intTensor(const std::string &name, const torch::Tensor &values, int32_t type)
    {
        const auto t = values.to(holder(type));
        const bool override = type == elem::kInt4 || type == elem::kUint4 || type == elem::kUint16;
        return constant(name, t, override ? std::optional<int32_t>(type) : std::nullopt);
    }

    Storage pick(const std::string &layer, const std::string &what, int bits, bool isSigned, int64_t lo, int64_t hi,
                 int64_t zp)
    {
        for (const int32_t t : candidates(m_options.opset, bits, isSigned)) {
            const Storage s = storageOf(t);
            if (lo >= s.lo && hi <= s.hi && zp >= s.lo && zp <= s.hi)
                return s;
        }
        if (m_options.opset < 21 && bits > 8)
            cannotExpress(formatName(m_options.opset), layer,
                          "its " + what + " has " + std::to_string(bits) +
                              " bits and QuantizeLinear/DequantizeLinear carry 8-bit integers at this opset",
                          "Export with --opset 21 (16-bit QDQ), or quantize this layer to 8 bits or fewer.");
        cannotExpress(formatName(m_options.opset), layer,
                      "its " + what + " needs codes " + std::to_string(lo) + ".." + std::to_string(hi) +
                          " with zero point " + std::to_string(zp) + ", which no integer type of this opset holds",
                      "Export with --offset exact, which keeps the offset as float Sub/Add around the QDQ pair.");
    }

    void layer(const models::GraphNode &n, const LayerPlan &p)
    {
        types::LayerDeployment d;
        d.layer = p.name;
        d.deployability = p.deployability;
        const std::string x = n.inputs.front();
        const std::string xq = activation(p, x, d);
        weightsAndCompute(n, p, xq, d);
        if (p.deployability == types::Deployability::Fp32)
            m_out.excludedLayers.push_back(p.name);
        m_out.layers.push_back(std::move(d));
    }

    // ------------------------------------------------------------------ activations

    std::string activation(const LayerPlan &p, const std::string &x, types::LayerDeployment &d)
    {
        switch (p.act.kind) {
        case ActKind::None: d.activation = "fp32"; return x;
        case ActKind::Uniform: return uniformActivation(p, x, d);
        case ActKind::Asq: return asqActivation(p, x, d);
        case ActKind::Levels: return levelsActivation(p, x, d);
        }
        return x;
    }

    std::string uniformActivation(const LayerPlan &p, const std::string &x, types::LayerDeployment &d)
    {
        const auto &a = p.act;
        const std::string L = p.name;
        const bool offset = a.hasOffset && a.offset != 0.0;
        const bool zeroPointMode = offset && m_options.offset == types::OffsetMode::ZeroPoint;
        int64_t zp = 0;
        if (zeroPointMode) {
            // x_hat = s v + beta = s (q - zp) with q = v when zp = -beta / s: rounding zp moves the grid.
            zp = static_cast<int64_t>(std::nearbyint(-a.offset / a.scale));
            d.offsetDrift = std::abs(a.offset + static_cast<double>(zp) * a.scale);
        }
        const Storage st = pick(L, "input activation", a.spec.bits, a.isSigned, a.range.lo, a.range.hi, zp);
        const bool narrower = a.range.lo > st.lo || a.range.hi < st.hi;
        // Clip runs on 8-bit integers in every runtime; narrower grids in int4/int16 are clipped in float first.
        const bool intClip = narrower && (st.type == elem::kInt8 || st.type == elem::kUint8);
        const bool floatClip = narrower && !intClip;

        std::string t = x;
        if (offset && !zeroPointMode)
            t = node("Sub", L + "/input/Sub", {x, floatScalar(L + ".input_offset", a.offset)}, L + "/input_shifted");
        const std::string scale = floatScalar(L + ".input_scale", a.scale);
        const std::string zero = intTensor(L + ".input_zero_point", torch::tensor(zp), st.type);
        if (floatClip) {
            const double lo = static_cast<double>(a.range.lo - zp) * a.scale;
            const double hi = static_cast<double>(a.range.hi - zp) * a.scale;
            t = node("Clip", L + "/input/ClipFloat",
                     {t, floatScalar(L + ".input_clip_lo", lo), floatScalar(L + ".input_clip_hi", hi)},
                     L + "/input_clipped");
        }
        QuantizedTensor qt;
        qt.layer = L;
        qt.name = t;
        qt.storageType = qt.codesType = st.type;
        qt.bits = a.spec.bits;
        qt.isSigned = a.isSigned;
        qt.lo = a.range.lo;
        qt.hi = a.range.hi;
        qt.scale = {a.scale};
        qt.zeroPoint = {zp};
        std::string codes = node("QuantizeLinear", L + "/input/QuantizeLinear", {t, scale, zero}, L + "/input_q");
        if (intClip)
            codes = node("Clip", L + "/input/Clip",
                         {codes, intTensor(L + ".input_lo", torch::tensor(a.range.lo), st.type),
                          intTensor(L + ".input_hi", torch::tensor(a.range.hi), st.type)},
                         L + "/input_codes");
        qt.codes = codes;
        m_out.tensors.push_back(qt);
        std::string out =
            node("DequantizeLinear", L + "/input/DequantizeLinear", {codes, scale, zero}, L + "/input_dq");
        if (offset && !zeroPointMode)
            out = node("Add", L + "/input/Add", {out, L + ".input_offset"}, L + "/input_hat");
        d.activation = elem::name(st.type) +
                       (intClip     ? " QCDQ (clip "
                        : floatClip ? " QDQ (float clip "
                                    : " QDQ (codes ") +
                       std::to_string(a.range.lo) + ".." + std::to_string(a.range.hi) + ")";
        if (offset)
            d.activation += zeroPointMode ? ", offset as zero point " + std::to_string(zp) : ", offset as Sub/Add";
        return out;
    }

    std::string asqActivation(const LayerPlan &p, const std::string &x, types::LayerDeployment &d)
    {
        const auto &a = p.act;
        const std::string L = p.name;
        const bool spatial = p.kind != models::LayerKind::Linear;
        // A linear layer's flattened map is reshaped to [N, C, H*W, 1] and pooled like a map.
        const bool flattenedMap = !spatial && a.adapterInputs() != p.layer->inChannels();
        std::string pooled = x;
        if (flattenedMap)
            pooled = node("Reshape", L + "/adapter/Reshape",
                          {x, constant(L + ".input_adapter_map_shape",
                                       torch::tensor({int64_t{0}, a.adapterInputs(), int64_t{-1}, int64_t{1}}))},
                          L + "/adapter_map");
        if (spatial || flattenedMap)
            pooled = node("Flatten", L + "/adapter/Flatten",
                          {node("GlobalAveragePool", L + "/adapter/GlobalAveragePool", {pooled}, L + "/adapter_pool")},
                          L + "/adapter_pooled", {{"axis", int64_t{1}}});
        std::string h = pooled;
        const models::GraphAttribute transB{"transB", int64_t{1}};
        if (a.hiddenWeight.defined())
            h = node("Relu", L + "/adapter/Relu",
                     {node("Gemm", L + "/adapter/hidden",
                           {h, constant(L + ".input_adapter.hidden.weight", a.hiddenWeight),
                            constant(L + ".input_adapter.hidden.bias", a.hiddenBias)},
                           L + "/adapter_hidden", {transB})},
                     L + "/adapter_hidden_relu");
        std::string beta = node("Relu", L + "/adapter/Relu_out",
                                {node("Gemm", L + "/adapter/out",
                                      {h, constant(L + ".input_adapter.out.weight", a.outWeight),
                                       constant(L + ".input_adapter.out.bias", a.outBias)},
                                      L + "/adapter_out", {transB})},
                                L + "/adapter_relu");
        beta = node("Max", L + "/adapter/Max", {beta, floatScalar(L + ".input_beta_floor", 1e-8)}, L + "/beta");
        std::string sa = node("Mul", L + "/input/step", {floatScalar(L + ".input_step", a.scale), beta}, L + "/step");
        if (spatial)
            sa = node("Reshape", L + "/input/Reshape",
                      {sa, constant(L + ".input_step_shape",
                                    torch::tensor({int64_t{-1}, int64_t{1}, int64_t{1}, int64_t{1}}))},
                      L + "/step_nchw");
        const std::string v = node("Div", L + "/input/Div", {x, sa}, L + "/input_scaled");
        const std::string c = node(
            "Clip", L + "/input/Clip",
            {v, floatScalar(L + ".input_lo", double(a.range.lo)), floatScalar(L + ".input_hi", double(a.range.hi))},
            L + "/input_clipped");
        const std::string codes = node("Round", L + "/input/Round", {c}, L + "/input_codes");
        recordFloatCodes(L, x, codes, a);
        d.activation = "ASQ: adapter, Div, Clip, Round, Mul as float operators (per-sample step)";
        return node("Mul", L + "/input/Mul", {codes, sa}, L + "/input_hat");
    }

    // Codes computed by float operators (a float tensor holding integers) for the verification.
    void recordFloatCodes(const std::string &layer, const std::string &input, const std::string &codes,
                          const ActPlan &a)
    {
        QuantizedTensor qt;
        qt.layer = layer;
        qt.name = input;
        qt.codes = codes;
        qt.codesType = elem::kFloat;
        qt.floatEmulation = true;
        qt.bits = a.spec.bits;
        qt.isSigned = a.isSigned;
        qt.lo = a.range.lo;
        qt.hi = a.range.hi;
        m_out.tensors.push_back(qt);
    }

    std::string levelsActivation(const LayerPlan &p, const std::string &x, types::LayerDeployment &d)
    {
        const auto &a = p.act;
        const std::string L = p.name;
        // Midpoints in float32 as QuantLens's nearestMagnitudeIndex computes them; a value on a
        // midpoint goes to the smaller magnitude (strict Greater).
        std::vector<float> mags, mids;
        for (double m : a.magnitudes)
            mags.push_back(static_cast<float>(m));
        for (size_t i = 0; i + 1 < mags.size(); ++i)
            mids.push_back((mags[i] + mags[i + 1]) * 0.5f);
        const std::string alpha = floatScalar(L + ".input_alpha", a.scale);
        const std::string u = node("Div", L + "/input/Div", {x, alpha}, L + "/input_unit");
        const std::string c =
            node("Clip", L + "/input/Clip",
                 {u, floatScalar(L + ".input_lo", a.isSigned ? -1.0 : 0.0), floatScalar(L + ".input_hi", 1.0)},
                 L + "/input_clipped");
        const std::string absC = node("Abs", L + "/input/Abs", {c}, L + "/input_abs");
        const std::string lastAxis = constant(L + ".input_last_axis", torch::tensor({int64_t{-1}}));
        const std::string expanded = node("Unsqueeze", L + "/input/Unsqueeze", {absC, lastAxis}, L + "/input_abs_x");
        const std::string above =
            node("Greater", L + "/input/Greater", {expanded, constant(L + ".input_midpoints", torch::tensor(mids))},
                 L + "/input_above");
        const std::string idx = node(
            "ReduceSum", L + "/input/ReduceSum",
            {node("Cast", L + "/input/Cast", {above}, L + "/input_above_i", {{"to", int64_t{elem::kInt64}}}), lastAxis},
            L + "/input_index", {{"keepdims", int64_t{0}}});
        const std::string sign = node("Sign", L + "/input/Sign", {c}, L + "/input_sign");
        const std::string level =
            node("Gather", L + "/input/Gather", {constant(L + ".input_magnitudes", torch::tensor(mags)), idx},
                 L + "/input_level");
        const std::string codes = node(
            "Mul", L + "/input/codes",
            {sign, node("Cast", L + "/input/CastIndex", {idx}, L + "/input_index_f", {{"to", int64_t{elem::kFloat}}})},
            L + "/input_codes");
        recordFloatCodes(L, x, codes, a);
        d.activation = "APoT levels: nearest-level projection as float operators";
        return node("Mul", L + "/input/Mul", {node("Mul", L + "/input/MulLevel", {sign, level}, L + "/input_q"), alpha},
                    L + "/input_hat");
    }

    // ------------------------------------------------------------------ weights

    /// Per-channel factor the weights take from a folded BatchNorm (ones without one).
    torch::Tensor bnFactor(const LayerPlan &p) const
    {
        return p.bnScale.defined() ? p.bnScale : torch::ones({p.outChannels()}, torch::kDouble);
    }

    /// DQ of integer `codes` with per-channel `scale` [C] (per tensor when `perTensor`).
    std::string dequantizedWeight(const LayerPlan &p, const std::string &name, const torch::Tensor &codes,
                                  const torch::Tensor &scale, bool perTensor, types::LayerDeployment &d)
    {
        const auto &w = p.weight;
        const Storage st = pick(p.name, "weight", w.spec.bits, true, w.range.lo, w.range.hi, 0);
        const auto scaleF = perTensor ? scale.to(torch::kFloat).flatten().slice(0, 0, 1) : scale.to(torch::kFloat);
        QuantizedTensor qt;
        qt.layer = p.name;
        qt.role = QuantizedTensor::Role::Weight;
        qt.name = name;
        qt.storageType = qt.codesType = st.type;
        qt.bits = w.spec.bits;
        qt.isSigned = true;
        qt.narrow = w.spec.narrow;
        qt.lo = w.range.lo;
        qt.hi = w.range.hi;
        const auto sd = scaleF.to(torch::kDouble).contiguous();
        qt.scale.assign(sd.data_ptr<double>(), sd.data_ptr<double>() + sd.numel());
        qt.zeroPoint.assign(qt.scale.size(), 0);
        m_out.tensors.push_back(qt);
        const int64_t axis = perTensor ? 0 : channelAxis(p);
        const std::string codesName = intTensor(name + "_codes", nodeLayout(p, codes), st.type);
        const std::string scaleName = constant(name + "_scale", perTensor ? scaleF.reshape({}) : scaleF);
        const std::string zeroName = intTensor(
            name + "_zero_point", perTensor ? torch::tensor(0) : torch::zeros({scaleF.numel()}, torch::kLong), st.type);
        std::vector<models::GraphAttribute> attrs;
        if (!perTensor)
            attrs.push_back({"axis", axis});
        d.weight = elem::name(st.type) + (perTensor ? " per-tensor" : " per-channel") + " DQ";
        return node("DequantizeLinear", name + "/DequantizeLinear", {codesName, scaleName, zeroName}, name,
                    std::move(attrs));
    }

    std::string compute(const LayerPlan &p, const std::string &x, const std::string &w, const std::string &bias,
                        const std::string &output, const std::string &nodeName)
    {
        std::vector<std::string> inputs{x, w};
        if (!bias.empty())
            inputs.push_back(bias);
        if (p.kind == models::LayerKind::Linear)
            return node("Gemm", nodeName, inputs, output, {{"transB", int64_t{1}}});
        if (p.kind == models::LayerKind::ConvTranspose2d) {
            const auto &o = p.deconv;
            return node("ConvTranspose", nodeName, inputs, output,
                        {{"kernel_shape", o.kernel},
                         {"strides", o.stride},
                         {"pads", o.pads},
                         {"dilations", o.dilation},
                         {"output_padding", o.outputPadding},
                         {"group", o.groups}});
        }
        const auto &o = p.conv;
        return node("Conv", nodeName, inputs, output,
                    {{"kernel_shape", o.kernelSize()},
                     {"strides", o.strides()},
                     {"pads", o.padding4()},
                     {"dilations", o.dilations()},
                     {"group", o.groups}});
    }

    /// The ONNX operator that computes the layer.
    static std::string opType(const LayerPlan &p)
    {
        switch (p.kind) {
        case models::LayerKind::Linear: return "Gemm";
        case models::LayerKind::ConvTranspose2d: return "ConvTranspose";
        case models::LayerKind::Conv2d: break;
        }
        return "Conv";
    }

    /// The node's weight tensor for the layer's [out, in / groups, ...] tensor `t`: the same
    /// for convolutions and Gemm, [in, out / groups, ...] for ConvTranspose.
    torch::Tensor nodeLayout(const LayerPlan &p, const torch::Tensor &t) const
    {
        return p.kind == models::LayerKind::ConvTranspose2d
                   ? models::QuantConvTranspose2dImpl::toTransposedLayout(t, p.deconv.groups)
                   : t;
    }

    /// The axis of the node's weight that holds the output channels.
    int64_t channelAxis(const LayerPlan &p) const
    {
        if (p.kind != models::LayerKind::ConvTranspose2d)
            return 0;
        if (p.deconv.groups > 1)
            cannotExpress(formatName(m_options.opset), p.name,
                          "its weight is quantized per output channel, and a grouped ConvTranspose weight "
                          "[in, out / groups, ...] has no single axis of output channels",
                          "Quantize this layer's weights per tensor (per-channel off in its row).");
        return 1;
    }

    void weightsAndCompute(const models::GraphNode &n, const LayerPlan &p, const std::string &xq,
                           types::LayerDeployment &d)
    {
        const std::string L = p.name;
        const std::string out = n.outputs.front();
        const auto k = bnFactor(p);
        std::string bias;
        if (p.bias.defined() || p.bn)
            bias = constant(L + ".bias", p.foldedBias.to(torch::kFloat));
        const auto &w = p.weight;
        std::vector<int64_t> kshape(static_cast<size_t>(w.dequantized.dim()), 1);
        kshape[0] = p.outChannels();
        switch (w.kind) {
        case WeightKind::None:
        case WeightKind::Levels: {
            const auto folded = (w.dequantized.to(torch::kDouble) * k.view(kshape)).to(torch::kFloat);
            const std::string wname = constant(L + ".weight", nodeLayout(p, folded));
            compute(p, xq, wname, bias, out, L + "/" + opType(p));
            if (w.kind == WeightKind::Levels) {
                recordLevels(p);
                d.weight = "float weights at their exact levels (codes and levels in the .levels.json sidecar)";
            } else {
                d.weight = "fp32";
            }
            return;
        }
        case WeightKind::Uniform: {
            const bool perTensor = !w.perChannel && !p.bn;
            const std::string wname = dequantizedWeight(p, L + ".weight", w.codes, w.scale * k, perTensor, d);
            compute(p, xq, wname, bias, out, L + "/" + opType(p));
            return;
        }
        case WeightKind::Multipoint: {
            // W x = sum_i a_i (q_i x): one integer convolution per point, summed.
            std::string sum;
            const size_t P = w.pointCodes.size();
            for (size_t i = 0; i < P; ++i) {
                // A channel without this point has zero codes; its scale only needs to be valid.
                auto a = w.pointScales.select(1, static_cast<int64_t>(i)).clone();
                a = torch::where(a == 0, torch::ones_like(a), a);
                const std::string pname = L + ".weight.point" + std::to_string(i);
                const std::string wname = dequantizedWeight(p, pname, w.pointCodes[i], a * k, false, d);
                const std::string y = compute(p, xq, wname, i == 0 ? bias : std::string(),
                                              P == 1 ? out : L + "/point" + std::to_string(i),
                                              L + "/" + opType(p) + "_point" + std::to_string(i));
                sum = i == 0 ? y
                             : node("Add", L + "/points/Add" + std::to_string(i), {sum, y},
                                    i + 1 == P ? out : L + "/points_sum" + std::to_string(i));
            }
            d.weight = "multipoint: " + std::to_string(P) + " integer " +
                       (p.kind == models::LayerKind::Linear ? "Gemms" : "convolutions") + " (" + d.weight + ") summed";
            return;
        }
        }
    }

    void recordLevels(const LayerPlan &p)
    {
        const auto &w = p.weight;
        const auto codes = w.codes.contiguous();
        const auto mags = w.magnitudes.contiguous();
        const auto alpha = w.alpha.contiguous();
        nlohmann::json j{
            {"layer", p.name},
            {"weight", p.name + ".weight"},
            {"method", types::methodName(w.spec.method)},
            {"bits", w.spec.bits},
            {"variant", w.spec.potVariant == types::PotVariant::Paper ? "paper" : "strict"},
            {"shape", w.codes.sizes().vec()},
            {"magnitudes", std::vector<double>(mags.data_ptr<double>(), mags.data_ptr<double>() + mags.numel())},
            {"alpha", std::vector<double>(alpha.data_ptr<double>(), alpha.data_ptr<double>() + alpha.numel())},
            {"codes", std::vector<int64_t>(codes.data_ptr<int64_t>(), codes.data_ptr<int64_t>() + codes.numel())},
            {"meaning", "weight = alpha[c] * bn_scale[c] * sign(code) * magnitudes[|code|]"}};
        if (p.bnScale.defined()) {
            const auto k = p.bnScale.contiguous();
            j["bn_scale"] = std::vector<double>(k.data_ptr<double>(), k.data_ptr<double>() + k.numel());
        } else {
            j["bn_scale"] = nullptr;
        }
        m_levels.push_back(std::move(j));
    }

    const ExportPlan &m_plan;
    QdqOptions m_options;
    LoweredGraph m_out;
    nlohmann::json m_levels = nlohmann::json::array();
};

} // namespace

LoweredGraph lowerToQdq(const ExportPlan &plan, const QdqOptions &options)
{
    if (options.opset < 13 || options.opset > 21)
        throw Error("ONNX export: opset " + std::to_string(options.opset) + " is not offered.",
                    "Use --opset 13 (8-bit QDQ, QCDQ below 8 bits) or --opset 21 (native int4/uint4, 16 bits).");
    return Lowering(plan, options).run();
}

} // namespace ql::core::exporting
