// Atomic writes under failure: a full disk (a real 2 MiB tmpfs where the system lets the test
// mount one, an injected ENOSPC always) is an error naming the file that leaves the previous
// file and no temporary behind; a symlink planted at the temporary name is never followed;
// temporaries of a killed writer are cleaned up by the next write of the same file.
#include "core/common/atomic_file.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

namespace fs = std::filesystem;
namespace hostile = ql::test::hostile;
using ql::core::FileSink;
using ql::core::writeFileAtomically;

namespace {

std::string slurp(const fs::path &p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The pid of a process that has exited (and been reaped): no process has it now.
long deadPid()
{
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return static_cast<long>(child);
}

/// Resets the failure injections however a test ends.
struct InjectionGuard {
    ~InjectionGuard()
    {
        ql::core::testing::failWritesAfter(-1);
        ql::core::testing::useTemporarySuffix({});
    }
};

} // namespace

class TestAtomicFile : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path dir() const { return fs::path(m_dir.path().toStdString()); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void injectedDiskFullKeepsThePreviousFile()
    {
        // The failure is injected here (every FileSink write fails once 1000 bytes are written):
        // this part runs everywhere, also where no file system can be mounted.
        InjectionGuard guard;
        const auto target = dir() / "result.json";
        writeFileAtomically(target, std::string("previous"));
        ql::core::testing::failWritesAfter(1000);
        const auto msg = hostile::errorText([&] { writeFileAtomically(target, std::string(5000, 'n')); });
        QVERIFY2(hostile::has(msg, target.string()) && hostile::has(msg, "no space left"), msg.c_str());
        QCOMPARE(slurp(target), std::string("previous"));
        QVERIFY2(hostile::temporaryFiles(dir()).isEmpty(), qPrintable(hostile::temporaryFiles(dir()).join(u' ')));

        // A writer that fails itself (an exception in the middle) is handled the same way.
        ql::core::testing::failWritesAfter(-1);
        const auto msg2 = hostile::errorText([&] {
            writeFileAtomically(target, [](FileSink &out) {
                out.write(std::string(100, 'p'));
                throw std::runtime_error("the data could not be made");
            });
        });
        QVERIFY2(hostile::has(msg2, target.string()) && hostile::has(msg2, "could not be made"), msg2.c_str());
        QCOMPARE(slurp(target), std::string("previous"));
        QVERIFY(hostile::temporaryFiles(dir()).isEmpty());
    }

    void realDiskFullKeepsThePreviousFile()
    {
        const auto mountPoint = dir() / "tmpfs";
        hostile::ScopedTmpfs tmpfs(mountPoint, 2048);
        if (!tmpfs.ok())
            QSKIP(qPrintable(QStringLiteral("The disk-full case on a real file system needs a 2 MiB tmpfs: ") +
                             QString::fromStdString(tmpfs.why()) +
                             QStringLiteral(". The injected case (injectedDiskFullKeepsThePreviousFile) still ran.")));
        const auto target = mountPoint / "weights.bin";
        writeFileAtomically(target, std::string(100000, 'o'));
        hostile::fillDisk(mountPoint, 64 * 1024);
        const auto msg = hostile::errorText([&] { writeFileAtomically(target, std::string(1 << 20, 'n')); });
        QVERIFY2(hostile::has(msg, target.string()) && hostile::has(msg, "no space left"), msg.c_str());
        QCOMPARE(slurp(target), std::string(100000, 'o'));
        QVERIFY2(hostile::temporaryFiles(mountPoint).isEmpty(),
                 qPrintable(hostile::temporaryFiles(mountPoint).join(u' ')));
        // Once there is room again, the same write works.
        fs::remove(mountPoint / "filler");
        writeFileAtomically(target, std::string(1 << 20, 'n'));
        QCOMPARE(fs::file_size(target), uintmax_t(1 << 20));
    }

