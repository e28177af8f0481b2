#include "core/engine/mixed.h"

#include "core/common/error.h"
#include "core/data/transforms.h"
#include "core/engine/jobs.h"
#include "core/models/quant_model.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <optional>
#include <set>

namespace ql::core::engine {

// ================================================================== pure pieces

KnapsackSolution solveKnapsack(const std::vector<std::vector<KnapsackOption>> &groups, double budget)
{
    KnapsackSolution out;
    const size_t g = groups.size();
    if (g == 0 || !std::isfinite(budget))
        return out;
    std::vector<double> minCost(g);
    double minSum = 0;
    size_t choosing = 0; // groups with more than one option
    for (size_t i = 0; i < g; ++i) {
        if (groups[i].empty())
            return out;
        minCost[i] = groups[i].front().cost;
        for (const auto &o : groups[i])
            minCost[i] = std::min(minCost[i], o.cost);
        minSum += minCost[i];
        choosing += groups[i].size() > 1 ? 1 : 0;
    }
    // Everything above each group's cheapest option has to fit into what the cheapest leave.
    const double capacity = budget - minSum;
    if (capacity < -1e-9 * std::max(1.0, std::abs(budget)))
        return out;

    // Exact when the extra costs are integers: their greatest common divisor is the unit.
    bool integral = true;
    int64_t gcd = 0;
    for (size_t i = 0; i < g && integral; ++i)
        for (const auto &o : groups[i]) {
            const double e = o.cost - minCost[i];
            if (e > 9e15 || std::abs(e - std::round(e)) > 1e-6) {
                integral = false;
                break;
            }
            gcd = std::gcd(gcd, static_cast<int64_t>(std::llround(e)));
        }
    // The table holds groups x (units + 1) choices: keep it under 64 M entries.
    const int64_t maxUnits =
        std::max<int64_t>(1, std::min<int64_t>(kKnapsackMaxUnits, (int64_t(1) << 26) / int64_t(g)));
    int64_t units = 0;
    if (integral && gcd == 0) {
        out.unit = 1; // every option of every group costs the same
    } else if (integral && std::floor(std::max(0.0, capacity) / double(gcd)) <= double(maxUnits)) {
        out.unit = double(gcd);
        units = static_cast<int64_t>(std::floor(std::max(0.0, capacity) / out.unit + 1e-9));
    } else {
        out.exact = false;
        out.unit = std::max(0.001 * std::abs(budget) / double(std::max<size_t>(1, choosing)),
                            std::max(0.0, capacity) / double(maxUnits));
        units = static_cast<int64_t>(std::floor(std::max(0.0, capacity) / out.unit));
        out.tolerance = double(choosing) * out.unit;
    }
    std::vector<std::vector<int64_t>> weight(g);
    for (size_t i = 0; i < g; ++i)
        for (const auto &o : groups[i]) {
            const double e = (o.cost - minCost[i]) / out.unit;
            // Rounded up: a choice within `units` never costs more than the budget.
            weight[i].push_back(out.exact ? std::llround(e) : static_cast<int64_t>(std::ceil(e - 1e-9)));
        }

    const double inf = std::numeric_limits<double>::infinity();
    const size_t width = static_cast<size_t>(units) + 1;
    std::vector<double> best(width, inf), next(width);
    best[0] = 0;
    std::vector<uint16_t> pick(g * width, 0);
    for (size_t i = 0; i < g; ++i) {
        std::fill(next.begin(), next.end(), inf);
        for (size_t c = 0; c < width; ++c)
            for (size_t o = 0; o < groups[i].size(); ++o) {
                const int64_t w = weight[i][o];
                if (w > int64_t(c) || best[c - size_t(w)] == inf)
                    continue;
                const double v = best[c - size_t(w)] + groups[i][o].loss;
                if (v < next[c]) {
                    next[c] = v;
                    pick[i * width + c] = static_cast<uint16_t>(o);
                }
            }
        std::swap(best, next);
    }
    size_t at = 0;
    for (size_t c = 1; c < width; ++c)
        if (best[c] < best[at])
            at = c;
    if (best[at] == inf)
        return out;
    out.choice.assign(g, 0);
    for (size_t i = g; i-- > 0;) {
        const int o = pick[i * width + at];
        out.choice[i] = o;
        at -= size_t(weight[i][size_t(o)]);
    }
    for (size_t i = 0; i < g; ++i) {
        out.cost += groups[i][size_t(out.choice[i])].cost;
        out.loss += groups[i][size_t(out.choice[i])].loss;
    }
    return out;
}

std::vector<double> hutchinsonTraces(const torch::Tensor &loss, const std::vector<torch::Tensor> &wrt, int samples)
{
    std::vector<double> out(wrt.size(), 0.0);
    if (wrt.empty() || samples <= 0)
        return out;
    torch::AutoGradMode enable(true);
    const auto grads = torch::autograd::grad({loss}, wrt, /*grad_outputs=*/{}, /*retain_graph=*/true,
                                             /*create_graph=*/true, /*allow_unused=*/true);
    std::vector<torch::Tensor> sums(wrt.size());
    for (int s = 0; s < samples; ++s)
        for (size_t i = 0; i < wrt.size(); ++i) {
            if (!grads[i].defined() || !grads[i].requires_grad())
                continue; // the gradient does not depend on the tensor again: a zero block
            const auto v = torch::randint(0, 2, wrt[i].sizes(), wrt[i].options().requires_grad(false)) * 2 - 1;
            // v' (d g_i / d x_i) = (H_ii v)': only this tensor's own block of the Hessian.
            const auto hv = torch::autograd::grad({grads[i]}, {wrt[i]}, {v}, /*retain_graph=*/true,
                                                  /*create_graph=*/false, /*allow_unused=*/true)[0];
            if (!hv.defined())
                continue;
            const auto term = (v.to(torch::kDouble) * hv.to(torch::kDouble)).sum();
            sums[i] = sums[i].defined() ? sums[i] + term : term;
        }
    std::vector<torch::Tensor> defined;
    std::vector<size_t> where;
    for (size_t i = 0; i < sums.size(); ++i)
        if (sums[i].defined()) {
            defined.push_back(sums[i]);
            where.push_back(i);
        }
    if (!defined.empty()) {
        const auto all = torch::stack(defined).to(torch::kCPU);
        for (size_t k = 0; k < where.size(); ++k)
            out[where[k]] = all[int64_t(k)].item<double>() / samples;
    }
    return out;
}

uint64_t modelFingerprint(models::QuantModelImpl &model)
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> sums;
    uint64_t h = 1469598103934665603ull; // FNV-1a over names, shapes and the sums below
    auto mix = [&h](const void *data, size_t size) {
        const auto *p = static_cast<const unsigned char *>(data);
        for (size_t i = 0; i < size; ++i) {
            h ^= p[i];
            h *= 1099511628211ull;
        }
    };
    for (const auto &[name, t] : model.stateDict()) {
        mix(name.data(), name.size());
        const auto sizes = t.sizes().vec();
        mix(sizes.data(), sizes.size() * sizeof(int64_t));
        if (t.numel() == 0)
            continue;
        const auto flat = t.detach().flatten().to(torch::kDouble);
        const auto position = torch::arange(flat.numel(), flat.options()) / double(flat.numel());
        sums.push_back(flat.sum());
        sums.push_back((flat * flat).sum());
        sums.push_back((flat * position).sum());
    }
    if (!sums.empty()) {
        const auto all = torch::stack(sums).to(torch::kCPU).contiguous();
        mix(all.data_ptr<double>(), size_t(all.numel()) * sizeof(double));
    }
    return h;
}

