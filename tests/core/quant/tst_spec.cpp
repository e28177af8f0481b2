// QuantSpec JSON round trip, method names, integer ranges, labels, the factory
// and the error messages for bad settings.
#include "core/common/error.h"
#include "core/quant/quantizer.h"
#include "tests/support/testmain.h"

#include "helpers.h"

#include <torch/torch.h>

#include <QtTest/QtTest>

namespace ql::core::quant {

class TestQuantSpec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void intRanges_data();
    void intRanges();
    void methodNames();
    void roundTrip_data();
    void roundTrip();
    void defaultsWhenMissing();
    void badJson_data();
    void badJson();
    void labels();
    void factory();
    void factoryErrors();
};

void TestQuantSpec::intRanges_data()
{
    QTest::addColumn<int>("bits");
    QTest::addColumn<bool>("isSigned");
    QTest::addColumn<bool>("narrow");
    QTest::addColumn<qint64>("lo");
    QTest::addColumn<qint64>("hi");
    QTest::newRow("2 unsigned") << 2 << false << false << qint64(0) << qint64(3);
    QTest::newRow("2 signed") << 2 << true << false << qint64(-2) << qint64(1);
    QTest::newRow("2 narrow") << 2 << true << true << qint64(-1) << qint64(1);
    QTest::newRow("4 signed") << 4 << true << false << qint64(-8) << qint64(7);
    QTest::newRow("8 unsigned") << 8 << false << false << qint64(0) << qint64(255);
    QTest::newRow("8 narrow") << 8 << true << true << qint64(-127) << qint64(127);
    QTest::newRow("16 signed") << 16 << true << false << qint64(-32768) << qint64(32767);
    QTest::newRow("narrow ignored unsigned") << 3 << false << true << qint64(0) << qint64(7);
}

void TestQuantSpec::intRanges()
{
    QFETCH(int, bits);
    QFETCH(bool, isSigned);
    QFETCH(bool, narrow);
    QFETCH(qint64, lo);
    QFETCH(qint64, hi);
    const IntRange r = intRange(bits, isSigned, narrow);
    QCOMPARE(r.lo, lo);
    QCOMPARE(r.hi, hi);
}

void TestQuantSpec::methodNames()
{
    const std::vector<std::pair<Method, std::string>> all{
        {Method::None, "none"},     {Method::Lsq, "lsq"},
        {Method::LsqPlus, "lsq+"},  {Method::Asq, "asq"},
        {Method::Pot, "pot"},       {Method::Post, "post"},
        {Method::Apot, "apot"},     {Method::Pact, "pact"},
        {Method::MinMax, "minmax"}, {Method::Percentile, "percentile"},
        {Method::Mse, "mse"},       {Method::Multipoint, "multipoint"}};
    for (const auto &[m, name] : all) {
        QCOMPARE(methodName(m), name);
        QVERIFY(methodFromName(name) == m);
    }
    QL_EXPECT_ERROR(methodFromName("lsqq"), "lsqq");
    try {
        methodFromName("bogus");
    } catch (const ql::core::Error &e) {
        QVERIFY(e.hint().find("multipoint") != std::string::npos); // the hint lists the valid names
    }
}

void TestQuantSpec::roundTrip_data()
{
    QTest::addColumn<int>("which");
    for (int i = 0; i < 6; ++i)
        QTest::newRow(qPrintable(QString::number(i))) << i;
}

void TestQuantSpec::roundTrip()
{
    QFETCH(int, which);
    QuantSpec s;
    switch (which) {
    case 0: break;
    case 1:
        s.method = Method::Lsq;
        s.bits = 2;
        s.isSigned = true;
        s.gradScale = GradScale::None;
        break;
    case 2:
        s.method = Method::LsqPlus;
        s.bits = 4;
        s.lsqPlusConfig = 3;
        s.init = InitMode::Mse;
        break;
    case 3:
        s.method = Method::Post;
        s.bits = 3;
        s.potVariant = PotVariant::Strict;
        s.perChannel = true;
        s.percentile = 99.0;
        break;
    case 4:
        s.method = Method::Multipoint;
        s.bits = 16;
        s.narrow = true;
        s.multipointBudget = 0.375;
        s.gradScale = GradScale::PerChannel;
        break;
    case 5:
        s.method = Method::Percentile;
        s.bits = 8;
        s.percentile = 99.99;
        s.init = InitMode::MinMax;
        break;
    }
    const std::string json = s.toJson();
    QVERIFY(QuantSpec::fromJson(json) == s);
    QVERIFY(json.find("\"method\":\"" + methodName(s.method) + "\"") != std::string::npos);
}

void TestQuantSpec::defaultsWhenMissing()
{
    const QuantSpec s = QuantSpec::fromJson(R"({"method": "asq", "bits": 3})");
    QVERIFY(s.method == Method::Asq);
    QCOMPARE(s.bits, 3);
    QuantSpec expected;
    expected.method = Method::Asq;
    expected.bits = 3;
    QVERIFY(s == expected);
}

