#include "core/onnx/onnx_model.h"

#include "core/common/error.h"
#include "core/data/transforms.h"
#include "core/models/graph.h"
#include "core/onnx/onnx_io.h"

#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace ql::core::onnx {
namespace fs = std::filesystem;

namespace import_detail {

/// The highest opset whose schemas this libonnx knows: its checker and shape inference run
/// only on models up to it (newer ones are checked by the executor's own dry run).
int64_t knownOpset()
{
    const auto &map = ::onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
    const auto it = map.find(::onnx::ONNX_DOMAIN);
    return it == map.end() ? 0 : it->second.second;
}

std::string shapeText(c10::IntArrayRef s)
{
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i)
        out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

std::string shapeText(const std::vector<int64_t> &s) { return shapeText(c10::IntArrayRef(s)); }

/// A module name from a graph name: letters, digits and '_' ("/layer1/conv1/Conv" -> "layer1_conv1_Conv").
std::string moduleName(const std::string &name, std::set<std::string> &taken)
{
    std::string out;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (ok)
            out += c;
        else if (!out.empty() && out.back() != '_')
            out += '_';
    }
    while (!out.empty() && out.back() == '_')
        out.pop_back();
    if (out.empty() || (out[0] >= '0' && out[0] <= '9'))
        out = "v_" + out;
    std::string unique = out;
    for (int i = 2; taken.count(unique); ++i)
        unique = out + "_" + std::to_string(i);
    taken.insert(unique);
    return unique;
}

/// Inputs of a deterministic, non-trivial pattern (the dry runs and the self-check).
torch::Tensor probeInput(const std::vector<int64_t> &shape)
{
    int64_t n = 1;
    for (auto d : shape)
        n *= d;
    return torch::sin(torch::arange(n, torch::kFloat) * 0.7311f).reshape(shape);
}

} // namespace import_detail

// ---------------------------------------------------------------- the program

/// One node as the executor runs it.
struct OnnxModelImpl::Step {
    int node = -1; ///< index in the graph
    std::string name, op;
    std::vector<int> in, out; ///< value slots; -1 for an omitted input or output
    Kernel kernel; ///< everything but the layers
    bool removed = false; ///< folded at load
    // A quantizable layer (Conv, ConvTranspose, Gemm, MatMul with a constant weight).
    int layer = -1;
    bool transA = false;
    bool oneD = false;
    double extraScale = 1.0; ///< Gemm's beta for a C added at run time (in[1])
    std::vector<int64_t> spatial; ///< SAME padding was computed for this input size
    // Bookkeeping.
    std::vector<int> release; ///< slots last read here
    int block = -1;
};

struct OnnxModelImpl::Program {
    std::vector<std::string> names; ///< per slot: the graph value's name
    std::vector<torch::Tensor> fixed; ///< per slot: the constant (defined for constants only)
    std::vector<bool> isInitializer; ///< per slot: an initializer of the original graph
    std::vector<Step> steps;
    std::vector<std::shared_ptr<models::QuantLayerImpl>> layers;
    /// Per layer: the BatchNormalization after a 2-D (transposed) convolution, kept as a module so
    /// that training adapts its statistics as in the zoo's models (folded by the exporters); null
    /// when there is none or it was folded into the weights (1-D convolutions, Gemm).
    std::vector<std::shared_ptr<models::FoldableBatchNorm2dImpl>> bns;
    int input = -1;
    std::vector<int> outputs;
    /// Learned parameters that are not layer weights: slot -> the registered tensor.
    std::map<int, torch::Tensor> parameters;
    int folded = 0; ///< nodes folded at load (constants, BatchNorms, biases)
    bool outputBlock = false; ///< the output is a block of its own (no layer computes it last)
};

// ---------------------------------------------------------------- preprocessing side file

fs::path preprocessingPathFor(const fs::path &model) { return fs::path(model.string() + ".json"); }

types::Preprocessing preprocessingFor(const fs::path &model, const types::Preprocessing &overrides)
{
    types::Preprocessing pre;
    const fs::path side = preprocessingPathFor(model);
    std::error_code ec;
    if (fs::is_regular_file(side, ec)) {
        if (fs::file_size(side, ec) > (1 << 20))
            throw Error("Preprocessing file '" + side.string() + "' is larger than 1 MiB.",
                        "It holds one small JSON object.");
        std::ifstream in(side);
        std::stringstream ss;
        ss << in.rdbuf();
        pre = types::Preprocessing::fromJson(ss.str(), side.string());
    }
    pre.merge(overrides);
    return pre;
}

// ---------------------------------------------------------------- import

struct OnnxModelImpl::Builder {
    OnnxModelImpl &m;
    OnnxModelImpl::Program &p;
    const ::onnx::GraphProto &g;
    std::string file;
    std::map<std::string, int> slotOf;

    explicit Builder(OnnxModelImpl &model)
        : m(model), p(*model.m_program), g(model.m_model.graph()), file(model.m_path.string())
    {
    }

    [[noreturn]] void fail(const std::string &problem, const std::string &hint = {}) const
    {
        throw Error("ONNX model '" + file + "': " + problem, hint);
    }

    int slot(const std::string &name)
    {
        const auto it = slotOf.find(name);
        if (it != slotOf.end())
            return it->second;
        const int s = static_cast<int>(p.names.size());
        p.names.push_back(name);
        p.fixed.emplace_back();
        p.isInitializer.push_back(false);
        slotOf[name] = s;
        return s;
    }

    static std::string nodeName(const ::onnx::NodeProto &n, int index)
    {
        if (!n.name().empty())
            return n.name();
        if (n.output_size() > 0 && !n.output(0).empty())
            return n.output(0);
        return n.op_type() + "_" + std::to_string(index);
    }

    // 1. What the file is: opset and operators.
    void checkModel()
    {
        const int64_t opset = opsetVersion(m.m_model);
        if (opset == 0)
            fail("it imports no opset of the default ONNX domain.", "Export it again with a standard exporter.");
        if (opset < kMinOpset || opset > kMaxOpset)
            fail("it uses opset " + std::to_string(opset) + "; QuantLens reads opsets " + std::to_string(kMinOpset) +
                     " to " + std::to_string(kMaxOpset) + ".",
                 "Convert it with onnx.version_converter.convert_version(model, 13).");
        m.m_opset = opset;
        // Every operator the executor lacks, all at once, before anything runs.
        const auto &ops = operators();
        std::vector<std::string> missing;
        std::set<std::string> types;
        for (int i = 0; i < g.node_size(); ++i) {
            const auto &n = g.node(i);
            const bool standard = n.domain().empty() || n.domain() == "ai.onnx";
            if (!standard || !ops.count(n.op_type())) {
                const std::string type = (standard ? "" : n.domain() + ".") + n.op_type();
                missing.push_back("'" + nodeName(n, i) + "' (" + type + ")");
                types.insert(type);
            }
        }
        if (!missing.empty()) {
            std::string list, typeList;
            for (size_t i = 0; i < missing.size(); ++i)
                list += (i ? ", " : "") + missing[i];
            for (const auto &t : types)
                typeList += (typeList.empty() ? "" : ", ") + t;
            fail(std::to_string(missing.size()) + " node(s) use operators QuantLens does not run (" + typeList +
                     "): " + list + ".",
                 "Export the model without them (e.g. leave post-processing such as NMS out of the graph).");
        }
        // Every node's input and output counts against its operator's schema (the newest version
        // libonnx knows up to the model's opset), so that no kernel reads an input that is not there.
        // (Beyond that, kernels index optional inputs only after checking the count.)
        const int64_t schemaOpset = std::min(opset, import_detail::knownOpset());
        for (int i = 0; i < g.node_size(); ++i) {
            const auto &n = g.node(i);
            const auto *schema = ::onnx::OpSchemaRegistry::Schema(n.op_type(), static_cast<int>(schemaOpset), "");
            if (!schema) {
                // An operator newer than libonnx (Gelu, Mish): one input and one output at least.
                if (n.input_size() < 1 || n.input(0).empty() || n.output_size() < 1 || n.output(0).empty())
                    fail("node '" + nodeName(n, i) + "' (" + n.op_type() + ") lacks its input or its output.",
                         "The model is not valid; export it again.");
                continue;
            }
            auto count = [](const auto &names) {
                int last = 0; // trailing optional values left out as "" do not count
                for (int k = 0; k < names.size(); ++k)
                    if (!names.Get(k).empty())
                        last = k + 1;
                return last;
            };
            // Beyond the opsets libonnx knows, only the least counts (later versions add optional inputs).
            const bool exact = opset <= schemaOpset;
            const int ins = count(n.input()), outs = count(n.output());
            if (ins < schema->min_input() || outs < schema->min_output() ||
                (exact && (ins > schema->max_input() || outs > schema->max_output())))
                fail("node '" + nodeName(n, i) + "' (" + n.op_type() + ") has " + std::to_string(ins) +
                         " input(s) and " + std::to_string(outs) + " output(s); " + n.op_type() + " takes " +
                         std::to_string(schema->min_input()) + ".." + std::to_string(schema->max_input()) +
                         " inputs and " + std::to_string(schema->min_output()) + ".." +
                         std::to_string(schema->max_output()) + " outputs.",
                     "The model is not valid; export it again.");
        }
    }

