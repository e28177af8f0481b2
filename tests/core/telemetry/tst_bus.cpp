// The telemetry bus: one pending notification, newest wins, bounded series.
#include "core/telemetry/bus.h"
#include "tests/support/testmain.h"

#include <QtTest>

#include <atomic>
#include <thread>

using ql::core::telemetry::Bus;

class TestBus : public QObject {
    Q_OBJECT

    static std::shared_ptr<const ql::types::LayerSnapshot> snap(const std::string &layer, int64_t step, double s)
    {
        auto p = std::make_shared<ql::types::LayerSnapshot>();
        p->layer = layer;
        p->step = step;
        p->weight.valid = true;
        p->weight.step = s;
        p->activation.valid = true;
        p->activation.step = 2 * s;
        p->activation.offset = -s;
        return p;
    }

private Q_SLOTS:
    void atMostOneNotificationPending()
    {
        Bus bus;
        int notified = 0;
        bus.setNotify([&] { ++notified; });
        for (int i = 0; i < 100; ++i)
            bus.publishLayer(snap("conv1", i, 0.1));
        QCOMPARE(notified, 1);
        auto d = bus.drain();
        QCOMPARE(d.layers.size(), size_t(1));
        QCOMPARE(d.layers.at("conv1")->step, int64_t(99)); // newest wins
        bus.publishProgress({"qat", 1, 10, 5.0, {}});
        QCOMPARE(notified, 2);
        QVERIFY(bus.drain().progress.has_value());
        QVERIFY(bus.drain().empty());
    }

    void seriesAreBoundedAndOrdered()
    {
        Bus bus(/*seriesCapacity=*/8);
        for (int i = 0; i < 20; ++i) {
            bus.publishLayer(snap("conv1", i, 0.01 * i));
            bus.publishTraining({i, 0, 1.0 / (i + 1), 0.5, 0.1, 1, 100});
        }
        const auto w = bus.paramSeries("conv1", /*activation=*/false);
        QCOMPARE(w.size(), size_t(8));
        QCOMPARE(w.front().step, int64_t(12));
        QCOMPARE(w.back().step, int64_t(19));
        QCOMPARE(w.back().stepSize, 0.19);
        const auto a = bus.paramSeries("conv1", true);
        QCOMPARE(a.back().stepSize, 0.38);
        QCOMPARE(a.back().offset, -0.19);
        const auto t = bus.trainingSeries();
        QCOMPARE(t.size(), size_t(8));
        QCOMPARE(t.back().step, int64_t(19));
        QCOMPARE(bus.trainingPublished(), uint64_t(20)); // counts what the series dropped
        QVERIFY(bus.paramSeries("nope", false).empty());
    }

    void concurrentPublishersAndDrainerLoseNothingNew()
    {
        Bus bus;
        std::atomic<int> notes{0};
        bus.setNotify([&] { ++notes; });
        std::atomic<bool> done{false};
        size_t drainedPoints = 0;
        std::thread consumer([&] {
            while (!done.load()) {
                drainedPoints += bus.drain().training.size();
                std::this_thread::yield();
            }
        });
        std::thread p1([&] {
            for (int i = 0; i < 2000; ++i)
                bus.publishTraining({i, 0, 1, 0, 0, 0, 0});
        });
        std::thread p2([&] {
            for (int i = 0; i < 2000; ++i)
                bus.publishLayer(snap("l" + std::to_string(i % 7), i, 1));
        });
        p1.join();
        p2.join();
        done = true;
        consumer.join();
        drainedPoints += bus.drain().training.size();
        QCOMPARE(drainedPoints, size_t(2000));
        QCOMPARE(bus.latest().size(), size_t(7));
        QVERIFY(notes.load() >= 1);
        QCOMPARE(uint64_t(notes.load()), bus.notifications());
    }
};

QL_TEST(TestBus)
#include "tst_bus.moc"