void TestQuantSpec::badJson_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("needle");
    QTest::newRow("not json") << QStringLiteral("{method: lsq") << QStringLiteral("does not parse");
    QTest::newRow("array") << QStringLiteral("[1, 2]") << QStringLiteral("must be an object");
    QTest::newRow("bits too low") << QStringLiteral(R"({"method": "lsq", "bits": 1})") << QStringLiteral("bits = 1");
    QTest::newRow("bits too high") << QStringLiteral(R"({"method": "lsq+", "bits": 17})")
                                   << QStringLiteral("bits = 17");
    QTest::newRow("pot 9 bits") << QStringLiteral(R"({"method": "pot", "bits": 9, "signed": true})")
                                << QStringLiteral("2..8");
    QTest::newRow("bits a string") << QStringLiteral(R"({"bits": "4"})")
                                   << QStringLiteral("\"bits\" must be an integer");
    QTest::newRow("unknown method") << QStringLiteral(R"({"method": "lsqx"})") << QStringLiteral("lsqx");
    QTest::newRow("unknown field") << QStringLiteral(R"({"bitz": 4})") << QStringLiteral("\"bitz\"");
    QTest::newRow("bad enum") << QStringLiteral(R"({"gradScale": "global"})") << QStringLiteral("global");
    QTest::newRow("bad config") << QStringLiteral(R"({"method": "lsq+", "lsqPlusConfig": 0})")
                                << QStringLiteral("lsqPlusConfig = 0");
    QTest::newRow("bad percentile") << QStringLiteral(R"({"method": "percentile", "percentile": 120})")
                                    << QStringLiteral("percentile = 120");
    QTest::newRow("negative budget") << QStringLiteral(R"({"method": "multipoint", "multipointBudget": -1})")
                                     << QStringLiteral("multipointBudget = -1");
    QTest::newRow("signed not bool") << QStringLiteral(R"({"signed": 1})") << QStringLiteral("\"signed\"");
}

void TestQuantSpec::badJson()
{
    QFETCH(QString, json);
    QFETCH(QString, needle);
    const std::string n = needle.toStdString();
    QL_EXPECT_ERROR(QuantSpec::fromJson(json.toStdString()), n.c_str());
}

void TestQuantSpec::labels()
{
    QuantSpec s;
    QCOMPARE(s.label(), std::string("FP32"));
    s.method = Method::LsqPlus;
    s.bits = 4;
    s.lsqPlusConfig = 4;
    s.perChannel = true;
    QCOMPARE(s.label(), std::string("LSQ+ c4 4b per-channel"));
    s = QuantSpec{};
    s.method = Method::Pot;
    s.bits = 3;
    QCOMPARE(s.label(), std::string("POT 3b paper"));
    s.method = Method::Lsq;
    s.isSigned = true;
    QCOMPARE(s.label(), std::string("LSQ 3b signed"));
}

void TestQuantSpec::factory()
{
    const std::vector<std::pair<Method, Role>> cases{
        {Method::None, Role::Weight},           {Method::Lsq, Role::Weight},      {Method::LsqPlus, Role::Activation},
        {Method::Asq, Role::Activation},        {Method::Pot, Role::Weight},      {Method::Post, Role::Weight},
        {Method::Apot, Role::Weight},           {Method::Pact, Role::Activation}, {Method::MinMax, Role::Weight},
        {Method::Percentile, Role::Activation}, {Method::Mse, Role::Weight},      {Method::Multipoint, Role::Weight}};
    torch::manual_seed(1);
    const torch::Tensor w = torch::randn({8, 4, 3, 3});
    for (const auto &[m, role] : cases) {
        QuantSpec s;
        s.method = m;
        s.bits = 4;
        const Quantizer q = makeQuantizer(s, role, 8);
        QVERIFY(q != nullptr);
        QVERIFY(q->spec().method == s.method && q->spec().bits == s.bits);
        const torch::Tensor in = role == Role::Weight ? w : torch::relu(w.permute({1, 0, 2, 3}));
        q->init({in});
        const torch::Tensor out = q->forward(in);
        QCOMPARE(out.sizes(), in.sizes());
        if (m == Method::None) {
            QVERIFY(torch::equal(out, in));
        } else {
            // Fake quantization maps onto at most 16 levels per scale group (8 channels
            // or samples at most here): far fewer distinct values than the 288 inputs.
            const auto distinct = std::get<0>(torch::_unique(out.flatten())).numel();
            QVERIFY2(distinct <= 128 && distinct < std::get<0>(torch::_unique(in.flatten())).numel() / 2,
                     qPrintable(QString::fromStdString(methodName(m)) + QString::number(distinct)));
        }
    }
}

void TestQuantSpec::factoryErrors()
{
    QuantSpec s;
    s.method = Method::Asq;
    s.bits = 4;
    QL_EXPECT_ERROR(makeQuantizer(s, Role::Weight, 8), "asq", "activations only");
    s.method = Method::Multipoint;
    QL_EXPECT_ERROR(makeQuantizer(s, Role::Activation, 8), "multipoint", "weights only");
    s.method = Method::Lsq;
    s.bits = 0;
    QL_EXPECT_ERROR(makeQuantizer(s, Role::Weight, 8), "lsq", "bits = 0");
}

} // namespace ql::core::quant

QL_TEST(ql::core::quant::TestQuantSpec)
#include "tst_spec.moc"
