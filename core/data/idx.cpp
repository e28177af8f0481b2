#include "core/data/idx.h"

#include "core/common/error.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <limits>

namespace ql::core::data {
namespace {

constexpr int64_t kMaxElements = int64_t(1) << 32; // 4 GiB: far above any IDX data set
/// deflate cannot expand data by more than this factor (RFC 1951: 258 bytes from about 2 bits).
constexpr uint64_t kMaxDeflateRatio = 1032;

uint32_t bigEndian32(const uint8_t *p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

/// Inflates a gzip stream (one or more members) on demand, never past what the caller asks for.
class Inflater {
public:
    Inflater(const std::string &bytes, std::string name) : m_name(std::move(name))
    {
        if (bytes.size() > std::numeric_limits<uInt>::max())
            throw Error(m_name + " is too large for a gzip file.");
        m_z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
        m_z.avail_in = static_cast<uInt>(bytes.size());
        if (inflateInit2(&m_z, 15 + 16) != Z_OK)
            throw Error(m_name + " cannot be decompressed (zlib could not start).");
    }
    ~Inflater() { inflateEnd(&m_z); }
    Inflater(const Inflater &) = delete;
    Inflater &operator=(const Inflater &) = delete;

    /// Fills `n` bytes at `dst`; returns how many the stream had (fewer only at its end).
    size_t read(uint8_t *dst, size_t n)
    {
        size_t done = 0;
        while (done < n && !m_finished) {
            m_z.next_out = dst + done;
            m_z.avail_out = static_cast<uInt>(std::min<size_t>(n - done, 1u << 30));
            const uInt before = m_z.avail_out;
            const int rc = inflate(&m_z, Z_NO_FLUSH);
            done += before - m_z.avail_out;
            if (rc == Z_STREAM_END) {
                // Another gzip member may follow (concatenated .gz files are valid gzip).
                if (m_z.avail_in >= 2 && m_z.next_in[0] == 0x1f && m_z.next_in[1] == 0x8b) {
                    inflateReset(&m_z);
                    continue;
                }
                m_finished = true; // trailing bytes that start no member are ignored, as gzip -d does

            } else if (rc == Z_BUF_ERROR && m_z.avail_in == 0) {
                throw Error(m_name + " is a truncated gzip stream.", "Download or reinstall the file.");
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                throw Error(m_name + " is a corrupt gzip stream (" +
                                (m_z.msg ? m_z.msg : "zlib error " + std::to_string(rc)) + ").",
                            "Download or reinstall the file.");
            }
        }
        return done;
    }
    bool finished() const { return m_finished; }

private:
    std::string m_name;
    z_stream m_z{};
    bool m_finished = false;
};

/// The header: rank and dimensions, checked. `available` bounds what the payload can be.
struct Header {
    std::vector<int64_t> dims;
    int64_t total = 1;
};

Header parseHeader(const uint8_t *head, size_t got, const std::string &name, uint64_t maxPayload,
                   const std::string &bound)
{
    if (got < 4)
        throw Error(name + " is too short to hold an IDX header (" + std::to_string(got) + " bytes).");
    if (head[0] != 0 || head[1] != 0)
        throw Error(name + " is not an IDX file (its first two bytes are not zero).",
                    "Pass an MNIST/Fashion-MNIST *-idx?-ubyte[.gz] file.");
    const uint8_t type = head[2];
    const int rank = head[3];
    if (type != 0x08) {
        static const char *hex = "0123456789abcdef";
        throw Error(name + " has element type 0x" + std::string{hex[type >> 4], hex[type & 15]} +
                    "; QuantLens reads unsigned-byte (0x08) IDX files only.");
    }
    if (rank < 1 || rank > 4)
        throw Error(name + " has " + std::to_string(rank) + " dimensions; expected 1 to 4.");
    if (got < 4 + 4 * size_t(rank))
        throw Error(name + " is truncated inside its header.");
    Header h;
    for (int i = 0; i < rank; ++i) {
        const int64_t d = bigEndian32(head + 4 + 4 * i);
        if (d <= 0)
            throw Error(name + " has an empty dimension " + std::to_string(i) + ".");
        // Checked before multiplying: two 32-bit sizes can overflow even 64 bits.
        if (d > kMaxElements / h.total)
            throw Error(name + " declares more than 2^32 elements; the header is corrupt.");
        h.total *= d;
        h.dims.push_back(d);
    }
    if (static_cast<uint64_t>(h.total) > maxPayload)
        throw Error(name + " declares " + std::to_string(h.total) + " bytes of data, more than " + bound + ".",
                    "The header is corrupt; download or reinstall the file.");
    return h;
}

} // namespace

IdxArray parseIdx(const std::string &bytes, const std::string &file)
{
    const std::string name = "IDX file '" + file + "'";
    const auto *data = reinterpret_cast<const uint8_t *>(bytes.data());
    const bool gz = bytes.size() >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    IdxArray arr;
    if (!gz) {
        const uint64_t available = bytes.size() >= 4 ? bytes.size() - 4 : 0;
        const Header h = parseHeader(data, bytes.size(), name, available, "the file holds");
        const size_t header = 4 + 4 * h.dims.size();
        const size_t payload = bytes.size() - header;
        if (payload < size_t(h.total))
            throw Error(name + " is truncated: the header declares " + std::to_string(h.total) +
                            " bytes of data, the file holds " + std::to_string(payload) + ".",
                        "Download or reinstall the file.");
        if (payload > size_t(h.total))
            throw Error(name + " has " + std::to_string(payload - size_t(h.total)) +
                        " bytes after the data its header declares; it is not a valid IDX file.");
        arr.dims = h.dims;
        arr.values.assign(data + header, data + bytes.size());
        return arr;
    }

    // gzip: the header first, then exactly what it declares, so that a stream that inflates
    // far beyond it (a gzip bomb) costs no more than the header promised.
    Inflater in(bytes, name);
    std::array<uint8_t, 4 + 16> head{};
    const size_t got = in.read(head.data(), 4);
    const int rank = got == 4 ? head[3] : 0;
    const size_t dimsGot = got == 4 && rank >= 1 && rank <= 4 ? in.read(head.data() + 4, 4 * size_t(rank)) : 0;
    const uint64_t maxPayload = kMaxDeflateRatio * bytes.size() + 1024;
    const Header h = parseHeader(head.data(), got + dimsGot, name, maxPayload,
                                 std::to_string(bytes.size()) + " bytes of gzip data can hold");
    arr.dims = h.dims;
    // Grown as data arrives: a header that promises much over a short stream allocates little.
    const size_t want = size_t(h.total);
    arr.values.reserve(std::min<size_t>(want, size_t{64} << 20));
    std::vector<uint8_t> chunk(size_t{1} << 20);
    while (arr.values.size() < want) {
        const size_t n = in.read(chunk.data(), std::min(chunk.size(), want - arr.values.size()));
        if (n == 0)
            break;
        arr.values.insert(arr.values.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
    }
    if (arr.values.size() < want)
        throw Error(name + " is truncated: the header declares " + std::to_string(want) +
                        " bytes of data, the file holds " + std::to_string(arr.values.size()) + ".",
                    "Download or reinstall the file.");
    uint8_t extra = 0;
    if (in.read(&extra, 1) != 0)
        throw Error(name + " holds more data after the " + std::to_string(want) +
                        " bytes its header declares; it is not a valid IDX file.",
                    "Download or reinstall the file.");
    return arr;
}

IdxArray readIdx(const std::filesystem::path &path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw Error("IDX file '" + path.string() + "' does not exist.",
                    "Check the path, or install the data set (sudo apt-get install dataset-fashion-mnist).");
    if (std::filesystem::is_directory(path, ec))
        throw Error("'" + path.string() + "' is a folder, not an IDX file.");
    const auto size = std::filesystem::file_size(path, ec);
    // 4 GiB of elements plus a header: anything larger is not an IDX file QuantLens can hold.
    if (!ec && size > static_cast<uint64_t>(kMaxElements) + 64)
        throw Error("IDX file '" + path.string() + "' has " + std::to_string(size) + " bytes, more than an IDX file " +
                    "QuantLens reads (4 GiB).");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("IDX file '" + path.string() + "' cannot be opened for reading.", "Check its permissions.");
    std::string bytes(ec ? 0 : static_cast<size_t>(size), '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (in.bad() || static_cast<size_t>(in.gcount()) != bytes.size())
        throw Error("IDX file '" + path.string() + "' cannot be read completely.", "Check the disk.");
    try {
        return parseIdx(bytes, path.string());
    } catch (const std::bad_alloc &) {
        throw Error("Out of memory while reading IDX file '" + path.string() + "'.",
                    "Close other programs, or use a smaller data set.");
    }
}

} // namespace ql::core::data

namespace ql::core::data {

std::vector<int64_t> readIdxDims(const std::filesystem::path &path)
{
    const std::string name = "IDX file '" + path.string() + "'";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(name + " does not exist.", "Check the path.");
    gzFile f = gzopen(path.string().c_str(), "rb"); // reads plain files transparently
    if (!f)
        throw Error(name + " cannot be opened for reading.");
    std::array<uint8_t, 4 + 16> head{};
    const int n = gzread(f, head.data(), static_cast<unsigned>(head.size()));
    gzclose(f);
    if (n < 4 || head[0] != 0 || head[1] != 0 || head[2] != 0x08 || head[3] < 1 || head[3] > 4 || n < 4 + 4 * head[3])
        throw Error(name + " does not start with a valid unsigned-byte IDX header.");
    std::vector<int64_t> dims;
    for (int i = 0; i < head[3]; ++i)
        dims.push_back(bigEndian32(head.data() + 4 + 4 * i));
    return dims;
}

std::filesystem::path findIdxFile(const std::filesystem::path &dir, const std::string &stem)
{
    for (const auto *ext : {".gz", ""}) {
        std::filesystem::path p = dir / (stem + ext);
        std::error_code ec;
        if (std::filesystem::is_regular_file(p, ec))
            return p;
    }
    return {};
}

} // namespace ql::core::data
