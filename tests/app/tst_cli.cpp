// quantlens-cli's command line: exit codes and the text a user sees.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestCli : public QObject {
    Q_OBJECT

    struct Result {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Result run(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(QL_CLI_PATH), args);
        if (!p.waitForFinished(120000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

private Q_SLOTS:
    void exitCodes_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mustContain"); // in stdout or stderr

        QTest::newRow("no command") << QStringList{} << 2 << QStringLiteral("Usage: quantlens-cli");
        QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << 0 << QStringLiteral("Commands:");
        QTest::newRow("--version") << QStringList{QStringLiteral("--version")} << 0 << QStringLiteral("quantlens-cli 0.");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << 2
                                         << QStringLiteral("unknown command 'frobnicate'");
        QTest::newRow("unknown flag") << QStringList{QStringLiteral("info"), QStringLiteral("--bogus")} << 2
                                      << QStringLiteral("unknown option --bogus");
        QTest::newRow("flag missing its value") << QStringList{QStringLiteral("info"), QStringLiteral("--threads")} << 2
                                                << QStringLiteral("--threads needs a value");
        QTest::newRow("non-numeric value") << QStringList{QStringLiteral("info"), QStringLiteral("--threads"), QStringLiteral("many")}
                                           << 2 << QStringLiteral("expects a whole number");
        QTest::newRow("info --help") << QStringList{QStringLiteral("info"), QStringLiteral("--help")} << 0
                                     << QStringLiteral("Usage: quantlens-cli info");
        QTest::newRow("help info") << QStringList{QStringLiteral("help"), QStringLiteral("info")} << 0
                                   << QStringLiteral("Usage: quantlens-cli info");
        QTest::newRow("cuda absent or present") << QStringList{QStringLiteral("info"), QStringLiteral("--device"), QStringLiteral("tpu")}
                                                << 1 << QStringLiteral("Unknown device 'tpu'");
    }

    void exitCodes()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, mustContain);
        const Result r = run(args);
        QCOMPARE(r.exitCode, exitCode);
        const QString all = r.out + r.err;
        QVERIFY2(all.contains(mustContain), qPrintable(all));
    }

    void helpListsEveryCommandAndEachHasHelp()
    {
        const Result r = run({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        const auto lines = r.out.split(u'\n');
        const qsizetype start = lines.indexOf(QStringLiteral("Commands:"));
        QVERIFY(start >= 0);
        int commands = 0;
        for (qsizetype i = start + 1; i < lines.size() && lines[i].startsWith(QStringLiteral("  ")); ++i) {
            const QString name = lines[i].trimmed().section(u' ', 0, 0);
            const Result help = run({name, QStringLiteral("--help")});
            QVERIFY2(help.exitCode == 0, qPrintable(name));
            QVERIFY2(help.out.contains(QStringLiteral("Usage: quantlens-cli ") + name), qPrintable(help.out));
            ++commands;
        }
        QVERIFY(commands >= 1);
        QVERIFY(r.out.contains(QStringLiteral("  info ")));
    }

    void infoReportsVersionsDeviceAndData()
    {
        const Result r = run({QStringLiteral("info"), QStringLiteral("--threads"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("QuantLens 0.")));
        QVERIFY(r.out.contains(QStringLiteral("libtorch  ")));
        QVERIFY(r.out.contains(QStringLiteral("device    CPU (1 threads)")) || r.out.contains(QStringLiteral("(CUDA)")));
        QVERIFY(r.out.contains(QStringLiteral("threads   1")));
        QVERIFY2(r.out.contains(QStringLiteral("fashion-mnist  60000 train, 10000 test, 10 classes")),
                 "Fashion-MNIST not found: install it with scripts/bootstrap (package dataset-fashion-mnist)");
    }

    void infoFindsDataInQlDataDir()
    {
        // A folder named fashion-mnist with tiny IDX files, first in the search path.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir(dir.path()).mkpath(QStringLiteral("fashion-mnist"));
        auto writeIdx = [&](const QString &name, quint32 count) {
            QFile f(dir.path() + QStringLiteral("/fashion-mnist/") + name);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray header("\0\0\x08\x03", 4);
            for (quint32 v : {count, 2u, 2u})
                for (int s = 24; s >= 0; s -= 8)
                    header.append(char((v >> s) & 0xff));
            f.write(header);
            f.write(QByteArray(int(count * 4), '\x7f'));
        };
        writeIdx(QStringLiteral("train-images-idx3-ubyte"), 7);
        writeIdx(QStringLiteral("t10k-images-idx3-ubyte"), 3);
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QL_DATA_DIR"), dir.path());
        const Result r = run({QStringLiteral("info")}, env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("fashion-mnist  7 train, 3 test")), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