    // 4b. The ONNX checker and shape inference of libonnx, after the graph ran on the executor:
    // libonnx 1.12's shape inference reads out of bounds on some malformed nodes (a Conv whose
    // weight's rank does not match its input's), which the dry runs refuse with a clear error first.
    void checkWithLibOnnx()
    {
        const int64_t opset = m.m_opset;
        if (opset <= import_detail::knownOpset() && m.m_model.ir_version() <= ::onnx::IR_VERSION) {
            // Shapes first: graph outputs declared without a shape (which ONNX Runtime accepts)
            // get the inferred one, and the checker then sees the completed graph.
            auto copy = m.m_model;
            try {
                ::onnx::shape_inference::InferShapes(copy, ::onnx::OpSchemaRegistry::Instance(),
                                                     ::onnx::ShapeInferenceOptions(/*check_type=*/true,
                                                                                   /*error_mode=*/1));
            } catch (const std::exception &e) {
                fail(std::string("its shapes do not infer: ") + e.what(),
                     "A node's inputs do not fit together; export the model again.");
            }
            // An output whose shape depends on data (a Reshape to computed sizes) stays unknown:
            // ONNX Runtime runs it, so the checker is not asked about that field.
            for (auto &o : *copy.mutable_graph()->mutable_output())
                if (o.type().has_tensor_type() && !o.type().tensor_type().has_shape())
                    o.mutable_type()->mutable_tensor_type()->mutable_shape();
            const std::string problem = onnx::checkModel(copy);
            if (!problem.empty())
                fail("the ONNX checker refuses it: " + problem, "The file is not a valid ONNX model; export it again.");
        }
    }

    // 2. The graph input: one image tensor.
    void readInput()
    {
        std::set<std::string> initializers;
        for (const auto &t : g.initializer())
            initializers.insert(t.name());
        std::vector<const ::onnx::ValueInfoProto *> inputs;
        for (const auto &v : g.input())
            if (!initializers.count(v.name()))
                inputs.push_back(&v);
        if (inputs.size() != 1) {
            std::string names;
            for (const auto *v : inputs)
                names += (names.empty() ? "" : ", ") + v->name();
            fail("it has " + std::to_string(inputs.size()) + " inputs (" + names +
                     "); QuantLens feeds models one image input.",
                 "Export the model with the image as its only input.");
        }
        const auto &v = *inputs.front();
        m.m_inputName = v.name();
        const auto &type = v.type().tensor_type();
        using T = ::onnx::TensorProto;
        if (!v.type().has_tensor_type() ||
            (type.elem_type() != T::FLOAT && type.elem_type() != T::FLOAT16 && type.elem_type() != T::DOUBLE))
            fail("its input '" + v.name() + "' is not a floating-point tensor.",
                 "QuantLens feeds images as float tensors; export the model with a float input.");
        if (!type.has_shape())
            fail("its input '" + v.name() + "' has no declared shape.", "Export the model with an input shape.");
        for (const auto &d : type.shape().dim())
            m.m_inputDims.push_back(d.has_dim_value() && d.dim_value() > 0 ? d.dim_value() : -1);
        if (m.m_inputDims.empty())
            fail("its input '" + v.name() + "' is a scalar.", "QuantLens feeds models batches of images.");
        // One sample of at most 2^26 values (256 MiB of float32; 3x4096x4096 is 2^25.6): the dry
        // runs allocate a few.
        int64_t perSample = 1;
        for (size_t i = 1; i < m.m_inputDims.size(); ++i)
            if (m.m_inputDims[i] > 0 &&
                (perSample = perSample * std::min<int64_t>(m.m_inputDims[i], int64_t(1) << 29)) > (int64_t(1) << 26))
                fail("its input '" + v.name() + "' " + import_detail::shapeText(m.m_inputDims) +
                         " holds more than 2^26 values per sample.",
                     "QuantLens quantizes image models; export the model with its real input size.");
        // Graphs of other ranks import and run (runGraph); only image inputs take data sets.
        const auto &d = m.m_inputDims;
        if (d.size() == 4) {
            const auto &layout = m.m_pre.layout;
            if (layout == "nhwc")
                m.m_nhwc = true;
            else if (layout.empty())
                m.m_nhwc = !(d[1] == 1 || d[1] == 3) && (d[3] == 1 || d[3] == 3);
            if (channels() < 1)
                fail("the channel count of its input '" + v.name() + "' is not fixed (" + import_detail::shapeText(d) +
                         ").",
                     "Export the model with a fixed channel dimension.");
        }
        p.input = slot(m.m_inputName);
    }

    bool image() const { return m.m_inputDims.size() == 4; }
    // An image input's dimensions (image() only).
    int64_t channels() const { return m.m_inputDims.at(m.m_nhwc ? 3 : 1); }
    int64_t height() const { return m.m_inputDims.at(m.m_nhwc ? 1 : 2); }
    int64_t width() const { return m.m_inputDims.at(m.m_nhwc ? 2 : 3); }

    // 3. Values and nodes.
    void readGraph()
    {
        for (const auto &t : g.initializer()) {
            if (t.name() == m.m_inputName)
                continue;
            auto value = toTensor(t, "initializer '" + t.name() + "' of '" + file + "'");
            if (value.is_floating_point())
                value = value.to(torch::kFloat);
            const int s = slot(t.name());
            p.fixed[static_cast<size_t>(s)] = value;
            p.isInitializer[static_cast<size_t>(s)] = true;
        }
        // Values get their slot when they are defined: an input without one is read too early.
        auto isDefined = [&](const std::string &name) { return slotOf.count(name) > 0; };
        for (int i = 0; i < g.node_size(); ++i) {
            const auto &n = g.node(i);
            const std::string name = nodeName(n, i);
            for (const auto &a : n.attribute())
                if (a.has_g() || a.graphs_size() > 0)
                    fail("node '" + name + "' (" + n.op_type() + ") holds a subgraph, which QuantLens does not run.");
            for (const auto &in : n.input())
                if (!in.empty() && !isDefined(in))
                    fail("node '" + name + "' (" + n.op_type() + ") reads '" + in +
                             "', which no earlier node, input or initializer defines.",
                         "The graph is not in topological order or is incomplete; export it again.");
            if (n.op_type() == "Identity") {
                // An alias: the output is the input's value.
                slotOf[n.output(0)] = slotOf.at(n.input(0));
                continue;
            }
            Step s;
            s.node = i;
            s.name = name;
            s.op = n.op_type();
            for (const auto &in : n.input())
                s.in.push_back(in.empty() ? -1 : slotOf.at(in));
            for (const auto &out : n.output()) {
                if (out.empty()) {
                    s.out.push_back(-1);
                    continue;
                }
                if (slotOf.count(out))
                    fail("value '" + out + "' is written twice (by node '" + name + "').",
                         "The graph is not valid SSA; export it again.");
                s.out.push_back(slot(out));
            }
            p.steps.push_back(std::move(s));
        }
        for (const auto &o : g.output()) {
            if (!slotOf.count(o.name()))
                fail("its output '" + o.name() + "' is computed by no node.", "Export the model again.");
            p.outputs.push_back(slotOf.at(o.name()));
        }
        if (p.outputs.empty())
            fail("it has no outputs.");
    }

    Tensors constantsOf(const Step &s) const
    {
        Tensors c;
        for (int in : s.in)
            c.push_back(in >= 0 ? p.fixed[static_cast<size_t>(in)] : torch::Tensor());
        return c;
    }

    void compile(Step &s)
    {
        const auto &n = g.node(s.node);
        const OpNode op(n, s.name, m.m_opset, constantsOf(s));
        s.kernel = operators().at(s.op)(op);
    }

    void compileAll()
    {
        for (auto &s : p.steps)
            compile(s);
    }

    bool allFixed(const Step &s) const
    {
        for (int in : s.in)
            if (in >= 0 && !p.fixed[static_cast<size_t>(in)].defined())
                return false;
        return true;
    }

    /// Runs every node whose inputs are all constants, once, and keeps its outputs.
    void foldConstants()
    {
        torch::NoGradGuard noGrad;
        for (auto &s : p.steps) {
            if (s.removed || s.op == "Dropout" || !allFixed(s))
                continue;
            compile(s); // with every input known, settings read at compile time
            Tensors in;
            for (int i : s.in)
                in.push_back(i >= 0 ? p.fixed[static_cast<size_t>(i)] : torch::Tensor());
            Tensors out;
            try {
                out = s.kernel(in, /*training=*/false);
            } catch (const c10::Error &e) {
                fail("node '" + s.name + "' (" + s.op + ") fails on its constant inputs: " + e.what_without_backtrace(),
                     "The model is not valid; export it again.");
            } catch (const Error &e) {
                fail("node '" + s.name + "' (" + s.op + "): " + e.what(), e.hint());
            } catch (const std::exception &e) {
                fail("node '" + s.name + "' (" + s.op + ") fails on its constant inputs: " + e.what(),
                     "The model is not valid; export it again.");
            }
            for (size_t j = 0; j < s.out.size() && j < out.size(); ++j)
                if (s.out[j] >= 0)
                    p.fixed[static_cast<size_t>(s.out[j])] =
                        out[j].is_floating_point() ? out[j].to(torch::kFloat) : out[j];
            s.removed = true;
            ++p.folded;
        }
        compactSteps();
    }

    void compactSteps()
    {
        std::vector<Step> kept;
        for (auto &s : p.steps)
            if (!s.removed)
                kept.push_back(std::move(s));
        p.steps = std::move(kept);
    }

    // 4. Dry runs on the generic executor: the graph runs, which shapes depend on the batch.
    using Shapes = std::vector<std::vector<int64_t>>;

