// quantlens-cli mixed: a bit-width per layer from the accuracy-size trade-off, on the engine's
// Workbench (the functions the GUI's Pareto view calls).
#include "app/cli/common.h"
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/engine/workbench.h"
#include "ql/types/methods.h"
#include "ql/types/mixed.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace ql::app::cli {
namespace {

using core::engine::Workbench;

std::vector<int> parseCandidates(const std::string &text)
{
    std::vector<int> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        size_t used = 0;
        int b = 0;
        try {
            b = std::stoi(item, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used == 0 || used != item.size() || b < 1 || b > 32)
            throw UsageError(
                "--candidates expects bit-widths between 1 and 32 separated by commas, e.g. 2,3,4,8; got '" + text +
                "'");
        out.push_back(b);
    }
    if (out.empty())
        throw UsageError("--candidates needs at least one bit-width, e.g. 2,3,4,8");
    return out;
}

double positiveNumber(const Args &args, const std::string &name)
{
    const double v = args.getDouble(name);
    if (!std::isfinite(v) || v <= 0)
        throw UsageError("--" + name + " must be a positive number, got '" + args.get(name) + "'");
    return v;
}

/// The options the flags describe (UsageError for a bad command line).
types::MixedOptions optionsFromArgs(const Args &args)
{
    types::MixedOptions o;
    o.candidates = parseCandidates(args.get("candidates"));
    const int budgets = int(args.has("budget-bytes")) + int(args.has("budget-bops")) + int(args.has("max-drop"));
    if (budgets > 1)
        throw UsageError("give one of --budget-bytes, --budget-bops and --max-drop");
    const std::string cost = args.get("cost");
    if (cost != "bytes" && cost != "bops")
        throw UsageError("--cost must be bytes or bops, got '" + cost + "'");
    o.cost = cost == "bops" ? types::CostMeasure::Bops : types::CostMeasure::Bytes;
    if (args.has("budget-bytes")) {
        if (args.has("cost") && cost != "bytes")
            throw UsageError("--budget-bytes measures the cost in bytes: leave out --cost bops");
        o.cost = types::CostMeasure::Bytes;
        o.budget = positiveNumber(args, "budget-bytes");
    }
    if (args.has("budget-bops")) {
        if (args.has("cost") && cost != "bops")
            throw UsageError("--budget-bops measures the cost in BOPs: leave out --cost bytes");
        o.cost = types::CostMeasure::Bops;
        o.budget = positiveNumber(args, "budget-bops");
    }
    if (args.has("max-drop")) {
        const double p = args.getDouble("max-drop");
        if (!std::isfinite(p) || p < 0 || p > 100)
            throw UsageError("--max-drop is a top-1 drop in percentage points between 0 and 100, got '" +
                             args.get("max-drop") + "'");
        o.maxDrop = p / 100.0;
    }
    const std::string measure = args.get("measure");
    if (measure != "empirical" && measure != "hessian" && measure != "both")
        throw UsageError("--measure must be empirical, hessian or both, got '" + measure + "'");
    o.measure = measure == "hessian" ? types::SensitivityMeasure::Hessian : types::SensitivityMeasure::Empirical;
    o.tieActivations = !args.has("untied");
    o.unlockFirstLast = args.has("unlock-first-last");
    o.validationImages = args.getInt("images");
    o.calibrationImages = args.getInt("calib");
    o.hutchinsonSamples = args.getInt("hutchinson");
    if (o.validationImages <= 0 || o.calibrationImages <= 0 || o.hutchinsonSamples <= 0)
        throw UsageError("--images, --calib and --hutchinson must be positive");
    // --lock a,b c d: names after the first are positional arguments.
    if (!args.positional().empty() && !args.has("lock"))
        throw UsageError("unexpected argument '" + args.positional().front() + "'");
    std::vector<std::string> names{args.get("lock")};
    names.insert(names.end(), args.positional().begin(), args.positional().end());
    for (const auto &n : names) {
        std::stringstream ss(n);
        std::string item;
        while (std::getline(ss, item, ','))
            if (!item.empty())
                o.locked.push_back(item);
    }
    return o;
}

/// Opens --data, then --session or --model with a recipe from the flags (the highest candidate's
/// bits), then --config.
void openForMixed(Workbench &wb, const Args &args, const types::MixedOptions &o)
{
    const bool fromSession = !args.get("session").empty();
    if (!fromSession && args.get("model").empty())
        throw UsageError("--model FILE or --session FILE is required");
    types::QuantRecipe r;
    try {
        r.weightMethod = types::methodFromName(args.get("wmethod"), types::Role::Weight);
        r.actMethod = types::methodFromName(args.get("amethod"), types::Role::Activation);
        r.weightBits = r.actBits = *std::max_element(o.candidates.begin(), o.candidates.end());
        r.perChannel = !args.has("per-tensor");
        r.firstLastBits = args.getInt("first-last-bits");
        types::validateRecipe(r);
    } catch (const core::Error &e) {
        throw UsageError(e.full());
    }
    if (args.has("data"))
        wb.openData(args.get("data"));
    if (fromSession) {
        wb.openSession(args.get("session"));
        if (args.has("wmethod") || args.has("amethod"))
            wb.applyRecipe(r);
    } else {
        wb.openModel(args.get("model"), args.get("arch"), r);
    }
    if (!args.get("config").empty())
        wb.applyConfigFile(args.get("config"));
}

std::string pointCost(const types::MixedPoint &p, types::CostMeasure m)
{
    char buf[48];
    if (m == types::CostMeasure::Bytes)
        std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(p.bytes));
    else
        std::snprintf(buf, sizeof buf, "%.4g GBOPs", p.bops / 1e9);
    return buf;
}

