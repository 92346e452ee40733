// Reading a finished split back (clips.csv + scan.jsonl) into the plan every export writes from.
#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/export.hpp"
#include "vidsplit/hash.hpp"
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

namespace {

constexpr size_t kMaxComponentBytes = 180;  // NAME_MAX is 255; exports append up to ~40 bytes of suffixes

// Length of the valid UTF-8 sequence starting at text[i] (2..4 bytes, no overlong forms, no surrogates),
// or 0.
size_t utf8_sequence(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b = byte(i);
  size_t n = 0;
  uint32_t cp = 0;
  if (b >= 0xC2 && b <= 0xDF) n = 2, cp = b & 0x1F;
  else if (b >= 0xE0 && b <= 0xEF) n = 3, cp = b & 0x0F;
  else if (b >= 0xF0 && b <= 0xF4) n = 4, cp = b & 0x07;
  else return 0;
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

std::string short_hash(std::string_view text) { return fmt::format("{:08x}", hash_string(text) & 0xFFFFFFFFu); }

// Cuts `name` to kMaxComponentBytes at a character boundary, keeping an extension of up to 8 bytes, and marks
// the cut with '~' and the hash of the whole text, so that two long names with the same beginning stay apart.
std::string shorten(const std::string& name, std::string_view text) {
  if (name.size() <= kMaxComponentBytes) return name;
  const size_t dot = name.rfind('.');
  const std::string ext = dot != std::string::npos && dot > 0 && name.size() - dot <= 8 ? name.substr(dot) : "";
  const std::string suffix = fmt::format("~{}{}", short_hash(text), ext);
  size_t keep = kMaxComponentBytes - suffix.size();
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;  // not inside a character
  return name.substr(0, keep) + suffix;
}

}  // namespace

std::string sanitize_component(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (const size_t n = utf8_sequence(text, i); n > 0) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    ++i;
    if (c == '\'' || c == '(' || c == ')') continue;  // torchvision's Kinetics label -> folder rule drops them
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    out += ok ? c : '_';
  }
  if (out.empty() || out == "." || out == "..")
    throw ConfigError(fmt::format("{} '{}' cannot be used as a file or folder name", what, text));
  return shorten(out, text);
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
  const auto it = std::find(labels.begin(), labels.end(), label);
  return it != labels.end() ? static_cast<int>(it - labels.begin()) : -1;
}

bool ExportList::holds(std::string_view split) const {
  return std::find(splits.begin(), splits.end(), split) != splits.end();
}

std::vector<ExportList> export_lists(const ExportPlan& plan) {
  std::vector<ExportList> lists;
  if (plan.folds == 0) {
    for (const std::string& s : plan.splits) lists.push_back({s, {s}});
    return lists;
  }
  for (int i = 0; i < plan.folds; ++i) {
    const std::string val = fmt::format("fold{}", i);
    ExportList train{fmt::format("fold{}_train", i), {}};
    for (const std::string& s : plan.splits)
      if (s != val) train.splits.push_back(s);
    lists.push_back(std::move(train));
    lists.push_back({fmt::format("fold{}_val", i), {val}});
  }
  return lists;
}