    /// The graph input's shape with `batch` samples; free dimensions get the preprocessing's
    /// size (or 224) for images' height and width and 16 otherwise, plus `grow`.
    std::vector<int64_t> graphInputShape(int64_t batch, int64_t grow) const
    {
        auto dim = [&](int64_t declared, int64_t fallback) { return declared > 0 ? declared : fallback + grow; };
        std::vector<int64_t> shape{batch};
        if (!image()) {
            for (size_t i = 1; i < m.m_inputDims.size(); ++i)
                shape.push_back(dim(m.m_inputDims[i], 16));
            return shape;
        }
        const int64_t h = dim(height(), m.m_pre.size.empty() ? 224 : m.m_pre.size[0]);
        const int64_t w = dim(width(), m.m_pre.size.empty() ? 224 : m.m_pre.size[1]);
        return m.m_nhwc ? std::vector<int64_t>{batch, h, w, channels()} : std::vector<int64_t>{batch, channels(), h, w};
    }

    /// Runs the current steps on `input`, recording every slot's shape.
    Tensors dryRun(const torch::Tensor &input, Shapes *shapes, std::vector<bool> *recorded)
    {
        torch::NoGradGuard noGrad;
        Tensors env = p.fixed;
        env[static_cast<size_t>(p.input)] = input;
        if (shapes) {
            shapes->assign(p.names.size(), {});
            (*shapes)[static_cast<size_t>(p.input)] = input.sizes().vec();
        }
        if (recorded) {
            recorded->assign(p.names.size(), false);
            (*recorded)[static_cast<size_t>(p.input)] = true;
        }
        for (auto &s : p.steps) {
            Tensors in;
            for (int i : s.in)
                in.push_back(i >= 0 ? env[static_cast<size_t>(i)] : torch::Tensor());
            Tensors out;
            try {
                out = s.layer >= 0 ? m.runLayer(s, in) : s.kernel(in, false);
            } catch (const c10::Error &e) {
                throw Error("ONNX node '" + s.name + "' (" + s.op + "): " + e.what_without_backtrace());
            } catch (const Error &e) {
                throw Error("ONNX node '" + s.name + "' (" + s.op + "): " + e.what(), e.hint());
            } catch (const std::exception &e) {
                throw Error("ONNX node '" + s.name + "' (" + s.op + "): " + e.what());
            }
            for (size_t j = 0; j < s.out.size() && j < out.size(); ++j)
                if (s.out[j] >= 0) {
                    // One or two probe samples: a value this large is a graph that explodes.
                    if (out[j].defined() && out[j].numel() > valueLimit())
                        throw Error("ONNX node '" + s.name + "' (" + s.op + ") computes " +
                                        std::to_string(out[j].numel()) + " values from " +
                                        std::to_string(input.size(0)) + " probe sample(s), more than " +
                                        std::to_string(valueLimit()) + ".",
                                    "The model is not valid or not an image model QuantLens can run; export it again.");
                    env[static_cast<size_t>(s.out[j])] = out[j];
                    if (shapes)
                        (*shapes)[static_cast<size_t>(s.out[j])] = out[j].sizes().vec();
                    if (recorded)
                        (*recorded)[static_cast<size_t>(s.out[j])] = true;
                }
        }
        Tensors outs;
        for (int o : p.outputs)
            outs.push_back(env[static_cast<size_t>(o)]);
        return outs;
    }

    Shapes shapesA;
    std::vector<bool> recordedA; ///< which slots the first dry run computed
    Tensors outputsA;
    torch::Tensor probeA;

    void dryRuns()
    {
        const int64_t declared = m.m_inputDims[0];
        const int64_t batchA = declared > 0 ? declared : 1;
        probeA = import_detail::probeInput(graphInputShape(batchA, 0));
        try {
            outputsA = dryRun(probeA, &shapesA, &recordedA);
        } catch (const Error &e) {
            fail("it does not run on an input of shape " + import_detail::shapeText(probeA.sizes()) + ": " + e.what(),
                 e.hint().empty() ? "A shape in the graph does not work out; export the model again." : e.hint());
        }
        // A second run with twice the batch (and larger spatial dimensions where they are free)
        // tells the shapes that follow the input from those that are fixed.
        const bool spatialFree = image() && (height() < 0 || width() < 0);
        Shapes shapesB;
        bool batchFollows = false;
        try {
            const auto outsB =
                dryRun(import_detail::probeInput(graphInputShape(2 * batchA, spatialFree ? 32 : 0)), &shapesB, nullptr);
            batchFollows = true;
            for (size_t i = 0; i < outsB.size(); ++i)
                batchFollows = batchFollows && outsB[i].dim() > 0 && outputsA[i].dim() > 0 &&
                               outsB[i].size(0) == 2 * outputsA[i].size(0);
        } catch (const Error &) {
            batchFollows = false;
        }
        if (!batchFollows)
            m.m_fixedBatch = batchA; // e.g. a Reshape to [1, -1] written into the graph
        // Shape nodes whose input does not change between the runs are constants.
        for (auto &s : p.steps) {
            if (s.op != "Shape" || s.in.empty() || s.in[0] < 0)
                continue;
            const auto in = static_cast<size_t>(s.in[0]);
            if (!recordedA[in])
                continue;
            const bool fixed = !batchFollows ? !spatialFree : (shapesB.size() > in && shapesA[in] == shapesB[in]);
            if (!fixed)
                continue;
            Tensors out;
            out = s.kernel({torch::empty(shapesA[in], torch::TensorOptions().device(torch::kMeta))}, false);
            p.fixed[static_cast<size_t>(s.out[0])] = out[0];
            s.removed = true;
            ++p.folded;
        }
        compactSteps();
        foldConstants();
    }

    // 5. Layers.
    int uses(int slotId) const
    {
        int n = 0;
        for (const auto &s : p.steps)
            for (int i : s.in)
                n += i == slotId;
        for (int o : p.outputs)
            n += o == slotId;
        return n;
    }

    Step *consumer(int slotId)
    {
        for (auto &s : p.steps)
            for (int i : s.in)
                if (i == slotId)
                    return &s;
        return nullptr;
    }

    const Step *producer(int slotId) const
    {
        for (const auto &s : p.steps)
            for (int o : s.out)
                if (o == slotId && slotId >= 0)
                    return &s;
        return nullptr;
    }

    const std::vector<int64_t> &shapeOf(int slotId) const { return shapesA[static_cast<size_t>(slotId)]; }

    torch::Tensor fixedFloat(int slotId) const
    {
        if (slotId < 0)
            return {};
        const auto &t = p.fixed[static_cast<size_t>(slotId)];
        return t.defined() && t.is_floating_point() ? t : torch::Tensor();
    }

    std::set<std::string> moduleNames{"initializers", "constants"};

