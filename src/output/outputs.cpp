#include "vidsplit/outputs.hpp"

#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/leakage.hpp"
#include "vidsplit/text.hpp"
#include "vidsplit/version.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

namespace vidsplit {

using nlohmann::json;

std::string format_seconds(double seconds) { return fmt::format("{:.6f}", seconds); }

std::string clips_csv(const std::vector<ManifestRow>& rows) {
  std::string out;
  append_csv_row(out, kClipsColumns);
  for (const ManifestRow& r : rows) {
    append_csv_row(out, {r.video, std::to_string(r.clip), std::string(to_string(r.kind)),
                         std::to_string(r.start_frame), std::to_string(r.end_frame), format_seconds(r.start_sec),
                         format_seconds(r.end_sec), r.label, std::to_string(r.group), r.split});
  }
  return out;
}

std::string segments_csv(const std::vector<SegmentRow>& rows) {
  std::string out;
  append_csv_row(out, {"video", "segment", "start_sec", "end_sec", "start_frame", "end_frame", "label", "group", "split"});
  for (const SegmentRow& r : rows)
    append_csv_row(out, {r.video, std::to_string(r.segment), format_seconds(r.start_sec), format_seconds(r.end_sec),
                         std::to_string(r.start_frame), std::to_string(r.end_frame), r.label, std::to_string(r.group),
                         r.split});
  return out;
}

std::string errors_csv(const std::vector<VideoScan>& scans) {
  std::string out;
  append_csv_row(out, {"video", "error", "kind"});
  for (const VideoScan& s : scans) {
    if (!s.ok()) append_csv_row(out, {s.video, s.error, "error"});
    else if (!s.truncated.empty()) append_csv_row(out, {s.video, s.truncated, "truncated"});
  }
  return out;
}

std::string group_evidence_csv(const std::vector<VideoScan>& scans, const Grouping& grouping) {
  std::string out;
  append_csv_row(out, {"group", "video_a", "clip_a", "video_b", "clip_b", "reason", "matched_keyframes",
                       "hash_distance", "histogram_distance", "kind", "a_start_sec", "a_end_sec", "b_start_sec",
                       "b_end_sec", "score"});
  const auto fixed3 = [](double v) { return fmt::format("{:.3f}", v); };
  for (const GroupEvidence& e : grouping.evidence) {
    const auto group = grouping.group_of[e.a.video][static_cast<size_t>(e.a.clip)];
    append_csv_row(out, {std::to_string(group), scans[e.a.video].video, std::to_string(e.a.clip),
                         scans[e.b.video].video, std::to_string(e.b.clip), e.reason,
                         std::to_string(e.matched_keyframes), std::to_string(e.hash_distance),
                         fmt::format("{:.4f}", e.histogram_distance), e.kind, fixed3(e.a_start_sec),
                         fixed3(e.a_end_sec), fixed3(e.b_start_sec), fixed3(e.b_end_sec), fixed3(e.score)});
  }
  return out;
}

namespace {

struct Tally {
  std::set<std::string> videos;
  int64_t clips = 0;
  int64_t frames = 0;
  double seconds = 0.0;

