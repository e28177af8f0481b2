#pragma once
#include "widgets/inspectorview.h"

#include "ql/types/telemetry.h"

#include <vector>

class QCPItemStraightLine;
class QCPItemText;

namespace ql::ui {

/// Loss and training accuracy over steps (accuracy on the right axis), the validation accuracy
/// after each epoch as markers, the FP32 reference as a horizontal line (from the points the
/// QAT job publishes, or setBaselineAccuracy), the learning rate beside. GUI thread only.
class TrainingCurvesView : public InspectorView {
    Q_OBJECT
public:
    explicit TrainingCurvesView(QWidget *parent = nullptr);

    /// Replaces the curves with these points (ascending steps).
    void setPoints(const std::vector<types::TrainingPoint> &points);
    /// FP32 accuracy in [0, 1]; negative: the one the points carry (none: no line).
    void setBaselineAccuracy(double accuracy);
    /// The reference line's accuracy in [0, 1], -1 when there is none.
    double effectiveBaseline() const;
    /// Validation accuracies drawn.
    int validationCount() const;
    double baselineAccuracy() const { return m_baseline; }
    int pointCount() const { return int(m_points.size()); }
    bool baselineVisible() const;

    QString viewTitle() const override;
    QString fileStem() const override { return QStringLiteral("training"); }
    QList<QCustomPlot *> plots() const override;
    QString toCsv() const override;

private:
    void rebuild();

    std::vector<types::TrainingPoint> m_points;
    double m_baseline = -1;
    QCustomPlot *m_plot;
    QCPItemStraightLine *m_baselineLine = nullptr;
    QCPItemText *m_baselineText = nullptr;
};

} // namespace ql::ui
