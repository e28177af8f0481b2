// Sessions that others send: "weights" may only name a file beside the session (no absolute
// paths, no "..", no symlink out of the folder); saving removes only weights this session
// created and no copy of it names; the weights' tensors must be what the configuration says
// (names, shapes, dtypes, finite values, no negative steps); old TorchScript weights load only
// when trusted; a full disk leaves the previous session readable.
#include "core/common/atomic_file.h"
#include "core/common/json_io.h"
#include "core/engine/session.h"
#include "core/models/weights.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>
#include <torch/torch.h>

#include <fstream>

namespace fs = std::filesystem;
namespace hostile = ql::test::hostile;
using namespace ql::core;

namespace session_safety {

engine::Session calibratedSession(uint64_t seed, const engine::QuantRecipe &recipe = {})
{
    torch::manual_seed(static_cast<int64_t>(seed));
    engine::LoadedModel m;
    m.model = models::createModel("fmnist-cnn");
    m.meta.arch = "fmnist-cnn";
    m.meta.inChannels = 1;
    m.meta.numClasses = 10;
    engine::Session s(m, "fashion-mnist", recipe);
    s.buildQuantizers();
    torch::NoGradGuard g;
    s.model()->forward(torch::randn({4, 1, 28, 28})); // initialises every quantizer
    return s;
}

torch::Tensor logits(engine::Session &s)
{
    torch::manual_seed(99);
    const auto x = torch::randn({4, 1, 28, 28});
    torch::NoGradGuard g;
    s.model()->eval();
    return s.model()->forward(x);
}

nlohmann::json readJson(const fs::path &p) { return nlohmann::json::parse(std::ifstream(p)); }

void writeJson(const fs::path &p, const nlohmann::json &j) { std::ofstream(p) << j.dump(2); }

/// Rewrites the session's weights with `edit` applied, keeping the JSON consistent (name and hash).
void editWeights(const fs::path &session, const std::function<void(models::NamedTensors &)> &edit)
{
    auto j = readJson(session);
    const fs::path dir = session.parent_path();
    auto tensors = models::readStateDict(dir / j["weights"].get<std::string>());
    edit(tensors);
    models::writeStateDict(tensors, dir / "edited.weights");
    j["weights"] = "edited.weights";
    j["weights_sha256"] = models::stateDictDigest(tensors);
    writeJson(session, j);
}

std::vector<std::string> weightsFiles(const fs::path &dir)
{
    std::vector<std::string> out;
    for (const auto &e : fs::directory_iterator(dir))
        if (e.path().extension() == ".weights")
            out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace session_safety

class TestSessionSafety : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void weightsMustBeAPlainNameBesideTheSession_data()
    {
        QTest::addColumn<QString>("weights");
        QTest::addColumn<QString>("expected");
        QTest::newRow("absolute path") << QStringLiteral("/etc/passwd") << QStringLiteral("beside the session");
        QTest::newRow("parent folder") << QStringLiteral("../../victim.weights")
                                       << QStringLiteral("beside the session");
        QTest::newRow("sub folder") << QStringLiteral("sub/x.weights") << QStringLiteral("beside the session");
        QTest::newRow("dot dot") << QStringLiteral("..") << QStringLiteral("beside the session");
        QTest::newRow("empty") << QString() << QStringLiteral("beside the session");
        QTest::newRow("symlink out of the folder")
            << QStringLiteral("link.weights") << QStringLiteral("outside the session's folder");
    }

    void weightsMustBeAPlainNameBesideTheSession()
    {
        QFETCH(QString, weights);
        QFETCH(QString, expected);
        QTemporaryDir outer;
        const fs::path root(outer.path().toStdString());
        fs::create_directories(root / "sessions");
        auto s = session_safety::calibratedSession(1);
        const auto path = root / "sessions" / "s.qls";
        s.save(path);
        auto j = session_safety::readJson(path);
        // A real weights file outside the folder that the session points at.
        fs::copy_file(path.parent_path() / j["weights"].get<std::string>(), root / "victim.weights");
        fs::create_symlink(root / "victim.weights", path.parent_path() / "link.weights");
        j["weights"] = weights.toStdString();
        session_safety::writeJson(path, j);
        const auto msg = hostile::errorText([&] { engine::Session::load(path); });
        QVERIFY2(hostile::has(msg, "s.qls") && hostile::has(msg, expected.toStdString()), msg.c_str());
    }

    void savingDeletesOnlyItsOwnWeights_data()
    {
        QTest::addColumn<QString>("planted");
        QTest::newRow("a path outside the folder") << QStringLiteral("../victim.txt");
        QTest::newRow("another file in the folder") << QStringLiteral("notes.txt");
        QTest::newRow("another session's weights") << QStringLiteral("other.qls.0123456789abcdef.weights");
    }

    void savingDeletesOnlyItsOwnWeights()
    {
        // The previous version of the session names a file it did not create: saving again
        // must leave that file alone (it used to remove parent / oldWeights, any file at all).
        QFETCH(QString, planted);
        QTemporaryDir outer;
        const fs::path root(outer.path().toStdString());
        fs::create_directories(root / "sessions");
        for (const auto &p : {root / "victim.txt", root / "sessions" / "notes.txt",
                              root / "sessions" / "other.qls.0123456789abcdef.weights"})
            std::ofstream(p) << "keep me";
        auto s = session_safety::calibratedSession(2);
        const auto path = root / "sessions" / "s.qls";
        s.save(path);
        auto j = session_safety::readJson(path);
        j["weights"] = planted.toStdString();
        session_safety::writeJson(path, j);
        s.save(path);
        QVERIFY(fs::exists(root / "victim.txt"));
        QVERIFY(fs::exists(root / "sessions" / "notes.txt"));
        QVERIFY(fs::exists(root / "sessions" / "other.qls.0123456789abcdef.weights"));
        engine::Session::load(path); // and the saved session itself is whole
    }

    void aCopiedSessionSurvivesSavingTheOriginal()
    {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        auto s = session_safety::calibratedSession(3);
        const auto path = root / "s.qls";
        s.save(path);
        s.save(path); // unchanged weights: the same file, nothing left over
        QCOMPARE(session_safety::weightsFiles(root).size(), size_t(1));
        const auto before = session_safety::logits(s);
        fs::copy_file(path, root / "backup.qls"); // cp s.qls backup.qls

        // Train-like change of the weights, then save the original again.
        {
            torch::NoGradGuard g;
            s.model()->named_parameters()[0].value().add_(0.5);
        }
        s.save(path);
        QCOMPARE(session_safety::weightsFiles(root).size(), size_t(2)); // the backup's weights stay
        auto backup = engine::Session::load(root / "backup.qls");
        QVERIFY(torch::allclose(session_safety::logits(backup), before, 1e-5, 1e-6));
        auto saved = engine::Session::load(path);
        QVERIFY(!torch::allclose(session_safety::logits(saved), before, 1e-3, 1e-3));

        // Once no session names the old weights, the next save removes them.
        fs::remove(root / "backup.qls");
        {
            torch::NoGradGuard g;
            s.model()->named_parameters()[0].value().add_(0.5);
        }
        s.save(path);
        QCOMPARE(session_safety::weightsFiles(root).size(), size_t(1));
    }

    void weightsMustMatchTheConfiguration_data()
    {
        QTest::addColumn<QString>("edit");
        QTest::addColumn<QString>("expected");
        QTest::newRow("negative step") << QStringLiteral("negative step") << QStringLiteral("negative step");
        QTest::newRow("NaN step") << QStringLiteral("nan step") << QStringLiteral("NaN");
        QTest::newRow("NaN weight") << QStringLiteral("nan weight") << QStringLiteral("NaN");
        QTest::newRow("wrong step shape") << QStringLiteral("shape") << QStringLiteral("shape");
        QTest::newRow("wrong dtype") << QStringLiteral("dtype") << QStringLiteral("dtype");
        QTest::newRow("missing network tensor") << QStringLiteral("drop weight") << QStringLiteral("missing");
        QTest::newRow("half a quantizer") << QStringLiteral("drop offset") << QStringLiteral("missing");
        QTest::newRow("extra tensor") << QStringLiteral("extra") << QStringLiteral("not part of the model");
    }

    void weightsMustMatchTheConfiguration()
    {
        QFETCH(QString, edit);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "s.qls";
        engine::QuantRecipe recipe; // LSQ weights (a step), MSE activations (a step and an offset)
        recipe.actMethod = quant::Method::Mse;
        auto s = session_safety::calibratedSession(4, recipe);
        s.save(path);
        const std::string step = "conv2.input_quantizer.step"; // calibrated (MSE): a buffer
        session_safety::editWeights(path, [&](models::NamedTensors &t) {
            for (auto it = t.begin(); it != t.end(); ++it) {
                auto &[name, value] = *it;
                if (edit == u"negative step" && name == step)
                    value = -value;
                else if (edit == u"nan step" && name == step)
                    value = value.clone().fill_(std::nan(""));
                else if (edit == u"nan weight" && name == "conv3.weight")
                    value = value.clone().index_put_({0}, std::nan(""));
                else if (edit == u"shape" && name == step)
                    value = torch::ones({value.numel() + 1});
                else if (edit == u"dtype" && name == step)
                    value = value.to(torch::kDouble);
                else if (edit == u"drop weight" && name == "conv1.weight") {
                    t.erase(it);
                    return;
                } else if (edit == u"drop offset" && name.find("input_quantizer.offset") != std::string::npos) {
                    t.erase(it);
                    return;
                }
            }
            if (edit == u"extra")
                t.emplace_back("conv9.weight", torch::ones({1}));
        });
        const auto msg = hostile::errorText([&] { engine::Session::load(path); });
        QVERIFY2(hostile::has(msg, "edited.weights") && hostile::has(msg, expected.toStdString()), msg.c_str());
    }

    void replacedWeightsAreNoticed()
    {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        auto a = session_safety::calibratedSession(5);
        auto b = session_safety::calibratedSession(6);
        a.save(root / "a.qls");
        b.save(root / "b.qls");
        // a.qls pointed at b's weights file: same shapes, different content.
        auto j = session_safety::readJson(root / "a.qls");
        j["weights"] = session_safety::readJson(root / "b.qls")["weights"];
        session_safety::writeJson(root / "a.qls", j);
        const auto msg = hostile::errorText([&] { engine::Session::load(root / "a.qls"); });
        QVERIFY2(hostile::has(msg, "SHA-256"), msg.c_str());
    }

    void uncalibratedQuantizersStayUncalibrated()
    {
        // Saved before any calibration: the quantizers load as not initialised (their defaults
        // are no calibration), instead of default step sizes being taken as learned ones.
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "fresh.qls";
        torch::manual_seed(7);
        engine::LoadedModel m;
        m.model = models::createModel("fmnist-cnn");
        m.meta.arch = "fmnist-cnn";
        engine::Session s(m, "fashion-mnist");
        s.save(path);
        const auto loaded = engine::Session::load(path);
        int quantizers = 0;
        for (const auto &layer : loaded.model()->quantLayers())
            for (auto *q : {layer->weightQuantizer().get(), layer->inputQuantizer().get()})
                if (q) {
                    ++quantizers;
                    QVERIFY(!q->initialized());
                }
        QVERIFY(quantizers > 0);
    }

    void hostileDeepSessionIsAnError()
    {
        const auto path = hostile::dataDir() / "sess_deep" / "s.qls";
        const auto msg = hostile::errorText([&] { engine::Session::load(path); });
        QVERIFY2(hostile::has(msg, path.string()) && hostile::has(msg, "256 levels"), msg.c_str());
    }

    void sessionJsonIsChecked_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bits 2^32 + 3") << QStringLiteral("/layers/1/weight/bits") << QStringLiteral("4294967299")
                                       << QStringLiteral("out of range");
        QTest::newRow("bits -1") << QStringLiteral("/layers/1/weight/bits") << QStringLiteral("-1")
                                 << QStringLiteral("bits");
        QTest::newRow("enabled a number")
            << QStringLiteral("/layers/0/enabled") << QStringLiteral("3") << QStringLiteral("true or false");
        QTest::newRow("classes 2^40") << QStringLiteral("/model/num_classes") << QStringLiteral("1099511627776")
                                      << QStringLiteral("out of range");
        QTest::newRow("channels negative")
            << QStringLiteral("/model/in_channels") << QStringLiteral("-3") << QStringLiteral("out of range");
        QTest::newRow("version from the future")
            << QStringLiteral("/version") << QStringLiteral("99") << QStringLiteral("newer QuantLens");
        QTest::newRow("layers an object")
            << QStringLiteral("/layers") << QStringLiteral("{}") << QStringLiteral("must be an array");
        QTest::newRow("weights a number")
            << QStringLiteral("/weights") << QStringLiteral("5") << QStringLiteral("must be a string");
    }

