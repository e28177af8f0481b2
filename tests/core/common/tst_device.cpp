// Start-up settings of the host: libtorch's CPU threads and the C library's reuse of freed memory.
#include "core/common/device.h"
#include "tests/support/testmain.h"

#include <torch/torch.h>

#include <QtTest>

#include <sys/resource.h>

#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

using namespace ql::core;

namespace {

long minorFaults()
{
    rusage u{};
    getrusage(RUSAGE_THREAD, &u);
    return u.ru_minflt;
}

/// What a training step does to memory: a few large buffers allocated, written, freed.
long faultsOfOneStep()
{
    constexpr size_t kBytes = size_t(20) << 20;
    const long before = minorFaults();
    std::vector<char *> buffers;
    long sum = 0;
    for (int i = 0; i < 8; ++i) {
        buffers.push_back(static_cast<char *>(std::malloc(kBytes)));
        std::memset(buffers.back(), i + 1, kBytes);
        sum += buffers.back()[kBytes / 2];
    }
    for (char *b : buffers)
        std::free(b);
    return sum > 0 ? minorFaults() - before : -1;
}

} // namespace

class TestDevice : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void freedMemoryIsReusedAcrossSteps()
    {
#if defined(__SANITIZE_ADDRESS__)
        QSKIP("AddressSanitizer replaces glibc's allocator, whose settings this tests (mallopt has no effect).");
#endif
        QVERIFY(keepFreedMemoryForReuse());
        faultsOfOneStep(); // the first step maps its memory
        // 160 MiB written again: without the setting, glibc has given most of it back and
        // every page of it faults in again (40,960 faults).
        for (int step = 2; step <= 3; ++step) {
            const long faults = faultsOfOneStep();
            QVERIFY2(faults >= 0 && faults < 2000,
                     qPrintable(QStringLiteral("%1 page faults in step %2").arg(faults).arg(step)));
        }
    }

    void threadCountReachesNewThreads()
    {
        const int n = setCpuThreads(2);
        QCOMPARE(n, 2);
        QCOMPARE(cpuThreads(), 2);
        int seen = 0;
        std::thread([&seen] {
            applyCpuThreads();
            seen = at::get_num_threads();
        }).join();
        QCOMPARE(seen, 2);
    }
};

QL_TEST(TestDevice)
#include "tst_device.moc"
