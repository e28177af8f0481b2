#include "core/quant/validate.h"

#include <cmath>
#include <sstream>

namespace ql::core::quant::detail {

void checkFinite(const std::string &who, const torch::Tensor &x, const std::string &what)
{
    if (!x.defined())
        throw Error(who + ": " + what + " is an undefined tensor.", "Pass a tensor with values.");
    if (!x.is_floating_point())
        return;
    const torch::Tensor bad = torch::logical_not(torch::isfinite(x.detach()));
    const int64_t count = bad.sum().item<int64_t>();
    if (count == 0)
        return;
    const torch::Tensor first = x.detach().flatten().index({bad.flatten()}).slice(0, 0, 1).to(torch::kDouble);
    std::ostringstream msg;
    msg << who << ": " << what << " holds " << count << " non-finite value(s), the first is " << first.item<double>()
        << ".";
    throw Error(msg.str(), "Check the model's inputs and layers for overflow or missing data before calibrating.");
}

void checkCalibration(const std::string &who, const std::vector<torch::Tensor> &calibration)
{
    if (calibration.empty())
        throw Error(who + ": the calibration set is empty.", "Give at least one batch of calibration data.");
    for (size_t i = 0; i < calibration.size(); ++i) {
        const torch::Tensor &t = calibration[i];
        const std::string what = "calibration tensor " + std::to_string(i);
        if (!t.defined() || t.numel() == 0)
            throw Error(who + ": " + what + " is empty.", "Give calibration tensors with at least one value.");
        checkFinite(who, t, what);
    }
}

void checkPositive(const std::string &who, const torch::Tensor &step, const std::string &what)
{
    checkFinite(who, step, what);
    const torch::Tensor bad = step.detach() <= 0;
    if (bad.any().item<bool>()) {
        const double first = step.detach().flatten().index({bad.flatten()})[0].item<double>();
        std::ostringstream msg;
        msg << who << ": " << what << " must be positive, got " << first << ".";
        throw Error(msg.str(), "Initialise the quantizer from data with a non-zero range, or set a positive value.");
    }
}

void checkBits(const QuantSpec &spec)
{
    if (spec.method == Method::None)
        return;
    const auto [lo, hi] = bitRange(spec.method, spec.isSigned);
    if (spec.bits < lo || spec.bits > hi) {
        std::ostringstream msg;
        msg << methodName(spec.method) << ": bits = " << spec.bits << " is out of range " << lo << ".." << hi
            << (spec.isSigned ? " (signed)" : " (unsigned)") << ".";
        throw Error(msg.str(), "Choose a bit-width between " + std::to_string(lo) + " and " + std::to_string(hi) + ".");
    }
}

torch::Tensor flatCalibration(const std::vector<torch::Tensor> &calibration)
{
    std::vector<torch::Tensor> flat;
    flat.reserve(calibration.size());
    for (const auto &t : calibration)
        flat.push_back(t.detach().flatten());
    return torch::cat(flat);
}

torch::Tensor evenSample(const torch::Tensor &flat, int64_t maxValues)
{
    if (flat.numel() <= maxValues)
        return flat;
    const int64_t stride = (flat.numel() + maxValues - 1) / maxValues;
    return flat.slice(0, 0, flat.numel(), stride);
}

torch::Tensor initSample(const torch::Tensor &x, bool perChannel)
{
    const torch::Tensor d = x.detach();
    return perChannel ? d : evenSample(d.flatten(), kSearchSampleSize);
}

double gradScaleCount(GradScale kind, const torch::Tensor &x, bool batched)
{
    switch (kind) {
    case GradScale::None: return 1.0;
    case GradScale::PerTensor:
        if (batched && x.dim() > 1)
            return static_cast<double>(x.numel() / std::max<int64_t>(1, x.size(0)));
        return static_cast<double>(x.numel());
    case GradScale::PerChannel:
        return x.dim() > 0 ? static_cast<double>(x.numel() / std::max<int64_t>(1, x.size(0)))
                           : static_cast<double>(x.numel());
    case GradScale::Auto:
        throw Error("The gradient scale 'auto' reached gradScaleCount unresolved.",
                    "Pass types::effectiveGradScale(spec), which resolves it by the spec's granularity.");
    }
    return 1.0;
}

double gradScaleFactor(GradScale kind, const torch::Tensor &x, bool batched, double p)
{
    if (kind == GradScale::None || p <= 0)
        return 1.0;
    return 1.0 / std::sqrt(std::max(1.0, gradScaleCount(kind, x, batched)) * p);
}

torch::Tensor channelView(const torch::Tensor &param, const torch::Tensor &x)
{
    if (param.dim() == 0)
        return param;
    std::vector<int64_t> shape(static_cast<size_t>(std::max<int64_t>(1, x.dim())), 1);
    shape[0] = param.size(0);
    return param.view(shape);
}

std::pair<torch::Tensor, torch::Tensor> mseClipRange(const torch::Tensor &rows, double steps)
{
    // The search runs in float: the error of a candidate range needs no more.
    const torch::Tensor x = rows.detach().to(torch::kFloat);
    const torch::Tensor mn = x.amin(1);
    const torch::Tensor mx = x.amax(1);
    const torch::Tensor z = torch::clamp(torch::zeros_like(mn), mn, mx);
    auto error = [&](const torch::Tensor &a, const torch::Tensor &c) {
        const torch::Tensor lo = z + a * (mn - z);
        const torch::Tensor hi = z + c * (mx - z);
        const torch::Tensor st = ((hi - lo) / steps).clamp_min(1e-30).unsqueeze(1);
        const torch::Tensor l = lo.unsqueeze(1);
        const torch::Tensor q = torch::round(torch::clamp((x - l) / st, 0.0, steps)) * st + l;
        return (q - x).pow(2).sum(1);
    };
    const torch::Tensor ones = torch::ones_like(mn);
    torch::Tensor bestA = ones.clone();
    torch::Tensor bestC = ones.clone();
    torch::Tensor bestErr = error(bestA, bestC);
    auto consider = [&](const torch::Tensor &a, const torch::Tensor &c) {
        const torch::Tensor err = error(a, c);
        const torch::Tensor better = err < bestErr;
        bestErr = torch::where(better, err, bestErr);
        bestA = torch::where(better, a, bestA);
        bestC = torch::where(better, c, bestC);
    };
    constexpr int coarse = 20;
    for (int ia = 1; ia <= coarse; ++ia)
        for (int ic = 1; ic <= coarse; ++ic)
            consider(ones * (double(ia) / coarse), ones * (double(ic) / coarse));
    // Local refinement: a 5 x 5 grid around each row's best point, its spacing halved each round.
    // It stops after two rounds in a row that lower no row's error by 0.1 %.
    double spacing = 1.0 / coarse;
    for (int round = 0, quiet = 0; round < 16 && quiet < 2; ++round) {
        spacing /= 2;
        const torch::Tensor before = bestErr.clone();
        const torch::Tensor a0 = bestA.clone();
        const torch::Tensor c0 = bestC.clone();
        for (int i = -2; i <= 2; ++i)
            for (int j = -2; j <= 2; ++j)
                if (i != 0 || j != 0)
                    consider((a0 + i * spacing).clamp(1e-4, 1.0), (c0 + j * spacing).clamp(1e-4, 1.0));
        const double gain = ((before - bestErr) / before.clamp_min(1e-30)).max().item<double>();
        quiet = gain < 1e-3 ? quiet + 1 : 0;
    }
    const torch::Tensor lo = (z + bestA * (mn - z)).to(torch::kDouble);
    const torch::Tensor hi = (z + bestC * (mx - z)).to(torch::kDouble);
    return {lo, hi};
}

} // namespace ql::core::quant::detail
