// Reading JSON users hand over: nesting depth (the hostile 100,000-deep config), integers out
// of range, wrong types and oversized files are errors naming the file, never a crash or a
// silent truncation.
#include "core/common/json_io.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace hostile = ql::test::hostile;
using namespace ql::core;

class TestJsonIo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void deepNestingIsAnErrorNamingTheFile()
    {
        const auto path = hostile::dataDir() / "config_deep_nesting.json";
        const auto msg =
            hostile::errorText([&] { parseJson(readTextFile(path, "Config file"), "Config", path.string()); });
        QVERIFY2(hostile::has(msg, "config_deep_nesting.json") && hostile::has(msg, "256 levels"), msg.c_str());
        // 256 levels are fine, 257 are not; brackets inside strings do not count.
        const std::string ok = std::string(256, '[') + std::string(256, ']');
        QVERIFY(parseJson(ok, "Config", "ok.json").is_array());
        QVERIFY(
            hostile::has(hostile::errorText([&] { parseJson("[" + ok + "]", "Config", "deep.json"); }), "deep.json"));
        QVERIFY(parseJson("{\"a\": \"[[[[[[\\\"]]]]\"}", "Config", "s.json").is_object());
    }

    void integersOutOfRangeAreRejected_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("2^32 + 3") << QStringLiteral(R"({"n": 4294967299})") << QStringLiteral("out of range");
        QTest::newRow("negative") << QStringLiteral(R"({"n": -4294967292})") << QStringLiteral("out of range");
        QTest::newRow("2^64 - 1") << QStringLiteral(R"({"n": 18446744073709551615})") << QStringLiteral("out of range");
        QTest::newRow("float") << QStringLiteral(R"({"n": 4.5})") << QStringLiteral("whole number");
        QTest::newRow("string") << QStringLiteral(R"({"n": "4"})") << QStringLiteral("whole number");
        QTest::newRow("fine") << QStringLiteral(R"({"n": 7})") << QString();
    }

    void integersOutOfRangeAreRejected()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        const auto j = nlohmann::json::parse(json.toStdString());
        const auto msg = hostile::errorText([&] { jsonInteger(j, "n", 0, 100, 0, "File 'x.json'"); });
        if (expected.isEmpty()) {
            QCOMPARE(msg, std::string("NO ERROR"));
            QCOMPARE(jsonInteger(j, "n", 0, 100, 0, "x"), int64_t(7));
        } else {
            QVERIFY2(hostile::has(msg, "x.json") && hostile::has(msg, "\"n\"") &&
                         hostile::has(msg, expected.toStdString()),
                     msg.c_str());
        }
    }

    void typesAreChecked()
    {
        const auto j = nlohmann::json::parse(R"({"b": 1, "s": 2, "f": "x", "ok": true})");
        QVERIFY(hostile::has(hostile::errorText([&] { jsonBool(j, "b", false, "F 'a.json'"); }), "true or false"));
        QVERIFY(hostile::has(hostile::errorText([&] { jsonString(j, "s", "", "F 'a.json'"); }), "a.json"));
        QVERIFY(hostile::has(hostile::errorText([&] { jsonNumber(j, "f", 0, "F 'a.json'"); }), "a number"));
        QVERIFY(hostile::has(hostile::errorText([&] { jsonRequired(j, "missing", "F 'a.json'"); }), "missing"));
        QVERIFY(jsonBool(j, "ok", false, "F"));
        QCOMPARE(jsonString(j, "absent", "fallback", "F"), std::string("fallback"));
        const auto notObject = nlohmann::json::parse("[1]");
        QVERIFY(hostile::has(hostile::errorText([&] { jsonBool(notObject, "b", false, "F 'a.json'"); }), "object"));
    }

    void oversizedAndMissingFilesAreErrors()
    {
        QTemporaryDir dir;
        const auto big = std::filesystem::path(dir.path().toStdString()) / "big.json";
        {
            std::ofstream out(big);
            out << std::string(2048, ' ');
        }
        QVERIFY(hostile::has(hostile::errorText([&] { readTextFile(big, "Config file", 1024); }), "big.json"));
        QVERIFY(hostile::has(hostile::errorText([&] { readTextFile(big.parent_path() / "none.json", "Session"); }),
                             "does not exist"));
        QVERIFY(hostile::has(hostile::errorText([&] { readTextFile(big.parent_path(), "Session"); }), "regular file"));
        QVERIFY(hostile::has(hostile::errorText([&] { parseJson("{oops", "Session", "bad.qls"); }), "bad.qls"));
    }
};

QL_TEST(TestJsonIo)
#include "tst_json_io.moc"
