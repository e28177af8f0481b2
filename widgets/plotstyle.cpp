#include "widgets/plotstyle_p.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ql::ui::plot {

QColor seriesColor(int index)
{
    static const QColor kColors[] = {QColor(0, 114, 178),   QColor(213, 94, 0),  QColor(0, 158, 115),
                                     QColor(204, 121, 167), QColor(230, 159, 0), QColor(86, 180, 233),
                                     QColor(120, 120, 120), QColor(240, 228, 66)};
    const int n = int(sizeof(kColors) / sizeof(kColors[0]));
    return kColors[((index % n) + n) % n];
}

QColor levelColor() { return QColor(0, 114, 178); }
QColor clipColor() { return QColor(213, 94, 0); }
QColor distributionColor() { return QColor(150, 150, 150); }

void setupPlot(QCustomPlot *plot)
{
    // Curves, items and legend symbols smooth; axis-aligned parts (axes, grids, bar fills)
    // crisp, which is also where most of the painting time goes.
    plot->setAntialiasedElements(QCP::aePlottables | QCP::aeItems | QCP::aeLegendItems | QCP::aeScatters);
    plot->setNotAntialiasedElements(QCP::aeAxes | QCP::aeGrid | QCP::aeSubGrid | QCP::aeZeroLine | QCP::aeFills |
                                    QCP::aeLegend | QCP::aeOther);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setNoAntialiasingOnDrag(true);
    plot->setMinimumSize(200, 130);
    QFont f = plot->font();
    f.setPointSizeF(9);
    for (QCPAxis *a : plot->axisRect()->axes()) {
        a->setTickLabelFont(f);
        QFont lf = f;
        lf.setPointSizeF(9.5);
        a->setLabelFont(lf);
    }
    plot->legend->setFont(f);
    plot->legend->setBrush(QColor(255, 255, 255, 215));
    plot->legend->setBorderPen(QPen(QColor(180, 180, 180)));
}

QCPTextElement *addTitle(QCustomPlot *plot, const QString &text)
{
    if (plot->plotLayout()->rowCount() == 0 || plot->plotLayout()->elementCount() == 0)
        plot->plotLayout()->addElement(0, 0, new QCPAxisRect(plot));
    plot->plotLayout()->insertRow(0);
    QFont f = plot->font();
    f.setPointSizeF(10);
    f.setBold(true);
    auto *title = new QCPTextElement(plot, text, f);
    plot->plotLayout()->addElement(0, 0, title);
    return title;
}

namespace {

// Re-flows a legend below a plot as the plot's width or its entries change: as many
// columns as the widest entry allows, at most maxColumns, so entries are never cut off.
class LegendFlow : public QObject {
public:
    LegendFlow(QCustomPlot *plot, int maxColumns) : QObject(plot), m_plot(plot), m_max(maxColumns)
    {
        plot->installEventFilter(this);
        // Entries come and go with the data: re-flow before every replot lays the legend out.
        connect(plot, &QCustomPlot::beforeReplot, this, [this] { apply(m_plot->width()); });
        apply(plot->width());
    }
    bool eventFilter(QObject *, QEvent *e) override
    {
        if (e->type() == QEvent::Resize)
            apply(static_cast<QResizeEvent *>(e)->size().width());
        return false;
    }

private:
    void apply(int width)
    {
        QCPLegend *legend = m_plot->legend;
        int widest = 0;
        for (int i = 0; i < legend->itemCount(); ++i)
            if (QCPAbstractLegendItem *item = legend->item(i))
                widest = std::max(widest, item->minimumOuterSizeHint().width());
        const int column = std::max(120, widest + legend->columnSpacing());
        const int usable = width - legend->margins().left() - legend->margins().right();
        const int cols = std::clamp(usable / column, 1, std::max(1, m_max));
        if (legend->wrap() == cols)
            return;
        legend->setWrap(cols);
        // setWrap() alone only places entries added later; re-flow the existing ones.
        legend->setFillOrder(legend->fillOrder(), /*rearrange=*/true);
    }
    QCustomPlot *m_plot;
    int m_max;
};

} // namespace

