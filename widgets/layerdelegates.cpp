#include "widgets/layerdelegates.h"

#include "widgets/layertablemodel.h"

#include <QComboBox>

#include "ql/types/methods.h"

namespace ql::ui {

BitsSpinBox::BitsSpinBox(QWidget *parent) : QSpinBox(parent)
{
    setRange(2, 32);
    setValue(8);
    setToolTip(tr("Bit-width: 2–16, or FP32 (no quantization)"));
}

void BitsSpinBox::stepBy(int steps)
{
    int v = value();
    for (int i = 0; i < std::abs(steps); ++i) {
        if (steps > 0)
            v = v >= 16 ? 32 : v + 1;
        else
            v = v == 32 ? 16 : std::max(2, v - 1);
    }
    setValue(v);
}

QString BitsSpinBox::textFromValue(int value) const
{
    return value >= 32 ? QStringLiteral("FP32") : QString::number(value);
}

int BitsSpinBox::valueFromText(const QString &text) const
{
    const QString t = text.trimmed();
    if (t.compare(QStringLiteral("FP32"), Qt::CaseInsensitive) == 0)
        return 32;
    const int v = t.toInt();
    return (v >= 2 && v <= 16) || v == 32 ? v : value();
}

QValidator::State BitsSpinBox::validate(QString &text, int &) const
{
    const QString t = text.trimmed();
    if (t.isEmpty() || QStringLiteral("FP32").startsWith(t, Qt::CaseInsensitive))
        return t.compare(QStringLiteral("FP32"), Qt::CaseInsensitive) == 0 ? QValidator::Acceptable
                                                                           : QValidator::Intermediate;
    bool ok = false;
    const int v = t.toInt(&ok);
    if (!ok)
        return QValidator::Invalid;
    if ((v >= 2 && v <= 16) || v == 32)
        return QValidator::Acceptable;
    // "1" and "3" may still become 16 or 32.
    return v >= 0 && v < 4 ? QValidator::Intermediate : QValidator::Invalid;
}

QWidget *BitsDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &) const
{
    auto *box = new BitsSpinBox(parent);
    box->setFrame(false);
    return box;
}

void BitsDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    if (auto *box = qobject_cast<BitsSpinBox *>(editor))
        box->setValue(index.data(Qt::EditRole).toInt());
}

void BitsDelegate::setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const
{
    if (auto *box = qobject_cast<BitsSpinBox *>(editor)) {
        box->interpretText();
        model->setData(index, box->value(), Qt::EditRole);
    }
}

MethodDelegate::MethodDelegate(types::Role role, QObject *parent) : QStyledItemDelegate(parent), m_role(role) { }

QWidget *MethodDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &) const
{
    auto *box = new QComboBox(parent);
    for (const types::Method m : types::methodsFor(m_role, /*withNone=*/true)) {
        const auto &info = types::methodInfo(m);
        box->addItem(QString::fromUtf8(info.name));
        box->setItemData(box->count() - 1, QString::fromUtf8(info.description), Qt::ToolTipRole);
    }
    box->setToolTip(m_role == types::Role::Weight ? tr("Weight quantization method")
                                                  : tr("Activation quantization method"));
    return box;
}

void MethodDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    if (auto *box = qobject_cast<QComboBox *>(editor))
        box->setCurrentIndex(std::max(0, box->findText(index.data(Qt::EditRole).toString())));
}

void MethodDelegate::setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const
{
    if (auto *box = qobject_cast<QComboBox *>(editor))
        model->setData(index, box->currentText(), Qt::EditRole);
}

} // namespace ql::ui
