#pragma once
// Verification of an export against QuantLens's own fake-quantized forward: per quantized
// tensor, the share of integer codes that agree exactly, by 1 LSB and by more; the logits' max
// difference, top-1 agreement and the accuracy of both.
#include "core/models/quant_model.h"
#include "ql/types/export.h"

#include <map>
#include <string>

namespace ql::core::exporting {

/// Targets of a verification against ONNX Runtime with optimisations off (the issue's, for
/// integer-deployable models): codes identical for at least 99.9 % of every tensor, none off by
/// more than 1 LSB, top-1 identical for at least 99.9 % of images, accuracy within 0.05 points.
constexpr double kTargetExactShare = 0.999;
constexpr int64_t kTargetMaxLsb = 1;
constexpr double kTargetTop1Agreement = 0.999;
constexpr double kTargetAccuracyPoints = 0.05;
/// TorchScript: logits within 1e-5 relative, accuracy identical.
constexpr double kTargetTorchScriptRelative = 1e-5;

/// Counts how the codes of one tensor agree.
struct Agreement {
    std::string tensor;
    std::string layer;
    int bits = 0;
    int64_t count = 0, exact = 0, offByOne = 0, offMore = 0, maxDiff = 0;
    /// Adds a batch: QuantLens's codes and the runtime's (any integer or float dtype, same numel).
    void add(const torch::Tensor &quantlens, const torch::Tensor &runtime);
    types::TensorAgreement result() const;
};

/// Accumulates the logits' agreement over batches.
struct LogitAgreement {
    int64_t images = 0, sameTop1 = 0, correctQuantLens = 0, correctRuntime = 0;
    double maxAbs = 0, maxRef = 0;
    void add(const torch::Tensor &quantlens, const torch::Tensor &runtime, const torch::Tensor &labels);
    void fill(types::RuntimeCheck &check) const;
};

/// QuantLens's forward on a batch: the logits and the integer codes of every quantized layer
/// input (keyed by layer name; ASQ's per-sample and APoT's level codes too).
struct QuantLensRun {
    torch::Tensor logits;
    std::map<std::string, torch::Tensor> codes;
};
/// Runs `model` as it computes now (fake-quantized) in eval mode, no gradient, on `images`
/// (normalised, on the CPU; moved to the model's device). Thread-unsafe (the engine thread).
QuantLensRun runQuantLens(models::QuantModelImpl &model, const torch::Tensor &images, bool withCodes);

/// Sorts the tensors worst first and judges `check` against the ONNX Runtime targets above
/// (when `targetsApply`); writes the verdict.
void judgeAgainstTargets(types::RuntimeCheck &check, bool targetsApply);
/// Judges a TorchScript check: logits within 1e-5 relative and identical accuracy.
void judgeTorchScript(types::RuntimeCheck &check);

} // namespace ql::core::exporting
