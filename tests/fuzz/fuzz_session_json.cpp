// Session files (.qls JSON): parsing and every field check, without building the model.
#include "core/engine/session.h"
#include "tests/fuzz/fuzz_target.h"

QL_FUZZ_TARGET(session_json)
{
    ql::fuzz::expectOnlyErrors([&] {
        const auto f =
            ql::core::engine::parseSessionFile(std::string(reinterpret_cast<const char *>(data), size), "fuzz.qls");
        ql::fuzz::check(!f.weights.empty() && f.weights.find('/') == std::string::npos && f.weights != "..",
                        "a weights name that is not a plain file name was accepted");
    });
    return 0;
}
