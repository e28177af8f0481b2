// The main window opens offscreen with every dock, menu and the device.
#include "app/gui/mainwindow.h"

#include <QDockWidget>
#include <QMenuBar>
#include <QStatusBar>
#include <QtTest>

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("QuantLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
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
        for (const char *name : {"action.openModel", "action.openData", "action.export", "action.quit", "action.about"})
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

    void statusBarShowsDevice()
    {
        ql::app::MainWindow w;
        QVERIFY(w.deviceText().startsWith(QStringLiteral("Device: ")));
        QVERIFY(w.deviceText().contains(QStringLiteral("CPU")) || w.deviceText().contains(QStringLiteral("CUDA")) ||
                w.deviceText().contains(QStringLiteral("H100")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