    void makeLayers()
    {
        for (auto &s : p.steps) {
            if (s.op != "Conv" && s.op != "ConvTranspose" && s.op != "Gemm" && s.op != "MatMul")
                continue;
            if (s.in.size() < 2 || !fixedFloat(s.in[1]).defined() || shapeOf(s.in[0]).empty())
                continue; // the weight is computed in the graph: a plain kernel
            const auto &node = g.node(s.node);
            const OpNode op(node, s.name, m.m_opset, constantsOf(s));
            LayerOrigin o;
            o.node = s.name;
            o.nodeIndex = s.node;
            o.op = s.op;
            o.input = node.input(0);
            o.output = node.output(0);
            o.weight = node.input(1);
            std::shared_ptr<models::QuantLayerImpl> layer;
            const auto w = fixedFloat(s.in[1]);
            torch::Tensor bias = s.in.size() > 2 ? fixedFloat(s.in[2]) : torch::Tensor();
            const auto inShape = shapeOf(s.in[0]);
            if (s.op == "Conv" || s.op == "ConvTranspose") {
                if ((w.dim() != 3 && w.dim() != 4) || static_cast<int64_t>(inShape.size()) != w.dim())
                    continue; // 3-D convolutions run as plain kernels
                if (s.in.size() > 2 && s.in[2] >= 0 && !bias.defined())
                    continue; // a bias computed in the graph
                if (s.in.size() > 2 && s.in[2] >= 0)
                    o.bias = node.input(2);
                s.oneD = w.dim() == 3;
                o.oneDimensional = s.oneD;
                const auto weight4 = s.oneD ? w.unsqueeze(2) : w;
                std::vector<int64_t> kernel{weight4.size(2), weight4.size(3)};
                auto lift = [&](std::vector<int64_t> v, int64_t fill) {
                    if (s.oneD && !v.empty())
                        v.insert(v.begin(), fill);
                    return v;
                };
                const int64_t groups = op.attrInt("group", 1);
                auto strides = lift(op.attrInts("strides"), 1), dilations = lift(op.attrInts("dilations"), 1);
                if (strides.empty())
                    strides = {1, 1};
                if (dilations.empty())
                    dilations = {1, 1};
                auto pads = op.attrInts("pads");
                if (s.oneD && !pads.empty())
                    pads = {0, pads[0], 0, pads[1]};
                const std::string autoPad = op.attrString("auto_pad", "NOTSET");
                if (s.op == "Conv") {
                    std::vector<int64_t> spatial(inShape.begin() + 2, inShape.end());
                    if (s.oneD)
                        spatial.insert(spatial.begin(), 1);
                    pads = autoPads(autoPad, pads, spatial, kernel, strides, dilations);
                    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")
                        s.spatial = spatial;
                    models::ConvOptions co;
                    co.in = inShape[1];
                    co.out = weight4.size(0);
                    co.groups = groups;
                    co.bias = bias.defined();
                    co.kernelHW = kernel;
                    co.strideHW = strides;
                    co.dilationHW = dilations;
                    co.pads = {pads[0], pads[1], pads[2], pads[3]};
                    auto conv = std::make_shared<models::QuantConv2dImpl>(co);
                    torch::NoGradGuard noGrad;
                    conv->weight.copy_(weight4);
                    if (bias.defined())
                        conv->bias.copy_(bias);
                    layer = conv;
                } else {
                    if (op.has("output_shape"))
                        op.fail("output_shape is not supported.",
                                "Export the model with explicit pads (PyTorch does).");
                    auto outputPadding = lift(op.attrInts("output_padding"), 0);
                    if (outputPadding.empty())
                        outputPadding = {0, 0};
                    models::ConvTransposeOptions co;
                    co.in = weight4.size(0);
                    co.out = weight4.size(1) * groups;
                    co.groups = groups;
                    co.bias = bias.defined();
                    co.kernel = kernel;
                    co.stride = strides;
                    co.dilation = dilations;
                    co.outputPadding = outputPadding;
                    co.pads = convTransposePads(autoPad, pads, kernel, strides, dilations, outputPadding);
                    auto deconv = std::make_shared<models::QuantConvTranspose2dImpl>(co);
                    torch::NoGradGuard noGrad;
                    deconv->weight.copy_(models::QuantConvTranspose2dImpl::toConvLayout(weight4, groups));
                    if (bias.defined())
                        deconv->bias.copy_(bias);
                    o.transposed = true;
                    layer = deconv;
                }
                s.in.resize(1);
            } else {
                if (w.dim() != 2)
                    continue;
                torch::Tensor weight;
                int extra = -1;
                if (s.op == "Gemm") {
                    if (inShape.size() != 2)
                        continue;
                    const bool tb = op.attrInt("transB", 0) != 0;
                    s.transA = op.attrInt("transA", 0) != 0;
                    const double alpha = op.attrFloat("alpha", 1.0), beta = op.attrFloat("beta", 1.0);
                    weight = (tb ? w : w.t()) * alpha;
                    o.transposed = !tb;
                    o.weightScale = alpha;
                    if (s.in.size() > 2 && s.in[2] >= 0) {
                        o.bias = node.input(2);
                        const auto c = fixedFloat(s.in[2]);
                        if (c.defined() && c.numel() == weight.size(0) &&
                            (c.dim() == 1 || (c.dim() == 2 && c.size(0) == 1)))
                            bias = c.flatten() * beta;
                        else {
                            bias = torch::Tensor();
                            extra = s.in[2];
                            s.extraScale = beta;
                        }
                    }
                } else { // MatMul
                    if (inShape.size() < 2)
                        continue;
                    weight = w.t();
                    bias = torch::Tensor();
                    o.transposed = true;
                }
                auto linear = std::make_shared<models::QuantLinearImpl>(weight.size(1), weight.size(0), bias.defined());
                // A Gemm over a flattened [N, C, H, W] map reads C channels of H*W positions.
                if (const Step *src = producer(s.in[0]); s.op == "Gemm" && !s.transA && src &&
                                                         (src->op == "Flatten" || src->op == "Reshape") &&
                                                         !src->in.empty() && src->in[0] >= 0) {
                    const auto &map = shapeOf(src->in[0]);
                    if (map.size() == 4 && map[1] > 0 && map[1] * map[2] * map[3] == weight.size(1))
                        linear->setFeatureChannels(map[1]);
                }
                torch::NoGradGuard noGrad;
                linear->weight.copy_(weight);
                if (bias.defined())
                    linear->bias.copy_(bias);
                layer = linear;
                s.in.resize(1);
                if (extra >= 0)
                    s.in.push_back(extra);
            }
            s.layer = static_cast<int>(p.layers.size());
            m.register_module(import_detail::moduleName(s.name, moduleNames), layer);
            p.layers.push_back(layer);
            m.m_origins.push_back(o);
        }
    }

    /// BatchNormalization right after a layer and the Add of a MatMul's bias become the layer's.
    void foldIntoLayers()
    {
        torch::NoGradGuard noGrad;
        for (auto &s : p.steps) {
            if (s.layer < 0 || s.removed)
                continue;
            auto &layer = *p.layers[static_cast<size_t>(s.layer)];
            auto &origin = m.m_origins[static_cast<size_t>(s.layer)];
            const int out = s.out[0];
            if (uses(out) != 1)
                continue;
            Step *next = consumer(out);
            if (!next || next->removed)
                continue;
            // (A Gemm whose C is added at run time keeps its BatchNorm: the sum would not fold.)
            if (next->op == "BatchNormalization" && s.op != "MatMul" && s.in.size() == 1 && next->in.size() >= 5 &&
                next->in[0] == out) {
                const auto gamma = fixedFloat(next->in[1]), beta = fixedFloat(next->in[2]);
                const auto mean = fixedFloat(next->in[3]), var = fixedFloat(next->in[4]);
                bool extraOutputs = false;
                for (size_t j = 1; j < next->out.size(); ++j)
                    extraOutputs = extraOutputs || next->out[j] >= 0;
                const int64_t channels = layer.weight.size(0);
                if (!gamma.defined() || !beta.defined() || !mean.defined() || !var.defined() || extraOutputs ||
                    gamma.numel() != channels || beta.numel() != channels || mean.numel() != channels ||
                    var.numel() != channels)
                    continue;
                const OpNode bnNode(g.node(next->node), next->name, m.m_opset, {});
                const double eps = bnNode.attrFloat("epsilon", 1e-5);
                p.bns.resize(p.layers.size());
                if (!s.oneD &&
                    (layer.kind() == models::LayerKind::Conv2d || layer.kind() == models::LayerKind::ConvTranspose2d)) {
                    // ONNX's momentum weighs the running value, PyTorch's the batch's.
                    auto bn = std::make_shared<models::FoldableBatchNorm2dImpl>(
                        channels, eps, 1.0 - bnNode.attrFloat("momentum", 0.9));
                    bn->weight.copy_(gamma);
                    bn->bias.copy_(beta);
                    bn->running_mean.copy_(mean);
                    bn->running_var.copy_(var);
                    bn->eval(); // the self-check runs on running statistics
                    m.register_module(import_detail::moduleName(next->name, moduleNames), bn);
                    p.bns[static_cast<size_t>(s.layer)] = bn;
                    s.out[0] = next->out[0];
                    origin.folded.push_back(next->name);
                    origin.output = p.names[static_cast<size_t>(next->out[0])];
                    next->removed = true;
                    ++p.folded;
                    continue;
                }
                // In double, so that the folded layer matches layer + BatchNorm to float rounding.
                const auto scale = gamma.to(torch::kDouble) / torch::sqrt(var.to(torch::kDouble) + eps);
                std::vector<int64_t> view(static_cast<size_t>(layer.weight.dim()), 1);
                view[0] = channels;
                const auto b =
                    layer.bias.defined() ? layer.bias.to(torch::kDouble) : torch::zeros({channels}, torch::kDouble);
                const auto w = layer.weight.to(torch::kDouble) * scale.view(view);
                const auto foldedBias = (b - mean.to(torch::kDouble)) * scale + beta.to(torch::kDouble);
                layer.ensureBias();
                layer.weight.copy_(w);
                layer.bias.copy_(foldedBias);
                s.out[0] = next->out[0];
                origin.folded.push_back(next->name);
                origin.output = p.names[static_cast<size_t>(next->out[0])];
                next->removed = true;
                ++p.folded;
            } else if (next->op == "Add" && s.op == "MatMul" && !layer.bias.defined() && next->in.size() == 2) {
                const int other = next->in[0] == out ? next->in[1] : next->in[0];
                const auto c = fixedFloat(other);
                if (!c.defined() || c.dim() != 1 || c.numel() != layer.weight.size(0))
                    continue;
                layer.ensureBias();
                layer.bias.copy_(c);
                s.out[0] = next->out[0];
                origin.folded.push_back(next->name);
                origin.bias = p.names[static_cast<size_t>(other)];
                origin.output = p.names[static_cast<size_t>(next->out[0])];
                next->removed = true;
                ++p.folded;
            }
        }
        compactSteps();
    }

    // 6. Constants the remaining nodes read: learned parameters, fixed buffers or settings.
    void registerConstants()
    {
        auto params = std::make_shared<torch::nn::Module>();
        auto buffers = std::make_shared<torch::nn::Module>();
        std::set<std::string> paramNames, bufferNames;
        std::map<int, bool> trainable; // slot -> learned
        for (const auto &s : p.steps) {
            if (s.layer >= 0)
                continue;
            for (size_t i = 0; i < s.in.size(); ++i) {
                const int in = s.in[i];
                if (in < 0 || !fixedFloat(in).defined() || isSettingInput(s.op, static_cast<int>(i)))
                    continue;
                const bool learn = isTrainableInput(s.op, static_cast<int>(i)) && fixedFloat(in).dim() > 0 &&
                                   fixedFloat(in).numel() > 1;
                trainable[in] = trainable[in] || learn;
            }
        }
        for (const auto &[in, learn] : trainable) {
            auto &t = p.fixed[static_cast<size_t>(in)];
            const std::string name = p.names[static_cast<size_t>(in)];
            if (learn) {
                t = params->register_parameter(import_detail::moduleName(name, paramNames), t.clone());
                p.parameters[in] = t;
            } else {
                t = buffers->register_buffer(import_detail::moduleName(name, bufferNames), t.clone());
            }
        }
        if (!paramNames.empty())
            m.register_module("initializers", params);
        if (!bufferNames.empty())
            m.register_module("constants", buffers);
    }

