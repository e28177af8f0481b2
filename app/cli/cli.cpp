#include "app/cli/cli.h"

#include "core/common/device.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>

namespace ql::app::cli {

static std::vector<std::unique_ptr<Command>> &registry()
{
    static std::vector<std::unique_ptr<Command>> r;
    return r;
}

CommandRegistrar::CommandRegistrar(Command command)
{
    registry().push_back(std::make_unique<Command>(std::move(command)));
}

std::vector<const Command *> commands()
{
    std::vector<const Command *> out;
    for (const auto &c : registry())
        out.push_back(c.get());
    std::sort(out.begin(), out.end(), [](const Command *a, const Command *b) { return a->name < b->name; });
    return out;
}

const Command *findCommand(const std::string &name)
{
    for (const auto &c : registry())
        if (c->name == name)
            return c.get();
    return nullptr;
}

std::string Args::get(const std::string &name) const
{
    if (auto it = m_values.find(name); it != m_values.end())
        return it->second;
    if (auto it = m_defaults.find(name); it != m_defaults.end())
        return it->second;
    return {};
}

std::optional<std::string> Args::maybe(const std::string &name) const
{
    if (auto it = m_values.find(name); it != m_values.end())
        return it->second;
    return std::nullopt;
}

int Args::getInt(const std::string &name) const
{
    const std::string v = get(name);
    try {
        size_t used = 0;
        const int n = std::stoi(v, &used);
        if (used == v.size())
            return n;
    } catch (const std::exception &) {
    }
    throw UsageError("--" + name + " expects a whole number, got '" + v + "'");
}

int Args::getInt(const std::string &name, int lo, int hi) const
{
    const int n = getInt(name);
    if (n < lo || n > hi)
        throw UsageError("--" + name + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                         ", got " + std::to_string(n));
    return n;
}

double Args::getDouble(const std::string &name) const
{
    const std::string v = get(name);
    try {
        size_t used = 0;
        const double d = std::stod(v, &used);
        if (used == v.size() && std::isfinite(d))
            return d;
    } catch (const std::exception &) {
    }
    throw UsageError("--" + name + " expects a finite number, got '" + v + "'");
}

Args parseArgs(const std::string &command, const std::vector<OptionSpec> &options, const std::vector<std::string> &argv)
{
    Args args;
    for (const auto &o : options)
        if (!o.defaultValue.empty())
            args.m_defaults[o.name] = o.defaultValue;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string &a = argv[i];
        if (a.size() > 2 && a.rfind("--", 0) == 0) {
            std::string name = a.substr(2);
            std::optional<std::string> value;
            if (const auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
            if (name == "help") {
                args.m_values.insert_or_assign(std::string("help"), std::string(1, '1'));
                continue;
            }
            const auto it =
                std::find_if(options.begin(), options.end(), [&](const OptionSpec &o) { return o.name == name; });
            if (it == options.end())
                throw UsageError("unknown option --" + name + " for '" + command + "'");
            if (it->valueName.empty()) {
                if (value)
                    throw UsageError("--" + name + " takes no value");
                args.m_values.insert_or_assign(name, std::string(1, '1'));
            } else {
                if (!value) {
                    if (i + 1 >= argv.size())
                        throw UsageError("--" + name + " needs a value (" + it->valueName + ")");
                    value = argv[++i];
                }
                args.m_values.insert_or_assign(name, *value);
            }
        } else if (a == "-h") {
            args.m_values.insert_or_assign(std::string("help"), std::string(1, '1'));
        } else if (a.size() > 1 && a[0] == '-' && !(a[1] >= '0' && a[1] <= '9')) {
            throw UsageError("unknown option " + a + " for '" + command + "'");
        } else {
            args.m_positional.push_back(a);
        }
    }
    return args;
}

std::string commandHelp(const Command &c)
{
    std::ostringstream out;
    out << "Usage: " << c.usage << "\n\n" << c.summary << "\n";
    if (!c.description.empty())
        out << "\n" << c.description << "\n";
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto &o : c.options)
        rows.emplace_back("--" + o.name + (o.valueName.empty() ? "" : " " + o.valueName),
                          o.help + (o.defaultValue.empty() ? "" : " (default: " + o.defaultValue + ")"));
    rows.emplace_back("--help", "show this help");
    size_t width = 0;
    for (const auto &r : rows)
        width = std::max(width, r.first.size());
    out << "\nOptions:\n";
    for (const auto &[left, help] : rows)
        out << "  " << left << std::string(width + 2 - left.size(), ' ') << help << "\n";
    return out.str();
}

std::vector<OptionSpec> computeOptions()
{
    return {
        {"device", "DEV", "auto, cpu, cuda or cuda:N", "auto"},
        {"threads", "N", "CPU threads for libtorch, 0.." + std::to_string(kMaxThreads) + "; 0 = every core", "0"},
    };
}

std::string applyComputeOptions(const Args &args)
{
    const int threads = args.getInt("threads", 0, kMaxThreads);
    core::setCpuThreads(threads);
    return args.get("device");
}

} // namespace ql::app::cli
