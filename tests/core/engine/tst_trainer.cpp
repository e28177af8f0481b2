// Training, evaluation and the quantization jobs on a small Fashion-MNIST subset.
#include "core/common/error.h"
#include "core/data/loaders.h"
#include "core/data/transforms.h"
#include "core/engine/jobs.h"
#include "core/engine/model_io.h"
#include "core/engine/trainer.h"
#include "ql/types/methods.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <set>
#include <thread>

using namespace ql::core;

/// A job clock for tests: it stands still unless advanced, or moves by `tick` seconds at every
/// reading. Restores the real clock when it goes out of scope.
class FakeClock {
public:
    explicit FakeClock(double tick = 0) : m_tick(tick)
    {
        engine::setJobClock([this] {
            const auto now = m_now;
            m_now +=
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(m_tick));
            return now;
        });
    }
    ~FakeClock() { engine::setJobClock(nullptr); }
    void advance(double seconds)
    {
        m_now +=
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
    }

private:
    double m_tick;
    std::chrono::steady_clock::time_point m_now{};
};

class TestTrainer : public QObject {
    Q_OBJECT
    data::Dataset m_train, m_test;

    static engine::LoadedModel freshModel()
    {
        torch::manual_seed(1);
        engine::LoadedModel m;
        m.model = models::createModel("fmnist-cnn");
        m.meta.arch = "fmnist-cnn";
        m.meta.inChannels = 1;
        m.meta.numClasses = 10;
        return m;
    }

    /// The trained Swish demo model.
    static engine::LoadedModel demoModel()
    {
        const QString path =
            qEnvironmentVariable("QL_SOURCE_DIR") + QStringLiteral("/resources/models/fmnist-cnn-swish.pth");
        return engine::loadModel(path.toStdString());
    }

    static engine::QuantRecipe recipeOf(const QString &weights, const QString &acts)
    {
        engine::QuantRecipe r;
        r.weightMethod = quant::methodFromName(weights.toStdString());
        r.actMethod = quant::methodFromName(acts.toStdString());
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        at::set_num_threads(2);
        try {
            m_train = data::openDataset("fashion-mnist", data::Split::Train).subset(torch::arange(4096, torch::kLong));
            m_test = data::openDataset("fashion-mnist", data::Split::Test).subset(torch::arange(512, torch::kLong));
        } catch (const Error &e) {
            QFAIL(
                (std::string("Fashion-MNIST is needed (scripts/bootstrap installs dataset-fashion-mnist): ") + e.what())
                    .c_str());
        }
    }

    void trainingLearnsAndCheckpointsResume()
    {
        auto m = freshModel();
        const auto before = engine::evaluate(*m.model, m_test, torch::kCPU);
        QTemporaryDir dir;
        engine::TrainOptions o;
        o.epochs = 3;
        o.batchSize = 64;
        o.maxStepsPerEpoch = 24;
        o.learningRate = 0.02;
        o.augment = false;
        o.workers = 1;
        o.checkpoint = QString(dir.path() + QStringLiteral("/c.ckpt")).toStdString();
        std::vector<ql::types::TrainingPoint> points;
        engine::JobCallbacks cb;
        cb.trainingPoint = [&](const ql::types::TrainingPoint &p) { points.push_back(p); };
        const auto r = engine::train(*m.model, m_train, m_test, torch::kCPU, o, cb);
        QCOMPARE(r.epochs.size(), size_t(3));
        QVERIFY2(r.epochs.back().validation.top1 > before.top1 + 0.3,
                 qPrintable(QStringLiteral("%1 -> %2").arg(before.top1).arg(r.epochs.back().validation.top1)));
        QVERIFY(!points.empty());
        QVERIFY(points.front().learningRate > points.back().learningRate); // cosine decay
        QVERIFY(std::filesystem::exists(o.checkpoint));

        // Resuming a finished run trains no further epoch and keeps the weights.
        auto again = freshModel();
        o.resume = true;
        const auto r2 = engine::train(*again.model, m_train, m_test, torch::kCPU, o);
        QCOMPARE(r2.startEpoch, 3);
        QVERIFY(r2.epochs.empty());
        const auto e2 = engine::evaluate(*again.model, m_test, torch::kCPU);
        QVERIFY(std::abs(e2.top1 - r.epochs.back().validation.top1) < 1e-9);
    }

