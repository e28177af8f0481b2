// Every file of tests/data/hostile through quantlens-cli, as a user would run it: a clear error
// naming the file (exit status 1), no crash, no abort, no backtrace; the unreadable images of
// an image folder counted, and listed with --verbose.
#include "tests/cli/cli_support.h"
#include "tests/support/testmain.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

namespace cli = ql::test::cli;
namespace hostile = ql::test::hostile;

class TestHostileFiles : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_data;
    static QString hostileFile(const char *name)
    {
        return QString::fromStdString((hostile::dataDir() / name).string());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.path() + QStringLiteral("/tiny-fashion");
        cli::writeTinyIdxData(m_data.toStdString(), 20, /*blank=*/false);
    }

    void hostileModelsAreCleanErrors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("says");
        QTest::newRow("offset near INT64_MAX")
            << QStringLiteral("oob_read_before_storage.pth") << QStringLiteral("storage");
        QTest::newRow("wild pointer") << QStringLiteral("oob_wild_pointer_segv.pth") << QStringLiteral("storage");
        QTest::newRow("deep tuple") << QStringLiteral("deep_tuple_100000.pth") << QStringLiteral("256");
        QTest::newRow("amplifying pickle") << QStringLiteral("amplify_58KB.pth") << QStringLiteral("compressed");
        QTest::newRow("moved central directory")
            << QStringLiteral("crc_not_checked_cd_offset.pth") << QStringLiteral("corrupt");
    }

    void hostileModelsAreCleanErrors()
    {
        QFETCH(QString, file);
        QFETCH(QString, says);
        const QString path = hostileFile(file.toUtf8().constData());
        const auto r = cli::run({QStringLiteral("eval"), QStringLiteral("--model"), path, QStringLiteral("--data"),
                                 m_data, QStringLiteral("--threads"), QStringLiteral("1")});
        cli::checkCleanFailure(r, path, says);
    }

    void hostileConfigsAreCleanErrors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("says");
        QTest::newRow("bits 4294967299") << QStringLiteral("config_bits_4294967299.json")
                                         << QStringLiteral("out of range");
        QTest::newRow("100,000 nested brackets")
            << QStringLiteral("config_deep_nesting.json") << QStringLiteral("256 levels");
    }

    void hostileConfigsAreCleanErrors()
    {
        QFETCH(QString, file);
        QFETCH(QString, says);
        const QString path = hostileFile(file.toUtf8().constData());
        const auto r =
            cli::run({QStringLiteral("ptq"), QStringLiteral("--model"), cli::demoModel(), QStringLiteral("--data"),
                      m_data, QStringLiteral("--config"), path, QStringLiteral("--calib"), QStringLiteral("8"),
                      QStringLiteral("--threads"), QStringLiteral("1")});
        cli::checkCleanFailure(r, path, says);
    }

    void hostileSessionIsACleanError()
    {
        const QString path = QString::fromStdString((hostile::dataDir() / "sess_deep" / "s.qls").string());
        const auto r = cli::run({QStringLiteral("eval"), QStringLiteral("--session"), path, QStringLiteral("--data"),
                                 m_data, QStringLiteral("--threads"), QStringLiteral("1")});
        cli::checkCleanFailure(r, path, QStringLiteral("256 levels"));
    }

    void gzipBombIsACleanError()
    {
        // The folder holds the test split only; eval opens both, so the bomb stands for both.
        const QString bomb = QString::fromStdString((hostile::dataDir() / "gz_bomb").string());
        const QString dir = m_dir.path() + QStringLiteral("/gz_bomb");
        QVERIFY(QDir().mkpath(dir));
        for (const QString &prefix : {QStringLiteral("train"), QStringLiteral("t10k")}) {
            QVERIFY(QFile::copy(bomb + QStringLiteral("/t10k-images-idx3-ubyte.gz"),
                                dir + QStringLiteral("/%1-images-idx3-ubyte.gz").arg(prefix)));
            QVERIFY(QFile::copy(bomb + QStringLiteral("/t10k-labels-idx1-ubyte"),
                                dir + QStringLiteral("/%1-labels-idx1-ubyte").arg(prefix)));
        }
        const auto r = cli::run({QStringLiteral("eval"), QStringLiteral("--model"), cli::demoModel(),
                                 QStringLiteral("--data"), dir, QStringLiteral("--threads"), QStringLiteral("1")});
        cli::checkCleanFailure(r, QStringLiteral("-images-idx3-ubyte.gz"));
    }

    void unreadableImagesAreCountedAndListed()
    {
        const QString dir = QString::fromStdString((hostile::dataDir() / "img_silent_skip").string());
        const QStringList train{
            QStringLiteral("train"),     QStringLiteral("--data"),  dir,
            QStringLiteral("--epochs"),  QStringLiteral("1"),       QStringLiteral("--steps-per-epoch"),
            QStringLiteral("1"),         QStringLiteral("--batch"), QStringLiteral("4"),
            QStringLiteral("--workers"), QStringLiteral("0"),       QStringLiteral("--threads"),
            QStringLiteral("1"),         QStringLiteral("--out"),   m_dir.path() + QStringLiteral("/img.pth")};
        auto r = cli::run(train);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("1 image file of")) && r.err.contains(QStringLiteral("--verbose")) &&
                     !r.err.contains(QStringLiteral("bad.png")),
                 qPrintable(r.err));
        r = cli::run(train + QStringList{QStringLiteral("--verbose")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("bad.png")), qPrintable(r.err));
    }

    void modelThatDoesNotFitTheDataIsOneClearMessage()
    {
        // A CIFAR-10 folder (3x32x32) for the 1x28x28 demo model: one sentence, no libtorch trace.
        const QString dir = m_dir.path() + QStringLiteral("/cifar");
        QDir().mkpath(dir);
        std::string record(3073, '\x10');
        record[0] = 3;
        for (const char *name : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                                 "data_batch_5.bin", "test_batch.bin"})
            std::ofstream(QString(dir + QLatin1Char('/') + QLatin1String(name)).toStdString(), std::ios::binary)
                << record;
        const auto r = cli::run({QStringLiteral("eval"), QStringLiteral("--model"), cli::demoModel(),
                                 QStringLiteral("--data"), dir, QStringLiteral("--threads"), QStringLiteral("1")});
        cli::checkCleanFailure(r, cli::demoModel(), QStringLiteral("3-channel images"));
        // The wrong architecture for the weights: the names that do not fit, listed.
        const auto arch = cli::run({QStringLiteral("eval"), QStringLiteral("--model"), cli::demoModel(),
                                    QStringLiteral("--arch"), QStringLiteral("resnet20"), QStringLiteral("--data"),
                                    m_data, QStringLiteral("--threads"), QStringLiteral("1")});
        cli::checkCleanFailure(arch, cli::demoModel(), QStringLiteral("Missing from the file"));
    }
};

QL_TEST(TestHostileFiles)
#include "tst_hostile_files.moc"
