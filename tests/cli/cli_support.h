#pragma once
// Running quantlens-cli from the hostile-input tests: the process, small data sets written on
// the spot (so that each run loads in a moment), and the checks every failure must pass.
#include "tests/support/hostile.h"

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <string>

namespace ql::test::cli {

struct Result {
    int exitCode = -1; ///< -1: crashed, killed or timed out
    QString out;
    QString err;
};

inline Result run(const QStringList &args, int timeoutMs = 300000)
{
    QProcess p;
    p.start(QStringLiteral(QL_CLI_PATH), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, {}, QStringLiteral("timed out")};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

/// The demo model of the source tree (with its .json).
inline QString demoModel()
{
    return QStringLiteral(QL_SOURCE_DIR) + QStringLiteral("/resources/models/fmnist-cnn-swish.pth");
}

inline void writeIdx(const std::filesystem::path &path, const std::vector<uint32_t> &dims, const std::string &data)
{
    std::string h("\0\0\x08", 3);
    h.push_back(static_cast<char>(dims.size()));
    for (uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8)
            h.push_back(static_cast<char>((d >> s) & 0xff));
    std::ofstream out(path, std::ios::binary);
    out << h << data;
}

/// A Fashion-MNIST-shaped IDX data set of `n` images per split in `dir` (28x28, 10 classes,
/// labels 0..9 in turn). `blank` makes every image the same (all zero), so that no model can
/// do better than chance on it.
inline void writeTinyIdxData(const std::filesystem::path &dir, uint32_t n, bool blank)
{
    std::filesystem::create_directories(dir);
    std::string images(size_t(n) * 28 * 28, '\0'), labels(n, '\0');
    for (uint32_t i = 0; i < n; ++i) {
        labels[i] = static_cast<char>(i % 10);
        if (!blank)
            for (size_t p = 0; p < 28 * 28; ++p)
                images[size_t(i) * 28 * 28 + p] = static_cast<char>((p * (i % 10 + 1) * 37) & 0xff);
    }
    for (const char *split : {"train", "t10k"}) {
        writeIdx(dir / (std::string(split) + "-images-idx3-ubyte"), {n, 28, 28}, images);
        writeIdx(dir / (std::string(split) + "-labels-idx1-ubyte"), {n}, labels);
    }
}

/// A failure as a user must see it: exit status 1, a message that names `mustName`, and no
/// sign of a crash, an abort or a libtorch backtrace.
inline void checkCleanFailure(const Result &r, const QString &mustName, const QString &mustSay = {})
{
    const QString all = r.out + r.err;
    QVERIFY2(r.exitCode == 1, qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(all)));
    QVERIFY2(r.err.contains(mustName), qPrintable(all));
    if (!mustSay.isEmpty())
        QVERIFY2(r.err.contains(mustSay), qPrintable(all));
    for (const char *bad : {"terminate called", "Exception raised from", "frame #", "Segmentation", "Aborted",
                            "NOT A ql::core::Error", "AddressSanitizer", "runtime error:"})
        QVERIFY2(!all.contains(QLatin1String(bad)), qPrintable(all));
}

} // namespace ql::test::cli
