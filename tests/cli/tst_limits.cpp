// Numbers a command line can get wrong: limits on threads, workers, bits, budgets and image
// counts (exit status 2, with the range in the message and in --help); a QAT run that diverges
// (NaN, or chance level in its last epoch) exits with 1 and says so.
#include "tests/cli/cli_support.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

namespace cli = ql::test::cli;

class TestLimits : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_data, m_blank;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.path() + QStringLiteral("/tiny-fashion");
        cli::writeTinyIdxData(m_data.toStdString(), 40, /*blank=*/false);
        m_blank = m_dir.path() + QStringLiteral("/blank-fashion");
        cli::writeTinyIdxData(m_blank.toStdString(), 40, /*blank=*/true);
    }

    void badNumbersAreUsageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        const QStringList qat{QStringLiteral("qat"), QStringLiteral("--model"), cli::demoModel()};
        QTest::newRow("--workers 1000") << qat + QStringList{QStringLiteral("--workers"), QStringLiteral("1000")}
                                        << QStringLiteral("between 0 and 64");
        QTest::newRow("--threads 100000") << qat + QStringList{QStringLiteral("--threads"), QStringLiteral("100000")}
                                          << QStringLiteral("between 0 and 256");
        QTest::newRow("--first-last-bits -1")
            << qat + QStringList{QStringLiteral("--first-last-bits"), QStringLiteral("-1")}
            << QStringLiteral("negative");
        QTest::newRow("--wbits -3") << qat + QStringList{QStringLiteral("--wbits"), QStringLiteral("-3")}
                                    << QStringLiteral("out of range");
        QTest::newRow("--abits 4294967299")
            << qat + QStringList{QStringLiteral("--abits"), QStringLiteral("4294967299")}
            << QStringLiteral("whole number");
        QTest::newRow("--budget 1e30")
            << QStringList{QStringLiteral("ptq"),       QStringLiteral("--model"),    cli::demoModel(),
                           QStringLiteral("--wmethod"), QStringLiteral("multipoint"), QStringLiteral("--budget"),
                           QStringLiteral("1e30")}
            << QStringLiteral("outside 0..7");
        QTest::newRow("--budget -1") << QStringList{QStringLiteral("ptq"), QStringLiteral("--model"), cli::demoModel(),
                                                    QStringLiteral("--budget"), QStringLiteral("-1")}
                                     << QStringLiteral("outside 0..7");
        QTest::newRow("--lr nan") << qat + QStringList{QStringLiteral("--lr"), QStringLiteral("nan")}
                                  << QStringLiteral("finite number");
        QTest::newRow("--calib 0") << QStringList{QStringLiteral("ptq"), QStringLiteral("--model"), cli::demoModel(),
                                                  QStringLiteral("--calib"), QStringLiteral("0")}
                                   << QStringLiteral("between 1 and");
        QTest::newRow("--epochs 0") << qat + QStringList{QStringLiteral("--epochs"), QStringLiteral("0")}
                                    << QStringLiteral("between 1 and");
        QTest::newRow("--to-wbits 99") << QStringList{QStringLiteral("whatif"), QStringLiteral("--model"),
                                                      cli::demoModel(),         QStringLiteral("--layer"),
                                                      QStringLiteral("conv2"),  QStringLiteral("--to-wbits"),
                                                      QStringLiteral("99")}
                                       << QStringLiteral("between 0 and 32");
        QTest::newRow("train --workers 65")
            << QStringList{QStringLiteral("train"), QStringLiteral("--out"), QStringLiteral("x.pth"),
                           QStringLiteral("--workers"), QStringLiteral("65")}
            << QStringLiteral("between 0 and 64");
    }

    void badNumbersAreUsageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        const auto r = cli::run(args + QStringList{QStringLiteral("--data"), m_data});
        QVERIFY2(r.exitCode == 2, qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
    }

    void helpStatesTheLimits()
    {
        const auto r = cli::run({QStringLiteral("qat"), QStringLiteral("--help")});
        QVERIFY(r.out.contains(QStringLiteral("data-loader threads, 0..64")));
        QVERIFY(r.out.contains(QStringLiteral("CPU threads for libtorch, 0..256")));
    }

    void divergingQatFailsAndSaysSo()
    {
        // Identical images with ten balanced labels: no model does better than 10 %, the chance
        // level. The run ends with exit status 1 and writes no session.
        const QString out = m_dir.path() + QStringLiteral("/diverged.qls");
        const QStringList qat{QStringLiteral("qat"),
                              QStringLiteral("--model"),
                              cli::demoModel(),
                              QStringLiteral("--data"),
                              m_blank,
                              QStringLiteral("--epochs"),
                              QStringLiteral("1"),
                              QStringLiteral("--steps-per-epoch"),
                              QStringLiteral("2"),
                              QStringLiteral("--batch"),
                              QStringLiteral("10"),
                              QStringLiteral("--calib"),
                              QStringLiteral("10"),
                              QStringLiteral("--workers"),
                              QStringLiteral("0"),
                              QStringLiteral("--threads"),
                              QStringLiteral("1"),
                              QStringLiteral("--out"),
                              out};
        auto r = cli::run(qat);
        cli::checkCleanFailure(r, QStringLiteral("diverged"), QStringLiteral("chance level"));
        QVERIFY(!QFile::exists(out));

        // A learning rate that makes the loss NaN: stopped, naming where.
        QStringList nan = qat;
        nan[nan.indexOf(m_blank)] = m_data;
        r = cli::run(nan + QStringList{QStringLiteral("--lr"), QStringLiteral("1e30")});
        cli::checkCleanFailure(r, QStringLiteral("NaN"));
        QVERIFY(!QFile::exists(out));
    }

    void aCopiedSessionStaysLoadable()
    {
        // cp s.qls backup.qls, then s.qls saved again: backup.qls still loads, with its results.
        const QString s = m_dir.path() + QStringLiteral("/s.qls");
        const QString backup = m_dir.path() + QStringLiteral("/backup.qls");
        const QStringList ptq{QStringLiteral("ptq"),
                              QStringLiteral("--model"),
                              cli::demoModel(),
                              QStringLiteral("--data"),
                              m_data,
                              QStringLiteral("--calib"),
                              QStringLiteral("16"),
                              QStringLiteral("--threads"),
                              QStringLiteral("1"),
                              QStringLiteral("--out"),
                              s};
        auto r = cli::run(ptq);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::copy(s, backup));
        const QStringList evalBackup{
            QStringLiteral("eval"),      QStringLiteral("--session"), backup, QStringLiteral("--data"), m_data,
            QStringLiteral("--threads"), QStringLiteral("1")};
        const auto before = cli::run(evalBackup);
        QVERIFY2(before.exitCode == 0, qPrintable(before.err));
        r = cli::run({QStringLiteral("ptq"), QStringLiteral("--session"), s, QStringLiteral("--wbits"),
                      QStringLiteral("3"), QStringLiteral("--data"), m_data, QStringLiteral("--calib"),
                      QStringLiteral("16"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--out"),
                      s});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto after = cli::run(evalBackup);
        QVERIFY2(after.exitCode == 0, qPrintable(after.err));
        // The same accuracy and loss (the timing at the end of the line aside).
        const auto figures = [](const QString &line) { return line.left(line.lastIndexOf(QStringLiteral("  ("))); };
        QCOMPARE(figures(after.out), figures(before.out));
    }
};

QL_TEST(TestLimits)
#include "tst_limits.moc"
