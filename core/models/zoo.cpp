#include "core/models/zoo.h"

#include "core/common/error.h"
#include "core/models/zoo_blocks.h"

#include <cmath>
#include <limits>

namespace ql::core::models {

namespace detail {

torch::Tensor applyAct(Act act, const torch::Tensor &x)
{
    switch (act) {
    case Act::None: return x;
    case Act::Relu: return torch::relu(x);
    case Act::Relu6: return torch::hardtanh(x, 0.0, 6.0);
    case Act::Silu: return torch::silu(x);
    }
    return x;
}

std::string emitAct(GraphEmitter &g, Act act, const std::string &x)
{
    switch (act) {
    case Act::None: return x;
    case Act::Relu: return g.op("Relu", {x});
    case Act::Relu6:
        return g.op("Clip", {x, g.constant(torch::tensor(0.0f), "zero"), g.constant(torch::tensor(6.0f), "six")});
    case Act::Silu: return g.op("Mul", {x, g.op("Sigmoid", {x})});
    }
    return x;
}

std::shared_ptr<torch::nn::Module> addContainer(torch::nn::Module &parent, const std::string &name)
{
    return parent.register_module(name, std::make_shared<torch::nn::Module>());
}

ConvOptions convOpts(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t groups, bool bias)
{
    ConvOptions o;
    o.in = in;
    o.out = out;
    o.kernel = kernel;
    o.stride = stride;
    o.padding = (kernel - 1) / 2;
    o.groups = groups;
    o.bias = bias;
    return o;
}

ConvBnActImpl::ConvBnActImpl(const ConvOptions &convOptions, Act act, double bnEps) : m_act(act)
{
    conv = register_module("0", QuantConv2d(convOptions));
    bn = register_module("1", FoldableBatchNorm2d(convOptions.out, bnEps));
}

torch::Tensor ConvBnActImpl::forward(const torch::Tensor &x) { return applyAct(m_act, bn->forward(conv->forward(x))); }

std::string ConvBnActImpl::emit(GraphEmitter &g, const std::string &x)
{
    return emitAct(g, m_act, g.layer(*conv, x, bn.get()));
}

void torchvisionInit(torch::nn::Module &model, LinearInit linearInit)
{
    torch::NoGradGuard noGrad;
    for (const auto &module : model.modules(/*include_self=*/false)) {
        if (auto conv = std::dynamic_pointer_cast<QuantConv2dImpl>(module)) {
            torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
            if (conv->bias.defined())
                conv->bias.zero_();
        } else if (auto bn = std::dynamic_pointer_cast<FoldableBatchNorm2dImpl>(module)) {
            bn->weight.fill_(1.0);
            bn->bias.zero_();
        } else if (auto fc = std::dynamic_pointer_cast<QuantLinearImpl>(module)) {
            if (linearInit == LinearInit::Normal001) {
                fc->weight.normal_(0.0, 0.01);
                fc->bias.zero_();
            } else if (linearInit == LinearInit::UniformFanOut) {
                const double range = 1.0 / std::sqrt(static_cast<double>(fc->weight.size(0)));
                fc->weight.uniform_(-range, range);
                fc->bias.zero_();
            }
        }
    }
}

namespace {

void collectConvBnPairs(QuantModelImpl &model)
{
    for (const auto &module : model.modules(/*include_self=*/false)) {
        if (auto cba = std::dynamic_pointer_cast<ConvBnActImpl>(module))
            model.addFoldPair(cba->conv, cba->bn);
    }
}

// --- fmnist-cnn --------------------------------------------------------------

/// Four 3x3 conv+BN layers (32, 32, 64, 64 channels, 2x2 max-pooling after the
/// second and fourth) and a linear head on the 7x7 map: ~97k parameters.
class FmnistCnnImpl : public QuantModelImpl {
public:
    FmnistCnnImpl(int64_t inChannels, int64_t numClasses, Activation activation)
        : QuantModelImpl("fmnist-cnn", {inChannels, 28, 28}, numClasses),
          m_act(activation == Activation::Silu ? Act::Silu : Act::Relu)
    {
        const int64_t widths[] = {32, 32, 64, 64};
        int64_t in = inChannels;
        for (int i = 0; i < 4; ++i) {
            const std::string idx = std::to_string(i + 1);
            m_convs[i] = register_module("conv" + idx, QuantConv2d(convOpts(in, widths[i], 3)));
            m_bns[i] = register_module("bn" + idx, FoldableBatchNorm2d(widths[i]));
            addFoldPair(m_convs[i], m_bns[i]);
            in = widths[i];
        }
        m_fc = register_module("fc", QuantLinear(64 * 7 * 7, numClasses));
        m_fc->setFeatureChannels(64);
        finishConstruction();
    }

