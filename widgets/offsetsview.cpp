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
    auto *controlBar = new QWidget(this);
    auto *bar = new QHBoxLayout(controlBar);
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(new QLabel(tr("Step size s and offset β of:"), this));
    bar->addWidget(m_tensorBox);
    bar->addStretch(1);

    plot::addTitle(m_bars, tr("Newest step size s and offset β per layer"));
    m_bars->xAxis->setLabel(tr("layer"));
    m_bars->yAxis->setLabel(tr("step size s (real units, log)"));
    m_bars->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_bars->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_bars->yAxis2->setVisible(true);
    m_bars->yAxis2->setLabel(tr("offset β / s (grid steps)"));
    plot::addTitle(m_curves, tr("Movement over training, selected layers: s (solid), β (dashed)"));
    m_curves->xAxis->setLabel(tr("training step"));
    m_curves->yAxis->setLabel(tr("s / s at start"));
    m_curves->yAxis2->setVisible(true);
    m_curves->yAxis2->setLabel(tr("(β − β at start) / s at start"));
    for (QCustomPlot *p : {m_bars, m_curves}) {
        // The plots share the dock's height: few ticks, so that their labels never overlap.
        p->yAxis->ticker()->setTickCount(4);
        p->yAxis2->ticker()->setTickCount(4);
        p->yAxis2->setTickLabelFont(p->yAxis->tickLabelFont());
        p->yAxis2->setLabelFont(p->yAxis->labelFont());
        p->axisRect()->setRangeZoomAxes({p->xAxis, p->yAxis, p->yAxis2});
        p->axisRect()->setRangeDragAxes({p->xAxis, p->yAxis, p->yAxis2});
    }
    plot::legendBelow(m_bars, 2);
    plot::legendBelow(m_curves, 4);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_bars);
    split->addWidget(m_curves);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(controlBar);
    setControls(controlBar);
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
    // Step sizes span decades across layers and tensors: a log axis. Offsets are shown in units
    // of their layer's step (how many grid steps the grid is shifted), which compares across layers.
    QVector<double> keys, s, betaSteps;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    double sLo = 0, sHi = 0, bLo = 0, bHi = 0;
    for (const auto &snap : m_snapshots) {
        if (!snap)
            continue;
        const types::TensorQuantStats &t = m_tensor == Tensor::Weight ? snap->weight : snap->activation;
        if (!t.valid || !(t.step > 0))
            continue;
        const double k = double(m_barCount++);
        keys << k;
        s << t.step;
        betaSteps << t.offset / t.step;
        sLo = m_barCount == 1 ? t.step : std::min(sLo, t.step);
        sHi = std::max(sHi, t.step);
        bLo = std::min(bLo, betaSteps.back());
        bHi = std::max(bHi, betaSteps.back());
        ticker->addTick(k, plot::shortName(snap->layer));
    }
    auto *sGraph = m_bars->addGraph(m_bars->xAxis, m_bars->yAxis);
    sGraph->setName(tr("step size s (left, log scale)"));
    sGraph->setPen(QPen(plot::seriesColor(0), 1.2, Qt::DotLine));
    sGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, plot::seriesColor(0), plot::seriesColor(0), 8));
    sGraph->setData(keys, s, true);
    auto *bBars = new QCPBars(m_bars->xAxis, m_bars->yAxis2);
    bBars->setName(tr("offset β in steps, β / s (right)"));
    QColor bc = plot::seriesColor(1);
    bc.setAlpha(170);
    bBars->setBrush(bc);
    bBars->setPen(Qt::NoPen);
    bBars->setWidth(0.5);
    bBars->setData(keys, betaSteps, true);

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
    if (m_barCount > 0)
        m_bars->yAxis->setRange(sLo / 2, sHi * 2); // a factor of two of room in log space
    else
        m_bars->yAxis->setRange(1e-3, 1);
    const double pad = std::max(0.5, (bHi - bLo) * 0.1);
    m_bars->yAxis2->setRange(bLo - pad, bHi + pad);
    auto *zero = new QCPItemStraightLine(m_bars);
    for (QCPItemPosition *p : {zero->point1, zero->point2})
        p->setAxes(m_bars->xAxis, m_bars->yAxis2);
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
    // Each layer relative to its own start: s / s0 on the left, (beta - beta0) / s0 on the right,
    // so that layers of any scale share the axes and small movements show.
    QCPRange left, right;
    bool first = true;
    bool onlyStart = false;
    if (m_history) {
        for (const QString &name : m_selected) {
            if (colour >= kMaxCurves)
                break;
            const auto it = m_history->find(name.toStdString());
            if (it == m_history->end() || it->second.empty() || !(it->second.front().stepSize > 0))
                continue;
            if (it->second.size() < 2) { // the value at the start alone: nothing has moved yet
                onlyStart = true;
                continue;
            }
            const double s0 = it->second.front().stepSize, b0 = it->second.front().offset;
            QVector<double> x, s, b;
            for (const StepOffsetSample &p : it->second) {
                x << double(p.step);
                s << p.stepSize / s0;
                b << (p.offset - b0) / s0;
            }
            const QColor c = plot::seriesColor(colour++);
            auto *gs = m_curves->addGraph(m_curves->xAxis, m_curves->yAxis);
            gs->setName(name);
            gs->setPen(QPen(c, 2));
            gs->setData(x, s, true);
            auto *gb = m_curves->addGraph(m_curves->xAxis, m_curves->yAxis2);
            gb->setName(tr("%1: β").arg(name));
            gb->removeFromLegend(); // one entry per layer; the title says which line is which
            gb->setPen(QPen(c, 2, Qt::DashLine));
            gb->setData(x, b, true);
            m_curveCount += 2;
            const auto [smin, smax] = std::minmax_element(s.begin(), s.end());
            const auto [bmin, bmax] = std::minmax_element(b.begin(), b.end());
            if (first) {
                left = QCPRange(*smin, *smax);
                right = QCPRange(*bmin, *bmax);
                first = false;
            } else {
                left.expand(QCPRange(*smin, *smax));
                right.expand(QCPRange(*bmin, *bmax));
            }
            any = true;
        }
    }
    if (any) {
        m_curves->xAxis->rescale();
        // Movements of 1e-5 must show, and a flat line must not fill the axis with noise.
        const double lpad = std::max(1e-6, left.size() * 0.1), rpad = std::max(1e-4, right.size() * 0.1);
        m_curves->yAxis->setRange(left.lower - lpad, left.upper + lpad);
        m_curves->yAxis2->setRange(right.lower - rpad, right.upper + rpad);
    } else {
        m_curves->xAxis->setRange(0, 1);
        m_curves->yAxis->setRange(0.9, 1.1);
        m_curves->yAxis2->setRange(-1, 1);
        auto *t = new QCPItemText(m_curves);
        t->position->setType(QCPItemPosition::ptAxisRectRatio);
        t->position->setCoords(0.5, 0.5);
        t->setText(m_selected.isEmpty() ? tr("Select layers in the layer table to follow s and β over training")
                   : onlyStart          ? tr("Only the values at the start so far: run QAT to see s and β move")
                                        : tr("No history for the selected layers yet (run QAT)"));
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
