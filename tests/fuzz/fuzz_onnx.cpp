// An ONNX model file through the importer: parsing, external-data references (resolved beside a
// folder that does not exist), operator checks, shape inference, constant folding and the dry runs
// of the graph executor; then the graph as it computes, written back.
#include "core/onnx/onnx_io.h"
#include "core/onnx/onnx_model.h"
#include "core/onnx/onnx_ops.h"
#include "tests/fuzz/fuzz_target.h"

QL_FUZZ_TARGET(onnx)
{
    // Graphs that explode are refused at 2^22 values per tensor instead of 2^28, so that a refused
    // graph never reaches the fuzzer's memory limit (ASan's allocator holds several copies).
    static const bool limited = (ql::core::onnx::setValueLimit(int64_t(1) << 22), true);
    (void)limited;
    ql::fuzz::expectOnlyErrors([&] {
        const std::filesystem::path path = "/nonexistent-ql-fuzz/fuzz.onnx";
        auto proto = ql::core::onnx::parseModel(std::string(reinterpret_cast<const char *>(data), size), path);
        ql::core::onnx::OnnxModelImpl model(path, std::move(proto), {});
        ql::fuzz::check(!model.description().empty(), "an imported model without a description");
        const auto current = model.currentGraph();
        ql::fuzz::check(current.has_graph() &&
                            current.graph().output_size() == model.originalModel().graph().output_size(),
                        "the current graph lost outputs");
    });
    return 0;
}
