#pragma once
// The model zoo: architectures by name, with torchvision-compatible parameter names.
#include "core/models/quant_model.h"

#include <string>
#include <vector>

namespace ql::core::models {

enum class Activation { Relu, Silu };

/// "relu" / "silu".
std::string activationName(Activation a);
/// Accepts "relu", "silu" and "swish"; throws ql::core::Error listing them otherwise.
Activation activationFromName(const std::string &name);

struct ZooOptions {
    int64_t inChannels = 0; ///< 0 = the architecture's default (1 for fmnist-cnn, 3 otherwise)
    int64_t numClasses = 0; ///< 0 = the architecture's default (10 for fmnist-cnn/resnet20, 1000 otherwise)
    Activation activation = Activation::Relu; ///< fmnist-cnn only; the others use their paper's activation
};

/// The names createModel accepts: "fmnist-cnn", "resnet20", "resnet18", "mobilenet_v2", "efficientnet_b0".
std::vector<std::string> zooNames();

/// Builds a freshly initialised model (global torch seed decides the weights). Throws
/// ql::core::Error for an unknown name (listing the known ones) or invalid options. Thread-safe.
QuantModel createModel(const std::string &name, const ZooOptions &options = {});

} // namespace ql::core::models
