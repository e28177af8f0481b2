// Matching a state dict to a model: names (with DataParallel's "module." prefix removed),
// shapes, and the report of what was missing, unexpected or wrongly shaped.
#include "core/common/error.h"
#include "core/models/weights.h"

#include <set>
#include <sstream>
#include <unordered_map>

namespace ql::core::models {

std::string LoadReport::summary() const
{
    std::ostringstream os;
    os << (format == WeightFormat::TorchScript ? "TorchScript archive" : "State dict") << " '" << source
       << "': " << loaded.size() << " tensors loaded";
    if (!strippedPrefix.empty())
        os << " (prefix '" << strippedPrefix << "' removed)";
    os << ".";
    auto list = [&os](const char *title, const std::vector<std::string> &names) {
        if (names.empty())
            return;
        os << " " << title << " (" << names.size() << "):";
        for (size_t k = 0; k < names.size(); ++k)
            os << (k ? ", " : " ") << names[k];
        os << ".";
    };
    list("Missing from the file", missing);
    list("Unexpected in the file", unexpected);
    if (!wrongShape.empty()) {
        os << " Wrong shape (" << wrongShape.size() << "):";
        for (size_t k = 0; k < wrongShape.size(); ++k)
            os << (k ? ", " : " ") << wrongShape[k].name << " model " << c10::IntArrayRef(wrongShape[k].expected)
               << " file " << c10::IntArrayRef(wrongShape[k].found);
        os << ".";
    }
    return os.str();
}

LoadReport applyStateDict(QuantModelImpl &model, const NamedTensors &tensors, const std::string &source, bool strict)
{
    LoadReport report;
    report.source = source;
    const auto target = model.stateDict();
    std::unordered_map<std::string, torch::Tensor> targetByName;
    for (const auto &[name, t] : target)
        targetByName.emplace(name, t);

    // Checkpoints saved from nn.DataParallel prefix every name with "module.".
    NamedTensors source_ = tensors;
    const std::string dp = "module.";
    bool allPrefixed = !tensors.empty();
    bool anyMatch = false;
    for (const auto &[name, t] : tensors) {
        allPrefixed = allPrefixed && name.rfind(dp, 0) == 0;
        anyMatch = anyMatch || targetByName.count(name) > 0;
    }
    if (allPrefixed && !anyMatch) {
        for (auto &item : source_)
            item.first = item.first.substr(dp.size());
        report.strippedPrefix = dp;
    }

    std::set<std::string> seen;
    std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
    for (const auto &[name, t] : source_) {
        auto it = targetByName.find(name);
        if (it == targetByName.end()) {
            report.unexpected.push_back(name);
            continue;
        }
        seen.insert(name);
        if (!t.sizes().equals(it->second.sizes())) {
            report.wrongShape.push_back({name, it->second.sizes().vec(), t.sizes().vec()});
            continue;
        }
        copies.emplace_back(it->second, t);
        report.loaded.push_back(name);
    }
    for (const auto &[name, t] : target) {
        if (!seen.count(name))
            report.missing.push_back(name);
    }
    if (strict && !report.complete())
        throw Error("Weights in '" + source + "' do not fit model '" + model.archName() + "'. " + report.summary(),
                    "Check that the file was saved from the same architecture with the same class count "
                    "and input channels.");
    torch::NoGradGuard noGrad;
    for (auto &[dst, src] : copies)
        dst.copy_(src.to(dst.device(), dst.scalar_type()));
    return report;
}

StateDictShape inferShape(const NamedTensors &tensors)
{
    StateDictShape out;
    for (const auto &[name, t] : tensors) {
        if (out.inChannels == 0 && t.dim() == 4 && name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0)
            out.inChannels = t.size(1);
        if (t.dim() == 2 && name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0)
            out.numClasses = t.size(0);
    }
    return out;
}

} // namespace ql::core::models
