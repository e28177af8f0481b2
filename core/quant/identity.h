#pragma once
// FP32 "quantizer": Method::None.
#include "core/quant/quantizer.h"

#include <limits>

namespace ql::core::quant {

/// Passes values through unchanged (FP32 layers). Not thread-safe (stateless in practice).
class IdentityQuantizerImpl : public QuantizerImpl {
public:
    explicit IdentityQuantizerImpl(QuantSpec spec) : QuantizerImpl(std::move(spec)) { m_initialized = true; }
    torch::Tensor forward(const torch::Tensor &x) override { return x; }
    /// Empty: FP32 has no discrete levels.
    torch::Tensor levels() const override { return torch::empty({0}); }
    /// Empty codes: FP32 values are not integers.
    torch::Tensor integerCodes(const torch::Tensor &) const override { return torch::empty({0}, torch::kLong); }
    void init(const std::vector<torch::Tensor> &) override { }
    std::map<std::string, torch::Tensor> quantParameters() const override { return {}; }
    std::pair<torch::Tensor, torch::Tensor> clipRange() const override
    {
        const double inf = std::numeric_limits<double>::infinity();
        return {torch::tensor(-inf), torch::tensor(inf)};
    }
    IntRange codeRange() const override { return {0, 0}; }
};

} // namespace ql::core::quant
