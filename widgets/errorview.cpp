#include "widgets/errorview.h"

#include "widgets/plotstyle_p.h"

#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace ql::ui {

namespace {

// Category labels: all of them when they fit, else every n-th; positions
// without a name get their index.
QSharedPointer<QCPAxisTickerText> categoryTicker(const std::vector<std::string> &names, size_t count, int maxLabels)
{
    QSharedPointer<QCPAxisTickerText> t(new QCPAxisTickerText);
    const int n = int(count);
    const int every = std::max(1, (n + maxLabels - 1) / maxLabels);
    for (int i = 0; i < n; i += every)
        t->addTick(i, size_t(i) < names.size() ? plot::shortName(names[size_t(i)]) : QString::number(i));
    return t;
}

void placeholder(QCustomPlot *p, const QString &text)
{
    auto *t = new QCPItemText(p);
    t->position->setType(QCPItemPosition::ptAxisRectRatio);
    t->position->setCoords(0.5, 0.5);
    t->setText(text);
    t->setColor(QColor(110, 110, 110));
}

} // namespace

ErrorView::ErrorView(QWidget *parent)
    : InspectorView(parent), m_blocks(plot::makePlot(this)), m_layers(plot::makePlot(this))
{
    plot::addTitle(m_blocks, tr("Error accumulated at each block output"));
    m_blocks->xAxis->setLabel(tr("block"));
    m_blocks->yAxis->setLabel(tr("‖y_fp − y_q‖₂"));
    plot::addTitle(m_layers, tr("Each layer's own rounding and clipping error"));
    m_layers->xAxis->setLabel(tr("layer"));
    m_layers->yAxis->setLabel(tr("‖x − x̂‖₂"));
    plot::legendBelow(m_blocks, 2);
    plot::legendBelow(m_layers, 2);
    // Side by side: the dock sits along the bottom of the window, wide and low.
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_blocks);
    split->addWidget(m_layers);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);
    rebuild();
}

QString ErrorView::viewTitle() const { return tr("Error accumulation"); }

QList<QCustomPlot *> ErrorView::plots() const { return {m_blocks, m_layers}; }

void ErrorView::setAccumulations(std::shared_ptr<const types::ErrorAccumulation> first,
                                 std::shared_ptr<const types::ErrorAccumulation> second)
{
    m_acc[0] = std::move(first);
    m_acc[1] = std::move(second);
    rebuild();
}

void ErrorView::rebuild()
{
    for (QCustomPlot *p : {m_blocks, m_layers}) {
        p->clearPlottables();
        p->clearItems();
    }
    m_blockCurves = m_layerSeries = 0;

    // Block curves.
    const types::ErrorAccumulation *names = nullptr;
    double maxBlock = 0, maxLayer = 0;
    size_t nBlocks = 0, nLayers = 0;
    const types::ErrorAccumulation *layerNames = nullptr;
    for (int i = 0; i < 2; ++i) {
        const auto &a = m_acc[i];
        if (!a)
            continue;
        if (!a->blockL2.empty()) {
            auto *g = m_blocks->addGraph();
            g->setName(QString::fromStdString(a->label));
            g->setPen(QPen(plot::seriesColor(i), 2));
            g->setScatterStyle(QCPScatterStyle(i == 0 ? QCPScatterStyle::ssCircle : QCPScatterStyle::ssSquare,
                                               plot::seriesColor(i), Qt::white, 7));
            QVector<double> x, y;
            for (size_t b = 0; b < a->blockL2.size(); ++b) {
                x << double(b);
                y << a->blockL2[b];
                maxBlock = std::max(maxBlock, a->blockL2[b]);
            }
            g->setData(x, y, true);
            ++m_blockCurves;
            if (a->blockL2.size() > nBlocks) {
                nBlocks = a->blockL2.size();
                names = a.get();
            }
        }
        nLayers = std::max(nLayers, a->layerL2.size());
        if (!layerNames || a->layers.size() > layerNames->layers.size())
            layerNames = a.get();
    }
    if (m_blockCurves > 0) {
        m_blocks->xAxis->setTicker(categoryTicker(names->blocks, nBlocks, 16));
        m_blocks->xAxis->setTickLabelRotation(nBlocks > 4 ? 35 : 0);
        m_blocks->xAxis->setRange(-0.5, double(nBlocks) - 0.5);
        m_blocks->yAxis->setRange(0, std::max(1e-9, maxBlock * 1.12));
    } else {
        placeholder(m_blocks, tr("Run \"Error accumulation\" on one or two configurations to compare them here"));
    }

    // Layer bars, grouped per layer.
    auto *group = new QCPBarsGroup(m_layers);
    group->setSpacingType(QCPBarsGroup::stAbsolute);
    group->setSpacing(1);
    const int series = (m_acc[0] && !m_acc[0]->layerL2.empty()) + (m_acc[1] && !m_acc[1]->layerL2.empty());
    for (int i = 0; i < 2; ++i) {
        const auto &a = m_acc[i];
        if (!a || a->layerL2.empty())
            continue;
        auto *bars = new QCPBars(m_layers->xAxis, m_layers->yAxis);
        bars->setName(QString::fromStdString(a->label));
        bars->setBrush(plot::seriesColor(i));
        bars->setPen(Qt::NoPen);
        bars->setWidth(series > 1 ? 0.4 : 0.7);
        bars->setBarsGroup(group);
        QVector<double> x, y;
        for (size_t l = 0; l < a->layerL2.size(); ++l) {
            x << double(l);
            y << a->layerL2[l];
            maxLayer = std::max(maxLayer, a->layerL2[l]);
        }
        bars->setData(x, y, true);
        ++m_layerSeries;
    }
    if (m_layerSeries > 0) {
        m_layers->xAxis->setTicker(
            categoryTicker(layerNames ? layerNames->layers : std::vector<std::string>{}, nLayers, 24));
        m_layers->xAxis->setTickLabelRotation(nLayers > 4 ? 45 : 0);
        m_layers->xAxis->setRange(-0.6, double(nLayers) - 0.4);
        m_layers->yAxis->setRange(0, std::max(1e-9, maxLayer * 1.12));
    } else {
        placeholder(m_layers, tr("No per-layer errors yet"));
    }
    m_blocks->replot(QCustomPlot::rpQueuedReplot);
    m_layers->replot(QCustomPlot::rpQueuedReplot);
}

QString ErrorView::toCsv() const
{
    QString out =
        csv::row({QStringLiteral("config"), QStringLiteral("kind"), QStringLiteral("name"), QStringLiteral("l2")});
    for (const auto &a : m_acc) {
        if (!a)
            continue;
        const QString label = QString::fromStdString(a->label);
        for (size_t b = 0; b < a->blockL2.size(); ++b)
            out += csv::row({label, QStringLiteral("block"),
                             b < a->blocks.size() ? QString::fromStdString(a->blocks[b]) : QString::number(b),
                             csv::num(a->blockL2[b])});
        for (size_t l = 0; l < a->layerL2.size(); ++l)
            out += csv::row({label, QStringLiteral("layer"),
                             l < a->layers.size() ? QString::fromStdString(a->layers[l]) : QString::number(l),
                             csv::num(a->layerL2[l])});
    }
    return out;
}

} // namespace ql::ui
