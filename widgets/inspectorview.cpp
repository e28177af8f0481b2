#include "widgets/inspectorview.h"

#include <qcustomplot.h>

namespace ql::ui {

InspectorView::InspectorView(QWidget *parent) : QWidget(parent) { }

void InspectorView::replotNow()
{
    for (QCustomPlot *p : plots())
        p->replot(QCustomPlot::rpImmediateRefresh);
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
