#include "core/common/json_io.h"

#include "core/common/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

namespace ql::core {

std::string readTextFile(const std::filesystem::path &path, const std::string &what, uint64_t maxBytes)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw Error(what + " '" + path.string() + "' does not exist.", "Check the path.");
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(what + " '" + path.string() + "' is not a regular file.", "Give the path of a JSON file.");
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > maxBytes)
        throw Error(what + " '" + path.string() + "' has " + std::to_string(size) + " bytes, more than the " +
                        std::to_string(maxBytes >> 20) + " MiB QuantLens reads as JSON.",
                    "Check that this is the right file.");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(what + " '" + path.string() + "' cannot be read.", "Check its permissions.");
    std::string text;
    text.resize(static_cast<size_t>(ec ? 0 : size));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (in.bad())
        throw Error(what + " '" + path.string() + "' cannot be read (input/output error).", "Check the disk.");
    return text;
}

void checkJsonDepth(std::string_view text, const std::string &source, int maxDepth)
{
    int depth = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth)
                throw Error("'" + source + "' nests arrays and objects more than " + std::to_string(maxDepth) +
                                " levels deep (at byte " + std::to_string(i) + ").",
                            "QuantLens files are a few levels deep; this file is damaged or was not written by "
                            "QuantLens.");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

nlohmann::json parseJson(const std::string &text, const std::string &what, const std::string &source)
{
    checkJsonDepth(text, source);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        // parse_error, and out_of_range for numbers no double holds (1e400).
        throw Error(what + " '" + source + "' is not valid JSON: " + e.what(),
                    "Check the file in a text editor; the message gives the position.");
    }
}

namespace {

[[noreturn]] void badField(const std::string &where, const char *field, const std::string &problem)
{
    throw Error(where + ": \"" + field + "\" " + problem + ".", "Correct the field or leave it out.");
}

std::string shortDump(const nlohmann::json &v)
{
    std::string s = v.dump();
    if (s.size() > 60)
        s = s.substr(0, 57) + "...";
    return s;
}

const nlohmann::json *member(const nlohmann::json &object, const char *field, const std::string &where)
{
    if (!object.is_object())
        throw Error(where + " must be a JSON object, got " + shortDump(object) + ".", "Check the file.");
    const auto it = object.find(field);
    return it == object.end() ? nullptr : &*it;
}

} // namespace

int64_t jsonInteger(const nlohmann::json &object, const char *field, int64_t lo, int64_t hi, int64_t fallback,
                    const std::string &where)
{
    const auto *v = member(object, field, where);
    if (!v)
        return fallback;
    if (!v->is_number_integer())
        badField(where, field, "must be a whole number, got " + shortDump(*v));
    const std::string range = " (allowed: " + std::to_string(lo) + ".." + std::to_string(hi) + ")";
    if (v->is_number_unsigned()) {
        const auto u = v->get<uint64_t>();
        if (u > static_cast<uint64_t>(hi))
            badField(where, field, "is out of range: " + shortDump(*v) + range);
        return static_cast<int64_t>(u);
    }
    const auto i = v->get<int64_t>();
    if (i < lo || i > hi)
        badField(where, field, "is out of range: " + shortDump(*v) + range);
    return i;
}

bool jsonBool(const nlohmann::json &object, const char *field, bool fallback, const std::string &where)
{
    const auto *v = member(object, field, where);
    if (!v)
        return fallback;
    if (!v->is_boolean())
        badField(where, field, "must be true or false, got " + shortDump(*v));
    return v->get<bool>();
}

std::string jsonString(const nlohmann::json &object, const char *field, const std::string &fallback,
                       const std::string &where)
{
    const auto *v = member(object, field, where);
    if (!v)
        return fallback;
    if (!v->is_string())
        badField(where, field, "must be a string, got " + shortDump(*v));
    return v->get<std::string>();
}

double jsonNumber(const nlohmann::json &object, const char *field, double fallback, const std::string &where)
{
    const auto *v = member(object, field, where);
    if (!v)
        return fallback;
    if (!v->is_number())
        badField(where, field, "must be a number, got " + shortDump(*v));
    const double d = v->get<double>();
    if (!std::isfinite(d))
        badField(where, field, "must be finite, got " + shortDump(*v));
    return d;
}

const nlohmann::json &jsonRequired(const nlohmann::json &object, const char *field, const std::string &where)
{
    const auto *v = member(object, field, where);
    if (!v)
        badField(where, field, "is missing");
    return *v;
}

} // namespace ql::core
