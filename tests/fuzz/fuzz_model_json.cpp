// Model descriptions (NAME.pth.json).
#include "core/engine/model_io.h"
#include "tests/fuzz/fuzz_target.h"

QL_FUZZ_TARGET(model_json)
{
    ql::fuzz::expectOnlyErrors([&] {
        const auto m = ql::core::engine::ModelMeta::fromJson(std::string(reinterpret_cast<const char *>(data), size),
                                                             "fuzz.pth.json");
        ql::fuzz::check(!m.arch.empty() && m.inChannels >= 0 && m.inChannels <= ql::core::engine::kMaxInChannels &&
                            m.numClasses >= 0 && m.numClasses <= ql::core::engine::kMaxClasses,
                        "a description out of range was accepted");
    });
    return 0;
}
