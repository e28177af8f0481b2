// The executor's operators against ONNX Runtime, one small graph per operator and attribute
// form, in the forms of the opsets that changed them (Clip, Squeeze/Unsqueeze, Split, Slice, Pad,
// Resize/Upsample, the reductions, Softmax) from opset 9 to 21.
#include "core/onnx/onnx_model.h"
#include "core/onnx/onnx_ops.h"
#include "tests/core/onnx/onnx_support.h"
#include "tests/support/testmain.h"

#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

using namespace ql::test::onnx;
namespace qonnx = ql::core::onnx;

namespace {

/// One graph: an input "x" of `shape`, nodes added by `build`, an output "y".
struct OpCase {
    std::string name;
    int64_t opset;
    std::vector<int64_t> shape;
    std::function<void(GraphBuilder &)> build;
    std::string inputKind = "randn"; ///< "randn", or "positive" (for Sqrt, Log, Pow)
};

torch::Tensor i64(std::vector<int64_t> v) { return torch::tensor(v, torch::kLong); }
torch::Tensor f32(std::vector<float> v) { return torch::tensor(v, torch::kFloat); }

std::vector<OpCase> cases()
{
    std::vector<OpCase> c;
    auto unary = [&](const std::string &op, int64_t opset, std::string kind = "randn") {
        c.push_back({op + "_" + std::to_string(opset),
                     opset,
                     {2, 3, 4, 5},
                     [op](GraphBuilder &g) { g.node(op, {"x"}, {"y"}); },
                     kind});
    };
    for (const char *op : {"Relu", "Sigmoid", "Tanh", "Erf", "Exp", "Neg", "Abs", "Floor", "Ceil", "Softplus"})
        unary(op, 13);
    unary("Sqrt", 13, "positive");
    unary("Log", 13, "positive");
    unary("HardSwish", 14);
    unary("Mish", 18);
    c.push_back({"LeakyRelu", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     attr(g.node("LeakyRelu", {"x"}, {"y"}), "alpha", 0.3);
                 }});
    c.push_back({"HardSigmoid", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     auto &n = g.node("HardSigmoid", {"x"}, {"y"});
                     attr(n, "alpha", 0.25);
                     attr(n, "beta", 0.4);
                 }});
    c.push_back({"Elu", 13, {2, 3, 4, 5}, [](GraphBuilder &g) { attr(g.node("Elu", {"x"}, {"y"}), "alpha", 0.7); }});
    c.push_back({"Gelu_tanh", 20, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     attr(g.node("Gelu", {"x"}, {"y"}), "approximate", std::string("tanh"));
                 }});
    c.push_back({"PRelu", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("slope", f32({0.1f, -0.2f, 0.3f}).reshape({3, 1, 1}));
                     g.node("PRelu", {"x", "slope"}, {"y"});
                 }});
    // Clip: attributes before opset 11, optional inputs after.
    c.push_back({"Clip_9_attrs", 9, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     auto &n = g.node("Clip", {"x"}, {"y"});
                     attr(n, "min", -0.5);
                     attr(n, "max", 0.7);
                 }});
    c.push_back({"Clip_11_inputs", 11, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("lo", torch::tensor(-0.5f));
                     g.initializer("hi", torch::tensor(0.7f));
                     g.node("Clip", {"x", "lo", "hi"}, {"y"});
                 }});
    c.push_back({"Clip_13_max_only", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("hi", torch::tensor(0.2f));
                     g.node("Clip", {"x", "", "hi"}, {"y"});
                 }});
    // Binary operators with broadcasting and constants.
    c.push_back({"Add_Mul_Sub_Div", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("a", torch::linspace(-1, 1, 5));
                     g.initializer("b", f32({2.0f, -3.0f, 0.5f}).reshape({3, 1, 1}));
                     g.node("Add", {"x", "a"}, {"s"});
                     g.node("Mul", {"s", "b"}, {"m"});
                     g.node("Sub", {"m", "x"}, {"d"});
                     g.node("Div", {"d", "b"}, {"y"});
                 }});
    c.push_back({"Pow_Sum_Max_Min_Mean", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("e", torch::tensor(2.0f));
                     g.node("Pow", {"x", "e"}, {"p"});
                     g.node("Max", {"x", "p"}, {"mx"});
                     g.node("Min", {"x", "p"}, {"mn"});
                     g.node("Sum", {"mx", "mn", "x"}, {"s"});
                     g.node("Mean", {"s", "p"}, {"y"});
                 }});
    // Softmax: before 13 the input is flattened to 2-D at the axis.
    for (int64_t opset : {11, 13})
        for (int64_t axis : {1, -1}) {
            c.push_back({"Softmax_" + std::to_string(opset) + "_axis" + std::to_string(axis),
                         opset,
                         {2, 3, 4, 5},
                         [axis](GraphBuilder &g) { attr(g.node("Softmax", {"x"}, {"y"}), "axis", axis); }});
        }
    c.push_back({"LogSoftmax_13", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     attr(g.node("LogSoftmax", {"x"}, {"y"}), "axis", int64_t(1));
                 }});
    // Pooling.
    c.push_back({"MaxPool_pads_ceil", 13, {2, 3, 9, 10}, [](GraphBuilder &g) {
                     auto &n = g.node("MaxPool", {"x"}, {"y"});
                     attr(n, "kernel_shape", std::vector<int64_t>{3, 3});
                     attr(n, "strides", std::vector<int64_t>{2, 2});
                     attr(n, "pads", std::vector<int64_t>{1, 1, 1, 1});
                     attr(n, "ceil_mode", int64_t(1));
                 }});
    c.push_back({"MaxPool_uneven_pads", 13, {2, 3, 9, 10}, [](GraphBuilder &g) {
                     auto &n = g.node("MaxPool", {"x"}, {"y"});
                     attr(n, "kernel_shape", std::vector<int64_t>{2, 3});
                     attr(n, "pads", std::vector<int64_t>{0, 1, 1, 2});
                 }});
    c.push_back({"MaxPool_same_upper", 13, {2, 3, 9, 10}, [](GraphBuilder &g) {
                     auto &n = g.node("MaxPool", {"x"}, {"y"});
                     attr(n, "kernel_shape", std::vector<int64_t>{3, 3});
                     attr(n, "strides", std::vector<int64_t>{2, 2});
                     attr(n, "auto_pad", std::string("SAME_UPPER"));
                 }});
    for (int64_t include : {0, 1})
        c.push_back(
            {"AveragePool_pads_include" + std::to_string(include), 13, {2, 3, 9, 10}, [include](GraphBuilder &g) {
                 auto &n = g.node("AveragePool", {"x"}, {"y"});
                 attr(n, "kernel_shape", std::vector<int64_t>{3, 3});
                 attr(n, "strides", std::vector<int64_t>{2, 2});
                 attr(n, "pads", std::vector<int64_t>{1, 0, 1, 2});
                 attr(n, "count_include_pad", include);
             }});
    c.push_back({"GlobalAveragePool_GlobalMaxPool", 13, {2, 3, 5, 6}, [](GraphBuilder &g) {
                     g.node("GlobalAveragePool", {"x"}, {"a"});
                     g.node("GlobalMaxPool", {"x"}, {"b"});
                     g.node("Add", {"a", "b"}, {"y"});
                 }});
    // Reductions: axes as an attribute, or as an input (ReduceSum from 13, the others from 18).
    c.push_back({"ReduceMean_13_attr", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     attr(g.node("ReduceMean", {"x"}, {"y"}), "axes", std::vector<int64_t>{1, -1});
                 }});
    c.push_back({"ReduceMean_18_input", 18, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("axes", i64({2}));
                     attr(g.node("ReduceMean", {"x", "axes"}, {"y"}), "keepdims", int64_t(0));
                 }});
    c.push_back({"ReduceSum_13_input", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("axes", i64({0, 3}));
                     g.node("ReduceSum", {"x", "axes"}, {"y"});
                 }});
    c.push_back({"ReduceMax_11_attr", 11, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     attr(g.node("ReduceMax", {"x"}, {"y"}), "axes", std::vector<int64_t>{1, 2, 3});
                 }});
    // Shapes.
    c.push_back({"Flatten_Reshape_Transpose", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     attr(g.node("Flatten", {"x"}, {"f"}), "axis", int64_t(2));
                     g.initializer("shape", i64({0, -1, 5}));
                     g.node("Reshape", {"f", "shape"}, {"r"});
                     attr(g.node("Transpose", {"r"}, {"y"}), "perm", std::vector<int64_t>{2, 0, 1});
                 }});
    c.push_back({"Squeeze_Unsqueeze_11_attrs", 11, {2, 1, 4, 5}, [](GraphBuilder &g) {
                     attr(g.node("Squeeze", {"x"}, {"s"}), "axes", std::vector<int64_t>{1});
                     attr(g.node("Unsqueeze", {"s"}, {"y"}), "axes", std::vector<int64_t>{0, 4});
                 }});
    c.push_back({"Squeeze_Unsqueeze_13_inputs", 13, {2, 1, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("sq", i64({1}));
                     g.initializer("un", i64({-1, 0}));
                     g.node("Squeeze", {"x", "sq"}, {"s"});
                     g.node("Unsqueeze", {"s", "un"}, {"y"});
                 }});
    c.push_back({"Concat_Split_11_attr", 11, {2, 6, 4, 5}, [](GraphBuilder &g) {
                     auto &n = g.node("Split", {"x"}, {"a", "b", "c"});
                     attr(n, "axis", int64_t(1));
                     attr(n, "split", std::vector<int64_t>{1, 2, 3});
                     attr(g.node("Concat", {"c", "a", "b"}, {"y"}), "axis", int64_t(1));
                 }});
    c.push_back({"Concat_Split_13_input", 13, {2, 6, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("split", i64({4, 2}));
                     attr(g.node("Split", {"x", "split"}, {"a", "b"}), "axis", int64_t(1));
                     attr(g.node("Concat", {"b", "a"}, {"y"}), "axis", int64_t(-3));
                 }});
    c.push_back({"Split_18_num_outputs", 18, {2, 7, 4, 5}, [](GraphBuilder &g) {
                     auto &n = g.node("Split", {"x"}, {"a", "b", "c"});
                     attr(n, "axis", int64_t(1));
                     attr(n, "num_outputs", int64_t(3));
                     attr(g.node("Concat", {"c", "b", "a"}, {"y"}), "axis", int64_t(1));
                 }});
    c.push_back({"Slice_9_attrs", 9, {2, 6, 7, 5}, [](GraphBuilder &g) {
                     auto &n = g.node("Slice", {"x"}, {"y"});
                     attr(n, "starts", std::vector<int64_t>{1, -4});
                     attr(n, "ends", std::vector<int64_t>{100, -1});
                     attr(n, "axes", std::vector<int64_t>{1, 2});
                 }});
    c.push_back({"Slice_13_steps", 13, {2, 6, 7, 5}, [](GraphBuilder &g) {
                     g.initializer("starts", i64({5, 0}));
                     g.initializer("ends", i64({-100, 7}));
                     g.initializer("axes", i64({1, 2}));
                     g.initializer("steps", i64({-2, 3}));
                     g.node("Slice", {"x", "starts", "ends", "axes", "steps"}, {"y"});
                 }});
    c.push_back({"Pad_9_attrs_reflect", 9, {2, 3, 5, 6}, [](GraphBuilder &g) {
                     auto &n = g.node("Pad", {"x"}, {"y"});
                     attr(n, "pads", std::vector<int64_t>{0, 0, 1, 2, 0, 0, 2, 1});
                     attr(n, "mode", std::string("reflect"));
                 }});
    c.push_back({"Pad_11_constant", 11, {2, 3, 5, 6}, [](GraphBuilder &g) {
                     g.initializer("pads", i64({0, 1, 1, 0, 0, 0, 2, 3}));
                     g.initializer("value", torch::tensor(0.5f));
                     g.node("Pad", {"x", "pads", "value"}, {"y"});
                 }});
    c.push_back({"Pad_13_edge", 13, {2, 3, 5, 6}, [](GraphBuilder &g) {
                     g.initializer("pads", i64({0, 0, 2, 1, 0, 0, 1, 3}));
                     attr(g.node("Pad", {"x", "pads"}, {"y"}), "mode", std::string("edge"));
                 }});
    c.push_back({"Pad_18_axes", 18, {2, 3, 5, 6}, [](GraphBuilder &g) {
                     g.initializer("pads", i64({1, 2, 3, 0}));
                     g.initializer("axes", i64({-1, 2}));
                     g.node("Pad", {"x", "pads", "", "axes"}, {"y"});
                 }});
    // Resize and Upsample: the forms of opsets 9, 10, 11, 13 and 18-19.
    c.push_back({"Upsample_9_nearest", 9, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("scales", f32({1, 1, 2, 3}));
                     attr(g.node("Upsample", {"x", "scales"}, {"y"}), "mode", std::string("nearest"));
                 }});
    c.push_back({"Upsample_9_linear", 9, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("scales", f32({1, 1, 2, 2}));
                     attr(g.node("Upsample", {"x", "scales"}, {"y"}), "mode", std::string("linear"));
                 }});
    c.push_back({"Resize_10_linear", 10, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("scales", f32({1, 1, 1.5f, 2}));
                     attr(g.node("Resize", {"x", "scales"}, {"y"}), "mode", std::string("linear"));
                 }});
    const std::vector<std::string> coords{"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"};
    for (const auto &cm : coords)
        c.push_back({"Resize_13_linear_" + cm, 13, {2, 3, 4, 5}, [cm](GraphBuilder &g) {
                         g.initializer("scales", f32({1, 1, 2.5f, 0.6f}));
                         auto &n = g.node("Resize", {"x", "", "scales"}, {"y"});
                         attr(n, "mode", std::string("linear"));
                         attr(n, "coordinate_transformation_mode", cm);
                     }});
    for (const std::string nm : {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"})
        c.push_back({"Resize_11_nearest_" + nm, 11, {2, 3, 4, 5}, [nm](GraphBuilder &g) {
                         g.initializer("roi", f32({}));
                         g.initializer("scales", f32({})); // required in opset 11: empty when sizes are given
                         g.initializer("sizes", i64({2, 3, 7, 12}));
                         auto &n = g.node("Resize", {"x", "roi", "scales", "sizes"}, {"y"});
                         attr(n, "mode", std::string("nearest"));
                         attr(n, "nearest_mode", nm);
                         attr(n, "coordinate_transformation_mode", std::string("asymmetric"));
                     }});
    c.push_back({"Resize_13_nearest_half_pixel", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("scales", f32({1, 1, 2, 2}));
                     attr(g.node("Resize", {"x", "", "scales"}, {"y"}), "mode", std::string("nearest"));
                 }});
    c.push_back({"Resize_18_axes_sizes", 18, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("sizes", i64({9, 7}));
                     auto &n = g.node("Resize", {"x", "", "", "sizes"}, {"y"});
                     attr(n, "mode", std::string("linear"));
                     attr(n, "axes", std::vector<int64_t>{2, 3});
                 }});
    c.push_back({"Resize_19_half_pixel_symmetric", 19, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("scales", f32({1, 1, 1.7f, 2.3f}));
                     auto &n = g.node("Resize", {"x", "", "scales"}, {"y"});
                     attr(n, "mode", std::string("linear"));
                     attr(n, "coordinate_transformation_mode", std::string("half_pixel_symmetric"));
                 }});
    // One axis shrinks, the other grows 2048-fold: shrinking first keeps every intermediate within
    // the value limit that the test sets (2^20); growing first would need 2^22 values.
    for (const std::string mode : {"nearest", "linear"})
        c.push_back({"Resize_13_shrink_and_grow_" + mode, 13, {1, 1, 2048, 1}, [mode](GraphBuilder &g) {
                         g.initializer("roi", f32({}));
                         g.initializer("scales", f32({}));
                         g.initializer("sizes", i64({1, 1, 1, 2048}));
                         auto &n = g.node("Resize", {"x", "roi", "scales", "sizes"}, {"y"});
                         attr(n, "mode", mode);
                     }});
    // Constants, shapes and indices (what exporters write for x.view(x.size(0), -1)).
    c.push_back({"Shape_Gather_Unsqueeze_Concat_Reshape", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.node("Shape", {"x"}, {"shape"});
                     g.initializer("zero", torch::tensor(int64_t(0)));
                     g.node("Gather", {"shape", "zero"}, {"batch"});
                     g.initializer("axes", i64({0}));
                     g.node("Unsqueeze", {"batch", "axes"}, {"b1"});
                     attrTensor(g.node("Constant", {}, {"minus"}), "value", i64({-1}));
                     attr(g.node("Concat", {"b1", "minus"}, {"target"}), "axis", int64_t(0));
                     g.node("Reshape", {"x", "target"}, {"y"});
                 }});
    c.push_back({"Shape_15_start_end", 15, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     auto &n = g.node("Shape", {"x"}, {"s"});
                     attr(n, "start", int64_t(1));
                     attr(n, "end", int64_t(-1));
                     attr(g.node("Cast", {"s"}, {"sf"}), "to", int64_t(::onnx::TensorProto::FLOAT));
                     attr(g.node("ReduceSum", {"sf"}, {"total"}), "keepdims", int64_t(0));
                     g.node("Mul", {"x", "total"}, {"y"});
                 }});
    c.push_back({"Gather_axis1_negative", 13, {2, 5, 4}, [](GraphBuilder &g) {
                     g.initializer("idx", i64({-1, 0, 2, 2}).reshape({2, 2}));
                     attr(g.node("Gather", {"x", "idx"}, {"y"}), "axis", int64_t(1));
                 }});
    c.push_back({"Expand_Tile_ConstantOfShape", 13, {2, 1, 4}, [](GraphBuilder &g) {
                     g.initializer("shape", i64({3, 4}));
                     g.node("Expand", {"x", "shape"}, {"e"});
                     g.initializer("reps", i64({1, 1, 2}));
                     g.node("Tile", {"e", "reps"}, {"t"});
                     g.initializer("cshape", i64({2, 3, 8}));
                     attrTensor(g.node("ConstantOfShape", {"cshape"}, {"k"}), "value", f32({0.25f}));
                     g.node("Add", {"t", "k"}, {"y"});
                 }});
    c.push_back({"DepthToSpace_DCR_SpaceToDepth", 13, {2, 8, 4, 6}, [](GraphBuilder &g) {
                     attr(g.node("DepthToSpace", {"x"}, {"d"}), "blocksize", int64_t(2));
                     attr(g.node("SpaceToDepth", {"d"}, {"s"}), "blocksize", int64_t(2));
                     auto &n = g.node("DepthToSpace", {"s"}, {"y"});
                     attr(n, "blocksize", int64_t(2));
                     attr(n, "mode", std::string("CRD"));
                 }});
    c.push_back({"Dropout_12_Identity", 12, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.node("Dropout", {"x"}, {"d"});
                     g.node("Identity", {"d"}, {"y"});
                 }});
    // Normalisation and products computed in the graph.
    c.push_back({"BatchNormalization_unfolded", 9, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("s", f32({1.5f, 0.5f, -1.0f}));
                     g.initializer("b", f32({0.1f, 0.2f, 0.3f}));
                     g.initializer("m", f32({0.0f, -0.3f, 0.2f}));
                     g.initializer("v", f32({1.0f, 0.5f, 2.0f}));
                     g.node("Relu", {"x"}, {"r"});
                     attr(g.node("BatchNormalization", {"r", "s", "b", "m", "v"}, {"y"}), "epsilon", 1e-3);
                 }});
    c.push_back({"LayerNormalization_17", 17, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("scale", torch::linspace(0.5, 1.5, 20).reshape({4, 5}));
                     g.initializer("bias", torch::linspace(-0.2, 0.2, 20).reshape({4, 5}));
                     attr(g.node("LayerNormalization", {"x", "scale", "bias"}, {"y"}), "axis", int64_t(-2));
                 }});
    c.push_back({"InstanceNormalization", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("s", f32({1.5f, 0.5f, -1.0f}));
                     g.initializer("b", f32({0.1f, 0.2f, 0.3f}));
                     g.node("InstanceNormalization", {"x", "s", "b"}, {"y"});
                 }});
    c.push_back({"MatMul_Gemm_computed_weights", 13, {4, 6}, [](GraphBuilder &g) {
                     g.node("Relu", {"x"}, {"r"});
                     attr(g.node("Transpose", {"r"}, {"rt"}), "perm", std::vector<int64_t>{1, 0});
                     g.node("MatMul", {"x", "rt"}, {"m"}); // [4, 4]
                     auto &n = g.node("Gemm", {"m", "x", "x"}, {"y"}); // C [4, 6] added
                     attr(n, "transA", int64_t(1));
                     attr(n, "alpha", 0.5);
                     attr(n, "beta", 2.0);
                 }});
    c.push_back({"Conv_computed_weight_same_lower", 13, {2, 3, 9, 8}, [](GraphBuilder &g) {
                     g.initializer("w", torch::linspace(-1, 1, 6 * 3 * 9).reshape({6, 3, 3, 3}));
                     g.node("Abs", {"w"}, {"wa"});
                     auto &n = g.node("Conv", {"x", "wa"}, {"y"});
                     attr(n, "auto_pad", std::string("SAME_LOWER"));
                     attr(n, "strides", std::vector<int64_t>{2, 2});
                 }});
    // ONNX Runtime refuses dilations with SAME_* padding: the dilated form pads explicitly.
    c.push_back({"Conv_computed_weight_dilated_asymmetric_pads", 13, {2, 3, 9, 8}, [](GraphBuilder &g) {
                     g.initializer("w", torch::linspace(-1, 1, 6 * 3 * 9).reshape({6, 3, 3, 3}));
                     g.node("Abs", {"w"}, {"wa"});
                     auto &n = g.node("Conv", {"x", "wa"}, {"y"});
                     attr(n, "pads", std::vector<int64_t>{2, 0, 1, 2});
                     attr(n, "strides", std::vector<int64_t>{2, 2});
                     attr(n, "dilations", std::vector<int64_t>{2, 1});
                 }});
    c.push_back({"Where_Equal_Greater", 13, {2, 3, 4, 5}, [](GraphBuilder &g) {
                     g.initializer("zero", torch::tensor(0.0f));
                     g.node("Greater", {"x", "zero"}, {"pos"});
                     g.node("Neg", {"x"}, {"neg"});
                     g.node("Where", {"pos", "x", "neg"}, {"y"});
                 }});
    return c;
}

} // namespace

