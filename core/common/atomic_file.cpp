#include "core/common/atomic_file.h"

#include "core/common/error.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>

namespace ql::core {

namespace fs = std::filesystem;

namespace {

std::atomic<int64_t> g_failAfter{-1};
std::mutex g_suffixMutex;
std::string g_fixedSuffix; // guarded by g_suffixMutex

/// What a failed write means for the user, from errno.
std::string reason(int err)
{
    switch (err) {
    case ENOSPC: return "no space left on the device (the disk is full)";
    case EDQUOT: return "the disk quota is exceeded";
    case EFBIG: return "the file is too large for this file system";
    case EROFS: return "the file system is read-only";
    case EACCES:
    case EPERM: return "permission denied";
    case EIO: return "an input/output error occurred";
    default: return std::strerror(err);
    }
}

std::string hintFor(int err)
{
    if (err == ENOSPC || err == EDQUOT || err == EFBIG)
        return "Free some space there or choose another folder; the previous file was left as it was.";
    if (err == EACCES || err == EPERM || err == EROFS)
        return "Choose a folder you can write to; the previous file was left as it was.";
    return "The previous file was left as it was.";
}

[[noreturn]] void fail(const fs::path &target, const std::string &what, int err)
{
    throw Error("Cannot write '" + target.string() + "': " + what + reason(err) + ".", hintFor(err));
}

std::string randomSuffix()
{
    {
        std::lock_guard lock(g_suffixMutex);
        if (!g_fixedSuffix.empty())
            return g_fixedSuffix;
    }
    static const char *hex = "0123456789abcdef";
    std::random_device rd;
    std::string s;
    for (int i = 0; i < 2; ++i) {
        uint32_t v = rd();
        for (int k = 0; k < 8; ++k, v >>= 4)
            s.push_back(hex[v & 15]);
    }
    return s;
}

/// Removes the temporary files of earlier writes of `path` whose process no longer runs.
void removeStaleTemporaries(const fs::path &dir, const std::string &target)
{
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        long pid = 0;
        if (!isTemporaryNameOf(name, target, &pid) || pid == static_cast<long>(::getpid()))
            continue;
        if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)
            continue; // its writer may still be running
        struct stat st { };
        if (::lstat(it->path().c_str(), &st) != 0 || !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
            continue;
        ::unlink(it->path().c_str()); // unlink never follows a symlink
    }
}

/// A temporary file beside the target, removed unless committed. The destructor never throws.
class Temporary {
public:
    explicit Temporary(const fs::path &target) : m_target(target)
    {
        m_dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
        std::error_code ec;
        if (!fs::is_directory(m_dir, ec))
            throw Error("Cannot write '" + target.string() + "': the folder '" + m_dir.string() + "' does not exist.",
                        "Create the folder or choose another path.");
        const std::string name = target.filename().string();
        if (name.empty() || name == "." || name == "..")
            throw Error("Cannot write '" + target.string() + "': it names a folder, not a file.", "Give a file name.");
        removeStaleTemporaries(m_dir, name);
        for (int attempt = 0; attempt < 64; ++attempt) {
            m_path = m_dir / ("." + name + ".tmp-" + std::to_string(::getpid()) + "-" + randomSuffix());
            m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
            if (m_fd >= 0)
                return;
            if (errno != EEXIST)
                fail(target, "cannot create a temporary file in '" + m_dir.string() + "': ", errno);
        }
        fail(target, "cannot create a temporary file in '" + m_dir.string() + "': ", EEXIST);
    }
    ~Temporary()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (!m_committed)
            ::unlink(m_path.c_str());
    }
    Temporary(const Temporary &) = delete;
    Temporary &operator=(const Temporary &) = delete;

    int fd() const { return m_fd; }
    const fs::path &path() const { return m_path; }

    /// Flushes the file to disk and renames it over the target.
    void commit()
    {
        if (::fsync(m_fd) != 0)
            fail(m_target, "", errno);
        const int fd = m_fd;
        m_fd = -1;
        if (::close(fd) != 0)
            fail(m_target, "", errno);
        if (::rename(m_path.c_str(), m_target.c_str()) != 0)
            fail(m_target, "cannot replace it: ", errno);
        m_committed = true;
        // The rename itself reaches the disk with the folder's metadata.
        const int dirFd = ::open(m_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirFd >= 0) {
            ::fsync(dirFd);
            ::close(dirFd);
        }
    }

private:
    fs::path m_target, m_dir, m_path;
    int m_fd = -1;
    bool m_committed = false;
};

} // namespace

