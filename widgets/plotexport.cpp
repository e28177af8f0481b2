#include "widgets/plotexport.h"

#include "widgets/inspectorview.h"

#include <qcustomplot.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>

#include <filesystem>

namespace ql::ui {

namespace {

constexpr int kDpi = 96;

// Paints the whole view, then each plot again as vector graphics on top, so
// that PDF and SVG keep sharp lines and text while labels and tables outside
// the plots still appear.
void paintVector(InspectorView *view, QCPPainter *painter)
{
    view->exportTarget()->render(painter, QPoint(), QRegion(), QWidget::DrawChildren);
    if (view->exportTarget() != view)
        return;
    for (QCustomPlot *p : view->plots()) {
        if (!p->isVisibleTo(view))
            continue;
        painter->save();
        painter->translate(p->mapTo(view, QPoint(0, 0)));
        painter->setClipRect(QRect(QPoint(0, 0), p->size()));
        painter->fillRect(QRect(QPoint(0, 0), p->size()), Qt::white);
        p->toPainter(painter, p->width(), p->height());
        painter->restore();
    }
}

class SizeGuard {
public:
    explicit SizeGuard(InspectorView *w) : m_w(w), m_old(w->size())
    {
        // Controls stay out of the image; the view re-arranges what it shows.
        w->beginExport();
        if (w->width() < 320 || w->height() < 240) {
            m_changed = true;
            w->resize(1000, 650);
        }
        w->ensurePolished();
        if (w->layout())
            w->layout()->activate();
        // Layouts of children settle through posted events.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    }
    ~SizeGuard()
    {
        if (m_changed)
            m_w->resize(m_old);
        m_w->endExport();
    }
    SizeGuard(const SizeGuard &) = delete;
    SizeGuard &operator=(const SizeGuard &) = delete;

private:
    InspectorView *m_w;
    QSize m_old;
    bool m_changed = false;
};

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

bool PlotExport::formatFromSuffix(const QString &suffix, Format *format)
{
    const QString s = suffix.toLower();
    if (s == QStringLiteral("png"))
        *format = Format::Png;
    else if (s == QStringLiteral("pdf"))
        *format = Format::Pdf;
    else if (s == QStringLiteral("svg"))
        *format = Format::Svg;
    else
        return false;
    return true;
}

QString PlotExport::suffix(Format format)
{
    switch (format) {
    case Format::Png: return QStringLiteral("png");
    case Format::Pdf: return QStringLiteral("pdf");
    case Format::Svg: return QStringLiteral("svg");
    }
    return {};
}

namespace {

QString cannotWrite(const QString &path)
{
    return QCoreApplication::translate("ql::ui::PlotExport",
                                       "Could not write %1: check that the folder exists and is writable")
        .arg(QDir::toNativeSeparators(path));
}

/// Paints the view's plots as vectors onto `device` (a PDF or SVG generator).
bool paintVectorOnto(InspectorView *view, QPaintDevice *device)
{
    QCPPainter painter;
    if (!painter.begin(device))
        return false;
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    paintVector(view, &painter);
    painter.end();
    return true;
}

/// Renders into `temp` in the given format; true when the file was written.
bool render(InspectorView *view, const QString &temp, PlotExport::Format format, QSize size)
{
    switch (format) {
    case PlotExport::Format::Png: {
        const QPixmap pm = view->exportTarget()->grab();
        return !pm.isNull() && pm.save(temp, "PNG");
    }
    case PlotExport::Format::Pdf: {
        QPdfWriter writer(temp);
        writer.setResolution(kDpi);
        writer.setCreator(QStringLiteral("QuantLens"));
        writer.setTitle(view->viewTitle());
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setPageSize(QPageSize(QSizeF(size.width() * 72.0 / kDpi, size.height() * 72.0 / kDpi), QPageSize::Point,
                                     QString(), QPageSize::ExactMatch));
        return paintVectorOnto(view, &writer);
    }
    case PlotExport::Format::Svg: {
        QSvgGenerator gen;
        gen.setFileName(temp);
        gen.setSize(size);
        gen.setViewBox(QRect(QPoint(0, 0), size));
        gen.setResolution(kDpi);
        gen.setTitle(view->viewTitle());
        gen.setDescription(QStringLiteral("QuantLens %1").arg(view->fileStem()));
        return paintVectorOnto(view, &gen);
    }
    }
    return false;
}

} // namespace

bool PlotExport::writeImage(InspectorView *view, const QString &path, Format format, QString *error)
{
    if (!view)
        return fail(error, QCoreApplication::translate("ql::ui::PlotExport", "No view to export"));
    SizeGuard guard(view);
    view->replotNow();
    // Written next to the target and renamed over it: an interrupted export leaves any
    // previous file intact and never a half-written one.
    const QString temp = path + QStringLiteral(".part");
    const bool written = render(view, temp, format, view->exportTarget()->size());
    // The PDF and SVG writers finish the file when they go out of scope, inside render().
    if (!written || QFileInfo(temp).size() == 0) {
        QFile::remove(temp);
        return fail(error, written
                               ? QCoreApplication::translate("ql::ui::PlotExport", "Writing %1 produced an empty file")
                                     .arg(QDir::toNativeSeparators(path))
                               : cannotWrite(path));
    }
    std::error_code ec;
    std::filesystem::rename(temp.toStdString(), path.toStdString(), ec);
    if (ec) {
        QFile::remove(temp);
        return fail(error, cannotWrite(path));
    }
    return true;
}

bool PlotExport::writeCsv(const InspectorView *view, const QString &path, QString *error)
{
    if (!view)
        return fail(error, QCoreApplication::translate("ql::ui::PlotExport", "No view to export"));
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text))
        return fail(error, QCoreApplication::translate("ql::ui::PlotExport", "Could not write %1: %2")
                               .arg(QDir::toNativeSeparators(path), f.errorString()));
    f.write(view->toCsv().toUtf8());
    if (!f.commit())
        return fail(error, QCoreApplication::translate("ql::ui::PlotExport", "Could not write %1: %2")
                               .arg(QDir::toNativeSeparators(path), f.errorString()));
    return true;
}

bool PlotExport::write(InspectorView *view, const QString &path, QString *error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QStringLiteral("csv"))
        return writeCsv(view, path, error);
    Format format;
    if (!formatFromSuffix(suffix, &format))
        return fail(error, QCoreApplication::translate("ql::ui::PlotExport",
                                                       "Cannot export to %1: use a name ending in .png, .pdf, .svg "
                                                       "or .csv")
                               .arg(QDir::toNativeSeparators(path)));
    return writeImage(view, path, format, error);
}

