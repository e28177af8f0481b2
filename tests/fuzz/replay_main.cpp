// The fuzz driver of ordinary builds (no libFuzzer): replays a target's corpus, then runs
// seeded random mutations of it (bit flips, interesting integers, dictionary tokens, cuts,
// splices) until the time is up. Any finding (an exception other than ql::core::Error, a
// failed check, a crash or a sanitizer report) ends the run with the input written to
// fuzz-TARGET-crash.bin in the working folder.
//
//   ql_fuzz_replay TARGET [--seconds S] [--seed N] [--dict FILE] [--max-len BYTES] PATH...
//
// PATH: corpus files or folders (their regular files). S = 0 replays only.
#include "tests/fuzz/fuzz_target.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define QL_HAVE_SANITIZER_DEATH_CALLBACK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define QL_HAVE_SANITIZER_DEATH_CALLBACK 1
#endif
#endif
#ifdef QL_HAVE_SANITIZER_DEATH_CALLBACK
#include <sanitizer/common_interface_defs.h>
#endif

namespace ql::fuzz {

namespace {

std::map<std::string, Target> &targets()
{
    static std::map<std::string, Target> t;
    return t;
}

// The input being run, for the crash handlers (async-signal-safe: plain buffers only).
const uint8_t *g_input = nullptr;
size_t g_inputSize = 0;
char g_crashPath[4096] = {};

void saveInput()
{
    if (!g_input || g_crashPath[0] == '\0')
        return;
    const int fd = ::open(g_crashPath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    size_t done = 0;
    while (done < g_inputSize) {
        const ssize_t n = ::write(fd, g_input + done, g_inputSize - done);
        if (n <= 0)
            break;
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    const char msg[] = "fuzz: the input that crashed is in ";
    (void)!::write(2, msg, sizeof msg - 1);
    (void)!::write(2, g_crashPath, std::strlen(g_crashPath));
    (void)!::write(2, "\n", 1);
}

extern "C" void onCrash(int sig)
{
    saveInput();
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

#ifdef QL_HAVE_SANITIZER_DEATH_CALLBACK
extern "C" void onSanitizerDeath() { saveInput(); }
#endif

std::vector<uint8_t> readFile(const std::filesystem::path &p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// libFuzzer dictionary lines: name="token" with \xNN and \\ \" escapes.
std::vector<std::string> readDictionary(const std::filesystem::path &p)
{
    std::vector<std::string> out;
    std::ifstream in(p);
    std::string line;
    while (std::getline(in, line)) {
        const auto open = line.find('"');
        const auto close = line.rfind('"');
        if (line.empty() || line[0] == '#' || open == std::string::npos || close <= open)
            continue;
        std::string token;
        for (size_t i = open + 1; i < close; ++i) {
            if (line[i] == '\\' && i + 1 < close) {
                if (line[i + 1] == 'x' && i + 3 < close) {
                    token.push_back(static_cast<char>(std::stoi(line.substr(i + 2, 2), nullptr, 16)));
                    i += 3;
                } else {
                    token.push_back(line[++i]);
                }
            } else {
                token.push_back(line[i]);
            }
        }
        if (!token.empty())
            out.push_back(token);
    }
    return out;
}

class Mutator {
public:
    Mutator(uint64_t seed, std::vector<std::string> dictionary, size_t maxLen)
        : m_rng(seed), m_dictionary(std::move(dictionary)), m_maxLen(maxLen)
    {
    }

    std::vector<uint8_t> mutate(std::vector<uint8_t> in, const std::vector<std::vector<uint8_t>> &corpus)
    {
        const int rounds = 1 + static_cast<int>(below(4));
        for (int r = 0; r < rounds; ++r)
            step(in, corpus);
        if (in.size() > m_maxLen)
            in.resize(m_maxLen);
        return in;
    }

private:
    uint64_t below(uint64_t n) { return n == 0 ? 0 : m_rng() % n; }

    void putInt(std::vector<uint8_t> &b, uint64_t v, size_t width, bool bigEndian)
    {
        if (b.size() < width)
            return;
        const size_t pos = below(b.size() - width + 1);
        for (size_t k = 0; k < width; ++k) {
            const size_t shift = 8 * (bigEndian ? width - 1 - k : k);
            b[pos + k] = static_cast<uint8_t>(v >> shift);
        }
    }

    void step(std::vector<uint8_t> &b, const std::vector<std::vector<uint8_t>> &corpus)
    {
        static const uint64_t interesting[] = {0,
                                               1,
                                               2,
                                               0x7f,
                                               0x80,
                                               0xff,
                                               0x100,
                                               0x7fff,
                                               0x8000,
                                               0xffff,
                                               0x7fffffff,
                                               0x80000000,
                                               0xffffffff,
                                               0x100000000ULL,
                                               0x7fffffffffffffffULL,
                                               0x8000000000000000ULL,
                                               ~0ULL,
                                               0xfffffffffffffff0ULL};
        switch (below(b.empty() ? 3 : 10)) {
        case 0: { // insert random bytes
            const size_t pos = below(b.size() + 1), n = 1 + below(8);
            std::vector<uint8_t> bytes(n);
            for (auto &x : bytes)
                x = static_cast<uint8_t>(m_rng());
            b.insert(b.begin() + static_cast<std::ptrdiff_t>(pos), bytes.begin(), bytes.end());
            break;
        }
        case 1: // insert a dictionary token
        case 2: {
            if (m_dictionary.empty())
                break;
            const auto &t = m_dictionary[below(m_dictionary.size())];
            const size_t pos = below(b.size() + 1);
            if (below(2) && pos + t.size() <= b.size())
                std::copy(t.begin(), t.end(), b.begin() + static_cast<std::ptrdiff_t>(pos));
            else
                b.insert(b.begin() + static_cast<std::ptrdiff_t>(pos), t.begin(), t.end());
            break;
        }
        case 3: // flip a bit
            b[below(b.size())] ^= static_cast<uint8_t>(1u << below(8));
            break;
        case 4: // an interesting byte
            b[below(b.size())] = static_cast<uint8_t>(interesting[below(6)]);
            break;
        case 5: { // an interesting integer of 2, 4 or 8 bytes
            const size_t widths[] = {2, 4, 8};
            putInt(b, interesting[below(std::size(interesting))] + below(3) - 1, widths[below(3)], below(2));
            break;
        }
        case 6: { // erase a range
            const size_t pos = below(b.size()), n = 1 + below(std::min<size_t>(b.size() - pos, 1 + below(64)));
            b.erase(b.begin() + static_cast<std::ptrdiff_t>(pos), b.begin() + static_cast<std::ptrdiff_t>(pos + n));
            break;
        }
        case 7: { // duplicate a range
            const size_t pos = below(b.size()), n = 1 + below(std::min<size_t>(b.size() - pos, 64));
            const std::vector<uint8_t> copy(b.begin() + static_cast<std::ptrdiff_t>(pos),
                                            b.begin() + static_cast<std::ptrdiff_t>(pos + n));
            b.insert(b.begin() + static_cast<std::ptrdiff_t>(below(b.size() + 1)), copy.begin(), copy.end());
            break;
        }
        case 8: { // splice with another input
            if (corpus.empty())
                break;
            const auto &other = corpus[below(corpus.size())];
            if (other.empty())
                break;
            const size_t cut = below(b.size() + 1), from = below(other.size());
            b.resize(cut);
            b.insert(b.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
            break;
        }
        default: // truncate
            b.resize(below(b.size() + 1));
            break;
        }
    }

    std::mt19937_64 m_rng;
    std::vector<std::string> m_dictionary;
    size_t m_maxLen;
};

/// Runs one input; returns false (after saying why) on a finding that is an exception.
bool runOne(Target target, const std::vector<uint8_t> &input, const std::string &name)
{
    g_input = input.data();
    g_inputSize = input.size();
    try {
        target(input.data(), input.size());
    } catch (const std::exception &e) {
        saveInput();
        std::cerr << "fuzz finding on " << name << ": exception escaped: " << e.what() << "\n";
        return false;
    } catch (...) {
        saveInput();
        std::cerr << "fuzz finding on " << name << ": unknown exception escaped\n";
        return false;
    }
    g_input = nullptr;
    return true;
}

} // namespace

Registrar::Registrar(const char *name, Target target) { targets()[name] = target; }

} // namespace ql::fuzz

int main(int argc, char **argv)
{
    using namespace ql::fuzz;
    if (argc < 2 || !targets().count(argv[1])) {
        std::cerr << "usage: ql_fuzz_replay TARGET [--seconds S] [--seed N] [--dict FILE] [--max-len BYTES] PATH...\n"
                     "targets:";
        for (const auto &[name, t] : targets())
            std::cerr << " " << name;
        std::cerr << "\n";
        return 2;
    }
    const std::string name = argv[1];
    const Target target = targets()[name];
    double seconds = 0;
    uint64_t seed = std::hash<std::string>{}(name)&0xffffffff;
    size_t maxLen = 64 * 1024;
    std::vector<std::string> dictionary;
    std::vector<std::filesystem::path> paths;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--seconds" && i + 1 < argc)
            seconds = std::stod(argv[++i]);
        else if (a == "--seed" && i + 1 < argc)
            seed = std::stoull(argv[++i]);
        else if (a == "--max-len" && i + 1 < argc)
            maxLen = std::stoul(argv[++i]);
        else if (a == "--dict" && i + 1 < argc) {
            const auto d = readDictionary(argv[++i]);
            dictionary.insert(dictionary.end(), d.begin(), d.end());
        } else
            paths.emplace_back(a);
    }
    if (const char *env = std::getenv("QL_FUZZ_SECONDS"))
        seconds = std::stod(env);

    std::snprintf(g_crashPath, sizeof g_crashPath, "fuzz-%s-crash.bin", name.c_str());
    for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL})
        ::signal(sig, onCrash);
#ifdef QL_HAVE_SANITIZER_DEATH_CALLBACK
    __sanitizer_set_death_callback(onSanitizerDeath);
#endif

    std::vector<std::vector<uint8_t>> corpus;
    std::vector<std::string> names;
    for (const auto &p : paths) {
        std::error_code ec;
        if (std::filesystem::is_directory(p, ec)) {
            std::vector<std::filesystem::path> files;
            for (const auto &e : std::filesystem::directory_iterator(p, ec))
                if (e.is_regular_file())
                    files.push_back(e.path());
            std::sort(files.begin(), files.end());
            for (const auto &f : files) {
                corpus.push_back(readFile(f));
                names.push_back(f.string());
            }
        } else if (std::filesystem::is_regular_file(p, ec)) {
            corpus.push_back(readFile(p));
            names.push_back(p.string());
        } else {
            std::cerr << "fuzz " << name << ": no corpus at " << p << "\n";
            return 2;
        }
    }
    for (size_t i = 0; i < corpus.size(); ++i)
        if (!runOne(target, corpus[i], names[i]))
            return 1;

    // Mutations of the inputs up to maxLen bytes; a few mutants join the pool so that changes stack.
    std::vector<std::vector<uint8_t>> pool;
    for (const auto &c : corpus)
        if (c.size() <= maxLen)
            pool.push_back(c);
    if (pool.empty())
        pool.emplace_back();
    const size_t originals = pool.size();
    Mutator mutator(seed, dictionary, maxLen);
    std::mt19937_64 pick(seed ^ 0x9e3779b97f4a7c15ULL);
    const auto start = std::chrono::steady_clock::now();
    const auto budget = std::chrono::duration<double>(seconds);
    uint64_t runs = 0;
    while (std::chrono::steady_clock::now() - start < budget) {
        const size_t from = pick() % pool.size();
        auto mutant = mutator.mutate(pool[from], pool);
        if (!runOne(target, mutant,
                    "a mutant of input " + std::to_string(from) + " (seed " + std::to_string(seed) + ", run " +
                        std::to_string(runs) + ")"))
            return 1;
        ++runs;
        if (pick() % 16 == 0) {
            if (pool.size() < originals + 2000)
                pool.push_back(std::move(mutant));
            else
                pool[originals + pick() % (pool.size() - originals)] = std::move(mutant);
        }
    }
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "fuzz " << name << ": " << corpus.size() << " corpus inputs replayed, " << runs << " mutations in "
              << took << " s (seed " << seed << "), no finding\n";
    return 0;
}
