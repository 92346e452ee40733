// Reading a finished split back (clips.csv + scan.jsonl) into the plan every export writes from.
#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/export.hpp"
#include "vidsplit/output_set.hpp"
#include "vidsplit/outputs.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace vidsplit {

namespace fs = std::filesystem;

std::string sanitize_component(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    out += ok ? c : '_';
  }
  if (out.empty() || out == "." || out == "..")
    throw ConfigError(fmt::format("{} '{}' cannot be used as a file or folder name", what, text));
  return out;
}

std::vector<std::string> checked_relative_parts(std::string_view path, std::string_view what) {
  if (path.empty()) throw ConfigError(fmt::format("{} is empty", what));
  if (path.front() == '/' || path.front() == '\\' || (path.size() > 1 && path[1] == ':'))
    throw ConfigError(fmt::format("{} '{}' is an absolute path; exports only write relative names", what, path));
  std::vector<std::string> parts;
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find_first_of("/\\", begin);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(begin, end - begin);
    if (part == "..")
      throw ConfigError(fmt::format("{} '{}' contains '..'; exports never write outside their folder", what, path));
    if (!part.empty() && part != ".") parts.emplace_back(part);
    begin = end + 1;
  }
  if (parts.empty()) throw ConfigError(fmt::format("{} '{}' names no file", what, path));
  return parts;
}

int ExportPlan::label_index(std::string_view label) const {
  const auto it = std::lower_bound(labels.begin(), labels.end(), label);
  return it != labels.end() && *it == label ? static_cast<int>(it - labels.begin()) : -1;
}

const std::string& ExportPlan::whole_video_split(size_t video, std::string_view format) const {
  const std::string* found = nullptr;
  for (const ExportSegment& s : segments) {
    if (s.video != video) continue;
    if (found && *found != s.split)
      throw ConfigError(fmt::format("video '{}' has clips in splits {} and {}; format {} lists whole files "
                                    "(use --format clips or kinetics, or split with --unit video)",
                                    videos[video].video, *found, s.split, format));
    found = &s.split;
  }
  if (!found) throw ConfigError(fmt::format("video '{}' has no clip in any split", videos[video].video));
  return *found;
}

namespace {

int64_t parse_int(const std::string& text, const std::string& file, size_t line, const char* column) {
  try {
    size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw ConfigError(fmt::format("{}: line {}: {} '{}' is not an integer", file, line, column, text));
}

double parse_double(const std::string& text, const std::string& file, size_t line, const char* column) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw ConfigError(fmt::format("{}: line {}: {} '{}' is not a number", file, line, column, text));
}

// The file name a video gets inside its label folder: its id without the leading label folder, flattened.
std::string flat_name(const std::string& video, const std::string& label) {
  std::vector<std::string> parts = checked_relative_parts(video, "video id");
  if (parts.size() > 1 && parts.front() == label) parts.erase(parts.begin());
  std::string joined;
  for (const std::string& p : parts) joined += (joined.empty() ? "" : "_") + p;
  return sanitize_component(joined, "video id");
}

// "a.mp4" taken in this folder: "a-2.mp4", "a-3.mp4", ... in video order, so names stay deterministic.
std::string unique_name(const std::string& name, std::set<std::string>& taken) {
  if (taken.insert(name).second) return name;
  const fs::path p(name);
  const std::string stem = p.stem().string(), ext = p.extension().string();
  for (int n = 2;; ++n) {
    const std::string candidate = fmt::format("{}-{}{}", stem, n, ext);
    if (taken.insert(candidate).second) return candidate;
  }
}

}  // namespace