    // 7. Blocks, last uses, outputs.
    void finish()
    {
        // Error accumulation's blocks: every layer's output, the nodes the user names, the output.
        std::set<std::string> wanted(m.m_pre.blocks.begin(), m.m_pre.blocks.end());
        for (auto &s : p.steps) {
            const bool named = wanted.count(s.name) || (!s.out.empty() && s.out[0] >= 0 &&
                                                        wanted.count(p.names[static_cast<size_t>(s.out[0])]));
            if (named) {
                wanted.erase(s.name);
                if (!s.out.empty() && s.out[0] >= 0)
                    wanted.erase(p.names[static_cast<size_t>(s.out[0])]);
            }
            if ((s.layer >= 0 || named) && !s.out.empty() && s.out[0] >= 0) {
                s.block = static_cast<int>(m.m_blockNames.size());
                m.m_blockNames.push_back(s.name);
            }
        }
        if (!wanted.empty()) {
            std::string some;
            int k = 0;
            for (const auto &s : p.steps)
                if (k++ < 5)
                    some += (some.empty() ? "" : ", ") + s.name;
            fail("the preprocessing names block '" + *wanted.begin() + "', which is no node of the graph.",
                 "Name nodes (or their output values) as the graph has them, e.g. " + some + ".");
        }
        const bool lastIsOutput = !p.steps.empty() && p.outputs.size() == 1 && !m.m_blockNames.empty() &&
                                  p.steps.back().block >= 0 && p.steps.back().out[0] == p.outputs[0];
        if (!lastIsOutput)
            m.m_blockNames.push_back(p.outputs.size() == 1 ? p.names[static_cast<size_t>(p.outputs[0])] : "outputs");
        p.outputBlock = !lastIsOutput;
        // Constants no node reads any more (weights now held by the layers) are let go.
        std::vector<bool> read(p.names.size(), false);
        for (const auto &s : p.steps)
            for (int in : s.in)
                if (in >= 0)
                    read[static_cast<size_t>(in)] = true;
        for (int o : p.outputs)
            read[static_cast<size_t>(o)] = true;
        for (size_t v = 0; v < read.size(); ++v)
            if (!read[v] && !p.parameters.count(static_cast<int>(v)))
                p.fixed[v] = torch::Tensor();

        std::vector<int> last(p.names.size(), -1);
        for (size_t k = 0; k < p.steps.size(); ++k)
            for (int in : p.steps[k].in)
                if (in >= 0)
                    last[static_cast<size_t>(in)] = static_cast<int>(k);
        std::set<int> keep(p.outputs.begin(), p.outputs.end());
        for (size_t v = 0; v < last.size(); ++v)
            if (last[v] >= 0 && !p.fixed[v].defined() && !keep.count(static_cast<int>(v)))
                p.steps[static_cast<size_t>(last[v])].release.push_back(static_cast<int>(v));

        // What the output is: one logit per class, a distribution over a dimension, or neither.
        if (outputsA.size() == 1) {
            const auto &o = outputsA[0];
            if (o.dim() == 2)
                m.m_outputClasses = o.size(1);
            int64_t dist = -1;
            const Step *last = producer(p.outputs[0]);
            if (last && (last->op == "Softmax" || last->op == "LogSoftmax") && m.m_opset >= 13) {
                const int64_t axis = OpNode(g.node(last->node), last->name, m.m_opset, {}).attrInt("axis", -1);
                dist = axis < 0 ? axis + o.dim() : axis;
            } else if ((o.dim() == 2 || o.dim() == 4) && o.size(1) > 1) {
                dist = 1; // [N, K] scores or [N, K, H, W] per-pixel scores
            }
            m.m_distributionDim = dist;
        }
        m.setNumClasses(m.m_outputClasses);
        const auto shape = graphInputShape(1, 0);
        if (image())
            m.setInputShape({channels(), shape[m.m_nhwc ? 1 : 2], shape[m.m_nhwc ? 2 : 3]});
        else
            m.setInputShape(std::vector<int64_t>(shape.begin() + 1, shape.end()));
        m.m_agreement = m.m_pre.evaluate == "agreement" || (m.m_pre.evaluate.empty() && m.m_outputClasses <= 0);
    }

    /// The imported layers must compute what the graph computes.
    void selfCheck()
    {
        const auto outs = dryRun(probeA, nullptr, nullptr);
        for (size_t i = 0; i < outs.size(); ++i) {
            const auto &a = outs[i], &b = outputsA[i];
            if (!a.is_floating_point())
                continue;
            // Values that are not finite in both (Sqrt or Log of a negative probe) are compared
            // by where they are; the finite rest by value.
            const auto finiteA = torch::isfinite(a), finiteB = torch::isfinite(b);
            const bool samePlaces =
                torch::equal(finiteA, finiteB) && torch::equal(a.masked_select(~finiteA).nan_to_num(0, 1, -1),
                                                               b.masked_select(~finiteB).nan_to_num(0, 1, -1));
            const auto fa = a.masked_select(finiteA), fb = b.masked_select(finiteB);
            const double scale = fb.numel() ? std::max(1e-6, fb.abs().max().item<double>()) : 1.0;
            const double err = samePlaces ? (fa.numel() ? (fa - fb).abs().max().item<double>() : 0.0)
                                          : std::numeric_limits<double>::quiet_NaN();
            if (!(err <= 1e-3 * scale))
                fail("its quantizable layers compute output '" + p.names[static_cast<size_t>(p.outputs[i])] +
                         "' differently from its nodes (max error " + std::to_string(err) + ").",
                     "This is a bug in QuantLens's importer; please report it with the model.");
        }
    }

    void build()
    {
        checkModel();
        readInput();
        readGraph();
        compileAll();
        foldConstants();
        dryRuns();
        checkWithLibOnnx();
        makeLayers();
        foldIntoLayers();
        registerConstants();
        finish();
        selfCheck();
    }
};

OnnxModelImpl::OnnxModelImpl(fs::path path, ::onnx::ModelProto model, const types::Preprocessing &preprocessing)
    : QuantModelImpl("onnx", {}, 0), m_path(std::move(path)), m_model(std::move(model)), m_pre(preprocessing),
      m_program(std::make_unique<Program>())
{
    Builder(*this).build();
    finishConstruction();
    for (size_t i = 0; i < m_program->layers.size(); ++i)
        m_program->layers[i]->setLayerName(m_origins[i].node);
}

OnnxModelImpl::~OnnxModelImpl() = default;

std::vector<std::string> OnnxModelImpl::outputNames() const
{
    std::vector<std::string> out;
    for (const auto &o : m_model.graph().output())
        out.push_back(o.name());
    return out;
}

std::string OnnxModelImpl::description() const
{
    std::string s = m_path.filename().string() + ": opset " + std::to_string(m_opset) + ", " +
                    std::to_string(m_model.graph().node_size()) + " nodes, " +
                    std::to_string(m_program->layers.size()) + " quantizable layers, " +
                    std::to_string(m_program->folded) + " nodes folded at load";
    if (m_fixedBatch > 0)
        s += ", runs " + std::to_string(m_fixedBatch) + " sample(s) at a time (the graph fixes its batch)";
    return s;
}

// ---------------------------------------------------------------- running

const std::shared_ptr<models::FoldableBatchNorm2dImpl> &OnnxModelImpl::batchNormOf(int layer) const
{
    static const std::shared_ptr<models::FoldableBatchNorm2dImpl> none;
    const auto &bns = m_program->bns;
    return layer >= 0 && static_cast<size_t>(layer) < bns.size() ? bns[static_cast<size_t>(layer)] : none;
}

Tensors OnnxModelImpl::runLayer(const Step &s, const Tensors &in)
{
    auto x = in[0];
    if (s.transA)
        x = x.t();
    if (s.oneD)
        x = x.unsqueeze(2);
    if (!s.spatial.empty() && x.dim() == 4 && (x.size(2) != s.spatial[0] || x.size(3) != s.spatial[1]))
        throw Error("its SAME padding was worked out for inputs of " + std::to_string(s.spatial[0]) + "×" +
                        std::to_string(s.spatial[1]) + ", not " + std::to_string(x.size(2)) + "×" +
                        std::to_string(x.size(3)) + ".",
                    "Feed the model the input size its graph declares.");
    auto y = m_program->layers[static_cast<size_t>(s.layer)]->forward(x);
    if (const auto &bn = batchNormOf(s.layer))
        y = bn->forward(y);
    if (s.oneD)
        y = y.squeeze(2);
    if (in.size() > 1 && in[1].defined())
        y = y + in[1].to(y.device()) * s.extraScale;
    return {y};
}

std::vector<torch::Tensor> OnnxModelImpl::execute(const torch::Tensor &input, std::vector<torch::Tensor> *blocks)
{
    const auto &p = *m_program;
    Tensors env = p.fixed;
    env[static_cast<size_t>(p.input)] = input;
    const bool training = is_training();
    Tensors in;
    for (const auto &s : p.steps) {
        in.assign(s.in.size(), torch::Tensor());
        for (size_t i = 0; i < s.in.size(); ++i)
            if (s.in[i] >= 0)
                in[i] = env[static_cast<size_t>(s.in[i])];
        Tensors out;
        try {
            out = s.layer >= 0 ? runLayer(s, in) : s.kernel(in, training);
        } catch (const c10::Error &e) {
            throw Error("ONNX node '" + s.name + "' (" + s.op + ") of '" + m_path.filename().string() +
                            "': " + e.what_without_backtrace(),
                        "The input does not fit the graph; check the model's input shape and preprocessing.");
        } catch (const Error &e) {
            throw Error("ONNX node '" + s.name + "' (" + s.op + ") of '" + m_path.filename().string() +
                            "': " + e.what(),
                        e.hint());
        } catch (const std::exception &e) {
            throw Error("ONNX node '" + s.name + "' (" + s.op + ") of '" + m_path.filename().string() +
                            "': " + e.what(),
                        "The input does not fit the graph; check the model's input shape and preprocessing.");
        }
        for (size_t j = 0; j < s.out.size() && j < out.size(); ++j)
            if (s.out[j] >= 0)
                env[static_cast<size_t>(s.out[j])] = std::move(out[j]);
        if (blocks && s.block >= 0)
            blocks->push_back(env[static_cast<size_t>(s.out[0])]);
        for (int r : s.release)
            env[static_cast<size_t>(r)] = torch::Tensor();
    }
    std::vector<torch::Tensor> outs;
    for (int o : p.outputs)
        outs.push_back(env[static_cast<size_t>(o)]);
    return outs;
}