void legendBelow(QCustomPlot *plot, int columns)
{
    QCPLayoutInset *inset = plot->axisRect()->insetLayout();
    if (inset->take(plot->legend))
        inset->simplify();
    const int row = plot->plotLayout()->rowCount();
    plot->plotLayout()->addElement(row, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(row, 0.001);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    new LegendFlow(plot, columns);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setMargins(QMargins(4, 0, 4, 2));
    plot->legend->setVisible(true);
}

QCustomPlot *makePlot(QWidget *parent)
{
    auto *p = new QCustomPlot(parent);
    setupPlot(p);
    return p;
}

std::vector<double> levelsOf(const types::TensorQuantStats &stats)
{
    if (!stats.levels.empty())
        return stats.levels;
    std::vector<double> out;
    // The shown channel's step and offset where the quantizer has one per channel.
    const auto shown = size_t(std::max<int64_t>(0, stats.shownChannel));
    const double step = shown < stats.stepPerChannel.size() ? stats.stepPerChannel[shown] : stats.step;
    const double offset = shown < stats.offsetPerChannel.size() ? stats.offsetPerChannel[shown] : stats.offset;
    if (step > 0 && !stats.codeCounts.empty()) {
        out.reserve(stats.codeCounts.size());
        for (size_t i = 0; i < stats.codeCounts.size(); ++i)
            out.push_back(double(stats.codeLo + int64_t(i)) * step + offset);
    }
    return out;
}

QString shortName(const std::string &name, int maxChars)
{
    const QString n = QString::fromStdString(name);
    if (n.size() <= maxChars)
        return n;
    return QStringLiteral("…") + n.right(maxChars - 1);
}

QString percent(double fraction)
{
    if (!std::isfinite(fraction))
        return QStringLiteral("—");
    return QString::number(100.0 * fraction, 'f', fraction < 0.001 && fraction > 0 ? 3 : 2) + QStringLiteral(" %");
}

QString compact(double v)
{
    const double a = std::abs(v);
    if (a >= 1e12)
        return QString::number(v / 1e12, 'f', 2) + QStringLiteral(" T");
    if (a >= 1e9)
        return QString::number(v / 1e9, 'f', 2) + QStringLiteral(" G");
    if (a >= 1e6)
        return QString::number(v / 1e6, 'f', 2) + QStringLiteral(" M");
    if (a >= 1e3)
        return QString::number(v / 1e3, 'f', 1) + QStringLiteral(" k");
    return QString::number(v, 'g', 4);
}

void setCountAxis(QCPAxis *axis, bool logScale, double maxCount)
{
    if (logScale) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        QSharedPointer<QCPAxisTickerLog> t(new QCPAxisTickerLog);
        axis->setTicker(t);
        axis->setNumberFormat(QStringLiteral("eb"));
        axis->setNumberPrecision(0);
        axis->setRange(0.5, std::max(10.0, maxCount * 2.0));
    } else {
        axis->setScaleType(QCPAxis::stLinear);
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        axis->setNumberFormat(QStringLiteral("gb"));
        axis->setNumberPrecision(4);
        axis->setRange(0, std::max(1.0, maxCount * 1.12));
    }
}

