// Batch transforms, seeded permutations, train/validation split and calibration subsets.
#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/data/transforms.h"
#include "tests/support/testmain.h"

#include <QtTest>
#include <torch/torch.h>

#include <set>

using ql::core::data::Dataset;
using ql::core::data::Normalization;
using ql::core::data::TransformRng;
namespace qd = ql::core::data;

namespace {

/// N samples of C x H x W whose first two pixels hold the sample's index (i % 256, i / 256); label i % classes.
Dataset imageDataset(int64_t n, int64_t c = 1, int64_t h = 4, int64_t w = 4, int classes = 10)
{
    auto images = (torch::arange(n * c * h * w, torch::kInt64) * 7 % 256).to(torch::kUInt8).reshape({n, c, h, w});
    const auto ids = torch::arange(n, torch::kInt64);
    images.select(1, 0).select(1, 0).select(1, 0).copy_(ids % 256);
    images.select(1, 0).select(1, 0).select(1, 1).copy_(ids / 256);
    auto labels = torch::arange(n, torch::kInt64) % classes;
    std::vector<std::string> names;
    for (int i = 0; i < classes; ++i)
        names.push_back("class" + std::to_string(i));
    return Dataset("synthetic", images, labels, names,
                   Normalization{std::vector<float>(size_t(c), 0.5f), std::vector<float>(size_t(c), 0.25f)});
}

} // namespace

class TestTransforms : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void normalizeMath_data();
    void normalizeMath();
    void normalizeWrongChannels();
    void flipIsExactMirror();
    void randomCropKeepsShapeAndIsAWindow_data();
    void randomCropKeepsShapeAndIsAWindow();
    void randomCropIsSeeded();
    void randomFlipProbabilities();
    void fastPathMatchesTensorPath_data();
    void fastPathMatchesTensorPath();
    void centerCropAndResize();
    void permutationIsSeededPermutation();
    void splitIsDisjointCompleteAndSeeded_data();
    void splitIsDisjointCompleteAndSeeded();
    void splitRejectsBadFraction();
    void calibrationSubset();
    void datasetRejectsInconsistentInput();
};

void TestTransforms::normalizeMath_data()
{
    QTest::addColumn<float>("value");
    QTest::addColumn<float>("mean");
    QTest::addColumn<float>("stdev");
    QTest::addColumn<float>("expected");
    QTest::newRow("fashion mean maps to 0") << 0.2860f << 0.2860f << 0.3530f << 0.0f;
    QTest::newRow("fashion white") << 1.0f << 0.2860f << 0.3530f << 2.0226629f; // (1-0.286)/0.353
    QTest::newRow("mnist black") << 0.0f << 0.1307f << 0.3081f << -0.42421293f; // -0.1307/0.3081
    QTest::newRow("one std above") << 0.75f << 0.5f << 0.25f << 1.0f;
}

void TestTransforms::normalizeMath()
{
    QFETCH(float, value);
    QFETCH(float, mean);
    QFETCH(float, stdev);
    QFETCH(float, expected);
    const auto batch = torch::full({2, 1, 3, 3}, value);
    const auto out = qd::normalize(batch, Normalization{{mean}, {stdev}});
    QCOMPARE(out.sizes().vec(), batch.sizes().vec());
    QVERIFY(torch::allclose(out, torch::full_like(out, expected), /*rtol=*/1e-5, /*atol=*/1e-6));

    // per channel: each channel uses its own constants
    auto rgb = torch::full({1, 3, 2, 2}, value);
    const auto o3 = qd::normalize(rgb, Normalization{{mean, 0.0f, 1.0f}, {stdev, 1.0f, 0.5f}});
    QVERIFY(std::abs(o3[0][0][1][1].item<float>() - expected) < 1e-5f);
    QVERIFY(std::abs(o3[0][1][1][1].item<float>() - value) < 1e-6f);
    QVERIFY(std::abs(o3[0][2][1][1].item<float>() - (value - 1.0f) / 0.5f) < 1e-5f);
}

