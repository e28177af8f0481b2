#pragma once
// Shared by the export tests: the demo model quantized by a recipe through the Workbench, and
// small checks of export results.
#include "core/common/error.h"
#include "core/engine/session.h"
#include "core/engine/workbench.h"
#include "ql/types/export.h"
#include "tests/support/hostile.h"

#include <QString>
#include <QtTest>

#include <filesystem>
#include <memory>
#include <string>

namespace ql::test::exporting {

namespace fs = std::filesystem;

inline std::string demoModel() { return QL_SOURCE_DIR "/resources/models/fmnist-cnn-swish.pth"; }

inline types::QuantRecipe recipe(types::Method w, types::Method a, int wbits, int abits, int lsqPlusConfig = 4)
{
    types::QuantRecipe r;
    r.weightMethod = w;
    r.actMethod = a;
    r.weightBits = wbits;
    r.actBits = abits;
    r.lsqPlusConfig = lsqPlusConfig;
    return r;
}

/// The demo model (Swish fmnist-cnn) with `r`'s quantizers initialised on `calibration`
/// training images (what PTQ does before it evaluates).
inline std::unique_ptr<core::engine::Workbench> quantizedDemo(const types::QuantRecipe &r, int64_t calibration = 256)
{
    core::engine::seedEverything(0);
    auto wb = std::make_unique<core::engine::Workbench>();
    wb->setDevice("cpu");
    wb->openModel(demoModel(), {}, r);
    wb->calibrate(calibration);
    return wb;
}

inline types::ExportOptions exportOptions(types::ExportFormat format, const fs::path &path, bool verify,
                                          int64_t images = 256)
{
    types::ExportOptions o;
    o.format = format;
    o.path = path.string();
    o.verify = verify;
    o.images = images;
    return o;
}

using hostile::errorOf;

/// The check whose runtime contains `what` (nullptr when there is none).
inline const types::RuntimeCheck *check(const types::ExportResult &r, const std::string &what)
{
    for (const auto &c : r.checks)
        if (c.runtime.find(what) != std::string::npos)
            return &c;
    return nullptr;
}

inline QString describe(const types::RuntimeCheck &c)
{
    QString s = QString::fromStdString(c.runtime + ": " + c.verdict);
    for (const auto &t : c.tensors)
        s += QStringLiteral("\n  %1: exact %2, 1 LSB %3, more %4, max %5")
                 .arg(QString::fromStdString(t.tensor))
                 .arg(t.exact)
                 .arg(t.offByOne)
                 .arg(t.offMore)
                 .arg(t.maxDiff);
    return s;
}

/// Every file of `r` exists and the folder holds nothing else.
inline bool onlyFiles(const fs::path &folder, const types::ExportResult &r)
{
    size_t count = 0;
    for (const auto &e : fs::directory_iterator(folder)) {
        (void)e;
        ++count;
    }
    for (const auto &f : r.files)
        if (!fs::is_regular_file(f))
            return false;
    return count == r.files.size();
}

inline bool emptyFolder(const fs::path &folder) { return fs::directory_iterator(folder) == fs::directory_iterator(); }

/// Verifies `r` as an ONNX export with targets that apply: ONNX Runtime with optimisations off
/// reproduces every tensor's codes (at most 1 LSB apart on 0.1 % of them) and the top-1 of
/// `agreement` of the images, with them on it runs and agrees on almost every image.
inline void expectTargets(const types::ExportResult &r, int64_t images = 256, double agreement = 0.999)
{
    const auto *off = check(r, "optimisations off");
    const auto *on = check(r, "optimisations all on");
    const auto *checker = check(r, "onnx.checker");
    QVERIFY(off && on && checker);
    QVERIFY2(checker->passed, checker->verdict.c_str());
    QVERIFY2(off->targetsApply && off->passed, qPrintable(describe(*off)));
    QCOMPARE(off->images, images);
    for (const auto &t : off->tensors) {
        QVERIFY2(t.exact >= 0.999 && t.maxDiff <= 1, qPrintable(describe(*off)));
        QVERIFY(t.count > 0);
    }
    QVERIFY2(off->top1Agreement >= agreement, qPrintable(describe(*off)));
    QVERIFY2(on->top1Agreement >= agreement - 0.009, qPrintable(describe(*on)));
}

} // namespace ql::test::exporting
