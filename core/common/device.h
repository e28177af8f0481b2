#pragma once
#include "core/common/threads.h"

#include <c10/core/Device.h>

#include <string>

namespace ql::core {

/// The device QuantLens computes on.
struct DeviceInfo {
    c10::Device device{c10::kCPU};
    std::string name; ///< "CPU (8 threads)" or the GPU's name
    bool cuda = false;
};

/// Picks the device: `"auto"` (CUDA when available, else CPU), `"cpu"`,
/// `"cuda"` or `"cuda:N"`. Throws ql::core::Error when CUDA is asked for but
/// absent, or the string is not a device. Thread-safe.
DeviceInfo selectDevice(const std::string &request = "auto");

/// Whether this build and machine can run CUDA. Thread-safe.
bool cudaAvailable();

} // namespace ql::core