void TestTransforms::normalizeWrongChannels()
{
    QVERIFY_THROWS_EXCEPTION(ql::core::Error, qd::normalize(torch::zeros({1, 3, 2, 2}), Normalization{{0.5f}, {0.5f}}));
}

void TestTransforms::flipIsExactMirror()
{
    torch::manual_seed(42);
    const auto batch = torch::rand({3, 2, 5, 7});
    const auto out = qd::horizontalFlip(batch);
    QCOMPARE(out.sizes().vec(), batch.sizes().vec());
    for (int64_t x = 0; x < 7; ++x)
        QVERIFY(torch::equal(out.select(3, x), batch.select(3, 6 - x)));
    QVERIFY(torch::equal(qd::horizontalFlip(out), batch));
    QVERIFY(!torch::equal(out, batch));
}

void TestTransforms::randomCropKeepsShapeAndIsAWindow_data()
{
    QTest::addColumn<int>("padding");
    QTest::addColumn<int>("side");
    QTest::newRow("cifar-like pad 4") << 4 << 8;
    QTest::newRow("fashion-like pad 2") << 2 << 6;
    QTest::newRow("pad larger than image") << 5 << 3;
}

void TestTransforms::randomCropKeepsShapeAndIsAWindow()
{
    QFETCH(int, padding);
    QFETCH(int, side);
    // strictly positive distinct values: a window is identified uniquely by its content
    torch::manual_seed(3);
    const auto batch =
        torch::randperm(4 * 2 * side * side, torch::kInt64).to(torch::kFloat32).add_(1.0f).reshape({4, 2, side, side});
    TransformRng rng(123);
    const auto out = qd::randomCrop(batch, padding, rng);
    QCOMPARE(out.sizes().vec(), batch.sizes().vec());
    const auto padded = torch::constant_pad_nd(batch, {padding, padding, padding, padding}, 0.0);
    std::set<std::pair<int, int>> offsets;
    for (int64_t i = 0; i < 4; ++i) {
        int matches = 0;
        for (int y = 0; y <= 2 * padding; ++y)
            for (int x = 0; x <= 2 * padding; ++x)
                if (torch::equal(out[i], padded[i].narrow(1, y, side).narrow(2, x, side))) {
                    ++matches;
                    offsets.insert({y, x});
                }
        // a window inside the padding only (padding > side) is all zeros and matches several offsets
        if (out[i].abs().sum().item<float>() > 0.0f)
            QCOMPARE(matches, 1);
        else
            QVERIFY(matches > 1);
    }
    QVERIFY(offsets.size() > 1); // a window per sample, not one for the batch
    QVERIFY(out.min().item<float>() >= 0.0f);
    TransformRng zeroRng(1);
    QVERIFY(torch::equal(qd::randomCrop(batch, 0, zeroRng), batch));
}

void TestTransforms::randomCropIsSeeded()
{
    torch::manual_seed(4);
    const auto batch = torch::rand({16, 1, 8, 8});
    TransformRng a(7), b(7), c(8);
    const auto oa = qd::randomCrop(batch, 4, a);
    QVERIFY(torch::equal(oa, qd::randomCrop(batch, 4, b)));
    QVERIFY(!torch::equal(oa, qd::randomCrop(batch, 4, c)));
}

void TestTransforms::randomFlipProbabilities()
{
    torch::manual_seed(5);
    const auto batch = torch::rand({64, 1, 3, 5});
    TransformRng rng(5);
    QVERIFY(torch::equal(qd::randomHorizontalFlip(batch, 0.0, rng), batch));
    QVERIFY(torch::equal(qd::randomHorizontalFlip(batch, 1.0, rng), batch.flip({3})));
    const auto half = qd::randomHorizontalFlip(batch, 0.5, rng);
    int flipped = 0;
    for (int64_t i = 0; i < 64; ++i) {
        const bool same = torch::equal(half[i], batch[i]);
        const bool mirror = torch::equal(half[i], batch[i].flip({2}));
        QVERIFY(same != mirror);
        flipped += mirror ? 1 : 0;
    }
    // 64 fair coins: outside [12, 52] has probability below 1e-6
    QVERIFY2(flipped > 12 && flipped < 52, qPrintable(QString::number(flipped)));
}

