#include "vidsplit/audit.hpp"

#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

namespace vidsplit {

namespace fs = std::filesystem;

namespace {

std::string label_of(const std::string& video_id) {
  const fs::path parent = fs::path(video_id).parent_path();
  return parent.empty() ? std::string() : parent.filename().string();
}

std::vector<AuditVideo> read_clips_csv(const std::string& path, const std::string& root) {
  CsvTable table;
  try {
    table = read_csv_file(path, {"video", "split"});
  } catch (const Error& e) {
    throw ConfigError(e.what());
  }
  const size_t video = table.column("video"), split = table.column("split"), label = table.column("label"),
               start = table.column("start_frame"), end = table.column("end_frame");
  const bool ranges = start != std::string::npos && end != std::string::npos;
  std::map<std::string, AuditVideo> by_video;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const size_t line = table.line_of_row[r];
    if (row[video].empty()) throw ConfigError(fmt::format("{}: line {}: empty video", path, line));
    if (row[split].empty()) throw ConfigError(fmt::format("{}: line {}: empty split", path, line));
    AuditVideo& v = by_video[row[video]];
    if (v.input.video.empty()) {
      v.input.video = row[video];
      v.input.path = (fs::path(root) / row[video]).string();
      v.input.label = label != std::string::npos ? row[label] : label_of(row[video]);
    }
    KeptRow k;
    k.split = row[split];
    if (ranges) {
      k.start_frame = parse_frame_cell(row[start], path, line, "start_frame");
      k.end_frame = parse_frame_cell(row[end], path, line, "end_frame");
    } else {
      k.end_frame = INT64_MAX;
    }
    v.rows.push_back(std::move(k));
  }
  std::vector<AuditVideo> out;
  for (auto& [id, v] : by_video) {
    // One split for the whole video (ignoring excluded rows) needs no per-clip lookup.
    std::string only;
    bool mixed = false;
    for (const KeptRow& k : v.rows) {
      if (k.split == kExcluded) continue;
      if (only.empty()) only = k.split;
      mixed |= k.split != only;
    }
    if (!mixed) {
      v.split = only;
      v.rows.clear();
    }
    out.push_back(std::move(v));
  }
  return out;
}

// UCF101 lists: "Class/v_Class_g08_c01.avi 1" (train) or "Class/v_Class_g08_c01.avi" (test).
std::vector<AuditVideo> read_lists(const fs::path& folder, const std::string& number, const std::string& root) {
  std::vector<std::pair<std::string, fs::path>> lists;  // split name, file
  std::error_code ec;
  const std::regex name("([A-Za-z]+)list" + number + "\\.txt");
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    std::smatch m;
    const std::string file = entry.path().filename().string();
    if (std::regex_match(file, m, name)) {
      std::string split = m[1].str();
      std::transform(split.begin(), split.end(), split.begin(), [](unsigned char c) { return std::tolower(c); });
      lists.emplace_back(split, entry.path());
    }
  }
  if (ec) throw ConfigError(fmt::format("{}: cannot list folder: {}", folder.string(), ec.message()));
  if (lists.size() < 2)
    throw ConfigError(fmt::format("{}: found {} split list(s) named <split>list{}.txt; need at least two (e.g. "
                                  "trainlist{}.txt and testlist{}.txt)",
                                  folder.string(), lists.size(), number, number, number));
  std::sort(lists.begin(), lists.end());
  std::map<std::string, AuditVideo> by_video;
  for (const auto& [split, file] : lists) {
    std::istringstream in(read_file(file.string()));
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const size_t first = line.find_first_not_of(" \t");
      if (first == std::string::npos) continue;
      std::string video = line.substr(first, line.find_first_of(" \t", first) - first);
      AuditVideo& v = by_video[video];
      if (!v.split.empty() && v.split != split)
        throw ConfigError(fmt::format("{}: line {}: '{}' is already listed in split '{}'", file.string(), n, video,
                                      v.split));
      v.input.video = video;
      v.input.path = (fs::path(root) / video).string();
      v.input.label = label_of(video);
      v.split = split;
    }
  }
  std::vector<AuditVideo> out;
  for (auto& [id, v] : by_video) out.push_back(std::move(v));
  return out;
}