std::vector<torch::Tensor> OnnxModelImpl::runGraph(const torch::Tensor &input)
{
    if (m_fixedBatch <= 0 || input.size(0) == m_fixedBatch)
        return execute(input, nullptr);
    std::vector<std::vector<torch::Tensor>> parts;
    for (int64_t s = 0; s < input.size(0); s += m_fixedBatch) {
        auto chunk = input.slice(0, s, s + m_fixedBatch);
        const int64_t real = chunk.size(0);
        if (real < m_fixedBatch) { // pad the last chunk, then drop the padding's results
            std::vector<int64_t> pad(static_cast<size_t>(2 * chunk.dim()), 0);
            pad.back() = m_fixedBatch - real;
            chunk = torch::constant_pad_nd(chunk, pad);
        }
        auto outs = execute(chunk, nullptr);
        for (size_t i = 0; i < outs.size(); ++i) {
            if (parts.size() <= i)
                parts.emplace_back();
            parts[i].push_back(outs[i].slice(0, 0, real));
        }
    }
    std::vector<torch::Tensor> outs;
    for (auto &p : parts)
        outs.push_back(torch::cat(p, 0));
    return outs;
}

torch::Tensor OnnxModelImpl::run(const torch::Tensor &x, std::vector<torch::Tensor> *blocks)
{
    const auto input = adaptInput(x);
    auto combine = [](const std::vector<torch::Tensor> &outs) {
        if (outs.size() == 1)
            return outs[0];
        std::vector<torch::Tensor> flat;
        for (const auto &o : outs)
            flat.push_back(o.flatten(1).to(torch::kFloat));
        return torch::cat(flat, 1);
    };
    const bool outputBlock = m_program->outputBlock;
    if (m_fixedBatch <= 0 || input.size(0) == m_fixedBatch) {
        auto out = combine(execute(input, blocks));
        if (blocks && outputBlock)
            blocks->push_back(out);
        return out;
    }
    if (!blocks)
        return combine(runGraph(input));
    // Sample by sample (the graph fixes its batch): every block's pieces joined.
    std::vector<std::vector<torch::Tensor>> pieces;
    std::vector<torch::Tensor> outs;
    for (int64_t s = 0; s < input.size(0); s += m_fixedBatch) {
        auto chunk = input.slice(0, s, s + m_fixedBatch);
        const int64_t real = chunk.size(0);
        if (real < m_fixedBatch) {
            std::vector<int64_t> pad(static_cast<size_t>(2 * chunk.dim()), 0);
            pad.back() = m_fixedBatch - real;
            chunk = torch::constant_pad_nd(chunk, pad);
        }
        std::vector<torch::Tensor> b;
        auto out = combine(execute(chunk, &b)).slice(0, 0, real);
        outs.push_back(out);
        if (outputBlock)
            b.push_back(out);
        for (size_t i = 0; i < b.size(); ++i) {
            if (pieces.size() <= i)
                pieces.emplace_back();
            pieces[i].push_back(b[i].slice(0, 0, real));
        }
    }
    for (auto &p : pieces)
        blocks->push_back(torch::cat(p, 0));
    return torch::cat(outs, 0);
}

// ---------------------------------------------------------------- preprocessing

void OnnxModelImpl::adaptToData(const data::Normalization &norm, const std::vector<int64_t> &chw, int64_t classes)
{
    const std::string model = "ONNX model '" + m_path.filename().string() + "'";
    if (m_inputDims.size() != 4)
        throw Error(model + ": its input '" + m_inputName + "' " + import_detail::shapeText(m_inputDims) +
                        " has rank " + std::to_string(m_inputDims.size()) +
                        "; data sets feed images as [N, C, H, W] (or NHWC).",
                    "Export the model with a 4-D image input.");
    const int64_t c = defaultInputShape()[0];
    const int64_t gh = m_nhwc ? m_inputDims[1] : m_inputDims[2];
    const int64_t gw = m_nhwc ? m_inputDims[2] : m_inputDims[3];
    const std::string sideFile = preprocessingPathFor(m_path).filename().string();
    if (chw.size() != 3)
        throw Error(model + ": the data's images have no {C, H, W} shape.");
    if (chw[0] != c)
        throw Error(model + ": its input '" + m_inputName + "' " + import_detail::shapeText(m_inputDims) + " takes " +
                        std::to_string(c) + "-channel images, but the data has " + std::to_string(chw[0]) +
                        "-channel images (" + import_detail::shapeText(chw) + ").",
                    "Open a data set with " + std::to_string(c) +
                        "-channel images (an image folder loads colour "
                        "images as 3 channels), or a model for this data.");
    std::vector<int64_t> size = m_pre.size;
    if (size.empty()) {
        const int64_t h = gh > 0 ? gh : chw[1], w = gw > 0 ? gw : chw[2];
        if (h != chw[1] || w != chw[2])
            throw Error(model + ": its input '" + m_inputName + "' " + import_detail::shapeText(m_inputDims) +
                            " takes " + std::to_string(h) + "×" + std::to_string(w) + " images, but the data's are " +
                            std::to_string(chw[1]) + "×" + std::to_string(chw[2]) + ".",
                        "Resize them: put {\"size\": [" + std::to_string(h) + ", " + std::to_string(w) + "]} in '" +
                            sideFile + "' beside the model, or pass --input-size " + std::to_string(h) + "," +
                            std::to_string(w) + ".");
        size = {h, w};
    } else if ((gh > 0 && size[0] != gh) || (gw > 0 && size[1] != gw)) {
        throw Error(model + ": the preprocessing resizes images to " + std::to_string(size[0]) + "×" +
                        std::to_string(size[1]) + ", but its input '" + m_inputName + "' is " +
                        import_detail::shapeText(m_inputDims) + ".",
                    "Give the size the graph's input has.");
    }
    if (!m_pre.mean.empty() && static_cast<int64_t>(m_pre.mean.size()) != c)
        throw Error(model + ": the preprocessing gives " + std::to_string(m_pre.mean.size()) + " mean values for " +
                        std::to_string(c) + " channels.",
                    "Give one mean and one std per channel.");
    if (m_pre.channelOrder == "bgr" && c != 3)
        throw Error(model + ": channel order 'bgr' needs 3 channels, the input has " + std::to_string(c) + ".");
    if (norm.mean.size() != static_cast<size_t>(c) || norm.std.size() != static_cast<size_t>(c))
        throw Error(model + ": the data's normalisation does not have one value per channel.");

    // The data's normalised images back to [0, 1], to the model's units, normalised its way:
    // one affine map per channel (the identity when the model takes the data's normalisation).
    const double scale = m_pre.scale > 0 ? m_pre.scale : 1.0;
    const bool ownNorm = !m_pre.mean.empty() || m_pre.scale > 0;
    std::vector<float> a(static_cast<size_t>(c), 1.0f), b(static_cast<size_t>(c), 0.0f);
    bool identity = true;
    if (ownNorm)
        for (int64_t i = 0; i < c; ++i) {
            const auto k = static_cast<size_t>(i);
            // The model's channel i is the data's channel i, or 2 - i in BGR order.
            const auto src = m_pre.channelOrder == "bgr" ? static_cast<size_t>(c - 1 - i) : k;
            const double mean = m_pre.mean.empty() ? 0.0 : m_pre.mean[k];
            const double sd = m_pre.std.empty() ? 1.0 : m_pre.std[k];
            a[src] = static_cast<float>(norm.std[src] * scale / sd);
            b[src] = static_cast<float>((norm.mean[src] * scale - mean) / sd);
            (void)src;
        }
    for (int64_t i = 0; i < c; ++i)
        identity = identity && a[static_cast<size_t>(i)] == 1.0f && b[static_cast<size_t>(i)] == 0.0f;
    m_adaptScale = torch::tensor(a).reshape({1, c, 1, 1});
    m_adaptShift = torch::tensor(b).reshape({1, c, 1, 1});
    m_adaptBgr = m_pre.channelOrder == "bgr";
    m_adaptSize = (size[0] == chw[1] && size[1] == chw[2] && m_pre.size.empty()) ? std::vector<int64_t>{} : size;
    m_adaptIdentity = identity && !m_adaptBgr && m_adaptSize.empty() && !m_nhwc;

    if (m_pre.evaluate == "labels") {
        if (m_outputClasses != classes)
            throw Error(model + " is to be judged by labels, but its output has " +
                            (m_outputClasses > 0 ? std::to_string(m_outputClasses) + " classes"
                                                 : std::string("no [N, classes] shape")) +
                            " and the data has " + std::to_string(classes) + ".",
                        "Judge it by agreement with its FP32 output (\"evaluate\": \"agreement\"), or open data "
                        "with its classes.");
        m_agreement = false;
    } else {
        m_agreement = m_pre.evaluate == "agreement" || m_outputClasses != classes;
    }
}

torch::Tensor OnnxModelImpl::adaptInput(const torch::Tensor &x) const
{
    if (m_adaptIdentity || x.dim() != 4)
        return x;
    auto y = x;
    if (m_adaptScale.defined()) {
        const auto s = m_adaptScale.to(x.device()), b = m_adaptShift.to(x.device());
        if (s.size(1) == x.size(1))
            y = y * s + b;
    }
    // Bilinear resizing commutes with the per-channel affine map, so it can come after it.
    const std::vector<int64_t> target = m_adaptSize;
    if (!target.empty() && (y.size(2) != target[0] || y.size(3) != target[1]))
        y = data::resize(y, target[0], target[1]);
    if (m_adaptBgr)
        y = y.flip(1);
    if (m_nhwc)
        y = y.permute({0, 2, 3, 1}).contiguous();
    return y;
}

