// The histogram view: one level line per representable value, the clipped mass
// written out, unused integer codes counted, the tensor and log-scale toggles.
#include "tests/support/testmain.h"
#include "widgets/histogramview.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>

using ql::types::LayerSnapshot;
using ql::types::TensorQuantStats;
using ql::ui::HistogramView;

namespace {

// A b-bit uniform quantizer's statistics with the levels left for the view to derive.
TensorQuantStats uniformStats(int bits, bool isSigned, double step)
{
    TensorQuantStats s;
    s.valid = true;
    s.step = step;
    s.codeLo = isSigned ? -(int64_t(1) << (bits - 1)) : 0;
    s.codeCounts.assign(size_t(1) << bits, 1.0);
    s.clipLo = double(s.codeLo) * step;
    s.clipHi = double(s.codeLo + (int64_t(1) << bits) - 1) * step;
    s.values.lo = s.clipLo - step;
    s.values.hi = s.clipHi + step;
    s.values.counts.assign(50, 10.0);
    return s;
}

// Signed 4 bits over three channels with steps 0.1, 0.2, 0.4; channel 1 shown.
TensorQuantStats perChannelStats()
{
    TensorQuantStats s = uniformStats(4, true, 0.2);
    s.channels = 3;
    s.shownChannel = 1;
    s.step = (0.1 + 0.2 + 0.4) / 3; // the mean, which must not be used for the levels
    s.stepPerChannel = {0.1, 0.2, 0.4};
    s.clipLoMin = -3.2;
    s.clipLoMax = -0.8;
    s.clipHiMin = 0.7;
    s.clipHiMax = 2.8;
    return s;
}

std::shared_ptr<const LayerSnapshot> snapshotOf(const TensorQuantStats &w, const TensorQuantStats &a = {})
{
    auto s = std::make_shared<LayerSnapshot>();
    s->layer = "layer1.0.conv1";
    s->step = 100;
    s->weight = w;
    s->activation = a;
    return s;
}

} // namespace

