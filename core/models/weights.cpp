#include "core/models/weights.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/common/sha256.h"
#include "core/common/zip.h"
#include "core/models/pickle.h"

#include <torch/script.h>

#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <unordered_map>

namespace ql::core::models {

namespace {

const char *kResave = "Save the weights again with torch.save(model.state_dict(), path).";

/// The records of a PyTorch archive: zip entries below one top-level folder, which torch.save
/// names after the file ("archive/data.pkl", "archive/data/0", ...).
class Archive {
public:
    explicit Archive(ZipReader zip) : m_zip(std::move(zip))
    {
        const auto &entries = m_zip.entries();
        if (entries.empty())
            throw Error("'" + m_zip.name() + "' is an empty zip archive, not a PyTorch file.",
                        "Give a file written by torch.save(model.state_dict(), path) or torch.jit.save.");
        const std::string &first = entries.front().name;
        const size_t slash = first.find('/');
        if (slash == std::string::npos || slash == 0)
            throw Error("'" + m_zip.name() + "' is a zip archive but not a PyTorch file: its entry '" + first +
                            "' is not inside a folder.",
                        "Give a file written by torch.save(model.state_dict(), path) or torch.jit.save.");
        m_root = first.substr(0, slash + 1);
        for (const auto &e : entries)
            if (e.name.compare(0, m_root.size(), m_root) != 0)
                throw Error("'" + m_zip.name() + "' is not a PyTorch file: its entries lie in different folders ('" +
                                m_root + "' and '" + e.name + "').",
                            kResave);
    }
    const std::string &file() const { return m_zip.name(); }
    const ZipEntry *record(const std::string &name) const { return m_zip.find(m_root + name); }
    const ZipReader &zip() const { return m_zip; }

private:
    ZipReader m_zip;
    std::string m_root;
};

/// Opens `path` as a PyTorch archive, with a clear message for files that are not one.
/// TorchScript archives deflate their code records: `compression` lets those through.
Archive openArchive(const std::filesystem::path &path,
                    ZipReader::Compression compression = ZipReader::Compression::StoredOnly)
{
    const std::string file = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("Cannot open weights file '" + file + "'.", "Check that the file exists and is readable.");
    char magic[4] = {};
    in.read(magic, 4);
    if (in.gcount() < 4 || std::memcmp(magic, "PK\x03\x04", 4) != 0) {
        const bool legacy = in.gcount() >= 2 && static_cast<uint8_t>(magic[0]) == 0x80;
        throw Error("'" + file + "' is not a PyTorch zip archive" +
                        (legacy ? " (it looks like the legacy pre-1.6 torch.save format)." : "."),
                    legacy ? "Re-save it with a current PyTorch: torch.save(torch.load(path), new_path)."
                           : "Give a file written by torch.save(model.state_dict(), path) or torch.jit.save.");
    }
    in.close();
    try {
        return Archive(ZipReader(path, compression));
    } catch (const Error &e) {
        throw Error(std::string(e.what()), e.hint().empty() ? std::string(kResave) : e.hint());
    }
}

/// The flat tensor of storage record "data/<key>" of `dtype`, read straight into the
/// tensor's memory with its CRC-32 checked.
torch::Tensor readStorage(const Archive &archive, const std::string &key, c10::ScalarType dtype)
{
    const std::string record = "data/" + key;
    const ZipEntry *entry = archive.record(record);
    if (!entry)
        throw Error("Cannot read state dict '" + archive.file() + "': storage record '" + record +
                        "' is missing from the archive.",
                    kResave);
    const auto elem = static_cast<uint64_t>(c10::elementSize(dtype));
    if (entry->size % elem != 0)
        throw Error("Cannot read state dict '" + archive.file() + "': storage record '" + record + "' has " +
                        std::to_string(entry->size) + " bytes, not a multiple of " + std::to_string(elem) + ".",
                    kResave);
    const bool isBool = dtype == c10::kBool;
    auto storage = torch::empty({static_cast<int64_t>(entry->size / elem)},
                                torch::TensorOptions().dtype(isBool ? c10::kByte : dtype));
    archive.zip().read(*entry, storage.data_ptr());
    // Any byte other than 0 and 1 is not a C++ bool: normalise instead of reinterpreting.
    return isBool ? storage.ne(0) : storage;
}

NamedTensors readStateDictArchive(const Archive &archive)
{
    const std::string &file = archive.file();
    if (archive.record("constants.pkl"))
        throw Error("'" + file + "' is a TorchScript archive, not a state dict.",
                    "Load it with readTorchScript or loadWeights, which detect the format.");
    if (const ZipEntry *order = archive.record("byteorder")) {
        const std::string byteOrder = order->size <= 16 ? archive.zip().read(*order) : std::string("?");
        if (byteOrder != "little")
            throw Error("'" + file + "' holds tensors in '" + byteOrder.substr(0, 16) +
                            "' byte order; QuantLens reads little-endian files.",
                        "Save the weights on a little-endian machine (x86, ARM).");
    }
    const ZipEntry *pkl = archive.record("data.pkl");
    if (!pkl)
        throw Error("'" + file + "' holds no data.pkl record: it is not a torch.save archive.",
                    "Give a file written by torch.save(model.state_dict(), path).");
    const std::string data = archive.zip().read(*pkl);

    pickle::ValuePtr root;
    try {
        root = pickle::unpickle(file, data, [&](const std::string &key, c10::ScalarType dtype) {
            return readStorage(archive, key, dtype);
        });
    } catch (const c10::Error &e) {
        throw Error("'" + file + "' is a corrupt archive: " + e.what_without_backtrace(), kResave);
    }

    if (!pickle::isTensorDict(root) && root->kind == pickle::Kind::Dict) {
        for (const char *key : {"state_dict", "model_state_dict", "model"}) {
            for (const auto &[k, v] : root->dict) {
                if (k->kind == pickle::Kind::String && k->s == key && pickle::isTensorDict(v)) {
                    root = v;
                    break;
                }
            }
            if (pickle::isTensorDict(root))
                break;
        }
    }
    if (!pickle::isTensorDict(root))
        throw Error("'" + file + "' does not hold a state dict (a dict of names to tensors); its top level is a " +
                        pickle::kindName(root->kind) + ".",
                    "Save the weights with torch.save(model.state_dict(), path).");
    // The entries that were not read (version, unreferenced records) are checked too.
    archive.zip().verifyAll();
    NamedTensors out;
    out.reserve(root->dict.size());
    std::set<std::string> names;
    for (const auto &[k, v] : root->dict) {
        if (!names.insert(k->s).second)
            throw Error("'" + file + "' names the tensor '" + k->s + "' twice.", kResave);
        out.emplace_back(k->s, v->tensor);
    }
    return out;
}

/// Runs `read`, turning out-of-memory into an error that names the file.
template <typename F>
auto namingFileOnBadAlloc(const std::string &file, F &&read)
{
    try {
        return read();
    } catch (const std::bad_alloc &) {
        throw Error("Out of memory while reading '" + file + "'.",
                    "The file needs more memory than is free, or it is damaged; close other programs or check the "
                    "file.");
    }
}

} // namespace

NamedTensors readStateDict(const std::filesystem::path &path)
{
    // TorchScript archives deflate their code, which the stored-only reader below refuses:
    // name what the file is instead.
    if (isTorchScriptArchive(path))
        throw Error("'" + path.string() + "' is a TorchScript archive, not a state dict.",
                    "Load it with readTorchScript or loadWeights, which detect the format.");
    return namingFileOnBadAlloc(path.string(), [&] { return readStateDictArchive(openArchive(path)); });
}

NamedTensors readStateDictBytes(std::string bytes, const std::string &name)
{
    return namingFileOnBadAlloc(name, [&] { return readStateDictArchive(Archive(ZipReader(std::move(bytes), name))); });
}

bool isTorchScriptArchive(const std::filesystem::path &path)
{
    try {
        return openArchive(path, ZipReader::Compression::AllowDeflate).record("constants.pkl") != nullptr;
    } catch (const std::exception &) {
        return false;
    }
}

NamedTensors readTorchScript(const std::filesystem::path &path, bool trusted)
{
    const std::string file = path.string();
    {
        // A clear message for non-zip, damaged and truncated files before libtorch sees them.
        const Archive archive = openArchive(path, ZipReader::Compression::AllowDeflate);
        if (!archive.record("constants.pkl"))
            throw Error("'" + file + "' is not a TorchScript archive (it has no constants.pkl).",
                        "Give a file written by torch.jit.save, or load it as a state dict.");
        if (!trusted)
            throw TrustError("'" + file +
                                 "' is a TorchScript archive. Loading it runs code stored in the file (its "
                                 "__setstate__ and other methods) with your rights, so QuantLens loads it only when "
                                 "you say that you trust the file.",
                             "If you made it yourself or trust whoever did, pass --trust-torchscript (or confirm in "
                             "the window). Otherwise ask for a state dict (torch.save(model.state_dict(), path)) or "
                             "an ONNX file, which are read without running anything.",
                             file);
        archive.zip().verifyAll();
    }
    torch::jit::Module module;
    try {
        module = torch::jit::load(file, torch::kCPU);
    } catch (const std::exception &e) {
        const std::string what = e.what();
        throw Error("Cannot load TorchScript archive '" + file + "': " + what.substr(0, what.find('\n')),
                    "Export the model with torch.jit.script(model).save(path) or torch.jit.trace.");
    }
    NamedTensors out;
    for (const auto &p : module.named_parameters(/*recurse=*/true))
        out.emplace_back(p.name, p.value);
    for (const auto &b : module.named_buffers(/*recurse=*/true))
        out.emplace_back(b.name, b.value);
    return out;
}

// --- writing ------------------------------------------------------------------

namespace {

/// The archive torch.save would write for `tensors`, as a stream of bytes to `sink`.
void emitStateDict(const NamedTensors &tensors, const ZipWriter::Sink &sink)
{
    std::vector<std::pair<std::string, torch::Tensor>> contiguous;
    for (const auto &[name, tensor] : tensors)
        contiguous.emplace_back(name, tensor.detach().to(torch::kCPU).contiguous());
    const std::string data = pickle::stateDictPickle(contiguous);
    ZipWriter zip(sink);
    zip.add("archive/data.pkl", data.data(), data.size());
    zip.add("archive/byteorder", "little", 6);
    for (size_t k = 0; k < contiguous.size(); ++k) {
        const auto &t = contiguous[k].second;
        zip.add("archive/data/" + std::to_string(k), t.data_ptr(), t.nbytes());
    }
    zip.add("archive/version", "3\n", 2);
    zip.finish();
}

} // namespace

void writeStateDict(const NamedTensors &tensors, const std::filesystem::path &path)
{
    writeFileAtomically(
        path, [&](FileSink &out) { emitStateDict(tensors, [&out](const void *p, size_t n) { out.write(p, n); }); });
}

std::string stateDictDigest(const NamedTensors &tensors)
{
    Sha256 sha;
    emitStateDict(tensors, [&sha](const void *p, size_t n) { sha.update(p, n); });
    return sha.hexFinish();
}

WeightFormat detectWeightFormat(const std::filesystem::path &path)
{
    return isTorchScriptArchive(path) ? WeightFormat::TorchScript : WeightFormat::StateDict;
}

LoadReport loadWeights(QuantModelImpl &model, const std::filesystem::path &path, bool strict, bool trustTorchScript)
{
    const bool torchScript = isTorchScriptArchive(path);
    const auto tensors = torchScript ? readTorchScript(path, trustTorchScript) : readStateDict(path);
    auto report = applyStateDict(model, tensors, path.string(), strict);
    report.format = torchScript ? WeightFormat::TorchScript : WeightFormat::StateDict;
    return report;
}

void saveWeights(const QuantModelImpl &model, const std::filesystem::path &path)
{
    writeStateDict(model.stateDict(), path);
}

} // namespace ql::core::models
