#pragma once
// The engine's one façade: everything the GUI and the CLI do with a model —
// open a model, a session or a data set, check that they fit, quantize (PTQ,
// QAT), evaluate, analyse (error accumulation, sensitivity, what-if, compare),
// predict and save. Both front ends call these functions and nothing below
// them, so no workflow is written twice.
//
// The header is torch-free: values go in and out as the plain structs of
// ql/types. A Workbench is not thread-safe: one thread (the engine thread) uses
// it at a time; the jobs run on the calling thread and honour the stop token of
// their JobCallbacks.
#include "core/engine/job.h"
#include "ql/types/export.h"
#include "ql/types/jobs.h"
#include "ql/types/methods.h"
#include "ql/types/mixed.h"
#include "ql/types/quant.h"
#include "ql/types/telemetry.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ql::core::telemetry {
class Bus;
}

namespace ql::core::engine {

class Session;

/// Which half of the open data set a job reads.
enum class DataSplit { Train, Test };

/// Images a one-off snapshot runs through the model (after PTQ, a what-if).
constexpr int64_t kSnapshotImages = 64;

/// Seeds libtorch's random generators (model initialisation, shuffles, dropout). Thread-safe.
void seedEverything(uint64_t seed);

class Workbench {
public:
    /// Telemetry goes to `bus` (a new one when null).
    explicit Workbench(std::shared_ptr<telemetry::Bus> bus = {});
    ~Workbench();
    Workbench(const Workbench &) = delete;
    Workbench &operator=(const Workbench &) = delete;

    // ------------------------------------------------------------ device
    /// "auto" (CUDA when available), "cpu", "cuda" or "cuda:N". Throws ql::core::Error.
    void setDevice(const std::string &request);
    /// "CPU (2 threads)" or the GPU's name.
    std::string deviceName() const;

    // ------------------------------------------------------------ opening
    /// Opens a data set by name ("fashion-mnist", "mnist") or folder for calibration,
    /// training and evaluation. With a model open, checks first that the model takes these
    /// images and has this many classes (the open data stays when it does not).
    types::DataInfo openData(const std::string &nameOrPath);
    /// Loads a model file: a .pth state dict or TorchScript archive with FILE.json beside it (or
    /// `arch` naming the zoo architecture; `activation` overrides the description's), or an ONNX
    /// graph (.onnx, with `preprocessing` over the JSON beside it). When no data set is open,
    /// opens the one the model names (else Fashion-MNIST). Checks that the model fits the data.
    /// The recipe's default configuration is applied to every layer.
    void openModel(const std::string &path, const std::string &arch = {}, const types::QuantRecipe &recipe = {},
                   const types::Preprocessing &preprocessing = {}, const std::string &activation = {});
    /// Loads a saved session (.qls) with its quantizers as they were saved, and its data set
    /// unless one is open already.
    void openSession(const std::string &path);
    /// What a model file is and which zoo architecture it fits, without opening it (nothing
    /// in the file is executed; TorchScript archives are only recognised). Thread-safe.
    static types::ModelFileInfo inspectModelFile(const std::string &path);
    /// The zoo's architectures with their default input shapes and class counts. Thread-safe.
    static std::vector<types::ZooArchitecture> zoo();
    /// A freshly initialised zoo model for the open data set's image shape and classes
    /// (FP32 training from scratch). Throws without a data set.
    void newModel(const std::string &arch, const std::string &activation);

    /// Whether TorchScript archives (models, and the weights of version-1 sessions) may be
    /// loaded from now on. Loading one runs code stored in the file, so it is off by default
    /// and a TorchScript file is refused with ql::core::TrustError; the user turns it on for a
    /// file they trust (CLI --trust-torchscript, the window after asking). State dicts, ONNX
    /// files and sessions are read without executing anything either way.
    void setTrustTorchScript(bool trust);
    bool trustTorchScript() const;
    /// Whether opening `path` (a model file or a .qls session) needs that trust: it is, or a
    /// session keeps its weights in, a TorchScript archive. Reads only the archive's directory.
    static bool needsTrust(const std::string &path);

    bool hasModel() const;
    bool hasData() const;
    types::ModelSummary summary() const;
    types::DataInfo dataInfo() const;

