#pragma once
// Reading JSON that users hand to QuantLens (config files, sessions, model descriptions):
// bounded in size and nesting, and every field read with its type and range checked, so that
// a bad file is a ql::core::Error naming the file and the field, never a crash, a silent
// truncation or a libtorch-sized allocation. Torch-free.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace ql::core {

/// Deepest nesting of arrays and objects accepted in a JSON file.
constexpr int kMaxJsonDepth = 256;
/// Largest JSON file read (sessions hold results; configs and descriptions are tiny).
constexpr uint64_t kMaxJsonFileBytes = uint64_t{64} << 20;

/// The contents of the text file `path`. `what` ("Session", "Config file", ...) starts the
/// messages. Throws ql::core::Error for a missing, unreadable or larger than `maxBytes` file.
std::string readTextFile(const std::filesystem::path &path, const std::string &what,
                         uint64_t maxBytes = kMaxJsonFileBytes);

/// Throws ql::core::Error naming `source` when `text` nests arrays/objects deeper than `maxDepth`.
/// Linear in the text, no recursion.
void checkJsonDepth(std::string_view text, const std::string &source, int maxDepth = kMaxJsonDepth);

/// Parses `text` after checkJsonDepth. Syntax errors are ql::core::Error naming `what` and `source`.
nlohmann::json parseJson(const std::string &text, const std::string &what, const std::string &source);

/// Typed field access: `where` names the file (and object) in messages, e.g. "Session 's.qls'".
/// A missing field gives `fallback`; a field of another type or out of [lo, hi] throws.
int64_t jsonInteger(const nlohmann::json &object, const char *field, int64_t lo, int64_t hi, int64_t fallback,
                    const std::string &where);
bool jsonBool(const nlohmann::json &object, const char *field, bool fallback, const std::string &where);
std::string jsonString(const nlohmann::json &object, const char *field, const std::string &fallback,
                       const std::string &where);
/// A finite number (integers accepted).
double jsonNumber(const nlohmann::json &object, const char *field, double fallback, const std::string &where);
/// The field, which must be present; throws naming it otherwise.
const nlohmann::json &jsonRequired(const nlohmann::json &object, const char *field, const std::string &where);

} // namespace ql::core
