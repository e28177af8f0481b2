#include "core/common/zip.h"

#include "core/common/error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <new>
#include <unordered_set>
#include <vector>

namespace ql::core {

namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kEnd64Sig = 0x06064b50;
constexpr uint32_t kLocator64Sig = 0x07064b50;
constexpr size_t kLocalSize = 30;
constexpr size_t kCentralSize = 46;
constexpr size_t kEndSize = 22;
constexpr size_t kEnd64Size = 56;
constexpr size_t kLocator64Size = 20;
constexpr uint64_t kMaxEntries = 1u << 20;
constexpr size_t kMaxName = 4096;
constexpr uint64_t kAlignment = 64;

uint16_t le16(const uint8_t *p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t *p)
{
    return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}
uint64_t le64(const uint8_t *p) { return uint64_t(le32(p)) | (uint64_t(le32(p + 4)) << 32); }

class FileSource : public ZipReader::Source {
public:
    explicit FileSource(const std::filesystem::path &path) : m_path(path.string())
    {
        m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0)
            throw Error("Cannot open '" + m_path + "': " + std::strerror(errno) + ".",
                        "Check that the file exists and is readable.");
        struct stat st { };
        if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(m_fd);
            throw Error("'" + m_path + "' is not a regular file.", "Give the path of a model file.");
        }
        m_size = static_cast<uint64_t>(st.st_size);
    }
    ~FileSource() override { ::close(m_fd); }
    FileSource(const FileSource &) = delete;
    FileSource &operator=(const FileSource &) = delete;
    uint64_t size() const override { return m_size; }
    void read(uint64_t offset, void *dst, size_t n) const override
    {
        auto *p = static_cast<char *>(dst);
        while (n > 0) {
            const ssize_t got = ::pread(m_fd, p, n, static_cast<off_t>(offset));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                throw Error("Cannot read '" + m_path + "': " + (got < 0 ? std::strerror(errno) : "it became shorter") +
                                ".",
                            "Check the disk, and that no other program writes the file.");
            p += got;
            n -= static_cast<size_t>(got);
            offset += static_cast<uint64_t>(got);
        }
    }

private:
    std::string m_path;
    int m_fd = -1;
    uint64_t m_size = 0;
};

class MemorySource : public ZipReader::Source {
public:
    explicit MemorySource(std::string bytes) : m_bytes(std::move(bytes)) { }
    uint64_t size() const override { return m_bytes.size(); }
    void read(uint64_t offset, void *dst, size_t n) const override
    {
        if (n > 0)
            std::memcpy(dst, m_bytes.data() + offset, n);
    }

private:
    std::string m_bytes;
};

/// a + b, or false when it overflows.
bool add(uint64_t a, uint64_t b, uint64_t &out) { return !__builtin_add_overflow(a, b, &out); }

} // namespace

uint32_t crc32(uint32_t crc, const void *data, size_t size)
{
    const auto *p = static_cast<const Bytef *>(data);
    uLong c = crc;
    while (size > 0) {
        const auto chunk = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
        c = ::crc32(c, p, chunk);
        p += chunk;
        size -= chunk;
    }
    return static_cast<uint32_t>(c);
}

ZipReader::ZipReader(const std::filesystem::path &path, Compression compression)
    : m_source(std::make_unique<FileSource>(path)), m_name(path.string()), m_compression(compression)
{
    parse();
}

ZipReader::ZipReader(std::string bytes, std::string name, Compression compression)
    : m_source(std::make_unique<MemorySource>(std::move(bytes))), m_name(std::move(name)), m_compression(compression)
{
    parse();
}

ZipReader::~ZipReader() = default;
ZipReader::ZipReader(ZipReader &&) noexcept = default;
ZipReader &ZipReader::operator=(ZipReader &&) noexcept = default;

void ZipReader::fail(const std::string &what) const
{
    throw Error("'" + m_name + "' is a corrupt zip archive: " + what + ".",
                "The file is damaged (cut short or modified); save or download it again.");
}

void ZipReader::readAt(uint64_t offset, void *dst, size_t n) const
{
    uint64_t end = 0;
    if (!add(offset, n, end) || end > m_source->size())
        fail("a record at byte " + std::to_string(offset) + " reaches past the end of the file");
    m_source->read(offset, dst, n);
}

