// quantlens-cli on an ONNX model: --model X.onnx works in every command, a session made from it
// reopens, fine-tuning writes an ONNX file again, and bad models fail with exit status 1 and a
// message naming what is wrong.
#include "tests/cli/cli_support.h"
#include "tests/support/testmain.h"
#ifdef QL_HAVE_ONNX
#include "tests/core/onnx/onnx_support.h"
#endif

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestCliOnnx : public QObject {
    Q_OBJECT

    static ql::test::cli::Result cli(const QStringList &args) { return ql::test::cli::run(args); }

    static QJsonObject readJson(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QJsonDocument::fromJson(f.readAll()).object();
    }

private Q_SLOTS:
    void everyCommandTakesAnOnnxModel()
    {
#ifndef QL_HAVE_ONNX
        QSKIP("built without ONNX support");
#else
        using namespace ql::test::onnx;
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("net.onnx"));
        {
            // conv(1->4, 3x3, stride 2) -> Relu -> Flatten -> fc(4*13*13 -> 10): a Fashion-MNIST classifier.
            torch::manual_seed(5);
            GraphBuilder g(13);
            g.input("image", {-1, 1, 28, 28});
            g.initializer("w", torch::randn({4, 1, 3, 3}) * 0.5);
            g.initializer("fw", torch::randn({10, 4 * 13 * 13}) * 0.05);
            g.initializer("fb", torch::zeros({10}));
            attr(g.node("Conv", {"image", "w"}, {"c"}, "conv"), "strides", std::vector<int64_t>{2, 2});
            g.node("Relu", {"c"}, {"r"}, "relu");
            g.node("Flatten", {"r"}, {"f"}, "flatten");
            attr(g.node("Gemm", {"f", "fw", "fb"}, {"logits"}, "fc"), "transB", int64_t(1));
            g.output("logits");
            g.save(model.toStdString());
        }
        const QString json = dir.filePath(QStringLiteral("out.json"));
        auto r = cli({QStringLiteral("eval"), QStringLiteral("--model"), model, QStringLiteral("--limit"),
                      QStringLiteral("64"), QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(readJson(json).value(QStringLiteral("count")).toInt(), 64);
        QCOMPARE(readJson(json).value(QStringLiteral("arch")).toString(), QStringLiteral("onnx"));

        const QString session = dir.filePath(QStringLiteral("net.qls"));
        r = cli({QStringLiteral("ptq"), QStringLiteral("--model"), model, QStringLiteral("--wmethod"),
                 QStringLiteral("minmax"), QStringLiteral("--amethod"), QStringLiteral("minmax"),
                 QStringLiteral("--calib"), QStringLiteral("64"), QStringLiteral("--limit"), QStringLiteral("64"),
                 QStringLiteral("--out"), session, QStringLiteral("--json"), json});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto layers = readJson(json).value(QStringLiteral("layers")).toArray();
        QCOMPARE(layers.size(), 2);
        QCOMPARE(layers[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("conv"));
        QCOMPARE(layers[1].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("fc"));

        for (const QStringList &args :
             {QStringList{QStringLiteral("errors"), QStringLiteral("--session"), session, QStringLiteral("--samples"),
                          QStringLiteral("16")},
              QStringList{QStringLiteral("sensitivity"), QStringLiteral("--model"), model, QStringLiteral("--calib"),
                          QStringLiteral("32"), QStringLiteral("--samples"), QStringLiteral("32")},
              QStringList{QStringLiteral("whatif"), QStringLiteral("--session"), session, QStringLiteral("--layer"),
                          QStringLiteral("fc"), QStringLiteral("--to-wbits"), QStringLiteral("2"),
                          QStringLiteral("--samples"), QStringLiteral("32")},
              QStringList{QStringLiteral("predict"), QStringLiteral("--model"), model, QStringLiteral("--count"),
                          QStringLiteral("4")}}) {
            r = cli(args);
            QVERIFY2(r.exitCode == 0, qPrintable(args.join(u' ') + QStringLiteral(": ") + r.err));
        }
        QCOMPARE(r.out.count(u'\n'), 5); // predict: a header and four rows

        // Fine-tuning writes the graph again, with its trained weights; it opens like the original.
        const QString tuned = dir.filePath(QStringLiteral("tuned.onnx"));
        r = cli({QStringLiteral("train"), QStringLiteral("--model"), model, QStringLiteral("--epochs"),
                 QStringLiteral("1"), QStringLiteral("--steps-per-epoch"), QStringLiteral("3"),
                 QStringLiteral("--batch"), QStringLiteral("32"), QStringLiteral("--out"), tuned});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = cli({QStringLiteral("eval"), QStringLiteral("--model"), tuned, QStringLiteral("--limit"),
                 QStringLiteral("32")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto before = ql::core::onnx::readModel(model.toStdString());
        const auto after = ql::core::onnx::readModel(tuned.toStdString());
        QCOMPARE(after.graph().node_size(), before.graph().node_size());
        QVERIFY(!torch::equal(ql::core::onnx::toTensor(after.graph().initializer(0), "a"),
                              ql::core::onnx::toTensor(before.graph().initializer(0), "b")));

        // A size the graph does not have, and a model with an operator QuantLens lacks.
        r = cli({QStringLiteral("eval"), QStringLiteral("--model"), model, QStringLiteral("--input-size"),
                 QStringLiteral("32,32")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("32×32")) && r.err.contains(QStringLiteral("'image'")),
                 qPrintable(r.err));
        {
            GraphBuilder g(13);
            g.input("image", {-1, 1, 28, 28});
            g.node("Relu", {"image"}, {"r"}, "relu");
            g.node("NonMaxSuppression", {"r", "r"}, {"y"}, "nms");
            g.output("y");
            g.save(dir.filePath(QStringLiteral("nms.onnx")).toStdString());
        }
        r = cli({QStringLiteral("ptq"), QStringLiteral("--model"), dir.filePath(QStringLiteral("nms.onnx"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("'nms' (NonMaxSuppression)")), qPrintable(r.err));
#endif
    }
};

QL_TEST(TestCliOnnx)
#include "tst_cli_onnx.moc"