void TestTransforms::fastPathMatchesTensorPath_data()
{
    QTest::addColumn<int>("padding");
    QTest::newRow("pad 1") << 1;
    QTest::newRow("pad 4") << 4;
    QTest::newRow("pad beyond side") << 9;
}

void TestTransforms::fastPathMatchesTensorPath()
{
    // float32 on the CPU takes the raw loop; float64 the tensor-op path: same draws, same result
    QFETCH(int, padding);
    torch::manual_seed(6);
    const auto batch = torch::rand({12, 3, 7, 7});
    TransformRng a(21), b(21);
    const auto fast = qd::randomCrop(batch, padding, a);
    const auto reference = qd::randomCrop(batch.to(torch::kFloat64), padding, b);
    QVERIFY(torch::equal(fast, reference.to(torch::kFloat32)));
    TransformRng c(22), d(22);
    const auto flipFast = qd::randomHorizontalFlip(batch, 0.5, c);
    const auto flipRef = qd::randomHorizontalFlip(batch.to(torch::kFloat64), 0.5, d);
    QVERIFY(torch::equal(flipFast, flipRef.to(torch::kFloat32)));
}

void TestTransforms::centerCropAndResize()
{
    const auto batch = torch::arange(2 * 1 * 6 * 8, torch::kFloat32).reshape({2, 1, 6, 8});
    const auto c = qd::centerCrop(batch, 2, 4);
    QCOMPARE(c.sizes().vec(), (std::vector<int64_t>{2, 1, 2, 4}));
    // rows 2..3, columns 2..5
    QCOMPARE(c[0][0][0][0].item<float>(), float(2 * 8 + 2));
    QCOMPARE(c[1][0][1][3].item<float>(), float(48 + 3 * 8 + 5));
    QVERIFY_THROWS_EXCEPTION(ql::core::Error, qd::centerCrop(batch, 7, 4));

    const auto constant = torch::full({1, 3, 5, 5}, 0.25f);
    const auto r = qd::resize(constant, 9, 4);
    QCOMPARE(r.sizes().vec(), (std::vector<int64_t>{1, 3, 9, 4}));
    QVERIFY(torch::allclose(r, torch::full_like(r, 0.25f)));
    // a 2x2 -> 4x4 bilinear upscale keeps the corner values (align_corners=false, half-pixel centres)
    const auto tiny = torch::tensor({0.0f, 1.0f, 2.0f, 3.0f}).reshape({1, 1, 2, 2});
    const auto up = qd::resize(tiny, 4, 4);
    QCOMPARE(up[0][0][0][0].item<float>(), 0.0f);
    QCOMPARE(up[0][0][3][3].item<float>(), 3.0f);
    QVERIFY(std::abs(up[0][0][0][1].item<float>() - 0.25f) < 1e-6f);
}

void TestTransforms::permutationIsSeededPermutation()
{
    const auto p = qd::seededPermutation(1000, 11);
    QCOMPARE(p.numel(), int64_t(1000));
    QVERIFY(torch::equal(std::get<0>(p.sort()), torch::arange(1000, torch::kInt64)));
    QVERIFY(torch::equal(p, qd::seededPermutation(1000, 11)));
    QVERIFY(!torch::equal(p, qd::seededPermutation(1000, 12)));
    QVERIFY(!torch::equal(p, torch::arange(1000, torch::kInt64)));
}

void TestTransforms::splitIsDisjointCompleteAndSeeded_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<double>("fraction");
    QTest::addColumn<int>("expectedVal");
    QTest::newRow("tenth of 100") << 100 << 0.1 << 10;
    QTest::newRow("rounds 0.25 of 10") << 10 << 0.25 << 3; // llround(2.5) = 3
    QTest::newRow("at least one") << 5 << 0.01 << 1;
    QTest::newRow("none") << 20 << 0.0 << 0;
}

