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

#include <cmath>

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
        // Step sizes on a log axis; offsets in grid steps (beta / s) on the right axis.
        QCustomPlot *top = view.plots().at(0);
        QCOMPARE(top->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QCOMPARE((top->graph(0)->data()->begin() + 2)->value, 0.4); // s of l3, in layer order
        auto *bars = qobject_cast<QCPBars *>(top->plottable(1));
        QVERIFY(bars);
        QCOMPARE(bars->valueAxis(), top->yAxis2);
        QCOMPARE(bars->data()->size(), 3);
        QCOMPARE((bars->data()->begin() + 2)->value, -0.03 / 0.4);

        auto history = std::make_shared<ui::StepOffsetSeries>();
        (*history)["l0"] = {{0, 0.2, 0.0}, {100, 0.15, -0.02}, {200, 0.12, -0.03}};
        (*history)["l1"] = {{0, 0.3, 0.0}};
        view.setHistory(history);
        QCOMPARE(view.curveCount(), 0); // nothing selected yet
        // l1 has only its starting value (after PTQ): a single point draws nothing, and the view
        // says why instead of an axis squeezed around one value.
        view.setSelectedLayers({QStringLiteral("l1")});
        QCOMPARE(view.curveCount(), 0);
        bool said = false;
        for (int i = 0; i < view.plots().at(1)->itemCount(); ++i)
            if (auto *t = qobject_cast<QCPItemText *>(view.plots().at(1)->item(i)))
                said = said || t->text().contains(QStringLiteral("run QAT"));
        QVERIFY(said);
        view.setSelectedLayers({QStringLiteral("l0"), QStringLiteral("l1"), QStringLiteral("missing")});
        QCOMPARE(view.curveCount(), 2);
        // Each layer relative to its start: s / s0 and (beta - beta0) / s0.
        QCustomPlot *curves = view.plots().at(1);
        QCOMPARE(curves->graph(0)->data()->size(), 3);
        QCOMPARE((curves->graph(0)->data()->end() - 1)->value, 0.12 / 0.2);
        QCOMPARE((curves->graph(1)->data()->end() - 1)->value, -0.03 / 0.2);
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
        a->both = {{0.1, 0.4, 0.9}, {0.02, 0.05, 0.125}, {34.0, 26.0, 18.1}};
        a->weightsOnly = {{0.05, 0.2, 0.4}, {0.01, 0.02, 0.05}, {40.0, 34.0, 26.0}};
        a->activationsOnly = {{0.08, 0.3, 0.7}, {0.015, 0.04, 0.1}, {36.0, 28.0, 20.0}};
        a->layers = {"c1", "c2"};
        a->layerL2 = {0.05, 0.07};
        a->layerWeightRel = {0.01, 0.03};
        a->layerActRel = {0.02, 0.04};
        view.setAccumulations(a);
        // Relative error by default, in percent, with the weights/activations split.
        QCOMPARE(view.measure(), ui::ErrorView::Measure::Relative);
        QCOMPARE(view.blockCurveCount(), 3);
        QCOMPARE(view.layerSeriesCount(), 2); // weights and input activations
        QCOMPARE(view.plotted(0, 0, 2), 12.5);
        QCOMPARE(view.plotted(0, 1, 1), 2.0);
        QCustomPlot *blocks = view.plots().at(0);
        QCOMPARE((blocks->graph(0)->data()->end() - 1)->value, 12.5);
        QVERIFY2(blocks->yAxis->label().contains(QStringLiteral("%")), qPrintable(blocks->yAxis->label()));
        QCustomPlot *layers = view.plots().at(1);
        auto *wbars = qobject_cast<QCPBars *>(layers->plottable(0));
        QVERIFY(wbars);
        QCOMPARE((wbars->data()->begin() + 1)->value, 3.0); // 0.03 of c2's weights, in percent

        view.setMeasure(ui::ErrorView::Measure::SqnrDb);
        QCOMPARE(view.plotted(0, 2, 0), 36.0);
        QVERIFY(blocks->yAxis->label().contains(QStringLiteral("dB")));
        view.setMeasure(ui::ErrorView::Measure::Absolute);
        QCOMPARE(view.plotted(0, 0, 1), 0.4);

        view.setSplit(false);
        auto b = std::make_shared<types::ErrorAccumulation>(*a);
        b->label = "ASQ W4A4";
        b->both.l2 = b->blockL2 = {0.1, 0.2, 0.3};
        view.setAccumulations(a, b);
        QCOMPARE(view.blockCurveCount(), 2);
        QCOMPARE(view.layerSeriesCount(), 4);
        QCOMPARE(blocks->graph(1)->name(), QStringLiteral("ASQ W4A4"));
        QVERIFY(blocks->yAxis->range().upper >= 0.9); // both curves fit
        // 3 variants x 3 blocks + 2 kinds x 2 layers per configuration, and the header
        QCOMPARE(view.toCsv().count(QLatin1Char('\n')), 1 + 2 * (9 + 4));

        // Empty again: no curves and the axes forget the last model's categories.
        view.setAccumulations(nullptr);
        QCOMPARE(view.blockCurveCount(), 0);
        QCOMPARE(blocks->xAxis->range().upper, 1.0);
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

        // The QAT job's reference and validation points: the line follows the reference the
        // points carry, validation accuracies are markers, and neither enters the loss curve.
        view.setBaselineAccuracy(-1);
        types::TrainingPoint reference;
        reference.loss = reference.accuracy = std::nan("");
        reference.fp32Accuracy = 0.9;
        types::TrainingPoint validation = reference;
        validation.fp32Accuracy = -1;
        validation.step = 900;
        validation.validationAccuracy = 0.8;
        pts.insert(pts.begin(), reference);
        pts.push_back(validation);
        view.setPoints(pts);
        QCOMPARE(view.effectiveBaseline(), 0.9);
        QCOMPARE(line->point1->value(), 90.0);
        QCOMPARE(p->graph(0)->data()->size(), 10);
        QCOMPARE(view.validationCount(), 1);
        QCOMPARE(view.toCsv().count(QLatin1Char('\n')), 1 + 12);
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

        // What a person sees: cells of 1, 2 and 3 points are painted in three different colours,
        // cells with the same count in the same one (channels 0, 2, 4 and 1).
        view.resize(900, 500);
        QCustomPlot *plot = view.plots().at(0);
        plot->setGeometry(0, 0, 800, 450);
        plot->replot();
        const QImage img = plot->toPixmap(800, 450).toImage();
        auto colourOf = [&](int channel) {
            const QPointF px = map->coordsToPixels(channel % cols, channel / cols);
            return img.pixelColor(int(px.x()), int(px.y()));
        };
        QVERIFY2(colourOf(0) != colourOf(2),
                 qPrintable(colourOf(0).name() + QStringLiteral(" vs ") + colourOf(2).name()));
        QVERIFY(colourOf(2) != colourOf(4));
        QVERIFY(colourOf(0) != colourOf(4));
        QCOMPARE(colourOf(0), colourOf(1));
        QCOMPARE(colourOf(2), colourOf(7));
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
