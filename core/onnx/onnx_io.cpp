#include "core/onnx/onnx_io.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <onnx/checker.h>

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ql::core::onnx {
namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path &path, const std::string &what)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw Error(what + " '" + path.string() + "' does not exist.", "Check the path.");
    const auto size = fs::file_size(path, ec);
    if (ec)
        throw Error("Cannot read " + what + " '" + path.string() + "': " + ec.message() + ".");
    if (static_cast<int64_t>(size) >= kMaxModelBytes)
        throw Error(what + " '" + path.string() + "' is " + std::to_string(size >> 20) +
                        " MiB; ONNX files hold at most 2 GiB.",
                    "Save the model with its weights as external data (onnx.save_model(..., "
                    "save_as_external_data=True)).");
    std::ifstream in(path, std::ios::binary);
    std::string bytes(static_cast<size_t>(size), '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
        throw Error("Cannot read " + what + " '" + path.string() + "'.", "Check the file's permissions.");
    return bytes;
}

/// Reads the external data of `tensor` into its raw data.
void loadExternal(::onnx::TensorProto &tensor, const fs::path &modelPath)
{
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &kv : tensor.external_data()) {
        try {
            if (kv.key() == "location")
                location = kv.value();
            else if (kv.key() == "offset")
                offset = std::stoll(kv.value());
            else if (kv.key() == "length")
                length = std::stoll(kv.value());
        } catch (const std::exception &) {
            throw Error("ONNX model '" + modelPath.string() + "': tensor '" + tensor.name() +
                            "' has an external-data " + kv.key() + " that is not a number: '" + kv.value() + "'.",
                        "The model file is damaged; export it again.");
        }
    }
    const fs::path folder = fs::absolute(modelPath).parent_path();
    const fs::path rel(location);
    bool escapes = location.empty() || rel.is_absolute();
    for (const auto &part : rel)
        escapes = escapes || part == "..";
    if (escapes)
        throw Error("ONNX model '" + modelPath.string() + "': tensor '" + tensor.name() + "' names external data at '" +
                        location + "', outside the model's folder.",
                    "External-data files must lie beside the model (a plain relative path).");
    const fs::path file = folder / rel;
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(file, ec);
    const fs::path canonicalFolder = fs::weakly_canonical(folder, ec);
    if (ec || canonical.string().rfind(canonicalFolder.string(), 0) != 0)
        throw Error("ONNX model '" + modelPath.string() + "': external data '" + location + "' of tensor '" +
                        tensor.name() + "' leads outside the model's folder.",
                    "Copy the external-data file beside the model instead of linking it.");
    if (!fs::is_regular_file(file, ec))
        throw Error("ONNX model '" + modelPath.string() + "': external-data file '" + file.string() + "' of tensor '" +
                        tensor.name() + "' is missing.",
                    "Copy it beside the model: an ONNX model with external data is the .onnx file and its data files.");
    const auto fileSize = static_cast<int64_t>(fs::file_size(file, ec));
    if (offset < 0 || offset > fileSize || (length >= 0 && length > fileSize - offset))
        throw Error("ONNX model '" + modelPath.string() + "': tensor '" + tensor.name() + "' needs bytes " +
                        std::to_string(offset) + ".." + std::to_string(offset + std::max<int64_t>(length, 0)) +
                        " of '" + file.string() + "', which has " + std::to_string(fileSize) + ".",
                    "The external-data file is truncated or belongs to another model.");
    if (length < 0)
        length = fileSize - offset;
    std::ifstream in(file, std::ios::binary);
    std::string bytes(static_cast<size_t>(length), '\0');
    in.seekg(offset);
    if (!in.read(bytes.data(), length))
        throw Error("Cannot read external-data file '" + file.string() + "'.", "Check the file's permissions.");
    tensor.set_raw_data(std::move(bytes));
    tensor.clear_external_data();
    tensor.set_data_location(::onnx::TensorProto::DEFAULT);
}

