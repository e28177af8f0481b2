#pragma once
// Helpers of the ONNX tests: graphs built node by node, ONNX Runtime (tools/ort/run.mjs) and
// PyTorch (/usr/bin/python3) on the other side, raw float files.
#include "core/common/error.h"
#include "core/onnx/onnx_io.h"

#include <QProcess>
#include <QString>
#include <QStringList>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ql::test::onnx {

namespace fs = std::filesystem;
namespace onnxio = ql::core::onnx;

/// A graph written node by node.
class GraphBuilder {
public:
    explicit GraphBuilder(int64_t opset, int64_t irVersion = 8)
    {
        m_model.set_ir_version(irVersion);
        m_model.set_producer_name("quantlens-tests");
        auto *o = m_model.add_opset_import();
        o->set_domain("");
        o->set_version(opset);
        m_model.mutable_graph()->set_name("test");
    }

    /// A float input; -1 for a dynamic dimension.
    GraphBuilder &input(const std::string &name, const std::vector<int64_t> &dims)
    {
        valueInfo(m_model.mutable_graph()->add_input(), name, dims);
        return *this;
    }
    GraphBuilder &output(const std::string &name)
    {
        auto *v = m_model.mutable_graph()->add_output();
        v->set_name(name);
        v->mutable_type()->mutable_tensor_type()->set_elem_type(::onnx::TensorProto::FLOAT);
        return *this;
    }
    GraphBuilder &initializer(const std::string &name, const torch::Tensor &value)
    {
        *m_model.mutable_graph()->add_initializer() = onnxio::fromTensor(value, name);
        return *this;
    }

    /// Adds a node; attributes are added to the returned proto.
    ::onnx::NodeProto &node(const std::string &op, const std::vector<std::string> &inputs,
                            const std::vector<std::string> &outputs, const std::string &name = {})
    {
        auto *n = m_model.mutable_graph()->add_node();
        n->set_op_type(op);
        n->set_name(name.empty() ? op + "_" + std::to_string(m_model.graph().node_size()) : name);
        for (const auto &i : inputs)
            n->add_input(i);
        for (const auto &o : outputs)
            n->add_output(o);
        return *n;
    }

    const ::onnx::ModelProto &model() const { return m_model; }
    ::onnx::ModelProto &model() { return m_model; }

    void save(const fs::path &path) const { onnxio::writeModel(m_model, path); }

private:
    static void valueInfo(::onnx::ValueInfoProto *v, const std::string &name, const std::vector<int64_t> &dims)
    {
        v->set_name(name);
        auto *tt = v->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(::onnx::TensorProto::FLOAT);
        auto *shape = tt->mutable_shape();
        for (auto d : dims) {
            auto *dim = shape->add_dim();
            if (d >= 0)
                dim->set_dim_value(d);
            else
                dim->set_dim_param("N");
        }
    }

    ::onnx::ModelProto m_model;
};

inline void attr(::onnx::NodeProto &n, const std::string &name, int64_t v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::INT);
    a->set_i(v);
}
inline void attr(::onnx::NodeProto &n, const std::string &name, double v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::FLOAT);
    a->set_f(static_cast<float>(v));
}
inline void attr(::onnx::NodeProto &n, const std::string &name, const std::string &v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::STRING);
    a->set_s(v);
}
inline void attr(::onnx::NodeProto &n, const std::string &name, const std::vector<int64_t> &v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::INTS);
    for (auto x : v)
        a->add_ints(x);
}
inline void attrFloats(::onnx::NodeProto &n, const std::string &name, const std::vector<float> &v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::FLOATS);
    for (auto x : v)
        a->add_floats(x);
}
inline void attrTensor(::onnx::NodeProto &n, const std::string &name, const torch::Tensor &v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::TENSOR);
    *a->mutable_t() = onnxio::fromTensor(v, "");
}

inline void writeFloats(const fs::path &path, const torch::Tensor &t)
{
    const auto c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
    std::ofstream out(path, std::ios::binary);
    out.write(static_cast<const char *>(c.data_ptr()), static_cast<std::streamsize>(c.numel() * 4));
}

