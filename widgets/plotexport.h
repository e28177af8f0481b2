#pragma once
#include <QList>
#include <QString>
#include <QStringList>

namespace ql::ui {

class InspectorView;

/// Writes inspector views as images (PNG raster; PDF and SVG with the plots as
/// vector graphics) and their data as CSV. GUI thread only.
class PlotExport {
public:
    enum class Format { Png, Pdf, Svg };

    /// Format from a file suffix ("png", "pdf", "svg", any case); false if unknown.
    static bool formatFromSuffix(const QString &suffix, Format *format);
    static QString suffix(Format format);

    /// Writes the view as an image. A view smaller than 320×240 (e.g. in a
    /// hidden dock) is rendered at 1000×650. Returns false and sets *error on failure.
    static bool writeImage(InspectorView *view, const QString &path, Format format, QString *error = nullptr);
    /// Writes the view's toCsv() as UTF-8.
    static bool writeCsv(const InspectorView *view, const QString &path, QString *error = nullptr);
    /// Writes by the path's suffix: .png, .pdf, .svg as images, .csv as data.
    static bool write(InspectorView *view, const QString &path, QString *error = nullptr);
    /// Filter for a save dialog offering every suffix write() understands (translated).
    static QString fileDialogFilter();
    /// Writes <stem>.<format> and <stem>.csv for every view into folder (created
    /// if missing) and an index.md listing them. Returns the files written
    /// (index.md last); on failure the list so far and *error.
    static QStringList exportAll(const QList<InspectorView *> &views, const QString &folder,
                                 Format format = Format::Png, QString *error = nullptr);
};

} // namespace ql::ui