    void sessionJsonIsChecked()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "s.qls";
        auto s = session_safety::calibratedSession(8);
        s.save(path);
        auto j = session_safety::readJson(path);
        j[nlohmann::json::json_pointer(field.toStdString())] = nlohmann::json::parse(value.toStdString());
        session_safety::writeJson(path, j);
        const auto msg = hostile::errorText([&] { engine::Session::load(path); });
        QVERIFY2(hostile::has(msg, "s.qls") && hostile::has(msg, expected.toStdString()), msg.c_str());
    }

    void torchScriptWeightsLoadOnlyWhenTrusted()
    {
        // A session of QuantLens 0.1: its weights are a torch::serialize archive (TorchScript),
        // which runs code when loaded.
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        auto s = session_safety::calibratedSession(9);
        s.save(root / "s.qls");
        auto j = session_safety::readJson(root / "s.qls");
        {
            torch::serialize::OutputArchive archive;
            s.model()->save(archive);
            archive.save_to((root / "s.qls.123.weights").string());
        }
        j["version"] = 1;
        j["weights"] = "s.qls.123.weights";
        j.erase("weights_sha256");
        session_safety::writeJson(root / "old.qls", j);
        const auto msg = hostile::errorText([&] { engine::Session::load(root / "old.qls"); });
        QVERIFY2(hostile::has(msg, "old.qls") && hostile::has(msg, "TorchScript") &&
                     hostile::has(msg, "--trust-torchscript"),
                 msg.c_str());
        auto trusted = engine::Session::load(root / "old.qls", /*trustTorchScript=*/true);
        QVERIFY(torch::allclose(session_safety::logits(trusted), session_safety::logits(s), 1e-5, 1e-6));
        // Saving it again converts it: the new version loads without trust.
        trusted.save(root / "old.qls");
        QCOMPARE(session_safety::readJson(root / "old.qls")["version"].get<int>(), engine::kSessionVersion);
        engine::Session::load(root / "old.qls");
    }

    void maliciousSessionWeightsRunNothing()
    {
        // A session whose weights file is a TorchScript archive that writes a file on load.
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        auto s = session_safety::calibratedSession(10);
        s.save(root / "s.qls");
        const auto evil = root / "s.qls.999.weights";
        const auto marker = root / "PWNED";
        QString out;
        const int rc = hostile::runPython(
            hostile::maliciousTorchScriptScript(),
            {QString::fromStdString(evil.string()), QString::fromStdString(marker.string()), QStringLiteral("file")},
            &out);
        QVERIFY2(rc == 0, qPrintable(out));
        for (int version : {1, 2}) {
            auto j = session_safety::readJson(root / "s.qls");
            j["version"] = version;
            j["weights"] = evil.filename().string();
            session_safety::writeJson(root / "evil.qls", j);
            const auto msg = hostile::errorText([&] { engine::Session::load(root / "evil.qls"); });
            QVERIFY2(hostile::has(msg, "TorchScript"), msg.c_str());
            QVERIFY2(!fs::exists(marker), "the weights file's code ran");
        }
    }

    void diskFullLeavesThePreviousSession()
    {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        auto s = session_safety::calibratedSession(11);
        const auto path = root / "s.qls";
        s.save(path);
        const auto before = session_safety::logits(s);
        const auto files = session_safety::weightsFiles(root);
        {
            torch::NoGradGuard g;
            s.model()->named_parameters()[0].value().mul_(2);
        }
        // Injected ENOSPC (no mount needed): first in the weights, then in the JSON after them.
        const auto weightsBytes = static_cast<int64_t>(fs::file_size(root / files.at(0)));
        for (int64_t after : {int64_t(1000), weightsBytes + 100}) {
            ql::core::testing::failWritesAfter(after);
            const auto msg = hostile::errorText([&] { s.save(path); });
            ql::core::testing::failWritesAfter(-1);
            QVERIFY2(hostile::has(msg, "no space left") && hostile::has(msg, root.string()), msg.c_str());
            QVERIFY(hostile::temporaryFiles(root).isEmpty());
            QCOMPARE(session_safety::weightsFiles(root), files);
            auto loaded = engine::Session::load(path);
            QVERIFY(torch::allclose(session_safety::logits(loaded), before, 1e-5, 1e-6));
        }
    }
};

QL_TEST(TestSessionSafety)
#include "tst_session_safety.moc"
