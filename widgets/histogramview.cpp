#include "widgets/histogramview.h"

#include "widgets/emptystate.h"
#include "widgets/plotstyle_p.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace ql::ui {

HistogramView::HistogramView(QWidget *parent)
    : InspectorView(parent), m_tensorBox(new QComboBox(this)), m_logBox(new QCheckBox(tr("Log scale"), this)),
      m_layerLabel(new QLabel(this)), m_stack(new QStackedWidget(this)), m_dist(plot::makePlot(this)),
      m_codes(plot::makePlot(this))
{
    m_tensorBox->addItem(tr("Weights"));
    m_tensorBox->addItem(tr("Activations"));
    m_tensorBox->setToolTip(tr("Which tensor of the layer to show"));
    m_logBox->setToolTip(tr("Logarithmic count axis, to see the tails"));

    auto *controlBar = new QWidget(this);
    auto *bar = new QHBoxLayout(controlBar);
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_layerLabel, 1);
    bar->addWidget(m_tensorBox);
    bar->addWidget(m_logBox);

    m_distTitle = plot::addTitle(m_dist, QString());
    m_codesTitle = plot::addTitle(m_codes, QString());
    m_dist->xAxis->setLabel(tr("value (real units)"));
    m_dist->yAxis->setLabel(tr("count"));
    m_codes->xAxis->setLabel(tr("integer code"));
    m_codes->yAxis->setLabel(tr("count"));
    plot::legendBelow(m_dist, 3);
    plot::legendBelow(m_codes, 2);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_dist);
    split->addWidget(m_codes);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    m_empty = new EmptyState(QString(), QString(), this);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(split);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(controlBar);
    setControls(controlBar);
    layout->addWidget(m_stack, 1);

    connect(m_tensorBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setTensor(i == 0 ? Tensor::Weight : Tensor::Activation); });
    connect(m_logBox, &QCheckBox::toggled, this, &HistogramView::setLogScale);
    rebuild();
}

QString HistogramView::viewTitle() const { return tr("Histogram"); }

QList<QCustomPlot *> HistogramView::plots() const { return {m_dist, m_codes}; }

void HistogramView::setSnapshot(std::shared_ptr<const types::LayerSnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    m_pendingLayer.clear();
    rebuild();
}

void HistogramView::setLayerWithoutStatistics(const QString &layer)
{
    m_snapshot.reset();
    m_pendingLayer = layer;
    rebuild();
}

QString HistogramView::emptyTitle() const { return m_stack->currentIndex() == 0 ? m_empty->title() : QString(); }

QString HistogramView::emptyHint() const { return m_stack->currentIndex() == 0 ? m_empty->hint() : QString(); }

void HistogramView::setTensor(Tensor tensor)
{
    if (tensor == m_tensor)
        return;
    m_tensor = tensor;
    m_tensorBox->setCurrentIndex(tensor == Tensor::Weight ? 0 : 1);
    rebuild();
    Q_EMIT tensorChanged(tensor);
}

void HistogramView::setLogScale(bool on)
{
    if (on == m_log)
        return;
    m_log = on;
    m_logBox->setChecked(on);
    rebuild();
}

const types::TensorQuantStats *HistogramView::currentStats() const
{
    if (!m_snapshot)
        return nullptr;
    const types::TensorQuantStats &s = m_tensor == Tensor::Weight ? m_snapshot->weight : m_snapshot->activation;
    return s.valid ? &s : nullptr;
}