void printPoints(const char *title, const std::vector<types::MixedPoint> &points, double fp32)
{
    std::printf("\n%s\n%3s %-30s %12s %12s %10s %8s %8s %6s\n", title, "#", "bits (W/A per layer)", "bytes", "GBOPs",
                "pred. loss", "top-1 %", "drop", "front");
    for (size_t i = 0; i < points.size(); ++i) {
        const auto &p = points[i];
        const std::string label = p.label.empty() || p.label == "budget" ? types::bitsLabel(p.bits) : p.label;
        std::printf("%3zu %-30s %12lld %12.4f %10.5f %8.2f %8.2f %6s\n", i, label.c_str(),
                    static_cast<long long>(p.bytes), p.bops / 1e9, p.predictedLoss, 100 * p.top1, 100 * (fp32 - p.top1),
                    p.onFront ? "*" : "");
    }
}

void printChoice(const char *what, const types::MixedPoint &p, double fp32, types::CostMeasure m)
{
    std::printf("%s: %s  %s  top-1 %.2f%% (drop %.2f points)\n", what, types::bitsLabel(p.bits).c_str(),
                pointCost(p, m).c_str(), 100 * p.top1, 100 * (fp32 - p.top1));
}

/// Spearman correlation of the two measures' predicted loss increases over the tensors both hold.
nlohmann::json compareMeasures(const types::MixedResult &hessian)
{
    std::vector<double> e, h;
    std::map<int, std::pair<std::vector<double>, std::vector<double>>> perBits;
    for (const auto &s : hessian.sensitivities) {
        if (std::isnan(s.lossIncrease) || s.hessianScore < 0)
            continue;
        e.push_back(s.lossIncrease);
        h.push_back(s.hessianScore);
        perBits[s.bits].first.push_back(s.lossIncrease);
        perBits[s.bits].second.push_back(s.hessianScore);
    }
    auto value = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    nlohmann::json j{{"tensors", e.size()}, {"spearman", value(types::spearman(e, h))}};
    std::printf("\nEmpirical loss increase vs Hessian score, Spearman rank correlation: %.3f over %zu tensors\n",
                types::spearman(e, h), e.size());
    for (const auto &[bits, v] : perBits) {
        const double r = types::spearman(v.first, v.second);
        std::printf("  at %d bits: %.3f over %zu tensors\n", bits, r, v.first.size());
        j["per_bits"][std::to_string(bits)] = value(r);
    }
    return j;
}

/// The configuration as a --config file (bits only: the methods stay the recipe's).
nlohmann::json configFile(const types::MixedPoint &p)
{
    nlohmann::json layers = nlohmann::json::object();
    for (const auto &b : p.bits)
        layers[b.layer] = {{"weight", {{"bits", b.weightBits}}}, {"act", {{"bits", b.actBits}}}};
    return {{"layers", layers}};
}

int runMixed(const Args &args)
{
    const auto options = optionsFromArgs(args);
    const bool both = args.get("measure") == "both";
    Workbench wb;
    wb.setDevice(applyComputeOptions(args));
    ProgressBar bar;
    const auto cb = terminalCallbacks(bar);
    openForMixed(wb, args, options);
    try {
        wb.checkMixedOptions(options);
    } catch (const core::Error &e) {
        throw UsageError(e.full()); // unknown --lock names, an impossible budget, bad candidates
    }

    const auto result = wb.mixedPrecision(options, cb);
    bar.finish();
    const double fp = result.fp32Top1;
    std::printf("FP32 top-1 %.2f%% on %lld validation images; %zu configurations measured in %.1f s (%lld passes)\n",
                100 * fp, static_cast<long long>(options.validationImages),
                result.points.size() + result.uniform.size(), result.seconds,
                static_cast<long long>(result.evaluations));
    printPoints("Greedy descent (* = on the Pareto front):", result.points, fp);
    printPoints("Uniform:", result.uniform, fp);

    nlohmann::json j{{"job", "mixed"},
                     {"device", wb.deviceName()},
                     {"mixed", nlohmann::json::parse(types::mixedResultToJson(result))}};
    if (both) {
        auto ho = options;
        ho.measure = types::SensitivityMeasure::Hessian;
        const auto hessian = wb.mixedPrecision(ho, cb);
        bar.finish();
        printPoints("Greedy descent with the Hessian measure:", hessian.points, fp);
        j["hessian"] = nlohmann::json::parse(types::mixedResultToJson(hessian));
        j["measures"] = compareMeasures(hessian);
        // The session keeps the result the options asked for.
        wb.mixedPrecision(options, {});
    }

    std::optional<types::MixedPoint> choice;
    if (result.cancelled) {
        std::printf("\nStopped: %zu configurations measured.\n", result.points.size());
    } else if (options.budget > 0) {
        std::printf("\n");
        printChoice("Best predicted within the budget", result.budgetPoint, fp, options.cost);
        choice = result.budgetPoint;
    } else if (options.maxDrop >= 0) {
        std::printf("\n");
        if (result.maxDropChoice < 0) {
            std::printf("No configuration loses at most %.2f points.\n", 100 * options.maxDrop);
        } else {
            choice = result.points[size_t(result.maxDropChoice)];
            printChoice("Smallest within the drop", *choice, fp, options.cost);
        }
    }
    if (choice)
        wb.applyBits(choice->bits);
    else if (!result.points.empty())
        wb.applyBits(result.points.front().bits); // the starting configuration, calibrated as measured
    if (choice && !args.get("config-out").empty()) {
        core::writeFileAtomically(args.get("config-out"), configFile(*choice).dump(2) + "\n");
        std::cerr << "configuration written to " << args.get("config-out") << "\n";
    }
    if (!args.get("out").empty()) {
        wb.save(args.get("out"), j.dump());
        std::cerr << "session written to " << args.get("out") << "\n";
    }
    writeJsonIfAsked(args, j);
    if (result.cancelled || (options.maxDrop >= 0 && !choice))
        return 1;
    return 0;
}