// ================================================================== the cache

namespace mixedimpl {

/// Metrics of one pass over the validation subset.
struct Measured {
    double top1 = 0;
    double loss = 0;
    double kl = 0;
    double agreement = 0;
};

} // namespace mixedimpl

struct MixedCache::State {
    // What the quantizers were calibrated with.
    bool calibValid = false;
    uint64_t fingerprint = 0;
    std::string device;
    std::string calibData;
    int64_t calibImages = 0;
    std::map<std::string, quant::Quantizer> quantizers; ///< per (layer, role, spec)

    // The validation subset and the FP32 reference on it.
    bool valValid = false;
    std::string valData;
    int64_t valImages = 0; ///< requested
    int64_t count = 0; ///< used (the data set may hold fewer)
    data::Dataset validation;
    std::vector<torch::Tensor> batches; ///< normalised, on the device; empty when too large to keep
    torch::Tensor labels; ///< on the device
    torch::Tensor fpLogP, fpClass; ///< FP32 log-probabilities and classes
    double fpTop1 = 0, fpLoss = 0;

    std::map<std::string, mixedimpl::Measured> single; ///< one tensor quantized, per (layer, role, spec)
    std::map<std::string, mixedimpl::Measured> configs; ///< per configuration
    // Hessian measure: mean trace per (layer, role); squared quantization error per spec.
    int hessianSamples = 0;
    std::map<std::string, double> meanTrace;
    std::map<std::string, double> squaredError;

    int64_t evaluations = 0;
    int64_t calibrations = 0;

    void clearMeasurements()
    {
        single.clear();
        configs.clear();
        squaredError.clear();
    }
};

MixedCache::MixedCache() : m_state(std::make_unique<State>()) { }
MixedCache::~MixedCache() = default;

void MixedCache::clear()
{
    const auto evaluations = m_state->evaluations, calibrations = m_state->calibrations;
    m_state = std::make_unique<State>();
    m_state->evaluations = evaluations;
    m_state->calibrations = calibrations;
}

int64_t MixedCache::evaluations() const { return m_state->evaluations; }
int64_t MixedCache::calibrations() const { return m_state->calibrations; }

// ================================================================== the search

namespace mixedimpl {

using models::LayerMode;
using types::CostMeasure;
using types::LayerBits;
using types::MixedOptions;
using types::MixedPoint;
using types::QuantSpec;

/// Images the Hessian traces are estimated on (one batch, double backward).
constexpr int64_t kHessianImages = 256;
/// Largest validation subset kept on the device between passes.
constexpr int64_t kKeepBytes = int64_t(256) << 20;
/// The calibration subset's seed, and the generator's seed while quantizers are made (ASQ's
/// adapters, multipoint's row sample): the same quantizers in every search.
constexpr uint64_t kCalibrationSeed = 0;

enum class Role { Weight, Act };

/// One (weight bits, activation bits) choice of a layer.
struct Choice {
    int w = 8;
    int a = 8;
};

struct LayerPlan {
    std::string name;
    std::shared_ptr<models::QuantLayerImpl> layer;
    int64_t weights = 0; ///< weight elements
    int64_t macs = 0; ///< per image
    bool enabled = true;
    QuantSpec w, a; ///< the session's specs (bits replaced by the choice)
    bool wq = false, aq = false; ///< the role is quantized
    bool free = false; ///< the search chooses its bits
    std::vector<Choice> options; ///< options[0]: highest bits; the last: lowest
    std::vector<std::vector<int>> next; ///< per option, the options one step lower

