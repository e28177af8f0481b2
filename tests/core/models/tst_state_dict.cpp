// State-dict reading, writing and applying: round trip, and every kind of bad
// file (corrupt, truncated, forbidden global, unknown opcode, wrong shapes)
// giving a clear ql::core::Error instead of a crash.
#include "core/common/error.h"
#include "core/models/weights.h"
#include "core/models/zoo.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"

#include <QtTest>
#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace models = ql::core::models;
namespace fs = std::filesystem;

namespace {

/// Writes a zip archive in torch.save's layout with the given data.pkl and storages.
void writeArchive(const fs::path &path, const std::string &pickle, const std::vector<std::string> &storages = {})
{
    caffe2::serialize::PyTorchStreamWriter writer(path.string());
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    for (size_t k = 0; k < storages.size(); ++k)
        writer.writeRecord("data/" + std::to_string(k), storages[k].data(), storages[k].size());
    writer.writeEndOfFile();
}

std::string u32(uint32_t v)
{
    std::string s;
    for (int k = 0; k < 4; ++k)
        s.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
    return s;
}

// Built with append/push_back only: GCC 12 reports false -Warray-bounds positives
// for operator+ chains on short strings (GCC bug 105329).
std::string unicode(const std::string &s)
{
    std::string out(1, 'X');
    out.append(u32(static_cast<uint32_t>(s.size())));
    out.append(s);
    return out;
}

void byteInt(std::string &p, int v)
{
    p.push_back('K');
    p.push_back(static_cast<char>(v));
}

/// data.pkl of {name: tensor} with one float storage "0" of `numel` elements and the
/// given size/stride/offset, written opcode by opcode as torch.save does.
std::string tensorPickle(const std::string &name, int numel, std::vector<int> size, std::vector<int> stride, int offset)
{
    std::string p("\x80\x02");
    p.append("ccollections\nOrderedDict\n)R(");
    p.append(unicode(name));
    p.append("ctorch._utils\n_rebuild_tensor_v2\n((");
    p.append(unicode("storage"));
    p.append("ctorch\nFloatStorage\n");
    p.append(unicode("0"));
    p.append(unicode("cpu"));
    byteInt(p, numel);
    p.append("tQ");
    byteInt(p, offset);
    p.push_back('(');
    for (int v : size)
        byteInt(p, v);
    p.append("t(");
    for (int v : stride)
        byteInt(p, v);
    p.push_back('t');
    p.push_back(static_cast<char>(0x89));
    p.append("ccollections\nOrderedDict\n)Rt");
    p.append("Ru.");
    return p;
}

bool contains(const std::string &haystack, const std::string &needle)
{
    return haystack.find(needle) != std::string::npos;
}

void randomizeBatchNorms(models::QuantModelImpl &model)
{
    torch::NoGradGuard noGrad;
    for (const auto &m : model.modules(false)) {
        if (auto bn = std::dynamic_pointer_cast<models::FoldableBatchNorm2dImpl>(m)) {
            bn->running_mean.normal_(0.0, 0.2);
            bn->running_var.uniform_(0.5, 1.5);
            bn->weight.uniform_(0.5, 1.5);
            bn->bias.normal_(0.0, 0.2);
            bn->num_batches_tracked.fill_(3);
        }
    }
}

} // namespace

