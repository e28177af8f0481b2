#include "core/quant/multipoint.h"

#include "core/common/error.h"
#include "core/quant/range.h"
#include "core/quant/validate.h"

#include <cmath>
#include <limits>

namespace ql::core::quant {

namespace {

constexpr const char *kWho = "Multipoint";

// Output error of each row's residual e: ||X e||^2 (or ||e||^2 without inputs).
torch::Tensor outputError(const torch::Tensor &residual, const torch::Tensor &inputs)
{
    if (!inputs.defined())
        return residual.pow(2).sum(1);
    return torch::matmul(inputs, residual.t()).pow(2).sum(0);
}

} // namespace

std::pair<torch::Tensor, torch::Tensor> multipointGreedyPoint(const torch::Tensor &residual, double n, double p)
{
    const torch::Tensor r = residual.to(torch::kDouble);
    // Scales are stored as float32 (exports, sessions): the point is chosen with the scale a file holds.
    const torch::Tensor a = mseSymmetricStep(r, n, p).to(torch::kFloat).to(torch::kDouble);
    const torch::Tensor q = torch::round(torch::clamp(r / a.unsqueeze(1), n, p));
    return {a, q.to(torch::kLong)};
}

torch::Tensor multipointResidualTrace(const torch::Tensor &rows, int bits, int points, bool narrow)
{
    const IntRange range = intRange(bits, true, narrow);
    torch::Tensor r = rows.flatten(1).to(torch::kDouble).clone();
    std::vector<torch::Tensor> trace;
    for (int i = 0; i < points; ++i) {
        const auto [a, q] = multipointGreedyPoint(r, static_cast<double>(range.lo), static_cast<double>(range.hi));
        r = r - a.unsqueeze(1) * q.to(torch::kDouble);
        trace.push_back(r.pow(2).sum(1));
    }
    return torch::stack(trace);
}

MultipointResult multipointQuantize(const torch::Tensor &weight, const torch::Tensor &inputs, int bits, double budget,
                                    bool narrow, int maxPoints)
{
    QuantSpec spec;
    spec.method = Method::Multipoint;
    spec.bits = bits;
    spec.isSigned = true;
    spec.multipointBudget = budget;
    validateSpec(spec);
    detail::checkFinite(kWho, weight, "weight");
    if (weight.dim() < 1 || weight.numel() == 0)
        throw Error("Multipoint: the weight is empty.", "Pass a weight with at least one output channel.");
    if (maxPoints < 1)
        throw Error("Multipoint: maxPoints = " + std::to_string(maxPoints) + " must be at least 1.", "Use e.g. 8.");
    const torch::Tensor w = (weight.dim() == 1 ? weight.unsqueeze(1) : weight.flatten(1)).detach().to(torch::kDouble);
    const int64_t channels = w.size(0);
    const int64_t width = w.size(1);
    torch::Tensor x;
    if (inputs.defined()) {
        detail::checkFinite(kWho, inputs, "calibration inputs");
        if (inputs.numel() == 0)
            throw Error("Multipoint: the calibration inputs are empty.", "Give at least one input row.");
        x = inputs.detach().to(torch::kDouble).reshape({-1, inputs.size(-1)});
        if (x.size(1) != width)
            throw Error("Multipoint: calibration inputs have width " + std::to_string(x.size(1)) +
                            ", the weight rows have " + std::to_string(width) + ".",
                        "Pass the layer's input rows (im2col rows for a convolution), [M, K].");
    }
    const IntRange range = intRange(bits, true, narrow);
    const double n = static_cast<double>(range.lo);
    const double p = static_cast<double>(range.hi);

    MultipointResult res;
    res.channels.resize(static_cast<size_t>(channels));
    res.points.assign(static_cast<size_t>(channels), 1);

    auto [a1, q1] = multipointGreedyPoint(w, n, p);
    torch::Tensor residual = w - a1.unsqueeze(1) * q1.to(torch::kDouble);
    for (int64_t c = 0; c < channels; ++c) {
        res.channels[static_cast<size_t>(c)].scales.push_back(a1[c].item<double>());
        res.channels[static_cast<size_t>(c)].codes.push_back(q1[c].clone());
    }
    torch::Tensor err = outputError(residual, x);
    res.errorBefore = err.sum().item<double>();

    // The candidate next point of every channel and the output error it would leave.
    auto [ca, cq] = multipointGreedyPoint(residual, n, p);
    torch::Tensor nextResidual = residual - ca.unsqueeze(1) * cq.to(torch::kDouble);
    torch::Tensor gain = err - outputError(nextResidual, x);

    const auto extra = static_cast<int64_t>(std::llround(budget * static_cast<double>(channels)));
    double total = res.errorBefore;
    for (int64_t step = 0; step < extra; ++step) {
        const int64_t c = gain.argmax().item<int64_t>();
        const double g = gain[c].item<double>();
        if (!(g > 0.0))
            break; // no extra point helps any more; the rest of the budget stays unspent
        auto &ch = res.channels[static_cast<size_t>(c)];
        ch.scales.push_back(ca[c].item<double>());
        ch.codes.push_back(cq[c].clone());
        res.points[static_cast<size_t>(c)] += 1;
        residual[c].copy_(nextResidual[c]);
        total -= g;
        res.errorTrace.push_back(total);
        ++res.extraPointsSpent;
        if (res.points[static_cast<size_t>(c)] >= maxPoints) {
            gain[c] = -std::numeric_limits<double>::infinity();
            continue;
        }
        const torch::Tensor rc = residual[c].unsqueeze(0);
        auto [na, nq] = multipointGreedyPoint(rc, n, p);
        const torch::Tensor nr = rc - na.unsqueeze(1) * nq.to(torch::kDouble);
        ca[c] = na[0];
        cq[c].copy_(nq[0]);
        nextResidual[c].copy_(nr[0]);
        gain[c] = (outputError(rc, x) - outputError(nr, x))[0];
    }
    // The weights QuantLens computes with: the sum of points added in point order, exactly as a reader
    // of an exported file adds them (w - residual can differ from it in the last bit).
    torch::Tensor approx = torch::zeros_like(w);
    for (int64_t c = 0; c < channels; ++c) {
        const auto &ch = res.channels[static_cast<size_t>(c)];
        for (size_t i = 0; i < ch.scales.size(); ++i)
            approx[c] += ch.codes[i].to(torch::kDouble) * ch.scales[i];
    }
    res.approx = approx;
    // Recomputed rather than accumulated so rounding in the running sum does not leak into the report.
    res.errorAfter = outputError(residual, x).sum().item<double>();
    if (!res.errorTrace.empty())
        res.errorTrace.back() = res.errorAfter;
    return res;
}

torch::Tensor multipointApply(const MultipointResult &result, const torch::Tensor &x)
{
    const torch::Tensor xd = x.to(torch::kDouble);
    std::vector<torch::Tensor> cols;
    cols.reserve(result.channels.size());
    for (const auto &ch : result.channels) {
        torch::Tensor acc = torch::zeros({xd.size(0)}, torch::kDouble);
        for (size_t i = 0; i < ch.scales.size(); ++i)
            acc = acc + ch.scales[i] * torch::matmul(xd, ch.codes[i].to(torch::kDouble));
        cols.push_back(acc);
    }
    return torch::stack(cols, 1);
}

MultipointQuantizerImpl::MultipointQuantizerImpl(QuantSpec spec, int64_t channels)
    : QuantizerImpl(std::move(spec)), m_channels(channels)
{
    m_spec.isSigned = true;
    validateSpec(m_spec);
    if (channels <= 0)
        throw Error("Multipoint: channel count " + std::to_string(channels) + " must be positive.",
                    "Build the quantizer with the layer's output-channel count.");
    m_range = intRange(m_spec.bits, true, m_spec.narrow);
}

void MultipointQuantizerImpl::init(const std::vector<torch::Tensor> &calibration)
{
    detail::checkCalibration(kWho, calibration);
    const torch::Tensor &w = calibration.front();
    if (w.dim() == 0 || w.size(0) != m_channels)
        throw Error("Multipoint: weight has " + std::to_string(w.dim() ? w.size(0) : 0) +
                        " output channels, the quantizer was built for " + std::to_string(m_channels) + ".",
                    "Build the quantizer with the layer's output-channel count.");
    torch::Tensor inputs;
    if (calibration.size() > 1) {
        std::vector<torch::Tensor> rows;
        for (size_t i = 1; i < calibration.size(); ++i)
            rows.push_back(calibration[i].detach().to(torch::kDouble).reshape({-1, calibration[i].size(-1)}));
        inputs = torch::cat(rows);
    }
    m_result = multipointQuantize(w, inputs, m_spec.bits, m_spec.multipointBudget, m_spec.narrow);
    m_initialized = true;
}

torch::Tensor MultipointQuantizerImpl::forward(const torch::Tensor &x)
{
    if (!m_initialized)
        init({x.detach()});
    const torch::Tensor approx = m_result.approx.to(x.scalar_type()).view(x.sizes());
    // Straight-through with the value exactly approx (x + (approx - x) rounds twice in float32, one
    // ulp away from the sum of points that an export stores).
    return approx + (x - x.detach());
}

torch::Tensor MultipointQuantizerImpl::levels() const
{
    const torch::Tensor ints = torch::arange(m_range.lo, m_range.hi + 1, torch::kDouble);
    std::vector<double> a;
    for (const auto &ch : m_result.channels)
        a.push_back(ch.scales.front());
    if (a.empty())
        return ints.unsqueeze(0);
    return torch::tensor(a, torch::kDouble).unsqueeze(1) * ints.unsqueeze(0);
}

torch::Tensor MultipointQuantizerImpl::integerCodes(const torch::Tensor &x) const
{
    if (m_result.channels.empty())
        throw Error("Multipoint: integerCodes() before init().", "Initialise the quantizer with the layer's weight.");
    std::vector<torch::Tensor> rows;
    for (const auto &ch : m_result.channels)
        rows.push_back(ch.codes.front());
    return torch::stack(rows).view(x.sizes());
}

std::map<std::string, torch::Tensor> MultipointQuantizerImpl::quantParameters() const
{
    int maxPts = 1;
    for (int p : m_result.points)
        maxPts = std::max(maxPts, p);
    torch::Tensor scales = torch::zeros({m_channels, maxPts}, torch::kDouble);
    torch::Tensor points = torch::zeros({m_channels}, torch::kLong);
    for (size_t c = 0; c < m_result.channels.size(); ++c) {
        points[static_cast<int64_t>(c)] = m_result.points[c];
        for (size_t i = 0; i < m_result.channels[c].scales.size(); ++i)
            scales[static_cast<int64_t>(c)][static_cast<int64_t>(i)] = m_result.channels[c].scales[i];
    }
    return {{"scales", scales}, {"points", points}};
}

std::pair<torch::Tensor, torch::Tensor> MultipointQuantizerImpl::clipRange() const
{
    const torch::Tensor lv = levels();
    return {lv.select(1, 0), lv.select(1, lv.size(1) - 1)};
}

IntRange MultipointQuantizerImpl::codeRange() const
{
    return m_range; // the codes of the first point
}

std::optional<types::MultipointMap> MultipointQuantizerImpl::multipointSummary() const
{
    types::MultipointMap m;
    m.pointsPerChannel = m_result.points;
    m.outputErrorBefore = m_result.errorBefore;
    m.outputErrorAfter = m_result.errorAfter;
    return m;
}

} // namespace ql::core::quant
