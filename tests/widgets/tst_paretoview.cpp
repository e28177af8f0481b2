// The Mixed precision view: the front it draws is the non-dominated set of what it was given,
// uniform points carry their labels, the cost axis switches units, a click on a point asks for
// exactly that point's bits, and the layer table's lock column keeps locks by name.
#include "tests/support/testmain.h"
#include "widgets/layertablemodel.h"
#include "widgets/paretoview.h"

#include <qcustomplot.h>

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace ql;

namespace {

types::MixedPoint makePoint(int64_t bytes, double bops, double top1, int wBits, int aBits, std::string label = {})
{
    types::MixedPoint p;
    p.bytes = bytes;
    p.bops = bops;
    p.top1 = top1;
    p.label = std::move(label);
    p.bits = {{"conv1", 8, 8}, {"conv2", wBits, aBits}, {"fc", 8, 8}};
    return p;
}

/// A small search: five descent points, two of them dominated, and three uniform references.
types::MixedResult sampleResult()
{
    types::MixedResult r;
    r.fp32Top1 = 0.93;
    r.points = {makePoint(8000, 4e9, 0.92, 8, 8), makePoint(6000, 3e9, 0.915, 6, 6), makePoint(5000, 2.5e9, 0.90, 4, 4),
                makePoint(4800, 2.4e9, 0.85, 4, 3), // dominated by the uniform W3A3 below
                makePoint(4000, 2e9, 0.70, 2, 2)};
    r.uniform = {makePoint(8000, 4e9, 0.92, 8, 8, "W8A8"), makePoint(4600, 2.3e9, 0.87, 3, 3, "W3A3"),
                 makePoint(4200, 2.1e9, 0.40, 2, 2, "W2A2")}; // W2A2 dominated by nothing cheaper
    return r;
}

} // namespace

