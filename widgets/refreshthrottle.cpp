#include "widgets/refreshthrottle.h"

#include <algorithm>

namespace ql::ui {

RefreshThrottle::RefreshThrottle(QObject *parent, int maxHz) : QObject(parent)
{
    const int hz = std::clamp(maxHz, 1, 1000);
    m_timer.setSingleShot(true);
    // Rounded up so that the rate never exceeds maxHz.
    m_timer.setInterval((1000 + hz - 1) / hz);
    // A precise timer: a coarse one may fire up to 5% early, which would exceed the cap.
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &RefreshThrottle::fire);
}

void RefreshThrottle::notify()
{
    ++m_notifies;
    if (!m_timer.isActive())
        m_timer.start();
}

void RefreshThrottle::flush()
{
    if (!m_timer.isActive())
        return;
    m_timer.stop();
    fire();
}

void RefreshThrottle::fire()
{
    ++m_refreshes;
    Q_EMIT refresh();
}

} // namespace ql::ui
