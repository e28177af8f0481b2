// The main window opens offscreen with every dock, menu and the device.
#include "app/gui/enginebridge.h"
#include "app/gui/mainwindow.h"
#include "app/gui/settings.h"
#include "core/engine/workbench.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"
#ifdef QL_HAVE_ONNX
#include "tests/core/onnx/onnx_support.h"
#endif
#include "widgets/histogramview.h"
#include "widgets/inspectorview.h"
#include "widgets/layertablemodel.h"
#include "widgets/layertableview.h"
#include "widgets/paretoview.h"

#include <QApplication>
#include <QDockWidget>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <functional>
#include <vector>

/// The bundled demo model every window test opens.
static QString demoModel()
{
    return qEnvironmentVariable("QL_SOURCE_DIR") + QStringLiteral("/resources/models/fmnist-cnn-swish.pth");
}

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("QuantLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QSettings().clear();
    }

    void allDocksPresent()
    {
        ql::app::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const auto names = ql::app::MainWindow::dockNames();
        QVERIFY(names.size() >= 6);
        for (const QString &name : names) {
            auto *d = w.findChild<QDockWidget *>(name);
            QVERIFY2(d, qPrintable(name));
            QVERIFY2(d->widget(), qPrintable(name));
            QVERIFY2(!d->windowTitle().isEmpty(), qPrintable(name));
            QCOMPARE(w.dock(name), d);
        }
    }

    void menusHaveTheirActions()
    {
        ql::app::MainWindow w;
        const auto menus = w.menuBar()->findChildren<QMenu *>(Qt::FindDirectChildrenOnly);
        QStringList titles;
        for (auto *m : menus)
            titles << m->title().remove(u'&');
        QVERIFY(titles.contains(QStringLiteral("File")));
        QVERIFY(titles.contains(QStringLiteral("View")));
        QVERIFY(titles.contains(QStringLiteral("Help")));
        for (const char *name : {"action.openModel", "action.openSession", "action.openData", "action.saveSession",
                                 "action.export", "action.quit", "action.about", "action.compare"})
            QVERIFY2(w.findChild<QAction *>(QString::fromLatin1(name)), name);
        for (const char *code : {"en", "de", "zh_CN"})
            QVERIFY(w.findChild<QAction *>(QStringLiteral("action.language.") + QString::fromLatin1(code)));
    }

    void viewMenuTogglesDocks()
    {
        ql::app::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QDockWidget *d = w.dock(QStringLiteral("dock.levels"));
        QVERIFY(d->isVisible());
        d->toggleViewAction()->trigger();
        QVERIFY(!d->isVisible());
        d->toggleViewAction()->trigger();
        QVERIFY(d->isVisible());
    }

    void engineErrorShowsAMessageBox()
    {
        ql::app::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QString title, text;
        // The box is modal: a timer finds it, reads it and closes it.
        QTimer poll;
        connect(&poll, &QTimer::timeout, this, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                title = box->windowTitle();
                text = box->text();
                box->accept();
            }
        });
        poll.start(20);
        w.openModelFile(QStringLiteral("/nonexistent/broken-model.pth"));
        QTRY_VERIFY_WITH_TIMEOUT(!text.isEmpty(), 60000);
        QVERIFY2(title.contains(QStringLiteral("failed")), qPrintable(title));
        QVERIFY2(text.contains(QStringLiteral("/nonexistent/broken-model.pth")), qPrintable(text));
        QVERIFY(!w.engine()->busy());
        QVERIFY(w.isVisible()); // still there, ready for the next file
        // A file that failed to open is not remembered.
        QVERIFY(!ql::app::recentFiles().contains(QStringLiteral("/nonexistent/broken-model.pth")));
    }

    void openedModelsBecomeRecentFiles()
    {
        const QString demo = demoModel();
        QVERIFY2(QFile::exists(demo), qPrintable(demo));
        ql::app::MainWindow w;
        QSignalSpy opened(w.engine(), &ql::app::EngineBridge::modelOpened);
        w.openModelFile(demo);
        QVERIFY(opened.wait(120000));
        QTRY_COMPARE_WITH_TIMEOUT(ql::app::recentFiles().value(0), QFileInfo(demo).absoluteFilePath(), 5000);
        auto *recent = w.findChild<QMenu *>(QStringLiteral("menu.recent"));
        QVERIFY(recent);
        QVERIFY(recent->isEnabled());
        QCOMPARE(recent->actions().size(), 1);
        QCOMPARE(recent->actions().first()->text(), QStringLiteral("fmnist-cnn-swish.pth"));
        // The same file again does not make a second entry.
        ql::app::addRecentFile(demo);
        QCOMPARE(ql::app::recentFiles().size(), 1);

        // No job has run: the table's highlighted layer and the histogram agree on which layer it
        // is, and the histogram says how to get its statistics.
        auto *table = w.findChild<ql::ui::LayerTableView *>();
        auto *histogram = w.findChild<ql::ui::HistogramView *>();
        QVERIFY(table && histogram);
        const QString first = QString::fromStdString(w.engine()->layers().at(0).name);
        QTRY_VERIFY_WITH_TIMEOUT(histogram->emptyTitle().startsWith(first + QStringLiteral(":")), 10000);
        const auto rows = table->tableView()->selectionModel()->selectedRows();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().row(), 0);
        QVERIFY2(histogram->emptyTitle().contains(QStringLiteral("no weight statistics yet")),
                 qPrintable(histogram->emptyTitle()));
        QVERIFY2(histogram->emptyHint().contains(QStringLiteral("PTQ or QAT")), qPrintable(histogram->emptyHint()));
    }

    void everyViewOffersExportOnRightClick()
    {
        ql::app::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const auto views = w.views();
        QCOMPARE(views.size(), 9);
        int menus = 0;
        for (auto *view : views) {
            QCOMPARE(view->contextMenuPolicy(), Qt::CustomContextMenu);
            // The menu appears (a popup) and offers the export; close it again.
            QTimer::singleShot(200, this, [&menus] {
                if (auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget())) {
                    if (!menu->actions().isEmpty() &&
                        menu->actions().first()->text().startsWith(QStringLiteral("Export ")))
                        ++menus;
                    menu->close();
                }
            });
            Q_EMIT view->customContextMenuRequested(QPoint(10, 10));
        }
        QCOMPARE(menus, 9);
    }

    void windowFitsTheScreen()
    {
        ql::app::MainWindow w;
        const QSize avail = QGuiApplication::primaryScreen()->availableGeometry().size();
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QString sizes = QStringLiteral("window %1x%2, minimum %3x%4, screen %5x%6")
                                  .arg(w.width())
                                  .arg(w.height())
                                  .arg(w.minimumSizeHint().width())
                                  .arg(w.minimumSizeHint().height())
                                  .arg(avail.width())
                                  .arg(avail.height());
        // Fits a 1280 × 720 laptop screen, and never opens larger than the screen it is on
        // (unless the screen is smaller than that minimum, as the offscreen test screen may be).
        QVERIFY2(w.minimumSizeHint().width() <= 1280 && w.minimumSizeHint().height() <= 720 - 40, qPrintable(sizes));
        QVERIFY2(w.width() <= std::max(avail.width(), w.minimumSizeHint().width()), qPrintable(sizes));
        QVERIFY2(w.height() <= std::max(avail.height(), w.minimumSizeHint().height()), qPrintable(sizes));
    }

    void everyEditableColumnReachesTheEngine()
    {
        // Each cell a user can edit changes what runs: the edit goes through the window to the
        // engine, which rebuilds that layer's quantizer; the table then shows the engine's config.
        const QString demo = demoModel();
        ql::app::MainWindow w;
        auto *engine = w.engine();
        QSignalSpy finished(engine, &ql::app::EngineBridge::jobFinished);
        w.openModelFile(demo);
        QVERIFY(finished.wait(120000));
        auto *table = w.findChild<ql::ui::LayerTableView *>();
        auto *model = table->model();
        using Col = ql::ui::LayerTableModel::Column;
        struct Edit {
            int column;
            QVariant value;
            int role;
            std::function<bool(const ql::types::LayerQuantConfig &)> check;
        };
        const std::vector<Edit> edits{
            {Col::WeightBits, 3, Qt::EditRole, [](const auto &c) { return c.weight.bits == 3; }},
            {Col::ActBits, 5, Qt::EditRole, [](const auto &c) { return c.act.bits == 5; }},
            {Col::WeightMethod, QStringLiteral("post"), Qt::EditRole,
             [](const auto &c) { return c.weight.method == ql::types::Method::Post; }},
            {Col::ActMethod, QStringLiteral("pact"), Qt::EditRole,
             [](const auto &c) { return c.act.method == ql::types::Method::Pact; }},
            {Col::PerChannel, Qt::Unchecked, Qt::CheckStateRole, [](const auto &c) { return !c.weight.perChannel; }},
        };
        for (const auto &e : edits) {
            const int before = int(finished.count());
            QVERIFY(model->setData(model->index(1, e.column), e.value, e.role));
            QTRY_VERIFY_WITH_TIMEOUT(finished.count() > before, 120000);
            QTRY_VERIFY_WITH_TIMEOUT(!engine->busy(), 60000);
            const auto c = engine->layerConfigs().at(1);
            QVERIFY2(e.check(c), qPrintable(QStringLiteral("column %1: %2 / %3")
                                                .arg(e.column)
                                                .arg(QString::fromStdString(c.weight.label()),
                                                     QString::fromStdString(c.act.label()))));
            QVERIFY(e.check(model->config(1))); // the table shows what the engine holds
        }
        QVERIFY2(finished.last().at(1).toString().contains(QStringLiteral("top-1")),
                 qPrintable(finished.last().at(1).toString()));
    }

    void editsDuringAJobAreAppliedAfterIt()
    {
        const QString demo = demoModel();
        ql::app::MainWindow w;
        auto *engine = w.engine();
        QSignalSpy finished(engine, &ql::app::EngineBridge::jobFinished);
        w.openModelFile(demo);
        QVERIFY(finished.wait(120000));
        auto *model = w.findChild<ql::ui::LayerTableView *>()->model();
        // Busy with error accumulation: both edits wait, then apply in order.
        QVERIFY(engine->runErrors(64));
        QVERIFY(engine->busy());
        QVERIFY(model->setData(model->index(2, ql::ui::LayerTableModel::WeightBits), 2));
        QVERIFY(model->setData(model->index(3, ql::ui::LayerTableModel::ActBits), 6));
        // The table shows the queued edits while they wait (it is refreshed from the engine when
        // a job ends, and the pending ones are laid over that).
        QTRY_VERIFY_WITH_TIMEOUT(!engine->busy() || finished.count() > 1, 120000);
        QCOMPARE(model->config(2).weight.bits, 2);
        QCOMPARE(model->config(3).act.bits, 6);
        QTRY_VERIFY_WITH_TIMEOUT(engine->layerConfigs().at(2).weight.bits == 2 &&
                                     engine->layerConfigs().at(3).act.bits == 6 && !engine->busy(),
                                 180000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 4, 60000); // open, errors, two what-ifs
        QCOMPARE(model->config(2).weight.bits, 2);
        QCOMPARE(model->config(3).act.bits, 6);
    }

    void onnxModelsOpenInTheWindow()
    {
#ifndef QL_HAVE_ONNX
        QSKIP("built without ONNX support");
#else
        // A segmentation-like graph (per-pixel scores, no classes): its layers fill the table under
        // their node names, and PTQ reports how far the output stays from FP32.
        using namespace ql::test::onnx;
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("segmenter.onnx"));
        torch::manual_seed(2);
        GraphBuilder g(13);
        g.input("image", {-1, 1, 28, 28});
        g.initializer("w1", torch::randn({4, 1, 3, 3}));
        g.initializer("w2", torch::randn({3, 4, 1, 1}));
        attr(g.node("Conv", {"image", "w1"}, {"c"}, "encoder/conv"), "pads", std::vector<int64_t>{1, 1, 1, 1});
        g.node("Relu", {"c"}, {"r"}, "encoder/relu");
        g.node("Conv", {"r", "w2"}, {"scores"}, "head/conv");
        g.output("scores");
        g.save(file.toStdString());
        ql::app::MainWindow w;
        auto *engine = w.engine();
        QSignalSpy opened(engine, &ql::app::EngineBridge::modelOpened);
        QSignalSpy finished(engine, &ql::app::EngineBridge::jobFinished);
        w.openModelFile(file);
        // The open job's own jobFinished arrives before the PTQ is counted.
        QTRY_VERIFY_WITH_TIMEOUT(opened.count() == 1 && finished.count() == 1 && !engine->busy(), 120000);
        auto *table = w.findChild<ql::ui::LayerTableView *>();
        QVERIFY(table);
        QCOMPARE(table->model()->rowCount(), 2);
        QCOMPARE(engine->layers().at(0).name, std::string("encoder/conv"));
        QCOMPARE(engine->layers().at(1).name, std::string("head/conv"));
        ql::types::QuantRecipe recipe;
        recipe.weightMethod = recipe.actMethod = ql::types::Method::MinMax;
        const int before = int(finished.count());
        QVERIFY(engine->runPtq(recipe, 64, 64));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > before, 120000);
        QVERIFY2(finished.last().at(1).toString().contains(QStringLiteral("SQNR")),
                 qPrintable(finished.last().at(1).toString()));
