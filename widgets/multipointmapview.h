#pragma once
#include "widgets/inspectorview.h"

#include "ql/types/telemetry.h"

#include <memory>

class QLabel;
class QCPColorMap;
class QCPColorScale;
class QCPTextElement;

namespace ql::ui {

/// Multipoint PTQ result of a layer: the number of points of every output
/// channel as a colour map (channels laid out row by row), the distribution of
/// point counts, and the layer's output error before and after. GUI thread only.
class MultipointMapView : public InspectorView {
    Q_OBJECT
public:
    explicit MultipointMapView(QWidget *parent = nullptr);

    void setMap(std::shared_ptr<const types::MultipointMap> map);

    /// Channels per row of the map for c channels.
    static int columnsFor(int channels);
    /// Cells of the colour map (columns × rows) and the summary line.
    int mapColumns() const { return m_cols; }
    int mapRows() const { return m_rows; }
    QString summaryText() const;

    QString viewTitle() const override;
    QString fileStem() const override { return QStringLiteral("multipoint"); }
    QList<QCustomPlot *> plots() const override;
    QString toCsv() const override;

private:
    void rebuild();

    std::shared_ptr<const types::MultipointMap> m_map;
    int m_cols = 0;
    int m_rows = 0;
    QCustomPlot *m_plot;
    QCPColorMap *m_colorMap;
    QCPColorScale *m_scale;
    QCPTextElement *m_title;
    QLabel *m_summary;
};

} // namespace ql::ui
