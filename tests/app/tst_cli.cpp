// quantlens-cli's command line: exit codes and the text a user sees.
#include "core/data/loaders.h"
#include "tests/support/testmain.h"

#include <QImage>
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

    static Result run(const QStringList &args,
                      const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(QL_CLI_PATH), args);
        if (!p.waitForFinished(120000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }

    /// Rows of a predict CSV: input name, predicted index, then the logits.
    struct Row {
        QString input;
        int predicted = -1;
        QList<double> logits;
    };
    static QList<Row> readPredictions(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QList<Row> rows;
        const QStringList lines = QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QStringList cells = lines[i].split(u',');
            Row r;
            r.input = cells.value(0).remove(u'"');
            r.predicted = cells.value(1).toInt();
            for (qsizetype c = 3; c < cells.size(); ++c)
                r.logits << cells[c].toDouble();
            rows << r;
        }
        return rows;
    }

private Q_SLOTS:
    void predictOnImageFilesMatchesTheDataSet()
    {
        // The first test images written as PNG files must give the logits that the same
        // images give straight from the data set; a 2x larger RGB copy of image 0 must be
        // converted (grey, resized by area averaging) back to exactly image 0.
        const QString demo =
            qEnvironmentVariable("QL_SOURCE_DIR") + QStringLiteral("/resources/models/fmnist-cnn-swish.pth");
        QVERIFY(QFile::exists(demo));
        QTemporaryDir dir;
        const auto test = ql::core::data::openDataset("fashion-mnist", ql::core::data::Split::Test);
        const auto images = test.rawImages().narrow(0, 0, 3).contiguous(); // uint8 [3, 1, 28, 28]
        QVERIFY(images.scalar_type() == torch::kUInt8);
        QStringList files;
        for (int i = 0; i < 3; ++i) {
            const auto img = images[i][0].contiguous();
            QImage q(img.data_ptr<uint8_t>(), 28, 28, 28, QImage::Format_Grayscale8);
            files << dir.path() + QStringLiteral("/img%1.png").arg(i);
            QVERIFY(q.save(files.back()));
        }
        QImage big(56, 56, QImage::Format_RGB888);
        const auto first = images[0][0];
        for (int y = 0; y < 56; ++y)
            for (int x = 0; x < 56; ++x) {
                const int v = first[y / 2][x / 2].item<uint8_t>();
                big.setPixel(x, y, qRgb(v, v, v));
            }
        files << dir.path() + QStringLiteral("/big-rgb.png");
        QVERIFY(big.save(files.back()));

        const QString fromFiles = dir.path() + QStringLiteral("/files.csv");
        const QString fromData = dir.path() + QStringLiteral("/data.csv");
        Result r =
            run(QStringList{QStringLiteral("predict"), QStringLiteral("--model"), demo, QStringLiteral("--threads"),
                            QStringLiteral("1"), QStringLiteral("--out"), fromFiles} +
                files);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = run({QStringLiteral("predict"), QStringLiteral("--model"), demo, QStringLiteral("--count"),
                 QStringLiteral("3"), QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--out"),
                 fromData});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto a = readPredictions(fromFiles);
        const auto b = readPredictions(fromData);
        QCOMPARE(a.size(), 4);
        QCOMPARE(b.size(), 3);
        QVERIFY(a[0].input.endsWith(QStringLiteral("img0.png")));
        for (int i = 0; i < 4; ++i) {
            const Row &ref = b[i == 3 ? 0 : i];
            QCOMPARE(a[i].logits.size(), 10);
            QCOMPARE(a[i].predicted, ref.predicted);
            for (int c = 0; c < 10; ++c)
                QVERIFY2(std::abs(a[i].logits[c] - ref.logits[c]) < 1e-4 * (1 + std::abs(ref.logits[c])),
                         qPrintable(QStringLiteral("image %1 logit %2: %3 vs %4")
                                        .arg(i)
                                        .arg(c)
                                        .arg(a[i].logits[c])
                                        .arg(ref.logits[c])));
        }
        // The demo model gets these three right (their labels are in the data set).
        const auto labels = test.labels(torch::arange(3, torch::kLong));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(int64_t(a[i].predicted), labels[i].item<int64_t>());

        // A file that is not an image: a clear error naming it, no CSV.
        QFile bad(dir.path() + QStringLiteral("/notes.png"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not an image");
        bad.close();
        const QString badOut = dir.path() + QStringLiteral("/bad.csv");
        r = run({QStringLiteral("predict"), QStringLiteral("--model"), demo, files[0], bad.fileName(),
                 QStringLiteral("--out"), badOut});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(bad.fileName()), qPrintable(r.err));
        QVERIFY(!QFile::exists(badOut));
    }

    void exitCodes_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mustContain"); // in stdout or stderr

        QTest::newRow("no command") << QStringList{} << 2 << QStringLiteral("Usage: quantlens-cli");
        QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << 0 << QStringLiteral("Commands:");
        QTest::newRow("--version") << QStringList{QStringLiteral("--version")} << 0
                                   << QStringLiteral("quantlens-cli 0.");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << 2
                                         << QStringLiteral("unknown command 'frobnicate'");
        QTest::newRow("unknown flag") << QStringList{QStringLiteral("info"), QStringLiteral("--bogus")} << 2
                                      << QStringLiteral("unknown option --bogus");
        QTest::newRow("flag missing its value") << QStringList{QStringLiteral("info"), QStringLiteral("--threads")} << 2
                                                << QStringLiteral("--threads needs a value");
        QTest::newRow("non-numeric value")
            << QStringList{QStringLiteral("info"), QStringLiteral("--threads"), QStringLiteral("many")} << 2
            << QStringLiteral("expects a whole number");
        QTest::newRow("info --help") << QStringList{QStringLiteral("info"), QStringLiteral("--help")} << 0
                                     << QStringLiteral("Usage: quantlens-cli info");
        QTest::newRow("help info") << QStringList{QStringLiteral("help"), QStringLiteral("info")} << 0
                                   << QStringLiteral("Usage: quantlens-cli info");
        QTest::newRow("cuda absent or present")
            << QStringList{QStringLiteral("info"), QStringLiteral("--device"), QStringLiteral("tpu")} << 1
            << QStringLiteral("Unknown device 'tpu'");
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
        QVERIFY(r.out.contains(QStringLiteral("device    CPU (1 threads)")) ||
                r.out.contains(QStringLiteral("(CUDA)")));
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

QL_TEST(TestCli)
#include "tst_cli.moc"
