#pragma once
#include <QList>
#include <QString>
#include <QWidget>

class QCustomPlot;

namespace ql::ui {

/// Base of the inspector's views: a self-contained widget that can say what it
/// shows, hand out its plots for export, and write its data as CSV.
/// GUI thread only, like every QWidget.
class InspectorView : public QWidget {
    Q_OBJECT
public:
    explicit InspectorView(QWidget *parent = nullptr);

    /// Human-readable title (translated), used in index.md and window titles.
    virtual QString viewTitle() const = 0;
    /// File name stem without extension, ASCII, stable across languages.
    virtual QString fileStem() const = 0;
    /// The plots of this view (empty for views without a plot).
    virtual QList<QCustomPlot *> plots() const { return {}; }
    /// The data behind the view as CSV: a header row, then one row per datum.
    virtual QString toCsv() const = 0;
    /// Redraws every plot now (exports need this; normal updates are queued).
    void replotNow();

    /// Right-clicks on the view's plots and tables ask for the view's own context menu
    /// (customContextMenuRequested, in the view's coordinates): they take their mouse events
    /// themselves otherwise.
    void forwardContextMenus();

    /// Called around an image export: the view shows what it shows without its controls
    /// (combo boxes, spin boxes, buttons), so that the image holds the plots and numbers
    /// only. Views with more to arrange (a scrolled table) override both.
    virtual void beginExport();
    virtual void endExport();
    /// The widget an image export renders (between beginExport and endExport): the view itself,
    /// unless the view prepared another one.
    virtual QWidget *exportTarget() { return this; }

protected:
    /// The widget holding the view's controls (hidden while exporting); may be null.
    void setControls(QWidget *controls) { m_controls = controls; }
    QWidget *controls() const { return m_controls; }

private:
    QWidget *m_controls = nullptr;
    bool m_controlsWereVisible = false;
};

namespace csv {
/// Quotes a CSV field where needed (RFC 4180).
QString field(const QString &s);
/// Joins fields into one CSV line ending in '\n'.
QString row(const QStringList &fields);
/// Formats a number for CSV with full precision.
QString num(double v);
} // namespace csv

} // namespace ql::ui
