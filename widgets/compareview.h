#pragma once
#include "widgets/inspectorview.h"

#include "ql/types/telemetry.h"

class QLabel;
class QTableWidget;
class QCPTextElement;

namespace ql::ui {

/// Two quantizer configurations on the same layer side by side: each one's FP
/// distribution with its levels and clipping on shared axes, and their error
/// figures in a table with the better value in bold. GUI thread only.
class CompareView : public InspectorView {
    Q_OBJECT
public:
    explicit CompareView(QWidget *parent = nullptr);

    /// Shows the pair; statistics with valid == false leave that side empty.
    void setComparison(const QString &layer, const QString &labelA, const types::TensorQuantStats &a,
                       const QString &labelB, const types::TensorQuantStats &b);

    /// The error table (metric rows, one column per configuration).
    QTableWidget *table() const { return m_table; }
    int levelLineCount(int side) const { return m_levelLines[side & 1]; }

    QString viewTitle() const override;
    QString fileStem() const override { return QStringLiteral("compare"); }
    QList<QCustomPlot *> plots() const override;
    QString toCsv() const override;

private:
    void rebuild();

    QString m_layer;
    QString m_label[2];
    types::TensorQuantStats m_stats[2];
    int m_levelLines[2] = {0, 0};
    QLabel *m_heading;
    QCustomPlot *m_plot[2];
    QCPTextElement *m_title[2];
    QTableWidget *m_table;
};

} // namespace ql::ui
