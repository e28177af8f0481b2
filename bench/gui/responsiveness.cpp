// GUI responsiveness while QAT runs (prints its figures; not a test):
//  1. the worst and the 99th-percentile lateness of a 10 ms timer on the GUI event loop
//     while the main window runs QAT on the demo model through the engine bridge;
//  2. the time of one full refresh of every view for a 50-layer model (set the data, paint);
//  3. QAT training throughput with the GUI attached against the same QAT without a GUI
//     (the engine called directly, as quantlens-cli does), as a ratio; the two alternate for
//     `rounds` rounds (0: the refresh figure only); the summary is the median over rounds, since
//     a neighbour on a shared machine can slow any single run.
// Usage: bench_gui_responsiveness [threads] [steps] [rounds]   (QT_QPA_PLATFORM=offscreen unless set)
#include "app/gui/enginebridge.h"
#include "app/gui/mainwindow.h"
#include "core/common/device.h"
#include "core/data/loaders.h"
#include "core/engine/model_io.h"
#include "widgets/errorview.h"
#include "widgets/histogramview.h"
#include "widgets/layertablemodel.h"
#include "widgets/layertableview.h"
#include "widgets/levelsview.h"
#include "widgets/offsetsview.h"
#include "widgets/trainingcurvesview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QGridLayout>
#include <QSignalSpy>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

using namespace ql;

namespace {

QString demoModel() { return QStringLiteral(QL_SOURCE_DIR "/resources/models/fmnist-cnn-swish.pth"); }

core::engine::QatOptions qatOptions(int steps)
{
    core::engine::QatOptions o;
    o.calibrationImages = 256;
    o.train.epochs = 1;
    o.train.maxStepsPerEpoch = steps;
    o.train.batchSize = 128;
    o.train.learningRate = 0.005;
    o.train.quantLearningRate = 0.001;
    o.train.weightDecay = 1e-4;
    o.train.pointEvery = 5;
    return o;
}

core::engine::QuantRecipe recipe()
{
    core::engine::QuantRecipe r;
    r.weightMethod = core::quant::Method::Lsq;
    r.actMethod = core::quant::Method::LsqPlus;
    return r;
}

double percentile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

/// Median images per second over the training points of a run: the first point includes the
/// warm-up; the median of the rest is steady state, robust to a stray slow window.
double medianThroughput(const std::vector<types::TrainingPoint> &points)
{
    std::vector<double> rates;
    for (size_t i = 1; i < points.size(); ++i)
        rates.push_back(points[i].imagesPerSecond);
    return percentile(rates, 0.5);
}


/// Busy and stolen jiffies of all CPUs (/proc/stat; zeros where it cannot be read).
struct CpuTimes {
    double total = 0;
    double steal = 0;
};

CpuTimes cpuTimes()
{
    CpuTimes t;
    if (std::FILE *f = std::fopen("/proc/stat", "r")) {
        double v[8] = {};
        if (std::fscanf(f, "cpu %lf %lf %lf %lf %lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
                        &v[7]) == 8) {
            for (double x : v)
                t.total += x;
            t.steal = v[7];
        }
        std::fclose(f);
    }
    return t;
}

double stealPercent(const CpuTimes &a, const CpuTimes &b)
{
    const double total = b.total - a.total;
    return total > 0 ? 100.0 * (b.steal - a.steal) / total : 0.0;
}

/// QAT without a GUI: the engine called directly, as quantlens-cli does.
double cliThroughput(int steps)
{
    auto loaded = core::engine::loadModel(demoModel().toStdString());
    core::engine::Session s(std::move(loaded), "fashion-mnist", recipe());
    const auto train = core::data::openDataset("fashion-mnist", core::data::Split::Train);
    const auto test = core::data::openDataset("fashion-mnist", core::data::Split::Test);
    std::vector<types::TrainingPoint> points;
    core::engine::JobCallbacks cb;
    cb.trainingPoint = [&points](const types::TrainingPoint &p) { points.push_back(p); };
    core::engine::runQat(s, train, test, c10::Device(c10::kCPU), qatOptions(steps), cb);
    return medianThroughput(points);
}

/// Fake statistics of a 50-layer model, as the telemetry bus would hold them.
struct FakeModel {
    std::vector<types::LayerInfo> layers;
    std::vector<types::LayerQuantView> configs;
    std::vector<std::shared_ptr<const types::LayerSnapshot>> snapshots;
    std::shared_ptr<ui::StepOffsetSeries> history = std::make_shared<ui::StepOffsetSeries>();
    std::vector<types::TrainingPoint> training;
    std::shared_ptr<types::ErrorAccumulation> errors = std::make_shared<types::ErrorAccumulation>();
};

types::TensorQuantStats fakeStats(int bits, int channels, double scale)
{
    types::TensorQuantStats s;
    s.valid = true;
    s.values.lo = -4 * scale;
    s.values.hi = 4 * scale;
    for (int i = 0; i < 128; ++i) {
        const double x = -4 + 8.0 * (i + 0.5) / 128;
        s.values.counts.push_back(1000 * std::exp(-x * x / 2));
    }
    s.step = scale * 6 / double(1 << bits);
    s.codeLo = -(1 << (bits - 1));
    for (int c = 0; c < (1 << bits); ++c)
        s.codeCounts.push_back(100.0 + c);
    s.clipLo = double(s.codeLo) * s.step;
    s.clipHi = double((1 << (bits - 1)) - 1) * s.step;
    s.stepPerChannel.assign(size_t(channels), s.step);
    s.offset = 0.01;
    s.sqnrDb = 20;
    return s;
}

FakeModel fakeModel(int layerCount)
{
    FakeModel m;
    for (int i = 0; i < layerCount; ++i) {
        types::LayerInfo l;
        l.name = "features." + std::to_string(i) + ".conv";
        l.type = "Conv2d";
        l.weightShape = {64, 64, 3, 3};
        l.parameters = 64 * 64 * 9;
        l.macs = 64 * 64 * 9 * 32 * 32;
        m.layers.push_back(l);
        types::LayerQuantView v;
        v.weightMethod = "lsq";
        v.actMethod = "lsq+";
        v.weightBits = v.actBits = 4;
        m.configs.push_back(v);
        auto s = std::make_shared<types::LayerSnapshot>();
        s->layer = l.name;
        s->step = 1000;
        s->weight = fakeStats(4, 64, 0.05 * (1 + i % 5));
        s->activation = fakeStats(4, 1, 1.0 + i % 3);
        m.snapshots.push_back(s);
        auto &h = (*m.history)[l.name];
        for (int step = 0; step < 200; ++step)
            h.push_back({step * 10, 0.1 + 0.0001 * step, 0.01 * std::sin(step * 0.05)});
        m.errors->blocks.push_back(l.name);
        m.errors->blockL2.push_back(0.1 * (i + 1));
        m.errors->layers.push_back(l.name);
        m.errors->layerL2.push_back(0.05);
    }
    for (int step = 0; step < 2000; ++step) {
        types::TrainingPoint p;
        p.step = step * 5;
        p.loss = 2.0 / (1 + step * 0.01);
        p.accuracy = 0.9 - p.loss * 0.1;
        p.learningRate = 0.005 * std::cos(step / 2000.0);
        m.training.push_back(p);
    }
    return m;
}

/// Counts the paint events of the plots and the table.
class PaintCounter : public QObject {
public:
    int paints = 0;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(watched, event);
    }
};

