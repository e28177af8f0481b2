// GUI responsiveness while QAT runs (prints its figures; not a test):
//  1. the worst and the 99th-percentile lateness of a 10 ms timer on the GUI event loop
//     while the main window runs QAT on the demo model through the engine bridge, and again
//     while it runs a mixed-precision search whose points the Pareto view draws as they come;
//  2. the time of one full refresh of every view for a 50-layer model (set the data, paint);
//  3. QAT training throughput with the GUI attached against the same QAT without a GUI
//     (the engine called directly, as quantlens-cli does), as a ratio; the two alternate for
//     `rounds` rounds (0: the refresh figure only); the summary is the median over rounds, since
//     a neighbour on a shared machine can slow any single run. Beside the images per second,
//     each run's process CPU time and page faults per image over the same stretch of training:
//     the CPU time leaves out most of what other guests take ("steal"), so it varies less than
//     the wall clock, though not nothing (threads that wait for a stalled partner spin).
// Usage: bench_gui_responsiveness [threads] [steps] [rounds]   (QT_QPA_PLATFORM=offscreen unless set)
#include "app/gui/enginebridge.h"
#include "app/gui/mainwindow.h"
#include "core/common/threads.h"
#include "core/engine/workbench.h"
#include "ql/types/methods.h"
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
#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <thread>

#include <cmath>
#include <cstdio>
#include <sys/resource.h>

using namespace ql;

