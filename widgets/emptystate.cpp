#include "widgets/emptystate.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ql::ui {

EmptyState::EmptyState(const QString &title, const QString &hint, QWidget *parent)
    : QWidget(parent), m_title(new QLabel(title, this)), m_hint(new QLabel(hint, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    f.setBold(true);
    m_title->setFont(f);
    m_title->setAlignment(Qt::AlignCenter);
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_title);
    layout->addWidget(m_hint);
    layout->addStretch(2);
}

void EmptyState::setTitle(const QString &title) { m_title->setText(title); }

QString EmptyState::title() const { return m_title->text(); }

void EmptyState::setHint(const QString &hint) { m_hint->setText(hint); }

QString EmptyState::hint() const { return m_hint->text(); }

} // namespace ql::ui
