// Coverage for libFuzzer in a GCC build. GCC's -fsanitize-coverage=trace-pc calls
// __sanitizer_cov_trace_pc() at the start of every basic block; libFuzzer no longer reads those
// calls (its own version only says so and exits), but it reads 8-bit counters registered with
// __sanitizer_cov_8bit_counters_init. Each call here counts the pair (previous block, this block),
// hashed into 64 Ki counters, as AFL counts edges. Linked before libFuzzer's runtime with
// --allow-multiple-definition, so that this definition is the one used.
#include <cstdint>

extern "C" void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);

namespace {

constexpr uintptr_t kCounters = uintptr_t(1) << 16;
alignas(64) uint8_t g_counters[kCounters];
thread_local uintptr_t g_previous = 0;

struct Register {
    Register() { __sanitizer_cov_8bit_counters_init(g_counters, g_counters + kCounters); }
} g_register;

} // namespace

extern "C" __attribute__((no_sanitize_coverage, no_sanitize("address", "undefined"))) void __sanitizer_cov_trace_pc()
{
    const auto pc = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
    const uintptr_t block = (pc ^ (pc >> 12)) * uintptr_t(0x9E3779B1u);
    ++g_counters[(block ^ g_previous) & (kCounters - 1)];
    g_previous = block >> 1;
}

// GCC's trace-cmp also reports floating-point comparisons, which libFuzzer has no use for.
extern "C" __attribute__((no_sanitize_coverage)) void __sanitizer_cov_trace_cmpf(float, float) { }
extern "C" __attribute__((no_sanitize_coverage)) void __sanitizer_cov_trace_cmpd(double, double) { }
