#pragma once
#include "widgets/inspectorview.h"

#include "ql/types/telemetry.h"

#include <memory>

class QComboBox;
class QCheckBox;
class QLabel;
class QStackedWidget;
class QCPTextElement;

namespace ql::ui {

class EmptyState;

/// The selected layer's FP distribution with the quantization levels drawn
/// over it, the clipping range shaded and the clipped mass written out, and
/// beside it the histogram of the integer codes used, unused codes marked
/// (as in the ASQ paper's Fig. 4). GUI thread only.
class HistogramView : public InspectorView {
    Q_OBJECT
public:
    enum class Tensor { Weight, Activation };

    explicit HistogramView(QWidget *parent = nullptr);

    /// Shows a layer's newest statistics; nullptr shows the empty state.
    void setSnapshot(std::shared_ptr<const types::LayerSnapshot> snapshot);
    std::shared_ptr<const types::LayerSnapshot> snapshot() const { return m_snapshot; }
    /// Shows that `layer` is selected but has no statistics yet (no job has run on it).
    void setLayerWithoutStatistics(const QString &layer);
    /// The empty state's title and hint, as the user reads them (empty while a plot shows).
    QString emptyTitle() const;
    QString emptyHint() const;

    void setTensor(Tensor tensor);
    Tensor tensor() const { return m_tensor; }
    void setLogScale(bool on);
    bool logScale() const { return m_log; }

    /// Vertical level lines currently drawn over the distribution.
    int levelLineCount() const { return m_levelLines; }
    /// Levels of the shown quantizer (equals levelLineCount() unless too dense to draw).
    int levelCount() const { return m_levelCount; }
    /// True when the levels are too many for full lines and show as ticks along the bottom.
    bool levelsAsComb() const { return m_levelComb; }
    QString clippedLowText() const { return m_clippedLow; }
    QString clippedHighText() const { return m_clippedHigh; }
    int usedCodeCount() const { return m_usedCodes; }
    int unusedCodeCount() const { return m_unusedCodes; }

    QString viewTitle() const override;
    QString fileStem() const override { return QStringLiteral("histogram"); }
    QList<QCustomPlot *> plots() const override;
    QString toCsv() const override;

Q_SIGNALS:
    void tensorChanged(ql::ui::HistogramView::Tensor tensor);

private:
    void rebuild();
    const types::TensorQuantStats *currentStats() const;

    std::shared_ptr<const types::LayerSnapshot> m_snapshot;
    QString m_pendingLayer;
    Tensor m_tensor = Tensor::Weight;
    bool m_log = false;
    int m_levelLines = 0;
    int m_levelCount = 0;
    bool m_levelComb = false;
    int m_usedCodes = 0;
    int m_unusedCodes = 0;
    QString m_clippedLow;
    QString m_clippedHigh;

    QComboBox *m_tensorBox;
    QCheckBox *m_logBox;
    QLabel *m_layerLabel;
    QStackedWidget *m_stack;
    EmptyState *m_empty;
    QCustomPlot *m_dist;
    QCustomPlot *m_codes;
    QCPTextElement *m_distTitle;
    QCPTextElement *m_codesTitle;
};

} // namespace ql::ui