    // ------------------------------------------------------------ configuration
    /// Every quantizable layer in execution order with shapes, MACs and blocks.
    std::vector<types::LayerInfo> layers();
    const std::vector<types::LayerQuantConfig> &config() const;
    /// One layer's configuration; an unknown name throws a ql::core::Error listing close names.
    const types::LayerQuantConfig &layerConfig(const std::string &layer) const;
    /// The recipe's configuration for every layer (validated first).
    void applyRecipe(const types::QuantRecipe &recipe);
    /// A per-layer config file over the current configuration; returns the layers changed.
    int applyConfigFile(const std::string &path);
    /// Replaces one layer's configuration (validated; an unknown layer lists close names).
    /// Its quantizers are rebuilt at the next job, or at once by whatIf().
    void setLayerConfig(const types::LayerQuantConfig &config);
    /// Whether every enabled quantizer of the configuration exists and holds parameters
    /// (after PTQ, QAT or opening a session).
    bool calibrated() const;

    // ------------------------------------------------------------ jobs
    /// Builds the configured quantizers and initialises them on `images` training images.
    void calibrate(int64_t images, const JobCallbacks &cb = {});
    /// Post-training quantization with the current configuration: calibrate, then evaluate
    /// FP32 and quantized on the test split.
    types::QuantEval ptq(int64_t calibrationImages, const types::EvalOptions &eval = {}, const JobCallbacks &cb = {});
    /// Quantization-aware training with the current configuration. Telemetry goes to the bus
    /// when `telemetry` is set.
    types::QatResult qat(const types::QatOptions &options, const JobCallbacks &cb = {}, bool telemetry = false);
    /// FP32 training of the open model.
    types::TrainResult train(const types::TrainOptions &options, const JobCallbacks &cb = {});
    /// Evaluates the model as it computes now (quantized when a session or a job quantized it).
    types::EvalResult evaluate(DataSplit split = DataSplit::Test, const types::EvalOptions &options = {},
                               const JobCallbacks &cb = {});
    /// FP32 and quantized accuracy of the current quantizers, without recalibrating.
    types::QuantEval evaluateBoth(const types::EvalOptions &options = {}, const JobCallbacks &cb = {});
    /// Error accumulation of the current quantizers on the first `samples` test images.
    types::ErrorAccumulation errors(int64_t samples = 256, const JobCallbacks &cb = {});
    /// Each layer quantized alone: accuracy drop and KL, ranked.
    std::vector<types::SensitivityRow> sensitivity(int64_t samples = 1000, const JobCallbacks &cb = {});
    /// Applies `change` to its layer (rebuilding only the quantizers whose spec changed, so
    /// the others keep what they learned) and re-evaluates on the first `samples` test images.
    types::WhatIfResult whatIf(const types::LayerQuantConfig &change, int64_t samples = 512);
    /// Quantizes a second copy of the model (reopened from its file) with `other` by PTQ and
    /// compares both: error accumulation and per-layer statistics. The open model keeps its
    /// own quantizers. Needs the open model to be quantized.
    types::Comparison compare(const types::QuantRecipe &other, int64_t calibrationImages = 512, int64_t samples = 256,
                              const JobCallbacks &cb = {});
    /// Logits of image files (converted to the model's input and normalised like the data).
    types::Predictions predictFiles(const std::vector<std::string> &files);
    /// Logits of the first `count` test images (all when 0).
    types::Predictions predictData(int64_t count);