    void pausedTimeIsLeftOutOfTheClocks()
    {
        // Timing is the subject: a fake job clock that moves only when the test moves it.
        FakeClock clock;
        // A clock started before a 400 s pause does not count the pause.
        engine::JobCallbacks cb;
        cb.pausePoint = [&clock] { clock.advance(400); };
        const engine::Eta eta;
        QVERIFY(!cb.stopRequested());
        QCOMPARE(eta.elapsedSeconds(), 0.0);
        // Time that passes outside a pause counts.
        clock.advance(50);
        QCOMPARE(eta.elapsedSeconds(), 50.0);

        // Training paused for 1000 s in the middle: the epoch's time and its throughput leave it out.
        auto m = freshModel();
        engine::TrainOptions o;
        o.epochs = 1;
        o.batchSize = 64;
        o.maxStepsPerEpoch = 6;
        o.pointEvery = 2;
        o.augment = false;
        o.workers = 1;
        o.validationSamples = 64;
        int calls = 0;
        engine::JobCallbacks paused;
        paused.pausePoint = [&] {
            if (++calls == 4)
                clock.advance(1000);
        };
        std::vector<ql::types::TrainingPoint> points;
        paused.trainingPoint = [&](const ql::types::TrainingPoint &p) { points.push_back(p); };
        const auto r = engine::train(*m.model, m_train, m_test, torch::kCPU, o, paused);
        QCOMPARE(r.epochs.size(), size_t(1));
        QVERIFY(calls >= 4);
        QCOMPARE(r.epochs[0].seconds, 0.0); // 1000 if the pause counted
        // The pause came before step 4, in the second window (steps 3-4): its step time is that
        // of the other windows.
        QCOMPARE(points.size(), size_t(3));
        for (const auto &p : points)
            QCOMPARE(p.stepTimeMs, 0.0);
    }

    void nanLossStopsAndNamesALayer()
    {
        auto m = freshModel();
        engine::TrainOptions o;
        o.epochs = 1;
        o.batchSize = 64;
        o.learningRate = 1e6; // diverges at once
        o.momentum = 0;
        o.workers = 0;
        o.pointEvery = 2;
        o.augment = false;
        try {
            engine::train(*m.model, m_train, {}, torch::kCPU, o);
            QFAIL("training with lr 1e6 did not stop");
        } catch (const Error &e) {
            const std::string what = e.what();
            QVERIFY2(what.find("NaN") != std::string::npos || what.find("infinite") != std::string::npos, e.what());
            QVERIFY2(what.find("layer") != std::string::npos, e.what());
            QVERIFY(e.hint().find("learning rate") != std::string::npos);
        }
    }

    void modelFileRoundTrip()
    {
        auto m = freshModel();
        QTemporaryDir dir;
        const auto path = std::filesystem::path(dir.path().toStdString()) / "m.pth";
        engine::ModelMeta meta = m.meta;
        meta.activation = "relu";
        engine::saveModel(path, *m.model, meta);
        QVERIFY(std::filesystem::exists(engine::metaPathFor(path)));
        const auto loaded = engine::loadModel(path);
        QCOMPARE(loaded.meta.arch, std::string("fmnist-cnn"));
        torch::NoGradGuard g;
        m.model->eval();
        loaded.model->eval();
        const auto x = torch::randn({2, 1, 28, 28});
        QVERIFY(torch::allclose(m.model->forward(x), loaded.model->forward(x)));
        std::filesystem::remove(engine::metaPathFor(path));
        QVERIFY_THROWS_EXCEPTION(Error, engine::loadModel(path)); // architecture unknown
        QCOMPARE(engine::loadModel(path, "fmnist-cnn").meta.arch, std::string("fmnist-cnn"));
    }

