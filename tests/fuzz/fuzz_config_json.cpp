// Per-layer config files (--config) applied to a session of the fmnist-cnn model.
#include "core/engine/session.h"
#include "tests/fuzz/fuzz_target.h"

QL_FUZZ_TARGET(config_json)
{
    static const ql::core::engine::Session base = [] {
        ql::core::engine::LoadedModel m;
        m.model = ql::core::models::createModel("fmnist-cnn");
        m.meta.arch = "fmnist-cnn";
        return ql::core::engine::Session(m, "fashion-mnist");
    }();
    ql::fuzz::expectOnlyErrors([&] {
        ql::core::engine::Session s = base;
        s.applyConfigJson(std::string(reinterpret_cast<const char *>(data), size), "fuzz.json");
        for (const auto &c : s.config()) {
            ql::core::quant::validateSpec(c.weight);
            ql::core::quant::validateSpec(c.act);
        }
    });
    return 0;
}
