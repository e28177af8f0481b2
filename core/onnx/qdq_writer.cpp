#include "core/onnx/qdq_writer.h"

#include "core/common/error.h"
#include "core/onnx/onnx_io.h"

#include <torch/torch.h>

namespace ql::core::onnx {

namespace {

using T = ::onnx::TensorProto;

// 4-bit types (ONNX 1.16) are newer than the onnx.proto this libonnx was built from.
constexpr int32_t kUint4 = 21;
constexpr int32_t kInt4 = 22;

::onnx::TensorProto packedTensor(const torch::Tensor &value, const std::string &name, int32_t type)
{
    const auto v = value.to(torch::kLong).contiguous();
    const int64_t *data = v.data_ptr<int64_t>();
    const int64_t n = v.numel();
    int64_t lo = 0, hi = 0;
    switch (type) {
    case kInt4: lo = -8, hi = 7; break;
    case kUint4: lo = 0, hi = 15; break;
    case T::UINT16: lo = 0, hi = 65535; break;
    default:
        throw Error("ONNX writer: constant '" + name + "' has an element type it cannot pack (" + std::to_string(type) +
                    ").");
    }
    for (int64_t i = 0; i < n; ++i)
        if (data[i] < lo || data[i] > hi)
            throw Error("ONNX writer: constant '" + name + "' holds " + std::to_string(data[i]) + ", outside " +
                        std::to_string(lo) + ".." + std::to_string(hi) + " of its element type.");
    ::onnx::TensorProto out;
    out.set_name(name);
    out.set_data_type(type);
    for (int64_t d : v.sizes())
        out.add_dims(d);
    std::string raw;
    if (type == T::UINT16) {
        raw.resize(static_cast<size_t>(n) * 2);
        for (int64_t i = 0; i < n; ++i) {
            raw[static_cast<size_t>(2 * i)] = static_cast<char>(data[i] & 0xff);
            raw[static_cast<size_t>(2 * i + 1)] = static_cast<char>((data[i] >> 8) & 0xff);
        }
    } else {
        // Two values per byte, the first in the low nibble (ONNX's INT4/UINT4 layout).
        raw.assign(static_cast<size_t>((n + 1) / 2), '\0');
        for (int64_t i = 0; i < n; ++i) {
            const auto nibble = static_cast<unsigned char>(data[i] & 0x0f);
            auto &byte = reinterpret_cast<unsigned char &>(raw[static_cast<size_t>(i / 2)]);
            byte = static_cast<unsigned char>(byte | (i % 2 == 0 ? nibble : nibble << 4));
        }
    }
    out.set_raw_data(std::move(raw));
    return out;
}

void setAttribute(::onnx::NodeProto &node, const models::GraphAttribute &a)
{
    auto *attr = node.add_attribute();
    attr->set_name(a.name);
    if (const auto *i = std::get_if<int64_t>(&a.value)) {
        attr->set_type(::onnx::AttributeProto::INT);
        attr->set_i(*i);
    } else if (const auto *f = std::get_if<float>(&a.value)) {
        attr->set_type(::onnx::AttributeProto::FLOAT);
        attr->set_f(*f);
    } else if (const auto *s = std::get_if<std::string>(&a.value)) {
        attr->set_type(::onnx::AttributeProto::STRING);
        attr->set_s(*s);
    } else if (const auto *is = std::get_if<std::vector<int64_t>>(&a.value)) {
        attr->set_type(::onnx::AttributeProto::INTS);
        for (int64_t v : *is)
            attr->add_ints(v);
    } else if (const auto *fs = std::get_if<std::vector<float>>(&a.value)) {
        attr->set_type(::onnx::AttributeProto::FLOATS);
        for (float v : *fs)
            attr->add_floats(v);
    } else if (const auto *t = std::get_if<torch::Tensor>(&a.value)) {
        attr->set_type(::onnx::AttributeProto::TENSOR);
        *attr->mutable_t() = fromTensor(*t, a.name);
    }
}

void setTensorType(::onnx::ValueInfoProto &v, const std::string &name, int32_t type, const std::vector<int64_t> &dims,
                   bool batch)
{
    v.set_name(name);
    auto *tt = v.mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    if (!batch && dims.empty())
        return;
    auto *shape = tt->mutable_shape();
    if (batch)
        shape->add_dim()->set_dim_param("batch");
    for (int64_t d : dims)
        shape->add_dim()->set_dim_value(d);
}

} // namespace

::onnx::ModelProto toModelProto(const GraphSpec &spec)
{
    if (!spec.graph)
        throw Error("ONNX writer: no graph.");
    const auto &g = *spec.graph;
    ::onnx::ModelProto m;
    m.set_ir_version(spec.opset >= 21 ? 10 : spec.opset >= 19 ? 9 : spec.opset >= 15 ? 8 : 7);
    m.set_producer_name("QuantLens");
    m.set_producer_version(QL_VERSION);
    if (!spec.docString.empty())
        m.set_doc_string(spec.docString);
    auto *opset = m.add_opset_import();
    opset->set_domain("");
    opset->set_version(spec.opset);
    for (const auto &[k, v] : spec.metadata) {
        auto *p = m.add_metadata_props();
        p->set_key(k);
        p->set_value(v);
    }
    auto *graph = m.mutable_graph();
    graph->set_name(spec.graphName);
    for (const auto &[name, value] : g.constants) {
        const auto it = spec.constantTypes.find(name);
        if (it != spec.constantTypes.end())
            *graph->add_initializer() = packedTensor(value, name, it->second);
        else
            *graph->add_initializer() = fromTensor(value, name);
    }
    for (const auto &n : g.nodes) {
        if (n.isLayer())
            throw Error("ONNX writer: node '" + n.name + "' is a quantizable layer that was not lowered to operators.");
        auto *node = graph->add_node();
        node->set_op_type(n.type);
        node->set_name(n.name);
        for (const auto &in : n.inputs)
            node->add_input(in);
        for (const auto &out : n.outputs)
            node->add_output(out);
        for (const auto &a : n.attributes)
            setAttribute(*node, a);
    }
    setTensorType(*graph->add_input(), g.input, T::FLOAT, spec.inputShape, true);
    setTensorType(*graph->add_output(), g.output, T::FLOAT,
                  spec.outputWidth > 0 ? std::vector<int64_t>{spec.outputWidth} : std::vector<int64_t>{}, true);
    for (const auto &[name, type] : spec.extraOutputs)
        setTensorType(*graph->add_output(), name, type, {}, false);
    return m;
}

} // namespace ql::core::onnx