void ZipReader::parse()
{
    const uint64_t fileSize = m_source->size();
    if (fileSize < kEndSize)
        fail("it has only " + std::to_string(fileSize) + " bytes (the file is truncated)");

    // The end of central directory record: the last one whose comment ends inside the file.
    const uint64_t tailSize = std::min<uint64_t>(fileSize, kEndSize + 0xffff);
    std::vector<uint8_t> tail(static_cast<size_t>(tailSize));
    readAt(fileSize - tailSize, tail.data(), tail.size());
    int64_t endPos = -1;
    for (int64_t i = static_cast<int64_t>(tailSize - kEndSize); i >= 0; --i) {
        const uint8_t *p = tail.data() + i;
        if (le32(p) == kEndSig && static_cast<uint64_t>(i) + kEndSize + le16(p + 20) <= tailSize) {
            endPos = i;
            break;
        }
    }
    if (endPos < 0)
        fail("it has no end of central directory record (the file is truncated, or not a zip file)");
    const uint8_t *end = tail.data() + endPos;
    const uint64_t endOffset = fileSize - tailSize + static_cast<uint64_t>(endPos);
    if (le16(end + 4) != 0 || le16(end + 6) != 0)
        fail("it spans several disks");
    uint64_t count = le16(end + 10);
    uint64_t cdSize = le32(end + 12);
    uint64_t cdOffset = le32(end + 16);
    if (le16(end + 8) != le16(end + 10))
        fail("its entry counts disagree");
    uint64_t cdLimit = endOffset; // the central directory ends before the records that follow it

    if (count == 0xffff || cdSize == 0xffffffff || cdOffset == 0xffffffff) {
        if (endOffset < kLocator64Size)
            fail("its ZIP64 locator is missing");
        std::array<uint8_t, kLocator64Size> loc{};
        readAt(endOffset - kLocator64Size, loc.data(), loc.size());
        if (le32(loc.data()) != kLocator64Sig)
            fail("its ZIP64 locator is missing");
        const uint64_t end64Offset = le64(loc.data() + 8);
        uint64_t end64End = 0;
        if (!add(end64Offset, kEnd64Size, end64End) || end64End > endOffset - kLocator64Size)
            fail("its ZIP64 end record lies outside the file");
        std::array<uint8_t, kEnd64Size> e64{};
        readAt(end64Offset, e64.data(), e64.size());
        if (le32(e64.data()) != kEnd64Sig)
            fail("its ZIP64 end record has a wrong signature");
        if (le32(e64.data() + 16) != 0 || le32(e64.data() + 20) != 0 || le64(e64.data() + 24) != le64(e64.data() + 32))
            fail("it spans several disks");
        count = le64(e64.data() + 32);
        cdSize = le64(e64.data() + 40);
        cdOffset = le64(e64.data() + 48);
        cdLimit = end64Offset;
    }
    uint64_t cdEnd = 0;
    if (!add(cdOffset, cdSize, cdEnd) || cdEnd > cdLimit)
        fail("its central directory (" + std::to_string(cdSize) + " bytes at byte " + std::to_string(cdOffset) +
             ") lies outside the file");
    if (count > kMaxEntries || count * kCentralSize > cdSize)
        fail("it declares " + std::to_string(count) + " entries in a central directory of " + std::to_string(cdSize) +
             " bytes");

    std::vector<uint8_t> cd(static_cast<size_t>(cdSize));
    readAt(cdOffset, cd.data(), cd.size());
    std::unordered_set<std::string> names;
    size_t pos = 0;
    m_entries.reserve(static_cast<size_t>(count));
    for (uint64_t k = 0; k < count; ++k) {
        if (cd.size() - pos < kCentralSize || le32(cd.data() + pos) != kCentralSig)
            fail("central directory entry " + std::to_string(k) + " is damaged");
        const uint8_t *h = cd.data() + pos;
        const uint16_t flags = le16(h + 8);
        const uint16_t method = le16(h + 10);
        ZipEntry e;
        e.crc32 = le32(h + 16);
        uint64_t compressed = le32(h + 20);
        e.size = le32(h + 24);
        const size_t nameLen = le16(h + 28), extraLen = le16(h + 30), commentLen = le16(h + 32);
        if (le16(h + 34) != 0)
            fail("an entry lies on another disk");
        e.headerOffset = le32(h + 42);
        if (cd.size() - pos - kCentralSize < nameLen + extraLen + commentLen)
            fail("central directory entry " + std::to_string(k) + " reaches past the directory");
        e.name.assign(reinterpret_cast<const char *>(h + kCentralSize), nameLen);
        if (nameLen == 0 || nameLen > kMaxName || e.name.find('\0') != std::string::npos)
            fail("entry " + std::to_string(k) + " has an invalid name");
        // ZIP64 extra field: the 64-bit values of the fields set to 0xffffffff, in this order.
        const uint8_t *extra = h + kCentralSize + nameLen;
        for (size_t x = 0; x + 4 <= extraLen;) {
            const uint16_t id = le16(extra + x), len = le16(extra + x + 2);
            if (x + 4 + len > extraLen)
                fail("entry '" + e.name + "' has a damaged extra field");
            if (id == 0x0001) {
                const uint8_t *v = extra + x + 4;
                size_t left = len;
                auto next = [&](uint64_t &field) {
                    if (left < 8)
                        fail("entry '" + e.name + "' has a short ZIP64 field");
                    field = le64(v);
                    v += 8;
                    left -= 8;
                };
                if (e.size == 0xffffffff)
                    next(e.size);
                if (compressed == 0xffffffff)
                    next(compressed);
                if (e.headerOffset == 0xffffffff)
                    next(e.headerOffset);
            }
            x += 4 + len;
        }
        pos += kCentralSize + nameLen + extraLen + commentLen;
        if (flags & 0x0001)
            fail("entry '" + e.name + "' is encrypted");
        const bool deflated = method == 8 && m_compression == Compression::AllowDeflate;
        if (method != 0 && !deflated)
            fail("entry '" + e.name + "' is compressed (method " + std::to_string(method) +
                 "); torch.save writes uncompressed entries, so another tool made this file");
        if (!deflated && compressed != e.size)
            fail("stored entry '" + e.name + "' has different compressed and uncompressed sizes");
        // Deflate expands at most ~1032 times: a larger claim is a lie that would only make
        // us allocate for it.
        if (deflated && (compressed > (uint64_t{1} << 40) || e.size > compressed * 1032 + 1024))
            fail("deflated entry '" + e.name + "' claims " + std::to_string(e.size) + " bytes from " +
                 std::to_string(compressed) + " compressed bytes, more than deflate can produce");
        e.method = method;
        e.compressedSize = compressed;
        if (!names.insert(e.name).second)
            fail("entry '" + e.name + "' appears twice");

        // The local header must agree with the central directory.
        uint64_t headerEnd = 0;
        if (!add(e.headerOffset, kLocalSize, headerEnd) || headerEnd > cdOffset)
            fail("entry '" + e.name + "' starts outside the file's data area");
        std::array<uint8_t, kLocalSize> local{};
        readAt(e.headerOffset, local.data(), local.size());
        if (le32(local.data()) != kLocalSig)
            fail("the local header of entry '" + e.name + "' has a wrong signature");
        const size_t localName = le16(local.data() + 26), localExtra = le16(local.data() + 28);
        if (localName != nameLen || le16(local.data() + 8) != method)
            fail("the local header of entry '" + e.name + "' disagrees with the central directory");
        std::string nameHere(localName, '\0');
        readAt(headerEnd, nameHere.data(), nameHere.size());
        if (nameHere != e.name)
            fail("the local header of entry '" + e.name + "' names '" + nameHere + "'");
        uint64_t dataEnd = 0;
        if (!add(headerEnd, localName + localExtra, e.dataOffset) || !add(e.dataOffset, e.compressedSize, dataEnd) ||
            dataEnd > cdOffset)
            fail("entry '" + e.name + "' (" + std::to_string(e.compressedSize) + " bytes) reaches past the data area");
        m_entries.push_back(std::move(e));
    }
    if (pos != cd.size())
        fail("its central directory holds " + std::to_string(cd.size() - pos) + " bytes more than its entries");

    // Entries must not share bytes: otherwise one region of the file could be read as many
    // entries, and memory would no longer be bounded by the file's size.
    std::vector<const ZipEntry *> byOffset;
    for (const auto &e : m_entries)
        byOffset.push_back(&e);
    std::sort(byOffset.begin(), byOffset.end(),
              [](const ZipEntry *a, const ZipEntry *b) { return a->headerOffset < b->headerOffset; });
    for (size_t k = 1; k < byOffset.size(); ++k)
        if (byOffset[k]->headerOffset < byOffset[k - 1]->dataOffset + byOffset[k - 1]->compressedSize)
            fail("entries '" + byOffset[k - 1]->name + "' and '" + byOffset[k]->name + "' overlap");
    m_verified.assign(m_entries.size(), 0);
}

