#include "app/cli/cli.h"
#include "core/common/device.h"
#include "core/common/error.h"
#include "core/core.h"

#include <exception>
#include <iostream>

namespace {

void printUsage(std::ostream &out)
{
    out << "QuantLens " << ql::core::version()
        << " - quantize neural networks and see what it does, layer by layer.\n\n"
        << "Usage: quantlens-cli <command> [options]\n       quantlens-cli <command> --help\n\nCommands:\n";
    size_t width = 0;
    for (const auto *c : ql::app::cli::commands())
        width = std::max(width, c->name.size());
    for (const auto *c : ql::app::cli::commands())
        out << "  " << c->name << std::string(width + 3 - c->name.size(), ' ') << c->summary << "\n";
    out << "\nGlobal options:\n  --help       show this help\n  --version    print the version\n"
        << "\nExit status: 0 success, 1 the command failed, 2 bad command line.\n";
}

} // namespace

int main(int argc, char **argv)
{
    ql::core::keepFreedMemoryForReuse();
    using namespace ql::app::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        printUsage(std::cerr);
        return 2;
    }
    const std::string &first = args.front();
    if (first == "--help" || first == "-h" || first == "help") {
        if (first == "help" && args.size() > 1) {
            if (const Command *c = findCommand(args[1])) {
                std::cout << commandHelp(*c);
                return 0;
            }
        }
        printUsage(std::cout);
        return 0;
    }
    if (first == "--version") {
        std::cout << "quantlens-cli " << ql::core::version() << "\n";
        return 0;
    }
    const Command *command = findCommand(first);
    if (!command) {
        std::cerr << "quantlens-cli: unknown command '" << first << "'\n\n";
        printUsage(std::cerr);
        return 2;
    }
    try {
        const Args parsed = parseArgs(command->name, command->options, {args.begin() + 1, args.end()});
        if (parsed.has("help")) {
            std::cout << commandHelp(*command);
            return 0;
        }
        return command->run(parsed);
    } catch (const UsageError &e) {
        std::cerr << "quantlens-cli " << command->name << ": " << e.what() << "\n\n" << commandHelp(*command);
        return 2;
    } catch (const ql::core::Error &e) {
        std::cerr << "quantlens-cli " << command->name << ": error: " << e.what() << "\n";
        if (!e.hint().empty())
            std::cerr << "  " << e.hint() << "\n";
        return 1;
    } catch (...) {
        // libtorch errors without their backtrace, out of memory with a sentence a user understands.
        std::cerr << "quantlens-cli " << command->name
                  << ": error: " << ql::core::describeException(std::current_exception()) << "\n";
        return 1;
    }
}
