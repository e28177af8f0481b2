#include "core/quant/pot.h"

#include "core/common/error.h"
#include "core/quant/range.h"
#include "core/quant/ste.h"
#include "core/quant/validate.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace ql::core::quant {

namespace {

void checkExponentBits(const char *who, int bits)
{
    if (bits < 2 || bits > 8)
        throw Error(std::string(who) + ": bits = " + std::to_string(bits) + " is out of range 2..8.",
                    "Power-of-two levels are defined here for 2 to 8 bits; deeper exponents underflow float32.");
}

std::vector<double> powerMagnitudes(double base, int bits, PotVariant variant)
{
    const int largestExponent = (1 << (bits - 1)) - 1;
    const int smallest = variant == PotVariant::Paper ? largestExponent : largestExponent - 1;
    std::vector<double> out{0.0};
    for (int k = smallest; k >= 0; --k)
        out.push_back(std::pow(base, -k));
    return out;
}

} // namespace

std::vector<double> potMagnitudes(int bits, PotVariant variant)
{
    checkExponentBits("POT", bits);
    return powerMagnitudes(2.0, bits, variant);
}

std::vector<double> postMagnitudes(int bits, PotVariant variant)
{
    checkExponentBits("POST", bits);
    return powerMagnitudes(std::sqrt(2.0), bits, variant);
}

std::vector<double> apotMagnitudes(int bits, bool isSigned)
{
    const int m = isSigned ? bits - 1 : bits;
    std::vector<std::vector<int>> terms; // negative exponents of each additive term (0 = the zero choice)
    if (m == 2 || m == 4 || m == 6) {
        const int n = m / 2;
        for (int i = 0; i < n; ++i)
            terms.push_back({i + 1, i + 1 + n, i + 1 + 2 * n});
    } else if (m == 3) {
        // Split of the official code (build_power_value, B = 3): a 2-bit and a 1-bit term.
        terms = {{1, 2, 4}, {3}};
    } else if (m == 5) {
        // Split of the official code (build_power_value, B = 5): two 2-bit terms and a 1-bit term.
        terms = {{1, 3, 6}, {2, 4, 7}, {5}};
    } else {
        const auto [lo, hi] = bitRange(Method::Apot, isSigned);
        throw Error("APoT: bits = " + std::to_string(bits) + (isSigned ? " (signed)" : " (unsigned)") +
                        " is out of range " + std::to_string(lo) + ".." + std::to_string(hi) + ".",
                    "APoT's level sets are defined for 2..6 magnitude bits (the paper's code).");
    }
    std::set<double> sums{0.0};
    for (const auto &term : terms) {
        std::set<double> next;
        for (double s : sums) {
            next.insert(s);
            for (int e : term)
                next.insert(s + std::ldexp(1.0, -e));
        }
        sums = std::move(next);
    }
    const double top = *sums.rbegin();
    std::vector<double> out;
    for (double s : sums)
        out.push_back(s / top);
    return out;
}

std::vector<double> uniformMagnitudes(int bits, bool isSigned)
{
    if (bits < 1 || bits > 16)
        throw Error("Uniform levels: bits = " + std::to_string(bits) + " is out of range 1..16.",
                    "Choose 1 to 16 bits.");
    const int64_t q = isSigned ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
    std::vector<double> out;
    for (int64_t i = 0; i <= q; ++i)
        out.push_back(q == 0 ? 0.0 : static_cast<double>(i) / static_cast<double>(q));
    return out;
}

std::vector<double> levelSet(const std::vector<double> &magnitudes, bool isSigned)
{
    std::vector<double> out;
    if (isSigned)
        for (auto it = magnitudes.rbegin(); it != magnitudes.rend(); ++it)
            if (*it != 0.0)
                out.push_back(-*it);
    out.insert(out.end(), magnitudes.begin(), magnitudes.end());
    return out;
}