namespace {

// pts * time base * 1e9 overflows 64 bits for long videos with fine time bases.
__extension__ typedef __int128 Wide;

// floor(a / b) and ceil(a / b) for b > 0, any sign of a.
Wide floor_div(Wide a, Wide b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
Wide ceil_div(Wide a, Wide b) { return -floor_div(-a, b); }

std::string nanoseconds_text(Wide ns) {
  const bool negative = ns < 0;
  if (negative) ns = -ns;
  return fmt::format("{}{}.{:09d}", negative ? "-" : "", static_cast<int64_t>(ns / 1000000000),
                     static_cast<int64_t>(ns % 1000000000));
}

}  // namespace

std::pair<std::string, std::string> inclusive_seconds(const FrameTimes& times, int64_t start, int64_t end) {
  const Rational tb = times.time_base();
  // pts ticks * 1000 (+1 or -1 thousandth of a tick) as nanoseconds: t * num / den * 1e9 / 1000.
  const auto ns = [&](int64_t pts, int thousandths, bool up) {
    const Wide a = (static_cast<Wide>(pts) * 1000 + thousandths) * tb.num * 1000000;
    return up ? ceil_div(a, tb.den) : floor_div(a, tb.den);
  };
  const int64_t first = times.pts(start), last = times.pts(end - 1);
  if (end - start == 1) {
    const Wide a = static_cast<Wide>(first) * tb.num * 1000000000;
    const std::string t = nanoseconds_text(floor_div(2 * a + tb.den, 2 * static_cast<Wide>(tb.den)));
    return {t, t};
  }
  return {nanoseconds_text(ns(first, 1, true)), nanoseconds_text(ns(last, -1, false))};
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

namespace {

// Folder names of all labels: sanitised, and when two labels meet in one name, every one of them that the
// sanitiser changed gets '-' and its hash, so the folders stay distinct and readable.
std::map<std::string, std::string> label_folders(const std::set<std::string>& labels) {
  std::map<std::string, std::vector<std::string>> by_folder;
  for (const std::string& l : labels) by_folder[sanitize_component(l, "label")].push_back(l);
  std::map<std::string, std::string> folder_of;
  std::map<std::string, std::string> label_of_folder;
  for (const auto& [folder, group] : by_folder)
    for (const std::string& l : group) {
      const std::string f = group.size() == 1 || folder == l ? folder : fmt::format("{}-{}", shorten(folder, l), short_hash(l));
      const auto [it, fresh] = label_of_folder.emplace(f, l);
      if (!fresh)
        throw ConfigError(fmt::format("labels '{}' and '{}' both sanitise to the folder name '{}'", it->second, l, f));
      folder_of[l] = f;
    }
  return folder_of;
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
  std::set<std::string> labels, all_labels, splits;
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
      v.times = p->second->times;
      all_labels.insert(v.label);
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
  if (plan.segments.empty()) throw ConfigError(fmt::format("{} has no clip in any split", clips_path));

  const std::map<std::string, std::string> folder_of = label_folders(all_labels);
  std::map<std::string, std::set<std::string>> names_in_folder;
  for (ExportVideo& v : plan.videos) {
    v.folder = folder_of.at(v.label);
    v.name = unique_name(flat_name(v.video, v.label), names_in_folder[v.folder]);
  }
  std::vector<std::pair<std::string, std::string>> classes;  // (folder, label), in the consumers' order
  for (const std::string& l : labels) classes.emplace_back(folder_of.at(l), l);
  std::sort(classes.begin(), classes.end());
  for (const auto& [folder, label] : classes) {
    plan.folders.push_back(folder);
    plan.labels.push_back(label);
  }
  plan.splits.assign(splits.begin(), splits.end());
  if (table.column("fold") != std::string::npos) {
    // `run --folds K` names the splits fold0..fold<K-1>; the fold column repeats the index.
    const size_t c_fold = table.column("fold");
    for (size_t r = 0; r < table.rows.size(); ++r)
      if (table.rows[r][c_split] != kExcluded)
        plan.folds = std::max(plan.folds, static_cast<int>(parse_int(table.rows[r][c_fold], clips_path,
                                                                     table.line_of_row[r], "fold")) + 1);
  }
  if (plan.labels.size() == 1 && plan.videos.size() > 1)
    plan.warnings.push_back(fmt::format(
        "all {} videos have the one label '{}': a flat input folder gives every video its name; put the videos "
        "in root/<label>/ folders, or give --labels FILE.csv to `run`",
        plan.videos.size(), plan.labels.front()));
  return plan;
}

LinkMode parse_link_mode(std::string_view text) {
  if (text == "copy") return LinkMode::Copy;
  if (text == "symlink") return LinkMode::Symlink;
  if (text == "hardlink") return LinkMode::Hardlink;
  throw ConfigError(fmt::format("--link must be copy, symlink or hardlink, not '{}'", text));
}

}  // namespace vidsplit