DistributionDrawing drawDistribution(QCustomPlot *plot, const types::TensorQuantStats &stats,
                                     const std::vector<double> &rawLevels, bool logScale)
{
    DistributionDrawing out;
    QCPAxis *x = plot->xAxis;
    QCPAxis *y = plot->yAxis;
    const types::Histogram &h = stats.values;
    // Statistics come from training runs that can diverge: draw only what is finite.
    const bool histValid = std::isfinite(h.lo) && std::isfinite(h.hi) && h.hi > h.lo && !h.counts.empty();
    const bool clipValid = std::isfinite(stats.clipLo) && std::isfinite(stats.clipHi) && stats.clipHi > stats.clipLo;
    std::vector<double> levels;
    levels.reserve(rawLevels.size());
    for (double v : rawLevels)
        if (std::isfinite(v))
            levels.push_back(v);
    std::sort(levels.begin(), levels.end());

    double maxCount = 0;
    auto *bars = new QCPBars(x, y);
    bars->setName(QCoreApplication::translate("ql::ui::plot", "FP values"));
    bars->setPen(Qt::NoPen);
    bars->setBrush(distributionColor());
    if (histValid) {
        bars->setWidth(h.binWidth());
        QVector<double> keys, values;
        for (size_t i = 0; i < h.counts.size(); ++i) {
            const double c = std::isfinite(h.counts[i]) && h.counts[i] > 0 ? h.counts[i] : 0.0;
            keys << h.lo + (double(i) + 0.5) * h.binWidth();
            values << c;
            maxCount = std::max(maxCount, c);
        }
        bars->setData(keys, values, true);
    }

    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    if (histValid) {
        lo = h.lo;
        hi = h.hi;
    }
    if (clipValid) {
        lo = std::min(lo, stats.clipLo);
        hi = std::max(hi, stats.clipHi);
    }
    // Per channel: the levels and range are the shown channel's; the other channels' limits
    // spread around them, drawn as hatched bands.
    const bool perChannel = stats.channels > 1;
    const bool spread = clipValid && perChannel && std::isfinite(stats.clipLoMin) && std::isfinite(stats.clipLoMax) &&
                        std::isfinite(stats.clipHiMin) && std::isfinite(stats.clipHiMax) &&
                        (stats.clipLoMax > stats.clipLoMin || stats.clipHiMax > stats.clipHiMin);
    if (spread) {
        lo = std::min(lo, stats.clipLoMin);
        hi = std::max(hi, stats.clipHiMax);
    }
    out.levelCount = int(levels.size());
    if (!levels.empty()) {
        lo = std::min(lo, levels.front());
        hi = std::max(hi, levels.back());
    }
    if (!(hi > lo)) { // nothing finite to frame, or a single value
        const double c = std::isfinite(lo) ? lo : 0.0;
        lo = c - 1;
        hi = c + 1;
    }
    const double pad = (hi - lo) * 0.04;
    x->setRange(lo - pad, hi + pad);
    setCountAxis(y, logScale, maxCount);

    // A band over the plot's whole height from x = a to x = b, behind the data.
    const auto band = [plot](double a, double b, const QBrush &brush) {
        auto *r = new QCPItemRect(plot);
        r->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
        r->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
        r->topLeft->setCoords(a, 0);
        r->bottomRight->setCoords(b, 1);
        r->setPen(Qt::NoPen);
        r->setBrush(brush);
        r->setLayer(QStringLiteral("background"));
    };
    // Shade what lies outside the clipping range: the mass the quantizer clips.
    if (clipValid) {
        const QColor shade(clipColor().red(), clipColor().green(), clipColor().blue(), 40);
        band(lo - 10 * pad - std::abs(lo), stats.clipLo, shade);
        band(stats.clipHi, hi + 10 * pad + std::abs(hi), shade);
        for (double c : {stats.clipLo, stats.clipHi}) {
            auto *l = new QCPItemStraightLine(plot);
            l->point1->setCoords(c, 0);
            l->point2->setCoords(c, 1);
            l->setPen(QPen(clipColor(), 1.5, Qt::DashLine));
        }
    }
    const QBrush spreadBrush(QColor(clipColor().red(), clipColor().green(), clipColor().blue(), 110), Qt::BDiagPattern);
    if (spread) {
        band(stats.clipLoMin, stats.clipLoMax, spreadBrush);
        band(stats.clipHiMin, stats.clipHiMax, spreadBrush);
    }

    // Up to kMaxFullLevelLines levels: full-height lines over the distribution. Denser grids
    // (8 bits and up) would cover the histogram, so they become a comb of short ticks along
    // the bottom of the plot, which still shows where the levels lie and where they thin out.
    const bool comb = int(levels.size()) > kMaxFullLevelLines;
    if (int(levels.size()) <= kMaxLevelLines) {
        QColor lc = levelColor();
        lc.setAlpha(comb ? 160 : 200);
        const QPen pen(lc, comb ? 0.8 : 1.0);
        for (double v : levels) {
            if (comb) {
                auto *t = new QCPItemLine(plot);
                t->start->setTypeY(QCPItemPosition::ptAxisRectRatio);
                t->end->setTypeY(QCPItemPosition::ptAxisRectRatio);
                t->start->setCoords(v, 1.0);
                t->end->setCoords(v, 1.0 - kCombHeight);
                t->setPen(pen);
            } else {
                auto *l = new QCPItemStraightLine(plot);
                l->point1->setCoords(v, 0);
                l->point2->setCoords(v, 1);
                l->setPen(pen);
            }
            ++out.levelLines;
        }
    }
    out.levelComb = comb && out.levelLines > 0;

    out.clippedLowText =
        QCoreApplication::translate("ql::ui::plot", "clipped below: %1").arg(percent(stats.clippedLow));
    out.clippedHighText =
        QCoreApplication::translate("ql::ui::plot", "clipped above: %1").arg(percent(stats.clippedHigh));

    // Legend entries for the items, which QCustomPlot does not list by itself.
    auto *levelKey = new QCPGraph(x, y);
    levelKey->setName(
        levels.empty() ? QCoreApplication::translate("ql::ui::plot", "no levels reported")
        : out.levelComb
            ? QCoreApplication::translate("ql::ui::plot", "%1 levels (ticks along the bottom)").arg(out.levelCount)
        : out.levelLines == out.levelCount
            ? QCoreApplication::translate("ql::ui::plot", "%1 levels").arg(out.levelCount)
            : QCoreApplication::translate("ql::ui::plot", "%1 levels (too dense to draw)").arg(out.levelCount));
    if (perChannel && !levels.empty())
        levelKey->setName(levelKey->name() +
                          QCoreApplication::translate("ql::ui::plot", ", channel %1 of %2 (median range)")
                              .arg(stats.shownChannel)
                              .arg(stats.channels));
    levelKey->setPen(QPen(levelColor(), 1.5));
    if (clipValid) {
        auto *clipKey = new QCPGraph(x, y);
        clipKey->setName(
            (perChannel
                 ? QCoreApplication::translate("ql::ui::plot", "channel %1 clip range [%2, %3]").arg(stats.shownChannel)
                 : QCoreApplication::translate("ql::ui::plot", "clip range [%1, %2]"))
                .arg(stats.clipLo, 0, 'g', 3)
                .arg(stats.clipHi, 0, 'g', 3));
        clipKey->setPen(QPen(clipColor(), 1.5, Qt::DashLine));
    }
    if (spread) {
        auto *spreadKey = new QCPBars(x, y);
        spreadKey->setName(
            QCoreApplication::translate("ql::ui::plot", "clip limits of all %1 channels").arg(stats.channels));
        spreadKey->setPen(Qt::NoPen);
        spreadKey->setBrush(spreadBrush);
    }
    out.spreadBands = spread ? 2 : 0;
    return out;
}

} // namespace ql::ui::plot
