// CIFAR binary batches: the first byte picks CIFAR-10 (even) or CIFAR-100 (odd) records, the rest
// is the batch; the labels then go through the data set's checks.
#include "core/data/dataset.h"
#include "core/data/loaders.h"
#include "tests/fuzz/fuzz_target.h"

QL_FUZZ_TARGET(cifar)
{
    if (size == 0)
        return 0;
    ql::fuzz::expectOnlyErrors([&] {
        namespace qd = ql::core::data;
        const bool hundred = data[0] & 1;
        const std::vector<uint8_t> bytes(data + 1, data + size);
        auto [images, labels] = qd::parseCifarBatch(bytes, hundred ? 2 : 1, "fuzz.bin");
        const auto kind = hundred ? qd::DatasetKind::Cifar100 : qd::DatasetKind::Cifar10;
        const qd::Dataset set("fuzz", images, labels, qd::defaultClassNames(kind), qd::defaultNormalization(kind));
        ql::fuzz::check(set.size() * 3073 <= static_cast<int64_t>(size), "more images than records");
    });
    return 0;
}