LevelQuantizerImpl::LevelQuantizerImpl(QuantSpec spec, Role role, int64_t channels)
    : QuantizerImpl(std::move(spec)), m_role(role), m_channels(channels)
{
    m_signed = role == Role::Weight ? true : m_spec.isSigned;
    QuantSpec checked = m_spec;
    checked.isSigned = m_signed;
    validateSpec(checked);
    std::vector<double> mags;
    switch (m_spec.method) {
    case Method::Pot: mags = potMagnitudes(m_spec.bits, m_spec.potVariant); break;
    case Method::Post: mags = postMagnitudes(m_spec.bits, m_spec.potVariant); break;
    case Method::Apot: mags = apotMagnitudes(m_spec.bits, m_signed); break;
    default:
        throw Error("LevelQuantizer: method " + methodName(m_spec.method) + " is not pot, post or apot.",
                    "Use makeQuantizer() to build the right quantizer for a spec.");
    }
    if (m_spec.perChannel && (role == Role::Activation || channels <= 0))
        throw Error(name() + ": per-channel needs weights and a positive channel count, got " +
                        std::to_string(channels) + ".",
                    "Set perChannel only for weights, with the layer's output-channel count.");
    m_magnitudes = register_buffer("magnitudes", torch::tensor(mags, torch::kDouble));
    alpha = register_parameter("alpha", m_spec.perChannel ? torch::ones({channels}) : torch::ones({}));
}

std::string LevelQuantizerImpl::name() const
{
    return m_spec.method == Method::Pot ? "POT" : m_spec.method == Method::Post ? "POST" : "APoT";
}

double LevelQuantizerImpl::gradScale(const torch::Tensor &x) const
{
    return detail::gradScaleFactor(types::effectiveGradScale(m_spec), x, m_role == Role::Activation,
                                   static_cast<double>(m_magnitudes.numel() - 1));
}

torch::Tensor LevelQuantizerImpl::forward(const torch::Tensor &x)
{
    if (!m_initialized) {
        torch::NoGradGuard noGrad;
        init({detail::initSample(x, m_spec.perChannel)});
    }
    return levelQuantize(x, detail::channelView(alpha, x).to(x.scalar_type()), m_magnitudes, m_signed, gradScale(x));
}

torch::Tensor LevelQuantizerImpl::levels() const
{
    const torch::Tensor set =
        torch::tensor(levelSet(std::vector<double>(m_magnitudes.data_ptr<double>(),
                                                   m_magnitudes.data_ptr<double>() + m_magnitudes.numel()),
                               m_signed),
                      torch::kDouble)
            .to(alpha.scalar_type());
    const torch::Tensor a = alpha.detach();
    return a.dim() == 0 ? set * a : a.unsqueeze(1) * set.unsqueeze(0);
}

torch::Tensor LevelQuantizerImpl::integerCodes(const torch::Tensor &x) const
{
    const torch::Tensor u = x.detach() / detail::channelView(alpha.detach(), x).to(x.scalar_type());
    const torch::Tensor c = m_signed ? u.clamp(-1.0, 1.0) : u.clamp(0.0, 1.0);
    return torch::sign(c).to(torch::kLong) * nearestMagnitudeIndex(c.abs(), m_magnitudes);
}

void LevelQuantizerImpl::init(const std::vector<torch::Tensor> &calibration)
{
    detail::checkCalibration(name(), calibration);
    torch::Tensor a;
    if (m_spec.perChannel) {
        const torch::Tensor w = calibration.front().detach().to(torch::kFloat);
        if (w.dim() == 0 || w.size(0) != m_channels)
            throw Error(name() + ": per-channel weight has " + std::to_string(w.dim() ? w.size(0) : 0) +
                            " output channels, the quantizer was built for " + std::to_string(m_channels) + ".",
                        "Build the quantizer with the layer's output-channel count.");
        a = percentileOf(w.flatten(1).abs(), m_spec.percentile);
    } else {
        a = percentileOf(detail::flatCalibration(calibration).to(torch::kFloat).abs().unsqueeze(0), m_spec.percentile)
                .squeeze(0);
    }
    setAlpha(a);
}

void LevelQuantizerImpl::setAlpha(const torch::Tensor &a)
{
    detail::checkPositive(name(), a, "clipping threshold alpha");
    torch::NoGradGuard noGrad;
    alpha.set_data(a.detach().to(alpha.scalar_type()).reshape(alpha.sizes()).clone());
    m_initialized = true;
}