    QuantSpec spec(Role role, int bits) const
    {
        QuantSpec s = role == Role::Weight ? w : a;
        s.bits = bits;
        return s;
    }
    std::string key(Role role, int bits) const
    {
        return name + (role == Role::Weight ? "|w|" : "|a|") + spec(role, bits).toJson();
    }
    std::string roleKey(Role role) const { return name + (role == Role::Weight ? "|w" : "|a"); }
    int64_t bytes(const Choice &c) const
    {
        if (!enabled || !wq)
            return weights * 4;
        return (weights * c.w + 7) / 8;
    }
    double bops(const Choice &c) const
    {
        return double(macs) * double(enabled && wq ? c.w : 32) * double(enabled && aq ? c.a : 32);
    }
    double cost(const Choice &c, CostMeasure m) const { return m == CostMeasure::Bytes ? double(bytes(c)) : bops(c); }
    int64_t inputChannels() const
    {
        int64_t in = layer->weight.size(1);
        if (layer->kind() == models::LayerKind::Conv2d)
            in *= static_cast<const models::QuantConv2dImpl &>(*layer).options().groups;
        return in;
    }
};

struct Plan {
    std::vector<LayerPlan> layers;
    std::vector<int> candidates; ///< descending, unique
    CostMeasure cost = CostMeasure::Bytes;
};

std::string costText(double cost, CostMeasure m)
{
    char buf[64];
    if (m == CostMeasure::Bytes)
        std::snprintf(buf, sizeof buf, "%.0f bytes", cost);
    else
        std::snprintf(buf, sizeof buf, "%.0f BOPs", cost);
    return buf;
}

Plan makePlan(Session &session, const MixedData &data, const MixedOptions &options)
{
    Plan plan;
    plan.cost = options.cost;
    auto model = session.model();
    const auto layers = model->quantLayers();
    if (layers.empty())
        throw Error("The model '" + session.meta().arch + "' has no quantizable layer.",
                    "Mixed precision chooses bits for convolutions and linear layers.");
    if (options.candidates.empty())
        throw Error("No candidate bit-widths were given.", "Give at least one, e.g. 2, 3, 4 and 8.");
    std::set<int> unique(options.candidates.begin(), options.candidates.end());
    plan.candidates.assign(unique.rbegin(), unique.rend());
    if (options.validationImages <= 0 || options.calibrationImages <= 0)
        throw Error("Mixed precision needs at least one validation and one calibration image (got " +
                        std::to_string(options.validationImages) + " and " + std::to_string(options.calibrationImages) +
                        ").",
                    "Give positive image counts.");
    if (options.measure == types::SensitivityMeasure::Hessian && options.hutchinsonSamples <= 0)
        throw Error("The Hessian measure needs at least one Hutchinson sample (got " +
                        std::to_string(options.hutchinsonSamples) + ").",
                    "Give a positive sample count, e.g. 16.");
    if (!std::isfinite(options.budget) || options.budget < 0)
        throw Error("The budget must be a finite number of bytes or BOPs (0: none).", "Give a positive budget.");
    if (std::isnan(options.maxDrop))
        throw Error("The largest accuracy drop must be a number (negative: none).", "Give e.g. 0.01 for 1 point.");

    std::vector<std::string> names;
    for (const auto &l : layers)
        names.push_back(l->layerName());
    std::set<std::string> locked;
    for (const auto &name : options.locked) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            const auto close = closeMatches(name, names);
            std::string list;
            for (const auto &c : close)
                list += (list.empty() ? "" : ", ") + c;
            throw Error("Cannot lock layer '" + name + "': " + session.meta().arch + " has no such layer.",
                        close.empty() ? "Its layers are " + names.front() + " ... " + names.back() + "."
                                      : "Did you mean: " + list + "?");
        }
        locked.insert(name);
    }

    std::vector<int64_t> shape;
    if (data.validation)
        shape = {data.validation->channels(), data.validation->height(), data.validation->width()};
    std::vector<models::LayerInfo> infos;
    {
        // Quantizers that have not seen data would initialise themselves on the probe's zeros.
        models::ModeGuard modes(*model);
        model->setMode(LayerMode::Fp32);
        infos = model->layerInfos(shape);
    }
    for (size_t i = 0; i < layers.size(); ++i) {
        const auto &c = session.config()[i];
        LayerPlan lp;
        lp.name = names[i];
        lp.layer = layers[i];
        lp.weights = layers[i]->weight.numel();
        lp.macs = i < infos.size() ? infos[i].macs : 0;
        lp.enabled = c.enabled;
        lp.w = c.weight;
        lp.a = c.act;
        lp.wq = c.enabled && c.weight.method != types::Method::None;
        lp.aq = c.enabled && c.act.method != types::Method::None;
        const bool edge = (i == 0 || i + 1 == layers.size()) && !options.unlockFirstLast;
        lp.free = (lp.wq || lp.aq) && !edge && !locked.count(lp.name);
        if (!lp.free) {
            lp.options = {{c.weight.bits, c.act.bits}};
            lp.next = {{}};
        } else {
            for (int b : plan.candidates)
                for (auto [role, on] : {std::pair{Role::Weight, lp.wq}, std::pair{Role::Act, lp.aq}})
                    if (on) {
                        try {
                            types::validateSpec(lp.spec(role, b),
                                                role == Role::Weight ? types::Role::Weight : types::Role::Activation);
                        } catch (const Error &e) {
                            throw Error("Layer '" + lp.name + "' cannot take the candidate " + std::to_string(b) +
                                            " bits for its " + (role == Role::Weight ? "weights" : "activations") +
                                            ": " + e.what(),
                                        "Leave that bit-width out of the candidates, or lock the layer.");
                        }
                    }
            const std::vector<int> ws = lp.wq ? plan.candidates : std::vector<int>{c.weight.bits};
            const std::vector<int> as = lp.aq ? plan.candidates : std::vector<int>{c.act.bits};
            if (options.tieActivations || !lp.wq || !lp.aq) {
                // One knob: both roles step together (or the only quantized one steps).
                const size_t k = std::max(ws.size(), as.size());
                for (size_t j = 0; j < k; ++j) {
                    lp.options.push_back({ws[std::min(j, ws.size() - 1)], as[std::min(j, as.size() - 1)]});
                    lp.next.push_back(j + 1 < k ? std::vector<int>{int(j + 1)} : std::vector<int>{});
                }
            } else {
                // A grid: weights and activations step separately.
                for (size_t x = 0; x < ws.size(); ++x)
                    for (size_t y = 0; y < as.size(); ++y) {
                        lp.options.push_back({ws[x], as[y]});
                        std::vector<int> n;
                        if (x + 1 < ws.size())
                            n.push_back(int((x + 1) * as.size() + y));
                        if (y + 1 < as.size())
                            n.push_back(int(x * as.size() + y + 1));
                        lp.next.push_back(n);
                    }
            }
        }
        plan.layers.push_back(std::move(lp));
    }

    if (options.budget > 0) {
        double least = 0;
        for (const auto &lp : plan.layers) {
            double m = std::numeric_limits<double>::infinity();
            for (const auto &o : lp.options)
                m = std::min(m, lp.cost(o, plan.cost));
            least += m;
        }
        if (options.budget < least)
            throw Error("The budget of " + costText(options.budget, plan.cost) + " is below the smallest reachable " +
                            (plan.cost == CostMeasure::Bytes ? "size" : "cost") + ", " + costText(least, plan.cost) +
                            " (every free layer at " + std::to_string(plan.candidates.back()) +
                            " bits, the others as they are).",
                        "Give a budget of at least " + costText(least, plan.cost) +
                            ", or unlock layers or add a lower candidate.");
    }
    return plan;
}

/// Puts back every layer's quantizers and mode and the model's training flag.
class SessionRestore {
public:
    explicit SessionRestore(Session &session) : m_model(session.model()), m_training(m_model->is_training())
    {
        for (const auto &l : m_model->quantLayers())
            m_layers.push_back({l, l->weightQuantizer(), l->inputQuantizer(), l->mode()});
    }
    ~SessionRestore()
    {
        for (auto &s : m_layers) {
            s.layer->setWeightQuantizer(s.w);
            s.layer->setInputQuantizer(s.a);
            s.layer->setMode(s.mode);
        }
        m_model->train(m_training);
    }
    SessionRestore(const SessionRestore &) = delete;
    SessionRestore &operator=(const SessionRestore &) = delete;

private:
    struct Saved {
        std::shared_ptr<models::QuantLayerImpl> layer;
        quant::Quantizer w, a;
        LayerMode mode;
    };
    models::QuantModel m_model;
    bool m_training;
    std::vector<Saved> m_layers;
};

/// Removes the observers it set when it goes out of scope.
class Observers {
public:
    explicit Observers(std::vector<std::shared_ptr<models::QuantLayerImpl>> layers) : m_layers(std::move(layers)) { }
    ~Observers()
    {
        for (const auto &l : m_layers)
            l->setForwardObserver(nullptr);
    }
    Observers(const Observers &) = delete;
    Observers &operator=(const Observers &) = delete;

private:
    std::vector<std::shared_ptr<models::QuantLayerImpl>> m_layers;
};

class Engine {
public:
    Engine(Session &session, MixedCache::State &state, const MixedData &data, const MixedOptions &options,
           const JobCallbacks &cb)
        : m_session(session), m_st(state), m_data(data), m_options(options), m_cb(cb), m_model(session.model())
    {
        if (!data.calibration || !data.validation)
            throw Error("Mixed precision needs a data set.", "Open a data set first.");
    }

