#include "core/models/weights.h"

#include "core/common/error.h"
#include "core/models/pickle.h"

#include <caffe2/serialize/inline_container.h>
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

std::unique_ptr<caffe2::serialize::PyTorchStreamReader> openArchive(const std::filesystem::path &path)
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
        return std::make_unique<caffe2::serialize::PyTorchStreamReader>(file);
    } catch (const std::exception &e) {
        const std::string what = e.what();
        throw Error("'" + file + "' is a corrupt or truncated archive: " + what.substr(0, what.find('\n')),
                    "Save the weights again; the file may have been cut short by a failed copy or download.");
    }
}

/// The flat tensor of storage record "data/<key>" of `dtype`.
torch::Tensor readStorage(caffe2::serialize::PyTorchStreamReader &reader, const std::string &file,
                          const std::string &key, c10::ScalarType dtype)
{
    const std::string record = "data/" + key;
    if (!reader.hasRecord(record))
        throw Error("Cannot read state dict '" + file + "': storage record '" + record +
                        "' is missing from the archive.",
                    "Save the weights again with torch.save(model.state_dict(), path).");
    auto [ptr, bytes] = reader.getRecord(record);
    const auto elem = static_cast<size_t>(c10::elementSize(dtype));
    if (bytes % elem != 0)
        throw Error("Cannot read state dict '" + file + "': storage record '" + record + "' has " +
                        std::to_string(bytes) + " bytes, not a multiple of " + std::to_string(elem) + ".",
                    "Save the weights again with torch.save(model.state_dict(), path).");
    auto storage = torch::empty({static_cast<int64_t>(bytes / elem)}, torch::TensorOptions().dtype(dtype));
    if (bytes > 0)
        std::memcpy(storage.data_ptr(), ptr.get(), bytes);
    return storage;
}

} // namespace

NamedTensors readStateDict(const std::filesystem::path &path)
{
    const std::string file = path.string();
    auto reader = openArchive(path);
    std::string data;
    try {
        if (reader->hasRecord("constants.pkl"))
            throw Error("'" + file + "' is a TorchScript archive, not a state dict.",
                        "Load it with readTorchScript or loadWeights, which detects the format.");
        if (!reader->hasRecord("data.pkl"))
            throw Error("'" + file + "' holds no data.pkl record: it is not a torch.save archive.",
                        "Give a file written by torch.save(model.state_dict(), path).");
        auto [ptr, bytes] = reader->getRecord("data.pkl");
        data.assign(static_cast<const char *>(ptr.get()), bytes);
    } catch (const c10::Error &e) {
        throw Error("'" + file + "' is a corrupt archive: " + e.what_without_backtrace(),
                    "Save the weights again with torch.save(model.state_dict(), path).");
    }

    pickle::ValuePtr root;
    try {
        root = pickle::unpickle(file, data, [&](const std::string &key, c10::ScalarType dtype) {
            return readStorage(*reader, file, key, dtype);
        });
    } catch (const c10::Error &e) {
        throw Error("'" + file + "' is a corrupt archive: " + e.what_without_backtrace(),
                    "Save the weights again with torch.save(model.state_dict(), path).");
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
    NamedTensors out;
    out.reserve(root->dict.size());
    for (const auto &[k, v] : root->dict)
        out.emplace_back(k->s, v->tensor);
    return out;
}

NamedTensors readTorchScript(const std::filesystem::path &path)
{
    const std::string file = path.string();
    openArchive(path); // a clear message for non-zip and corrupt files before jit sees them
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

void writeStateDict(const NamedTensors &tensors, const std::filesystem::path &path)
{
    const std::string file = path.string();
    {
        // PyTorchStreamWriter aborts the process on some open errors; check writability first.
        std::ofstream probe(path, std::ios::binary | std::ios::trunc);
        if (!probe)
            throw Error("Cannot write weights file '" + file + "'.", "Check that the folder exists and is writable.");
    }
    std::vector<std::pair<std::string, torch::Tensor>> contiguous;
    std::vector<torch::Tensor> storages;
    for (const auto &[name, tensor] : tensors) {
        auto t = tensor.detach().to(torch::kCPU).contiguous();
        storages.push_back(t);
        contiguous.emplace_back(name, t);
    }
    const std::string data = pickle::stateDictPickle(contiguous);
    try {
        caffe2::serialize::PyTorchStreamWriter writer(file);
        writer.writeRecord("data.pkl", data.data(), data.size());
        for (size_t k = 0; k < storages.size(); ++k) {
            const auto &t = storages[k];
            writer.writeRecord("data/" + std::to_string(k), t.data_ptr(), t.numel() * t.element_size());
        }
        writer.writeEndOfFile();
    } catch (const c10::Error &e) {
        throw Error("Cannot write weights file '" + file + "': " + e.what_without_backtrace(),
                    "Check the free disk space and the folder's permissions.");
    }
}

WeightFormat detectWeightFormat(const std::filesystem::path &path)
{
    auto reader = openArchive(path);
    try {
        return reader->hasRecord("constants.pkl") ? WeightFormat::TorchScript : WeightFormat::StateDict;
    } catch (const c10::Error &) {
        return WeightFormat::StateDict;
    }
}

LoadReport loadWeights(QuantModelImpl &model, const std::filesystem::path &path, bool strict)
{
    const bool torchScript = detectWeightFormat(path) == WeightFormat::TorchScript;
    const auto tensors = torchScript ? readTorchScript(path) : readStateDict(path);
    auto report = applyStateDict(model, tensors, path.string(), strict);
    report.format = torchScript ? WeightFormat::TorchScript : WeightFormat::StateDict;
    return report;
}

void saveWeights(const QuantModelImpl &model, const std::filesystem::path &path)
{
    writeStateDict(model.stateDict(), path);
}

} // namespace ql::core::models
