#pragma once
// Building blocks shared by the zoo architectures (internal to core/models).
#include "core/models/graph.h"
#include "core/models/quant_model.h"
#include "core/models/zoo.h"

#include <torch/torch.h>

#include <string>

namespace ql::core::models::detail {

enum class Act { None, Relu, Relu6, Silu };

torch::Tensor applyAct(Act act, const torch::Tensor &x);
/// The activation as graph operators: Relu, Clip(0, 6), x * Sigmoid(x) (what ONNX calls SiLU).
std::string emitAct(GraphEmitter &g, Act act, const std::string &x);

/// A bare named container, so that nested names ("features.3.conv.1") match PyTorch's Sequential.
std::shared_ptr<torch::nn::Module> addContainer(torch::nn::Module &parent, const std::string &name);

/// torchvision's Conv2dNormActivation: children "0" (conv) and "1" (BatchNorm2d).
class ConvBnActImpl : public torch::nn::Module {
public:
    ConvBnActImpl(const ConvOptions &conv, Act act, double bnEps = 1e-5);
    torch::Tensor forward(const torch::Tensor &x);
    std::string emit(GraphEmitter &g, const std::string &x);

    QuantConv2d conv{nullptr};
    FoldableBatchNorm2d bn{nullptr};

private:
    Act m_act;
};
TORCH_MODULE(ConvBnAct);

/// Makes a conv options struct with "same" padding for odd kernels.
ConvOptions convOpts(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t groups = 1,
                     bool bias = false);

/// torchvision's weight initialisation (kaiming_normal fan_out for convs, BN to 1/0,
/// linear as given by `linearInit`).
enum class LinearInit { Default, Normal001, UniformFanOut };
void torchvisionInit(torch::nn::Module &model, LinearInit linearInit);

/// Declares every ConvBnAct's conv -> BN pair on `model` for folding.
void registerConvBnPairs(QuantModelImpl &model);

QuantModel makeFmnistCnn(const ZooOptions &options);
QuantModel makeResnet20(const ZooOptions &options);
QuantModel makeResnet18(const ZooOptions &options);
QuantModel makeMobilenetV2(const ZooOptions &options);
QuantModel makeEfficientnetB0(const ZooOptions &options);

} // namespace ql::core::models::detail
