#include "core/data/idx.h"

#include "core/common/error.h"

#include <zlib.h>

#include <array>
#include <fstream>

namespace ql::core::data {
namespace {

constexpr int64_t kMaxElements = int64_t(1) << 32; // 4 GiB: far above any IDX data set

std::vector<uint8_t> readAllBytes(const std::filesystem::path &path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw Error("IDX file '" + path.string() + "' does not exist.",
                    "Check the path, or install the data set (sudo apt-get install dataset-fashion-mnist).");
    if (std::filesystem::is_directory(path, ec))
        throw Error("'" + path.string() + "' is a folder, not an IDX file.");

    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("IDX file '" + path.string() + "' cannot be opened for reading.", "Check its permissions.");
    std::array<unsigned char, 2> magic{};
    in.read(reinterpret_cast<char *>(magic.data()), 2);
    const bool gz = in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    in.close();

    std::vector<uint8_t> out;
    if (!gz) {
        std::ifstream plain(path, std::ios::binary);
        out.assign(std::istreambuf_iterator<char>(plain), std::istreambuf_iterator<char>());
        return out;
    }

    gzFile f = gzopen(path.string().c_str(), "rb");
    if (!f)
        throw Error("IDX file '" + path.string() + "' cannot be opened as gzip.");
    gzbuffer(f, 1 << 17);
    std::array<char, 1 << 16> buf{};
    for (;;) {
        const int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
        if (n < 0) {
            int errnum = 0;
            const char *msg = gzerror(f, &errnum);
            const std::string why = msg ? msg : "unknown gzip error";
            gzclose(f);
            throw Error("IDX file '" + path.string() + "' is a corrupt gzip stream (" + why + ").",
                        "Download or reinstall the file.");
        }
        if (n == 0)
            break;
        out.insert(out.end(), buf.begin(), buf.begin() + n);
    }
    // gzread returns 0 at a truncated end too: zlib reports it through gzerror/Z_BUF_ERROR.
    int errnum = 0;
    gzerror(f, &errnum);
    gzclose(f);
    if (errnum != Z_OK && errnum != Z_STREAM_END)
        throw Error("IDX file '" + path.string() + "' is a truncated gzip stream.", "Download or reinstall the file.");
    return out;
}

uint32_t bigEndian32(const uint8_t *p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

} // namespace

IdxArray readIdx(const std::filesystem::path &path)
{
    std::vector<uint8_t> bytes = readAllBytes(path);
    const std::string name = "IDX file '" + path.string() + "'";
    if (bytes.size() < 4)
        throw Error(name + " is too short to hold an IDX header (" + std::to_string(bytes.size()) + " bytes).");
    if (bytes[0] != 0 || bytes[1] != 0)
        throw Error(name + " is not an IDX file (its first two bytes are not zero).",
                    "Pass an MNIST/Fashion-MNIST *-idx?-ubyte[.gz] file.");
    const uint8_t type = bytes[2];
    const int rank = bytes[3];
    if (type != 0x08)
        throw Error(name + " has element type 0x" + [&] {
            static const char *hex = "0123456789abcdef";
            return std::string{hex[type >> 4], hex[type & 15]};
        }() + "; QuantLens reads unsigned-byte (0x08) IDX files only.");
    if (rank < 1 || rank > 4)
        throw Error(name + " has " + std::to_string(rank) + " dimensions; expected 1 to 4.");
    const size_t header = 4 + 4 * size_t(rank);
    if (bytes.size() < header)
        throw Error(name + " is truncated inside its header.");

    IdxArray arr;
    int64_t total = 1;
    for (int i = 0; i < rank; ++i) {
        const int64_t d = bigEndian32(bytes.data() + 4 + 4 * i);
        if (d <= 0)
            throw Error(name + " has an empty dimension " + std::to_string(i) + ".");
        total *= d;
        if (total > kMaxElements)
            throw Error(name + " declares more than 2^32 elements; the header is corrupt.");
        arr.dims.push_back(d);
    }
    const size_t payload = bytes.size() - header;
    if (payload < size_t(total))
        throw Error(name + " is truncated: the header declares " + std::to_string(total) +
                        " bytes of data, the file holds " + std::to_string(payload) + ".",
                    "Download or reinstall the file.");
    if (payload > size_t(total))
        throw Error(name + " has " + std::to_string(payload - size_t(total)) +
                    " bytes after the data its header declares; it is not a valid IDX file.");
    arr.values.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
    return arr;
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