    /// Brings the cache's contexts up to date with the model and data (clearing what is stale).
    /// With `build`, a missing validation subset and FP32 reference are made (one pass).
    void syncContext(bool build)
    {
        m_model->to(m_data.device);
        const uint64_t fp = modelFingerprint(*m_model);
        const std::string device = m_data.device.str();
        if (!m_st.calibValid || m_st.fingerprint != fp || m_st.device != device) {
            const auto evaluations = m_st.evaluations, calibrations = m_st.calibrations;
            m_st = MixedCache::State();
            m_st.evaluations = evaluations;
            m_st.calibrations = calibrations;
            m_st.fingerprint = fp;
            m_st.device = device;
        }
        const std::string calibData = dataId(*m_data.calibration);
        if (!m_st.calibValid || m_st.calibData != calibData || m_st.calibImages != m_options.calibrationImages) {
            m_st.quantizers.clear();
            m_st.clearMeasurements();
            m_st.calibData = calibData;
            m_st.calibImages = m_options.calibrationImages;
            m_st.calibValid = true;
        }
        const std::string valData = dataId(*m_data.validation);
        if (m_st.valValid && (m_st.valData != valData || m_st.valImages != m_options.validationImages)) {
            m_st.valValid = false;
            m_st.clearMeasurements();
            m_st.meanTrace.clear();
        }
        if (m_st.hessianSamples != m_options.hutchinsonSamples) {
            m_st.meanTrace.clear();
            m_st.hessianSamples = m_options.hutchinsonSamples;
        }
        if (!m_st.valValid && build)
            buildValidation(valData);
    }

    bool validationReady() const { return m_st.valValid; }

    // -------------------------------------------------------------- quantizers

    struct Need {
        const LayerPlan *lp;
        Role role;
        int bits;
        std::string key;
    };

    /// Calibrates the quantizers of `needs` the cache lacks. False when stopped.
    bool calibrate(const std::vector<Need> &needs)
    {
        std::vector<const Need *> missing;
        std::set<std::string> seen;
        for (const auto &n : needs)
            if (!m_st.quantizers.count(n.key) && seen.insert(n.key).second)
                missing.push_back(&n);
        if (missing.empty())
            return true;
        const bool needInputs = std::any_of(missing.begin(), missing.end(), [](const Need *n) {
            return n->role == Role::Act || n->lp->w.method == types::Method::Multipoint;
        });
        std::vector<std::vector<torch::Tensor>> inputs;
        if (needInputs) {
            if (m_cb.message)
                m_cb.message("calibrating " + std::to_string(missing.size()) + " quantizers on " +
                             std::to_string(m_options.calibrationImages) + " images");
            inputs = captureLayerInputs(
                m_session, data::calibrationSubset(*m_data.calibration, m_options.calibrationImages, kCalibrationSeed),
                m_data.device, m_cb);
            if (inputs.empty())
                return false;
        }
        const auto layers = m_model->quantLayers();
        torch::manual_seed(kCalibrationSeed);
        for (const Need *n : missing) {
            size_t index = 0;
            while (index < layers.size() && layers[index] != n->lp->layer)
                ++index;
            static const std::vector<torch::Tensor> kNone;
            const auto &in = index < inputs.size() ? inputs[index] : kNone;
            const auto role = n->role == Role::Weight ? quant::Role::Weight : quant::Role::Activation;
            quant::Quantizer q;
            try {
                q = quant::makeQuantizer(n->lp->spec(n->role, n->bits), role,
                                         n->role == Role::Weight ? n->lp->layer->outChannels()
                                                                 : n->lp->inputChannels());
            } catch (const Error &e) {
                throw Error("Layer '" + n->lp->name + "': " + e.what(), e.hint());
            }
            q->to(m_data.device);
            initQuantizer(*n->lp->layer, *q, role, in);
            m_st.quantizers[n->key] = q;
            ++m_st.calibrations;
        }
        return true;
    }

    /// Every quantizer the search may assemble: each free layer's candidates, each fixed layer's own.
    std::vector<Need> allNeeds(const Plan &plan) const
    {
        std::vector<Need> out;
        for (const auto &lp : plan.layers)
            for (const auto &o : lp.options) {
                if (lp.wq)
                    out.push_back({&lp, Role::Weight, o.w, lp.key(Role::Weight, o.w)});
                if (lp.aq)
                    out.push_back({&lp, Role::Act, o.a, lp.key(Role::Act, o.a)});
            }
        return out;
    }

    // -------------------------------------------------------------- evaluation

    /// One pass over the validation subset as the model computes now.
    Measured evaluateNow()
    {
        torch::NoGradGuard noGrad;
        m_model->eval();
        std::vector<torch::Tensor> logits;
        forEachBatch([&](const torch::Tensor &x) { logits.push_back(m_model->forward(x)); });
        const auto q = torch::cat(logits).to(torch::kFloat);
        const auto logP = torch::log_softmax(q, 1);
        const auto cls = q.argmax(1);
        const auto stats = torch::stack({cls.eq(m_st.labels).to(torch::kDouble).mean(),
                                         torch::nll_loss(logP, m_st.labels).to(torch::kDouble),
                                         (m_st.fpLogP.exp() * (m_st.fpLogP - logP)).sum(1).mean().to(torch::kDouble),
                                         cls.eq(m_st.fpClass).to(torch::kDouble).mean()})
                               .to(torch::kCPU);
        ++m_st.evaluations;
        const auto *v = stats.data_ptr<double>();
        return {v[0], v[1], v[2], v[3]};
    }

    /// Sets every layer's quantizers for `config` (one option index per layer).
    void assemble(const Plan &plan, const std::vector<int> &config)
    {
        for (size_t i = 0; i < plan.layers.size(); ++i) {
            const auto &lp = plan.layers[i];
            if (!lp.enabled) {
                lp.layer->setMode(LayerMode::Fp32);
                continue;
            }
            const auto &o = lp.options[size_t(config[i])];
            lp.layer->setWeightQuantizer(lp.wq ? m_st.quantizers.at(lp.key(Role::Weight, o.w)) : nullptr);
            lp.layer->setInputQuantizer(lp.aq ? m_st.quantizers.at(lp.key(Role::Act, o.a)) : nullptr);
            lp.layer->setMode(LayerMode::FakeQuant);
        }
    }

    static std::string configKey(const Plan &plan, const std::vector<int> &config)
    {
        std::string key;
        for (size_t i = 0; i < plan.layers.size(); ++i) {
            const auto &lp = plan.layers[i];
            const auto &o = lp.options[size_t(config[i])];
            key += lp.enabled ? (lp.wq ? lp.key(Role::Weight, o.w) : lp.name + "|w|-") + "#" +
                                    (lp.aq ? lp.key(Role::Act, o.a) : lp.name + "|a|-")
                              : lp.name + "|fp32";
            key += ";";
        }
        return key;
    }

