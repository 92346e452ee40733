// Scan progress on stderr: videos done of total, frames/s and ETA. On a terminal, one live line redrawn in
// place; otherwise (a batch job's log file) a plain line every few seconds. Silent with --quiet.
#pragma once

#include "vidsplit/scan.hpp"

#include <chrono>
#include <string>

namespace vidsplit::cli {

class ProgressLine {
 public:
  // `every_seconds`: the interval of the plain lines when stderr is not a terminal.
  ProgressLine(bool enabled, double every_seconds);
  ~ProgressLine();
  void update(const ScanProgress& p);
  // Ends the live line; off a terminal, prints the final counts if any plain line was printed.
  void finish();

 private:
  std::string text(const ScanProgress& p) const;

  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool terminal_;
  Clock::duration every_;
  Clock::time_point start_;
  Clock::time_point last_line_;
  bool drawn_ = false;     // terminal: a live line is on screen
  bool printed_ = false;   // plain: a line went out since the last finish()
  ScanProgress last_;
  bool last_printed_ = true;  // plain: `last_` is already in the log
};

}  // namespace vidsplit::cli
