// quantlens-cli train: FP32 training of a zoo model, on the engine's Workbench.
#include "app/cli/common.h"
#include "core/data/dataloader.h"
#include "core/engine/workbench.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <limits>

namespace ql::app::cli {
namespace {

int runTrain(const Args &args)
{
    const std::string out = args.get("out");
    if (out.empty())
        throw UsageError("--out FILE is required (where the trained model is written)");
    types::TrainOptions o;
    o.epochs = args.getInt("epochs", 1, 100000);
    o.batchSize = args.getInt("batch", 1, 65536);
    o.learningRate = args.getDouble("lr");
    o.momentum = args.getDouble("momentum");
    o.weightDecay = args.getDouble("wd");
    const int64_t seed = args.getInt("seed", 0, std::numeric_limits<int>::max());
    o.seed = static_cast<uint64_t>(seed);
    o.workers = args.getInt("workers", 0, core::data::kMaxWorkers);
    o.augment = !args.has("no-augment");
    o.maxStepsPerEpoch = args.getInt("steps-per-epoch", 0, std::numeric_limits<int>::max());
    if (!(o.learningRate > 0) || o.momentum < 0 || o.momentum >= 1 || o.weightDecay < 0)
        throw UsageError("--lr must be positive, --momentum in [0, 1), --wd not negative");

    core::engine::Workbench wb;
    wb.setDevice(applyComputeOptions(args));
    ProgressBar bar;
    auto cb = terminalCallbacks(bar);
    bar.message("loading " + args.get("data") + " …");
    const auto data = wb.openData(args.get("data"));
    reportSkipped(data, args);

    core::engine::seedEverything(static_cast<uint64_t>(seed));
    wb.newModel(args.get("model"), args.get("act"));

    o.checkpoint = args.get("checkpoint");
    o.resume = args.has("resume");
    if (o.resume && o.checkpoint.empty())
        o.checkpoint = out + ".ckpt";

    const auto m = wb.summary();
    bar.message("training " + m.arch + " (" + m.activation + ", " + std::to_string(m.parameters) + " parameters) on " +
                data.name + " (" + std::to_string(data.trainCount) + " images) on " + wb.deviceName());
    const auto result = wb.train(o, cb);
    bar.finish();
    if (result.cancelled && result.epochs.empty()) {
        std::cerr << "stopped before the first epoch ended; nothing written\n";
        return 1;
    }
    const double top1 = result.epochs.empty() ? -1 : result.epochs.back().validation.top1;
    const std::string command = "quantlens-cli train --model " + m.arch + " --act " + m.activation + " --data " +
                                args.get("data") + " --epochs " + std::to_string(o.epochs) + " --batch " +
                                std::to_string(o.batchSize) + " --lr " + args.get("lr") + " --seed " +
                                std::to_string(seed) + " --out " + out;
    wb.saveModel(out, args.get("data"), top1, command);
    std::cout << "model written to " << out << " (validation top-1 " << 100 * top1 << "%)\n";

    nlohmann::json j;
    j["model"] = m.arch;
    j["activation"] = m.activation;
    j["device"] = wb.deviceName();
    j["cancelled"] = result.cancelled;
    for (const auto &e : result.epochs)
        j["epochs"].push_back({{"epoch", e.epoch},
                               {"train_loss", e.trainLoss},
                               {"train_top1", e.trainTop1},
                               {"val_top1", e.validation.top1},
                               {"val_top5", e.validation.top5},
                               {"val_loss", e.validation.loss},
                               {"seconds", e.seconds},
                               {"images_per_second", e.imagesPerSecond}});
    writeJsonIfAsked(args, j);
    return result.cancelled ? 1 : 0;
}

std::vector<OptionSpec> trainOptions()
{
    std::vector<OptionSpec> o = {
        {"model", "ARCH", "zoo architecture: fmnist-cnn, resnet20, resnet18, mobilenet_v2, efficientnet_b0",
         "fmnist-cnn"},
        {"act", "ACT", "activation of fmnist-cnn: relu or swish", "relu"},
        dataOption(),
        {"epochs", "N", "training epochs", "10"},
        {"batch", "N", "batch size", "128"},
        {"lr", "LR", "initial learning rate (cosine decay to 0)", "0.05"},
        {"momentum", "M", "SGD momentum", "0.9"},
        {"wd", "WD", "weight decay (weights only)", "5e-4"},
        {"seed", "N", "random seed", "0"},
        {"workers", "N", "data-loader threads, 0.." + std::to_string(core::data::kMaxWorkers), "2"},
        {"no-augment", "", "no random crop / flip", ""},
        {"steps-per-epoch", "N", "limit each epoch to N steps (0 = all)", "0"},
        {"out", "FILE", "where to write the model (.pth state dict + FILE.json)", ""},
        {"checkpoint", "FILE", "write a checkpoint after every epoch", ""},
        {"resume", "", "continue from the checkpoint (default FILE.ckpt)", ""},
        jsonOption(),
        verboseOption(),
    };
    for (auto &c : computeOptions())
        o.push_back(c);
    return o;
}

const CommandRegistrar kTrain{Command{
    "train",
    "train a zoo model in FP32 (SGD, cosine schedule) and write it as a PyTorch state dict",
    "quantlens-cli train --model ARCH [--act relu|swish] --data NAME|PATH --epochs N --out FILE [options]",
    "Validates on the test split after every epoch and prints a line per epoch. With --checkpoint, a\n"
    "checkpoint is written after every epoch and --resume continues from it. Ctrl-C stops after the\n"
    "current step and writes the model as it is then. A loss that turns NaN stops the run and names\n"
    "the layer that went bad.",
    trainOptions(),
    runTrain,
}};

} // namespace
} // namespace ql::app::cli
