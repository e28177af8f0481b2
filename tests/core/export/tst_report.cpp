// The export report: one CSV row per layer with its configuration, steps, errors, sensitivity and
// deployability; the JSON's totals (bytes, BOPs) by hand from the layers and its accuracy equal
// to the Workbench's own evaluation of the same images.
#include "tests/core/export/helpers.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

using namespace ql;
using namespace ql::test::exporting;
using types::Method;

class TestReportExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void csvAndJson()
    {
        auto wb = quantizedDemo(recipe(Method::LsqPlus, Method::Asq, 4, 4), 128);
        QTemporaryDir dir;
        const fs::path folder = dir.path().toStdString();
        const auto r = wb->exportModel(exportOptions(types::ExportFormat::Report, folder / "report.csv", false, 200));
        QCOMPARE(r.files.size(), size_t(2));
        QVERIFY(onlyFiles(folder, r));

        std::ifstream csv(folder / "report.csv");
        std::vector<std::string> lines;
        for (std::string line; std::getline(csv, line);)
            lines.push_back(line);
        QCOMPARE(lines.size(), size_t(6)); // header + 5 layers
        QVERIFY(lines[0].rfind("layer,type,enabled,weight_method,weight_bits", 0) == 0);
        QVERIFY(lines[0].find("act_sqnr_db") != std::string::npos);
        QVERIFY(lines[2].rfind("conv2,conv2d,true,lsq+,4,true,asq,4", 0) == 0);
        QVERIFY(lines[2].find("float emulation") != std::string::npos);

        std::ifstream in(folder / "report.json");
        const auto j = nlohmann::json::parse(in);
        const auto layers = wb->layers();
        int64_t fp32 = 0, quantized = 0;
        double bops = 0;
        for (size_t i = 0; i < layers.size(); ++i) {
            fp32 += layers[i].parameters * 4;
            quantized += types::layerStorageBytes(layers[i], wb->config()[i]);
            bops += double(layers[i].macs) * types::effectiveBits(wb->config()[i], types::Role::Weight) *
                    types::effectiveBits(wb->config()[i], types::Role::Activation);
        }
        QCOMPARE(j["model_bytes"]["fp32"].get<int64_t>(), fp32);
        QCOMPARE(j["model_bytes"]["quantized"].get<int64_t>(), quantized);
        QCOMPARE(j["bops"]["quantized"].get<double>(), bops);
        QCOMPARE(j["accuracy"]["images"].get<int64_t>(), int64_t(200));
        types::EvalOptions eo;
        eo.maxSamples = 200;
        const auto eval = wb->evaluateBoth(eo);
        QCOMPARE(j["accuracy"]["quantized_top1"].get<double>(), eval.quantized.top1);
        QCOMPARE(j["accuracy"]["fp32_top1"].get<double>(), eval.fp32.top1);
        std::set<std::string> ranks;
        for (const auto &l : j["layers"]) {
            ranks.insert(l["sensitivity_rank"].get<std::string>());
            QVERIFY(!l["act_sqnr_db"].get<std::string>().empty());
        }
        QCOMPARE(ranks, (std::set<std::string>{"1", "2", "3", "4", "5"}));
        QCOMPARE(j["input_normalization"]["mean"].size(), size_t(1));
    }
};

QL_TEST(TestReportExport)
#include "tst_report.moc"
