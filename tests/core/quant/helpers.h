#pragma once
// Small helpers shared by the quantizer tests.
#include <torch/torch.h>

#include <QtTest/QtTest>

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
