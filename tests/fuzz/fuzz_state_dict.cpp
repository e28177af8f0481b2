// A whole state-dict file (zip + pickle + storages) through readStateDict.
#include "core/models/weights.h"
#include "tests/fuzz/fuzz_target.h"

QL_FUZZ_TARGET(state_dict)
{
    ql::fuzz::expectOnlyErrors([&] {
        const auto tensors =
            ql::core::models::readStateDictBytes(std::string(reinterpret_cast<const char *>(data), size), "fuzz.pth");
        ql::fuzz::touchTensors(tensors);
    });
    return 0;
}
