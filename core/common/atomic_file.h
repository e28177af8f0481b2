#pragma once
#include <filesystem>
#include <functional>
#include <string>

namespace ql::core {

/// Writes `path` so that a reader sees either the old file or the complete
/// new one, never a part: `write` fills a temporary file in the same folder,
/// which is flushed and renamed over `path`. On failure the temporary file is
/// removed, `path` is untouched and ql::core::Error names the file.
void writeAtomically(const std::filesystem::path &path,
                     const std::function<void(const std::filesystem::path &tmp)> &write);

/// writeAtomically for text or bytes.
void writeFileAtomically(const std::filesystem::path &path, const std::string &contents);

} // namespace ql::core
