#include "widgets/offsetsview.h"

#include "widgets/plotstyle_p.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace ql::ui {

OffsetsView::OffsetsView(QWidget *parent)
    : InspectorView(parent), m_tensorBox(new QComboBox(this)), m_bars(plot::makePlot(this)),
      m_curves(plot::makePlot(this))
{
    m_tensorBox->addItem(tr("Weights"));
    m_tensorBox->addItem(tr("Activations"));
    m_tensorBox->setCurrentIndex(1);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Step size s and offset β of:"), this));
    bar->addWidget(m_tensorBox);
    bar->addStretch(1);

    plot::addTitle(m_bars, tr("Newest step size s and offset β per layer"));
    m_bars->xAxis->setLabel(tr("layer"));
    m_bars->yAxis->setLabel(tr("value (real units)"));
    plot::addTitle(m_curves, tr("s (solid) and β (dashed) over training, selected layers"));
    m_curves->xAxis->setLabel(tr("training step"));
    m_curves->yAxis->setLabel(tr("value (real units)"));
    plot::legendBelow(m_bars, 2);
    plot::legendBelow(m_curves, 4);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_bars);
    split->addWidget(m_curves);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_tensorBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setTensor(i == 0 ? Tensor::Weight : Tensor::Activation); });
    rebuildBars();
    rebuildCurves();
}

QString OffsetsView::viewTitle() const { return tr("Step sizes and offsets"); }

QList<QCustomPlot *> OffsetsView::plots() const { return {m_bars, m_curves}; }

void OffsetsView::setSnapshots(const std::vector<std::shared_ptr<const types::LayerSnapshot>> &snapshots)
{
    m_snapshots = snapshots;
    rebuildBars();
}

void OffsetsView::setHistory(std::shared_ptr<const StepOffsetSeries> history)
{
    m_history = std::move(history);
    rebuildCurves();
}

void OffsetsView::setSelectedLayers(const QStringList &layers)
{
    m_selected = layers;
    rebuildCurves();
}

void OffsetsView::setTensor(Tensor tensor)
{
    if (tensor == m_tensor)
        return;
    m_tensor = tensor;
    m_tensorBox->setCurrentIndex(tensor == Tensor::Weight ? 0 : 1);
    rebuildBars();
}

void OffsetsView::rebuildBars()
{
    m_bars->clearPlottables();
    m_bars->clearItems();
    m_barCount = 0;
    QVector<double> keys, s, beta;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    double lo = 0, hi = 0;
    for (const auto &snap : m_snapshots) {
        if (!snap)
            continue;
        const types::TensorQuantStats &t = m_tensor == Tensor::Weight ? snap->weight : snap->activation;
        if (!t.valid)
            continue;
        const double k = double(m_barCount++);
        keys << k;
        s << t.step;
        beta << t.offset;
        lo = std::min({lo, t.step, t.offset});
        hi = std::max({hi, t.step, t.offset});
        ticker->addTick(k, plot::shortName(snap->layer));
    }
    auto *group = new QCPBarsGroup(m_bars);
    group->setSpacingType(QCPBarsGroup::stAbsolute);
    group->setSpacing(1);
    auto *sBars = new QCPBars(m_bars->xAxis, m_bars->yAxis);
    sBars->setName(tr("step size s"));
    sBars->setBrush(plot::seriesColor(0));
    sBars->setPen(Qt::NoPen);
    sBars->setWidth(0.38);
    sBars->setBarsGroup(group);
    sBars->setData(keys, s, true);
    auto *bBars = new QCPBars(m_bars->xAxis, m_bars->yAxis);
    bBars->setName(tr("offset β"));
    bBars->setBrush(plot::seriesColor(1));
    bBars->setPen(Qt::NoPen);
    bBars->setWidth(0.38);
    bBars->setBarsGroup(group);
    bBars->setData(keys, beta, true);

    // Names fit under the bars only when there are few; otherwise every n-th.
    if (m_barCount > 24) {
        QSharedPointer<QCPAxisTickerText> sparse(new QCPAxisTickerText);
        const int every = (m_barCount + 23) / 24;
        for (int i = 0; i < m_barCount; i += every)
            sparse->addTick(i, ticker->ticks().value(i));
        ticker = sparse;
    }
    m_bars->xAxis->setTicker(ticker);
    m_bars->xAxis->setTickLabelRotation(m_barCount > 4 ? 45 : 0);
    m_bars->xAxis->setRange(-0.7, std::max(1.0, m_barCount - 0.3));
    const double pad = (hi - lo > 0 ? hi - lo : 1.0) * 0.1;
    m_bars->yAxis->setRange(lo < 0 ? lo - pad : 0, hi + pad);
    auto *zero = new QCPItemStraightLine(m_bars);
    zero->point1->setCoords(0, 0);
    zero->point2->setCoords(1, 0);
    zero->setPen(QPen(QColor(60, 60, 60), 1));
    if (m_barCount == 0) {
        auto *t = new QCPItemText(m_bars);
        t->position->setType(QCPItemPosition::ptAxisRectRatio);
        t->position->setCoords(0.5, 0.5);
        t->setText(tr("No quantizer statistics yet: start QAT or PTQ"));
        t->setColor(QColor(110, 110, 110));
    }
    m_bars->replot(QCustomPlot::rpQueuedReplot);
}

