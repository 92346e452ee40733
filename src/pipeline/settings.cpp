// The settings both front ends take, validated into library options (moved here from the command line so that
// the Python module gives the same values the same meaning and the same messages).
#include "vidsplit/settings.hpp"

#include "vidsplit/error.hpp"
#include "vidsplit/sources.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>

namespace vidsplit {

namespace {
// --speed: the decoding shortcuts each name takes (README "Performance" has each one's speed and accuracy).
struct Speed {
  const char* name;
  bool skip_deblock, reference_frames_only, reduced_resolution, keyframes_first;
};
constexpr Speed kSpeeds[] = {{"normal", false, false, false, false},
                             {"no-deblock", true, false, false, false},
                             {"ref-frames", false, true, false, false},
                             {"lowres", false, false, true, false},
                             {"keyframes", false, false, false, true},
                             {"fast", true, true, true, true}};
}  // namespace

int checked_group_threshold(int group_threshold) {
  if (group_threshold < 0 || group_threshold > 32) throw ConfigError("--group-threshold must be 0..32");
  return group_threshold;
}

ScanOptions to_scan_options(const ScanSettings& s, int threads) {
  ScanOptions o;
  o.detector = s.detector;
  o.detection.threshold = s.threshold;
  o.detection.min_shot_seconds = s.min_shot;
  o.detection.adaptive_ratio = s.adaptive_ratio;
  o.detection.min_hash_change = s.min_hash_change;
  o.detection.adaptive_window = s.adaptive_window;
  o.detection.flash_frames = s.flash_frames;
  o.detection.black_level = s.black_level;
  o.detection.white_level = s.white_level;
  o.detection.max_fade_seconds = s.max_fade;
  o.detection.dissolve_min_change = s.dissolve_min_change;
  o.detection.dissolve_max_residual = s.dissolve_max_residual;
  o.detection.histogram_threshold = s.histogram_threshold;
  o.decoder.max_pixels = s.max_pixels;
  o.decoder.max_seconds = s.max_seconds;
  const Speed* speed = std::find_if(std::begin(kSpeeds), std::end(kSpeeds), [&](const Speed& k) { return k.name == s.speed; });
  if (speed == std::end(kSpeeds))
    throw ConfigError(
        fmt::format("--speed must be normal, no-deblock, ref-frames, lowres, keyframes or fast, not '{}'", s.speed));
  o.decoder.skip_deblock = speed->skip_deblock;
  o.decoder.reference_frames_only = speed->reference_frames_only;
  o.decoder.reduced_resolution = speed->reduced_resolution;
  o.keyframes_first = speed->keyframes_first;
  if (!(s.max_seconds >= 0)) throw ConfigError("--max-seconds-per-video must be >= 0");
  o.decoder.analysis_size = s.analysis_size;
  o.threads = threads;
  if (threads < 0) throw ConfigError("--threads must be >= 0");
  if (s.max_pixels < 0) throw ConfigError("--max-pixels must be >= 0");
  if (s.analysis_size < 16 || s.analysis_size > 512) throw ConfigError("--analysis-size must be 16..512");
  make_detector(o.detector, o.detection);  // validates the name and thresholds before any decoding
  return o;
}

namespace {
std::string speed_name(const ScanOptions& o) {
  const DecoderOptions& d = o.decoder;
  for (const Speed& k : kSpeeds)
    if (k.skip_deblock == d.skip_deblock && k.reference_frames_only == d.reference_frames_only &&
        k.reduced_resolution == d.reduced_resolution && k.keyframes_first == o.keyframes_first)
      return k.name;
  return "custom";
}
}  // namespace

nlohmann::json scan_parameters(const ScanOptions& o) {
  nlohmann::json threshold = o.detection.threshold ? nlohmann::json(*o.detection.threshold) : nlohmann::json(nullptr);
  return {{"detector", o.detector},
          {"threshold", threshold},
          {"min_shot_seconds", o.detection.min_shot_seconds},
          {"adaptive_ratio", o.detection.adaptive_ratio},
          {"min_hash_change", o.detection.min_hash_change},
          {"adaptive_window", o.detection.adaptive_window},
          {"flash_frames", o.detection.flash_frames},
          {"black_level", o.detection.black_level},
          {"white_level", o.detection.white_level},
          {"max_fade_seconds", o.detection.max_fade_seconds},
          {"dissolve_min_change", o.detection.dissolve_min_change},
          {"dissolve_max_residual", o.detection.dissolve_max_residual},
          {"histogram_threshold", o.detection.histogram_threshold},
          {"analysis_size", o.decoder.analysis_size},
          {"speed", speed_name(o)},
          {"keyframes_per_clip", o.keyframes_per_clip}};
}

SplitOptions to_split_options(const SplitSettings& s) {
  SplitOptions o;
  o.ratios = parse_ratios(s.ratios);
  o.grouping.unit = parse_unit(s.unit);
  o.seed = s.seed;
  o.guard_seconds = s.guard;
  if (!(s.guard >= 0.0)) throw ConfigError("--guard must be >= 0 seconds");
  if (s.guard > 0 && o.grouping.unit != Unit::Clip)
    throw ConfigError("--guard applies only with --unit clip (whole videos have no boundaries to guard)");
  o.grouping.hash_threshold = checked_group_threshold(s.group_threshold);
  o.grouping.temporal = !s.no_temporal_match;
  o.balance_by = parse_balance_by(s.balance_by);
  if (s.min_per_class < 0) throw ConfigError("--min-per-class must be >= 0");
  o.min_per_class = s.min_per_class;
  if (s.folds == 1 || s.folds < 0 || s.folds > 100) throw ConfigError("--folds must be 2..100 (or 0 for --ratios)");
  if (s.folds > 0) {
    if (s.ratios != "train=0.8,val=0.2") throw ConfigError("give --ratios or --folds, not both");
    o.folds = s.folds;
    o.ratios.clear();
    for (int k = 0; k < s.folds; ++k) o.ratios.push_back({fmt::format("fold{}", k), 1.0 / s.folds});
  }
  o.stable = s.stable;
  if (!s.keep.empty()) o.keep = read_kept_split(s.keep);
  o.grouping.sources = to_source_options(s.source_pattern, s.sources);
  if (!s.segments.empty()) {
    o.segments = read_segments(s.segments);
    if (o.segments.empty()) throw ConfigError(fmt::format("{}: holds no segments", s.segments));
  }
  return o;
}

nlohmann::json split_parameters(const SplitOptions& o) {
  nlohmann::json ratios = nlohmann::json::object();
  for (const auto& r : o.ratios) ratios[r.name] = r.fraction;
  return {{"ratios", ratios},
          {"unit", to_string(o.grouping.unit)},
          {"seed", o.seed},
          {"guard_seconds", o.guard_seconds},
          {"group_threshold", o.grouping.hash_threshold},
          {"temporal_match", o.grouping.temporal},
          {"balance_by", to_string(o.balance_by)},
          {"min_per_class", o.min_per_class},
          {"folds", o.folds},
          {"stable", o.stable},
          {"keep", o.keep ? nlohmann::json(o.keep->source) : nlohmann::json(nullptr)},
          {"segments", o.segments.size()},
          {"source_pattern", o.grouping.sources.pattern.empty() ? nlohmann::json(nullptr)
                                                                : nlohmann::json(o.grouping.sources.pattern)},
          {"sources", o.grouping.sources.table_path.empty() ? nlohmann::json(nullptr)
                                                             : nlohmann::json(o.grouping.sources.table_path)}};
}

SourceOptions to_source_options(const std::string& pattern, const std::string& table) {
  SourceOptions o;
  if (!pattern.empty()) {
    o.pattern = source_pattern(pattern);
    try {
      check_source_pattern(o.pattern);
    } catch (const ConfigError& e) {
      throw ConfigError(fmt::format("--source-pattern: {}", e.what()));
    }
  }
  if (!table.empty()) {
    o.table = read_sources_csv(table);
    o.table_path = table;
  }
  return o;
}

}  // namespace vidsplit
