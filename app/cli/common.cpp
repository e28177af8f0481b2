#include "app/cli/common.h"

#include "core/common/atomic_file.h"
#include "core/data/loaders.h"

#include <iostream>

namespace ql::app::cli {

namespace {
std::stop_source &interruptSource()
{
    static std::stop_source source;
    return source;
}

extern "C" void onInterrupt(int)
{
    interruptSource().request_stop();
    std::signal(SIGINT, SIG_DFL); // a second Ctrl-C ends the program at once
}
} // namespace

OptionSpec dataOption()
{
    return {"data", "NAME|PATH",
            "data set: fashion-mnist, mnist, or a folder (IDX files, CIFAR binaries, image folders)", "fashion-mnist"};
}

OptionSpec jsonOption() { return {"json", "FILE", "write the full result as JSON to FILE", ""}; }

OptionSpec verboseOption() { return {"verbose", "", "list every image file that could not be read", ""}; }

OptionSpec trustOption()
{
    return {"trust-torchscript", "",
            "load a TorchScript model (or a session from QuantLens 0.1): loading one runs code stored in the file, so "
            "give this only for files you trust",
            ""};
}

void reportSkipped(const types::DataInfo &info, const Args &args)
{
    if (info.skipped.empty())
        return;
    std::cerr << "quantlens-cli: warning: " << info.skipped.size() << " image file"
              << (info.skipped.size() == 1 ? "" : "s") << " of '" << info.name << "' could not be read and "
              << (info.skipped.size() == 1 ? "was" : "were") << " skipped"
              << (args.has("verbose") ? ":" : " (--verbose lists them)") << "\n";
    if (args.has("verbose"))
        for (const auto &s : info.skipped)
            std::cerr << "  " << s << "\n";
}

core::data::Dataset openData(const Args &args, core::data::Split split)
{
    return core::data::openDataset(args.get("data"), split);
}

core::engine::JobCallbacks terminalCallbacks(ProgressBar &bar)
{
    std::signal(SIGINT, onInterrupt);
    core::engine::JobCallbacks cb;
    cb.progress = [&bar](const types::JobProgress &p) { bar.update(p); };
    cb.message = [&bar](const std::string &m) { bar.message(m); };
    cb.stop = interruptSource().get_token();
    return cb;
}

void writeJsonIfAsked(const Args &args, const nlohmann::json &j)
{
    const auto path = args.maybe("json");
    if (!path)
        return;
    core::writeFileAtomically(*path, j.dump(2) + "\n");
    std::cerr << "wrote " << *path << "\n";
}

} // namespace ql::app::cli
