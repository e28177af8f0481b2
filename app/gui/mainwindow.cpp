#include "app/gui/mainwindow.h"

#include "app/gui/settings.h"
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/core.h"
#include "widgets/emptystate.h"

#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace ql::app {

QStringList MainWindow::dockNames()
{
    return {QStringLiteral("dock.layers"),   QStringLiteral("dock.histogram"), QStringLiteral("dock.offsets"),
            QStringLiteral("dock.levels"),   QStringLiteral("dock.errors"),    QStringLiteral("dock.training")};
}

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("QuantLens"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/quantlens.svg")));
    setDockNestingEnabled(true);
    setCentralWidget(new ui::EmptyState(
        tr("No model open"),
        tr("Open a model with File ▸ Open model… (a .pth state dict, a TorchScript archive or a model from the "
           "zoo), then a data set with File ▸ Open data…, to see per layer what quantization does."),
        this));
    createDocks();
    createMenus();

    m_deviceLabel = new QLabel(this);
    try {
        const auto info = core::selectDevice("auto");
        m_deviceLabel->setText(tr("Device: %1").arg(QString::fromStdString(info.name)));
    } catch (const core::Error &e) {
        m_deviceLabel->setText(tr("Device: none (%1)").arg(QString::fromStdString(e.what())));
    }
    statusBar()->addPermanentWidget(m_deviceLabel);
    statusBar()->showMessage(tr("Ready"));
    resize(1280, 800);
}

QDockWidget *MainWindow::dock(const QString &objectName) const { return m_docks.value(objectName); }

QString MainWindow::deviceText() const { return m_deviceLabel->text(); }

void MainWindow::addDock(const QString &objectName, const QString &title, QWidget *content, Qt::DockWidgetArea area)
{
    auto *d = new QDockWidget(title, this);
    d->setObjectName(objectName);
    d->setWidget(content);
    addDockWidget(area, d);
    m_docks.insert(objectName, d);
}

void MainWindow::createDocks()
{
    const QString needModel = tr("Open a model to fill this view.");
    addDock(QStringLiteral("dock.layers"), tr("Layers"),
            new ui::EmptyState(tr("Layers"), tr("Every quantizable layer, with its bits and methods.") + u'\n' + needModel, this),
            Qt::LeftDockWidgetArea);
    addDock(QStringLiteral("dock.histogram"), tr("Histogram"),
            new ui::EmptyState(tr("Histogram"), tr("Weights or activations of the selected layer, with the quantization levels over them.") + u'\n' + needModel, this),
            Qt::RightDockWidgetArea);
    addDock(QStringLiteral("dock.offsets"), tr("Offsets and step sizes"),
            new ui::EmptyState(tr("Offsets and step sizes"), tr("Learned step sizes and offsets per layer.") + u'\n' + needModel, this),
            Qt::RightDockWidgetArea);
    addDock(QStringLiteral("dock.levels"), tr("Levels"),
            new ui::EmptyState(tr("Levels"), tr("Uniform, POT, POST and APoT level sets side by side.") + u'\n' + needModel, this),
            Qt::BottomDockWidgetArea);
    addDock(QStringLiteral("dock.errors"), tr("Error accumulation"),
            new ui::EmptyState(tr("Error accumulation"), tr("How quantization error grows block by block.") + u'\n' + needModel, this),
            Qt::BottomDockWidgetArea);
    addDock(QStringLiteral("dock.training"), tr("Training curves"),
            new ui::EmptyState(tr("Training curves"), tr("Loss, accuracy and learning rate while a job runs.") + u'\n' + needModel, this),
            Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_docks.value(QStringLiteral("dock.histogram")), m_docks.value(QStringLiteral("dock.offsets")));
    m_docks.value(QStringLiteral("dock.histogram"))->raise();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *openModel = file->addAction(tr("Open &model…"), this, &MainWindow::openModel);
    openModel->setObjectName(QStringLiteral("action.openModel"));
    openModel->setShortcut(QKeySequence::Open);
    QAction *openData = file->addAction(tr("Open &data…"), this, &MainWindow::openData);
    openData->setObjectName(QStringLiteral("action.openData"));
    file->addSeparator();
    QAction *exportAction = file->addAction(tr("&Export…"), this, &MainWindow::exportPlots);
    exportAction->setObjectName(QStringLiteral("action.export"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("action.quit"));
    quit->setShortcut(QKeySequence::Quit);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (const QString &name : dockNames())
        m_viewMenu->addAction(m_docks.value(name)->toggleViewAction());
    m_viewMenu->addSeparator();
    QMenu *language = m_viewMenu->addMenu(tr("&Language"));
    language->setObjectName(QStringLiteral("menu.language"));
    auto *group = new QActionGroup(language);
    const QString current = chosenLanguage();
    QAction *system = language->addAction(tr("System default"));
    system->setCheckable(true);
    system->setChecked(current.isEmpty());
    group->addAction(system);
    connect(system, &QAction::triggered, this, [this] { chooseLanguage(QString()); });
    for (const QString &code : availableLanguages()) {
        QAction *a = language->addAction(languageName(code));
        a->setObjectName(QStringLiteral("action.language.") + code);
        a->setCheckable(true);
        a->setChecked(current == code);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, code] { chooseLanguage(code); });
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About QuantLens"), this, &MainWindow::about);
    about->setObjectName(QStringLiteral("action.about"));
}

void MainWindow::chooseLanguage(const QString &code)
{
    setChosenLanguage(code);
    QMessageBox::information(this, tr("Language"),
                             tr("The language changes the next time QuantLens starts."));
}

void MainWindow::openModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open model"), QString(),
                                                      tr("Models (*.pth *.pt *.ql.json);;All files (*)"));
    if (path.isEmpty())
        return;
    statusBar()->showMessage(tr("Opening %1…").arg(path));
}

void MainWindow::openData()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open data set folder"));
    if (dir.isEmpty())
        return;
    statusBar()->showMessage(tr("Data set folder: %1").arg(dir));
}

void MainWindow::exportPlots()
{
    QMessageBox::information(this, tr("Export"), tr("Open a model first: there is nothing to export yet."));
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About QuantLens"),
                       tr("<h3>QuantLens %1</h3><p>See what quantization does to every layer of a neural network: "
                          "post-training and quantization-aware training (LSQ, LSQ+, ASQ, POT/POST, multipoint PTQ), "
                          "live, per layer.</p><p>libtorch %2, Qt %3</p>")
                           .arg(QString::fromStdString(core::version()), QString::fromStdString(core::torchVersion()),
                                QString::fromLatin1(qVersion())));
}

} // namespace ql::app
