#include "widgets/trainingcurvesview.h"

#include "widgets/plotstyle_p.h"

#include <QVBoxLayout>

#include <algorithm>

namespace ql::ui {

TrainingCurvesView::TrainingCurvesView(QWidget *parent) : InspectorView(parent), m_plot(plot::makePlot(this))
{
    plot::addTitle(m_plot, tr("Training"));
    QCPAxisRect *top = m_plot->axisRect(0);
    // Loss and accuracy on the left, the learning rate beside them: the dock sits along the
    // bottom of the window, wide and low.
    auto *lower = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(1, 1, lower);
    m_plot->plotLayout()->setColumnStretchFactor(0, 2.5);
    m_plot->plotLayout()->setColumnStretchFactor(1, 1.0);
    auto *group = new QCPMarginGroup(m_plot);
    top->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    lower->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    connect(m_plot->xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), lower->axis(QCPAxis::atBottom),
            qOverload<const QCPRange &>(&QCPAxis::setRange));
    connect(lower->axis(QCPAxis::atBottom), qOverload<const QCPRange &>(&QCPAxis::rangeChanged), m_plot->xAxis,
            qOverload<const QCPRange &>(&QCPAxis::setRange));

    m_plot->xAxis->setLabel(tr("training step"));
    m_plot->yAxis->setLabel(tr("loss (cross-entropy)"));
    m_plot->yAxis2->setVisible(true);
    m_plot->yAxis2->setLabel(tr("top-1 accuracy (%)"));
    m_plot->yAxis2->setTickLabelFont(m_plot->yAxis->tickLabelFont());
    m_plot->yAxis2->setLabelFont(m_plot->yAxis->labelFont());
    m_plot->yAxis2->setRange(0, 100);
    lower->axis(QCPAxis::atBottom)->setLabel(tr("training step"));
    lower->axis(QCPAxis::atLeft)->setLabel(tr("learning rate"));
    for (QCPAxis *a : lower->axes()) {
        a->setTickLabelFont(m_plot->xAxis->tickLabelFont());
        a->setLabelFont(m_plot->xAxis->labelFont());
    }
    top->setRangeZoomAxes({m_plot->xAxis, m_plot->yAxis, m_plot->yAxis2});
    top->setRangeDragAxes({m_plot->xAxis, m_plot->yAxis, m_plot->yAxis2});

    auto *loss = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis);
    loss->setName(tr("loss (left axis)"));
    loss->setPen(QPen(plot::seriesColor(1), 1.6));
    auto *acc = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
    acc->setName(tr("accuracy (right axis)"));
    acc->setPen(QPen(plot::seriesColor(0), 1.8));
    auto *lr = m_plot->addGraph(lower->axis(QCPAxis::atBottom), lower->axis(QCPAxis::atLeft));
    lr->setPen(QPen(plot::seriesColor(2), 1.6));
    lr->removeFromLegend();
    auto *baseKey = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
    baseKey->setName(tr("FP32 baseline accuracy"));
    baseKey->setPen(QPen(QColor(60, 60, 60), 1.4, Qt::DashLine));
    auto *validation = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
    validation->setName(tr("validation accuracy (right axis)"));
    validation->setLineStyle(QCPGraph::lsNone);
    validation->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDiamond, plot::seriesColor(0).darker(130), plot::seriesColor(0), 10));

    m_baselineLine = new QCPItemStraightLine(m_plot);
    m_baselineLine->setClipAxisRect(top);
    for (QCPItemPosition *p : {m_baselineLine->point1, m_baselineLine->point2})
        p->setAxes(m_plot->xAxis, m_plot->yAxis2);
    m_baselineLine->setPen(QPen(QColor(60, 60, 60), 1.4, Qt::DashLine));
    m_baselineText = new QCPItemText(m_plot);
    m_baselineText->setClipAxisRect(top);
    m_baselineText->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    m_baselineText->position->setAxisRect(top);
    m_baselineText->position->setTypeY(QCPItemPosition::ptPlotCoords);
    m_baselineText->position->setAxes(m_plot->xAxis, m_plot->yAxis2);
    m_baselineText->setColor(QColor(60, 60, 60));

    plot::legendBelow(m_plot, 3);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_plot);
    rebuild();
}

QString TrainingCurvesView::viewTitle() const { return tr("Training curves"); }

QList<QCustomPlot *> TrainingCurvesView::plots() const { return {m_plot}; }

bool TrainingCurvesView::baselineVisible() const { return m_baselineLine->visible(); }

void TrainingCurvesView::setPoints(const std::vector<types::TrainingPoint> &points)
{
    m_points = points;
    rebuild();
}

