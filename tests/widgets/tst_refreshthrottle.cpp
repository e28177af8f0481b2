// RefreshThrottle: a 1 kHz stream of notifications becomes at most ~30
// refreshes a second, at least one, and the last refresh sees the newest value.
#include "tests/support/testmain.h"
#include "widgets/refreshthrottle.h"

#include <QElapsedTimer>
#include <QtTest>

#include <algorithm>

class TestRefreshThrottle : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void interval()
    {
        ql::ui::RefreshThrottle t(nullptr, 30);
        QCOMPARE(t.intervalMs(), 34); // 1000/30 rounded up: never faster than 30 Hz
    }

    void singleNotifyRefreshesOnce()
    {
        ql::ui::RefreshThrottle t;
        QSignalSpy spy(&t, &ql::ui::RefreshThrottle::refresh);
        t.notify();
        t.notify();
        t.notify();
        QVERIFY(t.pending());
        QVERIFY(spy.wait(1000));
        QTest::qWait(3 * t.intervalMs());
        QCOMPARE(spy.count(), 1);
        QCOMPARE(t.refreshCount(), qint64(1));
        QCOMPARE(t.notifyCount(), qint64(3));
    }

    void flushEmitsPendingNow()
    {
        ql::ui::RefreshThrottle t;
        QSignalSpy spy(&t, &ql::ui::RefreshThrottle::refresh);
        t.flush();
        QCOMPARE(spy.count(), 0); // nothing pending, nothing to do
        t.notify();
        t.flush();
        QCOMPARE(spy.count(), 1);
        QVERIFY(!t.pending());
    }

    void streamAt1kHz()
    {
        ql::ui::RefreshThrottle t;
        int newest = 0;
        int seen = -1;
        QElapsedTimer clock;
        QList<qint64> times;
        connect(&t, &ql::ui::RefreshThrottle::refresh, this, [&] {
            seen = newest; // the view pulls the newest data
            times << clock.elapsed();
        });

        // A fake engine publishing every millisecond for one second; the GUI
        // event loop runs between publications, as it would under a queued connection.
        clock.start();
        qint64 nextNs = 0;
        while (clock.elapsed() < 1000) {
            if (clock.nsecsElapsed() >= nextNs) {
                ++newest;
                t.notify();
                nextNs += 1000000;
            }
            QCoreApplication::processEvents();
        }
        const qint64 streamMs = clock.elapsed();
        QTest::qWait(4 * t.intervalMs()); // let the trailing refresh land
        QVERIFY(!t.pending());

        const qint64 refreshes = t.refreshCount();
        qInfo("%d notifications in %lld ms -> %lld refreshes", newest, streamMs, refreshes);
        QVERIFY(newest >= 900); // the stream did run at about 1 kHz
        QVERIFY(refreshes >= 1);
        // Refreshes are at least one interval apart, plus the trailing one.
        QVERIFY2(refreshes <= streamMs / t.intervalMs() + 1,
                 qPrintable(QStringLiteral("%1 refreshes in %2 ms").arg(refreshes).arg(streamMs)));
        QVERIFY(refreshes <= 32);
        for (int i = 1; i < times.size(); ++i)
            QVERIFY2(times[i] - times[i - 1] >= t.intervalMs() - 1,
                     qPrintable(QStringLiteral("gap %1 ms").arg(times[i] - times[i - 1])));
        QCOMPARE(seen, newest);
    }
};

QL_TEST(TestRefreshThrottle)
#include "tst_refreshthrottle.moc"