void loadExternalData(::onnx::GraphProto &graph, const fs::path &modelPath)
{
    for (auto &t : *graph.mutable_initializer())
        if (t.data_location() == ::onnx::TensorProto::EXTERNAL)
            loadExternal(t, modelPath);
    for (auto &node : *graph.mutable_node())
        for (auto &attr : *node.mutable_attribute()) {
            if (attr.has_t() && attr.t().data_location() == ::onnx::TensorProto::EXTERNAL)
                loadExternal(*attr.mutable_t(), modelPath);
            if (attr.has_g())
                loadExternalData(*attr.mutable_g(), modelPath);
        }
}

} // namespace

::onnx::ModelProto readModel(const fs::path &path) { return parseModel(readFile(path, "ONNX model"), path); }

::onnx::ModelProto parseModel(const std::string &bytes, const fs::path &path)
{
    ::onnx::ModelProto model;
    if (!model.ParseFromString(bytes) || !model.has_graph())
        throw Error("'" + path.string() + "' is not an ONNX model (it does not parse as one, or it is truncated).",
                    "Give a .onnx file written by an ONNX exporter (torch.onnx.export, tf2onnx, paddle2onnx, ...).");
    loadExternalData(*model.mutable_graph(), path);
    return model;
}

void writeModel(const ::onnx::ModelProto &model, const fs::path &path)
{
    std::string bytes;
    if (!model.SerializeToString(&bytes))
        throw Error("Cannot serialise the ONNX model for '" + path.string() + "' (over 2 GiB?).");
    writeFileAtomically(path, bytes);
}

