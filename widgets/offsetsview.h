#pragma once
#include "widgets/inspectorview.h"

#include "ql/types/telemetry.h"

#include <QStringList>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QComboBox;

namespace ql::ui {

/// One point of a layer's quantizer parameters over training.
struct StepOffsetSample {
    std::int64_t step = 0;
    double stepSize = 0; ///< s
    double offset = 0; ///< learned offset beta
};
/// Layer name -> its samples, ascending in step.
using StepOffsetSeries = std::map<std::string, std::vector<StepOffsetSample>>;

/// Learned step size s and offset beta of every layer as bars (newest values),
/// and as curves over training steps for the selected layers (LSQ+ Fig. 2).
/// GUI thread only.
class OffsetsView : public InspectorView {
    Q_OBJECT
public:
    enum class Tensor { Weight, Activation };

    explicit OffsetsView(QWidget *parent = nullptr);

    /// Newest per-layer values, in layer order (bars).
    void setSnapshots(const std::vector<std::shared_ptr<const types::LayerSnapshot>> &snapshots);
    /// History of s and beta per layer (curves).
    void setHistory(std::shared_ptr<const StepOffsetSeries> history);
    /// Layers whose curves are drawn (at most kMaxCurves are shown).
    void setSelectedLayers(const QStringList &layers);
    QStringList selectedLayers() const { return m_selected; }
    void setTensor(Tensor tensor);
    Tensor tensor() const { return m_tensor; }

    /// Bars drawn per quantity (= layers with valid statistics).
    int barCount() const { return m_barCount; }
    /// Curves drawn (two per selected layer with history: s and beta).
    int curveCount() const { return m_curveCount; }
    static constexpr int kMaxCurves = 8;

    QString viewTitle() const override;
    QString fileStem() const override { return QStringLiteral("offsets"); }
    QList<QCustomPlot *> plots() const override;
    QString toCsv() const override;

private:
    void rebuildBars();
    void rebuildCurves();

    std::vector<std::shared_ptr<const types::LayerSnapshot>> m_snapshots;
    std::shared_ptr<const StepOffsetSeries> m_history;
    QStringList m_selected;
    Tensor m_tensor = Tensor::Activation;
    int m_barCount = 0;
    int m_curveCount = 0;
    QComboBox *m_tensorBox;
    QCustomPlot *m_bars;
    QCustomPlot *m_curves;
};

} // namespace ql::ui
