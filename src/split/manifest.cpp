#include "split/segments.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/hash.hpp"
#include "vidsplit/split.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace vidsplit {

std::string_view to_string(RowKind kind) {
  switch (kind) {
    case RowKind::Shot: return "shot";
    case RowKind::Transition: return "transition";
    case RowKind::Guard: return "guard";
  }
  return "shot";
}

namespace {

// The weight of one clip under --balance-by.
double clip_weight(const VideoScan& scan, const Shot& shot, BalanceBy by) {
  switch (by) {
    case BalanceBy::Frames: return static_cast<double>(shot.end_frame - shot.start_frame);
    case BalanceBy::Seconds: return scan.times.seconds(shot.end_frame) - scan.times.seconds(shot.start_frame);
    case BalanceBy::Clips: return shot.kind == ShotKind::Shot ? 1.0 : 0.0;
  }
  return 0.0;
}

void add_weight(SplitItem& item, int label, double weight) {
  auto it = std::find_if(item.weight_by_label.begin(), item.weight_by_label.end(),
                         [&](const auto& lw) { return lw.first == label; });
  if (it == item.weight_by_label.end()) {
    item.weight_by_label.emplace_back(label, weight);
  } else {
    it->second += weight;
  }
}

// The split of --keep's rows that overlap [start, end) the most (excluded rows don't count); -1 if none.
int kept_split_of(const std::vector<KeptRow>& rows, int64_t start, int64_t end,
                  const std::vector<SplitRatio>& ratios, const std::string& source) {
  int best = -1;
  int64_t best_overlap = 0;
  for (const KeptRow& k : rows) {
    if (k.split == kExcluded) continue;
    const int64_t overlap = std::min(end, k.end_frame) - std::max(start, k.start_frame);
    if (overlap <= best_overlap) continue;
    const auto it = std::find_if(ratios.begin(), ratios.end(), [&](const SplitRatio& r) { return r.name == k.split; });
    if (it == ratios.end())
      throw ConfigError(fmt::format("{}: split '{}' is not one of --ratios; give the same split names", source,
                                    k.split));
    best = static_cast<int>(it - ratios.begin());
    best_overlap = overlap;
  }
  return best;
}

SplitProblem make_problem(const std::vector<VideoScan>& scans, const Grouping& grouping,
                          const SplitOptions& options, const std::vector<PlacedSegment>& segments) {
  const bool by_segments = !options.segments.empty();
  SplitProblem p;
  p.ratios = options.ratios;
  p.seed = options.seed;
  p.min_per_class = options.min_per_class;
  std::map<std::string, int> label_index;
  if (by_segments) {
    for (const auto& s : segments) label_index.emplace(s.label, 0);
  } else {
    for (const auto& s : scans)
      if (s.ok()) label_index.emplace(s.label, 0);
  }
  for (auto& [label, index] : label_index) {
    index = static_cast<int>(p.labels.size());
    p.labels.push_back(label);
  }
  p.items.resize(static_cast<size_t>(grouping.group_count));
  std::vector<bool> keyed(p.items.size(), false);
  // --stable: a group's key is the smallest content key of its clips (the video stream's hash, plus the
  // clip index in clip unit), so it depends on what the group holds, never on names or positions.
  std::vector<uint64_t> stable_key(p.items.size(), ~uint64_t{0});
  // --keep: weight of each group's clips pinned to each split.
  std::vector<std::map<int, double>> pinned(p.items.size());
  for (size_t v = 0; v < scans.size(); ++v) {
    if (!scans[v].ok()) continue;
    const int label = by_segments ? -1 : label_index.at(scans[v].label);
    const std::vector<KeptRow>* kept = nullptr;
    if (options.keep) {
      const auto it = options.keep->by_video.find(scans[v].video);
      if (it != options.keep->by_video.end()) kept = &it->second;
    }
    for (size_t c = 0; c < scans[v].shots.size(); ++c) {
      const auto g = static_cast<size_t>(grouping.group_of[v][c]);
      SplitItem& item = p.items[g];
      const Shot& shot = scans[v].shots[c];
      if (!by_segments) add_weight(item, label, clip_weight(scans[v], shot, options.balance_by));
      // The group's identity for seeded ordering: its first clip, by name, not by position.
      if (!keyed[g]) {
        item.key = hash_string(scans[v].video, static_cast<uint64_t>(c));
        keyed[g] = true;
      }
      const uint64_t content_key = options.grouping.unit == Unit::Clip
                                       ? mix64(scans[v].content_hash ^ mix64(static_cast<uint64_t>(c)))
                                       : scans[v].content_hash;
      stable_key[g] = std::min(stable_key[g], content_key);
      if (kept) {
        const int s = kept_split_of(*kept, shot.start_frame, shot.end_frame, options.ratios, options.keep->source);
        if (s >= 0) pinned[g][s] += std::max(1.0, static_cast<double>(shot.end_frame - shot.start_frame));
      }
    }
  }
  for (const PlacedSegment& s : segments) {
    const double weight = options.balance_by == BalanceBy::Frames    ? static_cast<double>(s.end_frame - s.start_frame)
                          : options.balance_by == BalanceBy::Seconds ? s.end_sec - s.start_sec
                                                                     : 1.0;
    add_weight(p.items[static_cast<size_t>(s.group)], label_index.at(s.label), weight);
  }
  for (size_t g = 0; g < p.items.size(); ++g) {
    SplitItem& item = p.items[g];
    std::sort(item.weight_by_label.begin(), item.weight_by_label.end());
    if (!pinned[g].empty()) {
      // The kept split holding most of the group's frames; a group kept in several splits was leaking.
      auto best = pinned[g].begin();
      for (auto it = pinned[g].begin(); it != pinned[g].end(); ++it)
        if (it->second > best->second) best = it;
      item.fixed_split = best->first;
      if (pinned[g].size() > 1)
        p.warnings.push_back(fmt::format(
            "--keep: group {} has clips kept in {} different splits (they leak); all of it now goes to '{}'", g,
            pinned[g].size(), p.ratios[static_cast<size_t>(best->first)].name));
    } else if (options.stable) {
      item.fixed_split = stable_split(stable_key[g], options.seed, options.ratios);
    }
  }
  return p;
}

// Rows of one video before guard bands: one per shot, transitions resolved against their neighbours.
std::vector<ManifestRow> video_rows(const VideoScan& scan, const std::vector<int64_t>& group_of,
                                    const std::vector<std::string>& split_name, Unit unit) {
  std::vector<ManifestRow> rows;
  for (const Shot& shot : scan.shots) {
    ManifestRow r;
    r.video = scan.video;
    r.clip = shot.index;
    r.kind = shot.kind == ShotKind::Shot ? RowKind::Shot : RowKind::Transition;
    r.start_frame = shot.start_frame;
    r.end_frame = shot.end_frame;
    r.label = scan.label;
    r.group = group_of[static_cast<size_t>(shot.index)];
    r.split = split_name[static_cast<size_t>(r.group)];
    rows.push_back(std::move(r));
  }
  if (unit == Unit::Clip) {
    // A transition blends the shots on both sides; if they went to different splits it belongs to neither.
    for (size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].kind != RowKind::Transition || i == 0 || i + 1 == rows.size()) continue;
      if (rows[i - 1].split != rows[i + 1].split) {
        rows[i].split = kExcluded;
        rows[i].group = kNoGroup;
      }
    }
  }
  return rows;
}

