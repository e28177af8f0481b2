// quantlens-cli mixed: what a user sees for bad input, and a small search end to end.
#include "tests/support/testmain.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestCliMixed : public QObject {
    Q_OBJECT

    struct Result {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Result run(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral(QL_CLI_PATH), args);
        if (!p.waitForFinished(300000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }

    static QStringList base()
    {
        return {QStringLiteral("mixed"),
                QStringLiteral("--model"),
                qEnvironmentVariable("QL_SOURCE_DIR") + QStringLiteral("/resources/models/fmnist-cnn-swish.pth"),
                QStringLiteral("--threads"),
                QStringLiteral("1"),
                QStringLiteral("--images"),
                QStringLiteral("64"),
                QStringLiteral("--calib"),
                QStringLiteral("32")};
    }

private Q_SLOTS:
    void badCommandLines_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        // The smallest reachable size: conv1 (288 weights) and fc (31,360) at 8 bits, conv2..conv4
        // (9,216 + 18,432 + 36,864 weights) at 2 bits: 288 + 16,128 + 31,360 bytes.
        QTest::newRow("impossible budget") << QStringList{QStringLiteral("--budget-bytes"), QStringLiteral("40000")}
                                           << QStringLiteral("smallest reachable size, 47776 bytes");
        QTest::newRow("unknown lock") << QStringList{QStringLiteral("--lock"), QStringLiteral("conv1,cnv3")}
                                      << QStringLiteral("Did you mean: conv3");
        QTest::newRow("unknown lock, second name")
            << QStringList{QStringLiteral("--lock"), QStringLiteral("conv2"), QStringLiteral("fcc")}
            << QStringLiteral("Did you mean: fc");
        QTest::newRow("bad candidates") << QStringList{QStringLiteral("--candidates"), QStringLiteral("2,x,8")}
                                        << QStringLiteral("--candidates expects bit-widths");
        QTest::newRow("two budgets") << QStringList{QStringLiteral("--budget-bytes"), QStringLiteral("60000"),
                                                    QStringLiteral("--max-drop"), QStringLiteral("1")}
                                     << QStringLiteral("give one of");
        QTest::newRow("bad measure") << QStringList{QStringLiteral("--measure"), QStringLiteral("fisher")}
                                     << QStringLiteral("empirical, hessian or both");
        QTest::newRow("candidate POT cannot take")
            << QStringList{QStringLiteral("--wmethod"), QStringLiteral("pot"), QStringLiteral("--candidates"),
                           QStringLiteral("1,4")}
            << QStringLiteral("cannot take the candidate 1 bits for its weights");
        QTest::newRow("negative budget") << QStringList{QStringLiteral("--budget-bops"), QStringLiteral("-5")}
                                         << QStringLiteral("must be a positive number");
    }

    void badCommandLines()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        const auto r = run(base() + args);
        QVERIFY2(r.exitCode == 2, qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
        QVERIFY(r.out.isEmpty()); // nothing was searched
    }

    void smallSearchWritesTheFrontTheChoiceAndTheSession()
    {
        QTemporaryDir dir;
        const QString json = dir.path() + QStringLiteral("/m.json");
        const QString session = dir.path() + QStringLiteral("/m.qls");
        const QString config = dir.path() + QStringLiteral("/c.json");
        const auto r =
            run(base() + QStringList{QStringLiteral("--candidates"), QStringLiteral("4,8"),
                                     QStringLiteral("--max-drop"), QStringLiteral("100"), QStringLiteral("--json"),
                                     json, QStringLiteral("--out"), session, QStringLiteral("--config-out"), config});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("Greedy descent")) && r.out.contains(QStringLiteral("W4A4")),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("Smallest within the drop")));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto mixed = QJsonDocument::fromJson(f.readAll()).object()[QStringLiteral("mixed")].toObject();
        const auto points = mixed[QStringLiteral("points")].toArray();
        QCOMPARE(points.size(), 4); // three free layers, one step each
        // Losing at most 100 points: the smallest configuration, the last of the descent.
        QCOMPARE(mixed[QStringLiteral("maxDropChoice")].toInt(), 3);
        const auto chosen = points[3].toObject()[QStringLiteral("bits")].toArray();
        QCOMPARE(chosen[1].toObject()[QStringLiteral("w")].toInt(), 4);
        // The session holds the choice and the result; the config file the choice's bits.
        QFile s(session);
        QVERIFY(s.open(QIODevice::ReadOnly));
        const auto saved = QJsonDocument::fromJson(s.readAll()).object();
        QVERIFY(saved[QStringLiteral("results")].toObject()[QStringLiteral("mixed")].isObject());
        for (const auto &l : saved[QStringLiteral("layers")].toArray()) {
            const auto o = l.toObject();
            const int want = o[QStringLiteral("name")].toString() == QStringLiteral("conv1") ||
                                     o[QStringLiteral("name")].toString() == QStringLiteral("fc")
                                 ? 8
                                 : 4;
            QCOMPARE(o[QStringLiteral("weight")].toObject()[QStringLiteral("bits")].toInt(), want);
            QCOMPARE(o[QStringLiteral("act")].toObject()[QStringLiteral("bits")].toInt(), want);
        }
        QFile c(config);
        QVERIFY(c.open(QIODevice::ReadOnly));
        const auto layers = QJsonDocument::fromJson(c.readAll()).object()[QStringLiteral("layers")].toObject();
        QCOMPARE(layers[QStringLiteral("conv3")]
                     .toObject()[QStringLiteral("weight")]
                     .toObject()[QStringLiteral("bits")]
                     .toInt(),
                 4);
    }

    void sessionWithoutAChoiceIsCalibratedAndEvaluates()
    {
        // No budget: the session keeps the search's starting configuration, with the quantizers
        // the search calibrated, so that it evaluates as saved.
        QTemporaryDir dir;
        const QString session = dir.path() + QStringLiteral("/start.qls");
        const auto r = run(base() + QStringList{QStringLiteral("--candidates"), QStringLiteral("4,8"),
                                                QStringLiteral("--out"), session});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto e = run({QStringLiteral("eval"), QStringLiteral("--session"), session, QStringLiteral("--limit"),
                            QStringLiteral("64"), QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(e.exitCode == 0, qPrintable(e.out + e.err));
        QVERIFY2(e.out.contains(QStringLiteral("top-1")), qPrintable(e.out));
    }
};

QL_TEST(TestCliMixed)
#include "tst_cli_mixed.moc"
