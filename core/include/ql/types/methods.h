#pragma once
// The one registry of quantization methods: names, labels, which roles and
// bit-widths each supports, its signedness rules and what it learns. The tool
// bar, the layer table, the CLI's help and validation and the engine iterate it.
// No torch, no Qt. Thread-safe (immutable after first use).
#include "ql/types/quant.h"

#include <string>
#include <utility>
#include <vector>

namespace ql::types {

/// What QuantLens knows about a quantization method.
struct MethodInfo {
    Method method = Method::None;
    const char *name = ""; ///< JSON / CLI spelling: "lsq", "lsq+", ...
    const char *label = ""; ///< display: "LSQ", "LSQ+", ...
    const char *description = ""; ///< one line for tooltips and --help
    bool weights = false; ///< can quantize weights
    bool activations = false; ///< can quantize activations
    bool trainable = false; ///< has parameters QAT learns
    bool uniform = true; ///< levels are an integer grid times a step (QDQ-expressible)
    int minBits = 2, maxBits = 16; ///< unsigned (or the only) range
    int minSignedBits = 2, maxSignedBits = 16; ///< signed range
    const char *learned = ""; ///< what QAT learns, e.g. "s, beta"
};

/// Every method, in the order the tool bar and the table list them ("none" first).
const std::vector<MethodInfo> &methods();
/// The entry of `m`. Thread-safe.
const MethodInfo &methodInfo(Method m);
/// Methods that can quantize `role` (without "none" unless `withNone`).
std::vector<Method> methodsFor(Role role, bool withNone = false);
/// "lsq", "lsq+", ...
std::string methodName(Method m);
/// Throws ql::core::Error listing the valid names.
Method methodFromName(const std::string &name);
/// Like methodFromName, also checks that the method can quantize `role`; the error lists
/// the methods that can.
Method methodFromName(const std::string &name, Role role);
/// "lsq, lsq+, pot, ..." for `role` (for help texts and errors).
std::string methodNames(Role role);

/// Bit-widths `m` defines, [min, max] inclusive: 2..16 for the uniform quantizers, 2..8 for
/// POT/POST (deeper exponents underflow float32), 3..7 signed / 2..6 unsigned for APoT
/// (the official code's level sets); 1..32 for "none".
std::pair<int, int> bitRange(Method m, bool isSigned);

/// Whether a tensor quantized by `spec` in `role` uses a signed integer grid: weights
/// always; LSQ+ activations by configuration (2 and 4 signed); other activations by
/// spec.isSigned.
bool usesSignedRange(const QuantSpec &spec, Role role);
/// Whether `spec` learns an offset beta (LSQ+ configurations 3 and 4, activations only).
bool learnsOffset(const QuantSpec &spec, Role role);
/// The first layer's input is the normalised image, which is signed: LSQ and ASQ become
/// signed, LSQ+ configuration 1 becomes 2, and PACT (defined for non-negative inputs only)
/// becomes min-max. Returns the spec to use there.
QuantSpec firstLayerInput(QuantSpec act);

/// `spec` switched to method `m` for `role`, following the registry's rules: weights are
/// signed (no offset) with the gradient scale of their granularity, activations are per
/// tensor with the method's own sign rule; bits outside the method's range are clamped
/// into it (8 when the tensor was FP32). Other settings are kept.
QuantSpec withMethod(QuantSpec spec, Method m, Role role);
/// Whether `bits` is a bit-width the method of `spec` defines for `role`.
bool bitsAllowed(const QuantSpec &spec, int bits, Role role);
/// Bit-width of a tensor for size and BOP figures: 32 where it is not quantized (method
/// "none" or the layer disabled).
int effectiveBits(const LayerQuantConfig &config, Role role);

/// The QAT defaults shared by the GUI and the CLI, following the papers: SGD with
/// momentum, cosine decay, and the quantizer parameters learned with the network's
/// optimiser and learning rate (quantLearningRate < 0 means "the network's").
struct QatDefaults {
    double learningRate = 0.005;
    double quantLearningRate = -1;
    double weightDecay = 1e-4;
    double momentum = 0.9;
    int epochs = 3;
    int64_t batchSize = 128;
    int64_t calibrationImages = 512;
};
const QatDefaults &qatDefaults();

} // namespace ql::types