// ---------------------------------------------------------------- the graph as it computes now

::onnx::ModelProto OnnxModelImpl::currentGraph() const
{
    const auto &p = *m_program;
    ::onnx::ModelProto out = m_model;
    auto *g = out.mutable_graph();
    std::map<std::string, int> initIndex;
    for (int i = 0; i < g->initializer_size(); ++i)
        initIndex[g->initializer(i).name()] = i;
    std::set<std::string> names;
    for (const auto &n : g->node())
        for (const auto &o : n.output())
            names.insert(o);
    for (const auto &t : g->initializer())
        names.insert(t.name());
    for (const auto &v : g->input())
        names.insert(v.name());
    // Uses of every value in the original graph, to tell an initializer a node owns.
    std::map<std::string, int> useCount;
    for (const auto &n : g->node())
        for (const auto &in : n.input())
            ++useCount[in];
    auto fresh = [&](const std::string &base) {
        std::string name = base;
        for (int i = 2; names.count(name); ++i)
            name = base + "_" + std::to_string(i);
        names.insert(name);
        return name;
    };
    auto put = [&](const std::string &name, const torch::Tensor &value) {
        auto t = fromTensor(value.detach().to(torch::kCPU, torch::kFloat).contiguous(), name);
        if (const auto it = initIndex.find(name); it != initIndex.end())
            *g->mutable_initializer(it->second) = t;
        else {
            initIndex[name] = g->initializer_size();
            *g->add_initializer() = t;
        }
    };
    // A value this node alone reads and that is an initializer keeps its name; others get a new one.
    auto ownName = [&](const std::string &current, const std::string &base) {
        if (!current.empty() && initIndex.count(current) && useCount[current] == 1)
            return current;
        return fresh(base);
    };
    auto setAttr = [](::onnx::NodeProto *n, const std::string &attr, float v) {
        for (auto &a : *n->mutable_attribute())
            if (a.name() == attr) {
                a.set_f(v);
                return;
            }
        auto *a = n->add_attribute();
        a->set_name(attr);
        a->set_type(::onnx::AttributeProto::FLOAT);
        a->set_f(v);
    };
    std::set<int> dropped;
    std::map<std::string, int> nodeByName;
    for (int i = 0; i < g->node_size(); ++i)
        nodeByName[Builder::nodeName(g->node(i), i)] = i;
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < p.layers.size(); ++i) {
        const auto &layer = *p.layers[i];
        const auto &o = m_origins[i];
        auto *node = g->mutable_node(o.nodeIndex);
        torch::Tensor w = layer.weight.detach();
        torch::Tensor bias = layer.bias.defined() ? layer.bias.detach() : torch::Tensor();
        if (const auto &bn = batchNormOf(static_cast<int>(i)))
            std::tie(w, bias) = models::foldBatchNormParams(w, bias, *bn);
        if (o.op == "ConvTranspose")
            w = models::QuantConvTranspose2dImpl::toTransposedLayout(
                w, static_cast<const models::QuantConvTranspose2dImpl &>(layer).options().groups);
        if (o.oneDimensional)
            w = w.squeeze(2);
        if (o.op == "Gemm" && o.transposed)
            w = w.t();
        if (o.op == "MatMul")
            w = w.t();
        const std::string wName = ownName(node->input(1), o.node + ".weight");
        put(wName, w);
        node->set_input(1, wName);
        if (o.op == "Gemm")
            setAttr(node, "alpha", 1.0f);
        // The node's output is what the folded nodes produced.
        for (const auto &f : o.folded)
            if (const auto it = nodeByName.find(f); it != nodeByName.end())
                dropped.insert(it->second);
        node->set_output(0, o.output);
        if (!bias.defined())
            continue;
        const std::string current = node->input_size() > 2 ? node->input(2) : std::string();
        if (o.op == "MatMul") {
            // MatMul has no bias input: it becomes a Gemm-free Add again.
            const std::string mid = fresh(o.node + "_out");
            node->set_output(0, mid);
            auto *add = g->add_node();
            add->set_name(o.node + "/bias");
            add->set_op_type("Add");
            add->add_input(mid);
            const std::string bName = fresh(o.node + ".bias");
            put(bName, bias);
            add->add_input(bName);
            add->add_output(o.output);
            continue;
        }
        const std::string bName = ownName(current, o.node + ".bias");
        put(bName, bias);
        while (node->input_size() < 3)
            node->add_input("");
        node->set_input(2, bName);
        if (o.op == "Gemm")
            setAttr(node, "beta", 1.0f);
    }
    // Learned parameters: their current values, for every node that reads them.
    std::map<int, std::string> paramName;
    for (const auto &[slotId, tensor] : p.parameters) {
        const auto &name = p.names[static_cast<size_t>(slotId)];
        const std::string n = p.isInitializer[static_cast<size_t>(slotId)] ? name : fresh(name + "_learned");
        put(n, tensor);
        paramName[slotId] = n;
    }
    if (!paramName.empty()) {
        // Map every value name to its slot through the Identity aliases.
        std::map<std::string, std::string> alias;
        for (const auto &n : g->node())
            if (n.op_type() == "Identity")
                alias[n.output(0)] = n.input(0);
        auto root = [&](std::string v) {
            for (int guard = 0; alias.count(v) && guard < 10000; ++guard)
                v = alias[v];
            return v;
        };
        std::map<std::string, std::string> rename;
        for (const auto &[slotId, n] : paramName)
            rename[p.names[static_cast<size_t>(slotId)]] = n;
        for (int i = 0; i < g->node_size(); ++i) {
            if (dropped.count(i))
                continue;
            auto *node = g->mutable_node(i);
            if (node->op_type() == "Identity")
                continue;
            for (int k = 0; k < node->input_size(); ++k)
                if (const auto it = rename.find(root(node->input(k))); it != rename.end())
                    node->set_input(k, it->second);
        }
    }
    // Drop the folded nodes, then everything no output needs.
    ::onnx::GraphProto kept = *g;
    kept.clear_node();
    for (int i = 0; i < g->node_size(); ++i)
        if (!dropped.count(i))
            *kept.add_node() = g->node(i);
    std::set<std::string> live;
    for (const auto &o : kept.output())
        live.insert(o.name());
    // Until nothing changes: an added bias Add stands after the nodes that read its output.
    std::vector<bool> keepNode(static_cast<size_t>(kept.node_size()), false);
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = kept.node_size() - 1; i >= 0; --i) {
            const auto &n = kept.node(i);
            if (keepNode[static_cast<size_t>(i)])
                continue;
            bool needed = false;
            for (const auto &o : n.output())
                needed = needed || live.count(o);
            if (!needed)
                continue;
            keepNode[static_cast<size_t>(i)] = true;
            changed = true;
            for (const auto &in : n.input())
                live.insert(in);
        }
    }
    ::onnx::GraphProto pruned = kept;
    pruned.clear_node();
    // The layer nodes came first in the original order; an added bias Add must follow its MatMul.
    std::vector<const ::onnx::NodeProto *> order;
    for (int i = 0; i < kept.node_size(); ++i)
        if (keepNode[static_cast<size_t>(i)])
            order.push_back(&kept.node(i));
    std::vector<const ::onnx::NodeProto *> sorted;
    std::set<std::string> available;
    for (const auto &v : kept.input())
        available.insert(v.name());
    for (const auto &t : kept.initializer())
        available.insert(t.name());
    std::vector<bool> placed(order.size(), false);
    for (size_t done = 0, guard = 0; done < order.size() && guard <= order.size(); ++guard)
        for (size_t i = 0; i < order.size(); ++i) {
            if (placed[i])
                continue;
            bool ready = true;
            for (const auto &in : order[i]->input())
                ready = ready && (in.empty() || available.count(in));
            if (!ready)
                continue;
            placed[i] = true;
            ++done;
            sorted.push_back(order[i]);
            for (const auto &o : order[i]->output())
                available.insert(o);
        }
    for (const auto *n : sorted)
        *pruned.add_node() = *n;
    pruned.clear_initializer();
    for (const auto &t : kept.initializer())
        if (live.count(t.name()))
            *pruned.add_initializer() = t;
    pruned.clear_input();
    for (const auto &v : kept.input())
        if (v.name() == m_inputName || live.count(v.name()))
            *pruned.add_input() = v;
    pruned.clear_value_info();
    *out.mutable_graph() = pruned;
    return out;
}

// ---------------------------------------------------------------- the graph for the exporters

int64_t OnnxModelImpl::graphOpset() const { return std::max<int64_t>(13, m_opset); }

namespace {

/// A node attribute as the exporters' graph holds it; a graph attribute is refused.
models::GraphAttribute graphAttribute(const ::onnx::AttributeProto &a, const std::string &where)
{
    using A = ::onnx::AttributeProto;
    switch (a.type()) {
    case A::INT: return {a.name(), a.i()};
    case A::FLOAT: return {a.name(), a.f()};
    case A::STRING: return {a.name(), a.s()};
    case A::INTS: return {a.name(), std::vector<int64_t>(a.ints().begin(), a.ints().end())};
    case A::FLOATS: return {a.name(), std::vector<float>(a.floats().begin(), a.floats().end())};
    case A::TENSOR: return {a.name(), toTensor(a.t(), "attribute '" + a.name() + "' of " + where)};
    default:
        throw Error(where + ": attribute '" + a.name() + "' is of a kind QuantLens cannot write back.",
                    "Export the original model again without it.");
    }
}

} // namespace

