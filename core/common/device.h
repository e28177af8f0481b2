#pragma once
#include <c10/core/Device.h>

#include <string>

namespace ql::core {

/// The device QuantLens computes on.
struct DeviceInfo {
    c10::Device device{c10::kCPU};
    std::string name;     ///< "CPU (8 threads)" or the GPU's name
    bool cuda = false;
};

/// Picks the device: `"auto"` (CUDA when available, else CPU), `"cpu"`,
/// `"cuda"` or `"cuda:N"`. Throws ql::core::Error when CUDA is asked for but
/// absent, or the string is not a device. Thread-safe.
DeviceInfo selectDevice(const std::string &request = "auto");

/// Whether this build and machine can run CUDA. Thread-safe.
bool cudaAvailable();

/// Sets libtorch's intra-op CPU thread count; `threads <= 0` means every core.
/// Returns the count now in effect. Call once at start-up, before any work.
int setCpuThreads(int threads);

/// libtorch's intra-op CPU thread count now in effect.
int cpuThreads();
/// Applies the count chosen with setCpuThreads to the calling thread. libtorch's CPU thread
/// count is per thread: call this first on every thread that runs a job.
void applyCpuThreads();

/// Lets the C library keep freed memory for reuse instead of handing it back to the system
/// after every training step. Without it, glibc returns the top of the heap once more than
/// a few tens of MiB are free, and every step page-faults its activations in again (tens of
/// thousands of faults a second per thread on the demo model). Call first thing in main(),
/// before any thread starts. Returns false where the C library has no such settings (not glibc).
bool keepFreedMemoryForReuse();

} // namespace ql::core
