#include "widgets/compareview.h"

#include "widgets/plotstyle_p.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ql::ui {

namespace {

struct Metric {
    QString name;
    double (*get)(const types::TensorQuantStats &);
    bool lowerIsBetter;
    int precision;
};

std::vector<Metric> metrics()
{
    return {
        {QCoreApplication::translate("ql::ui::CompareView", "MSE"),
         [](const types::TensorQuantStats &s) { return s.mse; }, true, 4},
        {QCoreApplication::translate("ql::ui::CompareView", "L2 error ‖x − x_q‖₂"),
         [](const types::TensorQuantStats &s) { return s.l2; }, true, 4},
        {QCoreApplication::translate("ql::ui::CompareView", "SQNR (dB)"),
         [](const types::TensorQuantStats &s) { return s.sqnrDb; }, false, 4},
        {QCoreApplication::translate("ql::ui::CompareView", "cosine similarity"),
         [](const types::TensorQuantStats &s) { return s.cosine; }, false, 5},
        {QCoreApplication::translate("ql::ui::CompareView", "clipped below (%)"),
         [](const types::TensorQuantStats &s) { return 100.0 * s.clippedLow; }, true, 3},
        {QCoreApplication::translate("ql::ui::CompareView", "clipped above (%)"),
         [](const types::TensorQuantStats &s) { return 100.0 * s.clippedHigh; }, true, 3},
        {QCoreApplication::translate("ql::ui::CompareView", "integer codes used"),
         [](const types::TensorQuantStats &s) { return double(s.codesUsed); }, false, 6},
        {QCoreApplication::translate("ql::ui::CompareView", "step size s"),
         [](const types::TensorQuantStats &s) { return s.step; }, false, 4},
    };
}

} // namespace

CompareView::CompareView(QWidget *parent)
    : InspectorView(parent), m_heading(new QLabel(this)), m_plot{plot::makePlot(this), plot::makePlot(this)},
      m_table(new QTableWidget(this))
{
    for (int i = 0; i < 2; ++i) {
        m_title[i] = plot::addTitle(m_plot[i], QString());
        m_plot[i]->xAxis->setLabel(tr("value (real units)"));
        m_plot[i]->yAxis->setLabel(tr("count"));
        // Short plots: few count ticks, so that their labels never overlap.
        m_plot[i]->yAxis->ticker()->setTickCount(3);
        m_plot[i]->setMinimumHeight(120);
    }
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setWordWrap(false);

    // The two histograms one above the other on shared axes, the numbers beside them: the
    // plots keep the dock's whole height between them.
    auto *plots = new QSplitter(Qt::Vertical, this);
    plots->addWidget(m_plot[0]);
    plots->addWidget(m_plot[1]);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(plots);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_heading);
    layout->addWidget(split, 1);
    rebuild();
}

QString CompareView::viewTitle() const { return tr("Compare quantizers"); }

QList<QCustomPlot *> CompareView::plots() const { return {m_plot[0], m_plot[1]}; }

void CompareView::setComparison(const QString &layer, const QString &labelA, const types::TensorQuantStats &a,
                                const QString &labelB, const types::TensorQuantStats &b)
{
    m_layer = layer;
    m_label[0] = labelA;
    m_label[1] = labelB;
    m_stats[0] = a;
    m_stats[1] = b;
    rebuild();
}

void CompareView::rebuild()
{
    m_heading->setText(m_layer.isEmpty() ? tr("Pick a layer and two configurations to compare them")
                                         : tr("<b>%1</b>: %2 vs %3").arg(m_layer, m_label[0], m_label[1]));
    QCPRange xr, yr;
    bool haveRange = false;
    for (int i = 0; i < 2; ++i) {
        QCustomPlot *p = m_plot[i];
        p->clearPlottables();
        p->clearItems();
        m_levelLines[i] = 0;
        if (!m_stats[i].valid) {
            m_title[i]->setText(m_label[i].isEmpty() ? tr("(no configuration)")
                                                     : tr("%1: no statistics").arg(m_label[i]));
            continue;
        }
        const auto d = plot::drawDistribution(p, m_stats[i], plot::levelsOf(m_stats[i]), false);
        p->legend->setVisible(false); // the histogram view explains the drawing; the table has the numbers
        m_levelLines[i] = d.levelLines;
        m_title[i]->setText(m_label[i]);
        if (!haveRange) {
            xr = p->xAxis->range();
            yr = p->yAxis->range();
            haveRange = true;
        } else {
            xr.expand(p->xAxis->range());
            yr.expand(p->yAxis->range());
        }
    }
    // Shared axes, so that widths and heights compare directly.
    if (haveRange)
        for (QCustomPlot *p : m_plot) {
            p->xAxis->setRange(xr);
            p->yAxis->setRange(yr);
        }

    const auto ms = metrics();
    m_table->clear();
    m_table->setColumnCount(3);
    m_table->setRowCount(int(ms.size()));
    m_table->setHorizontalHeaderLabels(
        {tr("Metric"), m_label[0].isEmpty() ? tr("A") : m_label[0], m_label[1].isEmpty() ? tr("B") : m_label[1]});
    for (int r = 0; r < int(ms.size()); ++r) {
        const Metric &m = ms[size_t(r)];
        m_table->setItem(r, 0, new QTableWidgetItem(m.name));
        double v[2];
        for (int i = 0; i < 2; ++i) {
            v[i] = m_stats[i].valid ? m.get(m_stats[i]) : std::nan("");
            auto *item =
                new QTableWidgetItem(m_stats[i].valid ? QString::number(v[i], 'g', m.precision) : QStringLiteral("—"));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(r, i + 1, item);
        }
        if (m_stats[0].valid && m_stats[1].valid && v[0] != v[1] && m.name != ms.back().name) {
            const int better = (v[0] < v[1]) == m.lowerIsBetter ? 0 : 1;
            QFont f = m_table->item(r, better + 1)->font();
            f.setBold(true);
            m_table->item(r, better + 1)->setFont(f);
        }
    }
    for (QCustomPlot *p : m_plot)
        p->replot(QCustomPlot::rpQueuedReplot);
}

QString CompareView::toCsv() const
{
    QString out = csv::row({QStringLiteral("metric"), m_label[0], m_label[1]});
    const char *const keys[] = {"mse",        "l2",  "sqnr_db", "cosine", "clipped_low_percent", "clipped_high_percent",
                                "codes_used", "step"};
    const auto ms = metrics();
    for (size_t r = 0; r < ms.size(); ++r)
        out += csv::row({QString::fromLatin1(keys[r]), m_stats[0].valid ? csv::num(ms[r].get(m_stats[0])) : QString(),
                         m_stats[1].valid ? csv::num(ms[r].get(m_stats[1])) : QString()});
    return out;
}

} // namespace ql::ui
