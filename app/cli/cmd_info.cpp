#include "app/cli/cli.h"
#include "core/common/device.h"
#include "core/core.h"
#include "core/data/catalog.h"
#include "core/engine/workbench.h"

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
    std::cout << "model zoo (--arch NAME; parameter names as torchvision's):\n";
    for (const auto &a : core::engine::Workbench::zoo()) {
        std::cout << "  " << a.name << std::string(a.name.size() < 16 ? 16 - a.name.size() : 1, ' ') << "input ";
        for (size_t i = 0; i < a.inputShape.size(); ++i)
            std::cout << (i ? "x" : "") << a.inputShape[i];
        std::cout << ", " << a.classes << " classes by default (the file's own count wins)\n";
    }
    return 0;
}

const CommandRegistrar kInfo{Command{
    "info",
    "print the version, libtorch, compute device and the data sets found",
    "quantlens-cli info [--device DEV] [--threads N]",
    "Data sets are looked for in $QL_DATA_DIR (colon-separated folders) and /usr/share/datasets.\n"
    "The model zoo lists the architectures --arch accepts for state dicts without a description.",
    computeOptions(),
    runInfo,
}};

} // namespace
} // namespace ql::app::cli
