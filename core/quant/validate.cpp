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

} // namespace ql::core::quant::detail
