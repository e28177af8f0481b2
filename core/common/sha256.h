#pragma once
// SHA-256 (FIPS 180-4), for naming files after their content.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ql::core {

/// Incremental SHA-256. Not thread-safe; one object per computation.
class Sha256 {
public:
    Sha256();
    void update(const void *data, size_t size);
    /// The digest; the object must not be updated afterwards.
    std::array<uint8_t, 32> finish();
    /// The digest as 64 lower-case hex digits.
    std::string hexFinish();

private:
    void block(const uint8_t *p);
    std::array<uint32_t, 8> m_h;
    std::array<uint8_t, 64> m_buf{};
    size_t m_used = 0;
    uint64_t m_bytes = 0;
};

} // namespace ql::core
