#include "widgets/levelsview.h"

#include "widgets/plotstyle_p.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace ql::ui {

namespace {

// A short vertical stroke as scatter shape: one tick per level.
QCPScatterStyle tickStyle(const QColor &c)
{
    QPainterPath path;
    path.moveTo(0, -7);
    path.lineTo(0, 7);
    QCPScatterStyle st(path, QPen(c, 1.6), Qt::NoBrush, 14);
    return st;
}

} // namespace

LevelsView::LevelsView(QWidget *parent)
    : InspectorView(parent), m_bitsBox(new QSpinBox(this)), m_variantBox(new QComboBox(this)),
      m_plot(plot::makePlot(this))
{
    m_bitsBox->setRange(2, 8);
    m_bitsBox->setValue(m_bits);
    m_bitsBox->setSuffix(tr(" bits"));
    m_variantBox->addItem(tr("POT/POST as in the papers (2^b + 1 levels)"));
    m_variantBox->addItem(tr("POT/POST strict (2^b − 1 levels, fits in b bits)"));
    auto *controlBar = new QWidget(this);
    auto *bar = new QHBoxLayout(controlBar);
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(new QLabel(tr("Signed weight levels at"), this));
    bar->addWidget(m_bitsBox);
    bar->addWidget(m_variantBox);
    bar->addStretch(1);

    // Two axis rects sharing the x axis: level rows above, distribution below.
    plot::addTitle(m_plot, QString());
    auto *lower = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(2, 0, lower);
    m_plot->plotLayout()->setRowStretchFactor(1, 1.0);
    m_plot->plotLayout()->setRowStretchFactor(2, 1.0);
    auto *group = new QCPMarginGroup(m_plot);
    m_plot->axisRect(0)->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    lower->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    connect(m_plot->xAxis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), lower->axis(QCPAxis::atBottom),
            qOverload<const QCPRange &>(&QCPAxis::setRange));
    connect(lower->axis(QCPAxis::atBottom), qOverload<const QCPRange &>(&QCPAxis::rangeChanged), m_plot->xAxis,
            qOverload<const QCPRange &>(&QCPAxis::setRange));
    for (QCPAxis *a : lower->axes())
        a->setTickLabelFont(m_plot->xAxis->tickLabelFont());
    m_plot->xAxis->setLabel(tr("level / α"));
    lower->axis(QCPAxis::atBottom)->setLabel(tr("weight / α (α = clipping threshold)"));
    lower->axis(QCPAxis::atLeft)->setLabel(tr("count"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(controlBar);
    setControls(controlBar);
    layout->addWidget(m_plot, 1);

    connect(m_bitsBox, &QSpinBox::valueChanged, this, &LevelsView::setBits);
    connect(m_variantBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setPotVariant(i == 0 ? types::PotVariant::Paper : types::PotVariant::Strict); });
    rebuild();
}

void LevelsView::setLevelProvider(LevelProvider provider)
{
    m_provider = std::move(provider);
    rebuild();
}

QString LevelsView::viewTitle() const { return tr("Level sets"); }

QList<QCustomPlot *> LevelsView::plots() const { return {m_plot}; }

void LevelsView::setBits(int bits)
{
    bits = std::clamp(bits, 2, 8);
    if (bits == m_bits)
        return;
    m_bits = bits;
    m_bitsBox->setValue(bits);
    rebuild();
}

void LevelsView::setPotVariant(types::PotVariant variant)
{
    if (variant == m_variant)
        return;
    m_variant = variant;
    m_variantBox->setCurrentIndex(variant == types::PotVariant::Paper ? 0 : 1);
    rebuild();
}

void LevelsView::setWeights(const types::Histogram &weights, double alpha, const QString &layer)
{
    m_weights = weights;
    m_alpha = alpha > 0 ? alpha : 1;
    m_layer = layer;
    rebuild();
}

std::vector<double> LevelsView::rowLevels(Row row) const
{
    switch (row) {
    case Uniform: return m_sets.uniform;
    case Pot: return m_sets.pot;
    case Post: return m_sets.post;
    case Apot: return m_sets.apot;
    default: return {};
    }
}

