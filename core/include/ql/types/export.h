#pragma once
// Exports of a quantized session as plain values: formats and options, how each layer is
// deployed, the storage size every view and the packed file agree on, and what a real
// runtime reproduced when the export was verified. No torch, no Qt.
#include "ql/types/quant.h"
#include "ql/types/telemetry.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ql::types {

enum class ExportFormat {
    Onnx, ///< ONNX with QuantizeLinear/DequantizeLinear pairs
    TorchScript, ///< a TorchScript module that plain PyTorch loads
    Encodings, ///< AIMET 1.0.0 encodings JSON keyed by the ONNX tensor names
    Packed, ///< bit-packed integer weights (QuantLens's documented binary format)
    Report, ///< per-layer CSV and JSON
};
/// "onnx", "torchscript", "encodings", "packed", "report".
std::string exportFormatName(ExportFormat f);
/// Throws ql::core::Error listing the names.
ExportFormat exportFormatFromName(const std::string &name);
/// Every format, in the order above.
std::vector<ExportFormat> exportFormats();

/// How the ONNX graph carries a learned offset beta (LSQ+ configurations 3 and 4, unsigned
/// range setters): exactly (Sub beta -> Q -> Clip -> DQ -> Add beta) or rounded into the zero
/// point (the report states the drift that rounding causes).
enum class OffsetMode { Exact, ZeroPoint };

struct ExportOptions {
    ExportFormat format = ExportFormat::Onnx;
    std::string path; ///< the file to write (the report writes PATH's .csv and .json)
    int opset = 13; ///< 13 (8-bit QDQ, QCDQ below 8 bits) or 21 (native int4/uint4, int16)
    OffsetMode offset = OffsetMode::Exact;
    bool verify = false; ///< run the export in its real consumer and compare
    int64_t images = 1000; ///< test images for verification and the report's statistics
};

/// Whether a layer runs on integer kernels once exported.
enum class Deployability {
    Fp32, ///< not quantized
    Integer, ///< every quantizer is a QDQ pair (or multipoint's sum of integer convolutions)
    FloatEmulation, ///< a quantizer QDQ cannot express runs as float operations (ASQ, POT, POST, APoT)
};
/// "fp32", "integer", "float emulation".
std::string deployabilityName(Deployability d);

/// One layer of an export: how it is deployed and how each tensor is written.
struct LayerDeployment {
    std::string layer;
    Deployability deployability = Deployability::Fp32;
    std::string weight; ///< e.g. "int4 per-channel QDQ", "POST levels as float (sidecar)"
    std::string activation; ///< e.g. "uint8 QCDQ, clip 0..15", "ASQ adapter as float ops"
    double offsetDrift = 0; ///< |beta - rounded beta| with --offset zero-point (real units)
};

/// Agreement of one quantized tensor's integer codes between QuantLens and a runtime.
struct TensorAgreement {
    std::string tensor; ///< the runtime's name for the codes
    std::string layer;
    int bits = 0;
    int64_t count = 0; ///< codes compared
    double exact = 0; ///< share identical
    double offByOne = 0; ///< share 1 LSB apart
    double offMore = 0; ///< share more than 1 LSB apart
    int64_t maxDiff = 0; ///< largest difference in LSBs
};

/// One verification run of an exported file in its consumer.
struct RuntimeCheck {
    std::string runtime; ///< "ONNX Runtime 1.30, optimisations off", "PyTorch (TorchScript)", ...
    bool optimized = false;
    int64_t images = 0;
    std::vector<TensorAgreement> tensors; ///< worst first (least exact share)
    double logitsMaxAbs = 0; ///< max |QuantLens - runtime|
    double logitsMaxRel = 0; ///< logitsMaxAbs / max |QuantLens logit|
    double top1Agreement = 0; ///< share of images with the same top-1 class
    double accuracyQuantLens = 0; ///< top-1 in [0, 1]
    double accuracyRuntime = 0;
    bool targetsApply = false; ///< whether `passed` judges against targets (else: informational)
    bool passed = false;
    std::string verdict; ///< one line: what was checked against what
};

/// What an export wrote and, when verified, what the consumers reproduced.
struct ExportResult {
    ExportOptions options;
    std::vector<std::string> files; ///< every file written
    std::vector<LayerDeployment> layers;
    std::vector<RuntimeCheck> checks;
    std::vector<std::string> notes; ///< e.g. the ONNX checker's verdict, skipped checks and why
    std::string summary; ///< one line
};

/// Bits one code of `spec` takes in storage: its bit-width, plus one for POT/POST's paper
/// level set (2^b + 1 levels do not fit b bits); 32 for "none".
int storageBits(const QuantSpec &spec);

/// Bytes a layer takes once quantized: its weight codes (multipoint: every point's) bit-packed
/// at storageBits, and the bias in float32; FP32 layers take 4 bytes per parameter. The layer
/// table's model size and the packed file's payload are this sum. Thread-safe.
int64_t layerStorageBytes(const LayerInfo &layer, const LayerQuantConfig &config);

} // namespace ql::types
