#pragma once
#include "widgets/inspectorview.h"

#include "ql/types/telemetry.h"

#include <memory>

namespace ql::ui {

/// Error accumulation of up to two configurations on the same axes: the L2
/// error at each block's output (ASQ Fig. 5) above, each layer's own
/// rounding/clipping error (ASQ Fig. 6) below. GUI thread only.
class ErrorView : public InspectorView {
    Q_OBJECT
public:
    explicit ErrorView(QWidget *parent = nullptr);

    /// Shows one or two configurations; either may be nullptr.
    void setAccumulations(std::shared_ptr<const types::ErrorAccumulation> first,
                          std::shared_ptr<const types::ErrorAccumulation> second = nullptr);

    /// Curves in the block plot (one per configuration shown).
    int blockCurveCount() const { return m_blockCurves; }
    /// Bar series in the layer plot.
    int layerSeriesCount() const { return m_layerSeries; }

    QString viewTitle() const override;
    QString fileStem() const override { return QStringLiteral("errors"); }
    QList<QCustomPlot *> plots() const override;
    QString toCsv() const override;

private:
    void rebuild();

    std::shared_ptr<const types::ErrorAccumulation> m_acc[2];
    int m_blockCurves = 0;
    int m_layerSeries = 0;
    QCustomPlot *m_blocks;
    QCustomPlot *m_layers;
};

} // namespace ql::ui
