#pragma once
#include <QObject>
#include <QTimer>

namespace ql::ui {

/// Coalesces "something new" notifications so that a view refreshes at most
/// maxHz times a second. notify() arms a single-shot timer if none is armed;
/// when it fires, refresh() is emitted once for however many notifications came
/// in between. The receiver pulls the newest data in its slot, so the newest
/// data wins and a notification is never followed by a stale view: every
/// notify() is followed by a refresh() within one interval. GUI thread only
/// (call notify() through a queued connection from other threads).
class RefreshThrottle : public QObject {
    Q_OBJECT
public:
    explicit RefreshThrottle(QObject *parent = nullptr, int maxHz = 30);

    /// Minimum spacing of refreshes in milliseconds (1000 / maxHz, rounded up).
    int intervalMs() const { return m_timer.interval(); }
    /// Refreshes emitted so far (for tests and the frame-rate readout).
    qint64 refreshCount() const { return m_refreshes; }
    /// Notifications received so far.
    qint64 notifyCount() const { return m_notifies; }
    /// Whether a refresh is armed.
    bool pending() const { return m_timer.isActive(); }

public Q_SLOTS:
    /// Something new is available.
    void notify();
    /// Emits a pending refresh now (e.g. before an export).
    void flush();

Q_SIGNALS:
    void refresh();

private:
    void fire();

    QTimer m_timer;
    qint64 m_refreshes = 0;
    qint64 m_notifies = 0;
};

} // namespace ql::ui