void HistogramView::rebuild()
{
    for (QCustomPlot *p : {m_dist, m_codes}) {
        p->clearPlottables();
        p->clearItems();
    }
    m_levelLines = m_levelCount = m_usedCodes = m_unusedCodes = 0;
    m_levelComb = false;
    m_clippedLow.clear();
    m_clippedHigh.clear();

    const types::TensorQuantStats *stats = currentStats();
    if (!stats) {
        const QString layer = m_snapshot ? QString::fromStdString(m_snapshot->layer) : m_pendingLayer;
        const QString tensor = m_tensor == Tensor::Weight ? tr("weight") : tr("activation");
        if (layer.isEmpty()) {
            m_layerLabel->setText(tr("No layer"));
            m_empty->setTitle(tr("No layer selected"));
            m_empty->setHint(tr("Select a layer in the layer table, or start a job: the distribution of its "
                                "weights or activations appears here with the quantization levels over it."));
        } else {
            m_layerLabel->setText(QStringLiteral("<b>%1</b>").arg(layer.toHtmlEscaped()));
            m_empty->setTitle(tr("%1: no %2 statistics yet").arg(layer, tensor));
            m_empty->setHint(m_tensor == Tensor::Weight
                                 ? tr("Run PTQ or QAT (toolbar): the distribution of this layer's weights appears "
                                      "here with the quantization levels over it, and updates while the job runs.")
                                 : tr("Run PTQ or QAT (toolbar): the distribution of this layer's activations "
                                      "appears here with the quantization levels over it, and updates while the "
                                      "job runs."));
        }
        m_stack->setCurrentIndex(0);
        return;
    }
    m_stack->setCurrentIndex(1);
    m_layerLabel->setText(
        tr("<b>%1</b> at step %2").arg(QString::fromStdString(m_snapshot->layer)).arg(m_snapshot->step));

    // Left: FP distribution, levels, clipping.
    const std::vector<double> levels = plot::levelsOf(*stats);
    const plot::DistributionDrawing d = plot::drawDistribution(m_dist, *stats, levels, m_log);
    m_levelLines = d.levelLines;
    m_levelComb = d.levelComb;
    m_levelCount = d.levelCount;
    m_clippedLow = d.clippedLowText;
    m_clippedHigh = d.clippedHighText;
    m_distTitle->setText(
        tr("FP %1 distribution\n%2\n%3")
            .arg(m_tensor == Tensor::Weight ? tr("weight") : tr("activation"), m_clippedLow, m_clippedHigh));

    // Right: integer codes used.
    const auto &codes = stats->codeCounts;
    QVector<double> keys, values, unusedKeys, unusedValues;
    double maxCount = 0;
    for (size_t i = 0; i < codes.size(); ++i)
        maxCount = std::max(maxCount, codes[i]);
    const double markY = m_log ? 0.7 : std::max(1.0, maxCount) * 0.03;
    for (size_t i = 0; i < codes.size(); ++i) {
        const double code = double(stats->codeLo + int64_t(i));
        keys << code;
        values << codes[i];
        if (codes[i] > 0) {
            ++m_usedCodes;
        } else {
            ++m_unusedCodes;
            unusedKeys << code;
            unusedValues << markY;
        }
    }
    auto *bars = new QCPBars(m_codes->xAxis, m_codes->yAxis);
    bars->setName(tr("used codes"));
    bars->setWidth(codes.size() > 64 ? 1.0 : 0.7);
    bars->setPen(Qt::NoPen);
    bars->setBrush(plot::levelColor());
    bars->setData(keys, values, true);
    auto *unused = new QCPGraph(m_codes->xAxis, m_codes->yAxis);
    unused->setName(tr("unused code"));
    unused->setLineStyle(QCPGraph::lsNone);
    unused->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, QPen(plot::clipColor(), 2), Qt::NoBrush, 9));
    unused->setData(unusedKeys, unusedValues, true);
    if (!codes.empty()) {
        const double lo = double(stats->codeLo), hi = double(stats->codeLo + int64_t(codes.size()) - 1);
        m_codes->xAxis->setRange(lo - 0.8, hi + 0.8);
        // Integer ticks only; the ticker thins them out as the code range grows.
        QSharedPointer<QCPAxisTickerFixed> t(new QCPAxisTickerFixed);
        t->setTickStep(1);
        t->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        t->setTickCount(codes.size() <= 8 ? int(codes.size()) : 6);
        m_codes->xAxis->setTicker(t);
        const int64_t total = stats->codesTotal > 0 ? stats->codesTotal : int64_t(codes.size());
        const int64_t used = stats->codesTotal > 0 ? stats->codesUsed : m_usedCodes;
        const bool sparse = total > 1 && 2 * used < total;
        m_codesTitle->setText(sparse ? tr("Integer codes\n%1 of %2 used: under half").arg(used).arg(total)
                                     : tr("Integer codes\n%1 of %2 used").arg(used).arg(total));
        m_codesTitle->setTextColor(sparse ? plot::clipColor() : QColor(Qt::black));
        m_codes->setToolTip(sparse ? tr("The quantizer's range is much wider than the values it sees: most of "
                                        "its codes never occur, which wastes bits")
                                   : QString());
        m_codes->legend->setVisible(true);
    } else {
        m_codesTitle->setText(tr("Integer codes\nnot reported"));
        m_codesTitle->setTextColor(QColor(Qt::black));
    }
    plot::setCountAxis(m_codes->yAxis, m_log, maxCount);

    m_dist->replot(QCustomPlot::rpQueuedReplot);
    m_codes->replot(QCustomPlot::rpQueuedReplot);
}

QString HistogramView::toCsv() const
{
    QString out = csv::row({QStringLiteral("series"), QStringLiteral("x"), QStringLiteral("value")});
    const types::TensorQuantStats *stats = currentStats();
    if (!stats)
        return out;
    const types::Histogram &h = stats->values;
    for (size_t i = 0; i < h.counts.size(); ++i)
        out += csv::row({QStringLiteral("fp_bin_center"), csv::num(h.lo + (double(i) + 0.5) * h.binWidth()),
                         csv::num(h.counts[i])});
    for (double l : plot::levelsOf(*stats))
        out += csv::row({QStringLiteral("level"), csv::num(l), QString()});
    for (size_t i = 0; i < stats->codeCounts.size(); ++i)
        out += csv::row(
            {QStringLiteral("code"), QString::number(stats->codeLo + int64_t(i)), csv::num(stats->codeCounts[i])});
    out += csv::row({QStringLiteral("clipped_low_fraction"), csv::num(stats->clipLo), csv::num(stats->clippedLow)});
    out += csv::row({QStringLiteral("clipped_high_fraction"), csv::num(stats->clipHi), csv::num(stats->clippedHigh)});
    return out;
}

} // namespace ql::ui
