#include "core/common/error.h"
#include "core/quant/asq.h"
#include "core/quant/identity.h"
#include "core/quant/lsq.h"
#include "core/quant/multipoint.h"
#include "core/quant/pact.h"
#include "core/quant/pot.h"
#include "core/quant/quantizer.h"
#include "core/quant/range.h"

namespace ql::core::quant {

namespace {
[[noreturn]] void unsupported(const QuantSpec &spec, const char *why)
{
    throw Error(methodName(spec.method) + ": " + why + ".", "Pick a method that fits the tensor's role.");
}
} // namespace

Quantizer makeQuantizer(const QuantSpec &spec, Role role, int64_t channels)
{
    switch (spec.method) {
    case Method::None: return std::make_shared<IdentityQuantizerImpl>(spec);
    case Method::Lsq:
    case Method::LsqPlus: return std::make_shared<LsqQuantizerImpl>(spec, role, channels);
    case Method::Asq:
        if (role != Role::Activation)
            unsupported(spec, "ASQ quantizes activations only");
        return std::make_shared<AsqQuantizerImpl>(spec, channels);
    case Method::Pot:
    case Method::Post:
    case Method::Apot:
        if (role != Role::Weight)
            unsupported(spec, "the non-uniform level sets quantize weights only");
        return std::make_shared<LevelQuantizerImpl>(spec, role, channels);
    case Method::Pact:
        if (role != Role::Activation)
            unsupported(spec, "PACT clips activations only");
        return std::make_shared<PactQuantizerImpl>(spec);
    case Method::MinMax:
    case Method::Percentile:
    case Method::Mse: return std::make_shared<RangeQuantizerImpl>(spec, role, channels);
    case Method::Multipoint:
        if (role != Role::Weight)
            unsupported(spec, "multipoint quantization is defined for weights only");
        return std::make_shared<MultipointQuantizerImpl>(spec, channels);
    }
    unsupported(spec, "unknown method");
}

std::string QuantizerImpl::description() const
{
    const auto r = codeRange();
    std::string out = m_spec.label();
    if (m_spec.method != Method::None)
        out += ", integer codes " + std::to_string(r.lo) + ".." + std::to_string(r.hi) +
               (uniformGrid() ? " on a uniform grid" : " indexing non-uniform levels");
    return out;
}

} // namespace ql::core::quant