    std::vector<std::string> blockNames() const override { return {"conv1", "conv2", "conv3", "conv4", "fc"}; }

    void emitGraph(GraphEmitter &g) override
    {
        std::string h = g.input();
        for (int i = 0; i < 4; ++i) {
            h = emitAct(g, m_act, g.layer(*m_convs[i], h, m_bns[i].get()));
            if (i == 1 || i == 3)
                h = g.op("MaxPool", {h},
                         {{"kernel_shape", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}}});
        }
        h = g.op("Flatten", {h}, {{"axis", int64_t{1}}});
        g.output(g.layer(*m_fc, h, nullptr));
    }

protected:
    torch::Tensor run(const torch::Tensor &x, std::vector<torch::Tensor> *blocks) override
    {
        torch::Tensor h = x;
        for (int i = 0; i < 4; ++i) {
            h = applyAct(m_act, m_bns[i]->forward(m_convs[i]->forward(h)));
            if (i == 1 || i == 3)
                h = torch::max_pool2d(h, 2);
            if (blocks)
                blocks->push_back(h);
        }
        h = m_fc->forward(h.flatten(1));
        if (blocks)
            blocks->push_back(h);
        return h;
    }

private:
    Act m_act;
    QuantConv2d m_convs[4] = {nullptr, nullptr, nullptr, nullptr};
    FoldableBatchNorm2d m_bns[4] = {nullptr, nullptr, nullptr, nullptr};
    QuantLinear m_fc{nullptr};
};

// --- ResNet ------------------------------------------------------------------

enum class Shortcut { Auto, PadOptionA };

/// torchvision's BasicBlock (conv1, bn1, conv2, bn2, downsample.{0,1}); with
/// PadOptionA the CIFAR ResNet's parameter-free shortcut (subsample + zero channels).
class BasicBlockImpl : public torch::nn::Module {
public:
    BasicBlockImpl(QuantModelImpl &model, int64_t in, int64_t planes, int64_t stride, Shortcut shortcut)
        : m_padShortcut(shortcut == Shortcut::PadOptionA && (stride != 1 || in != planes)), m_pad(planes / 4)
    {
        conv1 = register_module("conv1", QuantConv2d(convOpts(in, planes, 3, stride)));
        bn1 = register_module("bn1", FoldableBatchNorm2d(planes));
        conv2 = register_module("conv2", QuantConv2d(convOpts(planes, planes, 3)));
        bn2 = register_module("bn2", FoldableBatchNorm2d(planes));
        model.addFoldPair(conv1, bn1);
        model.addFoldPair(conv2, bn2);
        if (shortcut == Shortcut::Auto && (stride != 1 || in != planes)) {
            auto ds = addContainer(*this, "downsample");
            m_dsConv = ds->register_module("0", QuantConv2d(convOpts(in, planes, 1, stride)));
            m_dsBn = ds->register_module("1", FoldableBatchNorm2d(planes));
            model.addFoldPair(m_dsConv, m_dsBn);
        }
    }

    torch::Tensor forward(const torch::Tensor &x)
    {
        auto out = torch::relu(bn1->forward(conv1->forward(x)));
        out = bn2->forward(conv2->forward(out));
        torch::Tensor identity = x;
        if (m_dsConv)
            identity = m_dsBn->forward(m_dsConv->forward(x));
        else if (m_padShortcut)
            identity = torch::constant_pad_nd(
                x.index({torch::indexing::Slice(), torch::indexing::Slice(),
                         torch::indexing::Slice(torch::indexing::None, torch::indexing::None, 2),
                         torch::indexing::Slice(torch::indexing::None, torch::indexing::None, 2)}),
                {0, 0, 0, 0, m_pad, m_pad});
        return torch::relu(out + identity);
    }

