// The zip reader: structure checks, then every entry read (CRC-32 checked).
#include "core/common/zip.h"
#include "tests/fuzz/fuzz_target.h"

QL_FUZZ_TARGET(zip)
{
    ql::fuzz::expectOnlyErrors([&] {
        const ql::core::ZipReader zip(std::string(reinterpret_cast<const char *>(data), size), "fuzz.zip");
        uint64_t total = 0;
        for (const auto &e : zip.entries()) {
            ql::fuzz::check(e.dataOffset + e.size <= size, "an entry reaches past the archive");
            total += e.size;
        }
        ql::fuzz::check(total <= size, "entries hold more bytes than the archive");
        for (const auto &e : zip.entries())
            ql::fuzz::check(zip.read(e).size() == e.size, "an entry read back with another size");
        zip.verifyAll();
    });
    return 0;
}
