#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ql::core::data {

/// A data set QuantLens found on this machine.
struct DatasetInfo {
    std::string name; ///< "fashion-mnist", "mnist"
    std::filesystem::path directory; ///< folder holding its files
    int64_t trainCount = 0;
    int64_t testCount = 0;
    int classes = 0;
};

/// Folders searched for data sets, in order: $QL_DATA_DIR (colon-separated),
/// then /usr/share/datasets. Thread-safe.
std::vector<std::filesystem::path> datasetSearchPath();

/// Every MNIST-family data set found in the search path, with the image
/// counts read from the IDX headers. Data sets whose files are unreadable are
/// left out. Thread-safe.
std::vector<DatasetInfo> findDatasets();

/// The data set called `name`; throws ql::core::Error listing what was found
/// and where it looked when there is none.
DatasetInfo findDataset(const std::string &name);

} // namespace ql::core::data