    std::string emit(GraphEmitter &g, const std::string &x)
    {
        auto out = g.op("Relu", {g.layer(*conv1, x, bn1.get())});
        out = g.layer(*conv2, out, bn2.get());
        std::string identity = x;
        if (m_dsConv) {
            identity = g.layer(*m_dsConv, x, m_dsBn.get());
        } else if (m_padShortcut) {
            // x[:, :, ::2, ::2], then m_pad zero channels on both sides.
            const int64_t end = std::numeric_limits<int64_t>::max();
            const auto sliced = g.op("Slice", {x, g.constant(torch::tensor({int64_t{0}, int64_t{0}}), "starts"),
                                               g.constant(torch::tensor({end, end}), "ends"),
                                               g.constant(torch::tensor({int64_t{2}, int64_t{3}}), "axes"),
                                               g.constant(torch::tensor({int64_t{2}, int64_t{2}}), "steps")});
            identity = g.op("Pad", {sliced, g.constant(torch::tensor({int64_t{0}, m_pad, int64_t{0}, int64_t{0},
                                                                      int64_t{0}, m_pad, int64_t{0}, int64_t{0}}),
                                                       "pads")});
        }
        return g.op("Relu", {g.op("Add", {out, identity})});
    }

    QuantConv2d conv1{nullptr}, conv2{nullptr};
    FoldableBatchNorm2d bn1{nullptr}, bn2{nullptr};

private:
    bool m_padShortcut;
    int64_t m_pad;
    QuantConv2d m_dsConv{nullptr};
    FoldableBatchNorm2d m_dsBn{nullptr};
};
TORCH_MODULE(BasicBlock);

class ResNetImpl : public QuantModelImpl {
public:
    /// ImageNet ResNet-18 (torchvision) when `cifar` is false; the CIFAR ResNet-20 otherwise.
    ResNetImpl(bool cifar, int64_t inChannels, int64_t numClasses)
        : QuantModelImpl(cifar ? "resnet20" : "resnet18", {inChannels, cifar ? 32 : 224, cifar ? 32 : 224}, numClasses),
          m_cifar(cifar)
    {
        ConvOptions stem = cifar ? convOpts(inChannels, 16, 3) : convOpts(inChannels, 64, 7, 2);
        m_conv1 = register_module("conv1", QuantConv2d(stem));
        m_bn1 = register_module("bn1", FoldableBatchNorm2d(stem.out));
        addFoldPair(m_conv1, m_bn1);
        m_blockNames.push_back("stem");
        const std::vector<int64_t> planes =
            cifar ? std::vector<int64_t>{16, 32, 64} : std::vector<int64_t>{64, 128, 256, 512};
        const int blocksPerStage = cifar ? 3 : 2;
        int64_t in = stem.out;
        for (size_t s = 0; s < planes.size(); ++s) {
            const std::string stageName = "layer" + std::to_string(s + 1);
            auto stage = addContainer(*this, stageName);
            for (int b = 0; b < blocksPerStage; ++b) {
                const int64_t stride = (s > 0 && b == 0) ? 2 : 1;
                auto block = stage->register_module(
                    std::to_string(b),
                    BasicBlock(*this, in, planes[s], stride, cifar ? Shortcut::PadOptionA : Shortcut::Auto));
                m_blocks.push_back(block);
                m_blockNames.push_back(stageName + "." + std::to_string(b));
                in = planes[s];
            }
        }
        // The CIFAR ResNet's head is "linear" in the reference implementation; torchvision's is "fc".
        const std::string head = cifar ? "linear" : "fc";
        m_fc = register_module(head, QuantLinear(in, numClasses));
        m_blockNames.push_back(head);
        torchvisionInit(*this, LinearInit::Default);
        finishConstruction();
    }

    std::vector<std::string> blockNames() const override { return m_blockNames; }

