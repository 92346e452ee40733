#include "cli/progress.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <unistd.h>

namespace vidsplit::cli {

ProgressLine::ProgressLine(bool enabled)
    : enabled_(enabled && ::isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(const ScanProgress& p) {
  if (!enabled_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fps = elapsed > 0 ? static_cast<double>(p.frames_done) / elapsed : 0.0;
  std::string eta = "--:--";
  if (p.videos_done > 0 && p.videos_done < p.videos_total) {
    const auto left = static_cast<long>(elapsed * static_cast<double>(p.videos_total - p.videos_done) /
                                        static_cast<double>(p.videos_done));
    eta = fmt::format("{}:{:02}", left / 60, left % 60);
  } else if (p.videos_done == p.videos_total) {
    eta = "0:00";
  }
  const std::string cached = p.videos_cached > 0 ? fmt::format(" ({} cached)", p.videos_cached) : "";
  fmt::print(stderr, "\r\033[Kscan {}/{} videos{}  {} frames  {:.0f} frames/s  ETA {}", p.videos_done,
             p.videos_total, cached, p.frames_done, fps, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (drawn_) fmt::print(stderr, "\n");
  drawn_ = false;
}

}  // namespace vidsplit::cli
