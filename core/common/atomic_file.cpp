#include "core/common/atomic_file.h"

#include "core/common/error.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

namespace ql::core {

namespace fs = std::filesystem;

static void syncFile(const fs::path &p)
{
    const int fd = ::open(p.c_str(), O_RDONLY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

void writeAtomically(const fs::path &path, const std::function<void(const fs::path &tmp)> &write)
{
    static std::atomic<unsigned> counter{0};
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error("Cannot write '" + path.string() + "': the folder '" + dir.string() + "' does not exist.",
                    "Create the folder or choose another path.");
    std::ostringstream tmpName;
    tmpName << '.' << path.filename().string() << ".tmp-" << ::getpid() << '-' << counter.fetch_add(1);
    const fs::path tmp = dir / tmpName.str();
    try {
        write(tmp);
        if (!fs::exists(tmp, ec))
            throw Error("nothing was written");
        syncFile(tmp);
        fs::rename(tmp, path);
    } catch (const Error &e) {
        fs::remove(tmp, ec);
        throw Error("Cannot write '" + path.string() + "': " + e.what(), e.hint());
    } catch (const std::exception &e) {
        fs::remove(tmp, ec);
        throw Error("Cannot write '" + path.string() + "': " + e.what(),
                    "Check the free space and permissions of the folder.");
    }
}

void writeFileAtomically(const fs::path &path, const std::string &contents)
{
    writeAtomically(path, [&](const fs::path &tmp) {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
        out.close();
        if (!out)
            throw Error("writing the data failed");
    });
}

} // namespace ql::core
