#pragma once
#include <stdexcept>
#include <string>

namespace ql::core {

/// An error a user can act on: `what()` says what went wrong and names the
/// file, layer or value involved; `hint()` says what to do about it.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string &message, std::string hint = {})
        : std::runtime_error(message), m_hint(std::move(hint))
    {
    }
    const std::string &hint() const noexcept { return m_hint; }
    /// what() followed by the hint, when there is one.
    std::string full() const { return m_hint.empty() ? std::string(what()) : std::string(what()) + " " + m_hint; }

private:
    std::string m_hint;
};

/// Refusal to load a file that would run code stored in it (a TorchScript archive) because
/// the user has not said that the file is trusted. Front ends ask and retry with trust.
class TrustError : public Error {
public:
    TrustError(const std::string &message, std::string hint, std::string file)
        : Error(message, std::move(hint)), m_file(std::move(file))
    {
    }
    const std::string &file() const noexcept { return m_file; }

private:
    std::string m_file;
};

} // namespace ql::core
