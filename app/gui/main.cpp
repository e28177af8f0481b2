#include "app/gui/mainwindow.h"
#include "app/gui/settings.h"
#include "core/common/threads.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <algorithm>

int main(int argc, char **argv)
{
    ql::core::keepFreedMemoryForReuse();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("QuantLens"));
    QApplication::setApplicationName(QStringLiteral("QuantLens"));
    QApplication::setApplicationVersion(QStringLiteral(QL_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("QuantLens: see what quantization does to every layer."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption threads(QStringLiteral("threads"),
                               QStringLiteral("CPU threads for libtorch, 0..256 (0 = every core)."),
                               QStringLiteral("N"), QStringLiteral("0"));
    QCommandLineOption language(QStringLiteral("lang"),
                                QStringLiteral("Interface language for this run (en, de, zh_CN)."),
                                QStringLiteral("CODE"));
    QCommandLineOption ptq(QStringLiteral("ptq"),
                           QStringLiteral("Run PTQ with the default settings once the model is open."));
    parser.addOption(ptq);
    QCommandLineOption layer(QStringLiteral("layer"), QStringLiteral("Select this layer once the model is open."),
                             QStringLiteral("NAME"));
    parser.addOption(layer);
    QCommandLineOption run(QStringLiteral("run"),
                           QStringLiteral("Jobs to run once the model is open, in order: ptq, qat, evaluate, errors, "
                                          "sensitivity, compare, mixed (comma-separated)."),
                           QStringLiteral("JOBS"));
    parser.addOption(run);
    QCommandLineOption raise(QStringLiteral("raise"),
                             QStringLiteral("Views to bring to the front (comma-separated: histogram, offsets, levels, "
                                            "compare, errors, training, multipoint, pareto)."),
                             QStringLiteral("VIEWS"));
    parser.addOption(raise);
    QCommandLineOption exportPlots(
        QStringLiteral("export-plots"),
        QStringLiteral("Once the model is open and the --run jobs are done, write every view "
                       "as PNG and CSV into FOLDER and quit."),
        QStringLiteral("FOLDER"));
    parser.addOption(exportPlots);
    QCommandLineOption trust(QStringLiteral("trust-torchscript"),
                             QStringLiteral("Open TorchScript files without asking (loading one runs code stored in "
                                            "it: only for files you trust)."));
    parser.addOption(trust);
    parser.addOption(threads);
    parser.addOption(language);
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("Model or session to open."),
                                 QStringLiteral("[model]"));
    parser.process(app);
    ql::core::setCpuThreads(std::clamp(parser.value(threads).toInt(), 0, 256));

    QString lang = parser.isSet(language) ? parser.value(language) : ql::app::chosenLanguage();
    const QLocale locale = lang.isEmpty() ? QLocale::system() : QLocale(lang);
    QTranslator qtTranslator;
    if (qtTranslator.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator ours;
    if (ours.load(locale, QStringLiteral("quantlens"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&ours);

    ql::app::MainWindow window;
    window.show();
    window.setPtqOnOpen(parser.isSet(ptq));
    window.setLayerOnOpen(parser.value(layer));
    if (parser.isSet(run))
        window.setJobsOnOpen(parser.value(run).split(QLatin1Char(','), Qt::SkipEmptyParts));
    for (const QString &view : parser.value(raise).split(QLatin1Char(','), Qt::SkipEmptyParts))
        window.raiseDock(QStringLiteral("dock.") + view.trimmed());
    window.setTrustTorchScript(parser.isSet(trust));
    if (parser.isSet(exportPlots))
        window.setExportPlotsWhenDone(parser.value(exportPlots));
    if (const QStringList files = parser.positionalArguments(); !files.isEmpty())
        window.openModelFile(files.front());
    return QApplication::exec();
}
