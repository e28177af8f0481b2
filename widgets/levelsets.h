#pragma once
// Quantization level sets for the levels view, computed here because the
// widgets cannot call the torch quantizers. Formulas: /work/shared/QUANTIZERS.md.
#include <vector>

namespace ql::ui::levels {

/// Integer range of a b-bit quantizer (QUANTIZERS.md, "Integer ranges").
struct IntRange {
    long long lo = 0;
    long long hi = 0;
};

/// Unsigned [0, 2^b-1], signed [-2^(b-1), 2^(b-1)-1] or narrow signed
/// [-(2^(b-1)-1), 2^(b-1)-1]. Thread-safe (pure).
IntRange integerRange(int bits, bool isSigned, bool narrow = false);

/// Uniform levels k * step for every integer k of integerRange(), ascending.
/// Thread-safe (pure). Empty for bits outside 1..16.
std::vector<double> uniformLevels(int bits, bool isSigned, bool narrow, double step);

/// Uniform signed narrow levels scaled so that the largest is alpha: the
/// symmetric grid a weight quantizer with clipping threshold alpha uses.
std::vector<double> uniformSymmetricLevels(int bits, double alpha = 1.0);

/// How many magnitudes the POT/POST sets keep.
enum class PotVariant {
    Paper,  ///< alpha * {0, +-base^-(2^(b-1)-1), ..., +-1}: 2^b + 1 levels (as in the papers' code)
    Strict, ///< the smallest magnitude dropped: 2^b - 1 levels, fits in b bits
};

/// Power-of-two levels (APoT/ASQ Eq. 3), ascending. Thread-safe (pure).
/// Empty for bits outside 2..8 (2^(b-1) exponents underflow beyond that).
std::vector<double> potLevels(int bits, PotVariant variant = PotVariant::Paper, double alpha = 1.0);

/// Power-of-sqrt(2) levels (ASQ Eq. 17), ascending. Thread-safe (pure).
std::vector<double> postLevels(int bits, PotVariant variant = PotVariant::Paper, double alpha = 1.0);

/// Additive powers-of-two levels (Li et al., ICLR 2020) of a signed b-bit
/// weight quantizer with base bit-width k = 2: b - 1 magnitude bits plus a
/// sign, scaled so that the largest level is alpha. Ascending, symmetric.
/// Where b - 1 is not a multiple of 2 (b = 4, 6) the magnitude bits are split
/// as the authors' build_power_value() does. Empty where the paper defines no
/// set (b < 3, and b - 1 odd beyond 5). Thread-safe (pure).
std::vector<double> apotLevels(int bits, double alpha = 1.0);

/// The unsigned APoT magnitude set for B magnitude bits, normalised to a
/// largest value of 1 (the authors' build_power_value(B, additive=True)).
std::vector<double> apotMagnitudes(int magnitudeBits);

} // namespace ql::ui::levels