    /// The configuration's point, measured (from the cache when it was measured before);
    /// nullopt when a stop was requested first.
    std::optional<MixedPoint> measure(const Plan &plan, const std::vector<int> &config)
    {
        const auto key = configKey(plan, config);
        auto it = m_st.configs.find(key);
        if (it == m_st.configs.end()) {
            if (m_cb.stopRequested())
                return std::nullopt;
            assemble(plan, config);
            it = m_st.configs.emplace(key, evaluateNow()).first;
        }
        auto p = point(plan, config);
        p.top1 = it->second.top1;
        p.agreement = it->second.agreement;
        return p;
    }

    /// The configuration's point without accuracy (-1): costs and the predicted loss.
    MixedPoint point(const Plan &plan, const std::vector<int> &config) const
    {
        MixedPoint p;
        for (size_t i = 0; i < plan.layers.size(); ++i) {
            const auto &lp = plan.layers[i];
            const auto &o = lp.options[size_t(config[i])];
            p.bits.push_back({lp.name, o.w, o.a});
            p.bytes += lp.bytes(o);
            p.bops += lp.bops(o);
            p.predictedLoss += predicted(lp, o);
        }
        p.top1 = -1;
        p.agreement = -1;
        if (auto it = m_st.configs.find(configKey(plan, config)); it != m_st.configs.end()) {
            p.top1 = it->second.top1;
            p.agreement = it->second.agreement;
        }
        return p;
    }

    // -------------------------------------------------------------- sensitivities

    /// The predicted loss increase of one layer's choice (0 for layers the search does not choose).
    double predicted(const LayerPlan &lp, const Choice &o) const
    {
        if (!lp.free)
            return 0;
        double sum = 0;
        if (lp.wq)
            sum += tensorPrediction(lp, Role::Weight, o.w);
        if (lp.aq)
            sum += tensorPrediction(lp, Role::Act, o.a);
        return sum;
    }

    double tensorPrediction(const LayerPlan &lp, Role role, int bits) const
    {
        if (m_options.measure == types::SensitivityMeasure::Empirical) {
            const auto it = m_st.single.find(lp.key(role, bits));
            return it == m_st.single.end() ? std::numeric_limits<double>::quiet_NaN() : it->second.loss;
        }
        const double score = hessianScore(lp, role, bits);
        // Second order: dL ~ 1/2 dx' H dx ~ 1/2 (tr H / n) ||dx||^2.
        return score < 0 ? std::numeric_limits<double>::quiet_NaN() : 0.5 * score;
    }

    double hessianScore(const LayerPlan &lp, Role role, int bits) const
    {
        const auto t = m_st.meanTrace.find(lp.roleKey(role));
        const auto e = m_st.squaredError.find(lp.key(role, bits));
        if (t == m_st.meanTrace.end() || e == m_st.squaredError.end())
            return -1;
        return t->second * e->second;
    }

    /// Whether every free tensor's prediction is known.
    std::string missingPrediction(const Plan &plan) const
    {
        for (const auto &lp : plan.layers)
            if (lp.free)
                for (const auto &o : lp.options) {
                    if (lp.wq && std::isnan(tensorPrediction(lp, Role::Weight, o.w)))
                        return lp.name + " weights at " + std::to_string(o.w) + " bits";
                    if (lp.aq && std::isnan(tensorPrediction(lp, Role::Act, o.a)))
                        return lp.name + " activations at " + std::to_string(o.a) + " bits";
                }
        return {};
    }

    /// Free tensors at every candidate: (layer plan, role, bits), in layer order.
    static std::vector<Need> freeTensors(const Plan &plan)
    {
        std::vector<Need> out;
        for (const auto &lp : plan.layers) {
            if (!lp.free)
                continue;
            for (auto [role, on] : {std::pair{Role::Weight, lp.wq}, std::pair{Role::Act, lp.aq}}) {
                if (!on)
                    continue;
                std::set<int> bits;
                for (const auto &o : lp.options)
                    bits.insert(role == Role::Weight ? o.w : o.a);
                for (auto b = bits.rbegin(); b != bits.rend(); ++b)
                    out.push_back({&lp, role, *b, lp.key(role, *b)});
            }
        }
        return out;
    }

    /// Measures the single-tensor sensitivities the cache lacks. False when stopped.
    bool measureSingles(const Plan &plan, const std::function<void()> &tick)
    {
        for (const auto &n : freeTensors(plan)) {
            if (!m_st.single.count(n.key)) {
                if (m_cb.stopRequested())
                    return false;
                for (const auto &lp : plan.layers)
                    lp.layer->setMode(LayerMode::Fp32);
                n.lp->layer->setWeightQuantizer(n.role == Role::Weight ? m_st.quantizers.at(n.key) : nullptr);
                n.lp->layer->setInputQuantizer(n.role == Role::Act ? m_st.quantizers.at(n.key) : nullptr);
                n.lp->layer->setMode(LayerMode::FakeQuant);
                auto m = evaluateNow();
                m.top1 = m_st.fpTop1 - m.top1; // stored as the drop
                m.loss -= m_st.fpLoss; // and the increase
                m_st.single[n.key] = m;
            }
            tick();
        }
        return true;
    }

    /// The Hessian batch: the first kHessianImages validation images and their labels.
    std::pair<torch::Tensor, torch::Tensor> hessianBatch()
    {
        std::vector<torch::Tensor> xs;
        int64_t have = 0;
        forEachBatch([&](const torch::Tensor &x) {
            if (have < kHessianImages) {
                xs.push_back(x.narrow(0, 0, std::min(x.size(0), kHessianImages - have)));
                have += xs.back().size(0);
            }
        });
        const auto x = torch::cat(xs);
        return {x, m_st.labels.narrow(0, 0, x.size(0))};
    }