inline torch::Tensor readTensor(const fs::path &path, const std::string &type, const std::vector<int64_t> &dims)
{
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto dtype = type == "int64" ? torch::kLong : type == "bool" ? torch::kBool : torch::kFloat;
    auto t = torch::empty(dims, torch::TensorOptions().dtype(dtype));
    if (static_cast<size_t>(t.nbytes()) != bytes.size())
        throw std::runtime_error("ONNX Runtime output " + path.string() + " has the wrong size");
    if (!bytes.empty())
        std::memcpy(t.data_ptr(), bytes.data(), bytes.size());
    return t;
}

inline QString ortScript() { return QStringLiteral(QL_SOURCE_DIR "/tools/ort/run.mjs"); }

/// Whether node and onnxruntime-node are there; a message saying what to do otherwise.
inline QString ortProblem()
{
    if (!fs::exists(QL_SOURCE_DIR "/tools/ort/node_modules/onnxruntime-node/package.json"))
        return QStringLiteral("onnxruntime-node is not installed in tools/ort: run scripts/bootstrap");
    QProcess p;
    p.start(QStringLiteral("node"), {QStringLiteral("--version")});
    if (!p.waitForFinished(30000) || p.exitCode() != 0)
        return QStringLiteral("node is not installed: run scripts/bootstrap");
    return {};
}

/// One model for ONNX Runtime: its file, its input and where its outputs go.
struct OrtJob {
    fs::path model;
    std::string inputName;
    torch::Tensor input;
    fs::path dir; ///< a folder of its own
};

/// Runs every job in one ONNX Runtime process; per job every graph output, or an empty list
/// with `errors[i]` set when ONNX Runtime refused the model. Throws std::runtime_error when the
/// runner itself fails.
inline std::vector<std::vector<torch::Tensor>> runOrt(const std::vector<OrtJob> &jobs, std::vector<std::string> *errors,
                                                      const fs::path &scratch)
{
    nlohmann::json list = nlohmann::json::array();
    for (size_t i = 0; i < jobs.size(); ++i) {
        const auto &j = jobs[i];
        fs::create_directories(j.dir);
        const auto in = j.dir / "input.bin";
        writeFloats(in, j.input);
        list.push_back({{"model", j.model.string()},
                        {"inputs", {{{"name", j.inputName}, {"file", in.string()}, {"dims", j.input.sizes().vec()}}}},
                        {"out_dir", j.dir.string()}});
    }
    const auto jobsFile = scratch / "ort_jobs.json";
    {
        std::ofstream out(jobsFile);
        out << list.dump();
    }
    QProcess p;
    p.start(QStringLiteral("node"), {ortScript(), QStringLiteral("--jobs"), QString::fromStdString(jobsFile.string()),
                                     QStringLiteral("--opt"), QStringLiteral("none")});
    if (!p.waitForFinished(600 * 1000) || p.exitCode() != 0)
        throw std::runtime_error("run.mjs failed: " + QString::fromLocal8Bit(p.readAllStandardError()).toStdString());
    const auto summary = nlohmann::json::parse(p.readAllStandardOutput().toStdString());
    std::vector<std::vector<torch::Tensor>> out;
    if (errors)
        errors->assign(jobs.size(), {});
    for (size_t i = 0; i < summary.size(); ++i) {
        out.emplace_back();
        if (summary[i].contains("error")) {
            if (errors)
                (*errors)[i] = summary[i]["error"].get<std::string>();
            continue;
        }
        for (const auto &o : summary[i]["outputs"])
            out.back().push_back(readTensor(o["file"].get<std::string>(), o["type"].get<std::string>(),
                                            o["dims"].get<std::vector<int64_t>>()));
    }
    return out;
}

/// Runs scripts/make_onnx_fixtures.py with /usr/bin/python3; false with its output on failure.
inline bool runPython(const QStringList &args, QString &output)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("/usr/bin/python3"),
            QStringList{QStringLiteral(QL_SOURCE_DIR "/scripts/make_onnx_fixtures.py")} + args);
    const bool finished = p.waitForFinished(300 * 1000);
    output = QString::fromLocal8Bit(p.readAll());
    return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

/// max |a - b| / max |b|.
inline double relativeError(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>() /
           std::max(1e-30, b.to(torch::kDouble).abs().max().item<double>());
}

template <typename F>
QString errorOf(F &&f)
{
    try {
        f();
    } catch (const ql::core::Error &e) {
        return QString::fromStdString(e.full());
    }
    return {};
}

} // namespace ql::test::onnx