#endif
    }

    void sensitivityReachesTheTable()
    {
        const QString demo = demoModel();
        ql::app::MainWindow w;
        auto *engine = w.engine();
        QSignalSpy finished(engine, &ql::app::EngineBridge::jobFinished);
        w.openModelFile(demo);
        QVERIFY(finished.wait(120000));
        ql::types::QuantRecipe r;
        r.weightMethod = r.actMethod = ql::types::Method::MinMax;
        r.weightBits = r.actBits = 3;
        QVERIFY(engine->runPtq(r, 64, 64));
        QVERIFY(finished.wait(120000));
        QVERIFY(engine->runSensitivity(128));
        QVERIFY(finished.wait(120000));
        QTRY_VERIFY_WITH_TIMEOUT(!engine->busy(), 10000);
        QCoreApplication::processEvents();
        auto *model = w.findChild<ql::ui::LayerTableView *>()->model();
        QSet<int> ranks;
        for (int row = 0; row < model->layerCount(); ++row) {
            bool ok = false;
            ranks.insert(model->data(model->index(row, ql::ui::LayerTableModel::SensitivityRank)).toInt(&ok));
            QVERIFY2(ok, "a rank in every row after the job has finished");
            for (int c : {int(ql::ui::LayerTableModel::SensWeightDrop), int(ql::ui::LayerTableModel::SensActDrop),
                          int(ql::ui::LayerTableModel::SensKl)}) {
                bool number = false;
                model->data(model->index(row, c)).toString().toDouble(&number);
                QVERIFY2(number, qPrintable(model->data(model->index(row, c)).toString()));
            }
        }
        QCOMPARE(ranks.size(), model->layerCount()); // 1..n, each once
    }

    void mixedPrecisionPointsApplyUndoAndFollowLocks()
    {
        ql::app::MainWindow w;
        auto *engine = w.engine();
        QSignalSpy finished(engine, &ql::app::EngineBridge::jobFinished);
        QSignalSpy added(engine, &ql::app::EngineBridge::mixedPointAdded);
        QSignalSpy ready(engine, &ql::app::EngineBridge::mixedReady);
        w.openModelFile(demoModel());
        QVERIFY(finished.wait(120000));
        QTRY_VERIFY_WITH_TIMEOUT(!engine->busy(), 10000);
        auto *pareto = w.findChild<ql::ui::ParetoView *>();
        QVERIFY(pareto);
        auto *model = w.findChild<ql::ui::LayerTableView *>()->model();
        const auto bitsOf = [model] {
            std::vector<std::pair<int, int>> out;
            for (int r = 0; r < model->layerCount(); ++r)
                out.emplace_back(ql::types::effectiveBits(model->config(r), ql::types::Role::Weight),
                                 ql::types::effectiveBits(model->config(r), ql::types::Role::Activation));
            return out;
        };
        const auto before = bitsOf();

        // Search from the view: every point reaches it while the job runs, then the whole result.
        pareto->findChild<QLineEdit *>()->setText(QStringLiteral("4,8"));
        for (auto *b : pareto->findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("Search"))
                b->click();
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 180000);
        QTRY_VERIFY_WITH_TIMEOUT(!engine->busy(), 10000);
        const auto result = engine->mixedResult();
        QVERIFY(result);
        QCOMPARE(size_t(added.count()), result->points.size() + result->uniform.size());
        QCOMPARE(size_t(pareto->pointCount()), result->points.size() + result->uniform.size());
        QVERIFY(pareto->frontCount() >= 2);
        QVERIFY(!pareto->uniformLabels().isEmpty());

        // A click applies the largest measured configuration (8 bits everywhere; the demo opens at
        // 4 bits) to the table; undo puts back the old one.
        int largest = 0;
        for (int i = 0; i < pareto->pointCount(); ++i)
            if (pareto->point(i).bytes > pareto->point(largest).bytes)
                largest = i;
        const auto target = pareto->point(largest).bits;
        const int jobs = finished.count();
        pareto->activate(largest);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > jobs && !engine->busy(), 120000);
        QCoreApplication::processEvents();
        for (const auto &b : target) {
            const int row = model->rowOfLayer(QString::fromStdString(b.layer));
            QVERIFY(row >= 0);
            QCOMPARE(ql::types::effectiveBits(model->config(row), ql::types::Role::Weight), b.weightBits);
            QCOMPARE(ql::types::effectiveBits(model->config(row), ql::types::Role::Activation), b.actBits);
        }
        QVERIFY(bitsOf() != before);
        QVERIFY(pareto->currentPoint() >= 0); // the applied point is ringed as the current one
        QVERIFY(pareto->point(pareto->currentPoint()).bits == target);
        auto *undo = w.findChild<QAction *>(QStringLiteral("action.undoBits"));
        QVERIFY(undo && undo->isEnabled());
        const int jobs2 = finished.count();
        undo->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > jobs2 && !engine->busy(), 120000);
        QCoreApplication::processEvents();
        QVERIFY(bitsOf() == before);
        QVERIFY(!undo->isEnabled());

        // Locking a layer in the table searches again, from the cache, keeping its bits.
        const int conv2 = model->rowOfLayer(QStringLiteral("conv2"));
        QVERIFY(model->setData(model->index(conv2, ql::ui::LayerTableModel::Locked), Qt::Checked, Qt::CheckStateRole));
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 2, 180000);
        QTRY_VERIFY_WITH_TIMEOUT(!engine->busy(), 10000);
        const auto locked = engine->mixedResult();
        QVERIFY(locked && locked != result);
        QCOMPARE(locked->options.locked, std::vector<std::string>{"conv2"});
        for (const auto &p : locked->points) {
            QCOMPARE(p.bits[size_t(conv2)].weightBits, before[size_t(conv2)].first);
            QCOMPARE(p.bits[size_t(conv2)].actBits, before[size_t(conv2)].second);
        }
    }

    void exportPlotsWhenDoneWritesEveryViewFullSize()
    {
        QTemporaryDir dir;
        ql::app::MainWindow w;
        w.resize(1600, 1000); // the bottom docks get about 200 pixels of height
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        int status = -1;
        w.setExportPlotsWhenDone(dir.path(), [&status](int s) { status = s; });
        w.openModelFile(demoModel());
        QTRY_VERIFY_WITH_TIMEOUT(status >= 0, 120000);
        QCOMPARE(status, 0);
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("index.md"))));
        for (const auto *view : w.views()) {
            const QString png = dir.filePath(view->fileStem() + QStringLiteral(".png"));
            QVERIFY2(QFile::exists(png), qPrintable(png));
            QVERIFY2(QFile::exists(dir.filePath(view->fileStem() + QStringLiteral(".csv"))), qPrintable(png));
            // Each plot as large as a figure, not squeezed into its dock (the layer table is drawn
            // whole, as tall as its rows).
            const QImage image(png);
            QVERIFY2(!image.isNull(), qPrintable(png));
            if (view->plots().isEmpty())
                continue;
            QVERIFY2(image.width() >= 1000 && image.height() >= 600,
                     qPrintable(QStringLiteral("%1: %2x%3").arg(png).arg(image.width()).arg(image.height())));
        }
    }

    void uncalibratedSessionsOpen()
    {
        // A session saved right after its model was opened has no calibrated quantizers: the
        // window calibrates them instead of failing to evaluate.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fresh.qls"));
        {
            ql::core::engine::Workbench wb;
            wb.setDevice("cpu");
            wb.openModel(demoModel().toStdString(), {}, {});
            QVERIFY(!wb.calibrated());
            wb.save(path.toStdString());
        }
        ql::app::MainWindow w;
        QSignalSpy finished(w.engine(), &ql::app::EngineBridge::jobFinished);
        QSignalSpy failed(w.engine(), &ql::app::EngineBridge::jobFailed);
        bool boxShown = false;
        QTimer closer; // a failure would open a message box: note it and close it
        connect(&closer, &QTimer::timeout, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                boxShown = true;
                box->close();
            }
        });
        closer.start(50);
        w.openModelFile(path);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() >= 1 && !w.engine()->busy(), 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
        QVERIFY(!boxShown);
        QVERIFY2(finished.first().at(1).toString().contains(QStringLiteral("quantized")),
                 qPrintable(finished.first().at(1).toString()));
    }

    void savedSessionsGetTheirSuffixAndAreRecent()
    {
        const QString demo = demoModel();
        QTemporaryDir dir;
        ql::app::MainWindow w;
        QSignalSpy finished(w.engine(), &ql::app::EngineBridge::jobFinished);
        w.openModelFile(demo);
        QVERIFY(finished.wait(120000));
        w.saveSessionAs(dir.filePath(QStringLiteral("mine")));
        QVERIFY(finished.wait(60000));
        const QString saved = dir.filePath(QStringLiteral("mine.qls"));
        QVERIFY(QFile::exists(saved));
        QTRY_COMPARE_WITH_TIMEOUT(ql::app::recentFiles().value(0), QFileInfo(saved).absoluteFilePath(), 5000);
        QCOMPARE(ql::app::lastFolder(QStringLiteral("session")), QFileInfo(saved).absolutePath());
    }

    void torchScriptOpensOnlyAfterTheUserTrustsIt()
    {
        // Loading a TorchScript file runs code stored in it: the window asks first (the prompt is
        // answered by the test), and opens the file only when the user trusts it.
        const QString demo = demoModel();
        QTemporaryDir dir;
        const QString scripted = dir.path() + QStringLiteral("/scripted.pt");
        QString out;
        QVERIFY2(ql::test::hostile::runPython(ql::test::hostile::torchScriptCopyScript(), {demo, scripted}, &out) == 0,
                 qPrintable(out));
        QVERIFY(QFile::copy(demo + QStringLiteral(".json"), scripted + QStringLiteral(".json")));

        ql::app::MainWindow w;
        QStringList asked;
        bool answer = false;
        w.setTrustPrompt([&](const QString &path) {
            asked << path;
            return answer;
        });
        QSignalSpy opened(w.engine(), &ql::app::EngineBridge::modelOpened);
        QSignalSpy started(w.engine(), &ql::app::EngineBridge::jobStarted);
        w.openModelFile(scripted);
        QCOMPARE(asked, QStringList{scripted});
        QCOMPARE(started.count(), 0); // declined: nothing was loaded
        bool said = false;
        for (auto *label : w.statusBar()->findChildren<QLabel *>())
            said = said || label->text().contains(QStringLiteral("Not opened"));
        QVERIFY(said);
        answer = true;
        w.openModelFile(scripted);
        QVERIFY(opened.wait(120000));
        QCOMPARE(asked.size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(!w.engine()->busy(), 60000);
        // A state dict is read without running anything: no question.
        w.openModelFile(demo);
        QVERIFY(opened.wait(120000));
        QCOMPARE(asked.size(), 2);

        // The bridge refuses a TorchScript file it was not told to trust, and says why.
        ql::app::EngineBridge bridge;
        QSignalSpy failed(&bridge, &ql::app::EngineBridge::jobFailed);
        QVERIFY(bridge.openModel(scripted));
        QVERIFY(failed.wait(120000));
        const QString why = failed.last().at(1).toString();
        QVERIFY2(why.contains(QStringLiteral("TorchScript")) && why.contains(QStringLiteral("trust")) &&
                     why.contains(scripted),
                 qPrintable(why));
        QVERIFY(ql::app::EngineBridge::needsTrust(scripted));
        QVERIFY(!ql::app::EngineBridge::needsTrust(demo));
    }

    void statusBarShowsDevice()
    {
        ql::app::MainWindow w;
        QVERIFY(w.deviceText().startsWith(QStringLiteral("Device: ")));
        QVERIFY(w.deviceText().contains(QStringLiteral("CPU")) || w.deviceText().contains(QStringLiteral("CUDA")) ||
                w.deviceText().contains(QStringLiteral("H100")));
    }
};

QL_TEST(TestMainWindow)
#include "tst_mainwindow.moc"