class TestStateDict : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    fs::path file(const char *name) const { return fs::path(m_dir.path().toStdString()) / name; }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void roundTripKeepsLogits_data()
    {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("size");
        QTest::newRow("fmnist-cnn") << QStringLiteral("fmnist-cnn") << 28;
        QTest::newRow("resnet20") << QStringLiteral("resnet20") << 32;
    }

    void roundTripKeepsLogits()
    {
        QFETCH(QString, arch);
        QFETCH(int, size);
        torch::manual_seed(21);
        auto a = models::createModel(arch.toStdString());
        randomizeBatchNorms(*a);
        const auto path = file("roundtrip.pth");
        models::saveWeights(*a, path);

        const auto read = models::readStateDict(path);
        const auto sd = a->stateDict();
        QCOMPARE(read.size(), sd.size());
        for (size_t k = 0; k < sd.size(); ++k) {
            QCOMPARE(QString::fromStdString(read[k].first), QString::fromStdString(sd[k].first));
            QVERIFY(read[k].second.scalar_type() == sd[k].second.scalar_type());
            QVERIFY2(torch::equal(read[k].second, sd[k].second), sd[k].first.c_str());
        }

        torch::manual_seed(22); // different initial weights
        auto b = models::createModel(arch.toStdString());
        const auto report = models::loadWeights(*b, path);
        QVERIFY(report.complete());
        QCOMPARE(report.loaded.size(), sd.size());
        QVERIFY(report.format == models::WeightFormat::StateDict);
        a->eval();
        b->eval();
        torch::NoGradGuard noGrad;
        const auto x = torch::randn({2, a->defaultInputShape()[0], size, size});
        QVERIFY(torch::equal(a->forward(x), b->forward(x)));
    }

    void stridedAndOffsetTensor()
    {
        // A 2x2 view with stride (1, 2) at offset 1 of storage [0..5]: [[1, 3], [2, 4]].
        const auto path = file("strided.pth");
        writeArchive(path, tensorPickle("t", 6, {2, 2}, {1, 2}, 1), {ql::test::hostile::floats(6)});
        const auto read = models::readStateDict(path);
        QCOMPARE(int(read.size()), 1);
        const auto expected = torch::tensor({1.f, 3.f, 2.f, 4.f}).view({2, 2});
        QVERIFY(torch::equal(read[0].second, expected));
    }

    void tensorBeyondStorageIsRejected()
    {
        const auto path = file("beyond.pth");
        writeArchive(path, tensorPickle("t", 4, {3, 2}, {2, 1}, 0), {ql::test::hostile::floats(4)});
        const auto msg = ql::test::hostile::errorText([&] { models::readStateDict(path); });
        QVERIFY2(contains(msg, "beyond.pth") && contains(msg, "storage of 4 elements"), msg.c_str());
    }

    void storageSizeMismatchIsRejected()
    {
        const auto path = file("short_storage.pth");
        std::string bytes = ql::test::hostile::floats(6);
        bytes.pop_back(); // 23 bytes: not a whole number of floats
        writeArchive(path, tensorPickle("t", 6, {6}, {1}, 0), {bytes});
        const auto msg = ql::test::hostile::errorText([&] { models::readStateDict(path); });
        QVERIFY2(contains(msg, "data/0") && contains(msg, "23 bytes"), msg.c_str());
    }

    void forbiddenGlobalIsRejected()
    {
        const auto path = file("evil.pth");
        std::string pickle("\x80\x02"
                           "cposix\nsystem\n");
        pickle.append(unicode("touch pwned"));
        pickle.append("\x85R.");
        writeArchive(path, pickle);
        const auto msg = ql::test::hostile::errorText([&] { models::readStateDict(path); });
        QVERIFY2(contains(msg, "posix.system") && contains(msg, "evil.pth") && contains(msg, "state_dict"),
                 msg.c_str());
        QVERIFY(!fs::exists("pwned"));
    }

    void forbiddenStackGlobalIsRejected()
    {
        const auto path = file("evil4.pth");
        std::string pickle("\x80\x04\x8c\x08"
                           "builtins\x8c\x04"
                           "eval\x93");
        pickle.append(unicode("1+1"));
        pickle.append("\x85R.");
        writeArchive(path, pickle);
        const auto msg = ql::test::hostile::errorText([&] { models::readStateDict(path); });
        QVERIFY2(contains(msg, "builtins.eval"), msg.c_str());
    }

    void unknownOpcodeIsRejected()
    {
        const auto path = file("opcode.pth");
        // 'i' (INST) is a protocol-0 way to call a class; never in a state dict.
        writeArchive(path, std::string("\x80\x02}(ios\nsystem\n."));
        const auto msg = ql::test::hostile::errorText([&] { models::readStateDict(path); });
        QVERIFY2(contains(msg, "opcode 0x69") && contains(msg, "opcode.pth"), msg.c_str());
    }

    void truncatedPickleIsRejected()
    {
        const auto path = file("shortpickle.pth");
        std::string pickle("\x80\x02X");
        pickle.append(u32(1000));
        pickle.append("abc");
        writeArchive(path, pickle);
        const auto msg = ql::test::hostile::errorText([&] { models::readStateDict(path); });
        QVERIFY2(contains(msg, "unexpected end"), msg.c_str());
    }

    void nonDictIsRejected()
    {
        const auto path = file("list.pth");
        writeArchive(path, std::string("\x80\x02]K\x01\x61."));
        const auto msg = ql::test::hostile::errorText([&] { models::readStateDict(path); });
        QVERIFY2(contains(msg, "does not hold a state dict") && contains(msg, "list"), msg.c_str());
    }

    void corruptZipIsRejected()
    {
        const auto path = file("corrupt.pth");
        {
            std::ofstream out(path, std::ios::binary);
            out << "PK\x03\x04" << std::string(200, 'x');
        }
        const auto msg = ql::test::hostile::errorText([&] { models::readStateDict(path); });
        QVERIFY2(contains(msg, "corrupt") && contains(msg, "corrupt.pth"), msg.c_str());
    }

    void truncatedFileIsRejected()
    {
        torch::manual_seed(23);
        auto model = models::createModel("fmnist-cnn");
        const auto good = file("good.pth");
        models::saveWeights(*model, good);
        const auto cut = file("cut.pth");
        {
            std::ifstream in(good, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            std::ofstream out(cut, std::ios::binary);
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
        }
        const auto msg = ql::test::hostile::errorText([&] { models::loadWeights(*model, cut); });
        QVERIFY2(contains(msg, "cut.pth") && contains(msg, "truncated"), msg.c_str());
    }

    void notAZipIsRejected()
    {
        const auto text = file("notes.txt");
        {
            std::ofstream out(text);
            out << "hello";
        }
        QVERIFY(
            contains(ql::test::hostile::errorText([&] { models::readStateDict(text); }), "not a PyTorch zip archive"));
        const auto legacy = file("legacy.pth");
        {
            std::ofstream out(legacy, std::ios::binary);
            out << "\x80\x02\x8a\x0a" << std::string(20, '\0');
        }
        QVERIFY(contains(ql::test::hostile::errorText([&] { models::readStateDict(legacy); }), "legacy"));
        QVERIFY(
            contains(ql::test::hostile::errorText([&] { models::readStateDict(file("absent.pth")); }), "Cannot open"));
    }

    void wrongShapesAreListed()
    {
        torch::manual_seed(24);
        auto ten = models::createModel("fmnist-cnn");
        const auto path = file("ten.pth");
        models::saveWeights(*ten, path);
        models::ZooOptions o;
        o.numClasses = 5;
        auto five = models::createModel("fmnist-cnn", o);
        const auto conv1Before = five->stateDict().front().second.clone();
        const auto msg = ql::test::hostile::errorText([&] { models::loadWeights(*five, path); });
        QVERIFY2(contains(msg, "fc.weight model [5, 3136] file [10, 3136]") && contains(msg, "fc.bias") &&
                     contains(msg, "Wrong shape (2)"),
                 msg.c_str());
        // A failed strict load leaves the model unchanged.
        QVERIFY(torch::equal(five->stateDict().front().second, conv1Before));

        const auto report = models::loadWeights(*five, path, /*strict=*/false);
        QCOMPARE(report.wrongShape.size(), size_t{2});
        QCOMPARE(report.loaded.size(), five->stateDict().size() - 2);
        QVERIFY(torch::equal(five->stateDict().front().second, ten->stateDict().front().second));
    }

    void missingAndUnexpectedAreListed()
    {
        auto resnet = models::createModel("resnet20");
        const auto path = file("resnet20.pth");
        models::saveWeights(*resnet, path);
        auto fmnist = models::createModel("fmnist-cnn");
        const auto msg = ql::test::hostile::errorText([&] { models::loadWeights(*fmnist, path); });
        QVERIFY2(contains(msg, "Missing from the file") && contains(msg, "conv3.weight") &&
                     contains(msg, "Unexpected in the file") && contains(msg, "layer1.0.conv1.weight"),
                 msg.c_str());
    }

    void dataParallelPrefixIsStripped()
    {
        torch::manual_seed(25);
        auto a = models::createModel("fmnist-cnn");
        auto sd = a->stateDict();
        for (auto &item : sd)
            item.first = "module." + item.first;
        const auto path = file("dp.pth");
        models::writeStateDict(sd, path);
        torch::manual_seed(26);
        auto b = models::createModel("fmnist-cnn");
        const auto report = models::loadWeights(*b, path);
        QCOMPARE(QString::fromStdString(report.strippedPrefix), QStringLiteral("module."));
        QVERIFY(torch::equal(a->stateDict().back().second, b->stateDict().back().second));
    }

    void unwritablePathIsAnError()
    {
        auto model = models::createModel("fmnist-cnn");
        const auto msg = ql::test::hostile::errorText([&] { models::saveWeights(*model, file("no/such/dir/x.pth")); });
        QVERIFY2(contains(msg, "Cannot write"), msg.c_str());
    }
};

QL_TEST(TestStateDict)
#include "tst_state_dict.moc"
