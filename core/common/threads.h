#pragma once
// CPU threads and memory settings of the process. Torch-free: the GUI calls these.
#include <exception>
#include <string>

namespace ql::core {

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

/// A message a user can read for the exception `e` (ql::core::Error with its hint, a
/// libtorch error without its backtrace, out of memory, or any std::exception). Thread-safe.
std::string describeException(const std::exception_ptr &e);

} // namespace ql::core