std::map<std::string, torch::Tensor> LevelQuantizerImpl::quantParameters() const { return {{"alpha", alpha.detach()}}; }

std::pair<torch::Tensor, torch::Tensor> LevelQuantizerImpl::clipRange() const
{
    const torch::Tensor a = alpha.detach();
    return {m_signed ? -a : torch::zeros_like(a), a};
}

PostLut::PostLut(int weightBits, int activationBits, int fracBits, PotVariant variant) : m_frac(fracBits)
{
    checkExponentBits("POST LUT", weightBits);
    if (activationBits < 1 || activationBits > 16)
        throw Error("POST LUT: activation bits = " + std::to_string(activationBits) + " is out of range 1..16.",
                    "Choose 1 to 16 activation bits.");
    if (fracBits < 0 || fracBits > 24)
        throw Error("POST LUT: fracBits = " + std::to_string(fracBits) + " is out of range 0..24.",
                    "Choose 0 to 24 fractional bits.");
    const int largest = (1 << (weightBits - 1)) - 1;
    m_kMax = variant == PotVariant::Paper ? largest : largest - 1;
    m_nonZero = m_kMax + 1;
    m_maxR = (int64_t{1} << activationBits) - 1;
    m_lut.resize(static_cast<size_t>(m_maxR + 1));
    const double scale = std::ldexp(1.0, fracBits) / std::sqrt(2.0);
    // Built once, offline: r >= 0, so llround's half-away-from-zero is half up.
    for (int64_t r = 0; r <= m_maxR; ++r)
        m_lut[static_cast<size_t>(r)] = std::llround(static_cast<double>(r) * scale);
}

int PostLut::exponent(int64_t weightCode) const
{
    const int64_t mag = weightCode < 0 ? -weightCode : weightCode;
    if (mag < 1 || mag > m_nonZero)
        throw Error("POST LUT: weight code " + std::to_string(weightCode) + " is out of range " +
                        std::to_string(-m_nonZero) + ".." + std::to_string(m_nonZero) + " (0 excluded).",
                    "Pass codes from LevelQuantizer::integerCodes of the same bit-width.");
    return static_cast<int>(m_nonZero - mag);
}

int64_t PostLut::multiply(int64_t r, int64_t weightCode) const
{
    if (r < 0 || r > m_maxR)
        throw Error("POST LUT: activation code " + std::to_string(r) + " is out of range 0.." + std::to_string(m_maxR) +
                        ".",
                    "Pass unsigned activation codes of the LUT's bit-width.");
    if (weightCode == 0)
        return 0;
    const int k = exponent(weightCode);
    const auto roundShift = [](int64_t v, int j) { return j == 0 ? v : (v + (int64_t{1} << (j - 1))) >> j; };
    const int64_t y =
        (k % 2 == 0) ? roundShift(r << m_frac, k / 2) : roundShift(m_lut[static_cast<size_t>(r)], (k - 1) / 2);
    return weightCode < 0 ? -y : y;
}

double PostLut::exact(int64_t r, int64_t weightCode) const
{
    if (weightCode == 0)
        return 0.0;
    const double v = static_cast<double>(r) * std::pow(std::sqrt(2.0), -exponent(weightCode));
    return weightCode < 0 ? -v : v;
}

torch::Tensor PostLut::table() const
{
    torch::Tensor t = torch::empty({m_maxR + 1, m_kMax + 1}, torch::kLong);
    auto acc = t.accessor<int64_t, 2>();
    for (int64_t r = 0; r <= m_maxR; ++r)
        for (int k = 0; k <= m_kMax; ++k)
            acc[r][k] = multiply(r, m_nonZero - k);
    return t;
}

IntRange LevelQuantizerImpl::codeRange() const
{
    // Codes are sign * index into the ascending magnitudes (0 = zero).
    const int64_t top = m_magnitudes.numel() - 1;
    return {m_signed ? -top : 0, top};
}

} // namespace ql::core::quant
