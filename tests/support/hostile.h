#pragma once
// Helpers of the tests that feed QuantLens broken and hostile input: the regression files in
// tests/data/hostile, the message of the error a call throws, a small tmpfs for disk-full
// tests and the Python interpreter that makes PyTorch files. Header-only (the test folders
// build as one translation unit each, so everything here is inline and namespaced).
#include "core/common/error.h"

#include <QDir>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryFile>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>

namespace ql::test::hostile {

/// tests/data/hostile of the source tree.
inline std::filesystem::path dataDir() { return std::filesystem::path(QL_SOURCE_DIR) / "tests" / "data" / "hostile"; }

/// The message of the ql::core::Error `f` throws (with its hint), or a text that says it
/// threw something else or nothing: a test that checks a message fails clearly either way.
template <typename F>
std::string errorText(F &&f)
{
    try {
        f();
    } catch (const ql::core::Error &e) {
        return e.full();
    } catch (const std::exception &e) {
        return std::string("NOT A ql::core::Error: ") + e.what();
    } catch (...) {
        return "NOT A ql::core::Error: unknown exception";
    }
    return "NO ERROR";
}

/// errorText as a QString, for Qt's comparisons.
template <typename F>
QString errorOf(F &&f)
{
    return QString::fromStdString(errorText(std::forward<F>(f)));
}

/// The raw little-endian bytes of the floats 0, 1, ..., n-1 (a tensor's storage record).
inline std::string floats(int n)
{
    std::string s(static_cast<size_t>(n) * 4, '\0');
    for (int k = 0; k < n; ++k) {
        const float v = static_cast<float>(k);
        std::memcpy(&s[static_cast<size_t>(k) * 4], &v, 4);
    }
    return s;
}

inline bool has(const std::string &haystack, const std::string &needle)
{
    return haystack.find(needle) != std::string::npos;
}

/// A tmpfs mounted on a folder for the life of the object: a disk that fills up for real.
/// Mounting needs root and a system that allows it; ok() says whether it worked and why not.
class ScopedTmpfs {
public:
    ScopedTmpfs(const std::filesystem::path &dir, int kib) : m_dir(dir)
    {
        std::filesystem::create_directories(dir);
        const std::string options = "size=" + std::to_string(kib) + "k";
        if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0)
            m_mounted = true;
        else
            m_why = std::string("mount(2) of a tmpfs failed: ") + std::strerror(errno) +
                    (::geteuid() == 0 ? "" : " (not running as root)");
    }
    ~ScopedTmpfs()
    {
        if (m_mounted)
            ::umount2(m_dir.c_str(), MNT_DETACH);
    }
    ScopedTmpfs(const ScopedTmpfs &) = delete;
    ScopedTmpfs &operator=(const ScopedTmpfs &) = delete;
    bool ok() const { return m_mounted; }
    const std::string &why() const { return m_why; }

private:
    std::filesystem::path m_dir;
    bool m_mounted = false;
    std::string m_why;
};

/// Fills the file system of `dir` up to its last `leave` bytes with a file named "filler".
inline void fillDisk(const std::filesystem::path &dir, size_t leave)
{
    const auto space = std::filesystem::space(dir);
    const size_t fill = space.available > leave ? space.available - leave : 0;
    FILE *f = std::fopen((dir / "filler").c_str(), "wb");
    if (!f)
        return;
    std::string block(64 * 1024, 'x');
    size_t written = 0;
    while (written < fill) {
        const size_t n = std::min(block.size(), fill - written);
        if (std::fwrite(block.data(), 1, n, f) != n)
            break;
        written += n;
    }
    std::fclose(f);
}

/// Names in `dir` that an atomic write leaves behind when it fails to clean up.
inline QStringList temporaryFiles(const std::filesystem::path &dir)
{
    QStringList out;
    for (const auto &e : std::filesystem::directory_iterator(dir))
        if (e.path().filename().string().find(".tmp-") != std::string::npos)
            out << QString::fromStdString(e.path().filename().string());
    return out;
}

/// Runs Debian's Python (with torch) on `script` with `args`; returns its exit code and puts
/// standard output and error into `output`.
inline int runPython(const QString &script, const QStringList &args, QString *output, int timeoutMs = 120000)
{
    // From a file, not `-c`: torch.jit.script reads the source of the classes it compiles.
    QTemporaryFile file(QDir::tempPath() + QStringLiteral("/ql-test-XXXXXX.py"));
    if (!file.open() || file.write(script.toUtf8()) < 0 || !file.flush()) {
        if (output)
            *output = QStringLiteral("cannot write the Python script to ") + file.fileName();
        return -1;
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("/usr/bin/python3"), QStringList{file.fileName()} + args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        if (output)
            *output = QStringLiteral("python timed out");
        return -1;
    }
    if (output)
        *output = QString::fromUtf8(p.readAll());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

/// A TorchScript module whose __setstate__ runs when the archive is loaded. With mode "file"
/// it creates the file MARKER (torch.from_file with shared=True creates what it maps); with
/// "loop" it never returns. Run as `python3 -c SCRIPT OUT MARKER MODE`.
inline QString maliciousTorchScriptScript()
{
    return QStringLiteral(R"PY(
import sys, torch
from typing import Tuple
out, marker, mode = sys.argv[1], sys.argv[2], sys.argv[3]

class Evil(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(2))
        self.marker = marker
        self.mode = mode

    def forward(self, x):
        return x * self.weight

    @torch.jit.export
    def __getstate__(self) -> Tuple[torch.Tensor, bool, str, str]:
        return (self.weight, self.training, self.marker, self.mode)

    @torch.jit.export
    def __setstate__(self, state: Tuple[torch.Tensor, bool, str, str]) -> None:
        self.weight = state[0]
        self.training = state[1]
        self.marker = state[2]
        self.mode = state[3]
        if self.mode == "file":
            mapped = torch.from_file(self.marker, shared=True, size=2)
            self.weight = state[0] + 0.0 * mapped
        else:
            while True:
                pass

torch.jit.save(torch.jit.script(Evil()), out)
)PY");
}

/// A TorchScript copy of a state dict (same parameter and buffer names, nothing else in it):
/// `python3 -c SCRIPT STATE_DICT OUT`. A benign TorchScript file, for the paths that load one.
inline QString torchScriptCopyScript()
{
    return QStringLiteral(R"PY(
import sys, torch
sd = torch.load(sys.argv[1])
class Holder(torch.nn.Module):
    def forward(self, x):
        return x
root = Holder()
for name, t in sd.items():
    parts = name.split('.')
    m = root
    for p in parts[:-1]:
        if not hasattr(m, p):
            m.add_module(p, Holder())
        m = getattr(m, p)
    if t.is_floating_point() and not parts[-1].startswith('running'):
        m.register_parameter(parts[-1], torch.nn.Parameter(t))
    else:
        m.register_buffer(parts[-1], t)
torch.jit.save(torch.jit.script(root), sys.argv[2])
)PY");
}

} // namespace ql::test::hostile
