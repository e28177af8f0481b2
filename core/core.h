#pragma once
#include <string>

namespace ql::core {

/// Version of QuantLens (from CMake). Thread-safe.
std::string version();
/// Version of the libtorch QuantLens was built against, e.g. "1.13.0". Thread-safe.
std::string torchVersion();

} // namespace ql::core
