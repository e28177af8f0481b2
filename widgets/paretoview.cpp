#include "widgets/paretoview.h"

#include "widgets/plotstyle_p.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QSignalBlocker>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ql::ui {

namespace {

constexpr double kKiB = 1024.0;
constexpr double kGiga = 1e9;

QColor frontColor() { return plot::seriesColor(0); }
QColor uniformColor() { return plot::seriesColor(1); }
QColor budgetColor() { return QColor(213, 94, 0); }

QString bitsText(const types::LayerBits &b)
{
    return b.weightBits == b.actBits ? QStringLiteral("W%1A%1").arg(b.weightBits)
                                     : QStringLiteral("W%1A%2").arg(b.weightBits).arg(b.actBits);
}

} // namespace

ParetoView::ParetoView(QWidget *parent)
    : InspectorView(parent), m_plot(plot::makePlot(this)), m_axisBox(new QComboBox(this)),
      m_candidates(new QLineEdit(QStringLiteral("2,3,4,8"), this)), m_search(new QPushButton(tr("Search"), this)),
      m_firstLast(new QCheckBox(tr("first/last layer too"), this)), m_measure(new QComboBox(this)),
      m_budgetBox(new QDoubleSpinBox(this)), m_solve(new QPushButton(tr("Best within budget"), this)),
      m_status(new QLabel(this))
{
    qRegisterMetaType<std::vector<types::LayerBits>>();
    m_axisBox->addItem(tr("model size (KiB)"), int(Axis::Bytes));
    m_axisBox->addItem(tr("bit operations (GBOPs)"), int(Axis::Bops));
    m_axisBox->setToolTip(tr("Cost axis: weight storage as the packed export writes it, or bit operations (MACs x "
                             "weight bits x activation bits)"));
    m_candidates->setToolTip(tr("Bit-widths a layer may take, separated by commas"));
    m_search->setToolTip(tr("Measure every layer's sensitivity at every candidate and descend from the highest to "
                            "the lowest bits, measuring each configuration on the validation subset. Locked layers "
                            "keep their bits; what was measured before comes from the cache."));
    m_firstLast->setToolTip(tr("Let the search choose the first and last layer's bits too (else they keep 8 bits, "
                               "as in the papers); the uniform references then quantize every layer"));
    m_measure->addItem(tr("measured loss"), int(types::SensitivityMeasure::Empirical));
    m_measure->addItem(tr("Hessian trace"), int(types::SensitivityMeasure::Hessian));
    m_measure->setToolTip(tr("How the search predicts what lowering a layer costs: the loss increase measured with "
                             "only that tensor quantized, or HAWQ-v2's Hessian trace (Hutchinson, 16 samples) times "
                             "the quantization error. Every configuration is measured either way."));
    m_budgetBox->setDecimals(2);
    m_budgetBox->setRange(0, 1e12);
    m_budgetBox->setSuffix(tr(" KiB"));
    m_budgetBox->setToolTip(tr("Cost budget for the exact solver (best predicted accuracy within it)"));
    m_solve->setToolTip(tr("Solve the multiple-choice knapsack exactly from the measured sensitivities and mark its "
                           "choice"));
    // The controls stand in a column beside the plot: the dock is wide and low, and the plot
    // needs the height.
    auto *controlBar = new QWidget(this);
    auto *form = new QFormLayout(controlBar);
    form->setContentsMargins(0, 0, 6, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Candidates:"), m_candidates);
    form->addRow(tr("Predict by:"), m_measure);
    form->addRow(m_firstLast);
    form->addRow(m_search);
    form->addRow(tr("Cost:"), m_axisBox);
    form->addRow(tr("Budget:"), m_budgetBox);
    form->addRow(m_solve);
    controlBar->setMaximumWidth(260);

    plot::addTitle(m_plot, tr("Accuracy against cost of every measured configuration"));
    m_plot->yAxis->setLabel(tr("validation top-1 (%)"));
    plot::legendBelow(m_plot, 5);
    m_status->setWordWrap(true);
    auto *right = new QVBoxLayout;
    right->addWidget(m_plot, 1);
    right->addWidget(m_status);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(controlBar, 0, Qt::AlignTop);
    setControls(controlBar);
    layout->addLayout(right, 1);

    connect(m_axisBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setAxis(Axis(m_axisBox->itemData(i).toInt())); });
    connect(m_search, &QPushButton::clicked, this, [this] {
        const auto c = candidates();
        if (c.empty()) {
            m_status->setText(tr("Candidates must be bit-widths between 1 and 16 separated by commas, e.g. 2,3,4,8."));
            return;
        }
        Q_EMIT searchRequested(c);
    });
    connect(m_budgetBox, &QDoubleSpinBox::valueChanged, this,
            [this](double v) { m_budgetCost = v * (m_axis == Axis::Bytes ? kKiB : kGiga); });
    connect(m_solve, &QPushButton::clicked, this, [this] { Q_EMIT budgetRequested(budget(), m_axis); });
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent *e) {
        const int i = pointAt(e->position());
        if (i >= 0)
            QToolTip::showText(e->globalPosition().toPoint(), describe(i), m_plot);
        else
            QToolTip::hideText();
    });
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent *e) { m_pressAt = e->position(); });
    connect(m_plot, &QCustomPlot::mouseRelease, this, [this](QMouseEvent *e) {
        // A click, not the end of a drag.
        if ((e->position() - m_pressAt).manhattanLength() > 4 || e->button() != Qt::LeftButton)
            return;
        if (const int i = pointAt(e->position()); i >= 0)
            activate(i);
    });
    rebuild();
}