ExportPlan load_export_plan(const std::string& out_dir) {
  // Both files from one generation of OUT, even if a writer switches OUT's outputs meanwhile.
  const std::string set_dir = current_output_dir(out_dir);
  const std::string clips_path = (fs::path(set_dir) / "clips.csv").string();
  const std::string scan_path = (fs::path(set_dir) / "scan.jsonl").string();
  if (!fs::exists(clips_path))
    throw ConfigError(fmt::format("{} not found: export reads the split of `vidsplit run` or `split`", clips_path));
  if (!fs::exists(scan_path))
    throw ConfigError(fmt::format("{} not found: export needs it for the videos' paths", scan_path));

  CsvTable table;
  std::vector<VideoScan> scans;
  ScanOrigin origin;
  try {
    table = read_csv_file(clips_path, kClipsColumns);
    nlohmann::json parameters;
    scans = read_scan_jsonl(scan_path, parameters, &origin);
  } catch (const Error& e) {
    throw ConfigError(e.what());
  }
  // A relative path was relative to the folder the scan ran in, which need not be this one.
  std::map<std::string, const VideoScan*> scan_of;
  for (VideoScan& s : scans) {
    if (!origin.cwd.empty() && fs::path(s.path).is_relative()) s.path = (fs::path(origin.cwd) / s.path).string();
    scan_of[s.video] = &s;
  }

  const size_t c_video = table.column("video"), c_start = table.column("start_frame"),
               c_end = table.column("end_frame"), c_ssec = table.column("start_sec"),
               c_esec = table.column("end_sec"), c_label = table.column("label"), c_split = table.column("split");
  ExportPlan plan;
  plan.out_dir = out_dir;
  plan.roots = origin.roots;
  std::set<std::string> labels, splits;
  std::map<std::string, std::string> label_of_folder;
  std::map<std::string, std::set<std::string>> names_in_folder;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const CsvRow& row = table.rows[r];
    const size_t line = table.line_of_row[r];
    const std::string& video = row[c_video];
    if (plan.videos.empty() || plan.videos.back().video != video) {
      for (const ExportVideo& v : plan.videos)
        if (v.video == video)
          throw ConfigError(fmt::format("{}: line {}: rows of video '{}' are not contiguous", clips_path, line, video));
      ExportVideo v;
      v.video = video;
      v.label = row[c_label];
      const auto p = scan_of.find(video);
      if (p == scan_of.end())
        throw ConfigError(fmt::format("{}: video '{}' is not in {}", clips_path, video, scan_path));
      v.path = p->second->path;
      if (p->second->ok()) v.content_hash = p->second->content_hash;
      v.folder = sanitize_component(v.label, "label");
      const auto [it, fresh] = label_of_folder.emplace(v.folder, v.label);
      if (!fresh && it->second != v.label)
        throw ConfigError(fmt::format("labels '{}' and '{}' both sanitise to the folder name '{}'", it->second,
                                      v.label, v.folder));
      v.name = unique_name(flat_name(video, v.label), names_in_folder[v.folder]);
      plan.videos.push_back(std::move(v));
    }
    const std::string& split = row[c_split];
    if (split == kExcluded) continue;
    sanitize_component(split, "split name");
    labels.insert(row[c_label]);
    splits.insert(split);
    const size_t vi = plan.videos.size() - 1;
    const int64_t start = parse_int(row[c_start], clips_path, line, "start_frame");
    const int64_t end = parse_int(row[c_end], clips_path, line, "end_frame");
    const double ssec = parse_double(row[c_ssec], clips_path, line, "start_sec");
    const double esec = parse_double(row[c_esec], clips_path, line, "end_sec");
    if (!plan.segments.empty()) {
      ExportSegment& last = plan.segments.back();
      if (last.video == vi && last.split == split && last.end_frame == start) {
        last.end_frame = end;
        last.end_sec = esec;
        continue;
      }
    }
    plan.segments.push_back({vi, split, start, end, ssec, esec});
  }
  plan.labels.assign(labels.begin(), labels.end());
  plan.splits.assign(splits.begin(), splits.end());
  if (plan.segments.empty()) throw ConfigError(fmt::format("{} has no clip in any split", clips_path));
  return plan;
}

LinkMode parse_link_mode(std::string_view text) {
  if (text == "copy") return LinkMode::Copy;
  if (text == "symlink") return LinkMode::Symlink;
  if (text == "hardlink") return LinkMode::Hardlink;
  throw ConfigError(fmt::format("--link must be copy, symlink or hardlink, not '{}'", text));
}

}  // namespace vidsplit
