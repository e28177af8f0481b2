#pragma once
#include <QMainWindow>
#include <QMap>

class QDockWidget;
class QLabel;
class QMenu;

namespace ql::app {

/// The QuantLens main window: composes the view panels as docks around a
/// central panel, owns the menus and the status bar. GUI thread only.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    /// Object names of the docks, in the order they are created.
    static QStringList dockNames();
    QDockWidget *dock(const QString &objectName) const;
    QString deviceText() const;

private:
    void createMenus();
    void createDocks();
    void addDock(const QString &objectName, const QString &title, QWidget *content, Qt::DockWidgetArea area);
    void openModel();
    void openData();
    void exportPlots();
    void about();
    void chooseLanguage(const QString &code);

    QMap<QString, QDockWidget *> m_docks;
    QMenu *m_viewMenu = nullptr;
    QLabel *m_deviceLabel = nullptr;
};

} // namespace ql::app