    void ptqAtEightBitsKeepsAccuracyAndTwoBitsLosesIt()
    {
        // The trained demo model (91.7 % on Fashion-MNIST).
        auto m = engine::loadModel(QL_SOURCE_DIR "/resources/models/fmnist-cnn-swish.pth");
        engine::QuantRecipe r8;
        r8.weightMethod = r8.actMethod = quant::Method::MinMax;
        r8.weightBits = r8.actBits = 8;
        engine::Session s8(m, "fashion-mnist", r8);
        const auto e8 = engine::runPtq(s8, m_train, m_test, torch::kCPU, 256);
        QVERIFY2(std::abs(e8.fp32.top1 - e8.quantized.top1) < 0.02,
                 qPrintable(QStringLiteral("%1 vs %2").arg(e8.fp32.top1).arg(e8.quantized.top1)));

        // The sessions share one model (a session quantizes its model in place): measure 8 bits first.
        const auto a8 = engine::errorAccumulation(s8, m_test, torch::kCPU, 64);
        engine::QuantRecipe r2 = r8;
        r2.weightBits = r2.actBits = 2;
        r2.firstLastBits = 2;
        engine::Session s2(m, "fashion-mnist", r2);
        const auto e2 = engine::runPtq(s2, m_train, m_test, torch::kCPU, 256);
        QVERIFY(e2.quantized.top1 < e8.quantized.top1 - 0.05);

        // Error accumulation: every block of the 2-bit model is further from FP32 than the 8-bit one.
        const auto a2 = engine::errorAccumulation(s2, m_test, torch::kCPU, 64);
        QCOMPARE(a8.blockL2.size(), a8.blocks.size());
        for (size_t b = 0; b < a8.blockL2.size(); ++b)
            QVERIFY2(a2.blockL2[b] > a8.blockL2[b],
                     qPrintable(QStringLiteral("block %1: %2 vs %3").arg(b).arg(a2.blockL2[b]).arg(a8.blockL2[b])));

        // Sensitivity ranks every layer once.
        const auto rows = engine::sensitivity(s2, m_test, torch::kCPU, 256);
        QCOMPARE(rows.size(), s2.config().size());
        std::vector<int> ranks;
        for (const auto &row : rows)
            ranks.push_back(row.rank);
        std::sort(ranks.begin(), ranks.end());
        for (size_t i = 0; i < ranks.size(); ++i)
            QCOMPARE(ranks[i], int(i + 1));

        // What-if rebuilds only the quantizer whose bits change: the other keeps its calibration.
        {
            const auto layer = s2.model()->quantLayers()[1];
            const auto weightBefore = layer->weightQuantizer(), inputBefore = layer->inputQuantizer();
            const int actBitsBefore = s2.layerConfig(layer->layerName()).act.bits;
            engine::whatIf(s2, layer->layerName(), 3, 0, m_test, torch::kCPU, 64);
            QVERIFY(layer->weightQuantizer() != weightBefore);
            QCOMPARE(layer->weightQuantizer()->spec().bits, 3);
            QVERIFY(layer->inputQuantizer() == inputBefore);
            QCOMPARE(s2.layerConfig(layer->layerName()).act.bits, actBitsBefore);
            const auto weight3 = layer->weightQuantizer();
            engine::whatIf(s2, layer->layerName(), 0, 6, m_test, torch::kCPU, 64);
            QVERIFY(layer->weightQuantizer() == weight3);
            QVERIFY(layer->inputQuantizer() != inputBefore);
            QCOMPARE(layer->inputQuantizer()->spec().bits, 6);
            QVERIFY(layer->inputQuantizer()->initialized()); // on the evaluation's first batch
        }

        // What-if: back to 8 bits on every layer restores most of the accuracy.
        for (const auto &c : std::vector<engine::LayerQuantConfig>(s2.config()))
            engine::whatIf(s2, c.layer, 8, 8, m_test, torch::kCPU, 256);
        const auto back = engine::evaluate(*s2.model(), m_test, torch::kCPU);
        QVERIFY(back.top1 > e2.quantized.top1 + 0.05);
    }