std::vector<AuditVideo> read_split_folders(const fs::path& root) {
  std::vector<AuditVideo> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string split = entry.path().filename().string();
    if (!entry.is_directory() || split.starts_with('.')) continue;
    for (InputVideo& in : discover_inputs({entry.path().string()}, {})) {
      AuditVideo v;
      v.input = std::move(in);
      v.input.video = split + "/" + v.input.video;
      v.split = split;
      out.push_back(std::move(v));
    }
  }
  if (ec) throw ConfigError(fmt::format("{}: cannot list folder: {}", root.string(), ec.message()));
  std::sort(out.begin(), out.end(), [](const AuditVideo& a, const AuditVideo& b) { return a.input.video < b.input.video; });
  std::vector<std::string> splits;
  for (const auto& v : out)
    if (std::find(splits.begin(), splits.end(), v.split) == splits.end()) splits.push_back(v.split);
  if (splits.size() < 2)
    throw ConfigError(fmt::format("{}: found videos in {} split folder(s); expected root/<split>/... for two or "
                                  "more splits (e.g. root/train, root/val)",
                                  root.string(), splits.size()));
  return out;
}

// The split of the rows overlapping [start, end) most; "" if only excluded rows (or none) overlap.
std::string split_of_range(const std::vector<KeptRow>& rows, int64_t start, int64_t end) {
  std::string best;
  int64_t best_overlap = 0;
  for (const KeptRow& k : rows) {
    if (k.split == kExcluded) continue;
    const int64_t overlap = std::min(end, k.end_frame) - std::max(start, k.start_frame);
    if (overlap > best_overlap) {
      best = k.split;
      best_overlap = overlap;
    }
  }
  return best;
}

}  // namespace

SplitLayout read_split_layout(const std::string& path, const SplitLayoutOptions& options) {
  if (options.list_number.empty() || options.list_number.find_first_not_of("0123456789") != std::string::npos)
    throw ConfigError(fmt::format("--lists must be digits such as 01, not '{}'", options.list_number));
  std::error_code ec;
  const fs::path p(path);
  SplitLayout layout;
  if (fs::is_regular_file(p, ec) && p.extension() == ".csv") {
    layout.kind = "clips-csv";
    const std::string root = options.videos_root.empty() ? p.parent_path().string() : options.videos_root;
    layout.videos = read_clips_csv(path, root);
  } else if (fs::is_regular_file(p, ec) && p.extension() == ".txt") {
    layout.kind = "ucf101-lists";
    const std::string root = options.videos_root.empty() ? p.parent_path().string() : options.videos_root;
    layout.videos = read_lists(p.parent_path().empty() ? fs::path(".") : p.parent_path(), options.list_number, root);
  } else if (fs::is_directory(p, ec)) {
    bool has_lists = false;
    for (const auto& entry : fs::directory_iterator(p, ec))
      has_lists |= entry.path().filename().string().find("list" + options.list_number + ".txt") != std::string::npos;
    if (has_lists) {
      layout.kind = "ucf101-lists";
      layout.videos = read_lists(p, options.list_number, options.videos_root.empty() ? path : options.videos_root);
    } else {
      layout.kind = "split-folders";
      layout.videos = read_split_folders(p);
    }
  } else {
    throw ConfigError(fmt::format("{}: not found, or not a clips.csv, a list .txt or a folder", path));
  }
  if (layout.videos.empty()) throw ConfigError(fmt::format("{}: lists no videos", path));
  return layout;
}

