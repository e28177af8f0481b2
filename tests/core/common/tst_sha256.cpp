// SHA-256 against the FIPS 180-4 test vectors and Python's hashlib (session weights are named
// after it).
#include "core/common/sha256.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"

#include <QtTest>

class TestSha256 : public QObject {
    Q_OBJECT

    static std::string digest(const std::string &s, size_t chunk)
    {
        ql::core::Sha256 sha;
        for (size_t i = 0; i < s.size(); i += chunk)
            sha.update(s.data() + i, std::min(chunk, s.size() - i));
        return sha.hexFinish();
    }

private Q_SLOTS:
    void standardVectors_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray()
                               << QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        QTest::newRow("abc") << QByteArray("abc")
                             << QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        QTest::newRow("448 bits") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                  << QStringLiteral("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        QTest::newRow("a million a") << QByteArray(1000000, 'a')
                                     << QStringLiteral(
                                            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    void standardVectors()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, expected);
        const std::string s = input.toStdString();
        for (size_t chunk : {size_t(1), size_t(63), size_t(64), size_t(65), size_t(1) << 20})
            QCOMPARE(QString::fromStdString(digest(s, chunk)), expected);
    }

    void agreesWithPython()
    {
        std::string s;
        for (int i = 0; i < 1000; ++i)
            s.push_back(static_cast<char>((i * 131) & 0xff));
        QString out;
        const int rc = ql::test::hostile::runPython(
            QStringLiteral(
                "import hashlib\nprint(hashlib.sha256(bytes((i * 131) & 0xff for i in range(1000))).hexdigest())"),
            {}, &out);
        QVERIFY2(rc == 0, qPrintable(out));
        QCOMPARE(out.trimmed(), QString::fromStdString(digest(s, 100)));
    }
};

QL_TEST(TestSha256)
#include "tst_sha256.moc"