    /// Mean Hessian traces and squared quantization errors the cache lacks. False when stopped.
    bool measureHessian(const Plan &plan, const std::function<void()> &tick)
    {
        const auto tensors = freeTensors(plan);
        std::vector<const Need *> traces;
        std::set<std::string> roles;
        for (const auto &n : tensors)
            if (!m_st.meanTrace.count(n.lp->roleKey(n.role)) && roles.insert(n.lp->roleKey(n.role)).second)
                traces.push_back(&n);
        std::vector<const Need *> errors;
        for (const auto &n : tensors)
            if (!m_st.squaredError.count(n.key))
                errors.push_back(&n);
        if (traces.empty() && errors.empty()) {
            for (size_t i = 0; i < tensors.size(); ++i)
                tick();
            return true;
        }
        if (m_cb.stopRequested())
            return false;
        const auto [x0, labels] = hessianBatch();
        const auto layers = m_model->quantLayers();
        models::ModeGuard modes(*m_model);
        m_model->setMode(LayerMode::Fp32);
        m_model->eval();
        std::vector<torch::Tensor> inputs(layers.size());
        {
            Observers observers(layers);
            for (size_t i = 0; i < layers.size(); ++i)
                layers[i]->setForwardObserver([&inputs, i](const models::QuantLayerImpl &, const torch::Tensor &in,
                                                           const torch::Tensor &) { inputs[i] = in; });
            torch::AutoGradMode enable(!traces.empty());
            const auto x = traces.empty() ? x0 : x0.clone().requires_grad_(true);
            const auto loss = torch::nll_loss(torch::log_softmax(m_model->forward(x), 1), labels);
            ++m_st.evaluations;
            if (!traces.empty()) {
                if (m_cb.message)
                    m_cb.message("Hessian traces of " + std::to_string(traces.size()) + " tensors (" +
                                 std::to_string(m_options.hutchinsonSamples) + " Hutchinson samples)");
                std::vector<torch::Tensor> wrt;
                for (const Need *n : traces)
                    wrt.push_back(n->role == Role::Weight ? n->lp->layer->weight : inputs[indexOf(layers, *n->lp)]);
                const auto t = hutchinsonTraces(loss, wrt, m_options.hutchinsonSamples);
                m_st.evaluations += m_options.hutchinsonSamples;
                for (size_t k = 0; k < traces.size(); ++k)
                    m_st.meanTrace[traces[k]->lp->roleKey(traces[k]->role)] = t[k] / double(wrt[k].numel());
            }
        }
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> sq;
        for (const Need *n : errors) {
            const auto &q = m_st.quantizers.at(n->key);
            const auto v =
                n->role == Role::Weight ? n->lp->layer->weight.detach() : inputs[indexOf(layers, *n->lp)].detach();
            sq.push_back((q->forward(v) - v).to(torch::kDouble).pow(2).sum());
        }
        if (!sq.empty()) {
            const auto all = torch::stack(sq).to(torch::kCPU);
            for (size_t k = 0; k < errors.size(); ++k)
                m_st.squaredError[errors[k]->key] = all[int64_t(k)].item<double>();
        }
        for (size_t i = 0; i < tensors.size(); ++i)
            tick();
        return true;
    }

    double fpTop1() const { return m_st.fpTop1; }
    const MixedCache::State &state() const { return m_st; }

private:
    static size_t indexOf(const std::vector<std::shared_ptr<models::QuantLayerImpl>> &layers, const LayerPlan &lp)
    {
        for (size_t i = 0; i < layers.size(); ++i)
            if (layers[i] == lp.layer)
                return i;
        throw Error("Layer '" + lp.name + "' is no longer in the model.", "Run the search again.");
    }

    static std::string dataId(const data::Dataset &d)
    {
        return d.name() + "#" + std::to_string(d.size()) + "#" + std::to_string(d.channels()) + "x" +
               std::to_string(d.height()) + "x" + std::to_string(d.width());
    }

    void forEachBatch(const std::function<void(const torch::Tensor &)> &f)
    {
        if (!m_st.batches.empty()) {
            for (const auto &b : m_st.batches)
                f(b);
            return;
        }
        for (int64_t s = 0; s < m_st.count; s += 256) {
            const auto idx = torch::arange(s, std::min(m_st.count, s + 256), torch::kLong);
            f(data::normalize(m_st.validation.images(idx), m_st.validation.normalization()).to(m_data.device));
        }
    }

    void buildValidation(const std::string &id)
    {
        const auto &v = *m_data.validation;
        if (v.empty())
            throw Error("The validation data '" + v.name() + "' is empty.", "Open a data set with test images.");
        m_st.valData = id;
        m_st.valImages = m_options.validationImages;
        m_st.count = std::min(m_options.validationImages, v.size());
        m_st.validation = v;
        m_st.batches.clear();
        m_st.labels = v.labels(torch::arange(m_st.count, torch::kLong)).to(m_data.device);
        const int64_t bytes = m_st.count * v.channels() * v.height() * v.width() * int64_t(sizeof(float));
        if (bytes <= kKeepBytes) {
            std::vector<torch::Tensor> kept;
            forEachBatch([&kept](const torch::Tensor &x) { kept.push_back(x); });
            m_st.batches = std::move(kept);
        }
        models::ModeGuard modes(*m_model);
        m_model->setMode(LayerMode::Fp32);
        torch::NoGradGuard noGrad;
        m_model->eval();
        std::vector<torch::Tensor> logits;
        forEachBatch([&](const torch::Tensor &x) { logits.push_back(m_model->forward(x)); });
        const auto q = torch::cat(logits).to(torch::kFloat);
        m_st.fpLogP = torch::log_softmax(q, 1);
        m_st.fpClass = q.argmax(1);
        const auto stats = torch::stack({m_st.fpClass.eq(m_st.labels).to(torch::kDouble).mean(),
                                         torch::nll_loss(m_st.fpLogP, m_st.labels).to(torch::kDouble)})
                               .to(torch::kCPU);
        m_st.fpTop1 = stats[0].item<double>();
        m_st.fpLoss = stats[1].item<double>();
        ++m_st.evaluations;
        m_st.valValid = true;
    }

    Session &m_session;
    MixedCache::State &m_st;
    const MixedData &m_data;
    const MixedOptions &m_options;
    JobCallbacks m_cb;
    models::QuantModel m_model;
};

/// The knapsack groups of a plan: per layer, its options' costs and predicted losses.
std::vector<std::vector<KnapsackOption>> knapsackGroups(const Plan &plan, const Engine &engine)
{
    std::vector<std::vector<KnapsackOption>> groups;
    for (const auto &lp : plan.layers) {
        std::vector<KnapsackOption> g;
        for (const auto &o : lp.options)
            g.push_back({lp.cost(o, plan.cost), engine.predicted(lp, o)});
        groups.push_back(std::move(g));
    }
    return groups;
}

std::vector<int> solveConfig(const Plan &plan, const Engine &engine, double budget)
{
    const auto s = solveKnapsack(knapsackGroups(plan, engine), budget);
    if (s.choice.empty())
        throw Error("No configuration fits the budget of " + costText(budget, plan.cost) + ".",
                    "Give a larger budget.");
    return s.choice;
}

/// The session's layer configurations with `bits` applied (validated: unknown layers list the
/// close matches, bits a method cannot take name the layer). Nothing changes in the session.
std::vector<types::LayerQuantConfig> configsWithBits(Session &session, const std::vector<LayerBits> &bits)
{
    std::vector<types::LayerQuantConfig> configs = session.config();
    for (const auto &b : bits) {
        (void)session.layerConfig(b.layer); // an unknown name throws, with the close matches
        for (auto &c : configs) {
            if (c.layer != b.layer)
                continue;
            c.weight.bits = b.weightBits;
            c.act.bits = b.actBits;
            try {
                if (c.weight.method != types::Method::None)
                    types::validateSpec(c.weight, types::Role::Weight);
                if (c.act.method != types::Method::None)
                    types::validateSpec(c.act, types::Role::Activation);
            } catch (const Error &e) {
                throw Error("Layer '" + b.layer + "': " + e.what(), e.hint());
            }
        }
    }
    return configs;
}