    void symlinkAtTheTemporaryNameIsNotFollowed()
    {
        // The temporary name made predictable, and a symlink planted there pointing at a file
        // the writer must not touch: O_EXCL|O_NOFOLLOW refuses it, the victim stays as it was.
        InjectionGuard guard;
        const auto victim = dir() / "victim.txt";
        {
            std::ofstream(victim) << "precious";
        }
        const auto target = dir() / "out.json";
        ql::core::testing::useTemporarySuffix("fixed");
        const auto planted = dir() / (".out.json.tmp-" + std::to_string(::getpid()) + "-fixed");
        fs::create_symlink(victim, planted);
        const auto msg = hostile::errorText([&] { writeFileAtomically(target, std::string("attacker's data?")); });
        QVERIFY2(hostile::has(msg, target.string()) && hostile::has(msg, "temporary file"), msg.c_str());
        QCOMPARE(slurp(victim), std::string("precious"));
        QVERIFY(!fs::exists(target));
        QVERIFY(fs::is_symlink(planted)); // not ours to remove: its "writer" (this process) still runs
        fs::remove(planted);
        // With a random suffix again the write goes through.
        ql::core::testing::useTemporarySuffix({});
        writeFileAtomically(target, std::string("ok"));
        QCOMPARE(slurp(target), std::string("ok"));
        QCOMPARE(slurp(victim), std::string("precious"));
    }

    void staleTemporariesOfAKilledRunAreRemoved()
    {
        const auto target = dir() / "session.qls";
        const std::string name = target.filename().string();
        const auto dead = dir() / ("." + name + ".tmp-" + std::to_string(deadPid()) + "-0");
        const auto deadLink = dir() / ("." + name + ".tmp-" + std::to_string(deadPid()) + "-abc");
        const auto mine = dir() / ("." + name + ".tmp-" + std::to_string(::getpid()) + "-99");
        const auto alive = dir() / ("." + name + ".tmp-1-0"); // pid 1 runs
        const auto other = dir() / (".other.qls.tmp-" + std::to_string(deadPid()) + "-0");
        for (const auto &p : {dead, mine, alive, other})
            std::ofstream(p) << "partial";
        fs::create_symlink(dir() / "nowhere", deadLink);
        writeFileAtomically(target, std::string("{}"));
        QVERIFY(!fs::exists(dead));
        QVERIFY(!fs::is_symlink(deadLink));
        QVERIFY(fs::exists(mine)); // this process may still be writing it
        QVERIFY(fs::exists(alive));
        QVERIFY(fs::exists(other)); // another file's temporary
        for (const auto &p : {mine, alive, other})
            fs::remove(p);
    }

    void temporaryNamesAreRecognised()
    {
        long pid = 0;
        QVERIFY(ql::core::isTemporaryNameOf(".a.json.tmp-123-9f0e", "a.json", &pid));
        QCOMPARE(pid, 123L);
        QVERIFY(!ql::core::isTemporaryNameOf(".a.json.tmp-123-", "a.json"));
        QVERIFY(!ql::core::isTemporaryNameOf(".a.json.tmp--1", "a.json"));
        QVERIFY(!ql::core::isTemporaryNameOf(".a.json.tmp-12x-1", "a.json"));
        QVERIFY(!ql::core::isTemporaryNameOf(".b.json.tmp-123-1", "a.json"));
        QVERIFY(!ql::core::isTemporaryNameOf(".a.json.tmp-1-../x", "a.json"));
    }

    void missingFolderAndFolderTargetsAreErrors()
    {
        QVERIFY(hostile::has(hostile::errorText([&] { writeFileAtomically(dir() / "no" / "x", std::string("x")); }),
                             "does not exist"));
        QVERIFY(hostile::has(hostile::errorText([&] { writeFileAtomically(dir() / "..", std::string("x")); }),
                             "Cannot write"));
    }
};

QL_TEST(TestAtomicFile)
#include "tst_atomic_file.moc"
