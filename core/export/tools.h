#pragma once
// The real consumers an export is checked in, run as programs of their own: ONNX Runtime
// (onnxruntime-node, driven by tools/ort/run.mjs), Debian's python3-torch (torch.jit.load) and
// python3-onnx (onnx.checker). A missing program or package is a ql::core::Error that says what
// to install; nothing is skipped silently.
#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ql::core::exporting {

struct ProcessResult {
    int status = -1; ///< exit status; -1 when it could not start or was killed
    std::string out;
    std::string err;
};

/// Runs `argv` (argv[0] looked up in PATH) and waits; stdout and stderr are captured. Thread-safe.
ProcessResult runProcess(const std::vector<std::string> &argv);

/// The whole file as bytes; empty when it cannot be read.
std::string readBytes(const std::filesystem::path &path);

/// The Python with torch and onnx: $QL_PYTHON, else /usr/bin/python3.
std::string pythonExecutable();

/// tools/ort/run.mjs with onnxruntime-node installed beside it: $QL_ORT_RUNNER, else the source
/// tree's. Throws ql::core::Error saying how to install what is missing (node, the package).
std::filesystem::path ortRunner();

/// Throws ql::core::Error naming the Debian package when `module` ("torch", "onnx") cannot be
/// imported by pythonExecutable(). Returns the module's version.
std::string requirePythonModule(const std::string &module);

/// Runs `model` in ONNX Runtime on `input` (float32 [N, ...], fed as `inputName`) with graph
/// optimisations off or all on, and returns the requested outputs (float32, int8/uint8/int16/
/// int32/int64 as int64... in their own dtype). Throws ql::core::Error with ONNX Runtime's
/// message when it refuses the model. Thread-safe.
std::map<std::string, torch::Tensor> runOnnxRuntime(const std::filesystem::path &model, const std::string &inputName,
                                                    const torch::Tensor &input, const std::vector<std::string> &outputs,
                                                    bool optimize, const std::filesystem::path &workDir);

/// Runs a TorchScript archive in Python's torch (torch.jit.load) on `input` in batches of
/// `batch`, returning its output. Throws ql::core::Error with Python's message on failure.
torch::Tensor runTorchScriptInPython(const std::filesystem::path &model, const torch::Tensor &input,
                                     const std::filesystem::path &workDir, int64_t batch = 256);

/// onnx.checker.check_model(full_check=True) of python3-onnx on `model`: "" when it passes, else
/// the checker's message. Throws ql::core::Error when python3-onnx is missing.
std::string checkOnnxInPython(const std::filesystem::path &model);

} // namespace ql::core::exporting
