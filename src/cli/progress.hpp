// A live progress line on stderr: videos done of total, frames/s and ETA. Silent unless stderr is a
// terminal, and with --quiet.
#pragma once

#include "vidsplit/scan.hpp"

#include <chrono>

namespace vidsplit::cli {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled);
  ~ProgressLine();
  void update(const ScanProgress& p);
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace vidsplit::cli