namespace {

QString demoModel() { return QStringLiteral(QL_SOURCE_DIR "/resources/models/fmnist-cnn-swish.pth"); }

types::QatOptions qatOptions(int steps)
{
    const auto &d = types::qatDefaults(); // what the window and the CLI use
    types::QatOptions o;
    o.calibrationImages = 256;
    o.train.epochs = 1;
    o.train.maxStepsPerEpoch = steps;
    o.train.batchSize = d.batchSize;
    o.train.learningRate = d.learningRate;
    o.train.quantLearningRate = d.quantLearningRate;
    o.train.weightDecay = d.weightDecay;
    o.train.pointEvery = 5;
    return o;
}

types::QuantRecipe recipe()
{
    types::QuantRecipe r;
    r.weightMethod = types::Method::Lsq;
    r.actMethod = types::Method::LsqPlus;
    return r;
}

double percentile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
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

double processCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

/// One training run as measured between its first and its last training point (the first
/// window, with the warm-up, and the calibration and evaluations around training are left out).
struct RunFigures {
    double imagesPerSecond = 0;
    double cpuMsPerImage = 0; ///< process CPU time (all threads) per trained image
    double stealPercent = 0;
    double faultsPerImage = 0; ///< minor page faults of the process per trained image
    bool valid() const { return imagesPerSecond > 0 && cpuMsPerImage > 0; }
};

/// Samples the wall clock, the process CPU time, /proc/stat and the number of training points
/// published so far every 20 ms on a thread of its own, the same way for both kinds of run.
class Sampler {
public:
    explicit Sampler(std::function<uint64_t()> points) : m_points(std::move(points))
    {
        m_thread = std::jthread([this](std::stop_token stop) {
            while (!stop.stop_requested()) {
                sample();
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
    }

    /// Stops sampling; figures over the points after the first, `imagesPerPoint` images apart.
    RunFigures finish(double imagesPerPoint)
    {
        m_thread.request_stop();
        m_thread.join();
        sample();
        RunFigures f;
        const uint64_t last = m_samples.back().points;
        const auto first =
            std::find_if(m_samples.begin(), m_samples.end(), [](const Sample &x) { return x.points >= 1; });
        const auto end =
            std::find_if(m_samples.begin(), m_samples.end(), [last](const Sample &x) { return x.points >= last; });
        if (first == m_samples.end() || end <= first || end->points <= first->points)
            return f;
        const double images = double(end->points - first->points) * imagesPerPoint;
        f.imagesPerSecond = images / (end->wall - first->wall);
        f.cpuMsPerImage = 1000.0 * (end->cpu - first->cpu) / images;
        f.stealPercent = stealPercent(first->stat, end->stat);
        f.faultsPerImage = (end->faults - first->faults) / images;
        return f;
    }

private:
    struct Sample {
        double wall = 0;
        double cpu = 0;
        CpuTimes stat;
        double faults = 0;
        uint64_t points = 0;
    };

    void sample()
    {
        Sample x;
        x.points = m_points();
        x.wall = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
        x.cpu = processCpuSeconds();
        x.stat = cpuTimes();
        rusage u{};
        getrusage(RUSAGE_SELF, &u);
        x.faults = double(u.ru_minflt);
        m_samples.push_back(x);
    }

    std::function<uint64_t()> m_points;
    std::vector<Sample> m_samples; ///< written by the sampling thread until finish() joins it
    std::jthread m_thread;
};

/// QAT without a GUI: the engine's workbench called directly, as quantlens-cli does.
RunFigures cliRun(int steps)
{
    core::engine::Workbench wb;
    wb.setDevice("cpu");
    wb.openModel(demoModel().toStdString(), {}, recipe());
    std::atomic<uint64_t> points{0};
    core::engine::JobCallbacks cb;
    cb.trainingPoint = [&points](const types::TrainingPoint &) { ++points; };
    const auto o = qatOptions(steps);
    Sampler sampler([&points] { return points.load(); });
    wb.qat(o, cb);
    return sampler.finish(double(o.train.pointEvery * o.train.batchSize));
}

/// Fake statistics of a 50-layer model, as the telemetry bus would hold them.
struct FakeModel {
    std::vector<types::LayerInfo> layers;
    std::vector<types::LayerQuantConfig> configs;
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
        m.configs.push_back(types::recipeConfig(recipe(), l.name, false, false));
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
    core::keepFreedMemoryForReuse(); // as both applications do
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
    const auto guiRun = [&](bool withTimer) -> RunFigures {
        last = 0;
        clock.start();
        if (withTimer)
            tick.start(10);
        const auto bus = engine->bus();
        const uint64_t before = bus->trainingPublished();
        Sampler sampler([bus, before] { return bus->trainingPublished() - before; });
        const auto o = qatOptions(steps);
        if (!engine->runQat(recipe(), o)) {
            std::fprintf(stderr, "the engine is busy\n");
            return {};
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
        const RunFigures f = sampler.finish(double(o.train.pointEvery * o.train.batchSize));
        if (!failed.isEmpty()) {
            std::fprintf(stderr, "QAT failed: %s\n", qPrintable(failed.first().at(1).toString()));
            return {};
        }
        return f;
    };
    std::vector<double> cli, gui, ratios, cpuRatios;
    if (!guiRun(/*withTimer=*/true).valid()) {
        std::fprintf(stderr, "the window's QAT run gave too few training points to measure (steps: %d)\n", steps);
        return 1;
    }
    std::printf(
        "event loop during QAT (10 ms timer, %zu ticks)    p99 late %6.1f ms   worst %6.1f ms   (target < 50 ms)\n",
        lateness.size(), percentile(lateness, 0.99), percentile(lateness, 1.0));
    std::fflush(stdout);
    {
        // The same measure while a mixed-precision search runs (every layer free, candidates
        // 2,3,4,8): each measured configuration is drawn in the Mixed precision view as it comes.
        lateness.clear();
        last = 0;
        clock.start();
        tick.start(10);
        QSignalSpy points(engine, &app::EngineBridge::mixedPointAdded);
        types::MixedOptions mo;
        mo.unlockFirstLast = true;
        QElapsedTimer wall;
        wall.start();
        if (!engine->runMixed(mo)) {
            std::fprintf(stderr, "the engine is busy\n");
            return 1;
        }
        QEventLoop loop;
        QObject::connect(engine, &app::EngineBridge::jobFinished, &loop, &QEventLoop::quit);
        QObject::connect(engine, &app::EngineBridge::jobFailed, &loop, &QEventLoop::quit);
        loop.exec();
        tick.stop();
        if (!failed.isEmpty()) {
            std::fprintf(stderr, "the search failed: %s\n", qPrintable(failed.first().at(1).toString()));
            return 1;
        }
        std::printf("event loop during a mixed-precision search (%lld points drawn as they came, %.1f s)   p99 late "
                    "%6.1f ms   worst %6.1f ms   (target < 50 ms)\n",
                    static_cast<long long>(points.count()), double(wall.elapsed()) / 1000, percentile(lateness, 0.99),
                    percentile(lateness, 1.0));
        std::fflush(stdout);
    }
    // Each run's share of CPU time the hypervisor gave to other guests ("steal"): a run with a
    // high share was slowed from outside, which is why the summary is a median over rounds.
    for (int round = 0; round < rounds; ++round) {
        const RunFigures c = cliRun(steps);
        const RunFigures g = guiRun(/*withTimer=*/false);
        if (!c.valid() || !g.valid()) {
            std::fprintf(stderr, "round %d gave too few training points to measure (steps: %d)\n", round + 1, steps);
            return 1;
        }
        cli.push_back(c.imagesPerSecond);
        gui.push_back(g.imagesPerSecond);
        ratios.push_back(g.imagesPerSecond / c.imagesPerSecond);
        cpuRatios.push_back(c.cpuMsPerImage / g.cpuMsPerImage);
        std::printf("round %d: without GUI %5.0f img/s, %5.3f CPU-ms/img, %5.1f faults/img (steal %4.1f %%); with GUI "
                    "%5.0f img/s, %5.3f CPU-ms/img, %5.1f faults/img (steal %4.1f %%); ratio %.3f, by CPU time %.3f\n",
                    round + 1, c.imagesPerSecond, c.cpuMsPerImage, c.faultsPerImage, c.stealPercent, g.imagesPerSecond,
                    g.cpuMsPerImage, g.faultsPerImage, g.stealPercent, ratios.back(), cpuRatios.back());
        std::fflush(stdout);
    }
    std::printf(
        "QAT throughput  without GUI %6.0f img/s   with GUI %6.0f img/s (medians of %d rounds)   ratio GUI/CLI: "
        "median over rounds %.3f, of the medians %.3f; by CPU time per image %.3f (min %.3f, max %.3f)   "
        "(target >= 0.95)\n",
        percentile(cli, 0.5), percentile(gui, 0.5), rounds, percentile(ratios, 0.5),
        percentile(gui, 0.5) / percentile(cli, 0.5), percentile(cpuRatios, 0.5), percentile(cpuRatios, 0.0),
        percentile(cpuRatios, 1.0));
    return 0;
}
