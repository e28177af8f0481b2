// Sessions: default config, config files with globs, atomic save/load.
#include "core/common/error.h"
#include "core/engine/jobs.h"
#include "core/engine/session.h"
#include "core/quant/asq.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

#include <tuple>

using namespace ql::core;

class TestSession : public QObject {
    Q_OBJECT

    static engine::Session makeSession(const engine::QuantRecipe &recipe = {})
    {
        torch::manual_seed(0);
        engine::LoadedModel m;
        m.model = models::createModel("fmnist-cnn");
        m.meta.arch = "fmnist-cnn";
        m.meta.inChannels = 1;
        m.meta.numClasses = 10;
        return engine::Session(m, "fashion-mnist", recipe);
    }

private Q_SLOTS:
    void firstAndLastLayerAtEightBits()
    {
        const auto s = makeSession();
        const auto &c = s.config();
        QVERIFY(c.size() >= 3);
        QCOMPARE(c.front().weight.bits, 8);
        QCOMPARE(c.front().act.bits, 8);
        QCOMPARE(c.back().weight.bits, 8);
        QCOMPARE(c[1].weight.bits, 4);
        QCOMPARE(c[1].act.bits, 4);
        QVERIFY(c[1].weight.isSigned);
        QVERIFY(c[1].weight.perChannel);
    }

    void firstLayerInputIsSigned()
    {
        // The first layer sees the normalised image (negative background): its activation
        // quantizer must represent negative values; later layers keep the method's own sign.
        using quant::Method;
        for (const auto &[method, config, expectMethod, expectConfig] :
             std::vector<std::tuple<Method, int, Method, int>>{{Method::Lsq, 4, Method::Lsq, 4},
                                                               {Method::Asq, 4, Method::Asq, 4},
                                                               {Method::LsqPlus, 1, Method::LsqPlus, 2},
                                                               {Method::LsqPlus, 4, Method::LsqPlus, 4},
                                                               {Method::Pact, 4, Method::MinMax, 4}}) {
            engine::QuantRecipe r;
            r.actMethod = method;
            r.lsqPlusConfig = config;
            const auto s = makeSession(r);
            const auto &first = s.config().front().act;
            QCOMPARE(int(first.method), int(expectMethod));
            if (expectMethod == Method::LsqPlus)
                QCOMPARE(first.lsqPlusConfig, expectConfig);
            else if (expectMethod != Method::MinMax)
                QVERIFY(first.isSigned);
            // The quantizer built from it keeps -0.8 (the image background) below zero.
            auto q = quant::makeQuantizer(first, quant::Role::Activation, 1);
            const auto image = torch::linspace(-0.81, 2.02, 1000).reshape({1, 1, 10, 100});
            q->init({image});
            QVERIFY2(q->forward(image).flatten()[0].item<float>() < -0.5f, quant::methodName(method).c_str());
            // A middle layer keeps the recipe's method and sign.
            const auto &middle = s.config()[1].act;
            QCOMPARE(int(middle.method), int(method));
            if (method == Method::Lsq || method == Method::Asq)
                QVERIFY(!middle.isSigned);
        }
    }

    void configFileGlobsAndPatches()
    {
        auto s = makeSession();
        const int changed = s.applyConfigJson(
            R"({"layers": {"conv*": {"act": {"method": "lsq+", "bits": 3}}, "fc": {"weight": {"bits": 6}, "enabled": false}}})",
            "test");
        QCOMPARE(changed, int(s.config().size()));
        for (const auto &c : s.config()) {
            if (c.layer == "fc") {
                QCOMPARE(c.weight.bits, 6);
                QVERIFY(!c.enabled);
                QCOMPARE(c.weight.method, quant::Method::Lsq); // the patch keeps other fields
            } else {
                QCOMPARE(c.act.method, quant::Method::LsqPlus);
                QCOMPARE(c.act.bits, 3);
            }
        }
    }

