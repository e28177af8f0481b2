#include "widgets/inspectorview.h"

#include <qcustomplot.h>

#include <QAbstractItemView>

namespace ql::ui {

InspectorView::InspectorView(QWidget *parent) : QWidget(parent) { }

void InspectorView::replotNow()
{
    for (QCustomPlot *p : plots())
        p->replot(QCustomPlot::rpImmediateRefresh);
}

void InspectorView::forwardContextMenus()
{
    QList<QWidget *> targets;
    for (QCustomPlot *p : plots())
        targets << p;
    for (QAbstractItemView *v : findChildren<QAbstractItemView *>())
        targets << v->viewport();
    for (QWidget *w : targets) {
        w->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(w, &QWidget::customContextMenuRequested, this,
                [this, w](const QPoint &pos) { Q_EMIT customContextMenuRequested(w->mapTo(this, pos)); });
    }
}

void InspectorView::beginExport()
{
    m_controlsWereVisible = m_controls && m_controls->isVisibleTo(this);
    if (m_controlsWereVisible)
        m_controls->setVisible(false);
}

void InspectorView::endExport()
{
    if (m_controls && m_controlsWereVisible)
        m_controls->setVisible(true);
}

namespace csv {

QString field(const QString &s)
{
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n')))
        return s;
    QString q = s;
    q.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

QString row(const QStringList &fields)
{
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString &f : fields)
        quoted << field(f);
    return quoted.join(QLatin1Char(',')) + QLatin1Char('\n');
}

QString num(double v) { return QString::number(v, 'g', 10); }

} // namespace csv
} // namespace ql::ui
