#include "widgets/multipointmapview.h"

#include "widgets/plotstyle_p.h"

#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

namespace ql::ui {

MultipointMapView::MultipointMapView(QWidget *parent)
    : InspectorView(parent), m_plot(plot::makePlot(this)), m_summary(new QLabel(this))
{
    m_title = plot::addTitle(m_plot, QString());
    m_plot->setInteractions(QCP::Interactions());
    m_colorMap = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_colorMap->setInterpolate(false);
    m_scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(1, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_scale->axis()->setLabel(tr("points per channel"));
    m_scale->axis()->setTickLabelFont(m_plot->xAxis->tickLabelFont());
    m_scale->axis()->setLabelFont(m_plot->xAxis->labelFont());
    m_colorMap->setColorScale(m_scale);
    auto *group = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    m_plot->xAxis->setLabel(tr("output channel mod columns"));
    m_plot->yAxis->setLabel(tr("output channel ÷ columns (row)"));
    m_plot->yAxis->setRangeReversed(true); // channel 0 top left, like reading order

    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_summary);
    rebuild();
}

QString MultipointMapView::viewTitle() const { return tr("Multipoint map"); }

QList<QCustomPlot *> MultipointMapView::plots() const { return {m_plot}; }

QString MultipointMapView::summaryText() const { return m_summary->text(); }

int MultipointMapView::columnsFor(int channels)
{
    if (channels <= 16)
        return std::max(1, channels);
    // About twice as wide as tall, which suits a dock.
    return int(std::ceil(std::sqrt(2.0 * channels)));
}

void MultipointMapView::setMap(std::shared_ptr<const types::MultipointMap> map)
{
    m_map = std::move(map);
    rebuild();
}

void MultipointMapView::rebuild()
{
    const int n = m_map ? int(m_map->pointsPerChannel.size()) : 0;
    if (n == 0) {
        m_cols = m_rows = 0;
        m_colorMap->data()->clear();
        m_colorMap->setVisible(false);
        m_title->setText(tr("Multipoint PTQ: no result yet"));
        m_summary->setText(tr("Run multipoint PTQ on a layer to see how many points each output channel gets."));
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_colorMap->setVisible(true);
    m_cols = columnsFor(n);
    m_rows = (n + m_cols - 1) / m_cols;
    auto *d = m_colorMap->data();
    d->setSize(m_cols, m_rows);
    d->setRange(QCPRange(0, m_cols - 1), QCPRange(0, m_rows - 1));
    int maxPoints = 1;
    std::map<int, int> histogram;
    double sum = 0;
    for (int c = 0; c < n; ++c) {
        const int p = m_map->pointsPerChannel[size_t(c)];
        maxPoints = std::max(maxPoints, p);
        ++histogram[p];
        sum += p;
    }
    for (int c = 0; c < m_cols * m_rows; ++c) {
        const int ix = c % m_cols, iy = c / m_cols;
        d->setCell(ix, iy, c < n ? m_map->pointsPerChannel[size_t(c)] : 0);
        d->setAlpha(ix, iy, c < n ? 255 : 0); // cells past the last channel stay empty
    }
    // One colour per point count.
    QCPColorGradient g;
    g.setColorStopAt(0.0, QColor(68, 1, 84));
    g.setColorStopAt(0.33, QColor(49, 104, 142));
    g.setColorStopAt(0.66, QColor(53, 183, 121));
    g.setColorStopAt(1.0, QColor(253, 231, 37));
    // One level per point count over the range [1, top]: a count p falls on level p - 1 exactly,
    // whether the gradient rounds or truncates ((p - 1) (L - 1) / (top - 1) with L - 1 = top - 1).
    const int top = std::max(2, maxPoints);
    g.setLevelCount(top);
    m_colorMap->setGradient(g);
    m_colorMap->setDataRange(QCPRange(1, top));
    QSharedPointer<QCPAxisTickerFixed> t(new QCPAxisTickerFixed);
    t->setTickStep(1);
    t->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_scale->axis()->setTicker(t);
    m_plot->xAxis->setRange(-0.5, m_cols - 0.5);
    m_plot->yAxis->setRange(-0.5, m_rows - 0.5);
    for (QCPAxis *a : {m_plot->xAxis, m_plot->yAxis}) {
        QSharedPointer<QCPAxisTickerFixed> at(new QCPAxisTickerFixed);
        at->setTickStep(1);
        at->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        a->setTicker(at);
        a->grid()->setVisible(false);
    }

    const double before = m_map->outputErrorBefore, after = m_map->outputErrorAfter;
    const double change = before > 0 ? 100.0 * (after - before) / before : 0;
    m_title->setText(tr("%1: %2 channels\n%3 points per channel on average")
                         .arg(QString::fromStdString(m_map->layer))
                         .arg(n)
                         .arg(sum / n, 0, 'f', 2));
    QStringList counts;
    for (const auto &[p, c] : histogram) {
        const QString points = p == 1 ? tr("1 point") : tr("%1 points").arg(p);
        const QString channels = c == 1 ? tr("1 channel") : tr("%1 channels").arg(c);
        counts << tr("%1: %2 (%3 %)").arg(points, channels).arg(100.0 * c / n, 0, 'f', 1);
    }
    m_summary->setText(tr("Output error ‖Wx − Ŵx‖²: %1 with one point → %2 after (%3 %)")
                           .arg(before, 0, 'g', 4)
                           .arg(after, 0, 'g', 4)
                           .arg(change, 0, 'f', 1) +
                       QStringLiteral("<br>") + counts.join(QStringLiteral(" · ")));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString MultipointMapView::toCsv() const
{
    QString out = csv::row({QStringLiteral("channel"), QStringLiteral("points")});
    if (!m_map)
        return out;
    for (size_t c = 0; c < m_map->pointsPerChannel.size(); ++c)
        out += csv::row({QString::number(c), QString::number(m_map->pointsPerChannel[c])});
    return out;
}

} // namespace ql::ui
