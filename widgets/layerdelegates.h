#pragma once
#include <QSpinBox>
#include <QStyledItemDelegate>

namespace ql::ui {

/// Spin box of bit-widths 2..16 plus 32, shown as "FP32": stepping up from 16
/// goes to FP32 and down from FP32 to 16. GUI thread only.
class BitsSpinBox : public QSpinBox {
    Q_OBJECT
public:
    explicit BitsSpinBox(QWidget *parent = nullptr);
    void stepBy(int steps) override;

    QString textFromValue(int value) const override;
    int valueFromText(const QString &text) const override;
    QValidator::State validate(QString &text, int &pos) const override;
};

/// Editor for the bits columns: a BitsSpinBox.
class BitsDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override;
};

/// Editor for the method columns: a combo of quantMethodNames().
class MethodDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override;
};

} // namespace ql::ui