void OffsetsView::rebuildCurves()
{
    m_curves->clearPlottables();
    m_curves->clearItems();
    m_curveCount = 0;
    int colour = 0;
    bool any = false;
    if (m_history) {
        for (const QString &name : m_selected) {
            if (colour >= kMaxCurves)
                break;
            const auto it = m_history->find(name.toStdString());
            if (it == m_history->end() || it->second.empty())
                continue;
            QVector<double> x, s, b;
            for (const StepOffsetSample &p : it->second) {
                x << double(p.step);
                s << p.stepSize;
                b << p.offset;
            }
            const QColor c = plot::seriesColor(colour++);
            auto *gs = m_curves->addGraph();
            gs->setName(name);
            gs->setPen(QPen(c, 2));
            gs->setData(x, s, true);
            auto *gb = m_curves->addGraph();
            gb->setName(tr("%1: β").arg(name));
            gb->removeFromLegend(); // one entry per layer; the title says which line is which
            gb->setPen(QPen(c, 2, Qt::DashLine));
            gb->setData(x, b, true);
            m_curveCount += 2;
            any = true;
        }
    }
    if (any) {
        m_curves->rescaleAxes();
        QCPRange y = m_curves->yAxis->range();
        const double pad = std::max(1e-9, y.size() * 0.08);
        m_curves->yAxis->setRange(y.lower - pad, y.upper + pad);
    } else {
        auto *t = new QCPItemText(m_curves);
        t->position->setType(QCPItemPosition::ptAxisRectRatio);
        t->position->setCoords(0.5, 0.5);
        t->setText(m_selected.isEmpty() ? tr("Select layers in the layer table to follow s and β over training")
                                        : tr("No history for the selected layers yet"));
        t->setColor(QColor(110, 110, 110));
    }
    m_curves->replot(QCustomPlot::rpQueuedReplot);
}

QString OffsetsView::toCsv() const
{
    QString out = csv::row(
        {QStringLiteral("layer"), QStringLiteral("step"), QStringLiteral("step_size"), QStringLiteral("offset")});
    for (const auto &snap : m_snapshots) {
        if (!snap)
            continue;
        const types::TensorQuantStats &t = m_tensor == Tensor::Weight ? snap->weight : snap->activation;
        if (t.valid)
            out += csv::row({QString::fromStdString(snap->layer), QString::number(snap->step), csv::num(t.step),
                             csv::num(t.offset)});
    }
    if (m_history) {
        for (const QString &name : m_selected) {
            const auto it = m_history->find(name.toStdString());
            if (it == m_history->end())
                continue;
            for (const StepOffsetSample &p : it->second)
                out += csv::row({name, QString::number(p.step), csv::num(p.stepSize), csv::num(p.offset)});
        }
    }
    return out;
}

} // namespace ql::ui
