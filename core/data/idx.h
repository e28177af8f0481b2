#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ql::core::data {

/// An IDX array (the MNIST / Fashion-MNIST file format) of unsigned bytes.
struct IdxArray {
    std::vector<int64_t> dims; ///< e.g. {60000, 28, 28} for images, {60000} for labels
    std::vector<uint8_t> values; ///< row-major, product(dims) bytes
    int64_t count() const { return dims.empty() ? 0 : dims.front(); }
};

/// Reads an IDX file, gzip-compressed (`.gz`, detected by its magic bytes) or
/// plain. Only the unsigned-byte element type (0x08) is accepted, the type of
/// every MNIST-family file. Throws ql::core::Error naming the file for a
/// missing, unreadable, truncated or malformed file, or one with extra bytes.
/// The header is checked before the data: a gzip stream is inflated only as far as
/// the header declares (and a header cannot declare more than its compressed bytes
/// can hold), so a gzip bomb costs no more memory than a valid file of its size.
/// Thread-safe (no shared state).
IdxArray readIdx(const std::filesystem::path &path);
/// readIdx of the file's bytes held in memory; `file` names it in messages.
IdxArray parseIdx(const std::string &bytes, const std::string &file);

/// `dir`/`stem`.gz, else `dir`/`stem`, whichever is a regular file; empty when neither is. Thread-safe.
std::filesystem::path findIdxFile(const std::filesystem::path &dir, const std::string &stem);

/// Reads only the header (dimensions) of an IDX file, gzip or plain; cheap.
/// Throws ql::core::Error like readIdx for a missing or malformed header.
std::vector<int64_t> readIdxDims(const std::filesystem::path &path);

} // namespace ql::core::data
