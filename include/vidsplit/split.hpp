// Stage 6: the split. Whole groups go to named splits so that the overall and per-class weights (frames)
// hit the requested ratios; then each clip's rows become the manifest.
#pragma once

#include "vidsplit/groups.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vidsplit {

struct SplitRatio {
  std::string name;
  double fraction = 0.0;
};

// "train=0.8,val=0.2": names of letters, digits, '_' or '-', unique, not "excluded"; fractions > 0 that
// sum to 1 (within 1e-6). Throws ConfigError with the reason.
std::vector<SplitRatio> parse_ratios(std::string_view spec);

// One group to place: its weight per label (labels are indices into SplitProblem::labels).
struct SplitItem {
  std::vector<std::pair<int, double>> weight_by_label;
  uint64_t key = 0;  // content-derived identity, for seeded tie-breaks and --stable
  int fixed_split = -1;  // >= 0: already placed (--keep, --stable); the solver counts it but never moves it
  double total() const;
  int main_label() const;  // the label with the most weight (lowest index on ties)
};

struct SplitProblem {
  std::vector<std::string> labels;
  std::vector<SplitItem> items;
  std::vector<SplitRatio> ratios;
  uint64_t seed = 0;
  // Every class gets at least this many groups (counted by their main label) in every split, when it has
  // at least min_per_class x splits groups; classes with fewer are named in a warning.
  int min_per_class = 0;
  std::vector<std::string> warnings;  // found while building the problem (e.g. --keep conflicts)
};

struct SplitSolution {
  std::vector<int> split_of_item;            // index into ratios
  std::vector<double> overall_fraction;      // achieved, per split
  std::vector<std::vector<double>> label_fraction;  // [label][split]
  std::vector<std::string> warnings;         // infeasible ratios, named by class
};

// Greedy placement (large groups first, seeded order among similar sizes) followed by local search with
// moves and swaps, minimising the summed per-class and overall deviations from the ratios. Deterministic.
// Items with fixed_split keep it. The --min-per-class floor is reached by a repair step after the greedy
// pass and then kept by the local search. Warnings name classes whose ratios cannot be met.
SplitSolution solve_split(const SplitProblem& problem);

// --stable: the split of a group from a hash of its content key and the seed alone, bucketed by the
// cumulative ratios, so adding videos never moves a group that was there before.
int stable_split(uint64_t key, uint64_t seed, const std::vector<SplitRatio>& ratios);

// What a group weighs (--balance-by): decoded frames, seconds, or clips (shots; transitions weigh 0).
enum class BalanceBy { Frames, Seconds, Clips };
BalanceBy parse_balance_by(std::string_view text);  // throws ConfigError
std::string_view to_string(BalanceBy by);

// --keep: an earlier clips.csv. Its non-excluded rows pin the groups they overlap to their split.
struct KeptRow {
  int64_t start_frame = 0;
  int64_t end_frame = 0;
  std::string split;
};
struct KeptSplit {
  std::string source;                                   // the file, for messages
  std::map<std::string, std::vector<KeptRow>> by_video;  // video id -> its rows, in file order
};
// Reads clips.csv (columns video,start_frame,end_frame,split at least). Throws ConfigError naming the
// file and line.
KeptSplit read_kept_split(const std::string& path);

// `vidsplit assign`: a problem from a table of precomputed groups, one `group,label,weight` row per group and
// label (a group may have several). Group names are kept in order of first appearance in `group_names`.
// Throws ConfigError naming the file and line.
SplitProblem read_group_table(const std::string& path, std::vector<std::string>& group_names);

// ---- Manifest ----

enum class RowKind { Shot, Transition, Guard };
std::string_view to_string(RowKind kind);

inline constexpr std::string_view kExcluded = "excluded";
inline constexpr int64_t kNoGroup = -1;  // the group of excluded rows

struct ManifestRow {
  std::string video;
  int clip = 0;
  RowKind kind = RowKind::Shot;
  int64_t start_frame = 0;
  int64_t end_frame = 0;
  double start_sec = 0.0;
  double end_sec = 0.0;
  std::string label;
  int64_t group = kNoGroup;
  std::string split;
};

// --segments: annotated action segments, the units to split instead of whole groups.
struct Segment {
  std::string video;  // as in the file: a video id, or (ActivityNet) a name matched against file stems
  double start_sec = 0.0;
  double end_sec = 0.0;
  std::string label;
  size_t line = 0;  // where it came from, for messages (CSV line; JSON: 0)
};
// FILE.csv with columns video,start_sec,end_sec,label, or an ActivityNet-style JSON
// ({"database": {"<video>": {"annotations": [{"segment": [start, end], "label": "..."}]}}}). Throws
// ConfigError naming the file (and line) on a malformed file or a segment with end <= start.
std::vector<Segment> read_segments(const std::string& path);

// One manifest row per segment (OUT/segments.csv).
struct SegmentRow {
  std::string video;      // the scanned video's id
  int segment = 0;        // index among the video's segments, in time order
  double start_sec = 0.0; // as annotated
  double end_sec = 0.0;
  int64_t start_frame = 0;  // decoded frames whose time is in [start_sec, end_sec)
  int64_t end_frame = 0;
  std::string label;
  int64_t group = kNoGroup;
  std::string split;
};

struct SplitOptions {
  std::vector<SplitRatio> ratios;
  uint64_t seed = 0;
  double guard_seconds = 0.0;  // clip unit only
  GroupingOptions grouping;
  BalanceBy balance_by = BalanceBy::Frames;
  int min_per_class = 1;
  bool stable = false;
  std::optional<KeptSplit> keep;
  int folds = 0;  // > 0: ratios are fold0..fold<K-1>, and clips.csv gets a `fold` column
  // Non-empty: each segment joins the groups of the shots it overlaps, groups are weighted by their
  // segments (per segment label), and SplitOutcome::segment_rows is filled.
  std::vector<Segment> segments;
};

struct SplitOutcome {
  std::vector<ManifestRow> rows;
  Grouping grouping;
  SplitProblem problem;
  SplitSolution solution;
  std::vector<int> split_of_group;  // index into ratios, per group id
  std::vector<SegmentRow> segment_rows;  // --segments: in video order, then time order
};

// Groups, splits and lays out the manifest rows of every usable video, in video order.
// Transition rows whose neighbours went to different splits, and guard bands, are `excluded`.
SplitOutcome split_scans(const std::vector<VideoScan>& scans, const SplitOptions& options);

}  // namespace vidsplit
