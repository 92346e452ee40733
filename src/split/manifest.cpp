#include "vidsplit/hash.hpp"
#include "vidsplit/split.hpp"

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

SplitProblem make_problem(const std::vector<VideoScan>& scans, const Grouping& grouping,
                          const SplitOptions& options) {
  SplitProblem p;
  p.ratios = options.ratios;
  p.seed = options.seed;
  std::map<std::string, int> label_index;
  for (const auto& s : scans)
    if (s.ok()) label_index.emplace(s.label, 0);
  for (auto& [label, index] : label_index) {
    index = static_cast<int>(p.labels.size());
    p.labels.push_back(label);
  }
  p.items.resize(static_cast<size_t>(grouping.group_count));
  std::vector<bool> keyed(p.items.size(), false);
  for (size_t v = 0; v < scans.size(); ++v) {
    if (!scans[v].ok()) continue;
    const int label = label_index.at(scans[v].label);
    for (size_t c = 0; c < scans[v].shots.size(); ++c) {
      const auto g = static_cast<size_t>(grouping.group_of[v][c]);
      SplitItem& item = p.items[g];
      const Shot& shot = scans[v].shots[c];
      const auto frames = static_cast<double>(shot.end_frame - shot.start_frame);
      auto it = std::find_if(item.weight_by_label.begin(), item.weight_by_label.end(),
                             [&](const auto& lw) { return lw.first == label; });
      if (it == item.weight_by_label.end()) {
        item.weight_by_label.emplace_back(label, frames);
      } else {
        it->second += frames;
      }
      // The group's identity for seeded ordering: its first clip, by name, not by position.
      if (!keyed[g]) {
        item.key = hash_string(scans[v].video, static_cast<uint64_t>(c));
        keyed[g] = true;
      }
    }
  }
  for (auto& item : p.items) std::sort(item.weight_by_label.begin(), item.weight_by_label.end());
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
  outcome.problem = make_problem(scans, outcome.grouping, options);
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
  return outcome;
}

}  // namespace vidsplit
