#include "core/telemetry/stats.h"

#include <cmath>

namespace ql::core::telemetry {
namespace {

std::vector<double> toVector(const torch::Tensor &t)
{
    const auto c = t.detach().to(torch::kCPU, torch::kDouble).contiguous().flatten();
    return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

/// Broadcasts a per-channel [C] tensor against x with channels in dim 0.
torch::Tensor perChannel(const torch::Tensor &v, const torch::Tensor &x, bool channelDim0)
{
    if (v.numel() <= 1 || !channelDim0)
        return v.numel() <= 1 ? v.reshape({}) : v.mean();
    std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
    shape[0] = v.numel();
    return v.reshape(shape);
}

} // namespace

types::Histogram histogram(const torch::Tensor &x, int bins, double lo, double hi)
{
    types::Histogram h;
    const auto flat = x.detach().flatten().to(torch::kFloat);
    if (flat.numel() == 0)
        return h;
    if (!(lo < hi)) {
        const auto mm = torch::stack({flat.min(), flat.max()}).to(torch::kCPU);
        lo = mm[0].item<double>();
        hi = mm[1].item<double>();
        if (!(lo < hi)) {
            lo -= 0.5;
            hi += 0.5;
        }
    }
    h.lo = lo;
    h.hi = hi;
    h.counts = toVector(torch::histc(flat, bins, lo, hi));
    return h;
}

ErrorMetrics errorMetrics(const torch::Tensor &x, const torch::Tensor &xq)
{
    // Differences in the tensors' own precision, sums accumulated in double.
    const auto a = x.detach().flatten();
    const auto b = xq.detach().to(a.scalar_type()).flatten();
    const auto d = a - b;
    const auto sums = torch::stack({d.square().sum(torch::kDouble), a.square().sum(torch::kDouble),
                                    b.square().sum(torch::kDouble), (a * b).sum(torch::kDouble)})
                          .to(torch::kCPU);
    const double err = sums[0].item<double>(), sig = sums[1].item<double>(), q2 = sums[2].item<double>(),
                 dot = sums[3].item<double>();
    ErrorMetrics m;
    const double n = double(std::max<int64_t>(1, a.numel()));
    m.mse = err / n;
    m.l2 = std::sqrt(err);
    m.sqnrDb = err > 0 ? 10.0 * std::log10(sig / err) : 200.0;
    m.cosine = (sig > 0 && q2 > 0) ? dot / std::sqrt(sig * q2) : 1.0;
    return m;
}

types::TensorQuantStats tensorStats(const torch::Tensor &xIn, quant::QuantizerImpl *q, bool channelDim0, int bins)
{
    torch::NoGradGuard noGrad;
    types::TensorQuantStats s;
    const auto x = xIn.detach();
    if (!x.defined() || x.numel() == 0)
        return s;
    s.valid = true;
    if (!q) {
        s.values = histogram(x, bins);
        return s;
    }
    auto [clipLo, clipHi] = q->clipRange();
    // Histogram over the data and the clipping range, so both are visible.
    const auto range = torch::stack({x.min().to(torch::kDouble), x.max().to(torch::kDouble),
                                     clipLo.detach().min().to(torch::kDouble).to(x.device()),
                                     clipHi.detach().max().to(torch::kDouble).to(x.device())})
                           .to(torch::kCPU);
    const double lo = std::min(range[0].item<double>(), range[2].item<double>());
    const double hi = std::max(range[1].item<double>(), range[3].item<double>());
    s.values = histogram(x, bins, lo, hi > lo ? hi : lo + 1);

    // Per channel: the levels and range of the channel with the median clipping range stand
    // for the layer (channel 0 may be an outlier); the spread of the limits comes with them.
    auto loFlat = clipLo.detach().flatten().to(torch::kCPU, torch::kDouble);
    auto hiFlat = clipHi.detach().flatten().to(torch::kCPU, torch::kDouble);
    if (loFlat.numel() != hiFlat.numel()) { // one side shared by all channels
        const int64_t n = std::max(loFlat.numel(), hiFlat.numel());
        loFlat = loFlat.expand({n});
        hiFlat = hiFlat.expand({n});
    }
    const auto limits = torch::stack({loFlat, hiFlat});
    s.channels = limits.size(1);
    if (s.channels > 1)
        s.shownChannel = (limits[1] - limits[0]).argsort()[s.channels / 2].item<int64_t>();
    s.clipLo = limits[0][s.shownChannel].item<double>();
    s.clipHi = limits[1][s.shownChannel].item<double>();
    const auto mins = std::get<0>(limits.min(1)), maxs = std::get<0>(limits.max(1));
    s.clipLoMin = mins[0].item<double>();
    s.clipLoMax = maxs[0].item<double>();
    s.clipHiMin = mins[1].item<double>();
    s.clipHiMax = maxs[1].item<double>();
    const auto lvl = q->levels().detach();
    s.levels = toVector(lvl.dim() == 2 ? lvl[std::min(s.shownChannel, lvl.size(0) - 1)] : lvl);

    const auto codes = q->integerCodes(x);
    const auto cmm = torch::stack({codes.min(), codes.max()}).to(torch::kCPU);
    const int64_t cmin = cmm[0].item<int64_t>(), cmax = cmm[1].item<int64_t>();
    const auto grid = q->codeRange();
    const int64_t codeLo = std::min(cmin, grid.lo), codeHi = std::max(cmax, grid.hi);
    s.codesTotal = grid.hi - grid.lo + 1;
    if (codeHi - codeLo < 1 << 17) {
        s.codeLo = codeLo;
        s.codeCounts = toVector(torch::bincount((codes.flatten() - codeLo), {}, codeHi - codeLo + 1));
        for (int64_t k = 0; k < int64_t(s.codeCounts.size()); ++k)
            if (s.codeCounts[size_t(k)] > 0 && codeLo + k >= grid.lo && codeLo + k <= grid.hi)
                ++s.codesUsed;
    }

    const auto lo_b = perChannel(clipLo.detach().to(x.device()), x, channelDim0);
    const auto hi_b = perChannel(clipHi.detach().to(x.device()), x, channelDim0);
    const double count = double(x.numel());
    const auto clipped =
        torch::stack({x.lt(lo_b).sum().to(torch::kDouble) / count, x.gt(hi_b).sum().to(torch::kDouble) / count})
            .to(torch::kCPU);
    s.clippedLow = clipped[0].item<double>();
    s.clippedHigh = clipped[1].item<double>();

    const auto params = q->quantParameters();
    if (auto it = params.find("step"); it != params.end() && it->second.defined() && it->second.numel() > 0) {
        s.stepPerChannel = toVector(it->second.flatten());
        double mn = s.stepPerChannel[0], mx = mn, sum = 0;
        for (double v : s.stepPerChannel) {
            mn = std::min(mn, v);
            mx = std::max(mx, v);
            sum += v;
        }
        s.step = sum / double(s.stepPerChannel.size());
        s.stepMin = mn;
        s.stepMax = mx;
    }
    if (auto it = params.find("offset"); it != params.end() && it->second.defined() && it->second.numel() > 0) {
        s.offsetPerChannel = toVector(it->second.flatten());
        double sum = 0;
        for (double v : s.offsetPerChannel)
            sum += v;
        s.offset = sum / double(s.offsetPerChannel.size());
    }
    const auto e = errorMetrics(x, q->forward(x));
    s.mse = e.mse;
    s.l2 = e.l2;
    s.sqnrDb = e.sqnrDb;
    s.cosine = e.cosine;
    return s;
}

} // namespace ql::core::telemetry
