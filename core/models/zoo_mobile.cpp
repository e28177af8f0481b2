// MobileNetV2 and EfficientNet-B0 with torchvision's module layout and names.
#include "core/models/zoo_blocks.h"

#include <algorithm>

namespace ql::core::models::detail {

namespace {

/// torchvision's _make_divisible.
int64_t makeDivisible(double v, int64_t divisor = 8)
{
    int64_t n = std::max<int64_t>(divisor, static_cast<int64_t>(v + divisor / 2.0) / divisor * divisor);
    if (static_cast<double>(n) < 0.9 * v)
        n += divisor;
    return n;
}

/// A chain of feature blocks (each one block boundary), global average pooling, dropout 0.2
/// and the classifier "classifier.1": the shape MobileNetV2 and EfficientNet share.
class FeatureChainModelImpl : public QuantModelImpl {
public:
    using QuantModelImpl::QuantModelImpl;
    std::vector<std::string> blockNames() const override { return m_blockNames; }

    void emitGraph(GraphEmitter &g) override
    {
        std::string h = g.input();
        for (auto &e : m_emitters)
            h = e(g, h);
        h = g.op("Flatten", {g.op("GlobalAveragePool", {h})}, {{"axis", int64_t{1}}});
        g.output(g.layer(*m_fc, h, nullptr)); // dropout is the identity at inference
    }

protected:
    template <typename Block>
    void addFeature(const std::string &blockName, Block block)
    {
        m_features.push_back([block](const torch::Tensor &x) mutable { return block->forward(x); });
        m_emitters.push_back([block](GraphEmitter &g, const std::string &x) mutable { return block->emit(g, x); });
        m_blockNames.push_back(blockName);
    }
    /// Registers the classifier over `features` inputs, then the BN pairs and torchvision's init.
    void finishWithClassifier(int64_t features, int64_t numClasses, LinearInit init)
    {
        auto classifier = addContainer(*this, "classifier");
        m_fc = classifier->register_module("1", QuantLinear(features, numClasses));
        m_blockNames.push_back("classifier");
        registerConvBnPairs(*this);
        torchvisionInit(*this, init);
        finishConstruction();
    }

    torch::Tensor run(const torch::Tensor &x, std::vector<torch::Tensor> *blocks) override
    {
        torch::Tensor h = x;
        for (auto &f : m_features) {
            h = f(h);
            if (blocks)
                blocks->push_back(h);
        }
        h = torch::adaptive_avg_pool2d(h, {1, 1}).flatten(1);
        h = m_fc->forward(torch::dropout(h, 0.2, is_training()));
        if (blocks)
            blocks->push_back(h);
        return h;
    }

private:
    std::vector<std::function<torch::Tensor(const torch::Tensor &)>> m_features;
    std::vector<std::function<std::string(GraphEmitter &, const std::string &)>> m_emitters;
    QuantLinear m_fc{nullptr};
    std::vector<std::string> m_blockNames;
};

// --- MobileNetV2 ----------------------------------------------------------------

/// torchvision's InvertedResidual: child "conv" = [expand ConvBnAct]?, depthwise ConvBnAct,
/// 1x1 projection conv, BatchNorm2d.
class InvertedResidualImpl : public torch::nn::Module {
public:
    InvertedResidualImpl(QuantModelImpl &model, int64_t in, int64_t out, int64_t stride, int64_t expand)
        : m_residual(stride == 1 && in == out)
    {
        const int64_t hidden = in * expand;
        auto seq = addContainer(*this, "conv");
        int idx = 0;
        if (expand != 1)
            m_stages.push_back(
                seq->register_module(std::to_string(idx++), ConvBnAct(convOpts(in, hidden, 1), Act::Relu6)));
        m_stages.push_back(seq->register_module(std::to_string(idx++),
                                                ConvBnAct(convOpts(hidden, hidden, 3, stride, hidden), Act::Relu6)));
        m_project = seq->register_module(std::to_string(idx++), QuantConv2d(convOpts(hidden, out, 1)));
        m_bn = seq->register_module(std::to_string(idx++), FoldableBatchNorm2d(out));
        model.addFoldPair(m_project, m_bn);
    }

