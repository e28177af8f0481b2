#pragma once
// The quantlens-cli command framework: each command lives in its own
// cmd_<name>.cpp and registers itself with a static CommandRegistrar.
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ql::app::cli {

/// A bad command line: printed with the command's usage, exit status 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string name; ///< without the leading "--"
    std::string valueName; ///< empty for a flag that takes no value
    std::string help;
    std::string defaultValue;
};

/// Parsed options and positional arguments of one command.
class Args {
public:
    bool has(const std::string &name) const { return m_values.count(name) != 0; }
    std::string get(const std::string &name) const; ///< value or the option's default
    std::optional<std::string> maybe(const std::string &name) const;
    int getInt(const std::string &name) const; ///< UsageError when not an integer
    /// UsageError when not an integer in [lo, hi] (the message gives the range).
    int getInt(const std::string &name, int lo, int hi) const;
    double getDouble(const std::string &name) const; ///< UsageError when not a finite number
    const std::vector<std::string> &positional() const { return m_positional; }

private:
    friend Args parseArgs(const std::string &, const std::vector<OptionSpec> &, const std::vector<std::string> &);
    std::map<std::string, std::string> m_values;
    std::map<std::string, std::string> m_defaults;
    std::vector<std::string> m_positional;
};

struct Command {
    std::string name;
    std::string summary; ///< one line, for `quantlens-cli --help`
    std::string usage; ///< e.g. "quantlens-cli info [--json FILE]"
    std::string description; ///< paragraphs printed by `<command> --help`
    std::vector<OptionSpec> options;
    std::function<int(const Args &)> run;
};

/// Parses `argv` for `command`; "--help" is always accepted. Throws UsageError.
Args parseArgs(const std::string &command, const std::vector<OptionSpec> &options,
               const std::vector<std::string> &argv);

/// All registered commands, sorted by name.
std::vector<const Command *> commands();
const Command *findCommand(const std::string &name);

struct CommandRegistrar {
    explicit CommandRegistrar(Command command);
};

/// The text `quantlens-cli <command> --help` prints.
std::string commandHelp(const Command &command);

/// Most CPU threads --threads accepts.
constexpr int kMaxThreads = 256;

/// Options shared by commands that compute: --device and --threads.
std::vector<OptionSpec> computeOptions();
/// Applies --threads (all cores by default; 0..kMaxThreads) and returns the --device request.
std::string applyComputeOptions(const Args &args);

} // namespace ql::app::cli
