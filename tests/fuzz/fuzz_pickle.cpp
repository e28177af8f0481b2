// The restricted unpickler: the input is data.pkl, put into a valid archive (CRCs right) beside
// four storages, so that mutations reach the pickle instead of stopping at the zip's checks.
// Storage "0": 16 floats, "1": 4 int64, "2": 8 uint8, "3": 4 bools.
#include "core/common/zip.h"
#include "core/models/weights.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

std::string archiveAround(const uint8_t *pickle, size_t size)
{
    static const std::string storages[] = {std::string(64, '\x3f'), std::string(32, '\x01'), std::string(8, '\x07'),
                                           std::string("\x00\x01\x01\x00", 4)};
    std::string out;
    ql::core::ZipWriter w([&out](const void *p, size_t n) { out.append(static_cast<const char *>(p), n); });
    w.add("archive/data.pkl", pickle, size);
    for (size_t k = 0; k < 4; ++k)
        w.add("archive/data/" + std::to_string(k), storages[k].data(), storages[k].size());
    w.add("archive/version", "3\n", 2);
    w.finish();
    return out;
}

} // namespace

QL_FUZZ_TARGET(pickle)
{
    ql::fuzz::expectOnlyErrors([&] {
        const auto tensors = ql::core::models::readStateDictBytes(archiveAround(data, size), "fuzz.pkl");
        ql::fuzz::touchTensors(tensors);
    });
    return 0;
}
