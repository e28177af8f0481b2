#include "ql/types/export.h"

#include "core/common/error.h"
#include "ql/types/methods.h"

#include <algorithm>

namespace ql::types {

std::string exportFormatName(ExportFormat f)
{
    switch (f) {
    case ExportFormat::Onnx: return "onnx";
    case ExportFormat::TorchScript: return "torchscript";
    case ExportFormat::Encodings: return "encodings";
    case ExportFormat::Packed: return "packed";
    case ExportFormat::Report: return "report";
    }
    return "onnx";
}

std::vector<ExportFormat> exportFormats()
{
    return {ExportFormat::Onnx, ExportFormat::TorchScript, ExportFormat::Encodings, ExportFormat::Packed,
            ExportFormat::Report};
}

ExportFormat exportFormatFromName(const std::string &name)
{
    std::string valid;
    for (const auto f : exportFormats()) {
        if (exportFormatName(f) == name)
            return f;
        valid += (valid.empty() ? "" : ", ") + exportFormatName(f);
    }
    throw core::Error("Unknown export format \"" + name + "\".", "Formats: " + valid + ".");
}

std::string deployabilityName(Deployability d)
{
    switch (d) {
    case Deployability::Fp32: return "fp32";
    case Deployability::Integer: return "integer";
    case Deployability::FloatEmulation: return "float emulation";
    }
    return "fp32";
}

int storageBits(const QuantSpec &spec)
{
    if (spec.method == Method::None)
        return 32;
    const bool paperPowers =
        (spec.method == Method::Pot || spec.method == Method::Post) && spec.potVariant == PotVariant::Paper;
    return spec.bits + (paperPowers ? 1 : 0);
}

int64_t layerStorageBytes(const LayerInfo &layer, const LayerQuantConfig &config)
{
    int64_t weights = layer.weightShape.empty() ? layer.parameters : 1;
    for (const int64_t d : layer.weightShape)
        weights *= d;
    const int64_t biases = std::max<int64_t>(0, layer.parameters - weights);
    if (effectiveBits(config, Role::Weight) == 32)
        return (weights + biases) * 4;
    const int64_t codes = weights + layer.extraWeightCodes;
    return (codes * storageBits(config.weight) + 7) / 8 + biases * 4;
}

} // namespace ql::types