FileSink::FileSink(int fd, fs::path target) : m_fd(fd), m_target(std::move(target)) { }

void FileSink::write(const void *data, size_t size)
{
    const auto *p = static_cast<const char *>(data);
    while (size > 0) {
        size_t chunk = size;
        const int64_t budget = g_failAfter.load();
        if (budget >= 0) {
            if (budget == 0)
                fail(m_target, "", ENOSPC);
            chunk = std::min<size_t>(chunk, static_cast<size_t>(budget));
            g_failAfter.fetch_sub(static_cast<int64_t>(chunk));
        }
        const ssize_t n = ::write(m_fd, p, chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail(m_target, "", errno);
        }
        if (n == 0)
            fail(m_target, "", ENOSPC);
        p += n;
        size -= static_cast<size_t>(n);
        m_written += static_cast<uint64_t>(n);
    }
}

void writeFileAtomically(const fs::path &path, const std::function<void(FileSink &out)> &write)
{
    Temporary tmp(path);
    FileSink sink(tmp.fd(), path);
    try {
        write(sink);
    } catch (const Error &) {
        throw;
    } catch (const std::bad_alloc &) {
        throw Error("Cannot write '" + path.string() + "': out of memory while preparing its contents.",
                    "The previous file was left as it was.");
    } catch (const std::exception &e) {
        throw Error("Cannot write '" + path.string() + "': " + e.what(), "The previous file was left as it was.");
    }
    tmp.commit();
}

void writeFileAtomically(const fs::path &path, const std::string &contents)
{
    writeFileAtomically(path, [&](FileSink &out) { out.write(contents); });
}

void writeAtomically(const fs::path &path, const std::function<void(const fs::path &tmp)> &write)
{
    Temporary tmp(path);
    try {
        write(tmp.path());
        // The writer opened the file by name: it must still be the file created above.
        struct stat mine {
        }, named{};
        if (::fstat(tmp.fd(), &mine) != 0 || ::lstat(tmp.path().c_str(), &named) != 0 || mine.st_ino != named.st_ino ||
            mine.st_dev != named.st_dev || !S_ISREG(named.st_mode))
            throw Error("Cannot write '" + path.string() + "': its temporary file was replaced while it was written.",
                        "Check who else writes to that folder; the previous file was left as it was.");
    } catch (const Error &e) {
        throw Error(std::string(e.what()).rfind("Cannot write", 0) == 0
                        ? std::string(e.what())
                        : "Cannot write '" + path.string() + "': " + e.what(),
                    e.hint());
    } catch (const std::exception &e) {
        throw Error("Cannot write '" + path.string() + "': " + e.what(),
                    "Check the free space and permissions of the folder; the previous file was left as it was.");
    }
    tmp.commit();
}

bool isTemporaryNameOf(const std::string &name, const std::string &target, long *pid)
{
    const std::string prefix = "." + target + ".tmp-";
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
        return false;
    const std::string rest = name.substr(prefix.size());
    const size_t dash = rest.find('-');
    if (dash == 0 || dash == std::string::npos || dash > 10 || dash + 1 == rest.size())
        return false;
    for (size_t i = 0; i < dash; ++i)
        if (rest[i] < '0' || rest[i] > '9')
            return false;
    for (size_t i = dash + 1; i < rest.size(); ++i)
        if (!std::isalnum(static_cast<unsigned char>(rest[i])))
            return false;
    if (pid)
        *pid = std::stol(rest.substr(0, dash));
    return true;
}

namespace testing {
void failWritesAfter(int64_t bytes) { g_failAfter.store(bytes); }
void useTemporarySuffix(const std::string &suffix)
{
    std::lock_guard lock(g_suffixMutex);
    g_fixedSuffix = suffix;
}
} // namespace testing

} // namespace ql::core
