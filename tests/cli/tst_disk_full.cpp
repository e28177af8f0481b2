// A full disk under every writer of quantlens-cli (a real 2 MiB tmpfs): --json, predict --out,
// sessions, train --out and QAT checkpoints each fail with a message naming the file (exit
// status 1, never an abort), leave the previous file as it was and no temporary file behind.
// Mounting needs root; where the system does not allow it the test says so and skips, and the
// same failures are covered by the injected disk-full tests of core/common, core/engine.
#include "tests/cli/cli_support.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

namespace cli = ql::test::cli;
namespace hostile = ql::test::hostile;
namespace fs = std::filesystem;

class TestDiskFull : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_data;

    static std::string slurp(const QString &p)
    {
        std::ifstream in(p.toStdString(), std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.path() + QStringLiteral("/tiny-fashion");
        cli::writeTinyIdxData(m_data.toStdString(), 40, /*blank=*/false);
    }

    void everyWriterFailsCleanlyOnAFullDisk()
    {
        const fs::path mount = fs::path(m_dir.path().toStdString()) / "full";
        hostile::ScopedTmpfs tmpfs(mount, 2048);
        if (!tmpfs.ok())
            QSKIP(qPrintable(QStringLiteral("Needs a 2 MiB tmpfs for a real full disk: ") +
                             QString::fromStdString(tmpfs.why()) +
                             QStringLiteral(". The injected disk-full tests (core/common/tst_atomic_file, "
                                            "core/engine/tst_session_safety, core/engine/tst_checkpoint) ran.")));
        const QString dir = QString::fromStdString(mount.string());
        const QStringList compute{QStringLiteral("--data"), m_data, QStringLiteral("--threads"), QStringLiteral("1")};

        // The previous versions, written while there is room.
        const QString json = dir + QStringLiteral("/eval.json");
        const QString csv = dir + QStringLiteral("/pred.csv");
        const QString session = dir + QStringLiteral("/s.qls");
        auto r = cli::run(QStringList{QStringLiteral("eval"), QStringLiteral("--model"), cli::demoModel(),
                                      QStringLiteral("--json"), json} +
                          compute);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = cli::run(QStringList{QStringLiteral("predict"), QStringLiteral("--model"), cli::demoModel(),
                                 QStringLiteral("--count"), QStringLiteral("4"), QStringLiteral("--out"), csv} +
                     compute);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = cli::run(QStringList{QStringLiteral("ptq"), QStringLiteral("--model"), cli::demoModel(),
                                 QStringLiteral("--calib"), QStringLiteral("16"), QStringLiteral("--out"), session} +
                     compute);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto jsonBefore = slurp(json), csvBefore = slurp(csv), sessionBefore = slurp(session);

        hostile::fillDisk(mount, 0);
        const QString noSpace = QStringLiteral("no space left");
        r = cli::run(QStringList{QStringLiteral("eval"), QStringLiteral("--model"), cli::demoModel(),
                                 QStringLiteral("--json"), json} +
                     compute);
        cli::checkCleanFailure(r, json, noSpace);
        r = cli::run(QStringList{QStringLiteral("predict"), QStringLiteral("--model"), cli::demoModel(),
                                 QStringLiteral("--count"), QStringLiteral("8"), QStringLiteral("--out"), csv} +
                     compute);
        cli::checkCleanFailure(r, csv, noSpace);
        r = cli::run(QStringList{QStringLiteral("ptq"), QStringLiteral("--model"), cli::demoModel(),
                                 QStringLiteral("--wbits"), QStringLiteral("3"), QStringLiteral("--calib"),
                                 QStringLiteral("16"), QStringLiteral("--out"), session} +
                     compute);
        cli::checkCleanFailure(r, dir, noSpace);
        r = cli::run(QStringList{QStringLiteral("train"), QStringLiteral("--epochs"), QStringLiteral("1"),
                                 QStringLiteral("--steps-per-epoch"), QStringLiteral("1"), QStringLiteral("--batch"),
                                 QStringLiteral("8"), QStringLiteral("--workers"), QStringLiteral("0"),
                                 QStringLiteral("--out"), dir + QStringLiteral("/m.pth")} +
                     compute);
        cli::checkCleanFailure(r, dir + QStringLiteral("/m.pth"), noSpace);
        r = cli::run(QStringList{QStringLiteral("qat"), QStringLiteral("--model"), cli::demoModel(),
                                 QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--steps-per-epoch"),
                                 QStringLiteral("1"), QStringLiteral("--batch"), QStringLiteral("8"),
                                 QStringLiteral("--calib"), QStringLiteral("8"), QStringLiteral("--workers"),
                                 QStringLiteral("0"), QStringLiteral("--checkpoint"), dir + QStringLiteral("/q.ckpt")} +
                     compute);
        cli::checkCleanFailure(r, dir + QStringLiteral("/q.ckpt"), noSpace);

        // Everything written before is intact, the session still loads, nothing half-written stayed.
        QCOMPARE(slurp(json), jsonBefore);
        QCOMPARE(slurp(csv), csvBefore);
        QCOMPARE(slurp(session), sessionBefore);
        QVERIFY2(hostile::temporaryFiles(mount).isEmpty(), qPrintable(hostile::temporaryFiles(mount).join(u' ')));
        QVERIFY(!QFile::exists(dir + QStringLiteral("/m.pth")) && !QFile::exists(dir + QStringLiteral("/q.ckpt")));
        r = cli::run(QStringList{QStringLiteral("eval"), QStringLiteral("--session"), session} + compute);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }
};

QL_TEST(TestDiskFull)
#include "tst_disk_full.moc"
