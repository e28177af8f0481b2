#include "app/cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace ql::app::cli {

std::string formatSeconds(double s)
{
    if (s < 0)
        return "?";
    const long t = static_cast<long>(s + 0.5);
    char buf[32];
    if (t >= 3600)
        std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else if (t >= 60)
        std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
    else
        std::snprintf(buf, sizeof buf, "%lds", t);
    return buf;
}

ProgressBar::ProgressBar() : m_tty(::isatty(STDERR_FILENO) == 1) { }

ProgressBar::~ProgressBar()
{
    try {
        finish();
    } catch (...) {
        // A destructor never throws: it may run while another exception unwinds.
    }
}

void ProgressBar::update(const types::JobProgress &p)
{
    const auto now = std::chrono::steady_clock::now();
    const double sinceLast = std::chrono::duration<double>(now - m_last).count();
    const bool last = p.total > 0 && p.done >= p.total;
    // A terminal is redrawn up to 10 times a second; a log gets a line every 5 s.
    if (!last && sinceLast < (m_tty ? 0.1 : 5.0))
        return;
    m_last = now;
    const double frac = p.total > 0 ? std::min(1.0, double(p.done) / double(p.total)) : 0.0;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    char line[512];
    std::snprintf(line, sizeof line, "%-6s [%s] %5.1f%%  %lld/%lld  ETA %s  %s", p.job.c_str(), bar.c_str(), 100 * frac,
                  static_cast<long long>(p.done), static_cast<long long>(p.total), formatSeconds(p.etaSeconds).c_str(),
                  p.message.c_str());
    if (m_tty) {
        std::cerr << "\r\033[K" << line << std::flush;
        m_drawn = true;
    } else {
        std::cerr << line << "\n";
    }
}

void ProgressBar::message(const std::string &line)
{
    if (m_tty && m_drawn)
        std::cerr << "\r\033[K";
    std::cerr << line << "\n";
    m_drawn = false;
}

void ProgressBar::finish()
{
    if (m_tty && m_drawn)
        std::cerr << "\n";
    m_drawn = false;
}

} // namespace ql::app::cli
