#include "core/export/tools.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

extern char **environ;

namespace ql::core::exporting {
namespace fs = std::filesystem;

std::string readBytes(const fs::path &p)
{
    std::ifstream in(p, std::ios::binary | std::ios::ate);
    if (!in)
        return {};
    std::string data(static_cast<size_t>(in.tellg()), '\0');
    in.seekg(0);
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<size_t>(in.gcount()));
    return data;
}

namespace {

std::string slurp(const fs::path &p) { return readBytes(p); }

void writeRaw(const fs::path &p, const torch::Tensor &t)
{
    const auto c = t.contiguous();
    std::ofstream out(p, std::ios::binary);
    out.write(static_cast<const char *>(c.data_ptr()), static_cast<std::streamsize>(c.nbytes()));
    if (!out)
        throw Error("Cannot write '" + p.string() + "' for the verification run (disk full?).");
}

std::string dims(const torch::Tensor &t)
{
    std::string s;
    for (int64_t d : t.sizes())
        s += (s.empty() ? "" : "x") + std::to_string(d);
    return s;
}

std::string firstLines(const std::string &s, size_t max = 800)
{
    return s.size() <= max ? s : s.substr(s.size() - max);
}

} // namespace

ProcessResult runProcess(const std::vector<std::string> &argv)
{
    ProcessResult r;
    char outName[] = "/tmp/ql-process-out-XXXXXX";
    char errName[] = "/tmp/ql-process-err-XXXXXX";
    const int outFd = ::mkstemp(outName);
    const int errFd = ::mkstemp(errName);
    if (outFd < 0 || errFd < 0) {
        if (outFd >= 0)
            ::close(outFd), ::unlink(outName);
        if (errFd >= 0)
            ::close(errFd), ::unlink(errName);
        throw Error("Cannot create temporary files to run '" + argv.front() + "'.", "Check that /tmp is writable.");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, outFd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errFd, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<char *> args;
    for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, args.front(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned == 0) {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
        r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    } else {
        r.err = std::strerror(spawned);
    }
    ::close(outFd);
    ::close(errFd);
    r.out = slurp(outName);
    r.err += slurp(errName);
    ::unlink(outName);
    ::unlink(errName);
    return r;
}

std::string pythonExecutable()
{
    const char *env = std::getenv("QL_PYTHON");
    return env && *env ? env : "/usr/bin/python3";
}

fs::path ortRunner()
{
    fs::path runner;
    if (const char *env = std::getenv("QL_ORT_RUNNER"); env && *env)
        runner = env;
    else
        runner = fs::path(QL_SOURCE_DIR) / "tools" / "ort" / "run.mjs";
    std::error_code ec;
    if (!fs::is_regular_file(runner, ec))
        throw Error("The ONNX Runtime runner '" + runner.string() +
                        "' is missing, so the export cannot be checked in "
                        "ONNX Runtime.",
                    "Set QL_ORT_RUNNER to tools/ort/run.mjs of a QuantLens source tree.");
    const auto probe = runProcess({"node", "--version"});
    if (probe.status != 0)
        throw Error("Node.js ('node') is not installed, so the export cannot be checked in ONNX Runtime.",
                    "Install it (apt-get install nodejs npm), then run scripts/bootstrap to install onnxruntime-node.");
    if (!fs::is_regular_file(runner.parent_path() / "node_modules" / "onnxruntime-node" / "package.json", ec))
        throw Error("onnxruntime-node is not installed beside '" + runner.string() +
                        "', so the export cannot be checked in ONNX Runtime.",
                    "Run scripts/bootstrap (it runs npm install --ignore-scripts in tools/ort).");
    return runner;
}

std::string requirePythonModule(const std::string &module)
{
    const std::string py = pythonExecutable();
    // A module found once stays found for this process (importing torch takes seconds); a missing
    // one is probed again, so that installing it needs no restart.
    static std::mutex mutex;
    static std::map<std::string, std::string> found;
    const std::string key = py + '\n' + module;
    {
        std::lock_guard lock(mutex);
        if (const auto it = found.find(key); it != found.end())
            return it->second;
    }
    const auto r = runProcess({py, "-c", "import " + module + "; print(" + module + ".__version__)"});
    if (r.status != 0) {
        const std::string package = "python3-" + module;
        throw Error("Python '" + py + "' cannot import " + module + ", so the export cannot be checked in it" +
                        (r.err.empty() ? "." : ": " + firstLines(r.err, 300)),
                    "Install Debian's " + package + " (apt-get install " + package +
                        "), or set QL_PYTHON to a Python "
                        "that has " +
                        module + ".");
    }
    std::string v = r.out;
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r'))
        v.pop_back();
    std::lock_guard lock(mutex);
    found[key] = v;
    return v;
}

std::map<std::string, torch::Tensor> runOnnxRuntime(const fs::path &model, const std::string &inputName,
                                                    const torch::Tensor &input, const std::vector<std::string> &outputs,
                                                    bool optimize, const fs::path &workDir)
{
    const fs::path runner = ortRunner();
    fs::create_directories(workDir);
    const fs::path inputFile = workDir / "input.bin";
    writeRaw(inputFile, input.to(torch::kCPU).to(torch::kFloat));
    std::vector<std::string> argv{"node",      runner.string(),
                                  "--model",   model.string(),
                                  "--input",   inputName + "=" + inputFile.string() + ":" + dims(input),
                                  "--out-dir", workDir.string(),
                                  "--opt",     optimize ? "all" : "none"};
    for (const auto &o : outputs) {
        argv.push_back("--output");
        argv.push_back(o);
    }
    const auto r = runProcess(argv);
    if (r.status != 0)
        throw Error("ONNX Runtime refused '" + model.filename().string() + "' (optimisations " +
                        (optimize ? "on" : "off") + "): " + firstLines(r.err),
                    "This is what a deployment with ONNX Runtime would meet; the message names the node.");
    nlohmann::json summary;
    try {
        summary = nlohmann::json::parse(r.out);
    } catch (const nlohmann::json::exception &) {
        throw Error("The ONNX Runtime runner printed no summary: " + firstLines(r.out + r.err));
    }
    std::map<std::string, torch::Tensor> out;
    for (const auto &o : summary.at("outputs")) {
        const std::string type = o.at("type");
        std::vector<int64_t> shape = o.at("dims").get<std::vector<int64_t>>();
        const std::string bytes = slurp(o.at("file").get<std::string>());
        c10::ScalarType dtype;
        if (type == "float32")
            dtype = torch::kFloat;
        else if (type == "int8")
            dtype = torch::kChar;
        else if (type == "uint8")
            dtype = torch::kByte;
        else if (type == "int16")
            dtype = torch::kShort;
        else if (type == "int32")
            dtype = torch::kInt;
        else if (type == "int64")
            dtype = torch::kLong;
        else
            throw Error("ONNX Runtime returned output '" + o.at("name").get<std::string>() + "' of type " + type +
                        ", which the verification does not read.");
        auto t = torch::empty(shape, torch::TensorOptions().dtype(dtype));
        if (static_cast<size_t>(t.nbytes()) != bytes.size())
            throw Error("ONNX Runtime output '" + o.at("name").get<std::string>() + "' has " +
                        std::to_string(bytes.size()) + " bytes for its shape.");
        std::memcpy(t.data_ptr(), bytes.data(), bytes.size());
        out[o.at("name").get<std::string>()] = t;
    }
    return out;
}

torch::Tensor runTorchScriptInPython(const fs::path &model, const torch::Tensor &input, const fs::path &workDir,
                                     int64_t batch)
{
    requirePythonModule("torch");
    fs::create_directories(workDir);
    const fs::path inputFile = workDir / "ts_input.bin";
    const fs::path outputFile = workDir / "ts_output.bin";
    writeRaw(inputFile, input.to(torch::kCPU).to(torch::kFloat));
    static const char *kScript = R"PY(
import json, sys, torch
model, inp, dims, out, batch = sys.argv[1], sys.argv[2], [int(d) for d in sys.argv[3].split('x')], sys.argv[4], int(sys.argv[5])
n = 1
for d in dims:
    n *= d
m = torch.jit.load(model)
m.eval()
x = torch.from_file(inp, size=n, dtype=torch.float32).reshape(dims)
ys = []
with torch.no_grad():
    for i in range(0, dims[0], batch):
        ys.append(m(x[i:i + batch]))
y = torch.cat(ys).contiguous()
with open(out, 'wb') as f:
    f.write(y.numpy().tobytes())
print(json.dumps({"shape": list(y.shape), "dtype": str(y.dtype), "torch": torch.__version__}))
)PY";
    const auto r = runProcess({pythonExecutable(), "-c", kScript, model.string(), inputFile.string(), dims(input),
                               outputFile.string(), std::to_string(batch)});
    if (r.status != 0)
        throw Error("PyTorch could not run the TorchScript archive '" + model.filename().string() +
                    "': " + firstLines(r.err));
    const auto j = nlohmann::json::parse(r.out);
    if (j.at("dtype").get<std::string>() != "torch.float32")
        throw Error("The TorchScript module returned " + j.at("dtype").get<std::string>() + ", not float32 logits.");
    auto t = torch::empty(j.at("shape").get<std::vector<int64_t>>(), torch::kFloat);
    const std::string bytes = slurp(outputFile);
    if (static_cast<size_t>(t.nbytes()) != bytes.size())
        throw Error("The TorchScript run wrote " + std::to_string(bytes.size()) + " bytes for its logits.");
    std::memcpy(t.data_ptr(), bytes.data(), bytes.size());
    return t;
}

std::string checkOnnxInPython(const fs::path &model)
{
    requirePythonModule("onnx");
    static const char *kScript = R"PY(
import sys, onnx
m = onnx.load(sys.argv[1])
try:
    onnx.checker.check_model(m, full_check=True)
except Exception as e:
    print(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__)
    sys.exit(3)
)PY";
    const auto r = runProcess({pythonExecutable(), "-c", kScript, model.string()});
    if (r.status == 0)
        return {};
    if (r.status == 3)
        return r.out.empty() ? std::string("rejected") : r.out;
    throw Error("python3-onnx could not read '" + model.filename().string() + "': " + firstLines(r.err));
}

} // namespace ql::core::exporting
