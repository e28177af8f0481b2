#include "app/cli/cli.h"
#include "core/common/device.h"
#include "core/core.h"
#include "core/data/catalog.h"

#include <iostream>

namespace ql::app::cli {
namespace {

int runInfo(const Args &args)
{
    const auto request = applyComputeOptions(args);
    const auto device = core::selectDevice(request);
    std::cout << "QuantLens " << core::version() << "\n"
              << "libtorch  " << core::torchVersion() << "\n"
              << "device    " << device.name << (device.cuda ? " (CUDA)" : "") << "\n"
              << "CUDA      " << (core::cudaAvailable() ? "available" : "not available") << "\n"
              << "threads   " << core::cpuThreads() << "\n"
              << "data sets:\n";
    const auto sets = core::data::findDatasets();
    if (sets.empty()) {
        std::cout << "  none found (looked in";
        for (const auto &p : core::data::datasetSearchPath())
            std::cout << " " << p.string();
        std::cout << "); install one with: sudo apt-get install dataset-fashion-mnist\n";
    }
    for (const auto &d : sets)
        std::cout << "  " << d.name << "  " << d.trainCount << " train, " << d.testCount << " test, " << d.classes
                  << " classes  (" << d.directory.string() << ")\n";
    return 0;
}

const CommandRegistrar kInfo{Command{
    "info",
    "print the version, libtorch, compute device and the data sets found",
    "quantlens-cli info [--device DEV] [--threads N]",
    "Data sets are looked for in $QL_DATA_DIR (colon-separated folders) and /usr/share/datasets.",
    computeOptions(),
    runInfo,
}};

} // namespace
} // namespace ql::app::cli
