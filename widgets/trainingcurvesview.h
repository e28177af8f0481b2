#pragma once
#include "widgets/inspectorview.h"

#include "ql/types/telemetry.h"

#include <vector>

class QCPItemStraightLine;
class QCPItemText;

namespace ql::ui {

/// Loss and accuracy over training steps (accuracy on the right axis, with
/// the FP32 baseline as a horizontal line), learning rate below. GUI thread only.
class TrainingCurvesView : public InspectorView {
    Q_OBJECT
public:
    explicit TrainingCurvesView(QWidget *parent = nullptr);

    /// Replaces the curves with these points (ascending steps).
    void setPoints(const std::vector<types::TrainingPoint> &points);
    /// FP32 accuracy in [0, 1]; negative hides the line.
    void setBaselineAccuracy(double accuracy);
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
