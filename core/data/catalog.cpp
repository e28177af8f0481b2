#include "core/data/catalog.h"

#include "core/common/error.h"
#include "core/data/idx.h"

#include <cstdlib>

namespace ql::core::data {
namespace fs = std::filesystem;

std::vector<fs::path> datasetSearchPath()
{
    std::vector<fs::path> dirs;
    if (const char *env = std::getenv("QL_DATA_DIR")) {
        std::string s(env);
        size_t start = 0;
        while (start <= s.size()) {
            const size_t colon = s.find(':', start);
            const std::string part = s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
            if (!part.empty())
                dirs.emplace_back(part);
            if (colon == std::string::npos)
                break;
            start = colon + 1;
        }
    }
    dirs.emplace_back("/usr/share/datasets");
    return dirs;
}

std::vector<DatasetInfo> findDatasets()
{
    std::vector<DatasetInfo> found;
    for (const auto &root : datasetSearchPath()) {
        for (const std::string name : {"fashion-mnist", "mnist"}) {
            const fs::path dir = root / name;
            const fs::path train = findIdxFile(dir, "train-images-idx3-ubyte");
            const fs::path test = findIdxFile(dir, "t10k-images-idx3-ubyte");
            if (train.empty() || test.empty())
                continue;
            bool seen = false;
            for (const auto &f : found)
                seen = seen || f.name == name;
            if (seen)
                continue; // an earlier folder in the search path wins
            try {
                DatasetInfo info;
                info.name = name;
                info.directory = dir;
                info.trainCount = readIdxDims(train).front();
                info.testCount = readIdxDims(test).front();
                info.classes = 10;
                found.push_back(info);
            } catch (const Error &) {
                // unreadable: not offered
            }
        }
    }
    return found;
}

DatasetInfo findDataset(const std::string &name)
{
    const auto all = findDatasets();
    for (const auto &d : all)
        if (d.name == name)
            return d;
    std::string have;
    for (const auto &d : all)
        have += (have.empty() ? "" : ", ") + d.name;
    std::string where;
    for (const auto &p : datasetSearchPath())
        where += (where.empty() ? "" : ", ") + p.string();
    throw Error("Data set '" + name + "' was not found (looked in " + where +
                    "; found: " + (have.empty() ? std::string("none") : have) + ").",
                name == "fashion-mnist" ? "Install it with: sudo apt-get install dataset-fashion-mnist"
                                        : "Set QL_DATA_DIR to the folder that holds it.");
}

} // namespace ql::core::data
