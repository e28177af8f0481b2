// QAT and training checkpoints: written with QuantLens's own state-dict writer (a full disk is an
// error naming the file, never an abort) and read by its own reader (nothing is executed): a
// resumed run continues exactly where it stopped, momentum buffers included.
#include "core/common/atomic_file.h"
#include "core/data/loaders.h"
#include "core/engine/trainer.h"
#include "core/models/weights.h"
#include "core/models/zoo.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>
#include <torch/torch.h>

#include <fstream>
#include <stop_token>

namespace fs = std::filesystem;
namespace hostile = ql::test::hostile;
using namespace ql::core;

class TestCheckpoint : public QObject {
    Q_OBJECT

    data::Dataset m_train, m_test;

    static models::QuantModel model()
    {
        torch::manual_seed(5);
        return models::createModel("fmnist-cnn");
    }

    engine::TrainOptions options(const fs::path &checkpoint) const
    {
        engine::TrainOptions o;
        o.epochs = 2;
        o.batchSize = 32;
        o.maxStepsPerEpoch = 6;
        o.learningRate = 0.05;
        o.momentum = 0.9;
        o.augment = false;
        o.workers = 0;
        o.validationSamples = 64;
        o.checkpoint = checkpoint;
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        at::set_num_threads(2);
        m_train = data::openDataset("fashion-mnist", data::Split::Train).subset(torch::arange(512, torch::kLong));
        m_test = data::openDataset("fashion-mnist", data::Split::Test).subset(torch::arange(64, torch::kLong));
    }

    void resumedRunEqualsAnUninterruptedOne()
    {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());

        auto whole = model();
        engine::train(*whole, m_train, m_test, torch::kCPU, options(root / "whole.ckpt"));

        // The same run stopped after its first epoch, then resumed from the checkpoint.
        auto first = model();
        std::stop_source stop;
        auto o = options(root / "part.ckpt");
        o.afterEpoch = [&](const ql::types::EpochResult &) { stop.request_stop(); };
        engine::JobCallbacks cb;
        cb.stop = stop.get_token();
        const auto r1 = engine::train(*first, m_train, m_test, torch::kCPU, o, cb);
        QVERIFY(r1.cancelled);
        QCOMPARE(r1.epochs.size(), size_t(1));

        // The checkpoint is a plain state dict: its tensors are named, momentum included.
        const auto saved = models::readStateDict(root / "part.ckpt");
        int momentum = 0;
        for (const auto &[name, t] : saved)
            momentum += name.find("momentum_buffer") != std::string::npos;
        QVERIFY(momentum > 0);

        auto resumed = model();
        auto o2 = options(root / "part.ckpt");
        o2.resume = true;
        const auto r2 = engine::train(*resumed, m_train, m_test, torch::kCPU, o2);
        QCOMPARE(r2.startEpoch, 1);
        // Momentum restored: without it the second epoch's steps would differ.
        const auto a = whole->stateDict(), b = resumed->stateDict();
        QCOMPARE(a.size(), b.size());
        for (size_t k = 0; k < a.size(); ++k)
            QVERIFY2(torch::allclose(a[k].second, b[k].second, 1e-5, 1e-6), a[k].first.c_str());
    }

    void checkpointOfAnotherModelIsAnError()
    {
        QTemporaryDir dir;
        const fs::path ckpt = fs::path(dir.path().toStdString()) / "c.ckpt";
        torch::manual_seed(6);
        auto other = models::createModel("resnet20");
        models::writeStateDict(other->stateDict(), ckpt);
        auto m = model();
        auto o = options(ckpt);
        o.resume = true;
        const auto msg = hostile::errorText([&] { engine::train(*m, m_train, m_test, torch::kCPU, o); });
        QVERIFY2(hostile::has(msg, "c.ckpt"), msg.c_str());
    }

    void diskFullWhileCheckpointingIsAnError()
    {
        // Injected ENOSPC in the checkpoint write (it used to abort the process): a clear error
        // naming the checkpoint, the previous checkpoint kept, no temporary left.
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        const auto ckpt = root / "c.ckpt";
        ql::core::writeFileAtomically(ckpt, std::string("previous"));
        auto m = model();
        auto o = options(ckpt);
        o.epochs = 1;
        ql::core::testing::failWritesAfter(4096);
        const auto msg = hostile::errorText([&] { engine::train(*m, m_train, m_test, torch::kCPU, o); });
        ql::core::testing::failWritesAfter(-1);
        QVERIFY2(hostile::has(msg, "c.ckpt") && hostile::has(msg, "no space left"), msg.c_str());
        QVERIFY(hostile::temporaryFiles(root).isEmpty());
        std::ifstream in(ckpt);
        std::string text;
        in >> text;
        QCOMPARE(text, std::string("previous"));
    }
};

QL_TEST(TestCheckpoint)
#include "tst_checkpoint.moc"