void OnnxModelImpl::emitGraph(models::GraphEmitter &g)
{
    const auto &p = *m_program;
    const std::string model = "ONNX model '" + m_path.string() + "'";
    auto fail = [&](const std::string &problem, const std::string &hint) -> void {
        throw Error("Cannot export " + model + ": " + problem, hint);
    };
    if (p.outputs.size() != 1)
        fail("it has " + std::to_string(p.outputs.size()) + " outputs, and an export has one.",
             "Export a graph whose only output is the one to deploy.");
    auto ints = [&](std::vector<int64_t> v, const std::string &name) {
        return g.constant(torch::tensor(v, torch::kLong), name);
    };

    // The data set's normalised NCHW images, adapted to the graph's input as adaptInput() does.
    std::string x = g.input();
    if (!m_adaptIdentity) {
        if (m_adaptScale.defined()) {
            x = g.op("Mul", {x, g.constant(m_adaptScale.to(torch::kFloat), "input_adapt_scale")}, {},
                     "input_adapt/Mul");
            x = g.op("Add", {x, g.constant(m_adaptShift.to(torch::kFloat), "input_adapt_shift")}, {},
                     "input_adapt/Add");
        }
        const auto &chw = defaultInputShape();
        if (!m_adaptSize.empty() && chw.size() == 3 && (m_adaptSize[0] != chw[1] || m_adaptSize[1] != chw[2]))
            fail("its input is resized from the data's " + std::to_string(chw[1]) + "x" + std::to_string(chw[2]) +
                     " images to " + std::to_string(m_adaptSize[0]) + "x" + std::to_string(m_adaptSize[1]) +
                     ", which the exported file would have to repeat.",
                 "Resize the data to the model's input size before exporting, or export the model at the data's size.");
        if (m_adaptBgr)
            x = g.op("Slice",
                     {x, ints({-1}, "input_adapt_bgr_starts"),
                      ints({std::numeric_limits<int64_t>::min()}, "input_adapt_bgr_ends"),
                      ints({1}, "input_adapt_bgr_axes"), ints({-1}, "input_adapt_bgr_steps")},
                     {}, "input_adapt/ToBgr");
        if (m_nhwc)
            x = g.op("Transpose", {x}, {{"perm", std::vector<int64_t>{0, 2, 3, 1}}}, "input_adapt/ToNhwc");
    }

    std::map<int, std::string> value{{p.input, x}};
    auto in = [&](int slot) -> std::string {
        if (slot < 0)
            return {};
        if (const auto it = value.find(slot); it != value.end())
            return it->second;
        const auto &name = p.names[static_cast<size_t>(slot)];
        torch::Tensor t;
        if (const auto it = p.parameters.find(slot); it != p.parameters.end())
            t = it->second;
        else
            t = p.fixed[static_cast<size_t>(slot)];
        if (!t.defined())
            fail("value '" + name + "' is read before anything computes it.", "Export the original model again.");
        return value[slot] = g.constant(t.detach().to(torch::kCPU).contiguous(), name);
    };

    const bool old = m_opset < 13;
    for (const auto &s : p.steps) {
        if (s.layer >= 0) {
            auto &layer = *p.layers[static_cast<size_t>(s.layer)];
            const auto &o = m_origins[static_cast<size_t>(s.layer)];
            std::string h = in(s.in[0]);
            if (s.transA)
                h = g.op("Transpose", {h}, {{"perm", std::vector<int64_t>{1, 0}}}, o.node + "/TransA");
            if (s.oneD)
                h = g.op("Unsqueeze", {h, ints({2}, o.node + ".to_2d_axes")}, {}, o.node + "/To2d");
            std::string lead;
            if (o.op == "MatMul") {
                // Gemm takes rows: [..., in] -> [rows, in], and back to [..., out] after it.
                lead = g.op("Slice",
                            {g.op("Shape", {h}, {}, o.node + "/Shape"), ints({0}, o.node + ".lead_starts"),
                             ints({-1}, o.node + ".lead_ends")},
                            {}, o.node + "/LeadingDims");
                h = g.op("Reshape", {h, ints({-1, layer.weight.size(1)}, o.node + ".rows_shape")}, {},
                         o.node + "/Rows");
            }
            std::string y = g.layer(layer, h, batchNormOf(s.layer).get());
            if (o.op == "MatMul")
                y = g.op("Reshape",
                         {y, g.op("Concat", {lead, ints({layer.weight.size(0)}, o.node + ".out_features")},
                                  {{"axis", int64_t{0}}}, o.node + "/OutShape")},
                         {}, o.node + "/Unrows");
            if (s.oneD)
                y = g.op("Squeeze", {y, ints({2}, o.node + ".to_1d_axes")}, {}, o.node + "/To1d");
            if (s.in.size() > 1 && s.in[1] >= 0) {
                std::string c = in(s.in[1]);
                if (s.extraScale != 1.0)
                    c = g.op("Mul", {c, g.constant(torch::tensor(static_cast<float>(s.extraScale)), o.node + ".beta")},
                             {}, o.node + "/Beta");
                y = g.op("Add", {y, c}, {}, o.node + "/C");
            }
            value[s.out[0]] = y;
            continue;
        }
        const auto &node = m_model.graph().node(s.node);
        const std::string where = "node '" + s.name + "' (" + s.op + ")";
        std::vector<std::string> inputs;
        for (int i : s.in)
            inputs.push_back(in(i));
        std::vector<models::GraphAttribute> attrs;
        for (const auto &a : node.attribute())
            attrs.push_back(graphAttribute(a, where + " of " + model));
        auto take = [&](const std::string &name) -> std::optional<models::GraphAttribute> {
            for (auto it = attrs.begin(); it != attrs.end(); ++it)
                if (it->name == name) {
                    auto a = *it;
                    attrs.erase(it);
                    return a;
                }
            return std::nullopt;
        };
        // An attribute that became an input at opset 10-13: a constant input now.
        auto attrToInput = [&](const std::string &name, size_t position, bool floats) {
            const auto a = take(name);
            if (!a)
                return;
            while (inputs.size() < position)
                inputs.emplace_back();
            const std::string c =
                floats ? g.constant(torch::tensor(a->f()), s.name + "." + name) : ints(a->ints(), s.name + "." + name);
            if (inputs.size() == position)
                inputs.push_back(c);
            else
                inputs[position] = c;
        };
        std::string type = s.op;
        if (s.op == "Dropout") {
            // Inference: the identity (its mask output is not written).
            type = "Identity";
            inputs.resize(1);
            attrs.clear();
        } else if (old) {
            if (s.op == "Clip") {
                attrToInput("min", 1, true);
                attrToInput("max", 2, true);
            } else if (s.op == "Squeeze" || s.op == "Unsqueeze") {
                attrToInput("axes", 1, false);
            } else if (s.op == "Split") {
                attrToInput("split", 1, false);
            } else if (s.op == "Pad" && m_opset < 11) {
                const auto value = take("value");
                attrToInput("pads", 1, false);
                if (value)
                    inputs.push_back(g.constant(torch::tensor(value->f()), s.name + ".value"));
            } else if (s.op == "Slice" && m_opset < 10) {
                for (const auto &[name, position] :
                     std::vector<std::pair<std::string, size_t>>{{"starts", 1}, {"ends", 2}, {"axes", 3}})
                    attrToInput(name, position, false);
            } else if (s.op == "Upsample" || (s.op == "Resize" && m_opset < 11)) {
                // Opset 9/10 scaling: asymmetric coordinates, nearest rounds down.
                type = "Resize";
                inputs = {inputs.at(0), std::string(), inputs.at(1)};
                const auto mode = take("mode");
                attrs = {{"mode", mode ? std::get<std::string>(mode->value) : std::string("nearest")},
                         {"coordinate_transformation_mode", std::string("asymmetric")},
                         {"nearest_mode", std::string("floor")}};
            } else if (s.op == "Softmax") {
                // Before opset 13: the input flattened to 2-D at `axis` (default 1), softmax per row.
                const auto axis = take("axis");
                const int64_t a = axis ? axis->i() : 1;
                const std::string shape = g.op("Shape", {inputs.at(0)}, {}, s.name + "/Shape");
                const std::string flat = g.op("Flatten", {inputs.at(0)}, {{"axis", a}}, s.name + "/Flatten");
                const std::string soft = g.op("Softmax", {flat}, {{"axis", int64_t{1}}}, s.name);
                value[s.out[0]] = g.op("Reshape", {soft, shape}, {}, s.name + "/Reshape");
                continue;
            } else if (s.op == "BatchNormalization") {
                take("spatial");
                take("consumed_inputs");
            }
        }
        size_t outputs = 0;
        for (size_t j = 0; j < s.out.size(); ++j)
            if (s.out[j] >= 0)
                outputs = j + 1;
        if (type == "Identity")
            outputs = 1;
        const auto names = g.ops(type, inputs, std::max<size_t>(outputs, 1), attrs, s.name);
        for (size_t j = 0; j < s.out.size() && j < names.size(); ++j)
            if (s.out[j] >= 0)
                value[s.out[j]] = names[j];
    }
    g.output(in(p.outputs.front()));
}

// ---------------------------------------------------------------- entry points

OnnxModel importModel(const fs::path &path, const types::Preprocessing &preprocessing)
{
    auto proto = readModel(path);
    return std::make_shared<OnnxModelImpl>(path, std::move(proto), preprocessing);
}

std::vector<std::string> supportedOperators()
{
    std::vector<std::string> out;
    for (const auto &[name, compiler] : operators())
        out.push_back(name);
    return out;
}

} // namespace ql::core::onnx
