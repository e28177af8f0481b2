// AIMET 1.0.0 encodings: keyed by the tensor names of the ONNX file the same options write,
// AIMET's offset convention (offset = lo - zero point: symmetric int8 is -128), mirrored grids
// for channels a folded BatchNorm flips, and a refusal for what AIMET cannot describe.
#include "core/export/plan.h"
#include "core/onnx/onnx_io.h"
#include "tests/core/export/helpers.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

using namespace ql;
using namespace ql::test::exporting;
using types::Method;

namespace {

nlohmann::json readJson(const fs::path &p)
{
    std::ifstream in(p);
    return nlohmann::json::parse(in);
}

std::map<std::string, nlohmann::json> byName(const nlohmann::json &list)
{
    std::map<std::string, nlohmann::json> out;
    for (const auto &e : list)
        out[e["name"].get<std::string>()] = e;
    return out;
}

} // namespace

class TestEncodingsExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keyedByTheOnnxTensorNames()
    {
        auto wb = quantizedDemo(recipe(Method::LsqPlus, Method::LsqPlus, 4, 4));
        QTemporaryDir dir;
        const fs::path folder = dir.path().toStdString();
        wb->exportModel(exportOptions(types::ExportFormat::Onnx, folder / "m.onnx", false));
        const auto r = wb->exportModel(exportOptions(types::ExportFormat::Encodings, folder / "m.encodings", true));
        const auto *c = check(r, "encodings");
        QVERIFY2(c && c->passed, c ? c->verdict.c_str() : "no check");

        const auto j = readJson(folder / "m.encodings");
        QCOMPARE(j["version"].get<std::string>(), std::string("1.0.0"));
        QVERIFY(j["excluded_layers"].empty());
        const auto m = core::onnx::readModel(folder / "m.onnx");
        std::set<std::string> names{m.graph().input(0).name()};
        for (const auto &t : m.graph().initializer())
            names.insert(t.name());
        for (const auto &n : m.graph().node())
            names.insert(n.output().begin(), n.output().end());
        const auto acts = byName(j["activation_encodings"]);
        const auto params = byName(j["param_encodings"]);
        for (const auto *list : {&acts, &params})
            for (const auto &[name, e] : *list)
                QVERIFY2(names.count(name), name.c_str());
        // Every tensor the graph quantizes has an entry: QuantizeLinear inputs and the weights its DQs make.
        size_t quantized = 0, weights = 0;
        for (const auto &n : m.graph().node()) {
            if (n.op_type() == "QuantizeLinear") {
                QVERIFY2(acts.count(n.input(0)), n.input(0).c_str());
                ++quantized;
            } else if (n.op_type() == "DequantizeLinear" && params.count(n.output(0))) {
                ++weights;
            }
        }
        QCOMPARE(quantized, acts.size());
        QCOMPARE(weights, params.size());
        QCOMPARE(acts.size(), size_t(5));
        QCOMPARE(params.size(), size_t(5));
    }

    void aimetOffsetConvention()
    {
        auto wb = quantizedDemo(recipe(Method::LsqPlus, Method::LsqPlus, 4, 4));
        QTemporaryDir dir;
        const fs::path folder = dir.path().toStdString();
        wb->exportModel(exportOptions(types::ExportFormat::Encodings, folder / "exact.encodings", false));
        const auto exact = readJson(folder / "exact.encodings");
        const auto params = byName(exact["param_encodings"]);
        const auto plan = core::exporting::makePlan(*wb->session().model());

        // conv1: 8-bit symmetric weights, every BatchNorm scale positive: offset -128 throughout.
        const auto &w1 = params.at("conv1.weight");
        QCOMPARE(w1["bw"].get<int>(), 8);
        QCOMPARE(w1["enc_type"].get<std::string>(), std::string("PER_CHANNEL"));
        QVERIFY(w1["is_sym"].get<bool>());
        for (const auto &o : w1["offset"])
            QCOMPARE(o.get<int64_t>(), int64_t(-128));
        // conv4: 4-bit; a channel with a negative BatchNorm scale holds -q * |s|: grid -7..8.
        const auto &w4 = params.at("conv4.weight");
        const auto &k4 = plan.layers[3].bnScale;
        QCOMPARE(w4["offset"].size(), size_t(k4.numel()));
        bool flipped = false;
        for (int64_t ch = 0; ch < k4.numel(); ++ch) {
            const bool negative = k4[ch].item<double>() < 0;
            flipped = flipped || negative;
            QCOMPARE(w4["offset"][size_t(ch)].get<int64_t>(), negative ? int64_t(-7) : int64_t(-8));
            QCOMPARE(w4["scale"][size_t(ch)].get<double>(),
                     double(float(plan.layers[3].weight.scale[ch].item<double>() * k4[ch].item<double>())) *
                         (negative ? -1 : 1));
        }
        QVERIFY(flipped); // the demo model's bn4 has a negative gamma
        QVERIFY(!w4["is_sym"].get<bool>());

        // conv2's input, exactly: the offset is Sub'd before QuantizeLinear, whose zero point is 0.
        const auto acts = byName(exact["activation_encodings"]);
        const auto &a2 = acts.at("conv2/input_shifted");
        QCOMPARE(a2["offset"][0].get<int64_t>(), int64_t(-8));
        QVERIFY(a2["is_sym"].get<bool>());
        QCOMPARE(a2["scale"][0].get<double>(), plan.layers[1].act.scale);

        // With the offset as a zero point: offset = lo - zp, zp = round(-beta / s), by hand.
        auto o = exportOptions(types::ExportFormat::Encodings, folder / "zp.encodings", false);
        o.offset = types::OffsetMode::ZeroPoint;
        wb->exportModel(o);
        const auto zpActs = byName(readJson(folder / "zp.encodings")["activation_encodings"]);
        const auto &a = plan.layers[1].act;
        const auto zp = static_cast<int64_t>(std::nearbyint(-a.offset / a.scale));
        bool found = false;
        for (const auto &[name, e] : zpActs)
            if (name.find("conv2") == std::string::npos && e["scale"][0].get<double>() == a.scale) {
                QCOMPARE(e["offset"][0].get<int64_t>(), -8 - zp);
                QCOMPARE(e["is_sym"].get<bool>(), zp == 0);
                found = true;
            }
        QVERIFY(found);
    }

    void asqIsRefusedBeforeWriting()
    {
        auto wb = quantizedDemo(recipe(Method::Lsq, Method::Asq, 4, 4), 64);
        QTemporaryDir dir;
        const QString msg = errorOf([&] {
            wb->exportModel(exportOptions(types::ExportFormat::Encodings,
                                          fs::path(dir.path().toStdString()) / "m.encodings", false));
        });
        QVERIFY2(msg.contains(QStringLiteral("AIMET encodings")) && msg.contains(QStringLiteral("'conv1'")) &&
                     msg.contains(QStringLiteral("per-sample")),
                 qPrintable(msg));
        QVERIFY(emptyFolder(dir.path().toStdString()));
    }

    void postWeightsStayFloat()
    {
        auto wb = quantizedDemo(recipe(Method::Post, Method::Lsq, 4, 4), 64);
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "m.encodings";
        const auto r = wb->exportModel(exportOptions(types::ExportFormat::Encodings, path, true));
        QVERIFY(check(r, "encodings")->passed);
        const auto j = readJson(path);
        QCOMPARE(j["param_encodings"].size(), size_t(0)); // POST weights are their exact float values in the graph
        QCOMPARE(j["activation_encodings"].size(), size_t(5));
    }
};

QL_TEST(TestEncodingsExport)
#include "tst_encodings.moc"