    void optimiserHoldsEveryQuantizerParameter_data()
    {
        QTest::addColumn<QString>("weights");
        QTest::addColumn<QString>("acts");
        QTest::newRow("LSQ + LSQ+") << QStringLiteral("lsq") << QStringLiteral("lsq+");
        QTest::newRow("POST + ASQ") << QStringLiteral("post") << QStringLiteral("asq");
        QTest::newRow("POT + PACT") << QStringLiteral("pot") << QStringLiteral("pact");
    }
    void optimiserHoldsEveryQuantizerParameter()
    {
        // Every trainable parameter of every quantizer (steps, offsets, alphas, ASQ's adapters) is in
        // the optimiser's "quantizers" group, at the network's learning rate by default (as the
        // papers train them) and without weight decay; after one step at the defaults, the element
        // with the largest gradient of each quantizer has moved.
        QFETCH(QString, weights);
        QFETCH(QString, acts);
        engine::Session s(demoModel(), "fashion-mnist", recipeOf(weights, acts));
        torch::manual_seed(7);
        s.buildQuantizers();
        engine::calibrate(s, data::calibrationSubset(m_train, 128, 0), torch::kCPU);
        auto &model = *s.model();
        const engine::TrainOptions o; // the defaults
        QVERIFY(o.quantLearningRate < 0);
        const auto opt = engine::makeOptimizer(model, o);
        std::map<const c10::TensorImpl *, size_t> groupOf;
        for (size_t g = 0; g < opt.sgd->param_groups().size(); ++g)
            for (const auto &p : opt.sgd->param_groups()[g].params())
                groupOf[p.unsafeGetTensorImpl()] = g;

        // Each quantizer's trainable parameters, by quantizer.
        std::vector<std::pair<std::string, std::vector<torch::Tensor>>> quantizers;
        for (const auto &l : model.quantLayers())
            for (const auto &[what, q] :
                 {std::pair<std::string, const quant::Quantizer *>{"weight", &l->weightQuantizer()},
                  std::pair<std::string, const quant::Quantizer *>{"input", &l->inputQuantizer()}}) {
                std::vector<torch::Tensor> params;
                for (const auto &p : (*q)->parameters(true))
                    if (p.requires_grad())
                        params.push_back(p);
                // What QAT learns is the method's (a range setter that stands in, such as min-max
                // on conv1's signed input for PACT, learns nothing).
                const bool learns = ql::types::methodInfo((*q)->spec().method).trainable;
                QVERIFY2(learns == !params.empty(),
                         qPrintable(QString::fromStdString(l->layerName() + " " + what + ": " + (*q)->spec().label())));
                if (!params.empty())
                    quantizers.emplace_back(l->layerName() + " " + what, params);
            }
        QVERIFY(quantizers.size() + 1 >= 2 * model.quantLayers().size());
        for (const auto &[name, params] : quantizers)
            for (const auto &p : params) {
                const auto it = groupOf.find(p.unsafeGetTensorImpl());
                QVERIFY2(it != groupOf.end(),
                         qPrintable(QString::fromStdString(name + ": a parameter is not optimised")));
                QCOMPARE(opt.groups[it->second], std::string("quantizers"));
                const auto &options =
                    static_cast<const torch::optim::SGDOptions &>(opt.sgd->param_groups()[it->second].options());
                QCOMPARE(options.lr(), o.learningRate);
                QCOMPARE(options.weight_decay(), 0.0);
            }

        // One step on a batch of training images.
        model.train();
        const auto idx = torch::arange(64, torch::kLong);
        const auto images = data::normalize(m_train.images(idx), m_train.normalization());
        opt.sgd->zero_grad();
        torch::nn::functional::cross_entropy(model.forward(images), m_train.labels(idx)).backward();
        // parameter, index, value before, gradient
        using Pick = std::tuple<std::string, torch::Tensor, int64_t, float, double>;
        std::vector<Pick> largest;
        for (const auto &[name, params] : quantizers) {
            double best = 0;
            Pick pick;
            for (const auto &p : params) {
                if (!p.grad().defined())
                    continue;
                const auto g = p.grad().abs().flatten();
                const int64_t i = g.argmax().item<int64_t>();
                if (g[i].item<double>() > best) {
                    best = g[i].item<double>();
                    pick = {name, p, i, p.detach().flatten()[i].item<float>(), best};
                }
            }
            if (best > 0)
                largest.push_back(pick);
        }
        // conv1's input (normalised pixels on an 8-bit grid) may have no gradient; every other has one.
        QVERIFY2(largest.size() + 1 >= quantizers.size(),
                 qPrintable(
                     QStringLiteral("%1 of %2 quantizers have a gradient").arg(largest.size()).arg(quantizers.size())));
        opt.sgd->step();
        // The first step moves by lr * gradient; below half a float32 spacing of the value the value
        // cannot change (LSQ's gradient scale makes some offsets' gradients that small).
        int unrepresentable = 0;
        for (const auto &[name, p, i, before, grad] : largest) {
            const double spacing = std::abs(std::nextafter(before, 2.0f * before + 1.0f) - before);
            if (o.learningRate * grad <= spacing) {
                ++unrepresentable;
                qInfo().noquote() << QString::fromStdString(name) << "update" << o.learningRate * grad
                                  << "is below the value's float32 spacing" << spacing;
                continue;
            }
            QVERIFY2(p.detach().flatten()[i].item<float>() != before,
                     qPrintable(QString::fromStdString(name + ": its largest-gradient element did not move")));
        }
        QVERIFY(unrepresentable <= 1);
    }