AuditResult audit_split(const std::vector<VideoScan>& scans, const SplitLayout& layout,
                        const GroupingOptions& options) {
  AuditResult result;
  result.split_of_clip.resize(scans.size());
  std::map<std::string, int64_t> frames_of_split;
  struct ClipAt {
    size_t video;
    int clip;
  };
  std::vector<ClipAt> clips;
  for (size_t v = 0; v < scans.size(); ++v) {
    if (!scans[v].ok()) continue;
    const AuditVideo& av = layout.videos[v];
    for (const Shot& shot : scans[v].shots) {
      std::string split = av.rows.empty() ? av.split : split_of_range(av.rows, shot.start_frame, shot.end_frame);
      if (!split.empty()) {
        frames_of_split[split] += shot.end_frame - shot.start_frame;
        clips.push_back({v, shot.index});
      }
      result.split_of_clip[v].push_back(std::move(split));
    }
  }
  // The reference split: "train", else the one with the most frames (first by name on ties).
  for (const auto& [split, frames] : frames_of_split)
    if (result.reference.empty() || frames > frames_of_split[result.reference]) result.reference = split;
  if (frames_of_split.count("train")) result.reference = "train";

  auto split_of = [&](const ClipAt& c) -> const std::string& {
    return result.split_of_clip[c.video][static_cast<size_t>(c.clip)];
  };
  std::vector<std::vector<bool>> leaked(scans.size());
  for (size_t v = 0; v < scans.size(); ++v) leaked[v].assign(result.split_of_clip[v].size(), false);
  for (size_t i = 0; i < clips.size(); ++i) {
    for (size_t j = i + 1; j < clips.size(); ++j) {
      const ClipAt& a = clips[i];
      const ClipAt& b = clips[j];
      if (split_of(a) == split_of(b)) continue;
      const VideoScan& va = scans[a.video];
      const VideoScan& vb = scans[b.video];
      Leak leak;
      if (a.video != b.video && va.content_hash == vb.content_hash && va.frames == vb.frames) {
        if (a.clip != b.clip) continue;  // identical streams pair clip for clip
        leak.reason = "identical-stream";
        leak.matched_keyframes = static_cast<int>(va.shots[static_cast<size_t>(a.clip)].signature.keyframe_hashes.size());
      } else {
        const ClipMatch m = match_clips(va.shots[static_cast<size_t>(a.clip)].signature,
                                        vb.shots[static_cast<size_t>(b.clip)].signature, options);
        if (!m.matched) continue;
        leak.reason = "near-duplicate";
        leak.matched_keyframes = m.matched_keyframes;
        leak.hash_distance = m.hash_distance;
        leak.histogram_distance = m.histogram_distance;
      }
      leak.a = {a.video, a.clip};
      leak.b = {b.video, b.clip};
      leak.split_a = split_of(a);
      leak.split_b = split_of(b);
      if (leak.split_b == result.reference) leaked[a.video][static_cast<size_t>(a.clip)] = true;
      if (leak.split_a == result.reference) leaked[b.video][static_cast<size_t>(b.clip)] = true;
      result.leaks.push_back(std::move(leak));
    }
  }
  for (const auto& [split, frames] : frames_of_split) {
    if (split == result.reference) continue;
    SplitLeakage s;
    s.split = split;
    s.frames = frames;
    result.splits.push_back(s);
  }
  for (size_t v = 0; v < scans.size(); ++v) {
    for (size_t c = 0; c < leaked[v].size(); ++c) {
      if (!leaked[v][c]) continue;
      const std::string& split = result.split_of_clip[v][c];
      for (SplitLeakage& s : result.splits) {
        if (s.split != split) continue;
        s.leaked_frames += scans[v].shots[c].end_frame - scans[v].shots[c].start_frame;
        ++s.leaking_clips;
      }
    }
  }
  return result;
}

std::string leaks_csv(const std::vector<VideoScan>& scans, const AuditResult& result) {
  std::string out;
  append_csv_row(out, {"split_a", "video_a", "clip_a", "start_frame_a", "end_frame_a", "split_b", "video_b", "clip_b",
                       "start_frame_b", "end_frame_b", "reason", "matched_keyframes", "hash_distance",
                       "histogram_distance"});
  for (const Leak& l : result.leaks) {
    const Shot& a = scans[l.a.video].shots[static_cast<size_t>(l.a.clip)];
    const Shot& b = scans[l.b.video].shots[static_cast<size_t>(l.b.clip)];
    append_csv_row(out, {l.split_a, scans[l.a.video].video, std::to_string(l.a.clip), std::to_string(a.start_frame),
                         std::to_string(a.end_frame), l.split_b, scans[l.b.video].video, std::to_string(l.b.clip),
                         std::to_string(b.start_frame), std::to_string(b.end_frame), l.reason,
                         std::to_string(l.matched_keyframes), std::to_string(l.hash_distance),
                         fmt::format("{:.4f}", l.histogram_distance)});
  }
  return out;
}

}  // namespace vidsplit