class TestOnnxOps : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyFormMatchesOnnxRuntime()
    {
        if (const auto problem = ortProblem(); !problem.isEmpty())
            QFAIL(qPrintable(problem));
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const auto all = cases();
        // Every case computes far less than 2^20 values per tensor, in every intermediate.
        const int64_t limit = qonnx::valueLimit();
        qonnx::setValueLimit(int64_t(1) << 20);
        const auto restore = qScopeGuard([limit] { qonnx::setValueLimit(limit); });
        std::vector<OrtJob> jobs;
        std::vector<std::vector<torch::Tensor>> ours;
        torch::manual_seed(7);
        for (size_t i = 0; i < all.size(); ++i) {
            const auto &c = all[i];
            GraphBuilder g(c.opset);
            g.input("x", c.shape);
            c.build(g);
            g.output("y");
            const fs::path file = root / (c.name + ".onnx");
            g.save(file);
            auto x = torch::randn(c.shape);
            if (c.inputKind == "positive")
                x = x.abs() + 0.1;
            std::vector<torch::Tensor> mine;
            try {
                auto model = qonnx::importModel(file);
                model->eval(); // inference, as ONNX Runtime runs it (Dropout is the identity)
                mine = model->runGraph(x);
            } catch (const ql::core::Error &e) {
                QFAIL(qPrintable(QString::fromStdString(c.name + ": " + e.full())));
            }
            ours.push_back(mine);
            jobs.push_back({file, "x", x, root / c.name});
        }
        std::vector<std::string> errors;
        const auto theirs = runOrt(jobs, &errors, root);
        QStringList failures;
        for (size_t i = 0; i < all.size(); ++i) {
            if (!errors[i].empty()) {
                failures << QString::fromStdString(all[i].name + ": ONNX Runtime refused it: " + errors[i]);
                continue;
            }
            const auto &a = ours[i][0];
            const auto &b = theirs[i].at(0);
            if (a.sizes() != b.sizes()) {
                failures << QString::fromStdString(all[i].name + ": shape " + c10::str(a.sizes()) +
                                                   " vs ONNX Runtime's " + c10::str(b.sizes()));
                continue;
            }
            const double err = relativeError(a.to(torch::kFloat), b.to(torch::kFloat));
            if (!(err <= 1e-5))
                failures << QString::fromStdString(all[i].name + ": relative error " + std::to_string(err));
        }
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    }
};

QL_TEST(TestOnnxOps)
#include "tst_onnx_ops.moc"
