#include "core/export/torchscript.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

namespace ql::core::exporting {

namespace {

constexpr const char *kTorchScriptFormat = "TorchScript";

/// A double as a TorchScript float literal that reads back to the same double.
std::string lit(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    std::string s(buf);
    if (s.find_first_of(".eEn") == std::string::npos)
        s += ".0";
    return s;
}

std::string ints(const std::vector<int64_t> &v)
{
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

std::string identifier(const std::string &name)
{
    std::string out = "q_";
    for (char c : name)
        out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
}

class Writer {
public:
    explicit Writer(const ExportPlan &plan) : m_plan(plan)
    {
        for (const auto &n : plan.graph.nodes)
            for (const auto &in : n.inputs)
                ++m_uses[in];
    }

    TorchScriptSource run()
    {
        m_vars[m_plan.graph.input] = "x";
        for (const auto &n : m_plan.graph.nodes) {
            if (n.isLayer())
                layer(n, m_plan.of(n.layer));
            else
                op(n);
        }
        TorchScriptSource out;
        out.code = "def forward(self, x):\n" + m_body.str() + "    return " + var(m_plan.graph.output) + "\n";
        out.buffers = std::move(m_buffers);
        return out;
    }

private:
    std::string var(const std::string &value) const
    {
        const auto it = m_vars.find(value);
        if (it == m_vars.end())
            throw Error("TorchScript export: value '" + value + "' is used before it is computed.");
        return it->second;
    }

    std::string assign(const std::string &value, const std::string &expr)
    {
        const std::string name = "v" + std::to_string(m_next++);
        m_body << "    " << name << " = " << expr << "\n";
        m_vars[value] = name;
        return name;
    }

    std::string temp(const std::string &expr)
    {
        const std::string name = "t" + std::to_string(m_next++);
        m_body << "    " << name << " = " << expr << "\n";
        return name;
    }

    std::string buffer(const std::string &name, const torch::Tensor &t)
    {
        const std::string id = identifier(name);
        m_buffers.emplace_back(id, t.detach().to(torch::kCPU).contiguous().clone());
        return "self." + id;
    }

    const torch::Tensor &constantOf(const models::GraphNode &n, size_t input) const
    {
        if (input >= n.inputs.size() || !m_plan.graph.constants.count(n.inputs[input]))
            cannotExpress(kTorchScriptFormat, n.name, n.type + " with a computed input " + std::to_string(input),
                          "Its bounds, pads and slice arguments must be constants.");
        return m_plan.graph.constants.at(n.inputs[input]);
    }

    std::vector<int64_t> intsOf(const models::GraphNode &n, size_t input) const
    {
        const auto t = constantOf(n, input).to(torch::kLong).contiguous();
        return {t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel()};
    }

    std::vector<int64_t> attrInts(const models::GraphNode &n, const std::string &name, std::vector<int64_t> dflt) const
    {
        const auto *a = n.attribute(name);
        return a ? a->ints() : dflt;
    }

    bool isSiluSigmoid(const models::GraphNode &sigmoid) const
    {
        // x * Sigmoid(x) is what QuantLens computes as torch::silu.
        if (sigmoid.type != "Sigmoid" || m_uses.at(sigmoid.outputs.front()) != 1)
            return false;
        for (const auto &n : m_plan.graph.nodes)
            if (n.type == "Mul" && n.inputs.size() == 2 && n.inputs[1] == sigmoid.outputs.front() &&
                n.inputs[0] == sigmoid.inputs.front())
                return true;
        return false;
    }

    void op(const models::GraphNode &n)
    {
        const auto &t = n.type;
        const std::string out = n.outputs.front();
        auto in = [&](size_t i) { return var(n.inputs.at(i)); };
        if (t == "Relu") {
            assign(out, "torch.relu(" + in(0) + ")");
        } else if (t == "Sigmoid") {
            if (isSiluSigmoid(n))
                return; // folded into the Mul below
            assign(out, "torch.sigmoid(" + in(0) + ")");
        } else if (t == "Mul") {
            const auto *p = m_plan.graph.producer(n.inputs[1]);
            if (p && isSiluSigmoid(*p) && p->inputs.front() == n.inputs[0])
                assign(out, "torch.silu(" + in(0) + ")");
            else
                assign(out, in(0) + " * " + in(1));
        } else if (t == "Add") {
            assign(out, in(0) + " + " + in(1));
        } else if (t == "Sub") {
            assign(out, in(0) + " - " + in(1));
        } else if (t == "Clip") {
            const double lo = n.inputs.size() > 1 ? constantOf(n, 1).item<double>() : -1e300;
            const double hi = n.inputs.size() > 2 ? constantOf(n, 2).item<double>() : 1e300;
            assign(out, "torch.clamp(" + in(0) + ", " + lit(lo) + ", " + lit(hi) + ")");
        } else if (t == "MaxPool") {
            const auto k = attrInts(n, "kernel_shape", {});
            const auto s = attrInts(n, "strides", std::vector<int64_t>(k.size(), 1));
            const auto p = attrInts(n, "pads", std::vector<int64_t>(2 * k.size(), 0));
            const auto d = attrInts(n, "dilations", std::vector<int64_t>(k.size(), 1));
            const auto *ceil = n.attribute("ceil_mode");
            if (k.size() != 2 || p.size() != 4 || p[0] != p[2] || p[1] != p[3])
                cannotExpress(kTorchScriptFormat, n.name, "MaxPool with asymmetric padding or not 2-D", "");
            assign(out, "torch.max_pool2d(" + in(0) + ", " + ints(k) + ", " + ints(s) + ", " + ints({p[0], p[1]}) +
                            ", " + ints(d) + ", " + ((ceil && ceil->i()) ? "True" : "False") + ")");
        } else if (t == "GlobalAveragePool") {
            assign(out, "torch.adaptive_avg_pool2d(" + in(0) + ", [1, 1])");
        } else if (t == "Flatten") {
            const auto *a = n.attribute("axis");
            if (a && a->i() != 1)
                cannotExpress(kTorchScriptFormat, n.name, "Flatten with axis " + std::to_string(a->i()), "");
            assign(out, "torch.flatten(" + in(0) + ", 1)");
        } else if (t == "Slice") {
            const auto starts = intsOf(n, 1), ends = intsOf(n, 2);
            const auto axes = n.inputs.size() > 3 ? intsOf(n, 3) : std::vector<int64_t>{};
            const auto steps = n.inputs.size() > 4 ? intsOf(n, 4) : std::vector<int64_t>(starts.size(), 1);
            std::vector<std::string> idx(4, ":");
            for (size_t i = 0; i < starts.size(); ++i) {
                const int64_t axis = axes.empty() ? static_cast<int64_t>(i) : axes[i];
                if (axis < 0 || axis >= 4)
                    cannotExpress(kTorchScriptFormat, n.name, "Slice along axis " + std::to_string(axis), "");
                const bool open = ends[i] >= (int64_t{1} << 40);
                idx[static_cast<size_t>(axis)] = std::to_string(starts[i]) + ":" +
                                                 (open ? std::string() : std::to_string(ends[i])) + ":" +
                                                 std::to_string(steps[i]);
            }
            assign(out, in(0) + "[" + idx[0] + ", " + idx[1] + ", " + idx[2] + ", " + idx[3] + "]");
        } else if (t == "Pad") {
            const auto pads = intsOf(n, 1);
            const auto *mode = n.attribute("mode");
            if ((mode && std::get<std::string>(mode->value) != "constant") || pads.size() % 2 != 0 ||
                n.inputs.size() > 2)
                cannotExpress(kTorchScriptFormat, n.name, "Pad other than with zeros", "");
            const size_t rank = pads.size() / 2;
            std::vector<int64_t> torchPads; // last dimension first: (begin, end) pairs
            for (size_t i = rank; i-- > 0;) {
                torchPads.push_back(pads[i]);
                torchPads.push_back(pads[i + rank]);
            }
            assign(out, "torch.constant_pad_nd(" + in(0) + ", " + ints(torchPads) + ", 0.0)");
        } else {
            cannotExpress(kTorchScriptFormat, n.name, "operator " + t + " has no TorchScript lowering here",
                          "Export this model as ONNX instead.");
        }
    }

    std::string activation(const LayerPlan &p, const std::string &x)
    {
        const auto &a = p.act;
        const std::string id = p.name + ".input";
        switch (a.kind) {
        case ActKind::None: return x;
        case ActKind::Uniform: {
            if (a.pact) {
                const std::string alpha = buffer(id + ".alpha", torch::tensor(float(a.pactAlpha)));
                const std::string k = lit(double(a.range.hi));
                return temp("torch.round(torch.minimum(torch.clamp_min(" + x + ", 0.0), " + alpha + ".expand_as(" + x +
                            ")) * " + k + " / " + alpha + ") * " + alpha + " / " + k);
            }
            const std::string s = buffer(id + ".step", torch::tensor(float(a.scale)));
            std::string shifted = x;
            std::string beta;
            if (a.hasOffset) {
                beta = buffer(id + ".offset", torch::tensor(float(a.offset)));
                shifted = temp(x + " - " + beta);
            }
            const std::string q = temp("torch.round(torch.clamp(" + shifted + " / " + s + ", " +
                                       lit(double(a.range.lo)) + ", " + lit(double(a.range.hi)) + "))");
            return temp(q + " * " + s + (a.hasOffset ? " + " + beta : std::string()));
        }
        case ActKind::Asq: {
            // The adapter's input: each channel averaged over its positions (a linear layer's
            // flattened map is reshaped to its channels first).
            const int64_t channels = a.adapterInputs();
            std::string h = x;
            if (p.kind != models::LayerKind::Linear)
                h = temp(x + ".flatten(2).mean(2)");
            else if (channels != p.layer->inChannels())
                h = temp(x + ".reshape([" + x + ".size(0), " + std::to_string(channels) + ", -1]).mean(2)");
            if (a.hiddenWeight.defined())
                h = temp("torch.relu(torch.linear(" + h + ", " + buffer(id + ".adapter.hidden.weight", a.hiddenWeight) +
                         ", " + buffer(id + ".adapter.hidden.bias", a.hiddenBias) + "))");
            const std::string beta =
                temp("torch.relu(torch.linear(" + h + ", " + buffer(id + ".adapter.out.weight", a.outWeight) + ", " +
                     buffer(id + ".adapter.out.bias", a.outBias) + ")).clamp_min(1e-08).squeeze(1)");
            const std::string step = buffer(id + ".step", torch::tensor(float(a.scale)));
            const std::string view = p.kind != models::LayerKind::Linear ? "[-1, 1, 1, 1]" : "[-1, 1]";
            const std::string sa = temp("(" + step + " * " + beta + ").view(" + view + ")");
            return temp("torch.round(torch.clamp(" + x + " / " + sa + ", " + lit(double(a.range.lo)) + ", " +
                        lit(double(a.range.hi)) + ")) * " + sa);
        }
        case ActKind::Levels: {
            std::vector<float> mags(a.magnitudes.begin(), a.magnitudes.end());
            const std::string m = buffer(id + ".magnitudes", torch::tensor(mags));
            const std::string alpha = buffer(id + ".alpha", torch::tensor(float(a.scale)));
            const std::string c =
                temp("torch.clamp(" + x + " / " + alpha + ", " + (a.isSigned ? "-1.0" : "0.0") + ", 1.0)");
            const std::string mids = temp("(" + m + "[:-1] + " + m + "[1:]) * 0.5");
            const std::string idx =
                temp("torch.bucketize(" + c + ".abs().contiguous(), " + mids + ", out_int32=False, right=False)");
            return temp("torch.sign(" + c + ") * " + m + "[" + idx + "] * " + alpha);
        }
        }
        return x;
    }

    std::string weight(const LayerPlan &p)
    {
        const auto &w = p.weight;
        const std::string id = p.name + ".weight";
        std::vector<int64_t> view(static_cast<size_t>(w.dequantized.dim()), 1);
        view[0] = p.outChannels();
        switch (w.kind) {
        case WeightKind::None: return buffer(id, w.dequantized);
        case WeightKind::Uniform: {
            const auto codes = w.codes.to(w.spec.bits <= 8 ? torch::kChar : torch::kShort);
            const auto step = w.perChannel ? w.scale.to(torch::kFloat).view(view) : w.scale[0].to(torch::kFloat);
            return temp(buffer(id + ".codes", codes) + ".float() * " + buffer(id + ".step", step));
        }
        case WeightKind::Multipoint: {
            std::string sum;
            for (size_t i = 0; i < w.pointCodes.size(); ++i) {
                const std::string pid = id + ".point" + std::to_string(i);
                const auto a = w.pointScales.select(1, static_cast<int64_t>(i)).view(view);
                const std::string term =
                    buffer(pid + ".codes", w.pointCodes[i].to(w.spec.bits <= 8 ? torch::kChar : torch::kShort)) +
                    ".double() * " + buffer(pid + ".scale", a);
                sum += (i ? " + " : "") + term;
            }
            return temp("(" + sum + ").float()");
        }
        case WeightKind::Levels:
            // Non-uniform levels run as float anyway: the exact values QuantLens uses, as the ONNX
            // export writes them (the codes and levels are in the packed and ONNX sidecars).
            return buffer(id, w.dequantized);
        }
        return {};
    }

    void layer(const models::GraphNode &n, const LayerPlan &p)
    {
        const std::string a = activation(p, var(n.inputs.front()));
        const std::string w = weight(p);
        const std::string bias = p.bias.defined() ? buffer(p.name + ".bias", p.bias) : "None";
        std::string y;
        if (p.kind == models::LayerKind::Linear) {
            y = temp("torch.linear(" + a + ", " + w + ", " + bias + ")");
        } else {
            const auto &o = p.conv;
            y = temp("torch.conv2d(" + a + ", " + w + ", " + bias + ", " + ints({o.stride, o.stride}) + ", " +
                     ints({o.padding, o.padding}) + ", " + ints({o.dilation, o.dilation}) + ", " +
                     std::to_string(o.groups) + ")");
        }
        if (p.bn) {
            const auto &bn = *p.bn;
            const std::string id = p.name + ".bn";
            y = temp("torch.batch_norm(" + y + ", " + buffer(id + ".weight", bn.weight) + ", " +
                     buffer(id + ".bias", bn.bias) + ", " + buffer(id + ".running_mean", bn.running_mean) + ", " +
                     buffer(id + ".running_var", bn.running_var) + ", False, " + lit(bn.momentum()) + ", " +
                     lit(bn.eps()) + ", True)");
        }
        m_vars[n.outputs.front()] = y;
    }

    const ExportPlan &m_plan;
    std::map<std::string, int> m_uses;
    std::map<std::string, std::string> m_vars;
    std::vector<std::pair<std::string, torch::Tensor>> m_buffers;
    std::ostringstream m_body;
    int m_next = 0;
};

} // namespace

TorchScriptSource torchScriptSource(const ExportPlan &plan) { return Writer(plan).run(); }

void writeTorchScript(const TorchScriptSource &source, const std::filesystem::path &path,
                      const std::map<std::string, std::string> &extraFiles)
{
    torch::jit::Module module(c10::QualifiedName("__torch__.QuantLensModel"));
    try {
        for (const auto &[name, t] : source.buffers)
            module.register_buffer(name, t);
        module.define(source.code);
    } catch (const std::exception &e) {
        throw Error("TorchScript export: the generated module does not compile: " + std::string(e.what()),
                    "This is a bug in QuantLens's TorchScript writer; please report it with the model.");
    }
    module.eval();
    torch::jit::ExtraFilesMap extra(extraFiles.begin(), extraFiles.end());
    writeAtomically(path, [&](const std::filesystem::path &tmp) {
        try {
            module.save(tmp.string(), extra);
        } catch (const std::exception &e) {
            throw Error("Cannot write TorchScript archive '" + path.string() + "': " + std::string(e.what()));
        }
    });
}

} // namespace ql::core::exporting