void TestTransforms::splitIsDisjointCompleteAndSeeded()
{
    QFETCH(int, n);
    QFETCH(double, fraction);
    QFETCH(int, expectedVal);
    const Dataset d = imageDataset(n);
    const auto [train, val] = qd::splitTrainValidation(d, fraction, 99);
    QCOMPARE(val.size(), int64_t(expectedVal));
    QCOMPARE(train.size(), int64_t(n - expectedVal));
    auto indexOf = [&](const Dataset &part) {
        std::set<int64_t> s;
        for (int64_t i = 0; i < part.size(); ++i) {
            const auto img = part.rawImages()[i][0][0].to(torch::kInt64);
            const int64_t id = img[0].item<int64_t>() + 256 * img[1].item<int64_t>();
            if (part.labels()[i].item<int64_t>() == id % 10)
                s.insert(id);
        }
        return s;
    };
    const auto ti = indexOf(train);
    const auto vi = indexOf(val);
    QCOMPARE(int64_t(ti.size()), train.size());
    QCOMPARE(int64_t(vi.size()), val.size());
    std::set<int64_t> all = ti;
    all.insert(vi.begin(), vi.end());
    QCOMPARE(int(all.size()), n); // disjoint and complete

    const auto [train2, val2] = qd::splitTrainValidation(d, fraction, 99);
    QVERIFY(torch::equal(val2.rawImages(), val.rawImages()));
    QVERIFY(torch::equal(train2.labels(), train.labels()));
    QCOMPARE(train.classNames(), d.classNames());
    if (expectedVal > 0 && expectedVal < n) {
        bool differs = false;
        for (uint64_t seed = 100; seed < 105 && !differs; ++seed)
            differs = !torch::equal(qd::splitTrainValidation(d, fraction, seed).second.rawImages(), val.rawImages());
        QVERIFY(differs);
    }
}

void TestTransforms::splitRejectsBadFraction()
{
    const Dataset d = imageDataset(10);
    QVERIFY_THROWS_EXCEPTION(ql::core::Error, qd::splitTrainValidation(d, 1.0, 0));
    QVERIFY_THROWS_EXCEPTION(ql::core::Error, qd::splitTrainValidation(d, -0.1, 0));
}

void TestTransforms::calibrationSubset()
{
    const Dataset d = imageDataset(50);
    const Dataset c = qd::calibrationSubset(d, 8, 5);
    QCOMPARE(c.size(), int64_t(8));
    QCOMPARE(c.numClasses(), int64_t(10));
    const Dataset again = qd::calibrationSubset(d, 8, 5);
    QVERIFY(torch::equal(c.rawImages(), again.rawImages()));
    QVERIFY(!torch::equal(c.rawImages(), qd::calibrationSubset(d, 8, 6).rawImages()));
    // distinct samples: labels are i % 10 and images distinct, so compare images pairwise
    for (int64_t i = 0; i < 8; ++i)
        for (int64_t j = i + 1; j < 8; ++j)
            QVERIFY(!torch::equal(c.rawImages()[i], c.rawImages()[j]));
    QCOMPARE(qd::calibrationSubset(d, 500, 5).size(), int64_t(50));
    QVERIFY_THROWS_EXCEPTION(ql::core::Error, qd::calibrationSubset(d, 0, 5));
}

void TestTransforms::datasetRejectsInconsistentInput()
{
    const auto img = torch::zeros({3, 1, 2, 2}, torch::kUInt8);
    const Normalization norm{{0.5f}, {0.5f}};
    QVERIFY_THROWS_EXCEPTION(ql::core::Error, Dataset("x", img, torch::zeros({2}, torch::kInt64), {"a"}, norm));
    QVERIFY_THROWS_EXCEPTION(ql::core::Error, Dataset("x", img, torch::full({3}, 1, torch::kInt64), {"a"}, norm));
    QVERIFY_THROWS_EXCEPTION(ql::core::Error,
                             Dataset("x", img.to(torch::kFloat32), torch::zeros({3}, torch::kInt64), {"a"}, norm));
    QVERIFY_THROWS_EXCEPTION(ql::core::Error, Dataset("x", img, torch::zeros({3}, torch::kInt64), {"a"},
                                                      Normalization{{0.5f, 0.5f}, {1.f, 1.f}}));
}

QL_TEST(TestTransforms)
#include "tst_transforms.moc"
