#pragma once
#include "widgets/inspectorview.h"

#include "ql/types/telemetry.h"

#include <memory>

class QComboBox;
class QCheckBox;

namespace ql::ui {

/// Error accumulation of up to two configurations on the same axes: the error at each block's
/// output (ASQ Fig. 5) on the left, each layer's own quantization error (ASQ Fig. 6) on the
/// right. Block errors are shown as relative error ‖y_fp − y_q‖/‖y_fp‖ (default: comparable
/// across blocks of different scale), SQNR in dB, or absolute L2; each configuration's curve
/// with weights and activations quantized can be split into weights-only and
/// activations-only curves. The layer bars are relative errors of the weights and of the
/// layer's input. GUI thread only.
class ErrorView : public InspectorView {
    Q_OBJECT
public:
    enum class Measure { Relative, SqnrDb, Absolute };

    explicit ErrorView(QWidget *parent = nullptr);

    /// Shows one or two configurations; either may be nullptr (both null: the empty state,
    /// axes back to their defaults).
    void setAccumulations(std::shared_ptr<const types::ErrorAccumulation> first,
                          std::shared_ptr<const types::ErrorAccumulation> second = nullptr);
    void setMeasure(Measure m);
    Measure measure() const { return m_measure; }
    /// Whether the weights-only and activations-only curves are drawn beside "both".
    void setSplit(bool split);
    bool split() const { return m_split; }

    /// Curves in the block plot.
    int blockCurveCount() const { return m_blockCurves; }
    /// Bar series in the layer plot.
    int layerSeriesCount() const { return m_layerSeries; }
    /// The value plotted for configuration `config`, variant 0 (both) / 1 (weights) / 2
    /// (activations), block `block` under the current measure (NaN when absent).
    double plotted(int config, int variant, int block) const;

    QString viewTitle() const override;
    QString fileStem() const override { return QStringLiteral("errors"); }
    QList<QCustomPlot *> plots() const override;
    QString toCsv() const override;

private:
    void rebuild();
    const std::vector<double> *series(const types::ErrorAccumulation &a, int variant) const;

    std::shared_ptr<const types::ErrorAccumulation> m_acc[2];
    Measure m_measure = Measure::Relative;
    bool m_split = true;
    int m_blockCurves = 0;
    int m_layerSeries = 0;
    QComboBox *m_measureBox;
    QCheckBox *m_splitBox;
    QCustomPlot *m_blocks;
    QCustomPlot *m_layers;
};

} // namespace ql::ui