    torch::Tensor forward(const torch::Tensor &x)
    {
        torch::Tensor h = x;
        for (auto &stage : m_stages)
            h = stage->forward(h);
        h = m_bn->forward(m_project->forward(h));
        return m_residual ? x + h : h;
    }

    std::string emit(GraphEmitter &g, const std::string &x)
    {
        std::string h = x;
        for (auto &stage : m_stages)
            h = stage->emit(g, h);
        h = g.layer(*m_project, h, m_bn.get());
        return m_residual ? g.op("Add", {x, h}) : h;
    }

private:
    bool m_residual;
    std::vector<ConvBnAct> m_stages;
    QuantConv2d m_project{nullptr};
    FoldableBatchNorm2d m_bn{nullptr};
};
TORCH_MODULE(InvertedResidual);

class MobileNetV2Impl : public FeatureChainModelImpl {
public:
    MobileNetV2Impl(int64_t inChannels, int64_t numClasses)
        : FeatureChainModelImpl("mobilenet_v2", {inChannels, 224, 224}, numClasses)
    {
        auto features = addContainer(*this, "features");
        int64_t in = 32;
        int idx = 0;
        auto stem = features->register_module("0", ConvBnAct(convOpts(inChannels, in, 3, 2), Act::Relu6));
        addFeature("features." + std::to_string(idx++), stem);
        const int64_t settings[7][4] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                                        {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
        for (const auto &s : settings) {
            const int64_t out = makeDivisible(static_cast<double>(s[1]));
            for (int64_t i = 0; i < s[2]; ++i) {
                auto block = features->register_module(std::to_string(idx),
                                                       InvertedResidual(*this, in, out, i == 0 ? s[3] : 1, s[0]));
                addFeature("features." + std::to_string(idx++), block);
                in = out;
            }
        }
        const int64_t last = 1280;
        auto head = features->register_module(std::to_string(idx), ConvBnAct(convOpts(in, last, 1), Act::Relu6));
        addFeature("features." + std::to_string(idx), head);
        finishWithClassifier(last, numClasses, LinearInit::Normal001);
    }
};

// --- EfficientNet-B0 --------------------------------------------------------------

/// torchvision's SqueezeExcitation: fc1, fc2 as 1x1 convolutions with bias.
class SqueezeExcitationImpl : public torch::nn::Module {
public:
    SqueezeExcitationImpl(int64_t channels, int64_t squeeze)
    {
        fc1 = register_module("fc1", QuantConv2d(convOpts(channels, squeeze, 1, 1, 1, /*bias=*/true)));
        fc2 = register_module("fc2", QuantConv2d(convOpts(squeeze, channels, 1, 1, 1, /*bias=*/true)));
    }
    torch::Tensor forward(const torch::Tensor &x)
    {
        auto s = torch::adaptive_avg_pool2d(x, {1, 1});
        s = torch::sigmoid(fc2->forward(torch::silu(fc1->forward(s))));
        return s * x;
    }
    std::string emit(GraphEmitter &g, const std::string &x)
    {
        auto s = g.op("GlobalAveragePool", {x});
        s = g.op("Sigmoid", {g.layer(*fc2, emitAct(g, Act::Silu, g.layer(*fc1, s, nullptr)), nullptr)});
        return g.op("Mul", {s, x});
    }
    QuantConv2d fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(SqueezeExcitation);

/// torchvision's MBConv: child "block" = [expand]?, depthwise, SE, projection (no activation).
class MBConvImpl : public torch::nn::Module {
public:
    MBConvImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t expand, double dropProb)
        : m_residual(stride == 1 && in == out), m_dropProb(dropProb)
    {
        const int64_t expanded = makeDivisible(static_cast<double>(in * expand));
        auto seq = addContainer(*this, "block");
        int idx = 0;
        if (expanded != in)
            m_expand = seq->register_module(std::to_string(idx++), ConvBnAct(convOpts(in, expanded, 1), Act::Silu));
        m_depthwise = seq->register_module(
            std::to_string(idx++), ConvBnAct(convOpts(expanded, expanded, kernel, stride, expanded), Act::Silu));
        m_se = seq->register_module(std::to_string(idx++), SqueezeExcitation(expanded, std::max<int64_t>(1, in / 4)));
        m_project = seq->register_module(std::to_string(idx++), ConvBnAct(convOpts(expanded, out, 1), Act::None));
    }

