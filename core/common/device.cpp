#include "core/common/device.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <atomic>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#ifdef QL_TORCH_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

namespace ql::core {

bool cudaAvailable() { return torch::cuda::is_available(); }

// The chosen count, for threads started later: libtorch's OpenMP thread count is a
// per-thread setting, and a new thread starts with the library's default (1 with Debian's
// libtorch), so every engine thread applies it again (applyCpuThreads).
static std::atomic<int> s_threads{0};

int setCpuThreads(int threads)
{
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(threads);
    s_threads = at::get_num_threads();
    return s_threads;
}

void applyCpuThreads()
{
    if (const int n = s_threads.load(); n > 0 && at::get_num_threads() != n)
        at::set_num_threads(n);
}

int cpuThreads()
{
    const int n = s_threads.load();
    return n > 0 ? n : at::get_num_threads();
}

bool keepFreedMemoryForReuse()
{
#if defined(__GLIBC__)
    // Allocations up to 32 MiB (glibc's largest threshold) come from the heap, not from mmap;
    // up to 1 GiB of free memory at the top of a heap stays there; heaps grow by 64 MiB more
    // than asked, which also keeps a thread's freed heaps from being unmapped.
    constexpr int kMiB = 1 << 20;
    return mallopt(M_MMAP_THRESHOLD, 32 * kMiB) == 1 && mallopt(M_TRIM_THRESHOLD, 1024 * kMiB) == 1 &&
           mallopt(M_TOP_PAD, 64 * kMiB) == 1;
#else
    return false;
#endif
}

static std::string cudaName(int index)
{
#ifdef QL_TORCH_CUDA
    if (const auto *prop = at::cuda::getDeviceProperties(static_cast<c10::DeviceIndex>(index)))
        return std::string(prop->name);
#endif
    return "CUDA device " + std::to_string(index);
}

DeviceInfo selectDevice(const std::string &request)
{
    DeviceInfo info;
    const bool haveCuda = cudaAvailable();
    std::string req = request.empty() ? std::string("auto") : request;
    if (req == "auto")
        req = haveCuda ? "cuda" : "cpu";
    if (req == "cpu") {
        info.device = c10::Device(c10::kCPU);
        info.name = "CPU (" + std::to_string(cpuThreads()) + " threads)";
        return info;
    }
    if (req.rfind("cuda", 0) == 0) {
        if (!haveCuda)
            throw Error("CUDA was requested ('" + request +
                            "') but no CUDA device is available in this build or machine.",
                        "Use --device cpu, or build QuantLens against a CUDA-enabled libtorch.");
        int index = 0;
        if (req.size() > 4) {
            if (req[4] != ':')
                throw Error("Unknown device '" + request + "'.", "Use auto, cpu, cuda or cuda:N.");
            try {
                index = std::stoi(req.substr(5));
            } catch (const std::exception &) {
                throw Error("Unknown device '" + request + "'.", "Use auto, cpu, cuda or cuda:N.");
            }
        }
        const auto count = static_cast<int>(torch::cuda::device_count());
        if (index < 0 || index >= count)
            throw Error("CUDA device " + std::to_string(index) + " does not exist (this machine has " +
                            std::to_string(count) + ").",
                        "Use cuda:0 … cuda:" + std::to_string(count - 1) + ".");
        info.device = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
        info.cuda = true;
        info.name = cudaName(index);
        return info;
    }
    throw Error("Unknown device '" + request + "'.", "Use auto, cpu, cuda or cuda:N.");
}

std::string describeException(const std::exception_ptr &e)
{
    try {
        std::rethrow_exception(e);
    } catch (const Error &err) {
        return err.full();
    } catch (const c10::Error &err) {
        return err.what_without_backtrace();
    } catch (const std::bad_alloc &) {
        return "Out of memory: the job needed more memory than this machine could give. Use a smaller batch, "
               "fewer images or a smaller model.";
    } catch (const std::exception &err) {
        return err.what();
    } catch (...) {
        return "An unknown error occurred.";
    }
}

} // namespace ql::core
