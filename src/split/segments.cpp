#include "split/segments.hpp"

#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

namespace vidsplit {

namespace {

double parse_seconds(const std::string& text, const std::string& path, size_t line, const char* column) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v) && v >= 0) return v;
  } catch (const std::exception&) {
  }
  throw ConfigError(fmt::format("{}: line {}: {} '{}' is not a time in seconds", path, line, column, text));
}

std::vector<Segment> read_segments_csv(const std::string& path) {
  CsvTable table;
  try {
    table = read_csv_file(path, {"video", "start_sec", "end_sec", "label"});
  } catch (const Error& e) {
    throw ConfigError(e.what());
  }
  const size_t video = table.column("video"), start = table.column("start_sec"), end = table.column("end_sec"),
               label = table.column("label");
  std::vector<Segment> out;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    Segment s;
    s.line = table.line_of_row[r];
    s.video = row[video];
    s.label = row[label];
    if (s.video.empty()) throw ConfigError(fmt::format("{}: line {}: empty video", path, s.line));
    if (s.label.empty()) throw ConfigError(fmt::format("{}: line {}: empty label", path, s.line));
    s.start_sec = parse_seconds(row[start], path, s.line, "start_sec");
    s.end_sec = parse_seconds(row[end], path, s.line, "end_sec");
    if (!(s.end_sec > s.start_sec))
      throw ConfigError(fmt::format("{}: line {}: end_sec {} is not after start_sec {}", path, s.line, row[end],
                                    row[start]));
    out.push_back(std::move(s));
  }
  return out;
}

std::string read_file_or_config_error(const std::string& path) {
  try {
    return read_file(path);
  } catch (const Error& e) {
    throw ConfigError(e.what());
  }
}

std::vector<Segment> read_segments_json(const std::string& path) {
  nlohmann::json doc;
  const std::string text = read_file_or_config_error(path);
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // nlohmann's text starts "[json.exception.parse_error.101] "; keep only the reason after it.
    const std::string_view what = e.what();
    const size_t close = what.find("] ");
    throw ConfigError(fmt::format("{}: not valid JSON: {}", path,
                                  close == std::string_view::npos ? what : what.substr(close + 2)));
  }
  if (!doc.is_object() || !doc.contains("database") || !doc["database"].is_object())
    throw ConfigError(fmt::format("{}: expected an ActivityNet-style object with a \"database\" object", path));
  std::vector<Segment> out;
  for (const auto& [video, entry] : doc["database"].items()) {
    if (!entry.is_object() || !entry.contains("annotations")) continue;  // test videos carry no annotations
    const auto& annotations = entry["annotations"];
    if (!annotations.is_array())
      throw ConfigError(fmt::format("{}: database.{}.annotations is not an array", path, video));
    for (size_t i = 0; i < annotations.size(); ++i) {
      const auto& a = annotations[i];
      const auto where = fmt::format("{}: database.{}.annotations[{}]", path, video, i);
      if (!a.is_object() || !a.contains("segment") || !a["segment"].is_array() || a["segment"].size() != 2 ||
          !a["segment"][0].is_number() || !a["segment"][1].is_number() || !a.contains("label") ||
          !a["label"].is_string())
        throw ConfigError(fmt::format("{}: expected {{\"segment\": [start, end], \"label\": \"...\"}}", where));
      Segment s;
      s.video = video;
      s.start_sec = std::max(0.0, a["segment"][0].get<double>());
      s.end_sec = a["segment"][1].get<double>();
      s.label = a["label"].get<std::string>();
      if (!(s.end_sec > s.start_sec)) throw ConfigError(fmt::format("{}: the segment ends before it starts", where));
      out.push_back(std::move(s));
    }
  }
  return out;
}

int64_t find_root(std::vector<int64_t>& parent, int64_t x) {
  while (parent[static_cast<size_t>(x)] != x) {
    parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
    x = parent[static_cast<size_t>(x)];
  }
  return x;
}

}  // namespace

std::vector<Segment> read_segments(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".json") return read_segments_json(path);
  if (ext == ".csv") return read_segments_csv(path);
  throw ConfigError(fmt::format("{}: --segments takes a .csv (video,start_sec,end_sec,label) or an ActivityNet "
                                ".json file",
                                path));
}

