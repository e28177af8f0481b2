// The plot views other than the histogram: each draws what it is given (one
// curve per configuration or layer, one cell per channel, shared axes) and says
// the numbers a reader needs.
#include "tests/support/testmain.h"
#include "widgets/compareview.h"
#include "widgets/errorview.h"
#include "widgets/levelsview.h"
#include "widgets/multipointmapview.h"
#include "widgets/offsetsview.h"
#include "widgets/trainingcurvesview.h"

#include <qcustomplot.h>

#include <QSpinBox>
#include <QTableWidget>
#include <QtTest>

using namespace ql; // test file: the types are short and unambiguous

class TestPlotViews : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void offsets()
    {
        ui::OffsetsView view;
        std::vector<std::shared_ptr<const types::LayerSnapshot>> snaps;
        for (int i = 0; i < 4; ++i) {
            auto s = std::make_shared<types::LayerSnapshot>();
            s->layer = "l" + std::to_string(i);
            s->activation.valid = i != 2; // one layer without activation statistics
            s->activation.step = 0.1 * (i + 1);
            s->activation.offset = -0.01 * i;
            snaps.push_back(s);
        }
        view.setSnapshots(snaps);
        QCOMPARE(view.barCount(), 3);
        auto *bars = qobject_cast<QCPBars *>(view.plots().at(0)->plottable(1));
        QVERIFY(bars);
        QCOMPARE(bars->data()->size(), 3);
        QCOMPARE((bars->data()->begin() + 2)->value, -0.03); // beta of l3, in layer order

        auto history = std::make_shared<ui::StepOffsetSeries>();
        (*history)["l0"] = {{0, 0.2, 0.0}, {100, 0.15, -0.02}, {200, 0.12, -0.03}};
        (*history)["l1"] = {{0, 0.3, 0.0}};
        view.setHistory(history);
        QCOMPARE(view.curveCount(), 0); // nothing selected yet
        view.setSelectedLayers({QStringLiteral("l0"), QStringLiteral("l1"), QStringLiteral("missing")});
        QCOMPARE(view.curveCount(), 4);
        QCOMPARE(view.plots().at(1)->graph(0)->data()->size(), 3);
        // CSV: header + 3 bars + 4 history samples
        QCOMPARE(view.toCsv().count(QLatin1Char('\n')), 1 + 3 + 4);
    }

    void errors()
    {
        ui::ErrorView view;
        auto a = std::make_shared<types::ErrorAccumulation>();
        a->label = "LSQ W4A4";
        a->blocks = {"b0", "b1", "b2"};
        a->blockL2 = {0.1, 0.4, 0.9};
        a->layers = {"c1", "c2"};
        a->layerL2 = {0.05, 0.07};
        view.setAccumulations(a);
        QCOMPARE(view.blockCurveCount(), 1);
        QCOMPARE(view.layerSeriesCount(), 1);
        auto b = std::make_shared<types::ErrorAccumulation>(*a);
        b->label = "ASQ W4A4";
        b->blockL2 = {0.1, 0.2, 0.3};
        view.setAccumulations(a, b);
        QCOMPARE(view.blockCurveCount(), 2);
        QCOMPARE(view.layerSeriesCount(), 2);
        QCustomPlot *blocks = view.plots().at(0);
        QCOMPARE(blocks->graph(1)->name(), QStringLiteral("ASQ W4A4"));
        QVERIFY(blocks->yAxis->range().upper >= 0.9); // both curves fit
        QCOMPARE(view.toCsv().count(QLatin1Char('\n')), 1 + 2 * (3 + 2));
    }

    void trainingCurves()
    {
        ui::TrainingCurvesView view;
        std::vector<types::TrainingPoint> pts;
        for (int i = 0; i < 10; ++i) {
            types::TrainingPoint p;
            p.step = 100 * i;
            p.loss = 1.0 / (i + 1);
            p.accuracy = 0.05 * i;
            p.learningRate = 0.01;
            pts.push_back(p);
        }
        view.setPoints(pts);
        QCOMPARE(view.pointCount(), 10);
        QCustomPlot *p = view.plots().at(0);
        QCOMPARE(p->graph(0)->data()->size(), 10);
        // Accuracy is drawn in percent on the right axis.
        QCOMPARE(p->graph(1)->valueAxis(), p->yAxis2);
        QCOMPARE((p->graph(1)->data()->end() - 1)->value, 45.0);
        QVERIFY(!view.baselineVisible());
        view.setBaselineAccuracy(0.926);
        QVERIFY(view.baselineVisible());
        auto *line = p->findChild<QCPItemStraightLine *>();
        QVERIFY(line);
        QCOMPARE(line->point1->value(), 92.6);
        QCOMPARE(line->point2->value(), 92.6);
    }

    void compare()
    {
        ui::CompareView view;
        types::TensorQuantStats a, b;
        a.valid = b.valid = true;
        a.mse = 0.01;
        b.mse = 0.02;
        a.sqnrDb = 12;
        b.sqnrDb = 18;
        a.step = b.step = 0.1;
        a.codeLo = b.codeLo = -4;
        a.codeCounts.assign(8, 1);
        b.codeCounts.assign(4, 1);
        b.codeLo = -2;
        a.values.lo = b.values.lo = -1;
        a.values.hi = 1;
        b.values.hi = 3; // wider: both plots take the union of the ranges
        a.values.counts.assign(20, 5);
        b.values.counts.assign(20, 50);
        view.setComparison(QStringLiteral("conv1"), QStringLiteral("W3"), a, QStringLiteral("W2"), b);
        QCOMPARE(view.levelLineCount(0), 8);
        QCOMPARE(view.levelLineCount(1), 4);
        QCOMPARE(view.plots().at(0)->xAxis->range(), view.plots().at(1)->xAxis->range());
        QCOMPARE(view.plots().at(0)->yAxis->range(), view.plots().at(1)->yAxis->range());
        QTableWidget *t = view.table();
        QCOMPARE(t->horizontalHeaderItem(1)->text(), QStringLiteral("W3"));
        // MSE: lower wins (A); SQNR: higher wins (B).
        QVERIFY(t->item(0, 1)->font().bold());
        QVERIFY(!t->item(0, 2)->font().bold());
        QVERIFY(t->item(2, 2)->font().bold());
        QVERIFY(!t->item(2, 1)->font().bold());
    }

    void multipointMap()
    {
        QCOMPARE(ui::MultipointMapView::columnsFor(8), 8);
        QCOMPARE(ui::MultipointMapView::columnsFor(128), 16);
        ui::MultipointMapView view;
        auto m = std::make_shared<types::MultipointMap>();
        m->layer = "conv2";
        m->pointsPerChannel = {1, 1, 2, 1, 3, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1}; // 20 channels
        m->outputErrorBefore = 0.8;
        m->outputErrorAfter = 0.2;
        view.setMap(m);
        const int cols = ui::MultipointMapView::columnsFor(20);
        QCOMPARE(view.mapColumns(), cols);
        QCOMPARE(view.mapRows(), (20 + cols - 1) / cols);
        auto *map = view.plots().at(0)->findChild<QCPColorMap *>();
        QVERIFY(map);
        QCOMPARE(map->data()->cell(4 % cols, 4 / cols), 3.0);
        QCOMPARE(map->data()->cell(16 % cols, 16 / cols), 2.0);
        const QString s = view.summaryText();
        QVERIFY2(s.contains(QStringLiteral("0.8")) && s.contains(QStringLiteral("0.2")) &&
                     s.contains(QStringLiteral("-75.0 %")),
                 qPrintable(s));
        QVERIFY2(s.contains(QStringLiteral("1 point: 16 channels")), qPrintable(s)); // 16 of 20 channels have one point
        QCOMPARE(view.toCsv().count(QLatin1Char('\n')), 1 + 20);
    }

    void levelsViewRows()
    {
        // The view draws what its provider (the engine) gives and computes no levels itself.
        ui::LevelsView view;
        QVERIFY(view.rowLevels(ui::LevelsView::Uniform).empty()); // no provider yet
        std::vector<std::pair<int, ql::types::PotVariant>> asked;
        view.setLevelProvider([&asked](int bits, ql::types::PotVariant v) {
            asked.emplace_back(bits, v);
            ql::types::LevelSets s;
            s.bits = bits;
            s.variant = v;
            for (int i = -bits; i <= bits; ++i)
                s.uniform.push_back(i / double(bits));
            s.pot = {-1, -0.5, 0, 0.5, 1};
            s.post = v == ql::types::PotVariant::Strict ? std::vector<double>{-1, 0, 1}
                                                        : std::vector<double>{-1, -0.7, 0, 0.7, 1};
            return s; // APoT left empty: the row says n/a
        });
        view.findChild<QSpinBox *>()->setValue(3);
        QCOMPARE(view.bits(), 3);
        QCOMPARE(asked.back().first, 3);
        QCOMPARE(view.rowLevels(ui::LevelsView::Uniform).size(), size_t(7));
        QCOMPARE(view.rowLevels(ui::LevelsView::Uniform).front(), -1.0);
        QCOMPARE(view.rowLevels(ui::LevelsView::Pot).size(), size_t(5));
        view.setPotVariant(ql::types::PotVariant::Strict);
        QCOMPARE(asked.back().second, ql::types::PotVariant::Strict);
        QCOMPARE(view.rowLevels(ui::LevelsView::Post).size(), size_t(3));
        // The plot holds one graph per row, with one point per level.
        QCustomPlot *p = view.plots().at(0);
        QCOMPARE(p->graph(ui::LevelsView::Uniform)->data()->size(), 7);
        QCOMPARE(p->graph(ui::LevelsView::Post)->data()->size(), 3);
        QCOMPARE(p->graph(ui::LevelsView::Apot)->data()->size(), 0);
        QCOMPARE(view.toCsv().count(QLatin1Char('\n')), 1 + 7 + 5 + 3);
    }
};

QL_TEST(TestPlotViews)
#include "tst_plotviews.moc"
