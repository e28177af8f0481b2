#include "widgets/levelsets.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace ql::ui::levels {

namespace {

// Power levels with a given base: alpha * {0, +-base^-(m-1), ..., +-1}, m = 2^(b-1).
std::vector<double> powerLevels(int bits, PotVariant variant, double alpha, double base)
{
    if (bits < 2 || bits > 8 || !(alpha > 0))
        return {};
    const int magnitudes = 1 << (bits - 1);
    const int first = variant == PotVariant::Strict ? 1 : 0; // Strict drops the smallest magnitude
    std::vector<double> out;
    out.push_back(0.0);
    for (int e = first; e < magnitudes; ++e) {
        const int exponent = magnitudes - 1 - e; // largest exponent first = smallest magnitude
        const double m = alpha * std::pow(base, -double(exponent));
        out.push_back(m);
        out.push_back(-m);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

IntRange integerRange(int bits, bool isSigned, bool narrow)
{
    if (!isSigned)
        return {0, (1LL << bits) - 1};
    const long long half = 1LL << (bits - 1);
    return {narrow ? -(half - 1) : -half, half - 1};
}

std::vector<double> uniformLevels(int bits, bool isSigned, bool narrow, double step)
{
    if (bits < 1 || bits > 16 || (isSigned && narrow && bits < 2))
        return {};
    const IntRange r = integerRange(bits, isSigned, narrow);
    std::vector<double> out;
    out.reserve(size_t(r.hi - r.lo + 1));
    for (long long k = r.lo; k <= r.hi; ++k)
        out.push_back(double(k) * step);
    return out;
}

std::vector<double> uniformSymmetricLevels(int bits, double alpha)
{
    if (bits < 2 || bits > 16)
        return {};
    const double p = double((1LL << (bits - 1)) - 1);
    return uniformLevels(bits, /*isSigned=*/true, /*narrow=*/true, alpha / p);
}

std::vector<double> potLevels(int bits, PotVariant variant, double alpha)
{
    return powerLevels(bits, variant, alpha, 2.0);
}

std::vector<double> postLevels(int bits, PotVariant variant, double alpha)
{
    return powerLevels(bits, variant, alpha, std::sqrt(2.0));
}

std::vector<double> apotMagnitudes(int magnitudeBits)
{
    // Terms p_i of the additive sum, each {0} plus 2^k - 1 = 3 powers of two
    // (k = 2). For B = 3 and B = 5 the paper's split of the bits into terms is
    // taken from the authors' code (yhhhli/APoT_Quantization,
    // CIFAR10/models/quant_layer.py, build_power_value): B = 3 uses terms
    // {0, 2^-1, 2^-2, 2^-4} and {0, 2^-3}; B = 5 uses {0, 2^-1, 2^-3, 2^-6},
    // {0, 2^-2, 2^-4, 2^-7} and {0, 2^-5}.
    std::vector<std::vector<double>> terms;
    auto p2 = [](int e) { return std::ldexp(1.0, -e); };
    switch (magnitudeBits) {
    case 2:
        terms = {{0, p2(1), p2(2), p2(3)}};
        break;
    case 3:
        terms = {{0, p2(1), p2(2), p2(4)}, {0, p2(3)}};
        break;
    case 5:
        terms = {{0, p2(1), p2(3), p2(6)}, {0, p2(2), p2(4), p2(7)}, {0, p2(5)}};
        break;
    default: {
        // QUANTIZERS.md: n = B / k terms, p_i in {0, 2^-i, 2^-(i+n), ..., 2^-(i+(2^k-2)n)}.
        if (magnitudeBits < 2 || magnitudeBits % 2 != 0 || magnitudeBits > 12)
            return {};
        const int n = magnitudeBits / 2;
        for (int i = 0; i < n; ++i)
            terms.push_back({0, p2(i), p2(i + n), p2(i + 2 * n)});
        break;
    }
    }
    std::set<double> sums{0.0};
    for (const auto &term : terms) {
        std::set<double> next;
        for (double s : sums)
            for (double t : term)
                next.insert(s + t);
        sums.swap(next);
    }
    const double top = *sums.rbegin();
    std::vector<double> out;
    for (double s : sums)
        out.push_back(s / top);
    return out;
}

std::vector<double> apotLevels(int bits, double alpha)
{
    if (!(alpha > 0))
        return {};
    const std::vector<double> mags = apotMagnitudes(bits - 1);
    if (mags.empty())
        return {};
    std::vector<double> out;
    for (double m : mags) {
        out.push_back(alpha * m);
        if (m > 0)
            out.push_back(-alpha * m);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace ql::ui::levels