void TrainingCurvesView::setBaselineAccuracy(double accuracy)
{
    m_baseline = accuracy;
    rebuild();
}

double TrainingCurvesView::effectiveBaseline() const
{
    if (m_baseline >= 0)
        return m_baseline;
    for (auto it = m_points.rbegin(); it != m_points.rend(); ++it)
        if (it->fp32Accuracy >= 0)
            return it->fp32Accuracy;
    return -1;
}

int TrainingCurvesView::validationCount() const { return m_plot->graph(4)->dataCount(); }

void TrainingCurvesView::rebuild()
{
    QVector<double> x, loss, acc, lr, vx, vacc;
    for (const auto &p : m_points) {
        if (p.validationAccuracy >= 0) {
            vx << double(p.step);
            vacc << 100.0 * p.validationAccuracy;
        }
        if (!p.hasTraining())
            continue; // the reference and validation points carry no training loss
        x << double(p.step);
        loss << p.loss;
        acc << 100.0 * p.accuracy;
        lr << p.learningRate;
    }
    m_plot->graph(0)->setData(x, loss, true);
    m_plot->graph(1)->setData(x, acc, true);
    m_plot->graph(2)->setData(x, lr, true);
    m_plot->graph(4)->setData(vx, vacc, true);
    if (vx.isEmpty())
        m_plot->graph(4)->removeFromLegend();
    else
        m_plot->graph(4)->addToLegend();
    const double baseline = effectiveBaseline();
    const bool base = baseline >= 0;
    m_baselineLine->setVisible(base);
    m_baselineText->setVisible(base);
    m_plot->graph(3)->removeFromLegend();
    if (base) {
        m_plot->graph(3)->addToLegend();
        m_baselineLine->point1->setCoords(0, 100.0 * baseline);
        m_baselineLine->point2->setCoords(1, 100.0 * baseline);
        m_baselineText->position->setCoords(0.99, 100.0 * baseline);
        m_baselineText->setText(tr("FP32 %1 %").arg(100.0 * baseline, 0, 'f', 2));
        // At the right end, where the loss has fallen away: above the line, or below it
        // when the line runs at the very top of the axis.
        m_baselineText->setPositionAlignment(Qt::AlignRight | (baseline > 0.96 ? Qt::AlignTop : Qt::AlignBottom));
    }

    auto *title = qobject_cast<QCPTextElement *>(m_plot->plotLayout()->element(0, 0));
    if (x.isEmpty()) {
        m_plot->xAxis->setRange(0, 100);
        m_plot->yAxis->setRange(0, 1);
        if (title)
            title->setText(tr("Training: no steps yet"));
    } else {
        const double last = std::max(1.0, x.back());
        m_plot->xAxis->setRange(x.front(), last);
        const auto [lmin, lmax] = std::minmax_element(loss.begin(), loss.end());
        m_plot->yAxis->setRange(0, std::max(1e-6, *lmax * 1.08));
        Q_UNUSED(lmin);
        const auto [rmin, rmax] = std::minmax_element(lr.begin(), lr.end());
        const double pad = std::max(1e-12, (*rmax - *rmin) * 0.1);
        m_plot->axisRect(1)->axis(QCPAxis::atLeft)->setRange(std::max(0.0, *rmin - pad), *rmax + pad);
        const auto latest =
            std::find_if(m_points.rbegin(), m_points.rend(), [](const auto &p) { return p.hasTraining(); });
        QString text = tr("Step %1 · epoch %2 · loss %3 · training accuracy %4 %")
                           .arg(latest->step)
                           .arg(latest->epoch, 0, 'f', 2)
                           .arg(latest->loss, 0, 'g', 4)
                           .arg(100.0 * latest->accuracy, 0, 'f', 2);
        if (!vacc.isEmpty())
            text += tr(" · validation %1 %").arg(vacc.back(), 0, 'f', 2);
        if (title)
            title->setText(text);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString TrainingCurvesView::toCsv() const
{
    QString out = csv::row({QStringLiteral("step"), QStringLiteral("epoch"), QStringLiteral("loss"),
                            QStringLiteral("accuracy"), QStringLiteral("learning_rate"),
                            QStringLiteral("validation_accuracy"), QStringLiteral("fp32_accuracy")});
    for (const auto &p : m_points)
        out += csv::row({QString::number(p.step), csv::num(p.epoch), p.hasTraining() ? csv::num(p.loss) : QString(),
                         p.hasTraining() ? csv::num(p.accuracy) : QString(), csv::num(p.learningRate),
                         p.validationAccuracy >= 0 ? csv::num(p.validationAccuracy) : QString(),
                         p.fp32Accuracy >= 0 ? csv::num(p.fp32Accuracy) : QString()});
    return out;
}

} // namespace ql::ui