void LevelsView::rebuild()
{
    m_sets = m_provider ? m_provider(m_bits, m_variant) : types::LevelSets{};
    m_plot->clearPlottables();
    m_plot->clearItems();
    QCPAxisRect *top = m_plot->axisRect(0);
    QCPAxisRect *lower = m_plot->axisRect(1);
    const QString names[RowCount] = {tr("Uniform"), tr("POT"), tr("POST (√2)"), tr("APoT (k = 2)")};

    QSharedPointer<QCPAxisTickerText> rows(new QCPAxisTickerText);
    for (int r = 0; r < RowCount; ++r) {
        const std::vector<double> lv = rowLevels(Row(r));
        const double y = double(RowCount - 1 - r); // first row on top
        rows->addTick(y, lv.empty() ? tr("%1 (n/a)").arg(names[r]) : tr("%1 (%2)").arg(names[r]).arg(lv.size()));
        auto *g = m_plot->addGraph(top->axis(QCPAxis::atBottom), top->axis(QCPAxis::atLeft));
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(tickStyle(plot::seriesColor(r)));
        QVector<double> xs, ys;
        for (double v : lv) {
            xs << v;
            ys << y;
        }
        g->setData(xs, ys, true);
    }
    QCPAxis *rowAxis = top->axis(QCPAxis::atLeft);
    rowAxis->setTicker(rows);
    rowAxis->setRange(-0.6, double(RowCount) - 0.4);
    rowAxis->grid()->setVisible(false);
    top->setRangeZoom(Qt::Horizontal);
    top->setRangeDrag(Qt::Horizontal);
    m_plot->xAxis->setRange(-1.08, 1.08);

    auto *title = qobject_cast<QCPTextElement *>(m_plot->plotLayout()->element(0, 0));
    if (title)
        title->setText(
            tr("Signed %1-bit level sets (number of levels in brackets)\nnormalised to the clipping threshold α")
                .arg(m_bits));

    // Weight distribution below, in units of alpha.
    QCPAxis *lx = lower->axis(QCPAxis::atBottom);
    QCPAxis *ly = lower->axis(QCPAxis::atLeft);
    if (!m_weights.counts.empty()) {
        auto *bars = new QCPBars(lx, ly);
        bars->setPen(Qt::NoPen);
        bars->setBrush(plot::distributionColor());
        bars->setWidth(m_weights.binWidth() / m_alpha);
        QVector<double> k, v;
        double maxCount = 0;
        for (size_t i = 0; i < m_weights.counts.size(); ++i) {
            k << (m_weights.lo + (double(i) + 0.5) * m_weights.binWidth()) / m_alpha;
            v << m_weights.counts[i];
            maxCount = std::max(maxCount, m_weights.counts[i]);
        }
        bars->setData(k, v, true);
        ly->setRange(0, std::max(1.0, maxCount * 1.1));
        lx->setLabel(m_layer.isEmpty() ? tr("weight / α (α = clipping threshold)")
                                       : tr("weight / α of %1 (α = %2)").arg(m_layer).arg(m_alpha, 0, 'g', 3));
    } else {
        auto *t = new QCPItemText(m_plot);
        t->setClipAxisRect(lower);
        t->position->setAxisRect(lower);
        t->position->setType(QCPItemPosition::ptAxisRectRatio);
        t->position->setCoords(0.5, 0.5);
        t->setText(tr("Select a layer to see its weights under the levels"));
        t->setColor(QColor(110, 110, 110));
        ly->setRange(0, 1);
    }
    // The clipping threshold itself, in both rects.
    for (QCPAxisRect *rect : {top, lower}) {
        for (double c : {-1.0, 1.0}) {
            auto *l = new QCPItemStraightLine(m_plot);
            l->setClipAxisRect(rect);
            l->point1->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            l->point2->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            l->point1->setCoords(c, 0);
            l->point2->setCoords(c, 1);
            l->setPen(QPen(plot::clipColor(), 1, Qt::DashLine));
        }
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString LevelsView::toCsv() const
{
    QString out = csv::row({QStringLiteral("set"), QStringLiteral("bits"), QStringLiteral("level_over_alpha")});
    const char *const names[RowCount] = {"uniform", "pot", "post", "apot"};
    for (int r = 0; r < RowCount; ++r)
        for (double v : rowLevels(Row(r)))
            out += csv::row({QString::fromLatin1(names[r]), QString::number(m_bits), csv::num(v)});
    return out;
}

} // namespace ql::ui