QString ParetoView::viewTitle() const { return tr("Mixed precision"); }

QList<QCustomPlot *> ParetoView::plots() const { return {m_plot}; }

void ParetoView::clear()
{
    m_points.clear();
    m_budget = {};
    m_fp32 = -1;
    rebuild();
}

void ParetoView::setResult(const types::MixedResult &result)
{
    m_points.clear();
    for (const auto &p : result.points)
        m_points.push_back({p, Kind::Searched});
    for (const auto &p : result.uniform)
        m_points.push_back({p, Kind::Uniform});
    m_budget = result.budgetPoint;
    m_fp32 = result.fp32Top1;
    rebuild();
}

void ParetoView::addPoint(const types::MixedPoint &point)
{
    Kind kind = Kind::Searched;
    if (point.label == "budget") {
        m_budget = point;
        rebuild();
        return;
    }
    if (!point.label.empty())
        kind = Kind::Uniform;
    m_points.push_back({point, kind});
    rebuild();
}

void ParetoView::setFp32Top1(double top1)
{
    m_fp32 = std::isfinite(top1) ? top1 : -1;
    rebuild();
}

void ParetoView::setBudgetPoint(const types::MixedPoint &point)
{
    m_budget = point;
    rebuild();
}

void ParetoView::setCurrent(const std::vector<types::LayerBits> &bits, double bytes, double bops)
{
    m_currentBits = bits;
    m_currentBytes = bytes;
    m_currentBops = bops;
    rebuild();
}