    torch::Tensor forward(const torch::Tensor &x)
    {
        torch::Tensor h = x;
        if (m_expand)
            h = m_expand->forward(h);
        h = m_project->forward(m_se->forward(m_depthwise->forward(h)));
        if (!m_residual)
            return h;
        if (is_training() && m_dropProb > 0.0) {
            // Stochastic depth, "row" mode: drop the whole residual branch per sample.
            const double keep = 1.0 - m_dropProb;
            auto mask = torch::empty({h.size(0), 1, 1, 1}, h.options()).bernoulli_(keep).div_(keep);
            h = h * mask;
        }
        return h + x;
    }

    /// Stochastic depth is the identity at inference.
    std::string emit(GraphEmitter &g, const std::string &x)
    {
        std::string h = x;
        if (m_expand)
            h = m_expand->emit(g, h);
        h = m_project->emit(g, m_se->emit(g, m_depthwise->emit(g, h)));
        return m_residual ? g.op("Add", {h, x}) : h;
    }

private:
    bool m_residual;
    double m_dropProb;
    ConvBnAct m_expand{nullptr};
    ConvBnAct m_depthwise{nullptr};
    SqueezeExcitation m_se{nullptr};
    ConvBnAct m_project{nullptr};
};
TORCH_MODULE(MBConv);

class EfficientNetB0Impl : public FeatureChainModelImpl {
public:
    EfficientNetB0Impl(int64_t inChannels, int64_t numClasses)
        : FeatureChainModelImpl("efficientnet_b0", {inChannels, 224, 224}, numClasses)
    {
        // expand, kernel, stride, in, out, layers (torchvision's _efficientnet_conf for b0)
        const int64_t settings[7][6] = {{1, 3, 1, 32, 16, 1},  {6, 3, 2, 16, 24, 2},  {6, 5, 2, 24, 40, 2},
                                        {6, 3, 2, 40, 80, 3},  {6, 5, 1, 80, 112, 3}, {6, 5, 2, 112, 192, 4},
                                        {6, 3, 1, 192, 320, 1}};
        int64_t totalBlocks = 0;
        for (const auto &s : settings)
            totalBlocks += s[5];
        auto features = addContainer(*this, "features");
        auto stem = features->register_module("0", ConvBnAct(convOpts(inChannels, 32, 3, 2), Act::Silu));
        addFeature("features.0", stem);
        int64_t blockId = 0;
        for (size_t st = 0; st < 7; ++st) {
            const auto &s = settings[st];
            const std::string stageName = std::to_string(st + 1);
            auto stage = addContainer(*features, stageName);
            for (int64_t i = 0; i < s[5]; ++i) {
                const int64_t in = i == 0 ? s[3] : s[4];
                const double dropProb = 0.2 * static_cast<double>(blockId) / static_cast<double>(totalBlocks);
                auto block = stage->register_module(std::to_string(i),
                                                    MBConv(in, s[4], s[1], i == 0 ? s[2] : 1, s[0], dropProb));
                addFeature("features." + stageName + "." + std::to_string(i), block);
                ++blockId;
            }
        }
        const int64_t last = 4 * 320;
        auto head = features->register_module("8", ConvBnAct(convOpts(320, last, 1), Act::Silu));
        addFeature("features.8", head);
        finishWithClassifier(last, numClasses, LinearInit::UniformFanOut);
    }
};

} // namespace

QuantModel makeMobilenetV2(const ZooOptions &o)
{
    return std::make_shared<MobileNetV2Impl>(o.inChannels > 0 ? o.inChannels : 3,
                                             o.numClasses > 0 ? o.numClasses : 1000);
}

QuantModel makeEfficientnetB0(const ZooOptions &o)
{
    return std::make_shared<EfficientNetB0Impl>(o.inChannels > 0 ? o.inChannels : 3,
                                                o.numClasses > 0 ? o.numClasses : 1000);
}

} // namespace ql::core::models::detail
