#include "cli/progress.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <unistd.h>

namespace vidsplit::cli {

ProgressLine::ProgressLine(bool enabled, double every_seconds)
    : enabled_(enabled),
      terminal_(::isatty(STDERR_FILENO) == 1),
      every_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(every_seconds))),
      start_(Clock::now()),
      last_line_(start_) {}

ProgressLine::~ProgressLine() { finish(); }

std::string ProgressLine::text(const ScanProgress& p) const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double fps = elapsed > 0 ? static_cast<double>(p.frames_done) / elapsed : 0.0;
  std::string eta = "--:--";
  if (p.videos_done > 0 && p.videos_done < p.videos_total) {
    const auto left = static_cast<long>(elapsed * static_cast<double>(p.videos_total - p.videos_done) /
                                        static_cast<double>(p.videos_done));
    eta = left >= 3600 ? fmt::format("{}:{:02}:{:02}", left / 3600, left / 60 % 60, left % 60)
                       : fmt::format("{}:{:02}", left / 60, left % 60);
  } else if (p.videos_done == p.videos_total) {
    eta = "0:00";
  }
  const std::string cached = p.videos_cached > 0 ? fmt::format(" ({} cached)", p.videos_cached) : "";
  return fmt::format("scan {}/{} videos{}  {} frames  {:.0f} frames/s  ETA {}", p.videos_done, p.videos_total,
                     cached, p.frames_done, fps, eta);
}

void ProgressLine::update(const ScanProgress& p) {
  if (!enabled_) return;
  if (terminal_) {
    fmt::print(stderr, "\r\033[K{}", text(p));
    std::fflush(stderr);
    drawn_ = true;
    return;
  }
  // A log file gets no carriage returns or escapes: whole lines, few enough to read.
  last_ = p;
  last_printed_ = false;
  const auto now = Clock::now();
  if (now - last_line_ < every_) return;
  last_line_ = now;
  fmt::print(stderr, "vidsplit: {}\n", text(p));
  std::fflush(stderr);
  printed_ = true;
  last_printed_ = true;
}

void ProgressLine::finish() {
  if (drawn_) fmt::print(stderr, "\n");
  drawn_ = false;
  if (printed_ && !last_printed_) fmt::print(stderr, "vidsplit: {}\n", text(last_));
  printed_ = false;
  last_printed_ = true;
}

}  // namespace vidsplit::cli