/// One refresh of every view that the window shows at once: the new data set, the queued
/// replots run and the window painted, as the event loop does it after a telemetry update.
double refreshMs(ui::LayerTableView &table, ui::HistogramView &hist, ui::OffsetsView &offsets, ui::LevelsView &levels,
                 ui::TrainingCurvesView &curves, ui::ErrorView &errors, const FakeModel &m)
{
    QElapsedTimer t;
    t.start();
    table.model()->updateSnapshots(m.snapshots);
    offsets.setSnapshots(m.snapshots);
    offsets.setHistory(m.history);
    offsets.setSelectedLayers({QString::fromStdString(m.layers[3].name)});
    hist.setSnapshot(m.snapshots[3]);
    levels.setWeights(m.snapshots[3]->weight.values, m.snapshots[3]->weight.clipHi);
    curves.setPoints(m.training);
    errors.setAccumulations(m.errors);
    QCoreApplication::processEvents(); // the queued replots, then the update request that paints
    QCoreApplication::sendPostedEvents();
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    core::setCpuThreads(argc > 1 ? std::atoi(argv[1]) : 0);
    const int steps = argc > 2 ? std::atoi(argv[2]) : 60;
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
    std::printf("GUI responsiveness, fmnist-cnn (Swish demo), LSQ/LSQ+ W4A4 QAT, batch 128, %d steps, %d CPU threads\n",
                steps, core::cpuThreads());

    // 2. Full refresh of the views for 50 layers.
    {
        const FakeModel m = fakeModel(50);
        QWidget host;
        host.resize(1400, 900);
        auto *grid = new QGridLayout(&host);
        auto *table = new ui::LayerTableView(&host);
        auto *hist = new ui::HistogramView(&host);
        auto *offsets = new ui::OffsetsView(&host);
        auto *levels = new ui::LevelsView(&host);
        auto *curves = new ui::TrainingCurvesView(&host);
        auto *errors = new ui::ErrorView(&host);
        grid->addWidget(table, 0, 0, 2, 1);
        grid->addWidget(hist, 0, 1);
        grid->addWidget(offsets, 0, 2);
        grid->addWidget(levels, 1, 1);
        grid->addWidget(curves, 1, 2);
        grid->addWidget(errors, 2, 1, 1, 2);
        table->model()->setLayers(m.layers, m.configs);
        host.show();
        QCoreApplication::processEvents();
        PaintCounter counter;
        int plots = 0;
        for (QWidget *w : host.findChildren<QWidget *>())
            if (w->inherits("QCustomPlot")) {
                w->installEventFilter(&counter);
                ++plots;
            }
        std::vector<double> times;
        for (int i = 0; i < 30; ++i)
            times.push_back(refreshMs(*table, *hist, *offsets, *levels, *curves, *errors, m));
        times.erase(times.begin(), times.begin() + 3); // warm-up
        std::printf("full refresh, 50 layers (6 views, %lld plots, %.1f plot paints per refresh)  median %6.2f ms   "
                    "worst %6.2f ms   (target < 16 ms)\n",
                    static_cast<long long>(plots), double(counter.paints) / 30.0, percentile(times, 0.5),
                    percentile(times, 1.0));
    }

    if (rounds < 1)
        return 0;

    // 1. One QAT run of the window with a 10 ms timer measuring the event loop. The timer wakes
    // the GUI thread 100 times a second, which the application never does, so it runs apart
    // from the throughput rounds.
    // 3. The window running QAT through the bridge and the engine alone, alternated so that
    // neither gains from running later (warm caches, a settled CPU clock, a busy neighbour):
    // CLI, GUI, CLI, GUI, ...
    app::MainWindow window;
    window.show();
    auto *engine = window.engine();
    engine->setAutosavePath(QString()); // the benchmark measures training, not disk writes
    QSignalSpy finished(engine, &app::EngineBridge::jobFinished);
    QSignalSpy failed(engine, &app::EngineBridge::jobFailed);
    window.openModelFile(demoModel());
    if (!finished.wait(120000)) {
        std::fprintf(stderr, "the demo model did not open: %s\n",
                     failed.isEmpty() ? "timeout" : qPrintable(failed.first().at(1).toString()));
        return 1;
    }
    std::vector<double> lateness;
    QElapsedTimer clock;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    qint64 last = 0;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last > 0)
            lateness.push_back(std::max(0.0, double(now - last) / 1e6 - 10.0));
        last = now;
    });
    const auto guiThroughput = [&](bool withTimer) -> double {
        const size_t before = engine->bus()->trainingSeries().size();
        last = 0;
        clock.start();
        if (withTimer)
            tick.start(10);
        if (!engine->runQat(recipe(), qatOptions(steps))) {
            std::fprintf(stderr, "the engine is busy\n");
            return -1;
        }
        {
            // A blocking event loop, as the application's: processEvents() with a time limit
            // never sleeps and would take a core from the training threads.
            QEventLoop loop;
            QObject::connect(engine, &app::EngineBridge::jobFinished, &loop, &QEventLoop::quit);
            QObject::connect(engine, &app::EngineBridge::jobFailed, &loop, &QEventLoop::quit);
            loop.exec();
        }
        tick.stop();
        if (!failed.isEmpty()) {
            std::fprintf(stderr, "QAT failed: %s\n", qPrintable(failed.first().at(1).toString()));
            return -1;
        }
        const auto series = engine->bus()->trainingSeries();
        return medianThroughput({series.begin() + std::ptrdiff_t(std::min(before, series.size())), series.end()});
    };
    std::vector<double> cli, gui, ratios;
    if (guiThroughput(/*withTimer=*/true) < 0)
        return 1;
    std::printf("event loop during QAT (10 ms timer, %zu ticks)    p99 late %6.1f ms   worst %6.1f ms   (target < 50 ms)\n",
                lateness.size(), percentile(lateness, 0.99), percentile(lateness, 1.0));
    std::fflush(stdout);
    // Each run's share of CPU time the hypervisor gave to other guests ("steal"): a run with a
    // high share was slowed from outside, which is why the summary is a median over rounds.
    for (int round = 0; round < rounds; ++round) {
        const CpuTimes t0 = cpuTimes();
        cli.push_back(cliThroughput(steps));
        const CpuTimes t1 = cpuTimes();
        gui.push_back(guiThroughput(/*withTimer=*/false));
        const CpuTimes t2 = cpuTimes();
        if (gui.back() < 0)
            return 1;
        ratios.push_back(cli.back() > 0 ? gui.back() / cli.back() : 0.0);
        std::printf("round %d: QAT without GUI %6.0f img/s (steal %4.1f %%), with GUI %6.0f img/s (steal %4.1f %%), "
                    "ratio %.3f\n",
                    round + 1, cli.back(), stealPercent(t0, t1), gui.back(), stealPercent(t1, t2), ratios.back());
        std::fflush(stdout);
    }
    std::printf("QAT throughput  without GUI %8.0f img/s   with GUI %8.0f img/s (medians of %d rounds)   ratio GUI/CLI: "
                "median over rounds %.3f, of the medians %.3f   (target >= 0.95)\n",
                percentile(cli, 0.5), percentile(gui, 0.5), rounds, percentile(ratios, 0.5),
                percentile(cli, 0.5) > 0 ? percentile(gui, 0.5) / percentile(cli, 0.5) : 0.0);
    return 0;
}
