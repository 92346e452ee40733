// User-facing settings of a scan and a split, as the command line and the Python module take them (names and
// units of the options, speed names, ratio specs), validated into the library's options. One place, so that
// both front ends accept the same values and report a bad one with the same message.
#pragma once

#include "vidsplit/scan.hpp"
#include "vidsplit/split.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace vidsplit {

struct ScanSettings {
  std::string detector = "auto";
  std::optional<double> threshold;
  double min_shot = 0.5;
  int64_t max_pixels = int64_t{1} << 27;  // ~16K x 8K: decoders hold several frames at once
  double max_seconds = 0;
  std::string speed = "normal";
  int analysis_size = 64;
  double adaptive_ratio = 3.0;
  int min_hash_change = 12;
  int adaptive_window = 2;
  int flash_frames = 3;
  double black_level = 12.0;
  double white_level = 235.0;
  double max_fade = 3.0;
  double dissolve_min_change = 18.0;
  double dissolve_max_residual = 0.3;
  double histogram_threshold = 0.35;
};

struct SplitSettings {
  std::string ratios = "train=0.8,val=0.2";
  std::string unit = "video";
  uint64_t seed = 0;
  double guard = 0.0;
  int group_threshold = 10;
  bool no_temporal_match = false;  // keyframe matching only: no partial-overlap search over temporal samples
  std::string balance_by = "frames";
  int min_per_class = 1;
  int folds = 0;
  bool stable = false;
  std::string keep;      // an earlier clips.csv; empty = none
  std::string segments;  // a segments CSV or ActivityNet JSON; empty = none
  std::string source_pattern;  // a preset name (ucf101, hmdb51, kinetics) or a regex; empty = none
  std::string sources;         // a video,source CSV; empty = none
};

// Validated options (ConfigError naming the option on a bad value); `threads` is the worker budget (0 = all
// cores, < 0 refused). No stop flag is set.
ScanOptions to_scan_options(const ScanSettings& s, int threads);
SplitOptions to_split_options(const SplitSettings& s);
// A near-duplicate Hamming threshold (GroupingOptions::hash_threshold), checked to be 0..32.
int checked_group_threshold(int group_threshold);
// The source pattern (a preset name or a regex, checked) and the video,source table; either may be empty.
SourceOptions to_source_options(const std::string& pattern, const std::string& table);
// The JSON record of the options in scan.jsonl's header and summary.json (nothing run-dependent such as threads).
nlohmann::json scan_parameters(const ScanOptions& o);
nlohmann::json split_parameters(const SplitOptions& o);

}  // namespace vidsplit
