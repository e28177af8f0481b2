#include "core/export/onnx_export.h"

#include "core/onnx/onnx_io.h"
#include "core/onnx/qdq_writer.h"

namespace ql::core::exporting {

OnnxBuild buildOnnx(const ExportPlan &plan, const LoweredGraph &lowered, int opset, const InputContract &contract,
                    bool debug)
{
    OnnxBuild out;
    models::Graph graph = lowered.graph;
    onnx::GraphSpec spec;
    spec.opset = opset;
    spec.constantTypes = lowered.constantTypes;
    spec.inputShape = plan.inputShape;
    spec.outputWidth = plan.numClasses;
    spec.graphName = plan.arch + "_quantized";
    spec.docString = "Exported by QuantLens from " + contract.source + ". Input: " + normalisationText(contract) +
                     ", NCHW float32, any batch size. Output: logits.";
    spec.metadata = {{"quantlens.arch", plan.arch},
                     {"quantlens.input", plan.graph.input},
                     {"quantlens.normalization", normalisationText(contract)},
                     {"quantlens.dataset", contract.dataset}};
    if (debug) {
        for (const auto &t : lowered.tensors) {
            if (t.role != QuantizedTensor::Role::Activation)
                continue;
            std::string name = t.codes;
            int32_t type = elem::kFloat;
            if (t.codesType != elem::kFloat) {
                // One integer type for every runtime output (ONNX Runtime's JavaScript API has no 4-bit arrays).
                models::GraphNode cast;
                cast.type = "Cast";
                cast.name = t.codes + "/DebugCast";
                cast.inputs = {t.codes};
                cast.outputs = {t.codes + "_int32"};
                cast.attributes = {{"to", int64_t{elem::kInt32}}};
                graph.nodes.push_back(cast);
                name = cast.outputs.front();
                type = elem::kInt32;
            }
            spec.extraOutputs.emplace_back(name, type);
            out.codeOutputs.emplace_back(t.layer, name);
        }
    }
    spec.graph = &graph;
    out.model = onnx::toModelProto(spec);
    return out;
}

std::string checkWithLibOnnx(const ::onnx::ModelProto &model, int opset, bool *checked)
{
    if (opset > kLibOnnxCheckerMaxOpset) {
        if (checked)
            *checked = false;
        return "libonnx's checker knows opsets up to " + std::to_string(kLibOnnxCheckerMaxOpset) + "; this opset-" +
               std::to_string(opset) + " file is checked by ONNX Runtime only";
    }
    if (checked)
        *checked = true;
    return onnx::checkModel(model);
}

} // namespace ql::core::exporting