    // ------------------------------------------------------------ mixed precision
    /// Chooses a bit-width per layer (core/engine/mixed.h): the sensitivity of every free tensor
    /// at every candidate, the greedy descent from the highest to the lowest candidates with every
    /// configuration measured on the first options.validationImages test images, the Pareto
    /// front, the uniform references, and the options' budget and maxDrop choices. What it
    /// measures stays cached with the session, so that a second search (other locks, a budget)
    /// evaluates only what is new. `onPoint` gets every measured configuration at once (engine
    /// thread), for a live plot. A stop keeps the points so far (`cancelled`). The session's own
    /// configuration is left as it was (applyBits changes it). The result is kept as
    /// mixedResult() and saved with the session.
    types::MixedResult mixedPrecision(const types::MixedOptions &options, const JobCallbacks &cb = {},
                                      std::function<void(const types::MixedPoint &)> onPoint = {});
    /// The exact solver's configuration within `budget` (in options.cost units), answered from the
    /// search's measurements without evaluating anything (milliseconds): bytes, BOPs and the
    /// predicted loss; top1 and agreement only when the search measured that configuration, else
    /// -1 (measureBits measures it). Throws when the search has not measured what it needs, or
    /// when the budget is below the smallest reachable cost (naming it).
    types::MixedPoint solveBudget(const types::MixedOptions &options, double budget);
    /// Measures one configuration on the validation subset (from the cache when measured before);
    /// layers `bits` does not list keep the session's bits. predictedLoss is NaN unless the cache
    /// holds every tensor's sensitivity.
    types::MixedPoint measureBits(const std::vector<types::LayerBits> &bits, const types::MixedOptions &options = {},
                                  const JobCallbacks &cb = {});
    /// Sets the listed layers' bits in the session and puts calibrated quantizers in place: the
    /// ones the last search measured (calibrated on its calibrationImages) when the cache holds
    /// them, else newly calibrated ones. Quantizers whose spec did not change stay, as in whatIf.
    /// Unknown layers (with close matches) and bits a method cannot take throw before anything
    /// changes.
    void applyBits(const std::vector<types::LayerBits> &bits);
    /// Throws a ql::core::Error when `options` cannot be searched on the open model: unknown
    /// locked layers (with close matches), candidates a layer's method cannot take, a budget
    /// below the smallest reachable cost (naming it). For front ends that check input first.
    void checkMixedOptions(const types::MixedOptions &options);
    /// The last search's result (or the one the opened session stored); null when there is none
    /// or the model's weights changed since (training, QAT).
    std::shared_ptr<const types::MixedResult> mixedResult() const;
    /// Validation passes the mixed-precision cache has run since the model was opened.
    int64_t mixedEvaluations() const;

    // ------------------------------------------------------------ results
    /// Runs `probeImages` test images through the model and publishes every layer's
    /// statistics to the bus.
    void publishSnapshot(int64_t probeImages = kSnapshotImages);
    /// The same statistics, returned instead of published.
    std::map<std::string, std::shared_ptr<const types::LayerSnapshot>> snapshot(int64_t probeImages = kSnapshotImages);
    /// Multipoint results of the layers whose weights are multipoint-quantized.
    std::vector<types::MultipointMap> multipointMaps() const;
    /// "lsq/lsq+ W4A4": methods and bits of the layers between the first and the last.
    std::string configLabel() const;
    static std::string recipeLabel(const types::QuantRecipe &recipe);
    /// Uniform, POT, POST and APoT levels of `bits` (normalised), from the quantizers' own code.
    static types::LevelSets levelSets(int bits, types::PotVariant variant);
    std::shared_ptr<telemetry::Bus> bus() const;

    // ------------------------------------------------------------ export
    /// How every layer would be exported in `options.format` (integer-deployable or float
    /// emulation, and how each tensor is written), without writing anything. Throws the error
    /// exportModel would throw when the format cannot express a layer.
    std::vector<types::LayerDeployment> exportPreview(const types::ExportOptions &options);
    /// Exports the model as it computes now (quantized after PTQ, QAT or opening a session) to
    /// options.path in options.format, every file written atomically; nothing is written when the
    /// format cannot express a layer (ql::core::Error naming the layer and the format). With
    /// options.verify, runs the export in its real consumer (ONNX Runtime with optimisations off
    /// and on, PyTorch, the ONNX checker) on the first options.images test images and compares
    /// with QuantLens's forward per quantized tensor. The report format evaluates FP32 and
    /// quantized accuracy, statistics and sensitivity on options.images test images.
    types::ExportResult exportModel(const types::ExportOptions &options, const JobCallbacks &cb = {});

    // ------------------------------------------------------------ saving
    /// Saves the session (configuration, weights and quantizer parameters) atomically;
    /// `resultsJson` (a JSON object, may be empty) is stored with it, together with the last
    /// mixed-precision result under "mixed" (unless `resultsJson` has one).
    void save(const std::string &path, const std::string &resultsJson = {}) const;
    /// Writes the FP32 model as a PyTorch state dict with its description; `command` is
    /// recorded as what produced it. An imported ONNX model is written as an ONNX file (the
    /// path must end in .onnx) holding its graph with the current weights.
    void saveModel(const std::string &path, const std::string &dataName, double top1, const std::string &command) const;

    /// The engine objects, for tests and benchmarks (torch).
    Session &session();

private:
    void restoreMixedResult(const std::string &sessionPath);

    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace ql::core::engine