class TestHistogramView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void levelLinesPerBits_data()
    {
        QTest::addColumn<int>("bits");
        QTest::addColumn<bool>("isSigned");
        QTest::newRow("unsigned 2") << 2 << false;
        QTest::newRow("unsigned 3") << 3 << false;
        QTest::newRow("unsigned 4") << 4 << false;
        QTest::newRow("signed 4") << 4 << true;
        QTest::newRow("unsigned 8") << 8 << false;
    }
    void levelLinesPerBits()
    {
        QFETCH(int, bits);
        QFETCH(bool, isSigned);
        HistogramView view;
        view.setSnapshot(snapshotOf(uniformStats(bits, isSigned, 0.1)));
        QCOMPARE(view.levelCount(), 1 << bits);
        QCOMPARE(view.levelLineCount(), 1 << bits);
        // The lines are plot items: 2^b levels plus the two clipping-range lines.
        QCOMPARE(view.plots().at(0)->itemCount() - 2 /*shading*/ - 2 /*clip lines*/, 1 << bits);
        // Up to 64 levels as full-height lines; more (8 bits) as short ticks along the bottom,
        // which leave the distribution visible.
        const QCustomPlot *plot = view.plots().at(0);
        int full = 0, ticks = 0;
        for (int i = 0; i < plot->itemCount(); ++i) {
            if (qobject_cast<QCPItemStraightLine *>(plot->item(i)))
                ++full;
            if (auto *t = qobject_cast<QCPItemLine *>(plot->item(i))) {
                ++ticks;
                QVERIFY(t->start->coords().y() - t->end->coords().y() < 0.1); // short, in axis-rect ratio
            }
        }
        const bool comb = (1 << bits) > 64;
        QCOMPARE(view.levelsAsComb(), comb);
        QCOMPARE(full - 2, comb ? 0 : 1 << bits);
        QCOMPARE(ticks, comb ? 1 << bits : 0);
    }

    void explicitLevelsWin()
    {
        // POT at 3 bits as in the papers: 2^b + 1 = 9 levels, given explicitly.
        TensorQuantStats s = uniformStats(3, true, 0.1);
        s.levels = {-1, -0.5, -0.25, -0.125, 0, 0.125, 0.25, 0.5, 1};
        HistogramView view;
        view.setSnapshot(snapshotOf(s));
        QCOMPARE(view.levelLineCount(), 9);
    }

    void perChannelDrawsTheShownChannel()
    {
        // Three channels with steps 0.1, 0.2, 0.4; channel 1 is shown: its 16 levels at
        // multiples of 0.2, its clip range, and two hatched bands for the other channels' limits.
        HistogramView view;
        view.setSnapshot(snapshotOf(perChannelStats()));
        QCOMPARE(view.levelLineCount(), 16);
        const QCustomPlot *plot = view.plots().at(0);
        std::vector<double> xs;
        int bands = 0;
        for (int i = 0; i < plot->itemCount(); ++i) {
            if (auto *l = qobject_cast<QCPItemStraightLine *>(plot->item(i)))
                xs.push_back(l->point1->coords().x());
            if (auto *r = qobject_cast<QCPItemRect *>(plot->item(i)); r && r->brush().style() == Qt::BDiagPattern)
                ++bands;
        }
        QCOMPARE(bands, 2);
        std::sort(xs.begin(), xs.end());
        QCOMPARE(xs.size(), size_t(18)); // 16 levels + 2 clip lines at -1.6 and 1.4
        QVERIFY(std::abs(xs.front() + 1.6) < 1e-9);
        QVERIFY(std::abs(xs.back() - 1.4) < 1e-9);
        for (double x : xs)
            QVERIFY2(std::abs(x / 0.2 - std::round(x / 0.2)) < 1e-9, qPrintable(QString::number(x)));
        // The x axis takes in the widest channel's range.
        QVERIFY(plot->xAxis->range().lower <= -3.2);
        QVERIFY(plot->xAxis->range().upper >= 2.8);
        bool named = false;
        for (int i = 0; i < plot->legend->itemCount(); ++i)
            if (auto *item = qobject_cast<QCPPlottableLegendItem *>(plot->legend->item(i)); item && item->plottable())
                named = named || item->plottable()->name().contains(QStringLiteral("channel 1 of 3"));
        QVERIFY(named);
    }

    void legendEntriesAreNeverCut_data()
    {
        QTest::addColumn<int>("width");
        for (int w : {420, 700, 900, 1300, 1800})
            QTest::newRow(qPrintable(QString::number(w))) << w;
    }
    void legendEntriesAreNeverCut()
    {
        // The per-channel legend has long entries: at any width that can hold an entry it gets
        // the room its text needs (fewer columns), and the legend stays inside the plot.
        QFETCH(int, width);
        HistogramView view;
        view.resize(width, 520);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setSnapshot(snapshotOf(perChannelStats()));
        for (QCustomPlot *plot : view.plots()) {
            plot->replot(QCustomPlot::rpImmediateRefresh);
            int entries = 0;
            for (int i = 0; i < plot->legend->itemCount(); ++i) {
                const QCPAbstractLegendItem *item = plot->legend->item(i);
                if (!item)
                    continue; // an empty cell of the legend's grid
                ++entries;
                const int needed = item->minimumOuterSizeHint().width();
                if (plot->width() < needed + 16)
                    continue; // a plot narrower than the entry cannot show it whole
                QVERIFY2(item->outerRect().width() >= item->minimumOuterSizeHint().width(),
                         qPrintable(QStringLiteral("entry %1: %2 px of %3 needed")
                                        .arg(i)
                                        .arg(item->outerRect().width())
                                        .arg(item->minimumOuterSizeHint().width())));
                QVERIFY(item->outerRect().right() <= plot->width());
            }
            QVERIFY(entries >= 2);
        }
    }

    void denseGridsAreNotDrawn()
    {
        HistogramView view;
        view.setSnapshot(snapshotOf(uniformStats(12, false, 0.001)));
        QCOMPARE(view.levelCount(), 4096);
        QCOMPARE(view.levelLineCount(), 0);
    }

    void clippedMassText()
    {
        TensorQuantStats s = uniformStats(4, false, 0.1);
        s.clippedLow = 0.0123;
        s.clippedHigh = 0.25;
        HistogramView view;
        view.setSnapshot(snapshotOf(s));
        QVERIFY2(view.clippedLowText().contains(QStringLiteral("1.23 %")), qPrintable(view.clippedLowText()));
        QVERIFY2(view.clippedHighText().contains(QStringLiteral("25.00 %")), qPrintable(view.clippedHighText()));
    }

    void unusedCodesCounted()
    {
        // ASQ Fig. 4: LSQ at 2 bits may use only 3 of its 4 levels.
        TensorQuantStats s = uniformStats(2, true, 0.1);
        s.codeCounts = {0, 40, 100, 35};
        HistogramView view;
        view.setSnapshot(snapshotOf(s));
        QCOMPARE(view.usedCodeCount(), 3);
        QCOMPARE(view.unusedCodeCount(), 1);
        // The unused code is marked at its integer position, -2.
        auto *marks = view.plots().at(1)->graph(0);
        QVERIFY(marks);
        QCOMPARE(marks->data()->size(), 1);
        QCOMPARE(marks->data()->begin()->key, -2.0);
    }

    void tensorToggle()
    {
        HistogramView view;
        view.setSnapshot(snapshotOf(uniformStats(2, true, 0.1), uniformStats(5, false, 0.1)));
        QSignalSpy spy(&view, &HistogramView::tensorChanged);
        QCOMPARE(view.levelLineCount(), 4);
        auto *box = view.findChild<QComboBox *>();
        QVERIFY(box);
        box->setCurrentIndex(1); // what a user click does
        QCOMPARE(spy.count(), 1);
        QCOMPARE(view.tensor(), HistogramView::Tensor::Activation);
        QCOMPARE(view.levelLineCount(), 32);
    }

    void logScaleToggle()
    {
        HistogramView view;
        view.setSnapshot(snapshotOf(uniformStats(3, false, 0.1)));
        QCOMPARE(view.plots().at(0)->yAxis->scaleType(), QCPAxis::stLinear);
        view.setLogScale(true);
        QCOMPARE(view.plots().at(0)->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QCOMPARE(view.plots().at(1)->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QCOMPARE(view.levelLineCount(), 8); // redrawn, not lost
    }

    void nonFiniteStatisticsStayDrawable()
    {
        // A diverged run: NaN range, infinite counts, a NaN level and clip bound.
        TensorQuantStats s = uniformStats(2, true, 0.1);
        s.values.lo = std::nan("");
        s.values.counts[3] = std::numeric_limits<double>::infinity();
        s.levels = {-0.2, std::nan(""), 0.0, 0.1};
        s.clipHi = std::numeric_limits<double>::infinity();
        s.clippedLow = std::nan("");
        HistogramView view;
        view.setSnapshot(snapshotOf(s));
        QCOMPARE(view.levelLineCount(), 3); // only the finite levels
        const QCPRange x = view.plots().at(0)->xAxis->range();
        QVERIFY(std::isfinite(x.lower) && std::isfinite(x.upper) && x.upper > x.lower);
        QVERIFY(x.lower <= -0.2 && x.upper >= 0.1);
        QVERIFY(std::isfinite(view.plots().at(0)->yAxis->range().upper));
        QVERIFY(!view.clippedLowText().contains(QStringLiteral("nan"), Qt::CaseInsensitive));
        view.replotNow(); // paints without tripping over the bad values
    }

    void emptyWithoutStatistics()
    {
        HistogramView view;
        view.setSnapshot(snapshotOf(TensorQuantStats{}));
        QCOMPARE(view.levelLineCount(), 0);
        view.setSnapshot(nullptr);
        QCOMPARE(view.toCsv().count(QLatin1Char('\n')), 1); // header only
        QCOMPARE(view.emptyTitle(), QStringLiteral("No layer selected"));
    }

    void selectedLayerWithoutStatisticsIsNamed()
    {
        HistogramView view;
        view.setLayerWithoutStatistics(QStringLiteral("conv1"));
        QCOMPARE(view.emptyTitle(), QStringLiteral("conv1: no weight statistics yet"));
        QVERIFY(view.emptyHint().contains(QStringLiteral("weights")));
        view.setTensor(HistogramView::Tensor::Activation);
        QCOMPARE(view.emptyTitle(), QStringLiteral("conv1: no activation statistics yet"));
        QVERIFY(view.emptyHint().contains(QStringLiteral("activations")));
        // Statistics arrive: the plot replaces the empty state.
        view.setTensor(HistogramView::Tensor::Weight);
        view.setSnapshot(snapshotOf(uniformStats(3, true, 0.1)));
        QCOMPARE(view.emptyTitle(), QString());
        QCOMPARE(view.levelLineCount(), 8);
        // A snapshot of a layer whose weights are not quantized names that layer.
        view.setSnapshot(snapshotOf(TensorQuantStats{}));
        QCOMPARE(view.emptyTitle(), QStringLiteral("layer1.0.conv1: no weight statistics yet"));
    }
};

QL_TEST(TestHistogramView)
#include "tst_histogramview.moc"
