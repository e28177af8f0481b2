#include "core/export/verify.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ql::core::exporting {

void Agreement::add(const torch::Tensor &quantlens, const torch::Tensor &runtime)
{
    if (quantlens.numel() != runtime.numel())
        throw Error("Verification: tensor '" + tensor + "' has " + std::to_string(runtime.numel()) +
                    " codes in the runtime and " + std::to_string(quantlens.numel()) + " in QuantLens.");
    // Float-emulated codes come back as floats holding integers.
    const auto rt = runtime.to(torch::kCPU).to(torch::kDouble).round().to(torch::kLong).reshape({-1});
    const auto diff = (quantlens.to(torch::kCPU).to(torch::kLong).reshape({-1}) - rt).abs();
    count += diff.numel();
    exact += (diff == 0).sum().item<int64_t>();
    offByOne += (diff == 1).sum().item<int64_t>();
    offMore += (diff > 1).sum().item<int64_t>();
    if (diff.numel() > 0)
        maxDiff = std::max(maxDiff, diff.max().item<int64_t>());
}

types::TensorAgreement Agreement::result() const
{
    types::TensorAgreement r;
    r.tensor = tensor;
    r.layer = layer;
    r.bits = bits;
    r.count = count;
    const double n = count > 0 ? double(count) : 1.0;
    r.exact = double(exact) / n;
    r.offByOne = double(offByOne) / n;
    r.offMore = double(offMore) / n;
    r.maxDiff = maxDiff;
    return r;
}

void LogitAgreement::add(const torch::Tensor &quantlens, const torch::Tensor &runtime, const torch::Tensor &labels)
{
    const auto q = quantlens.to(torch::kCPU).to(torch::kFloat);
    const auto r = runtime.to(torch::kCPU).to(torch::kFloat).reshape(q.sizes());
    const auto l = labels.to(torch::kCPU).to(torch::kLong);
    maxAbs = std::max(maxAbs, (q - r).abs().max().item<double>());
    maxRef = std::max(maxRef, q.abs().max().item<double>());
    const auto pq = q.argmax(1), pr = r.argmax(1);
    images += q.size(0);
    sameTop1 += (pq == pr).sum().item<int64_t>();
    correctQuantLens += (pq == l).sum().item<int64_t>();
    correctRuntime += (pr == l).sum().item<int64_t>();
}

void LogitAgreement::fill(types::RuntimeCheck &check) const
{
    const double n = images > 0 ? double(images) : 1.0;
    check.images = images;
    check.logitsMaxAbs = maxAbs;
    check.logitsMaxRel = maxRef > 0 ? maxAbs / maxRef : maxAbs;
    check.top1Agreement = double(sameTop1) / n;
    check.accuracyQuantLens = double(correctQuantLens) / n;
    check.accuracyRuntime = double(correctRuntime) / n;
}

QuantLensRun runQuantLens(models::QuantModelImpl &model, const torch::Tensor &images, bool withCodes)
{
    QuantLensRun out;
    const models::ModeGuard modes(model);
    model.eval();
    torch::NoGradGuard noGrad;
    const auto layers = model.quantLayers();
    if (withCodes)
        for (const auto &l : layers)
            if (l->mode() == models::LayerMode::FakeQuant && l->inputQuantizer())
                l->setForwardObserver(
                    [&out](const models::QuantLayerImpl &layer, const torch::Tensor &x, const torch::Tensor &) {
                        out.codes[layer.layerName()] = layer.inputQuantizer()->integerCodes(x).to(torch::kCPU);
                    });
    const auto device = model.parameters().empty() ? torch::Device(torch::kCPU) : model.parameters().front().device();
    try {
        out.logits = model.forward(images.to(device)).to(torch::kCPU);
    } catch (...) {
        for (const auto &l : layers)
            l->setForwardObserver(nullptr);
        throw;
    }
    for (const auto &l : layers)
        l->setForwardObserver(nullptr);
    return out;
}

namespace {
std::string pct(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f %%", 100 * v);
    return buf;
}
} // namespace

void judgeAgainstTargets(types::RuntimeCheck &check, bool targetsApply)
{
    std::stable_sort(check.tensors.begin(), check.tensors.end(),
                     [](const auto &a, const auto &b) { return a.exact < b.exact; });
    check.targetsApply = targetsApply;
    bool ok = check.top1Agreement >= kTargetTop1Agreement &&
              std::abs(check.accuracyRuntime - check.accuracyQuantLens) * 100 <= kTargetAccuracyPoints + 1e-12;
    std::string worst;
    for (const auto &t : check.tensors) {
        if (t.exact < kTargetExactShare || t.maxDiff > kTargetMaxLsb)
            ok = false;
    }
    if (!check.tensors.empty())
        worst = "; worst tensor " + check.tensors.front().tensor + " " + pct(check.tensors.front().exact) +
                " exact, max " + std::to_string(check.tensors.front().maxDiff) + " LSB";
    check.passed = targetsApply && ok;
    const std::string measured = "top-1 agreement " + pct(check.top1Agreement) + ", accuracy " +
                                 pct(check.accuracyRuntime) + " vs QuantLens " + pct(check.accuracyQuantLens) + worst;
    if (!targetsApply)
        check.verdict = "informational (" + measured + ")";
    else
        check.verdict = std::string(ok ? "meets" : "MISSES") +
                        " the targets (codes >= 99.9 % exact and <= 1 LSB per tensor, top-1 >= 99.9 %, accuracy within "
                        "0.05 points): " +
                        measured;
}

void judgeTorchScript(types::RuntimeCheck &check)
{
    check.targetsApply = true;
    const bool ok =
        check.logitsMaxRel <= kTargetTorchScriptRelative && check.accuracyRuntime == check.accuracyQuantLens;
    check.passed = ok;
    char buf[160];
    std::snprintf(buf, sizeof buf, "logits max relative difference %.3g (target 1e-5), accuracy %s vs QuantLens %s",
                  check.logitsMaxRel, pct(check.accuracyRuntime).c_str(), pct(check.accuracyQuantLens).c_str());
    check.verdict = std::string(ok ? "meets the targets: " : "MISSES the targets: ") + buf;
}

} // namespace ql::core::exporting
