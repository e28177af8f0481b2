// quantlens-cli export: a PTQ session exported and verified from the command line, its
// per-layer table and agreement printed, its JSON result; bad options are usage errors.
#include "tests/cli/cli_support.h"
#include "tests/support/testmain.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestCliExport : public QObject {
    Q_OBJECT

    static ql::test::cli::Result cli(const QStringList &args) { return ql::test::cli::run(args); }

private Q_SLOTS:
    void ptqSessionExportedAndVerified()
    {
        QTemporaryDir dir;
        const QString demo = QStringLiteral(QL_SOURCE_DIR "/resources/models/fmnist-cnn-swish.pth");
        const QString session = dir.filePath(QStringLiteral("w8a8.qls"));
        const auto ptq =
            cli({QStringLiteral("ptq"), QStringLiteral("--model"), demo, QStringLiteral("--wmethod"),
                 QStringLiteral("minmax"), QStringLiteral("--amethod"), QStringLiteral("minmax"),
                 QStringLiteral("--wbits"), QStringLiteral("8"), QStringLiteral("--abits"), QStringLiteral("8"),
                 QStringLiteral("--calib"), QStringLiteral("128"), QStringLiteral("--limit"), QStringLiteral("256"),
                 QStringLiteral("--out"), session, QStringLiteral("--threads"), QStringLiteral("2")});
        QVERIFY2(ptq.exitCode == 0, qPrintable(ptq.out + ptq.err));
        const QString model = dir.filePath(QStringLiteral("m.onnx"));
        const QString json = dir.filePath(QStringLiteral("r.json"));
        const auto r = cli({QStringLiteral("export"), QStringLiteral("--session"), session, QStringLiteral("--format"),
                            QStringLiteral("onnx"), QStringLiteral("--out"), model, QStringLiteral("--verify"),
                            QStringLiteral("--images"), QStringLiteral("128"), QStringLiteral("--json"), json,
                            QStringLiteral("--threads"), QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QStringLiteral("deployability")) && r.out.contains(QStringLiteral("integer")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("graph optimisations off: meets the targets")), qPrintable(r.out));
        QVERIFY(QFile::exists(model) && QFile::exists(model + QStringLiteral(".json")));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto j = QJsonDocument::fromJson(f.readAll()).object();
        const auto checks = j.value(QStringLiteral("checks")).toArray();
        QCOMPARE(checks.size(), 3); // the checker, ONNX Runtime off and on
        for (const auto &c : checks) {
            const auto o = c.toObject();
            QVERIFY2(!o.value(QStringLiteral("targets_apply")).toBool() || o.value(QStringLiteral("passed")).toBool(),
                     qPrintable(o.value(QStringLiteral("verdict")).toString()));
        }
        QCOMPARE(j.value(QStringLiteral("layers")).toArray().size(), 5);
    }

    void badOptionsAreUsageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("format") << QStringList{QStringLiteral("--format"), QStringLiteral("tflite")}
                                << QStringLiteral("Unknown export format");
        QTest::newRow("opset") << QStringList{QStringLiteral("--opset"), QStringLiteral("17")}
                               << QStringLiteral("--opset must be 13 or 21");
        QTest::newRow("offset") << QStringList{QStringLiteral("--offset"), QStringLiteral("round")}
                                << QStringLiteral("--offset must be exact or zero-point");
    }

    void badOptionsAreUsageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto r = cli(QStringList{QStringLiteral("export"), QStringLiteral("--out"), QStringLiteral("x")} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }
};

QL_TEST(TestCliExport)
#include "tst_cli_export.moc"
