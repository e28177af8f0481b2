// What quantlens-cli trusts: a TorchScript model runs code when it is loaded, so it is loaded
// only with --trust-torchscript. A file whose __setstate__ creates a file (made by PyTorch here)
// is refused without the flag, and the file it would create does not appear; with the flag the
// code runs, which is what the flag is for. State dicts need no flag.
#include "tests/cli/cli_support.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

namespace cli = ql::test::cli;
namespace hostile = ql::test::hostile;

class TestTrust : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_data;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.path() + QStringLiteral("/tiny-fashion");
        cli::writeTinyIdxData(m_data.toStdString(), 20, /*blank=*/false);
    }

    void maliciousTorchScriptNeedsTrust()
    {
        const QString evil = m_dir.path() + QStringLiteral("/evil.pt");
        const QString marker = m_dir.path() + QStringLiteral("/PWNED");
        QString out;
        QVERIFY2(hostile::runPython(hostile::maliciousTorchScriptScript(), {evil, marker, QStringLiteral("file")},
                                    &out) == 0,
                 qPrintable(out));
        QVERIFY(!QFile::exists(marker));
        const QStringList eval{
            QStringLiteral("eval"),       QStringLiteral("--model"), evil,   QStringLiteral("--arch"),
            QStringLiteral("fmnist-cnn"), QStringLiteral("--data"),  m_data, QStringLiteral("--threads"),
            QStringLiteral("1")};
        for (const QString &command : {QStringLiteral("eval"), QStringLiteral("predict"), QStringLiteral("ptq")}) {
            QStringList args = eval;
            args[0] = command;
            const auto r = cli::run(args);
            cli::checkCleanFailure(r, evil, QStringLiteral("--trust-torchscript"));
            QVERIFY2(!QFile::exists(marker), qPrintable(command + QStringLiteral(": the file's code ran")));
        }
        // With the flag the file is loaded, and its code runs (then its weights do not fit).
        const auto trusted = cli::run(eval + QStringList{QStringLiteral("--trust-torchscript")});
        QVERIFY(QFile::exists(marker));
        cli::checkCleanFailure(trusted, evil, QStringLiteral("do not fit"));
    }

    void trustFlagIsOnEveryCommandThatOpensAModel()
    {
        for (const char *command : {"eval", "predict", "ptq", "qat", "errors", "sensitivity", "whatif"}) {
            const auto r = cli::run({QLatin1String(command), QStringLiteral("--help")});
            QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("--trust-torchscript")), command);
        }
    }

    void stateDictsNeedNoTrust()
    {
        const auto r = cli::run({QStringLiteral("eval"), QStringLiteral("--model"), cli::demoModel(),
                                 QStringLiteral("--data"), m_data, QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }
};

QL_TEST(TestTrust)
#include "tst_trust.moc"
