#pragma once
// One fuzz target: QL_FUZZ_TARGET(name) { ... } defines the function that takes one input.
// With -DQL_FUZZ=ON (clang) each target is its own libFuzzer executable; in every other build
// all targets go into ql_fuzz_replay, whose driver (replay_main.cpp) replays the corpus and
// runs seeded random mutations for a bounded time as a ctest test. A target accepts every
// input: a ql::core::Error is the expected answer to a bad one; anything else that escapes
// (another exception, a crash, a sanitizer report, a failed check() below) is a finding.
#include "core/common/error.h"

#include <torch/types.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace ql::fuzz {

using Target = int (*)(const uint8_t *data, size_t size);

struct Registrar {
    Registrar(const char *name, Target target);
};

/// Runs `f`, swallowing the ql::core::Error a bad input must give.
template <typename F>
void expectOnlyErrors(F &&f)
{
    try {
        f();
    } catch (const ql::core::Error &) {
    }
}

/// A finding: says what and ends the run (the driver or libFuzzer keeps the input).
[[noreturn]] inline void finding(const std::string &what)
{
    std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
    std::abort();
}

inline void check(bool ok, const char *what)
{
    if (!ok)
        finding(what);
}

/// Reads the first and the last byte every tensor addresses, in this (instrumented) code, after
/// checking that they lie inside the tensor's storage: a view that reaches outside it is a
/// finding here, or an AddressSanitizer report on the read.
inline void touchTensors(const std::vector<std::pair<std::string, torch::Tensor>> &tensors)
{
    for (const auto &[name, t] : tensors) {
        if (!t.defined() || t.numel() == 0)
            continue;
        int64_t last = t.storage_offset();
        for (int64_t d = 0; d < t.dim(); ++d)
            last += (t.size(d) - 1) * t.stride(d);
        const auto elem = static_cast<int64_t>(t.element_size());
        check(t.storage_offset() >= 0 && (last + 1) * elem <= static_cast<int64_t>(t.storage().nbytes()),
              ("tensor '" + name + "' reaches outside its storage").c_str());
        const auto *base = static_cast<const volatile uint8_t *>(t.data_ptr()) - t.storage_offset() * elem;
        volatile uint8_t sink = base[t.storage_offset() * elem];
        sink = base[(last + 1) * elem - 1];
        (void)sink;
    }
}

} // namespace ql::fuzz

#ifdef QL_FUZZ_LIBFUZZER
#define QL_FUZZ_TARGET(name) extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#else
#define QL_FUZZ_TARGET(name)                                                                                           \
    static int qlFuzz_##name(const uint8_t *data, size_t size);                                                        \
    static const ::ql::fuzz::Registrar qlFuzzRegistrar_##name(#name, qlFuzz_##name);                                   \
    static int qlFuzz_##name(const uint8_t *data, size_t size)
#endif
