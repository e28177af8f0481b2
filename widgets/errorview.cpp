#include "widgets/errorview.h"

#include "widgets/plotstyle_p.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

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
    t->setClipToAxisRect(false);
}

void resetAxes(QCustomPlot *p)
{
    p->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    p->xAxis->setTickLabelRotation(0);
    p->xAxis->setRange(0, 1);
    p->yAxis->setRange(0, 1);
    p->xAxis->setTickLabels(false);
    p->yAxis->setTickLabels(false);
}

const Qt::PenStyle kVariantStyle[3] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine};

} // namespace

ErrorView::ErrorView(QWidget *parent)
    : InspectorView(parent), m_measureBox(new QComboBox(this)),
      m_splitBox(new QCheckBox(tr("weights / activations"), this)), m_blocks(plot::makePlot(this)),
      m_layers(plot::makePlot(this))
{
    m_measureBox->addItem(tr("relative error ‖y_fp − y_q‖ / ‖y_fp‖"), int(Measure::Relative));
    m_measureBox->addItem(tr("SQNR (dB)"), int(Measure::SqnrDb));
    m_measureBox->addItem(tr("absolute error ‖y_fp − y_q‖₂"), int(Measure::Absolute));
    m_measureBox->setToolTip(tr("Relative error and SQNR compare blocks of different scale; the absolute L2 error "
                                "falls after every pooling layer"));
    m_splitBox->setChecked(m_split);
    m_splitBox->setToolTip(tr("Also draw each configuration with only its weights (dashed) and only its activations "
                              "(dotted) quantized"));
    auto *controlBar = new QWidget(this);
    auto *bar = new QHBoxLayout(controlBar);
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(new QLabel(tr("Block error:"), this));
    bar->addWidget(m_measureBox);
    bar->addWidget(m_splitBox);
    bar->addStretch(1);

    plot::addTitle(m_blocks, tr("Error at each block output (model quantized up to that block)"));
    m_blocks->xAxis->setLabel(tr("block"));
    plot::addTitle(m_layers, tr("Each layer's own quantization error"));
    m_layers->xAxis->setLabel(tr("layer"));
    m_layers->yAxis->setLabel(tr("relative error (%)"));
    plot::legendBelow(m_blocks, 3);
    plot::legendBelow(m_layers, 2);
    // Side by side: the dock sits along the bottom of the window, wide and low.
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_blocks);
    split->addWidget(m_layers);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(controlBar);
    setControls(controlBar);
    layout->addWidget(split, 1);
    connect(m_measureBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setMeasure(Measure(m_measureBox->itemData(i).toInt())); });
    connect(m_splitBox, &QCheckBox::toggled, this, &ErrorView::setSplit);
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

void ErrorView::setMeasure(Measure m)
{
    if (m == m_measure)
        return;
    m_measure = m;
    m_measureBox->setCurrentIndex(m_measureBox->findData(int(m)));
    rebuild();
}

void ErrorView::setSplit(bool split)
{
    if (split == m_split)
        return;
    m_split = split;
    m_splitBox->setChecked(split);
    rebuild();
}

const std::vector<double> *ErrorView::series(const types::ErrorAccumulation &a, int variant) const
{
    const types::BlockErrors &e = variant == 0 ? a.both : variant == 1 ? a.weightsOnly : a.activationsOnly;
    const std::vector<double> *v = m_measure == Measure::Relative ? &e.relative
                                   : m_measure == Measure::SqnrDb ? &e.sqnrDb
                                                                  : &e.l2;
    // Older results carry only the absolute error of the fully quantized model.
    if (variant == 0 && m_measure == Measure::Absolute && v->empty())
        v = &a.blockL2;
    return v->empty() ? nullptr : v;
}

double ErrorView::plotted(int config, int variant, int block) const
{
    if (config < 0 || config > 1 || !m_acc[config])
        return std::numeric_limits<double>::quiet_NaN();
    const auto *v = series(*m_acc[config], variant);
    if (!v || block < 0 || block >= int(v->size()))
        return std::numeric_limits<double>::quiet_NaN();
    return m_measure == Measure::Relative ? 100.0 * (*v)[size_t(block)] : (*v)[size_t(block)];
}

