// Hostile weight files: the regression files in tests/data/hostile (storage offsets that
// overflowed the bounds check, a 100,000-deep tuple, an amplifying pickle, zip CRCs that were
// never checked) and the ones built here (overflowing strides, cycles, zero-stride expansion,
// a TorchScript archive that writes a file when loaded). Each is a ql::core::Error naming the
// file, no memory outside the file is read, no code runs without the user's trust.
#include "core/common/zip.h"
#include "core/models/pickle.h"
#include "core/models/weights.h"
#include "core/models/zoo.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <torch/torch.h>

#include <climits>
#include <fstream>

namespace fs = std::filesystem;
namespace hostile = ql::test::hostile;
namespace models = ql::core::models;
namespace pickle = ql::core::models::pickle;

namespace hostile_weights {

std::string le32(uint32_t v)
{
    std::string s;
    for (int k = 0; k < 4; ++k)
        s.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
    return s;
}

std::string le64(uint64_t v) { return le32(static_cast<uint32_t>(v)) + le32(static_cast<uint32_t>(v >> 32)); }

std::string str(const std::string &s)
{
    std::string out(1, 'X');
    out.append(le32(static_cast<uint32_t>(s.size())));
    out.append(s);
    return out;
}

/// LONG1 with 8 bytes: any int64.
std::string int64(int64_t v)
{
    std::string out("\x8a\x08", 2);
    out.append(le64(static_cast<uint64_t>(v)));
    return out;
}

/// data.pkl of {"t": tensor} over float storage "0" of `numel` elements.
std::string tensorPickle(int64_t numel, const std::vector<int64_t> &size, const std::vector<int64_t> &stride,
                         int64_t offset, const char *storageType = "FloatStorage")
{
    std::string p("\x80\x02");
    p.append("ccollections\nOrderedDict\n)R(");
    p.append(str("t"));
    p.append("ctorch._utils\n_rebuild_tensor_v2\n((");
    p.append(str("storage"));
    p.append(std::string("ctorch\n") + storageType + "\n");
    p.append(str("0"));
    p.append(str("cpu"));
    p.append(int64(numel));
    p.append("tQ");
    p.append(int64(offset));
    p.push_back('(');
    for (auto v : size)
        p.append(int64(v));
    p.append("t(");
    for (auto v : stride)
        p.append(int64(v));
    p.push_back('t');
    p.push_back(static_cast<char>(0x89));
    p.append("ccollections\nOrderedDict\n)Rt");
    p.append("Ru.");
    return p;
}

/// A torch.save-style archive with `pickle` as data.pkl and the given storage records.
std::string archive(const std::string &pickle, const std::vector<std::string> &storages = {})
{
    std::string out;
    ql::core::ZipWriter w([&out](const void *d, size_t n) { out.append(static_cast<const char *>(d), n); });
    w.add("archive/data.pkl", pickle.data(), pickle.size());
    for (size_t k = 0; k < storages.size(); ++k)
        w.add("archive/data/" + std::to_string(k), storages[k].data(), storages[k].size());
    w.add("archive/version", "3\n", 2);
    w.finish();
    return out;
}

void writeFile(const fs::path &p, const std::string &bytes)
{
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

} // namespace hostile_weights

class TestHostileWeights : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path file(const std::string &name) const { return fs::path(m_dir.path().toStdString()) / name; }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void hostileFilesAreErrorsNamingTheFile_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");
        QTest::newRow("offset near INT64_MAX")
            << QStringLiteral("oob_read_before_storage.pth") << QStringLiteral("storage");
        QTest::newRow("byte storage, wild pointer")
            << QStringLiteral("oob_wild_pointer_segv.pth") << QStringLiteral("storage");
        QTest::newRow("100,000 nested tuples")
            << QStringLiteral("deep_tuple_100000.pth") << QStringLiteral("nested more than 256 levels");
        QTest::newRow("amplifying pickle") << QStringLiteral("amplify_58KB.pth") << QStringLiteral("compressed");
        QTest::newRow("central directory moved")
            << QStringLiteral("crc_not_checked_cd_offset.pth") << QStringLiteral("corrupt");
    }

    void hostileFilesAreErrorsNamingTheFile()
    {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        const auto path = hostile::dataDir() / name.toStdString();
        QVERIFY(fs::exists(path));
        const auto msg = hostile::errorText([&] { models::readStateDict(path); });
        QVERIFY2(hostile::has(msg, path.string()) && hostile::has(msg, expected.toStdString()), msg.c_str());
        // Through the model too: nothing of the file reaches the weights.
        auto model = models::createModel("fmnist-cnn");
        const auto before = model->stateDict().back().second.clone();
        QVERIFY(hostile::has(hostile::errorText([&] { models::loadWeights(*model, path); }), path.string()));
        QVERIFY(torch::equal(model->stateDict().back().second, before));
    }

    void storageArithmeticThatOverflowsIsAnError_data()
    {
        QTest::addColumn<qlonglong>("numel");
        QTest::addColumn<QList<qlonglong>>("size");
        QTest::addColumn<QList<qlonglong>>("stride");
        QTest::addColumn<qlonglong>("offset");
        QTest::newRow("offset INT64_MAX") << 4LL << QList<qlonglong>{2} << QList<qlonglong>{1} << qlonglong(LLONG_MAX);
        QTest::newRow("offset wraps to the start")
            << 4LL << QList<qlonglong>{2} << QList<qlonglong>{1} << qlonglong(LLONG_MAX - 1);
        QTest::newRow("stride * size overflows")
            << 4LL << QList<qlonglong>{3, 3} << QList<qlonglong>{qlonglong(1) << 62, 1} << 0LL;
        QTest::newRow("sum of spans overflows")
            << 4LL << QList<qlonglong>{2, 2} << QList<qlonglong>{LLONG_MAX / 2 + 1, LLONG_MAX / 2 + 1} << 0LL;
        QTest::newRow("size overflows numel")
            << 4LL << QList<qlonglong>{qlonglong(1) << 40, qlonglong(1) << 40} << QList<qlonglong>{0, 0} << 0LL;
        QTest::newRow("last element one past the end")
            << 4LL << QList<qlonglong>{2, 2} << QList<qlonglong>{2, 1} << 1LL;
        QTest::newRow("zero strides expand a small storage")
            << 4LL << QList<qlonglong>{1 << 20, 1 << 20} << QList<qlonglong>{0, 0} << 0LL;
        QTest::newRow("empty tensor of absurd size")
            << 4LL << QList<qlonglong>{0, qlonglong(1) << 40, qlonglong(1) << 40} << QList<qlonglong>{1, 1, 1} << 0LL;
        QTest::newRow("storage numel does not match its record")
            << 5LL << QList<qlonglong>{2} << QList<qlonglong>{1} << 0LL;
    }

    void storageArithmeticThatOverflowsIsAnError()
    {
        QFETCH(qlonglong, numel);
        QFETCH(QList<qlonglong>, size);
        QFETCH(QList<qlonglong>, stride);
        QFETCH(qlonglong, offset);
        const std::vector<int64_t> sz(size.begin(), size.end()), st(stride.begin(), stride.end());
        const auto bytes =
            hostile_weights::archive(hostile_weights::tensorPickle(numel, sz, st, offset), {hostile::floats(4)});
        const auto msg = hostile::errorText([&] { models::readStateDictBytes(bytes, "arith.pth"); });
        QVERIFY2(hostile::has(msg, "arith.pth") && !hostile::has(msg, "NOT A"), msg.c_str());
    }

    void tensorsInsideTheirStorageStillLoad()
    {
        // The bounds checks keep valid views: a 2x2 window at offset 1 with strides (1, 2) and
        // the last element exactly at the end of the storage.
        const auto bytes =
            hostile_weights::archive(hostile_weights::tensorPickle(6, {2, 2}, {1, 2}, 1), {hostile::floats(6)});
        const auto read = models::readStateDictBytes(bytes, "view.pth");
        QCOMPARE(read.size(), size_t(1));
        QVERIFY(torch::equal(read[0].second, torch::tensor({1.f, 3.f, 2.f, 4.f}).view({2, 2})));
        const auto empty = models::readStateDictBytes(
            hostile_weights::archive(hostile_weights::tensorPickle(4, {0, 3}, {3, 1}, 0), {hostile::floats(4)}),
            "empty.pth");
        QCOMPARE(empty[0].second.numel(), int64_t(0));
        QVERIFY(empty[0].second.sizes().equals({0, 3}));
    }

    void boolStoragesAreNormalised()
    {
        // A bool storage byte of 7 is not a C++ bool: it reads as true, not as undefined behaviour.
        const std::string bytes("\x00\x07\x01\x00", 4);
        const auto read = models::readStateDictBytes(
            hostile_weights::archive(hostile_weights::tensorPickle(4, {4}, {1}, 0, "BoolStorage"), {bytes}),
            "bool.pth");
        QVERIFY(torch::equal(read[0].second, torch::tensor({false, true, true, false})));
    }

    void deepNestingIsRefusedAndDestroyedWithoutRecursion()
    {
        // 257 nested tuples: an error at the limit.
        std::string p("\x80\x02)");
        p.append(std::string(257, '\x85'));
        p.push_back('.');
        const auto msg =
            hostile::errorText([&] { models::readStateDictBytes(hostile_weights::archive(p), "deep.pth"); });
        QVERIFY2(hostile::has(msg, "deep.pth") && hostile::has(msg, "nested more than 256"), msg.c_str());
        // A value tree a million levels deep (built directly, past any limit) is destroyed
        // without recursing: a recursive destructor overflows the stack long before.
        auto root = std::make_shared<pickle::Value>();
        root->kind = pickle::Kind::Tuple;
        pickle::Value *tip = root.get();
        for (int i = 0; i < 1000000; ++i) {
            auto child = std::make_shared<pickle::Value>();
            child->kind = pickle::Kind::Tuple;
            pickle::Value *next = child.get();
            tip->items.push_back(std::move(child));
            tip = next;
        }
        root.reset();
        QVERIFY(true);
    }

    void parsedMemoryIsBoundedByThePickleSize()
    {
        // An uncompressed 400 KB pickle of None opcodes (the hostile file did the same with a
        // compressed 60 MB one): every value costs memory, and the budget (16 MiB + 128 bytes per
        // pickle byte) runs out before the values take more.
        std::string p("\x80\x02");
        p.append(std::string(400000, 'N'));
        p.append("}.");
        const auto msg =
            hostile::errorText([&] { models::readStateDictBytes(hostile_weights::archive(p), "amp.pth"); });
        QVERIFY2(hostile::has(msg, "amp.pth") && hostile::has(msg, "MiB of values"), msg.c_str());
        // The same opcodes within a small budget fail at once; a real state dict fits in it.
        pickle::Limits tight;
        tight.floorBytes = 1 << 20;
        tight.perPickleByte = 64;
        tight.capBytes = 4 << 20;
        const auto none = [](const std::string &, c10::ScalarType) -> torch::Tensor { return {}; };
        QVERIFY(hostile::has(hostile::errorText([&] { pickle::unpickle("amp.pth", p, none, tight); }), "amp.pth"));
        torch::manual_seed(1);
        const auto model = models::createModel("resnet20");
        const auto realPickle = pickle::stateDictPickle(model->stateDict());
        std::vector<torch::Tensor> storages;
        for (const auto &[name, t] : model->stateDict())
            storages.push_back(t.contiguous().view({-1}));
        const auto root = pickle::unpickle(
            "resnet20.pth", realPickle,
            [&](const std::string &key, c10::ScalarType) { return storages.at(std::stoul(key)); }, tight);
        QVERIFY(pickle::isTensorDict(root));
    }

    void cyclesAreRefused()
    {
        // A list appended to itself, and a list changed after it was put in a tuple: either
        // would make a cycle of references (leaked memory, endless walks).
        static const char selfBytes[] = "\x80\x02]q\x00h\x00"
                                        "a.";
        const std::string self(selfBytes, sizeof selfBytes - 1);
        QVERIFY(hostile::has(
            hostile::errorText([&] { models::readStateDictBytes(hostile_weights::archive(self), "c.pth"); }),
            "contains itself"));
        static const char laterBytes[] = "\x80\x02]q\x00h\x00\x85q\x01h\x00h\x01"
                                         "a.";
        const std::string later(laterBytes, sizeof laterBytes - 1);
        QVERIFY(hostile::has(
            hostile::errorText([&] { models::readStateDictBytes(hostile_weights::archive(later), "c.pth"); }),
            "already inside another value"));
    }

    void duplicateNamesAndTrailingDamageAreErrors()
    {
        torch::manual_seed(2);
        auto model = models::createModel("fmnist-cnn");
        auto sd = model->stateDict();
        sd.push_back(sd.front());
        const auto path = file("dup.pth");
        models::writeStateDict(sd, path);
        QVERIFY(hostile::has(hostile::errorText([&] { models::readStateDict(path); }), "twice"));
    }

    void writtenStateDictsLoadInPyTorch()
    {
        // The state-dict writer is QuantLens's own now: torch.load must read it as before.
        torch::manual_seed(3);
        auto model = models::createModel("fmnist-cnn");
        const auto path = file("mine.pth");
        models::saveWeights(*model, path);
        QString out;
        const int rc = hostile::runPython(QStringLiteral("import sys, torch\n"
                                                         "sd = torch.load(sys.argv[1])\n"
                                                         "print(len(sd), float(sd['conv1.weight'].double().sum()))\n"),
                                          {QString::fromStdString(path.string())}, &out);
        QVERIFY2(rc == 0, qPrintable(out));
        const auto sd = model->stateDict();
        const double sum = sd.front().second.to(torch::kDouble).sum().item<double>();
        const QStringList parts = out.trimmed().split(u' ');
        QCOMPARE(parts.value(0).toInt(), int(sd.size()));
        QVERIFY2(std::abs(parts.value(1).toDouble() - sum) < 1e-9 * (1 + std::abs(sum)), qPrintable(out));
    }

    void maliciousTorchScriptRunsNothingWithoutTrust()
    {
        // A TorchScript archive whose __setstate__ creates a file, made by PyTorch itself.
        const auto evil = file("evil.pt");
        const auto marker = file("PWNED");
        QString out;
        const int rc = hostile::runPython(
            hostile::maliciousTorchScriptScript(),
            {QString::fromStdString(evil.string()), QString::fromStdString(marker.string()), QStringLiteral("file")},
            &out);
        QVERIFY2(rc == 0, qPrintable(out));
        QVERIFY(!fs::exists(marker));
        QVERIFY(models::isTorchScriptArchive(evil));

        auto model = models::createModel("fmnist-cnn");
        for (const auto &attempt : std::vector<std::function<void()>>{[&] { models::loadWeights(*model, evil); },
                                                                      [&] { models::readTorchScript(evil); },
                                                                      [&] { models::readStateDict(evil); }}) {
            const auto msg = hostile::errorText(attempt);
            QVERIFY2(hostile::has(msg, evil.string()) && hostile::has(msg, "TorchScript"), msg.c_str());
            QVERIFY2(!fs::exists(marker), "the file's code ran");
        }
        QVERIFY(hostile::has(hostile::errorText([&] { models::loadWeights(*model, evil); }), "--trust-torchscript"));
        try {
            models::readTorchScript(evil);
            QFAIL("no error");
        } catch (const ql::core::TrustError &e) {
            QCOMPARE(e.file(), evil.string());
        }

        // The danger is real: with the user's trust the code runs and the file appears.
        const auto read = models::readTorchScript(evil, /*trusted=*/true);
        QVERIFY(fs::exists(marker));
        QCOMPARE(read.size(), size_t(1));
    }

    void endlessTorchScriptIsRefusedAtOnce()
    {
        // A __setstate__ that never returns: without trust it never starts.
        const auto evil = file("loop.pt");
        QString out;
        const int rc = hostile::runPython(hostile::maliciousTorchScriptScript(),
                                          {QString::fromStdString(evil.string()),
                                           QString::fromStdString(file("unused").string()), QStringLiteral("loop")},
                                          &out);
        QVERIFY2(rc == 0, qPrintable(out));
        auto model = models::createModel("fmnist-cnn");
        const auto msg = hostile::errorText([&] { models::loadWeights(*model, evil); });
        QVERIFY2(hostile::has(msg, "TorchScript") && hostile::has(msg, evil.string()), msg.c_str());
    }
};

QL_TEST(TestHostileWeights)
#include "tst_hostile_weights.moc"