    void qatWithEachMethodFamily_data()
    {
        QTest::addColumn<QString>("weights");
        QTest::addColumn<QString>("acts");
        QTest::addColumn<QString>("config");
        QTest::newRow("ASQ + POST") << QStringLiteral("post") << QStringLiteral("asq") << QString();
        QTest::newRow("PACT") << QStringLiteral("lsq") << QStringLiteral("pact") << QString();
        QTest::newRow("mixed per layer")
            << QStringLiteral("lsq") << QStringLiteral("lsq")
            << QStringLiteral(R"({"layers": {"conv2": {"weight": {"method": "post"}, "act": {"method": "asq"}},
                                              "conv3": {"weight": {"method": "lsq+"}, "act": {"method": "pact"}},
                                              "conv4": {"act": {"method": "lsq+", "lsqPlusConfig": 4, "bits": 3}}}})");
    }
    void qatWithEachMethodFamily()
    {
        // From the trained demo model, a short W4A4 QAT run with each family must win back
        // accuracy, train each quantizer's own parameters, and leave every parameter finite.
        QFETCH(QString, weights);
        QFETCH(QString, acts);
        QFETCH(QString, config);
        engine::Session s(demoModel(), "fashion-mnist", recipeOf(weights, acts));
        if (!config.isEmpty())
            QCOMPARE(s.applyConfigJson(config.toStdString(), "test"), 3);
        engine::QatOptions o;
        o.calibrationImages = 128;
        o.train.epochs = 1;
        o.train.batchSize = 64;
        o.train.maxStepsPerEpoch = 12;
        o.train.learningRate = 0.002;
        o.train.quantLearningRate = 0.01;
        o.train.workers = 0;
        o.train.augment = false;

        // Record the quantizer parameters right after calibration, before any step (the same
        // seed gives runQat's own calibration the same random adapter initialisation).
        torch::manual_seed(7);
        s.buildQuantizers();
        engine::calibrate(s, data::calibrationSubset(m_train, 128, 0), torch::kCPU);
        std::map<std::string, torch::Tensor> initial;
        for (const auto &l : s.model()->quantLayers())
            for (const auto &q : {l->weightQuantizer(), l->inputQuantizer()})
                if (q)
                    for (const auto &p : q->named_parameters())
                        initial[l->layerName() + (q == l->weightQuantizer() ? ".w." : ".a.") + p.key()] =
                            p.value().detach().clone();
        QVERIFY(!initial.empty());
        const auto calibrated = engine::evaluate(*s.model(), m_test, torch::kCPU);

        torch::manual_seed(7);
        const auto result = engine::runQat(s, m_train, m_test, torch::kCPU, o);
        QCOMPARE(result.train.steps, int64_t(12));
        // The inits follow the papers, which are not PTQ methods (LSQ's 2<|x|>/sqrt(p) clips hard):
        // training must win back accuracy within these few steps.
        QVERIFY2(result.eval.quantized.top1 > calibrated.top1 + 0.05 && result.eval.quantized.top1 > 0.3,
                 qPrintable(QStringLiteral("%1 after calibration, %2 after QAT")
                                .arg(calibrated.top1)
                                .arg(result.eval.quantized.top1)));
        QVERIFY(engine::firstNonFiniteParameter(*s.model()).empty());

        // runQat re-calibrated from the same config, so the families are what the config says,
        // and their parameters moved away from a fresh calibration by training.
        std::set<quant::Method> seen;
        int moved = 0;
        for (const auto &l : s.model()->quantLayers())
            for (const auto &q : {l->weightQuantizer(), l->inputQuantizer()}) {
                if (!q)
                    continue;
                seen.insert(q->spec().method);
                for (const auto &p : q->named_parameters()) {
                    const auto key = l->layerName() + (q == l->weightQuantizer() ? ".w." : ".a.") + p.key();
                    if (initial.count(key) && !torch::allclose(initial[key], p.value().detach(), 1e-6, 1e-7))
                        ++moved;
                }
            }
        QVERIFY(seen.count(quant::methodFromName(weights.toStdString())));
        QVERIFY(seen.count(quant::methodFromName(acts.toStdString())));
        if (!config.isEmpty())
            for (const char *m : {"post", "asq", "lsq+", "pact"})
                QVERIFY2(seen.count(quant::methodFromName(m)), m);
        QVERIFY2(moved >= 5, qPrintable(QString::number(moved)));
    }

    void qatPublishesTelemetry()
    {
        auto m = freshModel();
        engine::Session s(m, "fashion-mnist", {});
        engine::QatOptions o;
        o.calibrationImages = 128;
        o.train.epochs = 1;
        o.train.batchSize = 64;
        o.train.maxStepsPerEpoch = 8;
        o.train.pointEvery = 4;
        o.train.workers = 0;
        auto bus = std::make_shared<telemetry::Bus>();
        const auto r = engine::runQat(s, m_train, m_test, torch::kCPU, o, {}, bus);
        QCOMPARE(r.train.steps, int64_t(8));
        const auto latest = bus->latest();
        QCOMPARE(latest.size(), s.config().size());
        const auto &snap = *latest.begin()->second;
        QVERIFY(snap.weight.valid);
        QVERIFY(snap.activation.valid);
        QVERIFY(!snap.weight.levels.empty());
        QVERIFY(snap.weight.step > 0);
        // Two training points (every 4 of 8 steps), the FP32 reference first and the epoch's
        // validation accuracy last.
        const auto series = bus->trainingSeries();
        QCOMPARE(series.size(), size_t(4));
        QVERIFY(!series.front().hasTraining());
        QCOMPARE(series.front().fp32Accuracy, r.eval.fp32.top1);
        QVERIFY(series[1].hasTraining() && series[2].hasTraining());
        QCOMPARE(series[2].step, int64_t(8));
        QVERIFY(!series.back().hasTraining());
        QCOMPARE(series.back().step, int64_t(8));
        QCOMPARE(series.back().validationAccuracy, r.train.epochs.back().validation.top1);
    }

    void telemetryScheduleKeepsToItsBudget()
    {
        // Snapshots of 1/8 s with a 25 % budget: each is followed by 1/2 s without one. (Times
        // are binary fractions, so the arithmetic is exact.)
        engine::TelemetrySchedule s(0.25);
        QVERIFY(s.due(0)); // the first is always due
        s.published(0, 0.125);
        QCOMPARE(s.lastSeconds(), 0.125);
        QVERIFY(!s.due(0.125));
        QVERIFY(!s.due(0.5));
        QVERIFY(s.due(0.625));
        // Asked every 1/1024 s for 10 s from the start: one snapshot every 5/8 s, 16 in all.
        engine::TelemetrySchedule busy(0.25);
        for (int64_t i = 0; i < 10 * 1024;) {
            const double now = double(i) / 1024;
            if (busy.due(now)) {
                busy.published(now, now + 0.125);
                i += 128;
            } else {
                ++i;
            }
        }
        QCOMPARE(busy.count(), int64_t(16));
        QCOMPARE(busy.overhead(10.0), 0.2); // 16 x 1/8 s of 10 s: under the budget
    }

    void telemetryProbeFollowsItsSchedule()
    {
        // Every reading of the (fake) job clock moves it by 1/16 s: a snapshot reads it twice,
        // so it "takes" 1/16 s and, at a 25 % budget, the next is due 1/4 s after it ends.
        FakeClock clock(0.0625);
        auto m = freshModel();
        engine::Session s(m, "fashion-mnist", {});
        s.buildQuantizers();
        engine::calibrate(s, m_test.subset(torch::arange(64, torch::kLong)), torch::kCPU);
        auto bus = std::make_shared<telemetry::Bus>();
        engine::TelemetryProbe probe(s, m_test, torch::kCPU, bus, engine::kTrainingProbeImages, 0.25);
        probe.publishIfDue(1); // the first is always due
        QCOMPARE(probe.published(), int64_t(1));
        QCOMPARE(probe.lastSeconds(), 0.0625);
        for (int step = 2; step <= 4; ++step) {
            probe.publishIfDue(step); // 1/16, 2/16 and 3/16 s after it
            QCOMPARE(probe.published(), int64_t(1));
        }
        probe.publishIfDue(5); // 4/16 s
        QCOMPARE(probe.published(), int64_t(2));
        QCOMPARE(bus->latest().at(s.config().front().layer)->step, int64_t(5));
        QCOMPARE(bus->latest().size(), s.config().size());
    }
};

QL_TEST(TestTrainer)
#include "tst_trainer.moc"
