#include "core/core.h"

#include <torch/version.h>

namespace ql::core {

std::string version() { return QL_VERSION; }

std::string torchVersion() { return TORCH_VERSION; }

} // namespace ql::core
