// Export of views: PNG, PDF and SVG files that are what they claim to be, CSV
// with one row per datum, and exportAll() writing one file per view plus index.md.
#include "tests/support/testmain.h"
#include "widgets/histogramview.h"
#include "widgets/layertableview.h"
#include "widgets/levelsview.h"
#include "widgets/plotexport.h"
#include "widgets/trainingcurvesview.h"

#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using ql::ui::PlotExport;

namespace {

QByteArray head(const QString &path, int n)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.read(n);
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

std::vector<ql::types::TrainingPoint> points(int n)
{
    std::vector<ql::types::TrainingPoint> out;
    for (int i = 0; i < n; ++i) {
        ql::types::TrainingPoint p;
        p.step = 10 * i;
        p.loss = 2.0 / (1 + i);
        p.accuracy = 0.1 * i;
        p.learningRate = 0.1;
        out.push_back(p);
    }
    return out;
}

} // namespace

class TestPlotExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void imageFormats_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QByteArray>("magic");
        QTest::newRow("png") << int(PlotExport::Format::Png) << QByteArray("\x89PNG\r\n\x1a\n", 8);
        QTest::newRow("pdf") << int(PlotExport::Format::Pdf) << QByteArray("%PDF-");
        QTest::newRow("svg") << int(PlotExport::Format::Svg) << QByteArray("<?xml");
    }
    void imageFormats()
    {
        QFETCH(int, format);
        QFETCH(QByteArray, magic);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ql::ui::TrainingCurvesView view;
        view.resize(800, 500);
        view.setPoints(points(20));
        view.setBaselineAccuracy(0.9);
        const auto f = PlotExport::Format(format);
        const QString path = dir.filePath(QStringLiteral("training.") + PlotExport::suffix(f));
        QString error;
        QVERIFY2(PlotExport::writeImage(&view, path, f, &error), qPrintable(error));
        QVERIFY(QFileInfo(path).size() > 1000);
        QCOMPARE(head(path, magic.size()), magic);
        if (f == PlotExport::Format::Png) {
            QImage img(path);
            QCOMPARE(img.size(), QSize(800, 500) * img.devicePixelRatio());
            // Not a blank canvas: the plot drew lines in more than a handful of colours.
            QSet<QRgb> colours;
            for (int y = 0; y < img.height(); y += 7)
                for (int x = 0; x < img.width(); x += 7)
                    colours.insert(img.pixel(x, y));
            QVERIFY(colours.size() > 5);
        } else if (f == PlotExport::Format::Svg) {
            const QByteArray svg = readAll(path);
            QVERIFY(svg.contains("<svg"));
            QVERIFY(svg.contains("<path") || svg.contains("<polyline"));
        }
    }

    void imagesHoldNoControls()
    {
        // The levels view has a spin box and a combo box above its plot: an SVG of it has the
        // plot's texts and none of the controls'.
        QTemporaryDir dir;
        ql::ui::LevelsView view;
        view.setLevelProvider([](int bits, ql::types::PotVariant) {
            ql::types::LevelSets s;
            s.bits = bits;
            s.uniform = {-1, 0, 0.5};
            return s;
        });
        view.resize(800, 500);
        const QString path = dir.filePath(QStringLiteral("levels.svg"));
        QString error;
        QVERIFY2(PlotExport::writeImage(&view, path, PlotExport::Format::Svg, &error), qPrintable(error));
        const QString svg = QString::fromUtf8(readAll(path));
        QVERIFY2(svg.contains(QStringLiteral("level set")), "the plot's title is in the image");
        QVERIFY2(!svg.contains(QStringLiteral("POT/POST as in the papers")), "the variant combo box is not");
        QVERIFY2(!svg.contains(QStringLiteral("Signed weight levels at")), "nor the label of the controls");
        // The controls are back on screen afterwards.
        QVERIFY(view.findChild<QComboBox *>()->isVisibleTo(&view));
    }

    void tableImageIsWholeWhenScrolled()
    {
        // A narrow, scrolled table: the image still shows the Layer column and the last one.
        ql::ui::LayerTableView view;
        std::vector<ql::types::LayerInfo> layers;
        for (int i = 0; i < 30; ++i) {
            ql::types::LayerInfo l;
            l.name = "features." + std::to_string(i) + ".conv";
            l.type = "conv2d";
            l.weightShape = {64, 64, 3, 3};
            l.parameters = 64 * 64 * 9;
            l.macs = 1000;
            layers.push_back(l);
        }
        view.model()->setLayers(layers);
        view.resize(400, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.tableView()->scrollToBottom();
        view.tableView()->horizontalScrollBar()->setValue(view.tableView()->horizontalScrollBar()->maximum());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("layers.svg"));
        QString error;
        QVERIFY2(PlotExport::writeImage(&view, path, PlotExport::Format::Svg, &error), qPrintable(error));
        const QString svg = QString::fromUtf8(readAll(path));
        for (const char *text : {"Layer", "features.0.conv", "features.29.conv", "Sens. rank"})
            QVERIFY2(svg.contains(QString::fromUtf8(text)), text);
        QVERIFY(!svg.contains(QStringLiteral("Set bits for selection")));
        const QImage png = [&] {
            const QString p = dir.filePath(QStringLiteral("layers.png"));
            PlotExport::writeImage(&view, p, PlotExport::Format::Png, &error);
            return QImage(p);
        }();
        QVERIFY2(png.width() > view.width() && png.height() > view.height(),
                 qPrintable(QStringLiteral("%1x%2").arg(png.width()).arg(png.height())));
        // The table on screen is as the user left it.
        QCOMPARE(view.tableView()->verticalScrollBar()->value(), view.tableView()->verticalScrollBar()->maximum());
    }

    void csvRows()
    {
        ql::ui::TrainingCurvesView training;
        training.setPoints(points(7));
        QCOMPARE(training.toCsv().count(QLatin1Char('\n')), 1 + 7);

        ql::ui::LevelsView levels;
        levels.setLevelProvider([](int bits, ql::types::PotVariant) {
            ql::types::LevelSets s;
            s.bits = bits;
            s.uniform.assign(7, 0.5);
            s.pot.assign(9, 0.25);
            s.post.assign(9, 0.125);
            s.apot.assign(7, 1.0);
            return s;
        });
        levels.setBits(3);
        // uniform 7 + POT 9 + POST 9 + APoT 7 levels, plus the header
        QCOMPARE(levels.toCsv().count(QLatin1Char('\n')), 1 + 7 + 9 + 9 + 7);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("levels.csv"));
        QVERIFY(PlotExport::writeCsv(&levels, path));
        const QList<QByteArray> lines = readAll(path).trimmed().split('\n');
        QCOMPARE(lines.size(), 33);
        QCOMPARE(lines.first(), QByteArray("set,bits,level_over_alpha"));
        QCOMPARE(lines.at(1).split(',').size(), 3);
    }

    void csvQuotesFields()
    {
        ql::ui::LayerTableView table;
        ql::types::LayerInfo l;
        l.name = "block,with \"comma\"";
        l.parameters = 10;
        table.model()->setLayers({l});
        const QString csv = table.toCsv();
        QVERIFY2(csv.contains(QStringLiteral("\"block,with \"\"comma\"\"\"")), qPrintable(csv));
    }

    void exportAll()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("report/sub"));
        ql::ui::TrainingCurvesView training;
        training.setPoints(points(5));
        ql::ui::LevelsView levels;
        ql::ui::HistogramView histogram; // empty: still exported
        QString error;
        const QStringList files =
            PlotExport::exportAll({&training, &levels, &histogram}, folder, PlotExport::Format::Svg, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(files.size(), 3 * 2 + 1);
        for (const QString &f : files)
            QVERIFY2(QFileInfo(f).size() > 0, qPrintable(f));
        const QByteArray index = readAll(folder + QStringLiteral("/index.md"));
        for (const char *name :
             {"training.svg", "training.csv", "levels.svg", "levels.csv", "histogram.svg", "histogram.csv"})
            QVERIFY2(index.contains(name), name);
        QCOMPARE(index.count("\n| "), 4); // header row + one row per view
    }

    void unwritablePathFails()
    {
        ql::ui::LevelsView levels;
        QString error;
        QVERIFY(!PlotExport::writeImage(&levels, QStringLiteral("/nonexistent/dir/x.png"), PlotExport::Format::Png,
                                        &error));
        QVERIFY(error.contains(QStringLiteral("/nonexistent/dir/x.png")));
        error.clear();
        QVERIFY(!PlotExport::writeCsv(&levels, QStringLiteral("/nonexistent/dir/x.csv"), &error));
        QVERIFY(!error.isEmpty());
    }

    void suffixes()
    {
        PlotExport::Format f;
        QVERIFY(PlotExport::formatFromSuffix(QStringLiteral("PDF"), &f));
        QCOMPARE(f, PlotExport::Format::Pdf);
        QVERIFY(!PlotExport::formatFromSuffix(QStringLiteral("jpg"), &f));
        QVERIFY(PlotExport::fileDialogFilter().contains(QStringLiteral("*.svg")));
    }

    void writeBySuffix()
    {
        QTemporaryDir dir;
        ql::ui::LevelsView levels;
        QVERIFY(PlotExport::write(&levels, dir.filePath(QStringLiteral("a.CSV"))));
        QVERIFY(readAll(dir.filePath(QStringLiteral("a.CSV"))).startsWith("set,bits"));
        QVERIFY(PlotExport::write(&levels, dir.filePath(QStringLiteral("a.pdf"))));
        QCOMPARE(head(dir.filePath(QStringLiteral("a.pdf")), 5), QByteArray("%PDF-"));
        QString error;
        QVERIFY(!PlotExport::write(&levels, dir.filePath(QStringLiteral("a.jpg")), &error));
        QVERIFY(error.contains(QStringLiteral(".svg")));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("a.jpg"))));
    }
};

QL_TEST(TestPlotExport)
#include "tst_plotexport.moc"