/// A plan with one option per layer: `configs` as they are. Layers count as free so that the
/// predicted loss sums what the cache knows of them.
Plan fixedPlan(Session &session, const std::vector<types::LayerQuantConfig> &configs, CostMeasure cost)
{
    Plan plan;
    plan.cost = cost;
    const auto layers = session.model()->quantLayers();
    for (size_t i = 0; i < layers.size(); ++i) {
        LayerPlan lp;
        lp.name = layers[i]->layerName();
        lp.layer = layers[i];
        lp.weights = layers[i]->weight.numel();
        lp.enabled = configs[i].enabled;
        lp.w = configs[i].weight;
        lp.a = configs[i].act;
        lp.wq = lp.enabled && lp.w.method != types::Method::None;
        lp.aq = lp.enabled && lp.a.method != types::Method::None;
        lp.free = lp.wq || lp.aq;
        lp.options = {{lp.w.bits, lp.a.bits}};
        lp.next = {{}};
        plan.layers.push_back(std::move(lp));
    }
    return plan;
}

/// The quantizers a one-option plan needs.
std::vector<Engine::Need> planNeeds(const Plan &plan)
{
    std::vector<Engine::Need> needs;
    for (const auto &lp : plan.layers) {
        const auto &c = lp.options.front();
        if (lp.wq)
            needs.push_back({&lp, Role::Weight, c.w, lp.key(Role::Weight, c.w)});
        if (lp.aq)
            needs.push_back({&lp, Role::Act, c.a, lp.key(Role::Act, c.a)});
    }
    return needs;
}

} // namespace mixedimpl

// ================================================================== the jobs

void checkMixedOptions(Session &session, const MixedData &data, const types::MixedOptions &options)
{
    (void)mixedimpl::makePlan(session, data, options);
}

types::MixedResult runMixedPrecision(Session &session, MixedCache &cache, const MixedData &data,
                                     const types::MixedOptions &options, const JobCallbacks &cb,
                                     const std::function<void(const types::MixedPoint &)> &onPoint)
{
    using namespace mixedimpl;
    Eta eta;
    types::MixedResult result;
    result.options = options;
    const auto plan = makePlan(session, data, options);
    SessionRestore restore(session);
    Engine engine(session, cache.state(), data, options, cb);
    const int64_t evaluationsBefore = cache.evaluations();
    auto finish = [&](bool cancelled) {
        result.cancelled = cancelled;
        std::vector<MixedPoint *> all;
        for (auto &p : result.points)
            all.push_back(&p);
        for (auto &p : result.uniform)
            all.push_back(&p);
        if (!result.budgetPoint.bits.empty())
            all.push_back(&result.budgetPoint);
        std::vector<std::pair<double, double>> ca;
        for (const auto *p : all)
            ca.emplace_back(options.cost == types::CostMeasure::Bytes ? double(p->bytes) : p->bops, p->top1);
        const auto front = types::paretoFront(ca);
        for (size_t i = 0; i < all.size(); ++i)
            all[i]->onFront = front[i];
        if (options.maxDrop >= 0)
            for (size_t i = 0; i < result.points.size(); ++i) {
                const auto &p = result.points[i];
                if (result.fp32Top1 - p.top1 > options.maxDrop + 1e-12)
                    continue;
                if (result.maxDropChoice < 0)
                    result.maxDropChoice = int(i);
                const auto &b = result.points[size_t(result.maxDropChoice)];
                const double pc = options.cost == types::CostMeasure::Bytes ? double(p.bytes) : p.bops;
                const double bc = options.cost == types::CostMeasure::Bytes ? double(b.bytes) : b.bops;
                if (pc < bc || (pc == bc && p.top1 > b.top1))
                    result.maxDropChoice = int(i);
            }
        // Every free tensor's measurements that the cache holds, whichever measure predicted.
        const auto &st = engine.state();
        for (const auto &n : Engine::freeTensors(plan)) {
            types::TensorSensitivity s;
            s.layer = n.lp->name;
            s.weights = n.role == Role::Weight;
            s.bits = n.bits;
            const double nan = std::numeric_limits<double>::quiet_NaN();
            s.lossIncrease = s.kl = s.top1Drop = nan;
            if (auto it = st.single.find(n.key); it != st.single.end()) {
                s.lossIncrease = it->second.loss;
                s.kl = it->second.kl;
                s.top1Drop = it->second.top1;
            }
            s.hessianScore = engine.hessianScore(*n.lp, n.role, n.bits);
            result.sensitivities.push_back(s);
        }
        result.seconds = eta.elapsedSeconds();
        result.evaluations = cache.evaluations() - evaluationsBefore;
        return result;
    };

    // Work units for the progress bar: sensitivities, then configurations.
    int64_t steps = 1;
    for (const auto &lp : plan.layers)
        if (lp.free) {
            // From the first option to the last, one step at a time.
            std::vector<int> depth(lp.options.size(), 0);
            for (size_t k = 0; k < lp.options.size(); ++k)
                for (int n : lp.next[k])
                    depth[size_t(n)] = std::max(depth[size_t(n)], depth[k] + 1);
            steps += depth.back();
        }
    const int64_t total = int64_t(Engine::freeTensors(plan).size()) + steps + int64_t(plan.candidates.size()) +
                          (options.budget > 0 ? 1 : 0);
    int64_t done = 0;
    auto tick = [&]() { reportProgress(cb, "mixed", ++done, total, eta); };

    engine.syncContext(/*build=*/true);
    result.fp32Top1 = engine.fpTop1();
    if (!engine.calibrate(engine.allNeeds(plan)))
        return finish(true);
    const bool measured = options.measure == types::SensitivityMeasure::Empirical ? engine.measureSingles(plan, tick)
                                                                                  : engine.measureHessian(plan, tick);
    if (!measured)
        return finish(true);
    if (const auto missing = engine.missingPrediction(plan); !missing.empty())
        throw Error("The sensitivity of " + missing + " could not be measured.", "Run the search again.");

    auto emit = [&](const MixedPoint &p) {
        tick();
        if (onPoint)
            onPoint(p);
    };

    // The greedy descent: from every free layer at its highest option, one step at a time where
    // the predicted loss per unit of cost saved is smallest, until every layer is at its lowest.
    std::vector<int> config(plan.layers.size(), 0);
    auto first = engine.measure(plan, config);
    if (!first)
        return finish(true);
    result.points.push_back(*first);
    emit(*first);
    while (true) {
        struct Move {
            int cls = 3; // 0: no cost and no loss, 1: a saving, 2: a loss without a saving
            double value = 0;
            size_t layer = 0;
            int to = 0;
        } best;
        for (size_t i = 0; i < plan.layers.size(); ++i) {
            const auto &lp = plan.layers[i];
            if (!lp.free)
                continue;
            const auto &from = lp.options[size_t(config[i])];
            for (int to : lp.next[size_t(config[i])]) {
                const auto &o = lp.options[size_t(to)];
                const double dLoss = engine.predicted(lp, o) - engine.predicted(lp, from);
                const double dCost = lp.cost(from, plan.cost) - lp.cost(o, plan.cost);
                Move m;
                m.layer = i;
                m.to = to;
                if (dCost > 0) {
                    m.cls = 1;
                    m.value = dLoss / dCost;
                } else {
                    m.cls = dLoss <= 0 ? 0 : 2;
                    m.value = dLoss;
                }
                if (m.cls < best.cls || (m.cls == best.cls && m.value < best.value))
                    best = m;
            }
        }
        if (best.cls == 3)
            break;
        config[best.layer] = best.to;
        auto p = engine.measure(plan, config);
        if (!p)
            return finish(true);
        result.points.push_back(*p);
        emit(*p);
    }

    // The uniform references: every free layer at the same candidate.
    for (int c : plan.candidates) {
        std::vector<int> u(plan.layers.size(), 0);
        for (size_t i = 0; i < plan.layers.size(); ++i) {
            const auto &lp = plan.layers[i];
            if (!lp.free)
                continue;
            for (size_t k = 0; k < lp.options.size(); ++k)
                if ((!lp.wq || lp.options[k].w == c) && (!lp.aq || lp.options[k].a == c)) {
                    u[i] = int(k);
                    break;
                }
        }
        auto p = engine.measure(plan, u);
        if (!p)
            return finish(true);
        p->label = "W" + std::to_string(c) + "A" + std::to_string(c);
        result.uniform.push_back(*p);
        emit(*p);
    }

    if (options.budget > 0) {
        const auto choice = solveConfig(plan, engine, options.budget);
        auto p = engine.measure(plan, choice);
        if (!p)
            return finish(true);
        p->label = "budget";
        result.budgetPoint = *p;
        for (size_t i = 0; i < result.points.size(); ++i)
            if (result.points[i].bits == p->bits)
                result.budgetChoice = int(i);
        emit(*p);
    }
    return finish(false);
}