void ParetoView::setAxis(Axis axis)
{
    if (axis == m_axis)
        return;
    const double b = budget();
    m_axis = axis;
    m_axisBox->setCurrentIndex(m_axisBox->findData(int(axis)));
    {
        const QSignalBlocker block(m_budgetBox);
        m_budgetBox->setSuffix(axis == Axis::Bytes ? tr(" KiB") : tr(" GBOPs"));
    }
    // The budget keeps its place among the points: the same fraction of the cost range.
    double lo[2] = {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
    double hi[2] = {0, 0};
    for (const auto &e : m_points) {
        lo[0] = std::min(lo[0], double(e.point.bytes));
        hi[0] = std::max(hi[0], double(e.point.bytes));
        lo[1] = std::min(lo[1], e.point.bops);
        hi[1] = std::max(hi[1], e.point.bops);
    }
    const int from = axis == Axis::Bytes ? 1 : 0, to = 1 - from;
    if (hi[from] > lo[from] && b > 0)
        setBudget(lo[to] + (b - lo[from]) / (hi[from] - lo[from]) * (hi[to] - lo[to]));
    else
        setBudget(0); // bytes mean nothing as BOPs
    rebuild();
}

std::vector<int> ParetoView::candidates() const
{
    std::vector<int> out;
    for (const auto &part : m_candidates->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int b = part.trimmed().toInt(&ok);
        if (!ok || b < 1 || b > 16)
            return {};
        out.push_back(b);
    }
    return out;
}

bool ParetoView::searchFirstLast() const { return m_firstLast->isChecked(); }

types::SensitivityMeasure ParetoView::measure() const
{
    return types::SensitivityMeasure(m_measure->currentData().toInt());
}

double ParetoView::budget() const { return m_budgetCost; }

void ParetoView::setBudget(double cost)
{
    // The field shows two decimals of KiB or GBOPs; the budget itself stays exact.
    m_budgetCost = cost;
    const QSignalBlocker block(m_budgetBox);
    m_budgetBox->setValue(cost / (m_axis == Axis::Bytes ? kKiB : kGiga));
}

int ParetoView::frontCount() const { return int(std::count(m_front.begin(), m_front.end(), true)); }

QStringList ParetoView::uniformLabels() const
{
    std::vector<const Entry *> u;
    for (const auto &e : m_points)
        if (e.kind == Kind::Uniform)
            u.push_back(&e);
    std::stable_sort(u.begin(), u.end(), [this](auto *a, auto *b) { return xOf(a->point) < xOf(b->point); });
    QStringList out;
    for (const auto *e : u)
        out << QString::fromStdString(e->point.label);
    return out;
}

double ParetoView::xOf(const types::MixedPoint &p) const
{
    return m_axis == Axis::Bytes ? double(p.bytes) / kKiB : p.bops / kGiga;
}

QPointF ParetoView::plotted(int i) const
{
    const auto &p = m_points.at(size_t(i)).point;
    return {xOf(p), p.top1 >= 0 ? 100.0 * p.top1 : std::numeric_limits<double>::quiet_NaN()};
}

int ParetoView::pointAt(const QPointF &pixel, double radius) const
{
    int best = -1;
    double bestDistance = radius;
    for (int i = 0; i < pointCount(); ++i) {
        const QPointF at = plotted(i);
        if (!std::isfinite(at.y()))
            continue;
        const QPointF px(m_plot->xAxis->coordToPixel(at.x()), m_plot->yAxis->coordToPixel(at.y()));
        const double d = std::hypot(px.x() - pixel.x(), px.y() - pixel.y());
        if (d <= bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    return best;
}

QString ParetoView::describe(int i) const
{
    const auto &e = m_points.at(size_t(i));
    const auto &p = e.point;
    QString head = e.kind == Kind::Uniform ? tr("Uniform %1").arg(QString::fromStdString(p.label))
                   : m_front.at(size_t(i)) ? tr("On the front")
                                           : tr("Measured configuration");
    QString text = head + QStringLiteral("\n") +
                   tr("%1 KiB · %2 BOPs · top-1 %3")
                       .arg(double(p.bytes) / kKiB, 0, 'f', 1)
                       .arg(plot::compact(p.bops), p.top1 >= 0 ? plot::percent(p.top1) : tr("not measured"));
    if (p.agreement >= 0)
        text += tr(" · agreement with FP32 %1").arg(plot::percent(p.agreement));
    for (const auto &b : p.bits)
        text += QStringLiteral("\n%1  %2").arg(QString::fromStdString(b.layer), bitsText(b));
    return text + QStringLiteral("\n") + tr("Click to apply to the layer table");
}

void ParetoView::activate(int i)
{
    if (i < 0 || i >= pointCount())
        return;
    Q_EMIT pointActivated(point(i).bits);
}

void ParetoView::updateStatus()
{
    if (m_points.empty()) {
        m_status->setText(tr("No configurations yet: choose candidates and press Search. Lock layers in the layer "
                             "table to keep their bits."));
        return;
    }
    int searched = 0;
    for (const auto &e : m_points)
        searched += e.kind == Kind::Searched ? 1 : 0;
    QString text = tr("%1 configurations measured, %2 uniform, %3 on the front")
                       .arg(searched)
                       .arg(pointCount() - searched)
                       .arg(frontCount());
    if (m_fp32 >= 0)
        text += tr(" · FP32 top-1 %1").arg(plot::percent(m_fp32));
    if (!m_budget.bits.empty())
        text += tr(" · budget choice %1 KiB, %2 BOPs, top-1 %3")
                    .arg(double(m_budget.bytes) / kKiB, 0, 'f', 1)
                    .arg(plot::compact(m_budget.bops),
                         m_budget.top1 >= 0 ? plot::percent(m_budget.top1) : tr("not measured yet"));
    m_status->setText(text + QStringLiteral(". ") + tr("Hover a point for its bits; click it to apply them."));
}

void ParetoView::rebuild()
{
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_plot->xAxis->setLabel(m_axis == Axis::Bytes ? tr("model size: weights (KiB)") : tr("bit operations (GBOPs)"));

    std::vector<std::pair<double, double>> ca;
    for (int i = 0; i < pointCount(); ++i) {
        const QPointF at = plotted(i);
        ca.emplace_back(at.x(), at.y());
    }
    m_front = types::paretoFront(ca);

    m_currentIndex = -1;
    if (!m_currentBits.empty())
        for (int i = 0; i < pointCount(); ++i)
            if (point(i).bits == m_currentBits && std::isfinite(plotted(i).y()))
                m_currentIndex = i;

    QVector<double> ax, ay, fx, fy, ux, uy;
    double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
    std::vector<std::pair<double, double>> front;
    for (int i = 0; i < pointCount(); ++i) {
        const QPointF at = plotted(i);
        if (!std::isfinite(at.x()) || !std::isfinite(at.y()))
            continue;
        xlo = std::min(xlo, at.x());
        xhi = std::max(xhi, at.x());
        ylo = std::min(ylo, at.y());
        yhi = std::max(yhi, at.y());
        if (m_front[size_t(i)])
            front.emplace_back(at.x(), at.y());
        if (kind(i) == Kind::Uniform) {
            ux << at.x();
            uy << at.y();
        } else {
            ax << at.x();
            ay << at.y();
        }
    }
    std::sort(front.begin(), front.end());
    for (const auto &[x, y] : front) {
        fx << x;
        fy << y;
    }

    auto *all = m_plot->addGraph();
    all->setName(tr("measured configurations"));
    all->setLineStyle(QCPGraph::lsNone);
    all->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(120, 120, 120), QColor(200, 200, 200), 7));
    all->setData(ax, ay);

    auto *frontGraph = m_plot->addGraph();
    frontGraph->setName(tr("Pareto front"));
    frontGraph->setPen(QPen(frontColor(), 2.2));
    frontGraph->setLineStyle(QCPGraph::lsStepLeft);
    frontGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, frontColor(), frontColor(), 7));
    frontGraph->setData(fx, fy, true);

    auto *uniform = m_plot->addGraph();
    uniform->setName(tr("uniform WbAb"));
    uniform->setLineStyle(QCPGraph::lsNone);
    uniform->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, uniformColor(), uniformColor(), 11));
    uniform->setData(ux, uy);
    for (int i = 0; i < pointCount(); ++i) {
        if (kind(i) != Kind::Uniform || !std::isfinite(plotted(i).y()))
            continue;
        auto *label = new QCPItemText(m_plot);
        label->position->setCoords(plotted(i));
        // Under a point in the upper half of the plot, over one in the lower half: inside the axes.
        const bool upper = plotted(i).y() > (ylo + yhi) / 2;
        label->setPositionAlignment(Qt::AlignLeft | (upper ? Qt::AlignTop : Qt::AlignBottom));
        label->setPadding(QMargins(6, upper ? 2 : 0, 0, upper ? 0 : 2));
        label->setText(QString::fromStdString(point(i).label));
        label->setColor(uniformColor().darker(130));
        QFont f = label->font();
        f.setBold(true);
        label->setFont(f);
    }

    if (!m_budget.bits.empty()) {
        const double x = xOf(m_budget);
        xlo = std::min(xlo, x);
        xhi = std::max(xhi, x);
        if (m_budget.top1 >= 0) {
            auto *b = m_plot->addGraph();
            b->setName(tr("best within budget"));
            b->setLineStyle(QCPGraph::lsNone);
            b->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(budgetColor(), 2.5), Qt::NoBrush, 16));
            b->setData({x}, {100.0 * m_budget.top1});
            ylo = std::min(ylo, 100.0 * m_budget.top1);
            yhi = std::max(yhi, 100.0 * m_budget.top1);
        } else {
            auto *line = new QCPItemStraightLine(m_plot);
            line->point1->setCoords(x, 0);
            line->point2->setCoords(x, 1);
            line->setPen(QPen(budgetColor(), 1.6, Qt::DashLine));
        }
    }

    if (m_currentIndex >= 0) {
        auto *c = m_plot->addGraph();
        c->setName(tr("current configuration"));
        c->setLineStyle(QCPGraph::lsNone);
        c->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 2), Qt::NoBrush, 17));
        const QPointF at = plotted(m_currentIndex);
        c->setData({at.x()}, {at.y()});
    } else if (m_currentBytes >= 0 && std::isfinite(xlo)) {
        const double x = m_axis == Axis::Bytes ? m_currentBytes / kKiB : m_currentBops / kGiga;
        auto *line = new QCPItemStraightLine(m_plot);
        line->point1->setCoords(x, 0);
        line->point2->setCoords(x, 1);
        line->setPen(QPen(Qt::black, 1.2, Qt::DashLine));
        auto *t = new QCPItemText(m_plot);
        t->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        t->position->setCoords(x, 0.02);
        t->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        t->setPadding(QMargins(4, 0, 0, 0));
        t->setText(tr("current (not measured)"));
        xlo = std::min(xlo, x);
        xhi = std::max(xhi, x);
    }

    if (m_fp32 >= 0 && std::isfinite(ylo)) {
        const double y = 100.0 * m_fp32;
        auto *line = new QCPItemStraightLine(m_plot);
        line->point1->setCoords(0, y);
        line->point2->setCoords(1, y);
        line->setPen(QPen(QColor(90, 90, 90), 1.2, Qt::DotLine));
        auto *t = new QCPItemText(m_plot);
        t->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        // Under the line at the left: the small configurations there are far below FP32.
        t->position->setCoords(0.01, y);
        t->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        t->setText(tr("FP32 %1").arg(plot::percent(m_fp32)));
        t->setColor(QColor(90, 90, 90));
        yhi = std::max(yhi, y);
    }

    if (std::isfinite(xlo)) {
        const double xpad = std::max((xhi - xlo) * 0.06, std::abs(xhi) * 0.02 + 1e-9);
        // Accuracy: from a little under the worst point, so collapsed configurations do not squash
        // the interesting top of the plot when they are far below (they stay on the plot).
        const double ypad = std::max((yhi - ylo) * 0.06, 0.5);
        m_plot->xAxis->setRange(std::max(0.0, xlo - xpad), xhi + xpad);
        m_plot->yAxis->setRange(std::max(0.0, ylo - ypad), std::min(100.0, yhi + ypad));
        m_plot->xAxis->setTickLabels(true);
        m_plot->yAxis->setTickLabels(true);
    } else {
        m_plot->xAxis->setRange(0, 1);
        m_plot->yAxis->setRange(0, 1);
        m_plot->xAxis->setTickLabels(false);
        m_plot->yAxis->setTickLabels(false);
        auto *t = new QCPItemText(m_plot);
        t->position->setType(QCPItemPosition::ptAxisRectRatio);
        t->position->setCoords(0.5, 0.5);
        t->setText(tr("Run a search to see every configuration's accuracy against its size"));
        t->setColor(QColor(110, 110, 110));
    }
    m_plot->legend->setVisible(!m_points.empty());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    updateStatus();
}