const ZipEntry *ZipReader::find(const std::string &name) const
{
    for (const auto &e : m_entries)
        if (e.name == name)
            return &e;
    return nullptr;
}

void ZipReader::inflateEntry(const ZipEntry &entry, uint8_t *dst) const
{
    constexpr size_t kChunk = size_t{1} << 16;
    std::vector<uint8_t> in(kChunk);
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        throw std::bad_alloc();
    struct End {
        z_stream *z;
        ~End() { inflateEnd(z); }
    } end{&z};
    uint64_t consumed = 0, produced = 0;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (z.avail_in == 0) {
            if (consumed == entry.compressedSize)
                break;
            const auto n = static_cast<size_t>(std::min<uint64_t>(kChunk, entry.compressedSize - consumed));
            readAt(entry.dataOffset + consumed, in.data(), n);
            consumed += n;
            z.next_in = in.data();
            z.avail_in = static_cast<uInt>(n);
        }
        // Room for the declared size plus one byte, so that a stream longer than declared shows.
        const uint64_t room = entry.size - produced + 1;
        uint8_t spare = 0;
        z.next_out = produced < entry.size ? dst + produced : &spare;
        z.avail_out = static_cast<uInt>(std::min<uint64_t>(produced < entry.size ? room - 1 : 1, 1u << 30));
        rc = inflate(&z, Z_NO_FLUSH);
        produced = z.total_out;
        if (rc != Z_OK && rc != Z_STREAM_END)
            fail("deflated entry '" + entry.name + "' does not inflate (" + (z.msg ? z.msg : "bad data") + ")");
        if (produced > entry.size)
            fail("deflated entry '" + entry.name + "' inflates to more than the " + std::to_string(entry.size) +
                 " bytes it declares");
    }
    if (rc != Z_STREAM_END || produced != entry.size)
        fail("deflated entry '" + entry.name + "' inflates to " + std::to_string(produced) + " bytes, not the " +
             std::to_string(entry.size) + " it declares");
}