QString PlotExport::fileDialogFilter()
{
    return QCoreApplication::translate("ql::ui::PlotExport", "PNG image (*.png)") + QStringLiteral(";;") +
           QCoreApplication::translate("ql::ui::PlotExport", "PDF document (*.pdf)") + QStringLiteral(";;") +
           QCoreApplication::translate("ql::ui::PlotExport", "SVG drawing (*.svg)") + QStringLiteral(";;") +
           QCoreApplication::translate("ql::ui::PlotExport", "CSV data (*.csv)");
}

QStringList PlotExport::exportAll(const QList<InspectorView *> &views, const QString &folder, Format format,
                                  QString *error)
{
    QStringList written;
    QDir dir(folder);
    if (!dir.mkpath(QStringLiteral("."))) {
        fail(error, QCoreApplication::translate("ql::ui::PlotExport", "Could not create the folder %1")
                        .arg(QDir::toNativeSeparators(folder)));
        return written;
    }
    QString index = QStringLiteral("# QuantLens export\n\n") +
                    QCoreApplication::translate("ql::ui::PlotExport", "Written %1.")
                        .arg(QDateTime::currentDateTime().toString(Qt::ISODate)) +
                    QStringLiteral("\n\n| ") + QCoreApplication::translate("ql::ui::PlotExport", "View") +
                    QStringLiteral(" | ") + QCoreApplication::translate("ql::ui::PlotExport", "Image") +
                    QStringLiteral(" | ") + QCoreApplication::translate("ql::ui::PlotExport", "Data") +
                    QStringLiteral(" |\n|---|---|---|\n");
    QStringList used;
    for (InspectorView *v : views) {
        if (!v)
            continue;
        // Two views of one kind get distinct names.
        QString stem = v->fileStem();
        for (int n = 2; used.contains(stem); ++n)
            stem = v->fileStem() + QLatin1Char('_') + QString::number(n);
        used << stem;
        const QString image = stem + QLatin1Char('.') + suffix(format);
        const QString data = stem + QStringLiteral(".csv");
        if (!writeImage(v, dir.filePath(image), format, error))
            return written;
        written << dir.filePath(image);
        if (!writeCsv(v, dir.filePath(data), error))
            return written;
        written << dir.filePath(data);
        index += QStringLiteral("| %1 | [%2](%2) | [%3](%3) |\n").arg(v->viewTitle(), image, data);
    }
    QSaveFile f(dir.filePath(QStringLiteral("index.md")));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) {
        fail(error, f.errorString());
        return written;
    }
    f.write(index.toUtf8());
    if (!f.commit()) {
        fail(error, f.errorString());
        return written;
    }
    written << dir.filePath(QStringLiteral("index.md"));
    return written;
}

} // namespace ql::ui