QString ParetoView::toCsv() const
{
    QString csv = QStringLiteral("label,kind,bytes,bops,top1,agreement,predicted_loss,on_front,bits\n");
    for (int i = 0; i < pointCount(); ++i) {
        const auto &p = point(i);
        QStringList bits;
        for (const auto &b : p.bits)
            bits << QStringLiteral("%1=%2").arg(QString::fromStdString(b.layer), bitsText(b));
        const QString kindName = kind(i) == Kind::Uniform ? QStringLiteral("uniform") : QStringLiteral("searched");
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9\n")
                   .arg(QString::fromStdString(p.label), kindName)
                   .arg(p.bytes)
                   .arg(p.bops, 0, 'g', 12)
                   .arg(p.top1, 0, 'g', 8)
                   .arg(p.agreement, 0, 'g', 8)
                   .arg(p.predictedLoss, 0, 'g', 8)
                   .arg(m_front.at(size_t(i)) ? 1 : 0)
                   .arg(bits.join(QLatin1Char(' ')));
    }
    if (!m_budget.bits.empty())
        csv += QStringLiteral("budget,budget,%1,%2,%3,%4,%5,0,\n")
                   .arg(m_budget.bytes)
                   .arg(m_budget.bops, 0, 'g', 12)
                   .arg(m_budget.top1, 0, 'g', 8)
                   .arg(m_budget.agreement, 0, 'g', 8)
                   .arg(m_budget.predictedLoss, 0, 'g', 8);
    return csv;
}

} // namespace ql::ui
