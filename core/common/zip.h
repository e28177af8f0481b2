#pragma once
// The zip container of PyTorch files (torch.save, torch.jit.save): a reader for the stored
// (uncompressed) entries these files hold, with every offset and size checked against the
// file before it is used and every entry's CRC-32 verified, and the writer QuantLens saves
// state dicts with. Torch-free; no allocation larger than the file itself.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ql::core {

/// One entry of a zip archive, as its central directory and local header describe it.
struct ZipEntry {
    std::string name;
    uint64_t headerOffset = 0; ///< of the local file header
    uint64_t dataOffset = 0; ///< of the entry's bytes (after the local header)
    uint64_t size = 0; ///< uncompressed size
    uint64_t compressedSize = 0; ///< bytes in the file (== size for stored entries)
    uint16_t method = 0; ///< 0 stored, 8 deflated (only with Compression::AllowDeflate)
    uint32_t crc32 = 0;
};

/// Reads a zip archive. The constructor checks the whole structure (end of central directory,
/// ZIP64 records, every central and local header, names, that entries lie inside the file
/// and do not overlap) and throws ql::core::Error naming the file for anything wrong; reads
/// check the CRC-32. By default only stored entries are accepted: torch.save never compresses,
/// so memory stays bounded by the file's size. torch.jit.save deflates its code records:
/// Compression::AllowDeflate accepts those too (inflated output is bounded by the size the
/// entry declares, which deflate's greatest ratio bounds in turn). Const members are thread-safe.
class ZipReader {
public:
    enum class Compression { StoredOnly, AllowDeflate };

    /// Random access to the archive's bytes.
    class Source {
    public:
        virtual ~Source() = default;
        virtual uint64_t size() const = 0;
        /// Exactly `n` bytes at `offset` (checked by the caller to lie inside size()).
        virtual void read(uint64_t offset, void *dst, size_t n) const = 0;
    };

    /// Opens the file `path` (read with pread, never mapped or loaded whole).
    explicit ZipReader(const std::filesystem::path &path, Compression compression = Compression::StoredOnly);
    /// An archive held in memory; `name` is used in messages (fuzzing, tests).
    ZipReader(std::string bytes, std::string name, Compression compression = Compression::StoredOnly);
    ~ZipReader();
    ZipReader(ZipReader &&) noexcept;
    ZipReader &operator=(ZipReader &&) noexcept;

    /// The file (or name) the archive came from, for messages.
    const std::string &name() const { return m_name; }
    /// Entries in central-directory order.
    const std::vector<ZipEntry> &entries() const { return m_entries; }
    /// The entry called `name`, or null.
    const ZipEntry *find(const std::string &name) const;
    /// Reads the entry into `dst` (entry.size bytes) and checks its CRC-32.
    void read(const ZipEntry &entry, void *dst) const;
    std::string read(const ZipEntry &entry) const;
    /// Checks the CRC-32 of every entry not read yet (read() marks the ones it checked).
    void verifyAll() const;

private:
    void parse();
    [[noreturn]] void fail(const std::string &what) const;
    void readAt(uint64_t offset, void *dst, size_t n) const;

    void inflateEntry(const ZipEntry &entry, uint8_t *dst) const;

    std::unique_ptr<Source> m_source;
    std::string m_name;
    Compression m_compression = Compression::StoredOnly;
    std::vector<ZipEntry> m_entries;
    mutable std::vector<uint8_t> m_verified;
};

/// Writes a zip archive of stored entries whose data start at 64-byte boundaries, as
/// PyTorch's own writer does (torch.load can map them). ZIP64 records are written when an
/// offset or size needs them. Bytes go to `sink`, which throws on failure. Not thread-safe.
class ZipWriter {
public:
    using Sink = std::function<void(const void *data, size_t size)>;
    /// `alwaysZip64` writes ZIP64 records for every entry (tests use it on small archives).
    explicit ZipWriter(Sink sink, bool alwaysZip64 = false);
    void add(const std::string &name, const void *data, size_t size);
    /// Writes the central directory; no entry may be added afterwards.
    void finish();

private:
    struct Written {
        std::string name;
        uint64_t offset;
        uint64_t size;
        uint32_t crc;
    };
    void put(const void *data, size_t size);

    Sink m_sink;
    bool m_alwaysZip64;
    uint64_t m_offset = 0;
    std::vector<Written> m_written;
    bool m_finished = false;
};

/// CRC-32 (zip's polynomial) of `size` bytes continuing from `crc` (0 to start).
uint32_t crc32(uint32_t crc, const void *data, size_t size);

} // namespace ql::core
