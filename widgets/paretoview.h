#pragma once
#include "widgets/inspectorview.h"

#include "ql/types/mixed.h"

#include <QPointF>

#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QCPGraph;
class QCPItemLine;

namespace ql::ui {

/// Mixed precision: every configuration a search measured as a point of validation accuracy
/// against model size (or bit operations), the Pareto front as a line, the uniform WbAb
/// configurations as labelled markers, the exact solver's choice for a budget and the layer
/// table's current configuration. Points arrive one by one while the search runs (addPoint) or
/// all at once (setResult). Hovering a point shows its bits layer by layer; clicking it asks for
/// it to be applied (pointActivated). GUI thread only.
class ParetoView : public InspectorView {
    Q_OBJECT
public:
    enum class Axis { Bytes, Bops };
    /// What a plotted point is.
    enum class Kind { Searched, Uniform, Budget };

    explicit ParetoView(QWidget *parent = nullptr);

    /// Forgets every point (a new model, a new search).
    void clear();
    /// Replaces the points with a finished (or cancelled) search's.
    void setResult(const types::MixedResult &result);
    /// Adds one measured configuration (live, while the search runs).
    void addPoint(const types::MixedPoint &point);
    /// The FP32 accuracy drawn as a reference line ([0, 1]; NaN: none).
    void setFp32Top1(double top1);
    /// Marks the exact solver's choice for a budget (its bits empty: no choice).
    void setBudgetPoint(const types::MixedPoint &point);
    /// The layer table's configuration: the point with these bits is ringed, or, when no point
    /// has them, a dashed line marks its size.
    void setCurrent(const std::vector<types::LayerBits> &bits, double bytes, double bops);
    void setAxis(Axis axis);
    Axis axis() const { return m_axis; }

    /// Bit-widths a search may give a layer (the candidates field); empty when unreadable.
    std::vector<int> candidates() const;
    /// Whether a search may also choose the first and last layer's bits (else they keep the
    /// session's rule, 8 bits by default).
    bool searchFirstLast() const;
    /// How a search predicts each layer's loss: measured alone (empirical) or HAWQ-v2's Hessian
    /// trace x quantization error.
    types::SensitivityMeasure measure() const;
    /// The budget, in the current axis' unit (bytes or BOPs).
    double budget() const;
    void setBudget(double costInAxisUnits);

    int pointCount() const { return int(m_points.size()); }
    const types::MixedPoint &point(int i) const { return m_points.at(size_t(i)).point; }
    Kind kind(int i) const { return m_points.at(size_t(i)).kind; }
    /// Points on the drawn front (searched and uniform points together).
    int frontCount() const;
    /// Labels of the uniform markers, in order of size.
    QStringList uniformLabels() const;
    /// The point whose marker is ringed as the current configuration, -1 none.
    int currentPoint() const { return m_currentIndex; }
    /// The plotted position of point `i` in axis coordinates (size in KiB or GBOPs, top-1 in %).
    QPointF plotted(int i) const;
    /// The point drawn within `radius` pixels of `pixel` (widget coordinates of the plot), -1 none.
    int pointAt(const QPointF &pixel, double radius = 8) const;
    /// The hover text of point `i`: its label, size, BOPs, accuracy and bits per layer.
    QString describe(int i) const;
    /// What clicking point `i` does: emits pointActivated with its bits.
    void activate(int i);
    QCustomPlot *plot() const { return m_plot; }

    QString viewTitle() const override;
    QString fileStem() const override { return QStringLiteral("pareto"); }
    QList<QCustomPlot *> plots() const override;
    QString toCsv() const override;

Q_SIGNALS:
    /// The user clicked a point: apply these bits to the layer table.
    void pointActivated(const std::vector<ql::types::LayerBits> &bits);
    /// The user asked for a search with these candidates.
    void searchRequested(const std::vector<int> &candidates);
    /// The user asked for the best configuration within a budget (bytes or BOPs, by `axis`).
    void budgetRequested(double budget, ql::ui::ParetoView::Axis axis);

private:
    struct Entry {
        types::MixedPoint point;
        Kind kind = Kind::Searched;
    };
    void rebuild();
    double xOf(const types::MixedPoint &p) const;
    void updateStatus();

    std::vector<Entry> m_points;
    std::vector<bool> m_front;
    types::MixedPoint m_budget;
    std::vector<types::LayerBits> m_currentBits;
    double m_currentBytes = -1;
    double m_currentBops = -1;
    int m_currentIndex = -1;
    double m_fp32 = -1;
    double m_budgetCost = 0; ///< bytes or BOPs, by m_axis
    Axis m_axis = Axis::Bytes;
    QPointF m_pressAt;
    QCustomPlot *m_plot;
    QComboBox *m_axisBox;
    QLineEdit *m_candidates;
    QPushButton *m_search;
    QCheckBox *m_firstLast;
    QComboBox *m_measure;
    QDoubleSpinBox *m_budgetBox;
    QPushButton *m_solve;
    QLabel *m_status;
};

} // namespace ql::ui

Q_DECLARE_METATYPE(std::vector<ql::types::LayerBits>)
