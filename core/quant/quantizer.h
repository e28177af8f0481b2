#pragma once
// The common quantizer interface. Every quantizer in QUANTIZERS.md is a
// libtorch module implementing QuantizerImpl, held by a layer wrapper for its
// weight and for its input activation.
#include "ql/types/methods.h"
#include "ql/types/quant.h"
#include "ql/types/telemetry.h"

#include <torch/torch.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ql::core::quant {

// The method enum, QuantSpec, integer ranges and the method registry are plain values
// shared with the CLI and the GUI (ql/types); the quantizers use them under these names.
using types::bitRange;
using types::GradScale;
using types::InitMode;
using types::IntRange;
using types::intRange;
using types::Method;
using types::methodFromName;
using types::methodName;
using types::PotVariant;
using types::QuantSpec;
using types::Role;
using types::validateSpec;

/// Base class of every quantizer. Not thread-safe: one quantizer belongs to one layer on one engine thread.
class QuantizerImpl : public torch::nn::Module {
public:
    explicit QuantizerImpl(QuantSpec spec) : m_spec(std::move(spec)) { }
    /// Fake-quantized tensor, differentiable with the paper's gradients.
    virtual torch::Tensor forward(const torch::Tensor &x) = 0;
    /// The representable values: [L] per tensor, [C, L] per channel.
    virtual torch::Tensor levels() const = 0;
    /// The integer codes `x` maps to (same shape as x, int64), for the code-usage histogram.
    virtual torch::Tensor integerCodes(const torch::Tensor &x) const = 0;
    /// Initialises the parameters from calibration data (weights: one tensor, the weight).
    /// Throws ql::core::Error on an empty set or NaN/inf values.
    virtual void init(const std::vector<torch::Tensor> &calibration) = 0;
    /// The learned/set quantizer parameters by name: "step", "offset", "alpha", ...
    virtual std::map<std::string, torch::Tensor> quantParameters() const = 0;
    /// Clipping range [lo, hi] in real units ([C] each per channel) for the views.
    virtual std::pair<torch::Tensor, torch::Tensor> clipRange() const = 0;
    /// The integer codes integerCodes() can return, [lo, hi]: the b-bit grid of a uniform
    /// quantizer, sign * level index of a non-uniform one.
    virtual IntRange codeRange() const = 0;
    /// Whether the levels are a uniform integer grid times a step (plus an offset), so that
    /// a QuantizeLinear/DequantizeLinear pair expresses the quantizer exactly.
    virtual bool uniformGrid() const { return types::methodInfo(m_spec.method).uniform; }
    /// One line saying what this quantizer does, for reports and tooltips.
    virtual std::string description() const;
    /// Multipoint quantizers: points per output channel and the output error before and after
    /// (the layer name is left empty). Others: nothing.
    virtual std::optional<types::MultipointMap> multipointSummary() const { return std::nullopt; }
    const QuantSpec &spec() const { return m_spec; }
    bool initialized() const { return m_initialized; }
    /// Marks the parameters as set (e.g. restored from a saved session) so that the
    /// first forward does not initialise them again.
    void markInitialized() { m_initialized = true; }

protected:
    QuantSpec m_spec;
    bool m_initialized = false;
};

using Quantizer = std::shared_ptr<QuantizerImpl>;

/// Builds the quantizer for `spec` in `role`; `channels` is the output-channel
/// count (per-channel weights) or the input channel count (ASQ adapter).
/// Throws ql::core::Error for bits out of range or an unsupported combination.
Quantizer makeQuantizer(const QuantSpec &spec, Role role, int64_t channels);

} // namespace ql::core::quant