void ZipReader::read(const ZipEntry &entry, void *dst) const
{
    constexpr size_t kChunk = size_t{1} << 20;
    auto *p = static_cast<uint8_t *>(dst);
    uint32_t crc = 0;
    if (entry.method == 8) {
        inflateEntry(entry, p);
        crc = crc32(0, p, static_cast<size_t>(entry.size));
    } else {
        for (uint64_t done = 0; done < entry.size;) {
            const auto n = static_cast<size_t>(std::min<uint64_t>(kChunk, entry.size - done));
            readAt(entry.dataOffset + done, p + done, n);
            crc = crc32(crc, p + done, n);
            done += n;
        }
    }
    if (crc != entry.crc32)
        throw Error("'" + m_name + "' is damaged: entry '" + entry.name + "' does not match its CRC-32 checksum.",
                    "The file was modified or cut short after it was written; save or download it again.");
    const auto index = static_cast<size_t>(&entry - m_entries.data());
    if (index < m_verified.size())
        m_verified[index] = 1;
}

std::string ZipReader::read(const ZipEntry &entry) const
{
    std::string out(static_cast<size_t>(entry.size), '\0');
    read(entry, out.data());
    return out;
}

void ZipReader::verifyAll() const
{
    std::vector<uint8_t> buffer;
    for (size_t k = 0; k < m_entries.size(); ++k) {
        if (m_verified[k])
            continue;
        buffer.resize(static_cast<size_t>(m_entries[k].size));
        read(m_entries[k], buffer.data());
    }
}

// ---------------------------------------------------------------- writing

namespace {

void put16(std::string &s, uint16_t v)
{
    s.push_back(static_cast<char>(v & 0xff));
    s.push_back(static_cast<char>(v >> 8));
}
void put32(std::string &s, uint32_t v)
{
    put16(s, static_cast<uint16_t>(v & 0xffff));
    put16(s, static_cast<uint16_t>(v >> 16));
}
void put64(std::string &s, uint64_t v)
{
    put32(s, static_cast<uint32_t>(v & 0xffffffff));
    put32(s, static_cast<uint32_t>(v >> 32));
}
constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01: a valid date, the same on every save
constexpr uint64_t k32Max = 0xffffffff;

} // namespace

ZipWriter::ZipWriter(Sink sink, bool alwaysZip64) : m_sink(std::move(sink)), m_alwaysZip64(alwaysZip64) { }

void ZipWriter::put(const void *data, size_t size)
{
    if (size == 0)
        return;
    m_sink(data, size);
    m_offset += size;
}