std::vector<OptionSpec> mixedOptions()
{
    std::vector<OptionSpec> o{
        {"model", "FILE", "model file (.pth state dict or TorchScript, with FILE.json or --arch)", ""},
        {"arch", "ARCH", "architecture when the model file has no description beside it", ""},
        {"session", "FILE", "start from a saved session (.qls) instead of --model", ""},
        dataOption(),
        {"wmethod", "M", "weight quantizer: " + types::methodNames(types::Role::Weight), "minmax"},
        {"amethod", "M", "activation quantizer: " + types::methodNames(types::Role::Activation), "mse"},
        {"per-tensor", "", "one weight step size per layer instead of per output channel", ""},
        {"first-last-bits", "B", "bits of the first and last layer (0 = the highest candidate)", "8"},
        {"config", "FILE", "per-layer config JSON applied over the flags (methods, locks by bits)", ""},
        {"candidates", "B,B,...", "bit-widths a layer may take", "2,3,4,8"},
        {"cost", "bytes|bops", "what the front's cost axis counts", "bytes"},
        {"budget-bytes", "N", "choose the best predicted configuration of at most N bytes of weights", ""},
        {"budget-bops", "N", "choose the best predicted configuration of at most N bit operations", ""},
        {"max-drop", "P", "choose the smallest measured configuration losing at most P top-1 points", ""},
        {"lock", "NAME[,NAME]", "layers that keep their bits (names may also follow as arguments)", ""},
        {"unlock-first-last", "", "let the search choose the first and last layer's bits too", ""},
        {"untied", "", "choose weight and activation bits separately (else WbAb per layer)", ""},
        {"measure", "M", "sensitivity: empirical, hessian (HAWQ-v2 trace) or both (compares them)", "empirical"},
        {"images", "N", "validation images each configuration is measured on (the first test images)", "1000"},
        {"calib", "N", "calibration images (training split)", "256"},
        {"hutchinson", "N", "Rademacher samples per tensor for the Hessian trace", "16"},
        {"config-out", "FILE", "write the chosen configuration as a --config file (for qat --config)", ""},
        {"out", "FILE", "save the session, with the chosen configuration applied and the result", ""},
        jsonOption(),
    };
    const auto c = computeOptions();
    o.insert(o.end(), c.begin(), c.end());
    return o;
}

const CommandRegistrar kMixed{Command{
    "mixed",
    "a bit-width per layer: the accuracy-size Pareto front, uniform references and a budget's best choice",
    "quantlens-cli mixed --model FILE [--session S.qls] --candidates 2,3,4,8 [--budget-bytes N | --budget-bops N |\n"
    "                    --max-drop P] [--lock NAME...] [--measure empirical|hessian|both] [--images N]\n"
    "                    [--json FILE] [--out S.qls]",
    "Measures how much each layer's weights and input activations lose at every candidate bit-width\n"
    "(alone, on --images test images: loss increase, KL, top-1 drop; or the Hessian trace times the\n"
    "quantization error, HAWQ-v2), then lowers one layer at a time from the highest to the lowest\n"
    "candidate where the predicted loss per byte saved is smallest, measuring every configuration.\n"
    "Prints that descent with the Pareto front marked and the uniform WbAb configurations; with a\n"
    "budget, the exact best predicted configuration within it (multiple-choice knapsack), measured;\n"
    "with --max-drop, the smallest measured configuration within that drop. The choice is applied\n"
    "to the session saved by --out (PTQ-calibrated quantizers). The first and last layer keep\n"
    "--first-last-bits unless --unlock-first-last. Sizes count the weights at their bits.",
    mixedOptions(),
    runMixed,
}};

} // namespace
} // namespace ql::app::cli
