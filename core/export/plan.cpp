#include "core/export/plan.h"

#include "core/common/error.h"
#include "core/quant/asq.h"
#include "core/quant/identity.h"
#include "core/quant/lsq.h"
#include "core/quant/multipoint.h"
#include "core/quant/pact.h"
#include "core/quant/pot.h"
#include "core/quant/range.h"

#include <torch/torch.h>

#include <set>

namespace ql::core::exporting {

namespace {

torch::Tensor cpu(const torch::Tensor &t) { return t.detach().to(torch::kCPU).clone(); }

float asFloat(const torch::Tensor &t) { return t.detach().to(torch::kCPU).to(torch::kFloat).item<float>(); }

void requireInitialized(const quant::QuantizerImpl &q, const std::string &layer, const char *what)
{
    if (!q.initialized())
        throw Error("Layer '" + layer + "': its " + what + " quantizer (" + q.spec().label() +
                        ") has no parameters yet, so there is nothing to export.",
                    "Run PTQ or QAT first (or open a saved session).");
}

ActPlan actPlan(const quant::Quantizer &q, const std::string &layer)
{
    ActPlan a;
    if (!q || dynamic_cast<const quant::IdentityQuantizerImpl *>(q.get()))
        return a;
    requireInitialized(*q, layer, "input");
    a.spec = q->spec();
    torch::NoGradGuard noGrad;
    if (const auto *lsq = dynamic_cast<const quant::LsqQuantizerImpl *>(q.get())) {
        a.kind = ActKind::Uniform;
        a.range = lsq->range();
        a.scale = asFloat(lsq->step);
        a.hasOffset = lsq->hasOffset();
        if (a.hasOffset)
            a.offset = asFloat(lsq->quantParameters().at("offset"));
    } else if (const auto *range = dynamic_cast<const quant::RangeQuantizerImpl *>(q.get())) {
        a.kind = ActKind::Uniform;
        a.range = range->range();
        a.scale = asFloat(range->step);
        // The unsigned range setters place the grid at the minimum: x_hat = s v + beta.
        a.hasOffset = a.range.lo >= 0;
        a.offset = a.hasOffset ? asFloat(range->offset) : 0.0;
    } else if (const auto *pact = dynamic_cast<const quant::PactQuantizerImpl *>(q.get())) {
        a.kind = ActKind::Uniform;
        a.pact = true;
        a.range = pact->codeRange();
        a.pactAlpha = asFloat(pact->alpha);
        a.scale = static_cast<float>(a.pactAlpha / static_cast<double>(a.range.hi));
    } else if (const auto *asq = dynamic_cast<const quant::AsqQuantizerImpl *>(q.get())) {
        a.kind = ActKind::Asq;
        a.range = asq->range();
        a.scale = asFloat(asq->step);
        const auto &ad = *asq->adapter;
        if (ad.hidden) {
            a.hiddenWeight = cpu(ad.hidden->weight).to(torch::kFloat);
            a.hiddenBias = cpu(ad.hidden->bias).to(torch::kFloat);
        }
        a.outWeight = cpu(ad.out->weight).to(torch::kFloat);
        a.outBias = cpu(ad.out->bias).to(torch::kFloat);
    } else if (const auto *lv = dynamic_cast<const quant::LevelQuantizerImpl *>(q.get())) {
        a.kind = ActKind::Levels;
        a.range = lv->codeRange();
        a.scale = asFloat(lv->alpha);
        const auto m = cpu(lv->magnitudes()).to(torch::kDouble).contiguous();
        a.magnitudes.assign(m.data_ptr<double>(), m.data_ptr<double>() + m.numel());
    } else {
        throw Error("Layer '" + layer + "': the input quantizer " + q->spec().label() +
                        " is not known to the exporter.",
                    "Export supports the quantizers of ql/types/methods.h.");
    }
    a.isSigned = a.range.lo < 0;
    return a;
}

WeightPlan weightPlan(models::QuantLayerImpl &l, bool quantized)
{
    WeightPlan w;
    torch::NoGradGuard noGrad;
    const auto &q = l.weightQuantizer();
    if (!quantized || !q || dynamic_cast<const quant::IdentityQuantizerImpl *>(q.get())) {
        w.dequantized = cpu(l.weight).to(torch::kFloat);
        return w;
    }
    requireInitialized(*q, l.layerName(), "weight");
    w.spec = q->spec();
    w.dequantized = cpu(q->forward(l.weight)).to(torch::kFloat);
    const int64_t channels = l.weight.size(0);
    auto perChannel = [channels](const torch::Tensor &p) {
        const auto d = cpu(p).to(torch::kDouble);
        return d.dim() == 0 ? d.expand({channels}).clone() : d.reshape({channels});
    };
    if (const auto *lsq = dynamic_cast<const quant::LsqQuantizerImpl *>(q.get())) {
        w.kind = WeightKind::Uniform;
        w.range = lsq->range();
        w.perChannel = lsq->step.dim() > 0;
        w.scale = perChannel(lsq->step);
        w.codes = cpu(q->integerCodes(l.weight));
    } else if (const auto *range = dynamic_cast<const quant::RangeQuantizerImpl *>(q.get())) {
        w.kind = WeightKind::Uniform;
        w.range = range->range();
        w.perChannel = range->step.dim() > 0;
        w.scale = perChannel(range->step);
        w.codes = cpu(q->integerCodes(l.weight));
    } else if (const auto *mp = dynamic_cast<const quant::MultipointQuantizerImpl *>(q.get())) {
        w.kind = WeightKind::Multipoint;
        w.range = mp->codeRange();
        w.perChannel = true;
        const auto &res = mp->result();
        int maxPoints = 1;
        for (int p : res.points)
            maxPoints = std::max(maxPoints, p);
        w.points = res.points;
        w.pointScales = torch::zeros({channels, maxPoints}, torch::kDouble);
        const auto shape = l.weight.sizes().vec();
        for (int i = 0; i < maxPoints; ++i) {
            auto codes = torch::zeros({channels, l.weight[0].numel()}, torch::kLong);
            for (int64_t c = 0; c < channels; ++c) {
                const auto &ch = res.channels[static_cast<size_t>(c)];
                if (static_cast<size_t>(i) < ch.scales.size()) {
                    codes[c].copy_(ch.codes[static_cast<size_t>(i)].to(torch::kCPU));
                    w.pointScales[c][i] = ch.scales[static_cast<size_t>(i)];
                }
            }
            w.pointCodes.push_back(codes.reshape(shape));
        }
        w.codes = w.pointCodes.front();
        w.scale = w.pointScales.select(1, 0).clone();
    } else if (const auto *lv = dynamic_cast<const quant::LevelQuantizerImpl *>(q.get())) {
        w.kind = WeightKind::Levels;
        w.range = lv->codeRange();
        w.perChannel = lv->alpha.dim() > 0;
        w.alpha = perChannel(lv->alpha);
        w.magnitudes = cpu(lv->magnitudes()).to(torch::kDouble);
        w.codes = cpu(q->integerCodes(l.weight));
    } else {
        throw Error("Layer '" + l.layerName() + "': the weight quantizer " + q->spec().label() +
                        " is not known to the exporter.",
                    "Export supports the quantizers of ql/types/methods.h.");
    }
    return w;
}

std::string bitsText(int bits, bool isSigned) { return std::string(isSigned ? "int" : "uint") + std::to_string(bits); }

void describeLayer(LayerPlan &p)
{
    const auto &w = p.weight;
    switch (w.kind) {
    case WeightKind::None: p.weightText = "fp32"; break;
    case WeightKind::Uniform:
        p.weightText = bitsText(w.spec.bits, true) + (w.perChannel ? " per-channel" : " per-tensor") + " codes";
        break;
    case WeightKind::Multipoint: {
        int total = 0;
        for (int n : w.points)
            total += n;
        p.weightText = "multipoint " + bitsText(w.spec.bits, true) + ", " + std::to_string(w.pointCodes.size()) +
                       " integer convolutions summed (" + std::to_string(total) + " points on " +
                       std::to_string(w.points.size()) + " channels)";
        break;
    }
    case WeightKind::Levels:
        p.weightText = types::methodInfo(w.spec.method).label + std::string(" ") + std::to_string(w.spec.bits) +
                       "b levels as exact float values (codes and levels in a sidecar)";
        break;
    }
    const auto &a = p.act;
    switch (a.kind) {
    case ActKind::None: p.actText = "fp32"; break;
    case ActKind::Uniform:
        p.actText = bitsText(a.spec.bits, a.isSigned) + " codes " + std::to_string(a.range.lo) + ".." +
                    std::to_string(a.range.hi) + (a.hasOffset && a.offset != 0.0 ? ", offset" : "") +
                    (a.pact ? " (PACT)" : "");
        break;
    case ActKind::Asq: p.actText = "ASQ per-sample step: adapter and rounding as float operations"; break;
    case ActKind::Levels: p.actText = "APoT levels as float operations"; break;
    }
    const bool floatOnly = a.kind == ActKind::Asq || a.kind == ActKind::Levels || p.weight.kind == WeightKind::Levels;
    if (floatOnly)
        p.deployability = types::Deployability::FloatEmulation;
    else if (a.kind == ActKind::None && w.kind == WeightKind::None)
        p.deployability = types::Deployability::Fp32;
    else
        p.deployability = types::Deployability::Integer;
}

} // namespace

int64_t LayerPlan::outChannels() const { return layer->weight.size(0); }

const LayerPlan &ExportPlan::of(const models::QuantLayerImpl *l) const
{
    for (const auto &p : layers)
        if (p.layer == l)
            return p;
    throw Error("Export: layer '" + (l ? l->layerName() : std::string("?")) + "' is not in the plan.");
}

std::vector<types::LayerDeployment> ExportPlan::deployments() const
{
    std::vector<types::LayerDeployment> out;
    for (const auto &p : layers) {
        types::LayerDeployment d;
        d.layer = p.name;
        d.deployability = p.deployability;
        d.weight = p.weightText;
        d.activation = p.actText;
        out.push_back(std::move(d));
    }
    return out;
}

std::string describe(const quant::QuantSpec &spec) { return spec.label(); }

void cannotExpress(const std::string &format, const std::string &layer, const std::string &what,
                   const std::string &hint)
{
    throw Error("The " + format + " format cannot express layer '" + layer + "': " + what + ". Nothing was written.",
                hint);
}

ExportPlan makePlan(models::QuantModelImpl &model)
{
    ExportPlan plan;
    plan.arch = model.archName();
    plan.graph = models::recordGraph(model);
    plan.inputShape = model.defaultInputShape();
    plan.numClasses = model.numClasses();
    plan.graphOpset = model.graphOpset();
    std::set<const models::QuantLayerImpl *> seen;
    for (const auto &node : plan.graph.nodes) {
        if (!node.isLayer())
            continue;
        if (!seen.insert(node.layer).second)
            throw Error("Model '" + plan.arch + "': layer '" + node.layer->layerName() +
                            "' appears twice in its graph; export writes each layer once.",
                        "Shared layers are not supported by the exporters.");
        LayerPlan p;
        p.layer = node.layer;
        p.name = node.layer->layerName();
        p.kind = node.layer->kind();
        if (p.kind == models::LayerKind::Conv2d)
            p.conv = static_cast<const models::QuantConv2dImpl *>(node.layer)->options();
        if (p.kind == models::LayerKind::ConvTranspose2d)
            p.deconv = static_cast<const models::QuantConvTranspose2dImpl *>(node.layer)->options();
        p.quantized = node.layer->mode() == models::LayerMode::FakeQuant;
        p.act = actPlan(p.quantized ? node.layer->inputQuantizer() : nullptr, p.name);
        p.weight = weightPlan(*node.layer, p.quantized);
        torch::NoGradGuard noGrad;
        if (node.layer->bias.defined())
            p.bias = cpu(node.layer->bias).to(torch::kFloat);
        const int64_t channels = p.outChannels();
        const auto b = p.bias.defined() ? p.bias.to(torch::kDouble) : torch::zeros({channels}, torch::kDouble);
        if (node.bn) {
            p.bn = node.bn;
            const auto mean = cpu(node.bn->running_mean).to(torch::kDouble);
            const auto var = cpu(node.bn->running_var).to(torch::kDouble);
            const auto gamma = cpu(node.bn->weight).to(torch::kDouble);
            const auto beta = cpu(node.bn->bias).to(torch::kDouble);
            p.bnScale = gamma / torch::sqrt(var + node.bn->eps());
            p.foldedBias = (b - mean) * p.bnScale + beta;
        } else {
            p.foldedBias = b;
        }
        describeLayer(p);
        plan.layers.push_back(std::move(p));
    }
    return plan;
}

} // namespace ql::core::exporting