std::vector<PlacedSegment> place_segments(const std::vector<VideoScan>& scans, Grouping& grouping,
                                          const std::vector<Segment>& segments, std::vector<std::string>& warnings) {
  // Video lookup: exact id first, then the file stem, then the stem without ActivityNet's "v_" prefix.
  std::map<std::string, size_t> by_id, by_stem;
  for (size_t v = 0; v < scans.size(); ++v) {
    by_id.emplace(scans[v].video, v);
    const std::string stem = std::filesystem::path(scans[v].video).stem().string();
    by_stem.emplace(stem, v);
    if (stem.starts_with("v_")) by_stem.emplace(stem.substr(2), v);
  }
  auto find_video = [&](const std::string& name) -> std::optional<size_t> {
    if (auto it = by_id.find(name); it != by_id.end()) return it->second;
    if (auto it = by_stem.find(name); it != by_stem.end()) return it->second;
    if (auto it = by_stem.find(std::filesystem::path(name).stem().string()); it != by_stem.end()) return it->second;
    return std::nullopt;
  };

  std::vector<PlacedSegment> placed;
  std::vector<int64_t> parent(static_cast<size_t>(grouping.group_count));
  std::iota(parent.begin(), parent.end(), 0);
  size_t unknown = 0, empty = 0;
  for (const Segment& s : segments) {
    const auto v = find_video(s.video);
    if (!v || !scans[*v].ok()) {
      ++unknown;
      continue;
    }
    const VideoScan& scan = scans[*v];
    PlacedSegment p;
    p.video = *v;
    p.start_sec = s.start_sec;
    p.end_sec = s.end_sec;
    p.label = s.label;
    // Annotation times are from the video's start; frame times may start later (pts offset).
    const double t0 = scan.times.seconds(0);
    p.start_frame = scan.times.frame_at_or_after(t0 + s.start_sec);
    p.end_frame = scan.times.frame_at_or_after(t0 + s.end_sec);
    if (p.end_frame <= p.start_frame) {
      ++empty;
      continue;
    }
    for (const Shot& shot : scan.shots) {
      if (shot.end_frame <= p.start_frame || shot.start_frame >= p.end_frame) continue;
      const int64_t g = grouping.group_of[*v][static_cast<size_t>(shot.index)];
      if (p.group == kNoGroup) {
        p.group = g;
      } else {
        const int64_t a = find_root(parent, p.group), b = find_root(parent, g);
        if (a != b) parent[static_cast<size_t>(std::max(a, b))] = std::min(a, b);
      }
    }
    placed.push_back(std::move(p));
  }
  if (unknown > 0)
    warnings.push_back(fmt::format("--segments: {} segment(s) name videos that were not scanned or failed; left out",
                                   unknown));
  if (empty > 0)
    warnings.push_back(fmt::format("--segments: {} segment(s) hold no decoded frame (past the video's end?); left out",
                                   empty));

  // Renumber the merged groups in video/clip order, as group_clips numbers them.
  std::vector<int64_t> renumber(parent.size(), kNoGroup);
  int64_t next = 0;
  for (auto& groups : grouping.group_of)
    for (int64_t& g : groups) {
      if (g < 0) continue;
      const auto root = static_cast<size_t>(find_root(parent, g));
      if (renumber[root] == kNoGroup) renumber[root] = next++;
      g = renumber[root];
    }
  grouping.group_count = next;
  for (PlacedSegment& p : placed) p.group = renumber[static_cast<size_t>(find_root(parent, p.group))];

  std::stable_sort(placed.begin(), placed.end(), [](const PlacedSegment& a, const PlacedSegment& b) {
    if (a.video != b.video) return a.video < b.video;
    if (a.start_frame != b.start_frame) return a.start_frame < b.start_frame;
    return a.end_frame < b.end_frame;
  });
  for (size_t i = 0; i < placed.size(); ++i)
    placed[i].index = i > 0 && placed[i - 1].video == placed[i].video ? placed[i - 1].index + 1 : 0;
  return placed;
}

}  // namespace vidsplit