// Cuts `guard` seconds off both sides of every place where the split changes, as excluded guard rows.
std::vector<ManifestRow> add_guards(std::vector<ManifestRow> rows, const FrameTimes& times, double guard) {
  const size_t n = rows.size();
  std::vector<int64_t> core_start(n), core_end(n);
  for (size_t i = 0; i < n; ++i) {
    core_start[i] = rows[i].start_frame;
    core_end[i] = rows[i].end_frame;
  }
  for (size_t i = 0; i < n; ++i) {
    if (rows[i].split == kExcluded) continue;
    size_t j = i + 1;
    while (j < n && rows[j].split == kExcluded) ++j;
    if (j == n || rows[j].split == rows[i].split) continue;
    const double left_edge = times.seconds(rows[i].end_frame);
    const double right_edge = times.seconds(rows[j].start_frame);
    core_end[i] = std::max(core_start[i], std::min(core_end[i], times.frame_at_or_after(left_edge - guard)));
    core_start[j] = std::min(core_end[j], std::max(core_start[j], times.frame_at_or_after(right_edge + guard)));
  }
  std::vector<ManifestRow> out;
  for (size_t i = 0; i < n; ++i) {
    const ManifestRow& r = rows[i];
    auto piece = [&](int64_t start, int64_t end, bool guard_piece) {
      if (start >= end) return;
      ManifestRow p = r;
      p.start_frame = start;
      p.end_frame = end;
      if (guard_piece) {
        p.kind = RowKind::Guard;
        p.split = kExcluded;
        p.group = kNoGroup;
      }
      out.push_back(std::move(p));
    };
    if (core_start[i] >= core_end[i]) {
      piece(r.start_frame, r.end_frame, r.split != kExcluded);
      continue;
    }
    piece(r.start_frame, core_start[i], true);
    piece(core_start[i], core_end[i], false);
    piece(core_end[i], r.end_frame, true);
  }
  return out;
}

}  // namespace

