#pragma once
// A progress bar on a terminal (stderr), plain lines otherwise.
#include "ql/types/telemetry.h"

#include <chrono>
#include <string>

namespace ql::app::cli {

class ProgressBar {
public:
    ProgressBar();
    ~ProgressBar();
    void update(const types::JobProgress &p);
    /// Prints a line above the bar.
    void message(const std::string &line);
    void finish();

private:
    bool m_tty;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_last{};
};

/// "1m23s" / "45s".
std::string formatSeconds(double seconds);

} // namespace ql::app::cli
