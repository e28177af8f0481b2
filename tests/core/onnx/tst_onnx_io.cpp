// The ONNX file layer: models round-trip, external data is read from beside the model only,
// broken files give errors that name them, tensors convert both ways.
#include "core/common/error.h"
#include "core/onnx/onnx_io.h"
#include "tests/core/onnx/onnx_support.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

namespace onnxio = ql::core::onnx;
namespace fs = std::filesystem;
using ql::test::onnx::errorOf;

namespace {

/// y = Relu(x + b): one initializer, two nodes, opset 13.
::onnx::ModelProto smallModel(const torch::Tensor &bias)
{
    ::onnx::ModelProto m;
    m.set_ir_version(7);
    auto *opset = m.add_opset_import();
    opset->set_domain("");
    opset->set_version(13);
    auto *g = m.mutable_graph();
    g->set_name("small");
    *g->add_initializer() = onnxio::fromTensor(bias, "b");
    auto *add = g->add_node();
    add->set_op_type("Add");
    add->add_input("x");
    add->add_input("b");
    add->add_output("s");
    auto *relu = g->add_node();
    relu->set_op_type("Relu");
    relu->add_input("s");
    relu->add_output("y");
    for (const char *name : {"x", "y"}) {
        auto *v = std::string(name) == "x" ? g->add_input() : g->add_output();
        v->set_name(name);
        auto *tt = v->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(::onnx::TensorProto::FLOAT);
        tt->mutable_shape()->add_dim()->set_dim_value(bias.numel());
    }
    return m;
}

} // namespace

class TestOnnxIo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tensorsConvertBothWays()
    {
        for (auto dtype : {torch::kFloat, torch::kDouble, torch::kHalf, torch::kLong, torch::kInt, torch::kChar,
                           torch::kByte, torch::kBool}) {
            const auto t = (torch::arange(12, torch::kDouble).reshape({3, 4}) - 5).to(dtype);
            const auto back = onnxio::toTensor(onnxio::fromTensor(t, "t"), "t");
            QCOMPARE(back.scalar_type(), dtype);
            QVERIFY(torch::equal(back, t));
        }
        // Values in the typed field instead of raw data (older exporters).
        ::onnx::TensorProto p;
        p.set_data_type(::onnx::TensorProto::FLOAT);
        p.add_dims(2);
        p.add_float_data(1.5f);
        p.add_float_data(-2.0f);
        QVERIFY(torch::equal(onnxio::toTensor(p, "p"), torch::tensor({1.5f, -2.0f})));
        p.add_dims(2); // now 2x2: four values needed, two given
        QVERIFY(errorOf([&] { onnxio::toTensor(p, "initializer 'p'"); }).contains(QStringLiteral("initializer 'p'")));
    }

    void roundTripAndChecker()
    {
        QTemporaryDir dir;
        const fs::path path = dir.filePath(QStringLiteral("m.onnx")).toStdString();
        const auto bias = torch::tensor({0.5f, -1.0f, 2.0f});
        const auto m = smallModel(bias);
        QVERIFY2(onnxio::checkModel(m).empty(), onnxio::checkModel(m).c_str());
        onnxio::writeModel(m, path);
        const auto back = onnxio::readModel(path);
        QCOMPARE(onnxio::opsetVersion(back), int64_t(13));
        QCOMPARE(back.graph().node_size(), 2);
        QVERIFY(torch::equal(onnxio::toTensor(back.graph().initializer(0), "b"), bias));
        // An operator the standard does not know fails the checker, with its name.
        auto bad = m;
        bad.mutable_graph()->mutable_node(1)->set_op_type("NoSuchOp");
        QVERIFY2(QString::fromStdString(onnxio::checkModel(bad)).contains(QStringLiteral("NoSuchOp")),
                 onnxio::checkModel(bad).c_str());
    }

    void externalDataBesideTheModel()
    {
        QTemporaryDir dir;
        const fs::path folder = dir.path().toStdString();
        const auto bias = torch::tensor({1.0f, 2.0f, 3.0f});
        auto m = smallModel(bias);
        // The bias lives at offset 8 of weights.bin.
        {
            std::ofstream out(folder / "weights.bin", std::ios::binary);
            const std::string pad(8, 'x');
            out.write(pad.data(), 8);
            out.write(static_cast<const char *>(bias.data_ptr()), 12);
        }
        auto *t = m.mutable_graph()->mutable_initializer(0);
        t->clear_raw_data();
        t->set_data_location(::onnx::TensorProto::EXTERNAL);
        auto setExternal = [t](const std::string &location, const std::string &offset, const std::string &length) {
            t->clear_external_data();
            for (const auto &[k, v] : {std::pair{"location", location}, {"offset", offset}, {"length", length}}) {
                auto *e = t->add_external_data();
                e->set_key(k);
                e->set_value(v);
            }
        };
        setExternal("weights.bin", "8", "12");
        onnxio::writeModel(m, folder / "m.onnx");
        QVERIFY(torch::equal(onnxio::toTensor(onnxio::readModel(folder / "m.onnx").graph().initializer(0), "b"), bias));

        // A file that is too short, missing, or outside the folder: refused, naming the tensor.
        setExternal("weights.bin", "8", "64");
        onnxio::writeModel(m, folder / "short.onnx");
        QVERIFY(errorOf([&] { onnxio::readModel(folder / "short.onnx"); }).contains(QStringLiteral("truncated")));
        setExternal("gone.bin", "0", "12");
        onnxio::writeModel(m, folder / "missing.onnx");
        const QString missing = errorOf([&] { onnxio::readModel(folder / "missing.onnx"); });
        QVERIFY2(missing.contains(QStringLiteral("gone.bin")) && missing.contains(QStringLiteral("'b'")),
                 qPrintable(missing));
        for (const std::string escape : {"../outside.bin", "/etc/passwd"}) {
            setExternal(escape, "0", "12");
            onnxio::writeModel(m, folder / "escape.onnx");
            const QString msg = errorOf([&] { onnxio::readModel(folder / "escape.onnx"); });
            QVERIFY2(msg.contains(QStringLiteral("outside the model's folder")), qPrintable(msg));
        }
        fs::create_directory_symlink("/etc", folder / "link");
        setExternal("link/passwd", "0", "12");
        onnxio::writeModel(m, folder / "link.onnx");
        QVERIFY(errorOf([&] { onnxio::readModel(folder / "link.onnx"); }).contains(QStringLiteral("outside")));
    }

    void brokenFilesNameThemselves()
    {
        QTemporaryDir dir;
        const fs::path folder = dir.path().toStdString();
        const auto good = smallModel(torch::ones({4}));
        std::string bytes;
        QVERIFY(good.SerializeToString(&bytes));
        {
            std::ofstream out(folder / "cut.onnx", std::ios::binary);
            out.write(bytes.data(), std::streamsize(bytes.size() / 2));
            std::ofstream text(folder / "text.onnx");
            text << "this is not a model";
        }
        for (const char *name : {"cut.onnx", "text.onnx", "nothere.onnx"}) {
            const QString msg = errorOf([&] { onnxio::readModel(folder / name); });
            QVERIFY2(msg.contains(QString::fromLatin1(name)), qPrintable(msg));
        }
    }
};

QL_TEST(TestOnnxIo)
#include "tst_onnx_io.moc"