  void add(const ManifestRow& r) {
    videos.insert(r.video);
    if (r.kind != RowKind::Guard) ++clips;
    frames += r.end_frame - r.start_frame;
    seconds += r.end_sec - r.start_sec;
  }
  json to_json() const {
    return {{"videos", videos.size()}, {"clips", clips}, {"frames", frames},
            {"seconds", std::round(seconds * 1e6) / 1e6}};
  }
};

double rounded(double v) { return std::round(v * 1e6) / 1e6; }

// How far the achieved fractions are from the targets: the largest overall deviation, and the mean over
// classes of each class's largest deviation.
json deviation_json(const SplitOutcome& outcome, const SplitOptions& options) {
  double overall = 0.0, class_sum = 0.0;
  const auto& sol = outcome.solution;
  for (size_t s = 0; s < options.ratios.size() && s < sol.overall_fraction.size(); ++s)
    overall = std::max(overall, std::fabs(sol.overall_fraction[s] - options.ratios[s].fraction));
  for (const auto& fractions : sol.label_fraction) {
    double worst = 0.0;
    for (size_t s = 0; s < options.ratios.size() && s < fractions.size(); ++s)
      worst = std::max(worst, std::fabs(fractions[s] - options.ratios[s].fraction));
    class_sum += worst;
  }
  const double mean_class = sol.label_fraction.empty() ? 0.0 : class_sum / static_cast<double>(sol.label_fraction.size());
  return {{"overall", rounded(overall)}, {"mean_class", rounded(mean_class)}};
}

// --segments: per split, the segments and their seconds, in total and per segment label; null without.
json segments_json(const SplitOutcome& outcome, const SplitOptions& options) {
  if (options.segments.empty()) return nullptr;
  json out = json::object();
  for (const auto& ratio : options.ratios) {
    int64_t count = 0;
    double seconds = 0.0;
    std::map<std::string, int64_t> per_label;
    for (const SegmentRow& r : outcome.segment_rows) {
      if (r.split != ratio.name) continue;
      ++count;
      seconds += r.end_sec - r.start_sec;
      ++per_label[r.label];
    }
    out[ratio.name] = {{"segments", count}, {"seconds", rounded(seconds)}, {"by_label", per_label}};
  }
  return out;
}

// clips.csv with a trailing `fold` column (--folds): the fold index, -1 on excluded rows.
std::string fold_clips_csv(const std::vector<ManifestRow>& rows, const SplitOptions& options) {
  std::string out;
  CsvRow header = kClipsColumns;
  header.push_back("fold");
  append_csv_row(out, header);
  for (const ManifestRow& r : rows) {
    int fold = -1;
    for (size_t s = 0; s < options.ratios.size(); ++s)
      if (options.ratios[s].name == r.split) fold = static_cast<int>(s);
    append_csv_row(out, {r.video, std::to_string(r.clip), std::string(to_string(r.kind)),
                         std::to_string(r.start_frame), std::to_string(r.end_frame), format_seconds(r.start_sec),
                         format_seconds(r.end_sec), r.label, std::to_string(r.group), r.split,
                         std::to_string(fold)});
  }
  return out;
}

// The leakage headline: per held-out split, the share of its frames whose footage is also in the reference
// split, for this split and for a random video-level split (README Outputs).
json leakage_json(const std::vector<VideoScan>& scans, const SplitOutcome& outcome, const SplitOptions& options) {
  const LeakageHeadline h = leakage_headline(scans, outcome, options);
  json out = {{"reference", h.reference}};
  json detail = json::object();
  for (size_t s = 0; s < h.split.size(); ++s) {
    const SharedFrames& made = h.split[s];
    const SharedFrames& random = h.random[s];
    out[fmt::format("{}_frames_shared_with_{}", made.split, h.reference)] = rounded(made.share());
    out[fmt::format("random_split_{}_frames_shared_with_{}", made.split, h.reference)] = rounded(random.share());
    detail[made.split] = {{"frames", made.frames},
                          {"shared_frames", made.shared},
                          {"random_split_frames", random.frames},
                          {"random_split_shared_frames", random.shared}};
  }
  out["splits"] = detail;
  return out;
}

// Every string and key of summary.json as text (vidsplit/text.hpp): labels and paths may be any bytes.
json as_text(const json& j) {
  if (j.is_string()) return bytes_to_text(j.get<std::string>());
  if (j.is_array()) {
    json out = json::array();
    for (const json& v : j) out.push_back(as_text(v));
    return out;
  }
  if (j.is_object()) {
    json out = json::object();
    for (const auto& [key, value] : j.items()) out[bytes_to_text(key)] = as_text(value);
    return out;
  }
  return j;
}

}  // namespace

std::string summary_json(const std::vector<VideoScan>& scans, const SplitOutcome& outcome,
                         const SplitOptions& options, const json& parameters) {
  std::map<std::string, Tally> by_split;
  std::map<std::string, std::map<std::string, Tally>> by_class;
  for (const ManifestRow& r : outcome.rows) {
    by_split[r.split].add(r);
    by_class[r.label][r.split].add(r);
  }
  json splits = json::object();
  for (size_t s = 0; s < options.ratios.size(); ++s) {
    const auto& ratio = options.ratios[s];
    json j = by_split[ratio.name].to_json();
    j["target"] = ratio.fraction;
    j["achieved"] = rounded(outcome.solution.overall_fraction[s]);
    splits[ratio.name] = j;
  }
  if (by_split.count(std::string(kExcluded))) splits[std::string(kExcluded)] = by_split[std::string(kExcluded)].to_json();

  json classes = json::object();
  for (size_t l = 0; l < outcome.problem.labels.size(); ++l) {
    const std::string& label = outcome.problem.labels[l];
    json c = json::object();
    for (size_t s = 0; s < options.ratios.size(); ++s) {
      json j = by_class[label][options.ratios[s].name].to_json();
      if (!options.segments.empty()) {
        // Classes are segment labels here: count segments, not the clip rows of videos labelled alike.
        int64_t n = 0;
        for (const SegmentRow& r : outcome.segment_rows) n += r.label == label && r.split == options.ratios[s].name;
        j = {{"segments", n}};
      }
      j["achieved"] = rounded(outcome.solution.label_fraction[l][s]);
      c[options.ratios[s].name] = j;
    }
    classes[label] = c;
  }

  json failures = json::array();
  size_t ok = 0, truncated = 0;
  for (const VideoScan& s : scans) {
    truncated += s.ok() && !s.truncated.empty();
    if (s.ok()) {
      ++ok;
    } else {
      failures.push_back({{"video", s.video}, {"error", s.error}});
    }
  }
  json summary = {{"tool", "vidsplit"},
                  {"version", kVersion},
                  {"parameters", parameters},
                  {"videos", {{"total", scans.size()}, {"ok", ok}, {"failed", scans.size() - ok}, {"truncated", truncated}}},
                  {"groups", outcome.grouping.group_count},
                  {"balance_by", std::string(to_string(options.balance_by))},
                  {"deviation", deviation_json(outcome, options)},
                  {"leakage", leakage_json(scans, outcome, options)},
                  {"splits", splits},
                  {"classes", classes},
                  {"warnings", outcome.solution.warnings},
                  {"segments", segments_json(outcome, options)},
                  {"failures", failures}};
  return as_text(summary).dump(2) + "\n";
}

void write_split_outputs(const std::string& dir, const std::vector<VideoScan>& scans,
                         const SplitOutcome& outcome, const SplitOptions& options, const json& parameters) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create output folder {}: {}", dir, ec.message()));
  const std::filesystem::path out(dir);
  // clips.csv last: its presence means the rest is complete.
  write_file_atomic((out / "errors.csv").string(), errors_csv(scans));
  write_file_atomic((out / "group_evidence.csv").string(), group_evidence_csv(scans, outcome.grouping));
  write_file_atomic((out / "summary.json").string(), summary_json(scans, outcome, options, parameters));
  if (!options.segments.empty()) write_file_atomic((out / "segments.csv").string(), segments_csv(outcome.segment_rows));
  write_file_atomic((out / "clips.csv").string(),
                    options.folds > 0 ? fold_clips_csv(outcome.rows, options) : clips_csv(outcome.rows));
}

}  // namespace vidsplit