SplitOutcome split_scans(const std::vector<VideoScan>& scans, const SplitOptions& options) {
  SplitOutcome outcome;
  outcome.grouping = group_clips(scans, options.grouping);
  std::vector<std::string> segment_warnings;
  std::vector<PlacedSegment> segments;
  if (!options.segments.empty())
    segments = place_segments(scans, outcome.grouping, options.segments, segment_warnings);
  outcome.problem = make_problem(scans, outcome.grouping, options, segments);
  outcome.problem.warnings.insert(outcome.problem.warnings.begin(), segment_warnings.begin(), segment_warnings.end());
  const SourceOptions& sources = options.grouping.sources;
  if (!sources.table.empty()) {
    std::vector<std::string> ids;
    for (const VideoScan& s : scans) ids.push_back(s.video);
    if (const size_t unknown = unknown_table_videos(ids, sources))
      outcome.problem.warnings.insert(outcome.problem.warnings.begin(),
                                      fmt::format("{}: {} of its {} videos are not among the {} scanned videos",
                                                  sources.table_path, unknown, sources.table.size(), scans.size()));
  }
  outcome.solution = solve_split(outcome.problem);
  outcome.split_of_group = outcome.solution.split_of_item;

  std::vector<std::string> split_name;
  for (int s : outcome.split_of_group) split_name.push_back(options.ratios[static_cast<size_t>(s)].name);

  const bool guards = options.grouping.unit == Unit::Clip && options.guard_seconds > 0;
  for (size_t v = 0; v < scans.size(); ++v) {
    if (!scans[v].ok()) continue;
    auto rows = video_rows(scans[v], outcome.grouping.group_of[v], split_name, options.grouping.unit);
    if (guards) rows = add_guards(std::move(rows), scans[v].times, options.guard_seconds);
    for (ManifestRow& r : rows) {
      r.start_sec = scans[v].times.seconds(r.start_frame);
      r.end_sec = scans[v].times.seconds(r.end_frame);
      outcome.rows.push_back(std::move(r));
    }
  }
  for (const PlacedSegment& s : segments) {
    SegmentRow r;
    r.video = scans[s.video].video;
    r.segment = s.index;
    r.start_sec = s.start_sec;
    r.end_sec = s.end_sec;
    r.start_frame = s.start_frame;
    r.end_frame = s.end_frame;
    r.label = s.label;
    r.group = s.group;
    r.split = split_name[static_cast<size_t>(s.group)];
    outcome.segment_rows.push_back(std::move(r));
  }
  return outcome;
}

}  // namespace vidsplit
