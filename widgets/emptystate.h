#pragma once
#include <QWidget>

class QLabel;

namespace ql::ui {

/// A panel that says what will appear here and how to get it, shown where a
/// view has nothing to display yet.
class EmptyState : public QWidget {
    Q_OBJECT
public:
    explicit EmptyState(const QString &title, const QString &hint, QWidget *parent = nullptr);
    void setTitle(const QString &title);
    QString title() const;
    void setHint(const QString &hint);
    QString hint() const;

private:
    QLabel *m_title;
    QLabel *m_hint;
};

} // namespace ql::ui
