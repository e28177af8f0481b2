#include "core/models/quant_model.h"

#include "core/common/error.h"

#include <unordered_map>

namespace ql::core::models {

namespace {

bool hasComponent(const std::string &name, const std::string &component)
{
    size_t start = 0;
    while (start <= name.size()) {
        size_t end = name.find('.', start);
        if (end == std::string::npos)
            end = name.size();
        if (name.compare(start, end - start, component) == 0 && end - start == component.size())
            return true;
        start = end + 1;
    }
    return false;
}

} // namespace

bool isQuantizerParameter(const std::string &name)
{
    return hasComponent(name, QuantLayerImpl::kWeightQuantizerName) ||
           hasComponent(name, QuantLayerImpl::kInputQuantizerName);
}

QuantModelImpl::QuantModelImpl(std::string archName, std::vector<int64_t> inputShape, int64_t numClasses)
    : m_archName(std::move(archName)), m_inputShape(std::move(inputShape)), m_numClasses(numClasses)
{
}

torch::Tensor QuantModelImpl::forward(const torch::Tensor &x) { return run(x, nullptr); }

void QuantModelImpl::adaptToData(const data::Normalization & /*norm*/, const std::vector<int64_t> & /*chw*/,
                                 int64_t /*classes*/)
{
}

std::vector<torch::Tensor> QuantModelImpl::forwardBlocks(const torch::Tensor &x)
{
    std::vector<torch::Tensor> blocks;
    run(x, &blocks);
    return blocks;
}

void QuantModelImpl::finishConstruction()
{
    for (const auto &item : named_modules(/*name_prefix=*/"", /*include_self=*/false)) {
        if (auto layer = std::dynamic_pointer_cast<QuantLayerImpl>(item.value()))
            layer->setLayerName(item.key());
    }
}

ModeGuard::ModeGuard(QuantModelImpl &model)
    : m_model(model), m_layers(model.quantLayers()), m_training(model.is_training())
{
    m_modes.reserve(m_layers.size());
    for (const auto &l : m_layers)
        m_modes.push_back(l->mode());
}

ModeGuard::~ModeGuard()
{
    try {
        for (size_t i = 0; i < m_layers.size(); ++i)
            m_layers[i]->setMode(m_modes[i]);
        m_model.train(m_training);
    } catch (...) {
        // A destructor never throws: it may run while another exception unwinds.
    }
}

std::vector<std::shared_ptr<QuantLayerImpl>> QuantModelImpl::quantLayers() const
{
    std::vector<std::shared_ptr<QuantLayerImpl>> layers;
    for (const auto &module : modules(/*include_self=*/false)) {
        if (auto layer = std::dynamic_pointer_cast<QuantLayerImpl>(module))
            layers.push_back(std::move(layer));
    }
    return layers;
}

std::vector<LayerInfo> QuantModelImpl::layerInfos(std::vector<int64_t> inputShape)
{
    if (inputShape.empty())
        inputShape = m_inputShape;
    if (inputShape.size() != 3)
        throw Error("Model '" + m_archName + "' takes a {C, H, W} input shape, got " +
                        std::to_string(inputShape.size()) + " dimensions.",
                    "Give channels, height and width.");
    std::vector<LayerInfo> infos;
    const auto layers = quantLayers();
    for (const auto &layer : layers) {
        layer->setForwardObserver([&infos](const QuantLayerImpl &l, const torch::Tensor &in, const torch::Tensor &out) {
            LayerInfo info;
            info.name = l.layerName();
            info.kind = l.kind();
            info.weightShape = l.weight.sizes().vec();
            info.parameters = l.weight.numel() + (l.bias.defined() ? l.bias.numel() : 0);
            info.macs = l.macs(in.sizes(), out.sizes());
            info.inputShape = in.sizes().slice(1).vec();
            info.outputShape = out.sizes().slice(1).vec();
            infos.push_back(std::move(info));
        });
    }
    const bool wasTraining = is_training();
    eval();
    try {
        torch::NoGradGuard noGrad;
        std::vector<int64_t> shape{1};
        shape.insert(shape.end(), inputShape.begin(), inputShape.end());
        const auto device = parameters().empty() ? torch::Device(torch::kCPU) : parameters().front().device();
        run(torch::zeros(shape, torch::TensorOptions().device(device)), nullptr);
    } catch (const c10::Error &e) {
        for (const auto &layer : layers)
            layer->setForwardObserver(nullptr);
        train(wasTraining);
        throw Error("Model '" + m_archName + "' cannot run on an input of shape [" + std::to_string(inputShape[0]) +
                        ", " + std::to_string(inputShape[1]) + ", " + std::to_string(inputShape[2]) +
                        "]: " + e.what_without_backtrace(),
                    "Use an input size the architecture supports.");
    }
    for (const auto &layer : layers)
        layer->setForwardObserver(nullptr);
    train(wasTraining);
    return infos;
}

int64_t QuantModelImpl::totalMacs(std::vector<int64_t> inputShape)
{
    int64_t total = 0;
    for (const auto &info : layerInfos(std::move(inputShape)))
        total += info.macs;
    return total;
}

int64_t QuantModelImpl::parameterCount() const
{
    int64_t count = 0;
    for (const auto &item : named_parameters(/*recurse=*/true)) {
        if (!isQuantizerParameter(item.key()))
            count += item.value().numel();
    }
    return count;
}

void QuantModelImpl::setMode(LayerMode mode)
{
    for (const auto &layer : quantLayers())
        layer->setMode(mode);
}

void QuantModelImpl::addFoldPair(const QuantConv2d &conv, const FoldableBatchNorm2d &bn)
{
    m_foldPairs.emplace_back(conv, bn);
}

void QuantModelImpl::foldBatchNorms()
{
    for (auto &[conv, bn] : m_foldPairs)
        foldBatchNorm(*conv, *bn);
}

void QuantModelImpl::emitGraph(GraphEmitter & /*emitter*/)
{
    throw Error("Model '" + m_archName + "' cannot describe its graph, so it cannot be exported.",
                "Export works for the zoo architectures (and models that implement QuantModelImpl::emitGraph).");
}

bool QuantModelImpl::batchNormsFolded() const { return !m_foldPairs.empty() && m_foldPairs.front().second->folded(); }

std::vector<std::pair<std::string, torch::Tensor>> QuantModelImpl::stateDict() const
{
    // PyTorch's state_dict() lists each module's parameters then its buffers, depth first.
    std::vector<std::pair<std::string, torch::Tensor>> out;
    std::function<void(const torch::nn::Module &, const std::string &)> visit = [&](const torch::nn::Module &module,
                                                                                    const std::string &prefix) {
        for (const auto &p : module.named_parameters(/*recurse=*/false))
            out.emplace_back(prefix + p.key(), p.value());
        for (const auto &b : module.named_buffers(/*recurse=*/false))
            out.emplace_back(prefix + b.key(), b.value());
        for (const auto &child : module.named_children()) {
            if (child.key() == QuantLayerImpl::kWeightQuantizerName ||
                child.key() == QuantLayerImpl::kInputQuantizerName)
                continue;
            visit(*child.value(), prefix + child.key() + ".");
        }
    };
    visit(*this, "");
    return out;
}

} // namespace ql::core::models
