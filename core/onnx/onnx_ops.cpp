#include "core/onnx/onnx_ops.h"

#include "core/common/error.h"
#include "core/onnx/onnx_io.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <numeric>
#include <set>

namespace ql::core::onnx {

// ---------------------------------------------------------------- OpNode

OpNode::OpNode(const ::onnx::NodeProto &node, std::string name, int64_t opset, Tensors constants)
    : m_node(node), m_name(std::move(name)), m_opset(opset), m_constants(std::move(constants))
{
}

bool OpNode::hasInput(int i) const { return i < m_node.input_size() && !m_node.input(i).empty(); }
bool OpNode::hasOutput(int i) const { return i < m_node.output_size() && !m_node.output(i).empty(); }

torch::Tensor OpNode::constant(int i) const
{
    return i >= 0 && i < static_cast<int>(m_constants.size()) ? m_constants[static_cast<size_t>(i)] : torch::Tensor();
}

const ::onnx::AttributeProto *OpNode::find(const std::string &attr) const
{
    for (const auto &a : m_node.attribute())
        if (a.name() == attr)
            return &a;
    return nullptr;
}

bool OpNode::has(const std::string &attr) const { return find(attr) != nullptr; }

int64_t OpNode::attrInt(const std::string &attr, int64_t fallback) const
{
    const auto *a = find(attr);
    return a ? a->i() : fallback;
}

double OpNode::attrFloat(const std::string &attr, double fallback) const
{
    const auto *a = find(attr);
    return a ? static_cast<double>(a->f()) : fallback;
}

std::string OpNode::attrString(const std::string &attr, const std::string &fallback) const
{
    const auto *a = find(attr);
    return a ? a->s() : fallback;
}

std::vector<int64_t> OpNode::attrInts(const std::string &attr, std::vector<int64_t> fallback) const
{
    const auto *a = find(attr);
    return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : fallback;
}

std::vector<double> OpNode::attrFloats(const std::string &attr) const
{
    const auto *a = find(attr);
    return a ? std::vector<double>(a->floats().begin(), a->floats().end()) : std::vector<double>{};
}

torch::Tensor OpNode::attrTensor(const std::string &attr) const
{
    const auto *a = find(attr);
    if (!a || !a->has_t())
        return {};
    return toTensor(a->t(), "attribute '" + attr + "' of ONNX node '" + m_name + "'");
}

void OpNode::fail(const std::string &problem, const std::string &hint) const
{
    throw Error("ONNX node '" + m_name + "' (" + opType() + "): " + problem, hint);
}

// ---------------------------------------------------------------- helpers

namespace {
std::atomic<int64_t> g_valueLimit{int64_t(1) << 28};
} // namespace

int64_t valueLimit() { return g_valueLimit.load(std::memory_order_relaxed); }

void setValueLimit(int64_t values) { g_valueLimit.store(std::max<int64_t>(values, 1), std::memory_order_relaxed); }

std::vector<int64_t> toInts(const torch::Tensor &t)
{
    if (!t.defined())
        return {};
    const auto c = t.detach().to(torch::kCPU).to(torch::kLong).contiguous().flatten();
    return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}

std::vector<double> toDoubles(const torch::Tensor &t)
{
    if (!t.defined())
        return {};
    const auto c = t.detach().to(torch::kCPU).to(torch::kDouble).contiguous().flatten();
    return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

std::vector<int64_t> autoPads(const std::string &autoPad, const std::vector<int64_t> &pads,
                              const std::vector<int64_t> &in, const std::vector<int64_t> &kernel,
                              const std::vector<int64_t> &strides, const std::vector<int64_t> &dilations)
{
    const size_t n = kernel.size();
    if (autoPad.empty() || autoPad == "NOTSET")
        return pads.empty() ? std::vector<int64_t>(2 * n, 0) : pads;
    std::vector<int64_t> out(2 * n, 0);
    if (autoPad == "VALID")
        return out;
    for (size_t i = 0; i < n; ++i) {
        const int64_t outSize = (in[i] + strides[i] - 1) / strides[i];
        const int64_t total =
            std::max<int64_t>(0, (outSize - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[i]);
        const int64_t small = total / 2;
        out[i] = autoPad == "SAME_LOWER" ? total - small : small;
        out[i + n] = total - out[i];
    }
    return out;
}

// ConvTranspose's crop {begin..., end...}: as written, or for auto_pad SAME_* the total that
/// makes the output input * stride (which does not depend on the input's size).
std::vector<int64_t> convTransposePads(const std::string &autoPad, std::vector<int64_t> pads,
                                       const std::vector<int64_t> &kernel, const std::vector<int64_t> &strides,
                                       const std::vector<int64_t> &dilations, const std::vector<int64_t> &outputPadding)
{
    const size_t k = kernel.size();
    if (autoPad == "NOTSET")
        return pads.empty() ? std::vector<int64_t>(2 * k, 0) : pads;
    pads.assign(2 * k, 0);
    if (autoPad == "VALID")
        return pads;
    for (size_t i = 0; i < k; ++i) {
        const int64_t total = std::max<int64_t>(0, outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 - strides[i]);
        pads[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
        pads[i + k] = total - pads[i];
    }
    return pads;
}

namespace executor_ops {

/// Puts `b` on `a`'s device when one is a multi-element CPU tensor and the other is not.
std::pair<torch::Tensor, torch::Tensor> sameDevice(torch::Tensor a, torch::Tensor b)
{
    if (a.device() != b.device()) {
        if (a.device().is_cpu() && a.dim() > 0)
            a = a.to(b.device());
        else if (b.device().is_cpu() && b.dim() > 0)
            b = b.to(a.device());
    }
    return {a, b};
}

/// The value of a setting given either as an attribute (older opsets) or as an input.
std::vector<int64_t> intsFrom(const Tensors &in, int index)
{
    return index < static_cast<int>(in.size()) && in[static_cast<size_t>(index)].defined()
               ? toInts(in[static_cast<size_t>(index)])
               : std::vector<int64_t>{};
}

template <typename F>
Kernel unaryFn(F f)
{
    return [f](const Tensors &in, bool) { return Tensors{f(in[0])}; };
}

template <typename F>
Kernel binary(F f)
{
    return [f](const Tensors &in, bool) {
        auto [a, b] = sameDevice(in[0], in[1]);
        return Tensors{f(a, b)};
    };
}

Kernel variadic(const std::string &op)
{
    return [op](const Tensors &in, bool) {
        torch::Tensor acc = in[0];
        for (size_t i = 1; i < in.size(); ++i) {
            auto [a, b] = sameDevice(acc, in[i]);
            if (op == "Sum" || op == "Mean")
                acc = a + b;
            else if (op == "Max")
                acc = torch::maximum(a, b);
            else
                acc = torch::minimum(a, b);
        }
        if (op == "Mean")
            acc = acc / static_cast<double>(in.size());
        return Tensors{acc};
    };
}

torch::ScalarType castType(int64_t to, const OpNode &n)
{
    using T = ::onnx::TensorProto;
    switch (to) {
    // Floating point computes in float32 throughout (weights are converted at load too).
    case T::FLOAT:
    case T::DOUBLE:
    case T::FLOAT16:
    case T::BFLOAT16: return torch::kFloat;
    case T::INT8: return torch::kChar;
    case T::UINT8: return torch::kByte;
    case T::INT16: return torch::kShort;
    case T::INT32: return torch::kInt;
    case T::INT64: return torch::kLong;
    case T::BOOL: return torch::kBool;
    default: n.fail("casting to ONNX element type " + std::to_string(to) + " is not supported.");
    }
}

// ---------------------------------------------------------------- convolution and pooling

/// A convolution or pooling window: attributes as written, completed for the input's rank.
struct Window {
    std::vector<int64_t> kernel, strides, dilations, pads; // pads: begin..., end...
    std::string autoPad = "NOTSET";

    static Window attributes(const OpNode &n)
    {
        Window w;
        w.kernel = n.attrInts("kernel_shape");
        w.strides = n.attrInts("strides");
        w.dilations = n.attrInts("dilations");
        w.pads = n.attrInts("pads");
        w.autoPad = n.attrString("auto_pad", "NOTSET");
        if (w.autoPad != "NOTSET" && w.autoPad != "VALID" && w.autoPad != "SAME_UPPER" && w.autoPad != "SAME_LOWER")
            n.fail("auto_pad '" + w.autoPad + "' is not one ONNX defines.");
        return w;
    }
    /// The window for `spatial` dimensions with the defaults filled in.
    Window complete(size_t spatial) const
    {
        Window w = *this;
        if (w.strides.empty())
            w.strides.assign(spatial, 1);
        if (w.dilations.empty())
            w.dilations.assign(spatial, 1);
        if (w.pads.empty())
            w.pads.assign(2 * spatial, 0);
        if (w.kernel.size() != spatial || w.strides.size() != spatial || w.dilations.size() != spatial ||
            w.pads.size() != 2 * spatial)
            throw Error("its kernel_shape, strides, dilations and pads do not fit a " + std::to_string(spatial) +
                        "-dimensional window.");
        return w;
    }
    std::vector<int64_t> padsFor(const torch::Tensor &x) const
    {
        const auto s = x.sizes();
        return autoPads(autoPad, pads, std::vector<int64_t>(s.begin() + 2, s.end()), kernel, strides, dilations);
    }
};

/// [begin..., end...] (ONNX) to torch's pad list (last dimension first, begin then end).
std::vector<int64_t> torchPadList(const std::vector<int64_t> &pads)
{
    const size_t n = pads.size() / 2;
    std::vector<int64_t> out;
    for (size_t i = n; i-- > 0;) {
        out.push_back(pads[i]);
        out.push_back(pads[i + n]);
    }
    return out;
}

bool symmetric(const std::vector<int64_t> &pads)
{
    const size_t n = pads.size() / 2;
    for (size_t i = 0; i < n; ++i)
        if (pads[i] != pads[i + n])
            return false;
    return true;
}

Kernel conv(const OpNode &n)
{
    const int64_t groups = n.attrInt("group", 1);
    const Window attrs = Window::attributes(n);
    return [groups, attrs](const Tensors &in, bool) -> Tensors {
        const auto &x = in[0];
        const auto &w = in[1];
        if (w.dim() < 3 || w.dim() > 5 || x.dim() != w.dim())
            throw Error("input of rank " + std::to_string(x.dim()) + " and weight of rank " + std::to_string(w.dim()) +
                        ": 1-, 2- and 3-D convolutions of [N, C, ...] inputs run.");
        Window win = attrs;
        win.kernel.assign(w.sizes().begin() + 2, w.sizes().end());
        win = win.complete(win.kernel.size());
        const auto pads = win.padsFor(x);
        const size_t k = win.kernel.size();
        torch::Tensor input = x;
        std::vector<int64_t> padding(pads.begin(), pads.begin() + static_cast<long>(k));
        if (!symmetric(pads)) {
            input = torch::constant_pad_nd(x, torchPadList(pads));
            padding.assign(k, 0);
        }
        const torch::Tensor b = in.size() > 2 ? in[2] : torch::Tensor();
        auto [xx, ww] = sameDevice(input, w);
        if (k == 1)
            return {torch::conv1d(xx, ww, b, win.strides, padding, win.dilations, groups)};
        if (k == 2)
            return {torch::conv2d(xx, ww, b, win.strides, padding, win.dilations, groups)};
        return {torch::conv3d(xx, ww, b, win.strides, padding, win.dilations, groups)};
    };
}

Kernel convTranspose(const OpNode &n)
{
    const int64_t groups = n.attrInt("group", 1);
    const Window attrs = Window::attributes(n);
    const auto outputPaddingAttr = n.attrInts("output_padding");
    if (n.has("output_shape"))
        n.fail("output_shape is not supported.", "Export the model with explicit pads (PyTorch does).");
    return [groups, attrs, outputPaddingAttr](const Tensors &in, bool) -> Tensors {
        const auto &x = in[0];
        const auto &w = in[1];
        if (w.dim() != 3 && w.dim() != 4)
            throw Error("weight of rank " + std::to_string(w.dim()) + ": 1- and 2-D transposed convolutions run.");
        Window win = attrs;
        win.kernel.assign(w.sizes().begin() + 2, w.sizes().end());
        const size_t k = win.kernel.size();
        const auto written = win.pads;
        win.pads.clear();
        win = win.complete(k);
        const auto outputPadding = outputPaddingAttr.empty() ? std::vector<int64_t>(k, 0) : outputPaddingAttr;
        const auto pads =
            convTransposePads(attrs.autoPad, written, win.kernel, win.strides, win.dilations, outputPadding);
        const torch::Tensor b = in.size() > 2 ? in[2] : torch::Tensor();
        auto [xx, ww] = sameDevice(x, w);
        const bool even = symmetric(pads);
        std::vector<int64_t> padding(k, 0);
        if (even)
            padding.assign(pads.begin(), pads.begin() + static_cast<long>(k));
        torch::Tensor y =
            k == 1 ? torch::conv_transpose1d(xx, ww, b, win.strides, padding, outputPadding, groups, win.dilations)
                   : torch::conv_transpose2d(xx, ww, b, win.strides, padding, outputPadding, groups, win.dilations);
        if (!even)
            for (size_t i = 0; i < k; ++i) {
                const int64_t d = static_cast<int64_t>(i) + 2;
                y = y.slice(d, pads[i], y.size(d) - pads[i + k]);
            }
        return {y};
    };
}

Kernel pool(const OpNode &n, bool max)
{
    const Window attrs = Window::attributes(n);
    if (attrs.kernel.empty())
        n.fail("has no kernel_shape.");
    if (n.hasOutput(1))
        n.fail("its second output (the indices) is not supported.");
    const bool ceil = n.attrInt("ceil_mode", 0) != 0;
    const bool countPad = n.attrInt("count_include_pad", 0) != 0;
    if (n.attrInt("storage_order", 0) != 0)
        n.fail("storage_order 1 (column-major indices) is not supported.");
    const Window win = [&] {
        try {
            return attrs.complete(attrs.kernel.size());
        } catch (const Error &e) {
            n.fail(e.what());
        }
    }();
    if (win.kernel.size() > 2)
        n.fail("only 1- and 2-D pooling runs.");
    if (!max && std::any_of(win.dilations.begin(), win.dilations.end(), [](int64_t d) { return d != 1; }))
        n.fail("dilated average pooling is not supported.");
    return [win, max, ceil, countPad](const Tensors &in, bool) -> Tensors {
        auto x = in[0];
        const size_t k = win.kernel.size();
        if (x.dim() != static_cast<int64_t>(k) + 2)
            throw Error("a " + std::to_string(k) + "-D window on an input of rank " + std::to_string(x.dim()) + ".");
        const bool oneD = k == 1;
        auto kernel = win.kernel, strides = win.strides, dilations = win.dilations;
        auto pads = win.padsFor(x);
        if (oneD) {
            x = x.unsqueeze(2);
            kernel.insert(kernel.begin(), 1);
            strides.insert(strides.begin(), 1);
            dilations.insert(dilations.begin(), 1);
            pads = {0, pads[0], 0, pads[1]};
        }
        std::vector<int64_t> padding{pads[0], pads[1]};
        // torch pads both sides equally and at most half a window: otherwise pad here.
        const bool direct = symmetric(pads) && pads[0] * 2 <= kernel[0] && pads[1] * 2 <= kernel[1];
        torch::Tensor y;
        if (max) {
            if (!direct) {
                x = torch::constant_pad_nd(x, torchPadList(pads), -std::numeric_limits<double>::infinity());
                padding = {0, 0};
            }
            y = torch::max_pool2d(x, kernel, strides, padding, dilations, ceil);
        } else if (direct) {
            y = torch::avg_pool2d(x, kernel, strides, padding, ceil, countPad);
        } else {
            const auto padded = torch::constant_pad_nd(x, torchPadList(pads));
            y = torch::avg_pool2d(padded, kernel, strides, {0, 0}, ceil, true);
            if (!countPad) {
                // Divide by the real elements under each window, not the padded ones.
                const auto ones =
                    torch::constant_pad_nd(torch::ones({1, 1, x.size(2), x.size(3)}, x.options()), torchPadList(pads));
                y = y / torch::avg_pool2d(ones, kernel, strides, {0, 0}, ceil, true);
            }
        }
        return {oneD ? y.squeeze(2) : y};
    };
}

int64_t axisIn(int64_t axis, int64_t rank)
{
    if (axis < -rank || axis >= rank)
        throw Error("axis " + std::to_string(axis) + " is out of range for a rank-" + std::to_string(rank) + " tensor.",
                    "The model is not valid; export it again.");
    return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> spatialDims(const torch::Tensor &x)
{
    std::vector<int64_t> d;
    for (int64_t i = 2; i < x.dim(); ++i)
        d.push_back(i);
    return d;
}

// ---------------------------------------------------------------- normalisation

Kernel batchNorm(const OpNode &n)
{
    const double eps = n.attrFloat("epsilon", 1e-5);
    for (int i = 1; i < 5; ++i)
        if (n.hasOutput(i))
            n.fail("its training outputs (running mean and variance) are not supported.",
                   "Export the model in inference mode.");
    return [eps](const Tensors &in, bool) -> Tensors {
        const auto &x = in[0];
        std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
        shape[1] = x.size(1);
        auto view = [&](const torch::Tensor &t) { return t.to(x.device()).reshape(shape); };
        const auto scale = view(in[1]) / torch::sqrt(view(in[4]) + eps);
        return {(x - view(in[3])) * scale + view(in[2])};
    };
}

Kernel layerNorm(const OpNode &n)
{
    const int64_t axis = n.attrInt("axis", -1);
    const double eps = n.attrFloat("epsilon", 1e-5);
    if (n.hasOutput(1) || n.hasOutput(2))
        n.fail("its Mean and InvStdDev outputs are not supported.");
    return [axis, eps](const Tensors &in, bool) -> Tensors {
        const auto &x = in[0];
        const int64_t a = axisIn(axis, x.dim());
        std::vector<int64_t> dims;
        for (int64_t d = a; d < x.dim(); ++d)
            dims.push_back(d);
        const auto mean = x.mean(dims, true);
        const auto var = (x - mean).pow(2).mean(dims, true);
        auto y = (x - mean) / torch::sqrt(var + eps) * in[1].to(x.device());
        if (in.size() > 2 && in[2].defined())
            y = y + in[2].to(x.device());
        return {y};
    };
}

Kernel instanceNorm(const OpNode &n)
{
    const double eps = n.attrFloat("epsilon", 1e-5);
    return [eps](const Tensors &in, bool) -> Tensors {
        const auto &x = in[0];
        const auto dims = spatialDims(x);
        std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
        shape[1] = x.size(1);
        const auto mean = x.mean(dims, true);
        const auto var = (x - mean).pow(2).mean(dims, true);
        return {(x - mean) / torch::sqrt(var + eps) * in[1].to(x.device()).reshape(shape) +
                in[2].to(x.device()).reshape(shape)};
    };
}

// ---------------------------------------------------------------- activations

Kernel clip(const OpNode &n)
{
    c10::optional<double> lo, hi;
    if (n.opset() < 11) {
        if (n.has("min"))
            lo = n.attrFloat("min", 0);
        if (n.has("max"))
            hi = n.attrFloat("max", 0);
        return [lo, hi](const Tensors &in, bool) -> Tensors {
            return {torch::clamp(in[0], lo ? c10::optional<c10::Scalar>(*lo) : c10::nullopt,
                                 hi ? c10::optional<c10::Scalar>(*hi) : c10::nullopt)};
        };
    }
    return [](const Tensors &in, bool) -> Tensors {
        c10::optional<c10::Scalar> lo, hi;
        if (in.size() > 1 && in[1].defined())
            lo = toDoubles(in[1]).at(0);
        if (in.size() > 2 && in[2].defined())
            hi = toDoubles(in[2]).at(0);
        if (!in[0].is_floating_point()) {
            if (lo)
                lo = static_cast<int64_t>(lo->toDouble());
            if (hi)
                hi = static_cast<int64_t>(hi->toDouble());
        }
        return {torch::clamp(in[0], lo, hi)};
    };
}

Kernel softmax(const OpNode &n, bool log)
{
    const bool coerce = n.opset() < 13; // before 13 the input is seen as 2-D, split at `axis`
    const int64_t axis = n.attrInt("axis", coerce ? 1 : -1);
    return [axis, coerce, log](const Tensors &in, bool) -> Tensors {
        const auto &x = in[0];
        const int64_t a = axisIn(axis, x.dim());
        if (!coerce || a == x.dim() - 1)
            return {log ? torch::log_softmax(x, a) : torch::softmax(x, a)};
        int64_t outer = 1;
        for (int64_t d = 0; d < a; ++d)
            outer *= x.size(d);
        const auto two = x.reshape({outer, -1});
        return {(log ? torch::log_softmax(two, 1) : torch::softmax(two, 1)).reshape(x.sizes())};
    };
}

// ---------------------------------------------------------------- shapes

Kernel reshape(const OpNode &n)
{
    const bool allowZero = n.attrInt("allowzero", 0) != 0;
    return [allowZero](const Tensors &in, bool) -> Tensors {
        auto shape = toInts(in[1]);
        const auto &x = in[0];
        for (size_t i = 0; i < shape.size(); ++i)
            if (shape[i] == 0 && !allowZero) {
                if (static_cast<int64_t>(i) >= x.dim())
                    throw Error("shape entry " + std::to_string(i) + " is 0 (copy) but the input has rank " +
                                std::to_string(x.dim()) + ".");
                shape[i] = x.size(static_cast<int64_t>(i));
            }
        return {x.reshape(shape)};
    };
}

Kernel flatten(const OpNode &n)
{
    const int64_t axis = n.attrInt("axis", 1);
    return [axis](const Tensors &in, bool) -> Tensors {
        const auto &x = in[0];
        const int64_t a = axis == x.dim() ? axis : axisIn(axis, x.dim()); // Flatten also takes axis = rank
        int64_t outer = 1;
        for (int64_t d = 0; d < a; ++d)
            outer *= x.size(d);
        return {x.reshape({outer, outer == 0 ? 0 : x.numel() / std::max<int64_t>(outer, 1)})};
    };
}

Kernel transpose(const OpNode &n)
{
    const auto perm = n.attrInts("perm");
    return [perm](const Tensors &in, bool) -> Tensors {
        auto p = perm;
        if (p.empty())
            for (int64_t d = in[0].dim() - 1; d >= 0; --d)
                p.push_back(d);
        return {in[0].permute(p)};
    };
}

Kernel squeeze(const OpNode &n)
{
    const auto attr = n.attrInts("axes");
    const bool fromInput = n.opset() >= 13;
    return [attr, fromInput](const Tensors &in, bool) -> Tensors {
        auto axes = fromInput ? intsFrom(in, 1) : attr;
        auto x = in[0];
        const int64_t rank = x.dim();
        if (axes.empty()) {
            std::vector<int64_t> keep;
            for (int64_t d = 0; d < rank; ++d)
                if (x.size(d) != 1)
                    keep.push_back(x.size(d));
            return {x.reshape(keep)};
        }
        std::set<int64_t> drop;
        for (auto a : axes) {
            const int64_t d = axisIn(a, rank);
            if (d < 0 || d >= rank || x.size(d) != 1)
                throw Error("cannot squeeze axis " + std::to_string(a) + " of a tensor of shape " +
                            c10::str(x.sizes()) + ".");
            drop.insert(d);
        }
        std::vector<int64_t> keep;
        for (int64_t d = 0; d < rank; ++d)
            if (!drop.count(d))
                keep.push_back(x.size(d));
        return {x.reshape(keep)};
    };
}

Kernel unsqueeze(const OpNode &n)
{
    const auto attr = n.attrInts("axes");
    const bool fromInput = n.opset() >= 13;
    return [attr, fromInput](const Tensors &in, bool) -> Tensors {
        auto axes = fromInput ? intsFrom(in, 1) : attr;
        const auto &x = in[0];
        const int64_t rank = x.dim() + static_cast<int64_t>(axes.size());
        std::set<int64_t> add;
        for (auto a : axes)
            add.insert(axisIn(a, rank));
        std::vector<int64_t> shape;
        int64_t src = 0;
        for (int64_t d = 0; d < rank; ++d)
            shape.push_back(add.count(d) ? 1 : x.size(src++));
        return {x.reshape(shape)};
    };
}

Kernel concat(const OpNode &n)
{
    const int64_t axis = n.attrInt("axis", 0);
    return [axis](const Tensors &in, bool) -> Tensors {
        std::vector<torch::Tensor> parts;
        c10::Device device(torch::kCPU);
        for (const auto &t : in)
            if (t.defined() && !t.device().is_cpu())
                device = t.device();
        for (const auto &t : in)
            if (t.defined())
                parts.push_back(t.to(device));
        const int64_t a = axisIn(axis, parts.front().dim());
        return {torch::cat(parts, a)};
    };
}

Kernel split(const OpNode &n)
{
    const int64_t axis = n.attrInt("axis", 0);
    const auto attr = n.attrInts("split");
    const bool fromInput = n.opset() >= 13;
    const int64_t outputs = n.proto().output_size();
    const int64_t numOutputs = n.attrInt("num_outputs", 0);
    return [axis, attr, fromInput, outputs, numOutputs](const Tensors &in, bool) -> Tensors {
        const auto &x = in[0];
        const int64_t a = axisIn(axis, x.dim());
        auto sizes = fromInput ? intsFrom(in, 1) : attr;
        const int64_t dim = x.size(a);
        if (sizes.empty()) {
            if (numOutputs > 0) {
                // Opset 18: equal chunks, the last one smaller.
                const int64_t chunk = (dim + numOutputs - 1) / numOutputs;
                for (int64_t i = 0; i < numOutputs; ++i)
                    sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
            } else {
                if (dim % outputs != 0)
                    throw Error("cannot split " + std::to_string(dim) + " into " + std::to_string(outputs) +
                                " equal parts.");
                sizes.assign(static_cast<size_t>(outputs), dim / outputs);
            }
        }
        return torch::split_with_sizes(x, sizes, a);
    };
}

Kernel slice(const OpNode &n)
{
    const bool fromInputs = n.opset() >= 10;
    const auto startsAttr = n.attrInts("starts"), endsAttr = n.attrInts("ends"), axesAttr = n.attrInts("axes");
    return [fromInputs, startsAttr, endsAttr, axesAttr](const Tensors &in, bool) -> Tensors {
        const auto starts = fromInputs ? intsFrom(in, 1) : startsAttr;
        const auto ends = fromInputs ? intsFrom(in, 2) : endsAttr;
        auto axes = fromInputs ? intsFrom(in, 3) : axesAttr;
        auto steps = fromInputs ? intsFrom(in, 4) : std::vector<int64_t>{};
        auto x = in[0];
        if (axes.empty())
            for (size_t i = 0; i < starts.size(); ++i)
                axes.push_back(static_cast<int64_t>(i));
        if (steps.empty())
            steps.assign(starts.size(), 1);
        if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
            throw Error("starts, ends, axes and steps differ in length.");
        for (size_t i = 0; i < starts.size(); ++i) {
            const int64_t a = axisIn(axes[i], x.dim());
            const int64_t dim = x.size(a);
            const int64_t step = steps[i];
            if (step == 0)
                throw Error("a slice step is 0.");
            auto clampIndex = [&](int64_t v, int64_t lo, int64_t hi) {
                if (v < 0)
                    v = v < -dim ? -dim - 1 : v + dim; // very negative values clamp below
                return std::clamp(v, lo, hi);
            };
            if (step > 0) {
                const int64_t s = clampIndex(starts[i], 0, dim);
                const int64_t e = clampIndex(ends[i], 0, dim);
                x = x.slice(a, s, std::max(s, e), step);
            } else {
                const int64_t s = clampIndex(starts[i], -1, dim - 1);
                const int64_t e = clampIndex(ends[i], -1, dim - 1);
                if (s <= e) {
                    x = x.slice(a, 0, 0);
                } else {
                    const auto idx = torch::arange(s, e, step, torch::TensorOptions().dtype(torch::kLong));
                    x = x.index_select(a, idx.to(x.device()));
                }
            }
        }
        return {x};
    };
}

Kernel pad(const OpNode &n)
{
    const std::string mode = n.attrString("mode", "constant");
    if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
        n.fail("mode '" + mode + "' is not supported.");
    const bool fromInputs = n.opset() >= 11;
    const auto padsAttr = n.attrInts(n.opset() < 2 ? "paddings" : "pads");
    const double valueAttr = n.attrFloat("value", 0.0);
    return [mode, fromInputs, padsAttr, valueAttr](const Tensors &in, bool) -> Tensors {
        const auto &x = in[0];
        auto pads = fromInputs ? intsFrom(in, 1) : padsAttr;
        double value = valueAttr;
        if (fromInputs && in.size() > 2 && in[2].defined() && in[2].numel() > 0)
            value = toDoubles(in[2]).at(0);
        const int64_t rank = x.dim();
        if (fromInputs && in.size() > 3 && in[3].defined()) {
            // Opset 18: pads for the listed axes only.
            const auto axes = toInts(in[3]);
            std::vector<int64_t> full(static_cast<size_t>(2 * rank), 0);
            const size_t k = axes.size();
            for (size_t i = 0; i < k; ++i) {
                const int64_t a = axisIn(axes[i], rank);
                full[static_cast<size_t>(a)] = pads[i];
                full[static_cast<size_t>(a + rank)] = pads[i + k];
            }
            pads = full;
        }
        if (static_cast<int64_t>(pads.size()) != 2 * rank)
            throw Error("pads has " + std::to_string(pads.size()) + " entries for a tensor of rank " +
                        std::to_string(rank) + ".");
        if (mode == "constant")
            return {torch::constant_pad_nd(x, torchPadList(pads), value)};
        // reflect / edge / wrap pad the trailing (spatial) dimensions only.
        int64_t first = 0;
        while (first < rank && pads[static_cast<size_t>(first)] == 0 && pads[static_cast<size_t>(first + rank)] == 0)
            ++first;
        const int64_t padded = rank - first;
        if (padded > 3 || (rank - 2 < padded && padded > 0 && rank > 2))
            throw Error("mode '" + mode + "' pads only the last one to three dimensions of [N, C, ...] tensors.");
        std::vector<int64_t> list = torchPadList(pads);
        list.resize(static_cast<size_t>(2 * std::max<int64_t>(padded, 1)));
        namespace F = torch::nn::functional;
        F::PadFuncOptions o(list);
        if (mode == "reflect")
            o.mode(torch::kReflect);
        else if (mode == "edge")
            o.mode(torch::kReplicate);
        else
            o.mode(torch::kCircular);
        return {F::pad(x, o)};
    };
}

Kernel reduce(const OpNode &n, const std::string &op)
{
    // The axes became an input in opset 13 for ReduceSum and in 18 for the others.
    const bool fromInput = n.opset() >= (op == "ReduceSum" ? 13 : 18);
    const auto attr = n.attrInts("axes");
    const bool keep = n.attrInt("keepdims", 1) != 0;
    const bool noopEmpty = n.attrInt("noop_with_empty_axes", 0) != 0;
    return [fromInput, attr, keep, noopEmpty, op](const Tensors &in, bool) -> Tensors {
        auto axes = fromInput ? intsFrom(in, 1) : attr;
        const auto &x = in[0];
        if (axes.empty()) {
            if (noopEmpty)
                return {x};
            for (int64_t d = 0; d < x.dim(); ++d)
                axes.push_back(d);
        }
        for (auto &a : axes)
            a = axisIn(a, x.dim());
        if (op == "ReduceMean")
            return {x.mean(axes, keep)};
        if (op == "ReduceSum")
            return {x.sum(axes, keep)};
        if (op == "ReduceMax")
            return {x.amax(axes, keep)};
        if (op == "ReduceMin")
            return {x.amin(axes, keep)};
        if (op == "ReduceProd") {
            auto y = x;
            std::vector<int64_t> sorted = axes;
            std::sort(sorted.rbegin(), sorted.rend());
            for (auto a : sorted)
                y = y.prod(a, keep);
            return {y};
        }
        if (op == "ReduceL2")
            return {x.pow(2).sum(axes, keep).sqrt()};
        return {x.abs().sum(axes, keep)}; // ReduceL1
    };
}

Kernel gather(const OpNode &n)
{
    const int64_t axis = n.attrInt("axis", 0);
    return [axis](const Tensors &in, bool) -> Tensors {
        const auto &x = in[0];
        const int64_t a = axisIn(axis, x.dim());
        auto idx = in[1].to(torch::kLong);
        idx = torch::where(idx < 0, idx + x.size(a), idx).to(x.device());
        const auto picked = x.index_select(a, idx.flatten());
        std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + a);
        for (auto d : idx.sizes())
            shape.push_back(d);
        shape.insert(shape.end(), x.sizes().begin() + a + 1, x.sizes().end());
        return {picked.reshape(shape)};
    };
}

Kernel expand()
{
    return [](const Tensors &in, bool) -> Tensors {
        const auto shape = toInts(in[1]);
        const auto &x = in[0];
        // Bidirectional broadcast: each dimension is the larger of the pair (or the one not 1).
        const int64_t xr = x.dim(), sr = static_cast<int64_t>(shape.size()), rank = std::max(xr, sr);
        std::vector<int64_t> out(static_cast<size_t>(rank), 1);
        for (int64_t i = 0; i < rank; ++i) {
            const int64_t a = i < rank - xr ? 1 : x.size(i - (rank - xr));
            const int64_t b = i < rank - sr ? 1 : shape[static_cast<size_t>(i - (rank - sr))];
            out[static_cast<size_t>(i)] = a == 1 ? b : a;
        }
        return {x.expand(out).contiguous()};
    };
}

// ---------------------------------------------------------------- Resize and Upsample

struct ResizeSpec {
    std::string mode = "nearest"; // nearest | linear
    std::string coordinates = "half_pixel";
    std::string nearest = "round_prefer_floor";
    std::string aspect = "stretch";
    std::vector<int64_t> axes;
};

/// Input coordinate of output index `i` along an axis of `in` -> `out` elements at `scale`.
double sourceCoordinate(const std::string &mode, int64_t i, int64_t in, int64_t out, double scale)
{
    const double x = static_cast<double>(i);
    if (mode == "half_pixel")
        return (x + 0.5) / scale - 0.5;
    if (mode == "half_pixel_symmetric") {
        const double adjustment = static_cast<double>(out) / (scale * static_cast<double>(in));
        const double center = static_cast<double>(in) / 2;
        const double offset = center * (1 - adjustment);
        return offset + (x + 0.5) / scale - 0.5;
    }
    if (mode == "pytorch_half_pixel")
        return out > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    if (mode == "align_corners")
        return out > 1 ? x * static_cast<double>(in - 1) / static_cast<double>(out - 1) : 0.0;
    if (mode == "tf_half_pixel_for_nn")
        return (x + 0.5) / scale;
    return x / scale; // asymmetric
}

int64_t nearestIndex(const std::string &mode, double x)
{
    if (mode == "floor")
        return static_cast<int64_t>(std::floor(x));
    if (mode == "ceil")
        return static_cast<int64_t>(std::ceil(x));
    const double f = std::floor(x);
    if (x - f == 0.5)
        return static_cast<int64_t>(mode == "round_prefer_ceil" ? f + 1 : f);
    return static_cast<int64_t>(std::round(x));
}

torch::Tensor resizeAxis(const torch::Tensor &x, int64_t axis, int64_t out, double scale, const ResizeSpec &spec)
{
    const int64_t in = x.size(axis);
    if (out == in && scale == 1.0)
        return x;
    if (spec.mode == "nearest") {
        std::vector<int64_t> idx(static_cast<size_t>(out));
        // Resize-10 and Upsample ("simple"): rounded down when enlarging, up when shrinking.
        const std::string rounding = spec.nearest != "simple" ? spec.nearest : scale < 1.0 ? "ceil" : "floor";
        for (int64_t i = 0; i < out; ++i)
            idx[static_cast<size_t>(i)] = std::clamp<int64_t>(
                nearestIndex(rounding, sourceCoordinate(spec.coordinates, i, in, out, scale)), 0, in - 1);
        return x.index_select(axis, torch::tensor(idx, torch::kLong).to(x.device()));
    }
    std::vector<int64_t> lo(static_cast<size_t>(out)), hi(static_cast<size_t>(out));
    std::vector<float> w(static_cast<size_t>(out));
    for (int64_t i = 0; i < out; ++i) {
        const double c = sourceCoordinate(spec.coordinates, i, in, out, scale);
        const double f = std::floor(c);
        const auto k = static_cast<size_t>(i);
        lo[k] = std::clamp<int64_t>(static_cast<int64_t>(f), 0, in - 1);
        hi[k] = std::clamp<int64_t>(static_cast<int64_t>(f) + 1, 0, in - 1);
        w[k] = static_cast<float>(c - f);
    }
    std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
    shape[static_cast<size_t>(axis)] = out;
    const auto weight = torch::tensor(w).to(x.device(), x.scalar_type()).reshape(shape);
    const auto a = x.index_select(axis, torch::tensor(lo, torch::kLong).to(x.device()));
    const auto b = x.index_select(axis, torch::tensor(hi, torch::kLong).to(x.device()));
    return a + (b - a) * weight;
}

/// A count held in a double (it may exceed int64), written without a fraction.
std::string wholeNumber(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
}

torch::Tensor resizeTensor(const torch::Tensor &x, std::vector<double> scales, std::vector<int64_t> sizes,
                           const ResizeSpec &spec)
{
    const int64_t rank = x.dim();
    std::vector<int64_t> axes = spec.axes;
    if (axes.empty())
        for (int64_t d = 0; d < rank; ++d)
            axes.push_back(d);
    for (auto &a : axes)
        a = axisIn(a, rank);
    const size_t k = axes.size();
    if ((!scales.empty() && scales.size() != k) || (!sizes.empty() && sizes.size() != k))
        throw Error("scales or sizes have " + std::to_string(scales.empty() ? sizes.size() : scales.size()) +
                    " entries for " + std::to_string(k) + " axes.");
    if (scales.empty() && sizes.empty())
        throw Error("neither scales nor sizes are given.");
    std::vector<int64_t> out(k);
    std::vector<double> scale(k);
    if (!sizes.empty()) {
        if (spec.aspect != "stretch") {
            double s = spec.aspect == "not_larger" ? std::numeric_limits<double>::infinity() : 0.0;
            for (size_t i = 0; i < k; ++i) {
                const double r = static_cast<double>(sizes[i]) / static_cast<double>(x.size(axes[i]));
                s = spec.aspect == "not_larger" ? std::min(s, r) : std::max(s, r);
            }
            for (size_t i = 0; i < k; ++i)
                sizes[i] = static_cast<int64_t>(std::round(s * static_cast<double>(x.size(axes[i]))));
            scale.assign(k, s);
        } else {
            for (size_t i = 0; i < k; ++i)
                scale[i] = static_cast<double>(sizes[i]) / static_cast<double>(x.size(axes[i]));
        }
        out = sizes;
    } else {
        for (size_t i = 0; i < k; ++i) {
            if (!(scales[i] > 0))
                throw Error("scale " + std::to_string(scales[i]) + " is not positive.");
            scale[i] = scales[i];
            out[i] = static_cast<int64_t>(std::floor(static_cast<double>(x.size(axes[i])) * scales[i]));
        }
    }
    // The result's size before anything is allocated: at most valueLimit() values.
    std::vector<int64_t> shape = x.sizes().vec();
    double values = 1;
    for (size_t i = 0; i < k; ++i) {
        if (out[i] < 0 || !std::isfinite(scale[i]))
            throw Error("the output size " + std::to_string(out[i]) + " of axis " + std::to_string(axes[i]) +
                        " is not valid.");
        shape[static_cast<size_t>(axes[i])] = out[i];
    }
    for (int64_t d : shape)
        values *= static_cast<double>(d);
    if (values > static_cast<double>(valueLimit()))
        throw Error("it would resize to " + wholeNumber(values) + " values, more than " + std::to_string(valueLimit()) +
                        ".",
                    "The scales or sizes are not what the model meant; export it again.");
    if (values == 0)
        return torch::empty(shape, x.options());
    // Axes that shrink first, then those that grow: no intermediate is larger than the input or
    // the result.
    std::vector<size_t> order(k);
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_partition(order.begin(), order.end(), [&](size_t i) { return out[i] <= x.size(axes[i]); });
    torch::Tensor y = x;
    for (size_t i : order) {
        const double next =
            static_cast<double>(y.numel() / std::max<int64_t>(y.size(axes[i]), 1)) * static_cast<double>(out[i]);
        if (next > static_cast<double>(valueLimit()))
            throw Error("resizing axis " + std::to_string(axes[i]) + " would hold " + wholeNumber(next) +
                        " values, more than " + std::to_string(valueLimit()) + ".");
        y = resizeAxis(y, axes[i], out[i], scale[i], spec);
    }
    return y;
}

Kernel resize(const OpNode &n)
{
    ResizeSpec spec;
    spec.mode = n.attrString("mode", "nearest");
    if (spec.mode == "cubic")
        n.fail("mode 'cubic' is not supported.", "Nearest and linear resizing run.");
    if (spec.mode != "nearest" && spec.mode != "linear")
        n.fail("mode '" + spec.mode + "' is not one ONNX defines.");
    if (n.opset() < 11) {
        // Resize-10 samples like Upsample: asymmetric coordinates.
        spec.coordinates = "asymmetric";
        spec.nearest = "simple";
        return [spec](const Tensors &in, bool) -> Tensors { return {resizeTensor(in[0], toDoubles(in[1]), {}, spec)}; };
    }
    spec.coordinates = n.attrString("coordinate_transformation_mode", "half_pixel");
    static const std::set<std::string> known{"half_pixel",    "half_pixel_symmetric", "pytorch_half_pixel",
                                             "align_corners", "asymmetric",           "tf_half_pixel_for_nn"};
    if (spec.coordinates == "tf_crop_and_resize")
        n.fail("coordinate_transformation_mode 'tf_crop_and_resize' is not supported.");
    if (!known.count(spec.coordinates))
        n.fail("coordinate_transformation_mode '" + spec.coordinates + "' is not one ONNX defines.");
    spec.nearest = n.attrString("nearest_mode", "round_prefer_floor");
    spec.aspect = n.attrString("keep_aspect_ratio_policy", "stretch");
    spec.axes = n.attrInts("axes");
    const bool antialias = n.attrInt("antialias", 0) != 0;
    return [spec, antialias](const Tensors &in, bool) -> Tensors {
        const auto scales = in.size() > 2 && in[2].defined() ? toDoubles(in[2]) : std::vector<double>{};
        const auto sizes = in.size() > 3 && in[3].defined() ? toInts(in[3]) : std::vector<int64_t>{};
        if (antialias && std::any_of(scales.begin(), scales.end(), [](double s) { return s < 1; }))
            throw Error("antialiased downscaling is not supported.");
        return {resizeTensor(in[0], scales, sizes, spec)};
    };
}

Kernel upsample(const OpNode &n)
{
    ResizeSpec spec;
    spec.mode = n.attrString("mode", "nearest");
    if (spec.mode == "bilinear")
        spec.mode = "linear";
    if (spec.mode != "nearest" && spec.mode != "linear")
        n.fail("mode '" + spec.mode + "' is not supported.");
    spec.coordinates = "asymmetric";
    spec.nearest = "simple";
    const auto attrScales = n.attrFloats("scales");
    const bool fromInput = n.opset() >= 9;
    return [spec, attrScales, fromInput](const Tensors &in, bool) -> Tensors {
        return {resizeTensor(in[0], fromInput ? toDoubles(in[1]) : attrScales, {}, spec)};
    };
}

Kernel depthToSpace(const OpNode &n, bool toSpace)
{
    const int64_t b = n.attrInt("blocksize", 0);
    if (b < 1)
        n.fail("has no valid blocksize.");
    const bool crd = n.attrString("mode", "DCR") == "CRD";
    return [b, crd, toSpace](const Tensors &in, bool) -> Tensors {
        const auto &x = in[0];
        const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
        if (!toSpace) // SpaceToDepth
            return {x.reshape({N, C, H / b, b, W / b, b})
                        .permute({0, 3, 5, 1, 2, 4})
                        .reshape({N, C * b * b, H / b, W / b})};
        if (crd)
            return {x.reshape({N, C / (b * b), b, b, H, W})
                        .permute({0, 1, 4, 2, 5, 3})
                        .reshape({N, C / (b * b), H * b, W * b})};
        return {x.reshape({N, b, b, C / (b * b), H, W})
                    .permute({0, 3, 4, 1, 5, 2})
                    .reshape({N, C / (b * b), H * b, W * b})};
    };
}

// ---------------------------------------------------------------- products

Kernel gemm(const OpNode &n)
{
    const double alpha = n.attrFloat("alpha", 1.0), beta = n.attrFloat("beta", 1.0);
    const bool ta = n.attrInt("transA", 0) != 0, tb = n.attrInt("transB", 0) != 0;
    return [alpha, beta, ta, tb](const Tensors &in, bool) -> Tensors {
        auto [a, b] = sameDevice(ta ? in[0].t() : in[0], tb ? in[1].t() : in[1]);
        auto y = torch::matmul(a, b);
        if (alpha != 1.0)
            y = y * alpha;
        if (in.size() > 2 && in[2].defined())
            y = y + (beta == 1.0 ? in[2].to(y.device()) : in[2].to(y.device()) * beta);
        return {y};
    };
}

// ---------------------------------------------------------------- generators and casts

Kernel constantOfShape(const OpNode &n)
{
    auto value = n.attrTensor("value");
    if (!value.defined())
        value = torch::zeros({1});
    return [value](const Tensors &in, bool) -> Tensors {
        return {torch::full(toInts(in[0]), value.flatten()[0].item(), value.options())};
    };
}

Kernel range()
{
    return [](const Tensors &in, bool) -> Tensors {
        const auto opts = in[0].options().device(torch::kCPU);
        if (in[0].is_floating_point())
            return {torch::arange(toDoubles(in[0]).at(0), toDoubles(in[1]).at(0), toDoubles(in[2]).at(0), opts)};
        return {torch::arange(toInts(in[0]).at(0), toInts(in[1]).at(0), toInts(in[2]).at(0), opts)};
    };
}

Kernel constant(const OpNode &n)
{
    torch::Tensor value;
    if (n.has("value"))
        value = n.attrTensor("value");
    else if (n.has("value_float"))
        value = torch::tensor(static_cast<float>(n.attrFloat("value_float", 0)));
    else if (n.has("value_floats"))
        value = torch::tensor(n.attrFloats("value_floats")).to(torch::kFloat);
    else if (n.has("value_int"))
        value = torch::tensor(n.attrInt("value_int", 0), torch::kLong);
    else if (n.has("value_ints"))
        value = torch::tensor(n.attrInts("value_ints"), torch::kLong);
    else
        n.fail("holds a kind of value QuantLens does not read (sparse tensors or strings).");
    if (value.is_floating_point())
        value = value.to(torch::kFloat);
    return [value](const Tensors &, bool) -> Tensors { return {value}; };
}

Kernel shape(const OpNode &n)
{
    const int64_t start = n.attrInt("start", 0);
    const bool hasEnd = n.has("end");
    const int64_t end = n.attrInt("end", 0);
    return [start, hasEnd, end](const Tensors &in, bool) -> Tensors {
        const int64_t rank = in[0].dim();
        auto clampAxis = [rank](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
        const int64_t s = clampAxis(start), e = hasEnd ? clampAxis(end) : rank;
        std::vector<int64_t> dims;
        for (int64_t d = s; d < e; ++d)
            dims.push_back(in[0].size(d));
        return {torch::tensor(dims, torch::kLong)};
    };
}

Kernel dropout(const OpNode &n)
{
    const bool ratioInput = n.opset() >= 12;
    const double ratioAttr = n.attrFloat("ratio", 0.5);
    const bool mask = n.hasOutput(1);
    return [ratioInput, ratioAttr, mask](const Tensors &in, bool training) -> Tensors {
        double ratio = ratioAttr;
        if (ratioInput && in.size() > 1 && in[1].defined())
            ratio = toDoubles(in[1]).at(0);
        bool on = training;
        if (ratioInput && in.size() > 2 && in[2].defined())
            on = toInts(in[2]).at(0) != 0;
        const auto &x = in[0];
        // As PyTorch's Dropout module: active while the model trains, the identity otherwise.
        if (!on || ratio <= 0)
            return mask ? Tensors{x, torch::ones_like(x, torch::kBool)} : Tensors{x};
        const auto keep = torch::rand_like(x) >= ratio;
        return mask ? Tensors{x * keep / (1 - ratio), keep} : Tensors{x * keep / (1 - ratio)};
    };
}

} // namespace executor_ops

const std::map<std::string, OpCompiler> &operators()
{
    using namespace executor_ops;
    static const std::map<std::string, OpCompiler> table = [] {
        std::map<std::string, OpCompiler> t;
        auto simple = [&t](const char *name, Kernel k) { t[name] = [k](const OpNode &) { return k; }; };
        simple("Identity", [](const Tensors &in, bool) { return Tensors{in[0]}; });
        simple("Add", binary([](const torch::Tensor &a, const torch::Tensor &b) { return a + b; }));
        simple("Sub", binary([](const torch::Tensor &a, const torch::Tensor &b) { return a - b; }));
        simple("Mul", binary([](const torch::Tensor &a, const torch::Tensor &b) { return a * b; }));
        simple("Div", binary([](const torch::Tensor &a, const torch::Tensor &b) {
                   // Integer division truncates, as in C.
                   return a.is_floating_point() || b.is_floating_point() ? a / b : torch::div(a, b, "trunc");
               }));
        simple("Pow", binary([](const torch::Tensor &a, const torch::Tensor &b) {
                   return torch::pow(a, b.is_floating_point() || !a.is_floating_point() ? b : b.to(a.scalar_type()))
                       .to(a.scalar_type());
               }));
        simple("Equal", binary([](const torch::Tensor &a, const torch::Tensor &b) { return a.eq(b); }));
        simple("Less", binary([](const torch::Tensor &a, const torch::Tensor &b) { return a.lt(b); }));
        simple("LessOrEqual", binary([](const torch::Tensor &a, const torch::Tensor &b) { return a.le(b); }));
        simple("Greater", binary([](const torch::Tensor &a, const torch::Tensor &b) { return a.gt(b); }));
        simple("GreaterOrEqual", binary([](const torch::Tensor &a, const torch::Tensor &b) { return a.ge(b); }));
        simple("And", binary([](const torch::Tensor &a, const torch::Tensor &b) { return a.logical_and(b); }));
        simple("Or", binary([](const torch::Tensor &a, const torch::Tensor &b) { return a.logical_or(b); }));
        simple("Not", unaryFn([](const torch::Tensor &x) { return x.logical_not(); }));
        simple("Where", [](const Tensors &in, bool) -> Tensors {
            auto c = in[0];
            auto [a, b] = sameDevice(in[1], in[2]);
            return {torch::where(c.to(a.device()), a, b)};
        });
        for (const char *v : {"Sum", "Mean", "Max", "Min"})
            simple(v, variadic(v));
        simple("Relu", unaryFn([](const torch::Tensor &x) { return torch::relu(x); }));
        simple("Sigmoid", unaryFn([](const torch::Tensor &x) { return torch::sigmoid(x); }));
        simple("Tanh", unaryFn([](const torch::Tensor &x) { return torch::tanh(x); }));
        simple("Erf", unaryFn([](const torch::Tensor &x) { return torch::erf(x); }));
        simple("Sqrt", unaryFn([](const torch::Tensor &x) { return torch::sqrt(x); }));
        simple("Exp", unaryFn([](const torch::Tensor &x) { return torch::exp(x); }));
        simple("Log", unaryFn([](const torch::Tensor &x) { return torch::log(x); }));
        simple("Neg", unaryFn([](const torch::Tensor &x) { return torch::neg(x); }));
        simple("Abs", unaryFn([](const torch::Tensor &x) { return torch::abs(x); }));
        simple("Reciprocal", unaryFn([](const torch::Tensor &x) { return torch::reciprocal(x); }));
        simple("Floor", unaryFn([](const torch::Tensor &x) { return torch::floor(x); }));
        simple("Ceil", unaryFn([](const torch::Tensor &x) { return torch::ceil(x); }));
        simple("Sin", unaryFn([](const torch::Tensor &x) { return torch::sin(x); }));
        simple("Cos", unaryFn([](const torch::Tensor &x) { return torch::cos(x); }));
        simple("HardSwish", unaryFn([](const torch::Tensor &x) { return x * torch::clamp(x / 6.0 + 0.5, 0.0, 1.0); }));
        simple("Softplus", unaryFn([](const torch::Tensor &x) { return torch::softplus(x); }));
        simple("Softsign", unaryFn([](const torch::Tensor &x) { return x / (1 + x.abs()); }));
        simple("Mish", unaryFn([](const torch::Tensor &x) { return x * torch::tanh(torch::softplus(x)); }));
        simple("PRelu", binary([](const torch::Tensor &x, const torch::Tensor &slope) {
                   return torch::where(x >= 0, x, x * slope);
               }));
        simple("GlobalAveragePool", unaryFn([](const torch::Tensor &x) { return x.mean(spatialDims(x), true); }));
        simple("GlobalMaxPool", unaryFn([](const torch::Tensor &x) { return x.amax(spatialDims(x), true); }));
        simple("MatMul", binary([](const torch::Tensor &a, const torch::Tensor &b) { return torch::matmul(a, b); }));
        simple("Expand", expand());
        simple("Range", range());
        simple("Tile", [](const Tensors &in, bool) -> Tensors { return {in[0].repeat(toInts(in[1]))}; });
        simple("Size", [](const Tensors &in, bool) -> Tensors { return {torch::tensor(in[0].numel(), torch::kLong)}; });
        t["LeakyRelu"] = [](const OpNode &n) -> Kernel {
            const double alpha = n.attrFloat("alpha", 0.01);
            return [alpha](const Tensors &in, bool) -> Tensors { return {torch::leaky_relu(in[0], alpha)}; };
        };
        t["Elu"] = [](const OpNode &n) -> Kernel {
            const double alpha = n.attrFloat("alpha", 1.0);
            return [alpha](const Tensors &in, bool) -> Tensors {
                return {torch::where(in[0] > 0, in[0], alpha * (torch::exp(in[0]) - 1))};
            };
        };
        t["Selu"] = [](const OpNode &n) -> Kernel {
            const double alpha = n.attrFloat("alpha", 1.67326319217681884765625);
            const double gamma = n.attrFloat("gamma", 1.05070102214813232421875);
            return [alpha, gamma](const Tensors &in, bool) -> Tensors {
                return {gamma * torch::where(in[0] > 0, in[0], alpha * (torch::exp(in[0]) - 1))};
            };
        };
        t["HardSigmoid"] = [](const OpNode &n) -> Kernel {
            const double alpha = n.attrFloat("alpha", 0.2), beta = n.attrFloat("beta", 0.5);
            return [alpha, beta](const Tensors &in, bool) -> Tensors {
                return {torch::clamp(in[0] * alpha + beta, 0.0, 1.0)};
            };
        };
        t["Gelu"] = [](const OpNode &n) -> Kernel {
            const bool tanh = n.attrString("approximate", "none") == "tanh";
            return [tanh](const Tensors &in, bool) -> Tensors {
                const auto &x = in[0];
                if (tanh)
                    return {0.5 * x * (1 + torch::tanh(std::sqrt(2.0 / std::numbers::pi) * (x + 0.044715 * x.pow(3))))};
                return {0.5 * x * (1 + torch::erf(x / std::sqrt(2.0)))};
            };
        };
        t["Clip"] = clip;
        t["Softmax"] = [](const OpNode &n) { return softmax(n, false); };
        t["LogSoftmax"] = [](const OpNode &n) { return softmax(n, true); };
        t["Conv"] = conv;
        t["ConvTranspose"] = convTranspose;
        t["MaxPool"] = [](const OpNode &n) { return pool(n, true); };
        t["AveragePool"] = [](const OpNode &n) { return pool(n, false); };
        t["BatchNormalization"] = batchNorm;
        t["LayerNormalization"] = layerNorm;
        t["InstanceNormalization"] = instanceNorm;
        t["Gemm"] = gemm;
        t["Reshape"] = reshape;
        t["Flatten"] = flatten;
        t["Transpose"] = transpose;
        t["Squeeze"] = squeeze;
        t["Unsqueeze"] = unsqueeze;
        t["Concat"] = concat;
        t["Split"] = split;
        t["Slice"] = slice;
        t["Pad"] = pad;
        for (const char *r :
             {"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2"})
            t[r] = [r](const OpNode &n) { return reduce(n, r); };
        t["Gather"] = gather;
        t["Resize"] = resize;
        t["Upsample"] = upsample;
        t["DepthToSpace"] = [](const OpNode &n) { return depthToSpace(n, true); };
        t["SpaceToDepth"] = [](const OpNode &n) { return depthToSpace(n, false); };
        t["ConstantOfShape"] = constantOfShape;
        t["Constant"] = constant;
        t["Shape"] = shape;
        t["Dropout"] = dropout;
        t["Cast"] = [](const OpNode &n) -> Kernel {
            const auto type = castType(n.attrInt("to", 1), n);
            return [type](const Tensors &in, bool) -> Tensors { return {in[0].to(type)}; };
        };
        t["CastLike"] = [](const OpNode &) -> Kernel {
            return [](const Tensors &in, bool) -> Tensors {
                return {in[0].to(in[1].is_floating_point() ? torch::kFloat : in[1].scalar_type())};
            };
        };
        return t;
    }();
    return table;
}

bool isSettingInput(const std::string &op, int i)
{
    static const std::map<std::string, std::set<int>> settings{
        {"Reshape", {1}},        {"Squeeze", {1}},    {"Unsqueeze", {1}},       {"Split", {1}},
        {"Slice", {1, 2, 3, 4}}, {"Pad", {1, 2, 3}},  {"Resize", {1, 2, 3}},    {"Upsample", {1}},
        {"Clip", {1, 2}},        {"ReduceMean", {1}}, {"ReduceSum", {1}},       {"ReduceMax", {1}},
        {"ReduceMin", {1}},      {"ReduceProd", {1}}, {"ReduceL1", {1}},        {"ReduceL2", {1}},
        {"Tile", {1}},           {"Expand", {1}},     {"ConstantOfShape", {0}}, {"Range", {0, 1, 2}},
        {"Dropout", {1, 2}},     {"Gather", {1}}};
    const auto it = settings.find(op);
    return it != settings.end() && it->second.count(i) > 0;
}

bool isTrainableInput(const std::string &op, int i)
{
    if (op == "BatchNormalization")
        return i == 1 || i == 2; // scale and shift; the running statistics stay fixed
    if (op == "LayerNormalization" || op == "InstanceNormalization" || op == "PRelu")
        return i >= 1;
    if (op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "MatMul")
        return i >= 1;
    return op == "Add" || op == "Sub" || op == "Mul";
}

} // namespace ql::core::onnx
