#pragma once
// Small helpers shared by the quantizer tests.
#include <torch/torch.h>

#include <QtTest/QtTest>

#include <algorithm>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace qltest {

inline torch::Tensor vec(const std::vector<double> &v) { return torch::tensor(v, torch::kDouble); }

inline std::string str(const torch::Tensor &t)
{
    std::ostringstream out;
    out << t.to(torch::kDouble).flatten();
    return out.str();
}

/// Whether |a - b| <= tol element-wise, with both printed on failure.
inline bool close(const torch::Tensor &a, const torch::Tensor &b, double tol, std::string *why = nullptr)
{
    const torch::Tensor x = a.detach().to(torch::kDouble).flatten();
    const torch::Tensor y = b.detach().to(torch::kDouble).flatten();
    const bool ok = x.numel() == y.numel() && (x.numel() == 0 || (x - y).abs().max().item<double>() <= tol);
    if (!ok && why)
        *why = "got " + str(x) + " expected " + str(y);
    return ok;
}

/// Test data of the shapes activations and weights take (seeded): "swish" silu(N(0,1) - 1),
/// "relu" max(N(0,1), 0), "gaussian" N(0,1), "heavy" Student-t with 3 degrees of freedom.
inline torch::Tensor distribution(const std::string &kind, int64_t n, uint64_t seed)
{
    torch::manual_seed(seed);
    const torch::Tensor z = torch::randn({n});
    if (kind == "swish")
        return torch::silu(z - 1);
    if (kind == "relu")
        return torch::relu(z);
    if (kind == "heavy") {
        const torch::Tensor chi = torch::randn({3, n}).pow(2).sum(0) / 3;
        return z / chi.sqrt();
    }
    return z;
}

/// Mean squared error of the offset grid [lo, hi] with `steps` steps on x (float64).
inline double offsetGridMse(const torch::Tensor &x, double lo, double hi, double steps)
{
    const torch::Tensor d = x.to(torch::kDouble);
    const double s = (hi - lo) / steps;
    return (torch::round(torch::clamp((d - lo) / s, 0.0, steps)) * s + lo - d).pow(2).mean().item<double>();
}

/// The least offsetGridMse by brute force over k x k ranges: lo from min towards
/// z = clamp(0, min, max), hi from max towards z, each in k equal parts.
inline double exhaustiveOffsetGridMse(const torch::Tensor &x, double steps, int k = 100)
{
    const torch::Tensor d = x.to(torch::kDouble).flatten();
    const double mn = d.min().item<double>(), mx = d.max().item<double>();
    const double z = std::clamp(0.0, mn, mx);
    const torch::Tensor hi = mx - (mx - z) * torch::arange(k, torch::kDouble) / k; // [k]
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < k; ++i) {
        const double lo = mn + (z - mn) * i / k;
        const torch::Tensor s = ((hi - lo) / steps).clamp_min(1e-30).unsqueeze(1);
        const torch::Tensor q = torch::round(torch::clamp((d.unsqueeze(0) - lo) / s, 0.0, steps)) * s + lo;
        best = std::min(best, (q - d.unsqueeze(0)).pow(2).mean(1).min().item<double>());
    }
    return best;
}

} // namespace qltest

#define QL_COMPARE_TENSORS(a, b, tol)                                                                                  \
    do {                                                                                                               \
        std::string why_;                                                                                              \
        QVERIFY2(qltest::close((a), (b), (tol), &why_), why_.c_str());                                                 \
    } while (false)

/// Runs `stmt` and requires a ql::core::Error whose message contains every one of `needles`.
#define QL_EXPECT_ERROR(stmt, ...)                                                                                     \
    do {                                                                                                               \
        bool thrown_ = false;                                                                                          \
        try {                                                                                                          \
            stmt;                                                                                                      \
        } catch (const ql::core::Error &e_) {                                                                          \
            thrown_ = true;                                                                                            \
            const std::string msg_ = e_.what();                                                                        \
            for (const char *needle_ : {__VA_ARGS__})                                                                  \
                QVERIFY2(msg_.find(needle_) != std::string::npos, (msg_ + " lacks " + needle_).c_str());               \
        }                                                                                                              \
        QVERIFY2(thrown_, "expected ql::core::Error from " #stmt);                                                     \
    } while (false)