    void emitGraph(GraphEmitter &g) override
    {
        auto h = g.op("Relu", {g.layer(*m_conv1, g.input(), m_bn1.get())});
        if (!m_cifar)
            h = g.op("MaxPool", {h},
                     {{"kernel_shape", std::vector<int64_t>{3, 3}},
                      {"strides", std::vector<int64_t>{2, 2}},
                      {"pads", std::vector<int64_t>{1, 1, 1, 1}}});
        for (auto &block : m_blocks)
            h = block->emit(g, h);
        h = g.op("Flatten", {g.op("GlobalAveragePool", {h})}, {{"axis", int64_t{1}}});
        g.output(g.layer(*m_fc, h, nullptr));
    }

protected:
    torch::Tensor run(const torch::Tensor &x, std::vector<torch::Tensor> *blocks) override
    {
        auto h = torch::relu(m_bn1->forward(m_conv1->forward(x)));
        if (!m_cifar)
            h = torch::max_pool2d(h, 3, 2, 1);
        if (blocks)
            blocks->push_back(h);
        for (auto &block : m_blocks) {
            h = block->forward(h);
            if (blocks)
                blocks->push_back(h);
        }
        h = torch::adaptive_avg_pool2d(h, {1, 1}).flatten(1);
        h = m_fc->forward(h);
        if (blocks)
            blocks->push_back(h);
        return h;
    }

private:
    bool m_cifar;
    QuantConv2d m_conv1{nullptr};
    FoldableBatchNorm2d m_bn1{nullptr};
    std::vector<BasicBlock> m_blocks;
    QuantLinear m_fc{nullptr};
    std::vector<std::string> m_blockNames;
};

} // namespace

QuantModel makeFmnistCnn(const ZooOptions &o)
{
    return std::make_shared<FmnistCnnImpl>(o.inChannels > 0 ? o.inChannels : 1, o.numClasses > 0 ? o.numClasses : 10,
                                           o.activation);
}

QuantModel makeResnet20(const ZooOptions &o)
{
    return std::make_shared<ResNetImpl>(true, o.inChannels > 0 ? o.inChannels : 3,
                                        o.numClasses > 0 ? o.numClasses : 10);
}

QuantModel makeResnet18(const ZooOptions &o)
{
    return std::make_shared<ResNetImpl>(false, o.inChannels > 0 ? o.inChannels : 3,
                                        o.numClasses > 0 ? o.numClasses : 1000);
}

void registerConvBnPairs(QuantModelImpl &model) { collectConvBnPairs(model); }

} // namespace detail

std::string activationName(Activation a) { return a == Activation::Silu ? "silu" : "relu"; }

Activation activationFromName(const std::string &name)
{
    if (name == "relu")
        return Activation::Relu;
    if (name == "silu" || name == "swish")
        return Activation::Silu;
    throw Error("Unknown activation '" + name + "'.", "Use one of: relu, silu (swish).");
}

std::vector<std::string> zooNames()
{
    return {"fmnist-cnn", "resnet20", "resnet18", "mobilenet_v2", "efficientnet_b0"};
}

QuantModel createModel(const std::string &name, const ZooOptions &options)
{
    if (options.inChannels < 0 || options.numClasses < 0)
        throw Error("Invalid options for model '" + name + "': in_channels=" + std::to_string(options.inChannels) +
                        ", classes=" + std::to_string(options.numClasses) + ".",
                    "Use positive counts (or 0 for the architecture's default).");
    if (name == "fmnist-cnn")
        return detail::makeFmnistCnn(options);
    if (name == "resnet20")
        return detail::makeResnet20(options);
    if (name == "resnet18")
        return detail::makeResnet18(options);
    if (name == "mobilenet_v2")
        return detail::makeMobilenetV2(options);
    if (name == "efficientnet_b0")
        return detail::makeEfficientnetB0(options);
    std::string known;
    for (const auto &n : zooNames())
        known += (known.empty() ? "" : ", ") + n;
    throw Error("Unknown model '" + name + "'.", "Known models: " + known + ".");
}

} // namespace ql::core::models
