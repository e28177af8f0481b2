#pragma once
// Files written so that a reader sees either the old file or the complete new one, and a
// failed write (disk full, quota, I/O error, no permission) is a ql::core::Error that names
// the file and leaves the previous one as it was. Torch-free.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace ql::core {

/// The open temporary file of an atomic write. Every call checks the system's answer: a
/// failure throws ql::core::Error naming the file being written (the target, not the
/// temporary name) with the reason, e.g. "no space left on the device". Not thread-safe.
class FileSink {
public:
    FileSink(int fd, std::filesystem::path target);
    FileSink(const FileSink &) = delete;
    FileSink &operator=(const FileSink &) = delete;

    /// Writes all `size` bytes (retrying short writes and EINTR).
    void write(const void *data, size_t size);
    void write(const std::string &bytes) { write(bytes.data(), bytes.size()); }
    /// Bytes written so far.
    uint64_t written() const { return m_written; }
    const std::filesystem::path &target() const { return m_target; }

private:
    int m_fd;
    std::filesystem::path m_target;
    uint64_t m_written = 0;
};

/// Writes `path` atomically: `write` fills a new temporary file in the same folder (created
/// with O_CREAT|O_EXCL|O_NOFOLLOW, so a file or symlink planted at its name is never
/// followed or reused), which is flushed to disk and renamed over `path`. On any failure the
/// temporary file is removed, `path` is untouched and ql::core::Error names `path` and the
/// reason. Temporary files that a killed run left for the same `path` are removed first.
/// Thread-safe for different paths.
void writeFileAtomically(const std::filesystem::path &path, const std::function<void(FileSink &out)> &write);

/// writeFileAtomically for text or bytes.
void writeFileAtomically(const std::filesystem::path &path, const std::string &contents);

/// For writers that only take a file name (libraries): `write` writes the temporary file
/// `tmp` (already created, empty) by name and must throw when it fails. Prefer the FileSink
/// overload, which checks every write itself.
void writeAtomically(const std::filesystem::path &path,
                     const std::function<void(const std::filesystem::path &tmp)> &write);

/// Whether `name` is the name of a temporary file an atomic write of a file named `target`
/// uses (".TARGET.tmp-PID-XXXXXXXX"); sets `pid` when it is.
bool isTemporaryNameOf(const std::string &name, const std::string &target, long *pid = nullptr);

namespace testing {
/// Makes FileSink writes fail with ENOSPC once `bytes` more bytes have been written in this
/// process (-1, the default, turns it off): the failure injection the disk-full tests use
/// where no small file system can be mounted. Thread-safe.
void failWritesAfter(int64_t bytes);
/// Makes every temporary name end in `suffix` instead of a random one (empty: random again),
/// so that a test can plant a file or symlink at the exact name a write will try. Thread-safe.
void useTemporarySuffix(const std::string &suffix);
} // namespace testing

} // namespace ql::core
