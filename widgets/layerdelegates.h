#pragma once
#include <QSpinBox>
#include <QStyledItemDelegate>

#include "ql/types/quant.h"

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

/// Editor for a method column: a combo of the methods the registry allows for the column's
/// role (weights or activations), each with its description as a tooltip.
class MethodDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    MethodDelegate(types::Role role, QObject *parent = nullptr);
    types::Role role() const { return m_role; }
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override;

private:
    types::Role m_role;
};

} // namespace ql::ui