    void unknownLayerListsCloseMatches()
    {
        auto s = makeSession();
        try {
            s.applyConfigJson(R"({"layers": {"conv5": {"weight": {"bits": 2}}}})", "my.json");
            QFAIL("no error for an unknown layer");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("conv5") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("my.json") != std::string::npos, e.what());
            QVERIFY2(e.hint().find("conv1") != std::string::npos, e.hint().c_str());
        }
        QVERIFY_THROWS_EXCEPTION(Error, s.applyConfigJson(R"({"layers": {"fc": {"weight": {"bits": 1}}}})", "x"));
        QVERIFY_THROWS_EXCEPTION(Error, s.applyConfigJson(R"({"layers": {"fc": {"wieght": {}}}})", "x"));
        QVERIFY_THROWS_EXCEPTION(Error, s.applyConfigJson("{not json", "x"));
    }

    void closeMatchesRanksByEditDistance()
    {
        const auto m = engine::closeMatches("layer1.0.conv", {"layer1.0.conv1", "layer2.0.conv1", "fc"});
        QVERIFY(!m.empty());
        QCOMPARE(m.front(), std::string("layer1.0.conv1"));
    }

    void layerBlocksByPrefix()
    {
        const auto b = engine::layerBlocks({"conv1", "layer1.0.conv1", "layer1.0.conv2", "layer2.0.conv1", "fc"},
                                           {"stem", "layer1.0", "layer2.0", "fc"});
        QCOMPARE(b, (std::vector<int>{0, 1, 1, 2, 3}));
    }

    void saveLoadRoundTripKeepsQuantizerParameters()
    {
        QTemporaryDir dir;
        auto s = makeSession();
        s.buildQuantizers();
        torch::NoGradGuard g;
        const auto x = torch::randn({4, 1, 28, 28});
        const auto before = s.model()->forward(x); // lazy init of every quantizer
        const std::string path = QString(dir.path() + QStringLiteral("/s.qls")).toStdString();
        s.save(path);
        s.save(path); // a second save replaces the weights file and removes the old one
        int weightsFiles = 0;
        for (const auto &e : std::filesystem::directory_iterator(dir.path().toStdString()))
            weightsFiles += e.path().string().find(".weights") != std::string::npos;
        QCOMPARE(weightsFiles, 1);
        auto loaded = engine::Session::load(path);
        QCOMPARE(loaded.config().size(), s.config().size());
        const auto after = loaded.model()->forward(x);
        QVERIFY(torch::allclose(before, after, 1e-5, 1e-6));
    }

    void asqAdapterPoolsTheFlattenedMapAndOldSessionsLoad()
    {
        engine::QuantRecipe r;
        r.actMethod = quant::Method::Asq;
        auto s = makeSession(r);
        s.buildQuantizers();
        quant::QuantizerImpl *fcQuantizer = nullptr;
        for (const auto &l : s.model()->quantLayers())
            if (l->layerName() == "fc")
                fcQuantizer = l->inputQuantizer().get();
        // fc reads the flattened 64 x 7 x 7 map: its adapter is Linear(64, 16), not Linear(3136, 784).
        auto *asq = dynamic_cast<quant::AsqQuantizerImpl *>(fcQuantizer);
        QVERIFY(asq && asq->adapter->hidden);
        QCOMPARE(asq->adapter->hidden->weight.sizes().vec(), (std::vector<int64_t>{16, 64}));

        // A session saved when fc's adapter read all 3136 features loads with that adapter.
        for (const auto &l : s.model()->quantLayers())
            if (l->layerName() == "fc")
                l->setInputQuantizer(quant::makeQuantizer(l->inputQuantizer()->spec(), quant::Role::Activation, 3136));
        torch::NoGradGuard g;
        const auto x = torch::randn({4, 1, 28, 28});
        const auto before = s.model()->forward(x);
        QTemporaryDir dir;
        const std::string path = QString(dir.path() + QStringLiteral("/old.qls")).toStdString();
        s.save(path);
        auto loaded = engine::Session::load(path);
        for (const auto &l : loaded.model()->quantLayers())
            if (l->layerName() == "fc") {
                const auto *old = dynamic_cast<quant::AsqQuantizerImpl *>(l->inputQuantizer().get());
                QVERIFY(old && old->adapter->hidden);
                QCOMPARE(old->adapter->hidden->weight.size(1), int64_t(3136));
            }
        QVERIFY(torch::allclose(before, loaded.model()->forward(x), 1e-5, 1e-6));
    }

    void damagedSessionFileNamesTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/bad.qls");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"quantlens-session\", ");
        f.close();
        try {
            engine::Session::load(path.toStdString());
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY(std::string(e.what()).find("bad.qls") != std::string::npos);
        }
    }
};

QL_TEST(TestSession)
#include "tst_session.moc"