class TestParetoView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void frontIsTheNonDominatedSetOfEverythingDrawn()
    {
        ui::ParetoView view;
        view.resize(900, 500);
        view.setResult(sampleResult());
        QCOMPARE(view.pointCount(), 8);
        // Hand count: 4000@70 (cheapest), 4600@87 (W3A3), 5000@90, 6000@91.5 and both 8000@92
        // (the descent's start and W8A8: equal points do not dominate each other). Off it: 4800@85
        // (W3A3 is cheaper and better) and 4200@40 (4000@70 is cheaper and better).
        QCOMPARE(view.frontCount(), 6);
        QCOMPARE(view.uniformLabels(),
                 (QStringList{QStringLiteral("W2A2"), QStringLiteral("W3A3"), QStringLiteral("W8A8")}));
        // The drawn front graph holds the front points sorted by cost.
        QCPGraph *front = nullptr;
        for (int g = 0; g < view.plot()->graphCount(); ++g)
            if (view.plot()->graph(g)->name() == QStringLiteral("Pareto front"))
                front = view.plot()->graph(g);
        QVERIFY(front);
        QCOMPARE(front->dataCount(), 6);
        double last = -1;
        for (int i = 0; i < front->dataCount(); ++i) {
            QVERIFY(front->data()->at(i)->key >= last);
            last = front->data()->at(i)->key;
        }
        QCOMPARE(front->data()->at(0)->value, 70.0);
        QCOMPARE(front->data()->at(1)->value, 87.0);
    }

    void liveAdditionMatchesTheWholeResult()
    {
        ui::ParetoView live, whole;
        whole.setResult(sampleResult());
        const auto r = sampleResult();
        for (const auto &p : r.points)
            live.addPoint(p);
        for (const auto &p : r.uniform)
            live.addPoint(p); // labelled: drawn as uniform references
        QCOMPARE(live.pointCount(), whole.pointCount());
        QCOMPARE(live.frontCount(), whole.frontCount());
        QCOMPARE(live.uniformLabels(), whole.uniformLabels());
        QCOMPARE(live.toCsv(), whole.toCsv());
    }

    void costAxisSwitchesUnitsAndKeepsTheBudgetInPlace()
    {
        ui::ParetoView view;
        view.setResult(sampleResult());
        QCOMPARE(view.plotted(2), QPointF(5000.0 / 1024, 90.0));
        view.setBudget(6000); // bytes: 2/4 of the way from 4000 to 8000
        QCOMPARE(view.budget(), 6000.0);
        view.setAxis(ui::ParetoView::Axis::Bops);
        QCOMPARE(view.plotted(2), QPointF(2.5, 90.0)); // GBOPs
        QCOMPARE(view.budget(), 3e9); // halfway from 2e9 to 4e9
        QVERIFY(view.plot()->xAxis->label().contains(u"GBOPs"));
        QSignalSpy asked(&view, &ui::ParetoView::budgetRequested);
        const auto buttons = view.findChildren<QPushButton *>();
        QPushButton *solve = nullptr;
        for (auto *b : buttons)
            if (b->text() == QStringLiteral("Best within budget"))
                solve = b;
        QVERIFY(solve);
        solve->click();
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked.at(0).at(1).value<ui::ParetoView::Axis>(), ui::ParetoView::Axis::Bops);
    }

    void clickingAPointAsksForItsBitsAndHoverSaysThem()
    {
        ui::ParetoView view;
        view.resize(900, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setResult(sampleResult());
        view.plot()->replot();
        QSignalSpy applied(&view, &ui::ParetoView::pointActivated);
        const QPointF at = view.plotted(2);
        const QPoint pixel(int(std::lround(view.plot()->xAxis->coordToPixel(at.x()))),
                           int(std::lround(view.plot()->yAxis->coordToPixel(at.y()))));
        QCOMPARE(view.pointAt(pixel), 2);
        QCOMPARE(view.pointAt(pixel + QPoint(40, 40)), -1);
        QTest::mousePress(view.plot(), Qt::LeftButton, {}, pixel);
        QTest::mouseRelease(view.plot(), Qt::LeftButton, {}, pixel);
        QCOMPARE(applied.count(), 1);
        const auto bits = applied.at(0).at(0).value<std::vector<types::LayerBits>>();
        QVERIFY(bits == sampleResult().points[2].bits);
        // A drag is not a click.
        QTest::mousePress(view.plot(), Qt::LeftButton, {}, pixel);
        QTest::mouseRelease(view.plot(), Qt::LeftButton, {}, pixel + QPoint(30, 0));
        QCOMPARE(applied.count(), 1);
        const QString text = view.describe(2);
        QVERIFY2(text.contains(u"conv2  W4A4") && text.contains(u"conv1  W8A8") && text.contains(u"90.00"),
                 qPrintable(text));
        QVERIFY(view.describe(6).contains(u"Uniform W3A3"));
    }

    void currentConfigurationIsRingedOrMarkedBySize()
    {
        ui::ParetoView view;
        view.setResult(sampleResult());
        view.setCurrent(sampleResult().points[1].bits, 6000, 3e9);
        QCOMPARE(view.currentPoint(), 1);
        auto bits = sampleResult().points[1].bits;
        bits[1].weightBits = 5; // measured by no search
        view.setCurrent(bits, 5500, 2.7e9);
        QCOMPARE(view.currentPoint(), -1);
        bool line = false;
        for (int i = 0; i < view.plot()->itemCount(); ++i)
            if (auto *t = qobject_cast<QCPItemText *>(view.plot()->item(i)))
                line = line || t->text().contains(u"current (not measured)");
        QVERIFY(line);
    }

    void budgetChoiceAndCsv()
    {
        ui::ParetoView view;
        auto r = sampleResult();
        r.budgetPoint = makePoint(5000, 2.5e9, 0.90, 4, 4, "budget");
        view.setResult(r);
        const QStringList rows = view.toCsv().trimmed().split(QLatin1Char('\n'));
        QCOMPARE(rows.size(), 1 + 8 + 1);
        QVERIFY(rows.first().startsWith(u"label,kind,bytes,bops,top1"));
        QVERIFY(rows.last().startsWith(u"budget,budget,5000,"));
        QVERIFY(rows[7].startsWith(u"W3A3,uniform,4600,"));
        QVERIFY2(rows[3].endsWith(u",1,conv1=W8A8 conv2=W4A4 fc=W8A8"), qPrintable(rows[3]));
        QVERIFY2(rows[4].contains(u",0,conv1=W8A8 conv2=W4A3"), qPrintable(rows[4])); // dominated
        bool star = false;
        for (int g = 0; g < view.plot()->graphCount(); ++g)
            star = star || view.plot()->graph(g)->name() == QStringLiteral("best within budget");
        QVERIFY(star);
    }

    void candidatesField()
    {
        ui::ParetoView view;
        QCOMPARE(view.candidates(), (std::vector<int>{2, 3, 4, 8}));
        QCOMPARE(view.measure(), types::SensitivityMeasure::Empirical);
        QVERIFY(!view.searchFirstLast());
        QSignalSpy search(&view, &ui::ParetoView::searchRequested);
        auto *edit = view.findChild<QLineEdit *>();
        QVERIFY(edit);
        edit->setText(QStringLiteral("4, 8, 99"));
        QVERIFY(view.candidates().empty());
        for (auto *b : view.findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("Search"))
                b->click();
        QCOMPARE(search.count(), 0); // refused, with a message instead
        edit->setText(QStringLiteral("4,6"));
        for (auto *b : view.findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("Search"))
                b->click();
        QCOMPARE(search.count(), 1);
        QCOMPARE(search.at(0).at(0).value<std::vector<int>>(), (std::vector<int>{4, 6}));
    }

    void lockColumnKeepsLocksByName()
    {
        ui::LayerTableModel m;
        std::vector<types::LayerInfo> layers(3);
        layers[0].name = "conv1";
        layers[1].name = "conv2";
        layers[2].name = "fc";
        m.setLayers(layers);
        QSignalSpy locks(&m, &ui::LayerTableModel::locksChanged);
        QSignalSpy edited(&m, &ui::LayerTableModel::configEdited);
        const QModelIndex lock = m.index(1, ui::LayerTableModel::Locked);
        QVERIFY(m.flags(lock) & Qt::ItemIsUserCheckable);
        QCOMPARE(m.data(lock, Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QVERIFY(m.setData(lock, Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(m.lockedLayers(), QStringList{QStringLiteral("conv2")});
        QCOMPARE(locks.count(), 1);
        QCOMPARE(edited.count(), 0); // a lock is not a configuration change
        // The engine's next answer replaces the rows: the lock stays on the layer, not the row.
        std::reverse(layers.begin(), layers.end());
        m.setLayers(layers);
        QCOMPARE(m.data(m.index(1, ui::LayerTableModel::Locked), Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(m.data(m.index(2, ui::LayerTableModel::Locked), Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QVERIFY(m.setData(m.index(1, ui::LayerTableModel::Locked), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(m.lockedLayers().isEmpty());
        QCOMPARE(locks.count(), 2);
    }
};

QL_TEST(TestParetoView)
#include "tst_paretoview.moc"
