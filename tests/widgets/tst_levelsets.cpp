// Level sets of the levels view against the formulas of QUANTIZERS.md,
// computed here independently (hand-listed for small bit-widths).
#include "widgets/levelsets.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>

using ql::ui::levels::PotVariant;

namespace {

using Levels = std::vector<double>;

void compareLevels(const Levels &got, const Levels &want)
{
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        if (std::abs(got[i] - want[i]) > 1e-12)
            QFAIL(qPrintable(QStringLiteral("level %1: got %2, want %3").arg(i).arg(got[i], 0, 'g', 17).arg(want[i], 0, 'g', 17)));
    }
}

Levels symmetric(const Levels &magnitudes, double scale)
{
    std::set<double> s;
    for (double m : magnitudes) {
        s.insert(m / scale);
        s.insert(-m / scale);
    }
    return Levels(s.begin(), s.end());
}

} // namespace

class TestLevelSets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void integerRange_data()
    {
        QTest::addColumn<int>("bits");
        QTest::addColumn<bool>("isSigned");
        QTest::addColumn<bool>("narrow");
        QTest::addColumn<qlonglong>("lo");
        QTest::addColumn<qlonglong>("hi");
        QTest::newRow("u3") << 3 << false << false << 0LL << 7LL;
        QTest::newRow("u4") << 4 << false << false << 0LL << 15LL;
        QTest::newRow("s3") << 3 << true << false << -4LL << 3LL;
        QTest::newRow("s5") << 5 << true << false << -16LL << 15LL;
        QTest::newRow("s4 narrow") << 4 << true << true << -7LL << 7LL;
        QTest::newRow("u8") << 8 << false << false << 0LL << 255LL;
    }
    void integerRange()
    {
        QFETCH(int, bits);
        QFETCH(bool, isSigned);
        QFETCH(bool, narrow);
        QFETCH(qlonglong, lo);
        QFETCH(qlonglong, hi);
        const auto r = ql::ui::levels::integerRange(bits, isSigned, narrow);
        QCOMPARE(r.lo, lo);
        QCOMPARE(r.hi, hi);
    }

    void uniform_data()
    {
        QTest::addColumn<int>("bits");
        QTest::addColumn<bool>("isSigned");
        QTest::addColumn<double>("step");
        QTest::addColumn<Levels>("expected");
        QTest::newRow("u3 s=0.5") << 3 << false << 0.5 << Levels{0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5};
        QTest::newRow("s3 s=0.25") << 3 << true << 0.25 << Levels{-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75};
        QTest::newRow("u2 s=1") << 2 << false << 1.0 << Levels{0, 1, 2, 3};
    }
    void uniform()
    {
        QFETCH(int, bits);
        QFETCH(bool, isSigned);
        QFETCH(double, step);
        QFETCH(Levels, expected);
        compareLevels(ql::ui::levels::uniformLevels(bits, isSigned, false, step), expected);
    }

    void uniformSymmetric_data()
    {
        QTest::addColumn<int>("bits");
        QTest::newRow("3") << 3;
        QTest::newRow("4") << 4;
        QTest::newRow("5") << 5;
    }
    void uniformSymmetric()
    {
        QFETCH(int, bits);
        const Levels got = ql::ui::levels::uniformSymmetricLevels(bits, 2.0);
        // Narrow signed range, p = 2^(b-1) - 1, step alpha / p: 2^b - 1 levels from -alpha to alpha.
        const int p = (1 << (bits - 1)) - 1;
        Levels want;
        for (int k = -p; k <= p; ++k)
            want.push_back(2.0 * k / p);
        QCOMPARE(int(got.size()), (1 << bits) - 1);
        compareLevels(got, want);
    }

    void pot_data()
    {
        QTest::addColumn<int>("bits");
        QTest::addColumn<int>("variant");
        QTest::addColumn<double>("base");
        QTest::addColumn<Levels>("expected");
        const double r = std::sqrt(2.0);
        // POT, Eq. 3: alpha * {0, +-2^-(2^(b-1)-1), ..., +-1}.
        QTest::newRow("pot 3 paper") << 3 << 0 << 2.0 << Levels{-1, -0.5, -0.25, -0.125, 0, 0.125, 0.25, 0.5, 1};
        QTest::newRow("pot 3 strict") << 3 << 1 << 2.0 << Levels{-1, -0.5, -0.25, 0, 0.25, 0.5, 1};
        // POST, Eq. 17: the same with base sqrt(2).
        QTest::newRow("post 3 paper") << 3 << 0 << r
                                      << Levels{-1, -1 / r, -0.5, -0.5 / r, 0, 0.5 / r, 0.5, 1 / r, 1};
        QTest::newRow("post 3 strict") << 3 << 1 << r << Levels{-1, -1 / r, -0.5, 0, 0.5, 1 / r, 1};
        for (int bits : {4, 5}) {
            for (double base : {2.0, r}) {
                for (int variant : {0, 1}) {
                    const int m = 1 << (bits - 1);
                    Levels mags{0};
                    for (int e = variant; e < m; ++e)
                        mags.push_back(std::pow(base, -double(m - 1 - e)));
                    QTest::addRow("%s %d %s", base == 2.0 ? "pot" : "post", bits, variant ? "strict" : "paper")
                        << bits << variant << base << symmetric(mags, 1.0);
                }
            }
        }
    }
    void pot()
    {
        QFETCH(int, bits);
        QFETCH(int, variant);
        QFETCH(double, base);
        QFETCH(Levels, expected);
        const auto v = variant ? PotVariant::Strict : PotVariant::Paper;
        const Levels got = base == 2.0 ? ql::ui::levels::potLevels(bits, v) : ql::ui::levels::postLevels(bits, v);
        QCOMPARE(int(got.size()), variant ? (1 << bits) - 1 : (1 << bits) + 1);
        compareLevels(got, expected);
        // alpha scales every level.
        const Levels scaled = base == 2.0 ? ql::ui::levels::potLevels(bits, v, 0.5) : ql::ui::levels::postLevels(bits, v, 0.5);
        QCOMPARE(scaled.size(), got.size());
        QVERIFY(std::abs(scaled.back() - 0.5) < 1e-12);
    }

    void apot_data()
    {
        QTest::addColumn<int>("bits");
        QTest::addColumn<Levels>("expected");
        // 3 bits: one term {0, 1, 1/2, 1/4}, signed.
        QTest::newRow("3") << 3 << Levels{-1, -0.5, -0.25, 0, 0.25, 0.5, 1};
        // 4 bits: the authors' split of 3 magnitude bits, terms {0, 1/2, 1/4, 1/16} and {0, 1/8}:
        // sums {0, 1/16, 1/8, 3/16, 1/4, 3/8, 1/2, 5/8}, divided by 5/8.
        QTest::newRow("4") << 4
                           << Levels{-1, -0.8, -0.6, -0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1};
        // 5 bits: QUANTIZERS.md with k = 2, n = 2: p0 in {0, 1, 2^-2, 2^-4}, p1 in {0, 2^-1, 2^-3, 2^-5}.
        Levels sums;
        for (double a : {0.0, 1.0, 0.25, 0.0625})
            for (double b : {0.0, 0.5, 0.125, 0.03125})
                sums.push_back(a + b);
        QTest::newRow("5") << 5 << symmetric(sums, 1.5);
    }
    void apot()
    {
        QFETCH(int, bits);
        QFETCH(Levels, expected);
        const Levels got = ql::ui::levels::apotLevels(bits);
        // b - 1 magnitude bits: 2^(b-1) magnitudes, zero shared by both signs.
        QCOMPARE(int(got.size()), (1 << bits) - 1);
        compareLevels(got, expected);
    }

    void apotUndefined()
    {
        QVERIFY(ql::ui::levels::apotLevels(2).empty());
        QVERIFY(ql::ui::levels::apotLevels(8).empty()); // 7 magnitude bits: no split in the paper
        QVERIFY(ql::ui::levels::potLevels(1).empty());
        QVERIFY(ql::ui::levels::uniformLevels(17, false, false, 1.0).empty());
    }
};

QTEST_MAIN(TestLevelSets)
#include "tst_levelsets.moc"