types::MixedPoint solveMixedBudget(Session &session, MixedCache &cache, const MixedData &data,
                                   const types::MixedOptions &options, double budget)
{
    using namespace mixedimpl;
    types::MixedOptions o = options;
    o.budget = budget;
    if (!(budget > 0))
        throw Error("The budget must be positive.", "Give a size in bytes or a number of BOPs.");
    const auto plan = makePlan(session, data, o);
    Engine engine(session, cache.state(), data, o, {});
    engine.syncContext(/*build=*/false);
    if (!engine.validationReady())
        throw Error("No mixed-precision measurements hold for this model and data yet.",
                    "Run the mixed-precision search first; budgets are then answered from its measurements.");
    if (const auto missing = engine.missingPrediction(plan); !missing.empty())
        throw Error("The sensitivity of " + missing + " has not been measured.",
                    "Run the mixed-precision search with these candidates and this measure first.");
    auto p = engine.point(plan, solveConfig(plan, engine, budget));
    p.label = "budget";
    return p;
}

types::MixedPoint measureMixedBits(Session &session, MixedCache &cache, const MixedData &data,
                                   const types::MixedOptions &options, const std::vector<types::LayerBits> &bits,
                                   const JobCallbacks &cb)
{
    using namespace mixedimpl;
    auto plan = fixedPlan(session, configsWithBits(session, bits), options.cost);
    if (data.validation) {
        models::ModeGuard modes(*session.model());
        session.model()->setMode(LayerMode::Fp32);
        const auto infos = session.model()->layerInfos(
            {data.validation->channels(), data.validation->height(), data.validation->width()});
        for (size_t i = 0; i < plan.layers.size() && i < infos.size(); ++i)
            plan.layers[i].macs = infos[i].macs;
    }
    SessionRestore restore(session);
    Engine engine(session, cache.state(), data, options, cb);
    engine.syncContext(/*build=*/true);
    types::MixedPoint p;
    if (!engine.calibrate(planNeeds(plan)))
        return p;
    if (auto m = engine.measure(plan, std::vector<int>(plan.layers.size(), 0)))
        p = *m;
    return p;
}

void applyMixedBits(Session &session, MixedCache &cache, const MixedData &data, const types::MixedOptions &options,
                    const std::vector<types::LayerBits> &bits)
{
    using namespace mixedimpl;
    const auto configs = configsWithBits(session, bits); // validates everything before any change
    const auto plan = fixedPlan(session, configs, options.cost);
    const auto layers = session.model()->quantLayers();
    auto ready = [](const quant::Quantizer &q, const types::QuantSpec &spec) {
        return q && q->initialized() && q->spec() == spec;
    };
    // As whatIf: only what changed (or was never calibrated) is replaced.
    std::vector<Engine::Need> needs;
    for (auto &n : planNeeds(plan)) {
        const size_t i = size_t(n.lp - plan.layers.data());
        const bool changed = !(configs[i] == session.config()[i]);
        const auto &current = n.role == Role::Weight ? layers[i]->weightQuantizer() : layers[i]->inputQuantizer();
        if (changed || !ready(current, n.role == Role::Weight ? n.lp->w : n.lp->a))
            needs.push_back(std::move(n));
    }
    if (!needs.empty()) {
        Engine engine(session, cache.state(), data, options, {});
        engine.syncContext(/*build=*/false);
        if (!engine.calibrate(needs))
            return;
    }
    for (const auto &c : configs)
        session.setLayerConfig(c);
    torch::NoGradGuard noGrad;
    const auto &st = cache.state();
    for (const auto &n : needs) {
        const auto &cached = st.quantizers.at(n.key);
        quant::Quantizer q = cached;
        const auto role = n.role == Role::Weight ? quant::Role::Weight : quant::Role::Activation;
        // What QAT can train is copied, so that training the session leaves the cache as measured;
        // the rest (range setters, multipoint) nothing trains, and is shared.
        if (types::methodInfo(cached->spec().method).trainable) {
            q = quant::makeQuantizer(cached->spec(), role,
                                     role == quant::Role::Weight ? n.lp->layer->outChannels() : n.lp->inputChannels());
            q->to(data.device);
            auto params = q->named_parameters(/*recurse=*/true);
            for (const auto &p : cached->named_parameters(/*recurse=*/true))
                if (auto *t = params.find(p.key()))
                    t->set_data(p.value().detach().clone());
            auto buffers = q->named_buffers(/*recurse=*/true);
            for (const auto &b : cached->named_buffers(/*recurse=*/true))
                if (auto *t = buffers.find(b.key()))
                    t->set_data(b.value().detach().clone());
            q->markInitialized();
        }
        if (role == quant::Role::Weight)
            n.lp->layer->setWeightQuantizer(q);
        else
            n.lp->layer->setInputQuantizer(q);
    }
    for (size_t i = 0; i < layers.size(); ++i)
        layers[i]->setMode(configs[i].enabled ? LayerMode::FakeQuant : LayerMode::Fp32);
}

} // namespace ql::core::engine