void ErrorView::rebuild()
{
    for (QCustomPlot *p : {m_blocks, m_layers}) {
        p->clearPlottables();
        p->clearItems();
        p->xAxis->setTickLabels(true);
        p->yAxis->setTickLabels(true);
    }
    m_blockCurves = m_layerSeries = 0;
    m_blocks->yAxis->setLabel(m_measure == Measure::Relative ? tr("relative error (%)")
                              : m_measure == Measure::SqnrDb ? tr("SQNR (dB, higher is better)")
                                                             : tr("L2 error ‖y_fp − y_q‖₂ (output units)"));
    const QString variantName[3] = {tr("weights + activations"), tr("weights only"), tr("activations only")};

    // Block curves.
    const types::ErrorAccumulation *names = nullptr;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    size_t nBlocks = 0, nLayers = 0;
    const types::ErrorAccumulation *layerNames = nullptr;
    for (int i = 0; i < 2; ++i) {
        const auto &a = m_acc[i];
        if (!a)
            continue;
        for (int variant = 0; variant < (m_split ? 3 : 1); ++variant) {
            const auto *v = series(*a, variant);
            if (!v)
                continue;
            auto *g = m_blocks->addGraph();
            g->setName(QString::fromStdString(a->label) +
                       (m_split ? QStringLiteral(": ") + variantName[variant] : QString()));
            g->setPen(QPen(plot::seriesColor(i), variant == 0 ? 2.2 : 1.4, kVariantStyle[variant]));
            if (variant == 0)
                g->setScatterStyle(QCPScatterStyle(i == 0 ? QCPScatterStyle::ssCircle : QCPScatterStyle::ssSquare,
                                                   plot::seriesColor(i), Qt::white, 7));
            QVector<double> x, y;
            for (size_t b = 0; b < v->size(); ++b) {
                const double value = plotted(i, variant, int(b));
                if (!std::isfinite(value))
                    continue; // SQNR of an exact block: no noise
                x << double(b);
                y << value;
                lo = std::min(lo, value);
                hi = std::max(hi, value);
            }
            g->setData(x, y, true);
            ++m_blockCurves;
            if (v->size() > nBlocks) {
                nBlocks = v->size();
                names = a.get();
            }
        }
        nLayers = std::max(nLayers, std::max(a->layerWeightRel.size(), a->layerL2.size()));
        if (!layerNames || a->layers.size() > layerNames->layers.size())
            layerNames = a.get();
    }
    if (m_blockCurves > 0 && std::isfinite(lo)) {
        m_blocks->xAxis->setTicker(categoryTicker(names->blocks, nBlocks, 16));
        m_blocks->xAxis->setTickLabelRotation(nBlocks > 4 ? 35 : 0);
        m_blocks->xAxis->setRange(-0.5, double(nBlocks) - 0.5);
        if (m_measure == Measure::SqnrDb)
            m_blocks->yAxis->setRange(std::min(0.0, lo - 2), hi + 0.08 * std::max(1.0, hi - std::min(0.0, lo)));
        else
            m_blocks->yAxis->setRange(0, std::max(1e-9, hi * 1.12));
    } else {
        resetAxes(m_blocks);
        placeholder(m_blocks,
                    tr("Run \"Error accumulation\" (tool bar)\nto see how the error builds up, block by block"));
    }

    // Layer bars, grouped per layer: relative weight error and relative input error.
    auto *group = new QCPBarsGroup(m_layers);
    group->setSpacingType(QCPBarsGroup::stAbsolute);
    group->setSpacing(1);
    struct Series {
        int config;
        bool weights;
    };
    std::vector<Series> wanted;
    for (int i = 0; i < 2; ++i) {
        if (!m_acc[i])
            continue;
        if (!m_acc[i]->layerWeightRel.empty())
            wanted.push_back({i, true});
        if (!m_acc[i]->layerActRel.empty())
            wanted.push_back({i, false});
    }
    double maxLayer = 0;
    for (const auto &s : wanted) {
        const auto &a = *m_acc[s.config];
        const auto &v = s.weights ? a.layerWeightRel : a.layerActRel;
        auto *bars = new QCPBars(m_layers->xAxis, m_layers->yAxis);
        bars->setName(QString::fromStdString(a.label) + (s.weights ? tr(": weights") : tr(": input activations")));
        QColor c = plot::seriesColor(s.config);
        if (!s.weights)
            c = c.lighter(150);
        bars->setBrush(c);
        bars->setPen(Qt::NoPen);
        bars->setWidth(0.8 / double(wanted.size()));
        bars->setBarsGroup(group);
        QVector<double> x, y;
        for (size_t l = 0; l < v.size(); ++l) {
            x << double(l);
            y << 100.0 * v[l];
            maxLayer = std::max(maxLayer, 100.0 * v[l]);
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
        resetAxes(m_layers);
        placeholder(m_layers, tr("Per-layer errors appear\nwith the block errors"));
    }
    m_blocks->replot(QCustomPlot::rpQueuedReplot);
    m_layers->replot(QCustomPlot::rpQueuedReplot);
}

QString ErrorView::toCsv() const
{
    QString out =
        csv::row({QStringLiteral("config"), QStringLiteral("kind"), QStringLiteral("name"), QStringLiteral("variant"),
                  QStringLiteral("l2"), QStringLiteral("relative"), QStringLiteral("sqnr_db")});
    const char *const variants[3] = {"both", "weights", "activations"};
    for (const auto &a : m_acc) {
        if (!a)
            continue;
        const QString label = QString::fromStdString(a->label);
        for (int v = 0; v < 3; ++v) {
            const auto &e = v == 0 ? a->both : v == 1 ? a->weightsOnly : a->activationsOnly;
            const size_t n = std::max({e.l2.size(), e.relative.size(), v == 0 ? a->blockL2.size() : size_t(0)});
            for (size_t b = 0; b < n; ++b) {
                const double l2 = b < e.l2.size() ? e.l2[b] : (v == 0 && b < a->blockL2.size() ? a->blockL2[b] : NAN);
                out += csv::row({label, QStringLiteral("block"),
                                 b < a->blocks.size() ? QString::fromStdString(a->blocks[b]) : QString::number(b),
                                 QString::fromLatin1(variants[v]), csv::num(l2),
                                 b < e.relative.size() ? csv::num(e.relative[b]) : QString(),
                                 b < e.sqnrDb.size() ? csv::num(e.sqnrDb[b]) : QString()});
            }
        }
        for (size_t l = 0; l < a->layers.size(); ++l) {
            const QString name = QString::fromStdString(a->layers[l]);
            out += csv::row({label, QStringLiteral("layer"), name, QStringLiteral("weights"),
                             l < a->layerL2.size() ? csv::num(a->layerL2[l]) : QString(),
                             l < a->layerWeightRel.size() ? csv::num(a->layerWeightRel[l]) : QString(), QString()});
            out += csv::row({label, QStringLiteral("layer"), name, QStringLiteral("activations"), QString(),
                             l < a->layerActRel.size() ? csv::num(a->layerActRel[l]) : QString(), QString()});
        }
    }
    return out;
}

} // namespace ql::ui