void ZipWriter::add(const std::string &name, const void *data, size_t size)
{
    if (m_finished)
        throw Error("Zip writer: entry '" + name + "' added after the archive was finished.");
    if (name.empty() || name.size() > kMaxName)
        throw Error("Zip writer: invalid entry name '" + name + "'.");
    const uint32_t crc = crc32(0, data, size);
    const bool zip64 = m_alwaysZip64 || size >= k32Max || m_offset >= k32Max;
    std::string h;
    put32(h, kLocalSig);
    put16(h, zip64 ? 45 : 20);
    put16(h, 0); // flags
    put16(h, 0); // stored
    put16(h, 0); // time
    put16(h, kDosDate);
    put32(h, crc);
    put32(h, zip64 ? static_cast<uint32_t>(k32Max) : static_cast<uint32_t>(size));
    put32(h, zip64 ? static_cast<uint32_t>(k32Max) : static_cast<uint32_t>(size));
    put16(h, static_cast<uint16_t>(name.size()));
    // Extra fields: ZIP64 sizes when needed, then padding (id "FB", as PyTorch) up to the alignment.
    std::string extra;
    if (zip64) {
        put16(extra, 0x0001);
        put16(extra, 16);
        put64(extra, size);
        put64(extra, size);
    }
    const uint64_t base = m_offset + kLocalSize + name.size() + extra.size();
    uint64_t pad = (kAlignment - base % kAlignment) % kAlignment;
    if (pad != 0 && pad < 4)
        pad += kAlignment;
    if (pad != 0) {
        put16(extra, 0x4246);
        put16(extra, static_cast<uint16_t>(pad - 4));
        extra.append(static_cast<size_t>(pad - 4), 'Z');
    }
    put16(h, static_cast<uint16_t>(extra.size()));
    h += name;
    h += extra;
    const uint64_t offset = m_offset;
    put(h.data(), h.size());
    put(data, size);
    m_written.push_back({name, offset, size, crc});
}

void ZipWriter::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    const uint64_t cdOffset = m_offset;
    std::string cd;
    bool anyZip64 = m_alwaysZip64;
    for (const auto &w : m_written) {
        const bool bigSize = m_alwaysZip64 || w.size >= k32Max;
        const bool bigOffset = m_alwaysZip64 || w.offset >= k32Max;
        anyZip64 = anyZip64 || bigSize || bigOffset;
        std::string extra;
        if (bigSize || bigOffset) {
            put16(extra, 0x0001);
            put16(extra, static_cast<uint16_t>((bigSize ? 16 : 0) + (bigOffset ? 8 : 0)));
            if (bigSize) {
                put64(extra, w.size);
                put64(extra, w.size);
            }
            if (bigOffset)
                put64(extra, w.offset);
        }
        put32(cd, kCentralSig);
        put16(cd, bigSize || bigOffset ? 45 : 20); // made by
        put16(cd, bigSize || bigOffset ? 45 : 20); // needed
        put16(cd, 0);
        put16(cd, 0);
        put16(cd, 0);
        put16(cd, kDosDate);
        put32(cd, w.crc);
        put32(cd, bigSize ? static_cast<uint32_t>(k32Max) : static_cast<uint32_t>(w.size));
        put32(cd, bigSize ? static_cast<uint32_t>(k32Max) : static_cast<uint32_t>(w.size));
        put16(cd, static_cast<uint16_t>(w.name.size()));
        put16(cd, static_cast<uint16_t>(extra.size()));
        put16(cd, 0); // comment
        put16(cd, 0); // disk
        put16(cd, 0); // internal attributes
        put32(cd, 0); // external attributes
        put32(cd, bigOffset ? static_cast<uint32_t>(k32Max) : static_cast<uint32_t>(w.offset));
        cd += w.name;
        cd += extra;
    }
    const uint64_t count = m_written.size();
    const uint64_t cdSize = cd.size();
    anyZip64 = anyZip64 || count >= 0xffff || cdOffset >= k32Max || cdSize >= k32Max;
    std::string tail;
    if (anyZip64) {
        const uint64_t end64Offset = cdOffset + cdSize;
        put32(tail, kEnd64Sig);
        put64(tail, kEnd64Size - 12);
        put16(tail, 45);
        put16(tail, 45);
        put32(tail, 0);
        put32(tail, 0);
        put64(tail, count);
        put64(tail, count);
        put64(tail, cdSize);
        put64(tail, cdOffset);
        put32(tail, kLocator64Sig);
        put32(tail, 0);
        put64(tail, end64Offset);
        put32(tail, 1);
    }
    put32(tail, kEndSig);
    put16(tail, 0);
    put16(tail, 0);
    put16(tail, anyZip64 ? 0xffff : static_cast<uint16_t>(count));
    put16(tail, anyZip64 ? 0xffff : static_cast<uint16_t>(count));
    put32(tail, anyZip64 ? static_cast<uint32_t>(k32Max) : static_cast<uint32_t>(cdSize));
    put32(tail, anyZip64 ? static_cast<uint32_t>(k32Max) : static_cast<uint32_t>(cdOffset));
    put16(tail, 0);
    put(cd.data(), cd.size());
    put(tail.data(), tail.size());
}

} // namespace ql::core
