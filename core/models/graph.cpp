#include "core/models/graph.h"

#include "core/common/error.h"
#include "core/models/quant_model.h"

#include <algorithm>
#include <set>

namespace ql::core::models {

const GraphAttribute *GraphNode::attribute(const std::string &attrName) const
{
    for (const auto &a : attributes)
        if (a.name == attrName)
            return &a;
    return nullptr;
}

const GraphNode *Graph::producer(const std::string &value) const
{
    for (const auto &n : nodes)
        for (const auto &o : n.outputs)
            if (o == value)
                return &n;
    return nullptr;
}

std::string GraphRecorder::unique(const std::string &base)
{
    const int n = m_used[base]++;
    return n == 0 ? base : base + "_" + std::to_string(n);
}

std::string GraphRecorder::input()
{
    if (m_graph.input.empty())
        m_graph.input = unique("input");
    return m_graph.input;
}

std::string GraphRecorder::layer(QuantLayerImpl &l, const std::string &x, const FoldableBatchNorm2dImpl *bn)
{
    GraphNode n;
    n.type = "QuantLayer";
    n.name = unique(l.layerName());
    n.inputs = {x};
    n.outputs = {unique(l.layerName() + "/out")};
    n.layer = &l;
    n.bn = (bn && !bn->folded()) ? bn : nullptr;
    m_graph.nodes.push_back(n);
    return n.outputs.front();
}

std::string GraphRecorder::op(const std::string &type, const std::vector<std::string> &inputs,
                              const std::vector<GraphAttribute> &attributes, const std::string &name)
{
    return ops(type, inputs, 1, attributes, name).front();
}

std::vector<std::string> GraphRecorder::ops(const std::string &type, const std::vector<std::string> &inputs,
                                            size_t outputs, const std::vector<GraphAttribute> &attributes,
                                            const std::string &name)
{
    GraphNode n;
    n.type = type;
    n.name = unique(name.empty() ? type : name);
    n.inputs = inputs;
    const std::string base = name.empty() ? type + "_out" : name + "/out";
    for (size_t i = 0; i < std::max<size_t>(outputs, 1); ++i)
        n.outputs.push_back(unique(i == 0 ? base : base + std::to_string(i)));
    n.attributes = attributes;
    m_graph.nodes.push_back(n);
    return m_graph.nodes.back().outputs;
}

std::string GraphRecorder::constant(const torch::Tensor &value, const std::string &name)
{
    const std::string key = unique(name);
    m_graph.constants[key] = value.detach().to(torch::kCPU).clone();
    return key;
}

void GraphRecorder::output(const std::string &value) { m_graph.output = value; }

Graph recordGraph(QuantModelImpl &model)
{
    GraphRecorder recorder;
    model.emitGraph(recorder);
    Graph g = recorder.take();
    if (g.input.empty() || g.output.empty())
        throw Error("Model '" + model.archName() + "' described a graph without " +
                        (g.input.empty() ? "an input" : "an output") + ".",
                    "Its emitGraph() must call input() and output().");
    std::set<std::string> known{g.input};
    for (const auto &c : g.constants)
        known.insert(c.first);
    for (const auto &n : g.nodes) {
        for (const auto &in : n.inputs)
            if (!in.empty() && !known.count(in))
                throw Error("Model '" + model.archName() + "': node '" + n.name + "' uses '" + in +
                                "' before anything produces it.",
                            "Emit the graph's nodes in execution order.");
        for (const auto &o : n.outputs)
            known.insert(o);
    }
    if (!known.count(g.output))
        throw Error("Model '" + model.archName() + "': the output '" + g.output + "' is never produced.");
    return g;
}

} // namespace ql::core::models
