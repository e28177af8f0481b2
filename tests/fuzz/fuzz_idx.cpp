// IDX files, plain or gzip.
#include "core/data/idx.h"
#include "tests/fuzz/fuzz_target.h"

QL_FUZZ_TARGET(idx)
{
    ql::fuzz::expectOnlyErrors([&] {
        const auto a = ql::core::data::parseIdx(std::string(reinterpret_cast<const char *>(data), size), "fuzz.idx");
        uint64_t total = 1;
        for (int64_t d : a.dims)
            total *= static_cast<uint64_t>(d);
        ql::fuzz::check(!a.dims.empty() && a.values.size() == total, "values do not match the dimensions");
        // A plain file holds its data; gzip expands at most 1032 times.
        ql::fuzz::check(a.values.size() <= 1032 * size + 1024, "more data than the input can hold");
    });
    return 0;
}
