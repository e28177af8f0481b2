#pragma once
// Loading and saving weights: PyTorch state-dict archives (torch.save(model.state_dict()))
// read by QuantLens's own zip reader and a restricted pickle interpreter that never execute
// anything, and TorchScript archives, which run code when loaded and are therefore read only
// when the caller says the file is trusted. Names and shapes are checked against the model.
#include "core/models/quant_model.h"

#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace ql::core::models {

/// Named tensors in file order.
using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

/// Reads a state dict saved by `torch.save(model.state_dict(), path)` (the zip format,
/// PyTorch >= 1.6). Only the pickle opcodes and globals a state dict (or a checkpoint dict
/// holding one under "state_dict" / "model_state_dict" / "model") uses are accepted;
/// anything else is rejected with a ql::core::Error naming the file and the offending
/// global or opcode, before anything is executed. Also thrown for a missing, truncated,
/// corrupt (zip structure, CRC-32) or hostile file (nesting, memory, tensors reaching outside
/// their storage), and when memory runs out. Nothing is executed. Thread-safe (no shared state).
NamedTensors readStateDict(const std::filesystem::path &path);
/// readStateDict of an archive held in memory; `name` stands for the file in messages.
NamedTensors readStateDictBytes(std::string bytes, const std::string &name);

/// Whether `path` is a TorchScript archive (a zip with constants.pkl): loading one runs code
/// stored in it. False for anything else, also for files that are not archives. Thread-safe.
bool isTorchScriptArchive(const std::filesystem::path &path);

/// Reads the parameters and buffers of a TorchScript archive (torch.jit.save), by their
/// dotted names. torch::jit::load runs code stored in the file (its __setstate__ methods):
/// without `trusted` nothing is loaded and ql::core::TrustError says why. Throws
/// ql::core::Error for an unreadable archive (checked with QuantLens's own zip reader, CRCs
/// included, before libtorch sees it). Thread-safe.
NamedTensors readTorchScript(const std::filesystem::path &path, bool trusted = false);

/// Writes `tensors` (moved to the CPU) atomically as a PyTorch state-dict archive that
/// `torch.load` reads into an OrderedDict, with QuantLens's own zip writer: a full disk or
/// any other write error is a ql::core::Error naming the file, and the previous file stays.
/// Thread-safe.
void writeStateDict(const NamedTensors &tensors, const std::filesystem::path &path);
/// SHA-256 (hex) of the bytes writeStateDict writes for `tensors` (nothing is written).
std::string stateDictDigest(const NamedTensors &tensors);

enum class WeightFormat { StateDict, TorchScript };

/// A name whose tensor shape differs between the file and the model.
struct ShapeMismatch {
    std::string name;
    std::vector<int64_t> expected; ///< the model's
    std::vector<int64_t> found; ///< the file's
};

/// What a load did. A strict load that returns has complete() == true.
struct LoadReport {
    std::string source; ///< the file
    WeightFormat format = WeightFormat::StateDict;
    std::vector<std::string> loaded; ///< model names that were copied
    std::vector<std::string> missing; ///< in the model, not in the file
    std::vector<std::string> unexpected; ///< in the file, not in the model
    std::vector<ShapeMismatch> wrongShape;
    std::string strippedPrefix; ///< e.g. "module." (DataParallel) when it was removed

    bool complete() const { return missing.empty() && unexpected.empty() && wrongShape.empty(); }
    /// One paragraph for a log or a dialog: counts, then every problem by name.
    std::string summary() const;
};

/// Copies `tensors` into the model's state dict (parameters and buffers; quantizer
/// parameters are not part of it), converting dtypes and devices. With `strict`, any
/// missing, unexpected or wrongly shaped name throws one ql::core::Error listing all of
/// them, and the model is left unchanged. Not thread-safe with respect to `model`.
LoadReport applyStateDict(QuantModelImpl &model, const NamedTensors &tensors, const std::string &source,
                          bool strict = true);

/// What a state dict's tensors say about the network they belong to: the input channels
/// (dim 1 of the first 4-D weight in file order) and the class count (dim 0 of the last 2-D
/// weight); 0 where the tensors do not say. Thread-safe.
struct StateDictShape {
    int64_t inChannels = 0;
    int64_t numClasses = 0;
};
StateDictShape inferShape(const NamedTensors &tensors);

/// Whether `path` is a state-dict zip or a TorchScript archive (a TorchScript archive holds
/// code). Throws ql::core::Error for a file that is neither.
WeightFormat detectWeightFormat(const std::filesystem::path &path);

/// Detects the format of `path` (state-dict zip or TorchScript archive), reads it and
/// applies it like applyStateDict. A TorchScript archive is loaded only when
/// `trustTorchScript` is set (see readTorchScript); otherwise ql::core::TrustError.
LoadReport loadWeights(QuantModelImpl &model, const std::filesystem::path &path, bool strict = true,
                       bool trustTorchScript = false);

/// Writes the model's state dict (see QuantModelImpl::stateDict) with writeStateDict (atomically).
void saveWeights(const QuantModelImpl &model, const std::filesystem::path &path);

} // namespace ql::core::models