int64_t opsetVersion(const ::onnx::ModelProto &model)
{
    for (const auto &o : model.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx")
            return o.version();
    return 0;
}

std::string checkModel(const ::onnx::ModelProto &model)
{
    try {
        ::onnx::checker::check_model(model);
    } catch (const std::exception &e) {
        return e.what();
    }
    return {};
}

int32_t onnxType(c10::ScalarType type)
{
    using T = ::onnx::TensorProto;
    switch (type) {
    case c10::kFloat: return T::FLOAT;
    case c10::kDouble: return T::DOUBLE;
    case c10::kHalf: return T::FLOAT16;
    case c10::kBFloat16: return T::BFLOAT16;
    case c10::kChar: return T::INT8;
    case c10::kByte: return T::UINT8;
    case c10::kShort: return T::INT16;
    case c10::kInt: return T::INT32;
    case c10::kLong: return T::INT64;
    case c10::kBool: return T::BOOL;
    default: throw Error(std::string("ONNX has no tensor type for ") + c10::toString(type) + ".");
    }
}

c10::ScalarType torchType(int32_t type, const std::string &where)
{
    using T = ::onnx::TensorProto;
    switch (type) {
    case T::FLOAT: return c10::kFloat;
    case T::DOUBLE: return c10::kDouble;
    case T::FLOAT16: return c10::kHalf;
    case T::BFLOAT16: return c10::kBFloat16;
    case T::INT8: return c10::kChar;
    case T::UINT8: return c10::kByte;
    case T::INT16: return c10::kShort;
    case T::INT32: return c10::kInt;
    case T::INT64: return c10::kLong;
    case T::BOOL: return c10::kBool;
    default:
        throw Error(where + " has ONNX element type " + std::to_string(type) + ", which QuantLens does not read.",
                    "Supported: float, double, float16, bfloat16, int8/16/32/64, uint8 and bool.");
    }
}

torch::Tensor toTensor(const ::onnx::TensorProto &t, const std::string &where)
{
    if (t.data_location() == ::onnx::TensorProto::EXTERNAL)
        throw Error(where + " still points at external data.", "Read the model with readModel().");
    const auto dtype = torchType(t.data_type(), where);
    std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
    int64_t numel = 1;
    for (int64_t d : dims) {
        if (d < 0 || (d > 0 && numel > (int64_t(1) << 40) / d))
            throw Error(where + " has an invalid shape.", "The model file is damaged; export it again.");
        numel *= d;
    }
    // The sizes are checked against what the file holds before anything is allocated.
    const auto elem = static_cast<int64_t>(c10::elementSize(dtype));
    if (t.has_raw_data()) {
        const std::string &raw = t.raw_data();
        if (static_cast<int64_t>(raw.size()) != numel * elem)
            throw Error(where + " holds " + std::to_string(raw.size()) + " bytes for " + std::to_string(numel) +
                            " elements of " + std::to_string(elem) + " bytes.",
                        "The model file is damaged or truncated; export it again.");
    } else {
        const int64_t held = std::max({t.float_data_size(), t.double_data_size(), t.int32_data_size(),
                                       t.int64_data_size(), t.uint64_data_size()});
        if (held != numel)
            throw Error(where + " holds " + std::to_string(held) + " values for a shape of " + std::to_string(numel) +
                            " elements.",
                        "The model file is damaged; export it again.");
    }
    auto out = torch::empty(dims, torch::TensorOptions().dtype(dtype));
    if (t.has_raw_data()) {
        const std::string &raw = t.raw_data();
        if (numel > 0)
            std::memcpy(out.data_ptr(), raw.data(), raw.size()); // ONNX raw data is little-endian, as x86 and ARM
        return out;
    }
    auto fill = [&](const auto &field, auto convert) {
        if (static_cast<int64_t>(field.size()) != numel)
            throw Error(where + " holds " + std::to_string(field.size()) + " values for a shape of " +
                            std::to_string(numel) + " elements.",
                        "The model file is damaged; export it again.");
        auto flat = out.view({-1});
        for (int64_t i = 0; i < numel; ++i)
            convert(flat, i, field.Get(static_cast<int>(i)));
    };
    using T = ::onnx::TensorProto;
    switch (t.data_type()) {
    case T::FLOAT:
        fill(t.float_data(), [](torch::Tensor &f, int64_t i, float v) { f.data_ptr<float>()[i] = v; });
        break;
    case T::DOUBLE:
        fill(t.double_data(), [](torch::Tensor &f, int64_t i, double v) { f.data_ptr<double>()[i] = v; });
        break;
    case T::INT64:
        fill(t.int64_data(), [](torch::Tensor &f, int64_t i, int64_t v) { f.data_ptr<int64_t>()[i] = v; });
        break;
    case T::INT32:
    case T::INT16:
    case T::INT8:
    case T::UINT8:
    case T::BOOL:
    case T::FLOAT16:
    case T::BFLOAT16: {
        // Stored in int32_data (16-bit floats as their bit patterns).
        auto bits = torch::empty({numel}, torch::kInt);
        fill(t.int32_data(), [](torch::Tensor &, int64_t, int32_t) {});
        for (int64_t i = 0; i < numel; ++i)
            bits.data_ptr<int32_t>()[i] = t.int32_data(static_cast<int>(i));
        if (dtype == c10::kHalf || dtype == c10::kBFloat16)
            out = bits.to(torch::kShort).view(dtype).reshape(dims);
        else
            out = bits.to(dtype).reshape(dims);
        break;
    }
    default:
        if (numel != 0)
            throw Error(where + " has no data.", "The model file is damaged; export it again.");
    }
    return out;
}

::onnx::TensorProto fromTensor(const torch::Tensor &tensor, const std::string &name)
{
    const auto t = tensor.detach().to(torch::kCPU).contiguous();
    ::onnx::TensorProto out;
    out.set_name(name);
    out.set_data_type(onnxType(t.scalar_type()));
    for (int64_t d : t.sizes())
        out.add_dims(d);
    out.set_raw_data(std::string(static_cast<const char *>(t.data_ptr()), static_cast<size_t>(t.nbytes())));
    return out;
}

} // namespace ql::core::onnx
