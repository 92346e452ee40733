#include "vidsplit/audit.hpp"

#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

namespace vidsplit {

namespace fs = std::filesystem;

namespace {

std::string label_of(const std::string& video_id) {
  const fs::path parent = fs::path(video_id).parent_path();
  return parent.empty() ? std::string() : parent.filename().string();
}

// Overlapping rows of one video in different splits. Sorted by start, each row meets only the rows that begin
// before it ends, so a manifest whose rows tile the video costs one comparison per row.
std::vector<SplitConflict> conflicts_of(std::vector<KeptRow> rows) {
  std::erase_if(rows, [](const KeptRow& k) { return k.split == kExcluded; });
  std::stable_sort(rows.begin(), rows.end(),
                   [](const KeptRow& a, const KeptRow& b) { return a.start_frame < b.start_frame; });
  std::vector<SplitConflict> out;
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = i + 1; j < rows.size() && rows[j].start_frame < rows[i].end_frame; ++j) {
      if (rows[i].split == rows[j].split || rows[j].end_frame <= rows[j].start_frame) continue;
      SplitConflict c;
      c.split_a = std::min(rows[i].split, rows[j].split);
      c.split_b = std::max(rows[i].split, rows[j].split);
      c.start_frame = rows[j].start_frame;
      c.end_frame = std::min(rows[i].end_frame, rows[j].end_frame);
      out.push_back(std::move(c));
    }
  return out;
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
    v.conflicts = conflicts_of(v.rows);
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

// Videos with one source key in different splits: one leak per pair of videos and pair of splits, of whole
// videos (clip -1); every clip of a video whose source is also in the reference split counts as leaking.
void add_source_leaks(const std::vector<VideoScan>& scans, const SourceOptions& sources, AuditResult& result,
                      std::vector<std::vector<bool>>& leaked) {
  if (sources.empty()) return;
  std::vector<std::string> ids;
  for (const VideoScan& s : scans) ids.push_back(s.video);
  const std::vector<std::string> keys = source_keys(ids, sources);
  std::map<std::string, std::vector<size_t>> by_key;
  for (size_t v = 0; v < scans.size(); ++v)
    if (scans[v].ok() && !keys[v].empty()) by_key[keys[v]].push_back(v);
  const auto splits_of = [&](size_t v) {
    std::set<std::string> splits(result.split_of_clip[v].begin(), result.split_of_clip[v].end());
    splits.erase("");
    return splits;
  };
  for (const auto& [key, videos] : by_key) {
    std::vector<std::set<std::string>> splits;
    for (size_t v : videos) splits.push_back(splits_of(v));
    for (size_t i = 0; i < videos.size(); ++i) {
      bool other_in_reference = false;
      for (size_t j = 0; j < videos.size(); ++j) {
        if (j == i) continue;
        other_in_reference |= splits[j].count(result.reference) > 0;
        if (j < i) continue;
        for (const std::string& sa : splits[i])
          for (const std::string& sb : splits[j])
            if (sa != sb)
              result.leaks.push_back({.a = {videos[i], -1}, .b = {videos[j], -1}, .split_a = sa, .split_b = sb,
                                      .reason = "same-source-name"});
      }
      if (!other_in_reference) continue;
      for (size_t c = 0; c < leaked[videos[i]].size(); ++c) {
        const std::string& split = result.split_of_clip[videos[i]][c];
        if (!split.empty() && split != result.reference) leaked[videos[i]][c] = true;
      }
    }
  }
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The split names of a summary.json beside `clips_csv` (its "splits" keys but "excluded"); empty when absent.
std::vector<std::string> summary_splits(const fs::path& clips_csv) {
  const fs::path summary = clips_csv.parent_path() / "summary.json";
  std::error_code ec;
  if (!fs::is_regular_file(summary, ec)) return {};
  std::vector<std::string> names;
  try {
    const nlohmann::json doc = nlohmann::json::parse(read_file(summary.string()));
    for (const auto& [name, value] : doc.at("splits").items())
      if (name != kExcluded) names.push_back(text_to_bytes(name));
  } catch (const nlohmann::json::exception&) {
    throw ConfigError(fmt::format("{}: not a vidsplit summary (no \"splits\" object); name the splits with "
                                  "--splits instead",
                                  summary.string()));
  }
  return names;
}

void check_split_names(const std::string& path, const std::vector<AuditVideo>& videos,
                       const std::vector<std::string>& known, const std::string& known_from) {
  std::map<std::string, size_t> found;  // name -> videos listing it
  for (const AuditVideo& v : videos) {
    if (!v.split.empty()) ++found[v.split];
    std::set<std::string> of_video;
    for (const KeptRow& k : v.rows) of_video.insert(k.split);
    for (const SplitConflict& c : v.conflicts) of_video.insert({c.split_a, c.split_b});
    for (const std::string& s : of_video) found[s] += v.split != s;
  }
  found.erase(std::string(kExcluded));
  std::map<std::string, std::string> by_folded;
  for (const auto& [name, count] : found) {
    const auto [it, fresh] = by_folded.emplace(lowercase(name), name);
    if (!fresh)
      throw ConfigError(fmt::format("{}: split names '{}' and '{}' differ only in case; use one spelling",
                                    path, it->second, name));
  }
  if (!known.empty()) {
    for (const auto& [name, count] : found)
      if (std::find(known.begin(), known.end(), name) == known.end())
        throw ConfigError(fmt::format("{}: split '{}' ({} video(s)) is not one of the splits {} ({})", path,
                                      name, count, fmt::join(known, ","), known_from));
    return;
  }
  for (const auto& [name, count] : found)
    for (const auto& [other, other_count] : found)
      if (other != name && other.starts_with(name))
        throw ConfigError(fmt::format("{}: split '{}' ({} video(s)) looks like a truncated '{}' ({} video(s)); "
                                      "name the splits with --splits",
                                      path, name, count, other, other_count));
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
  std::vector<std::string> known = options.splits;
  std::string known_from = "from --splits";
  if (known.empty() && layout.kind == "clips-csv") {
    known = summary_splits(p);
    known_from = fmt::format("from {}", (p.parent_path() / "summary.json").string());
  }
  check_split_names(path, layout.videos, known, known_from);
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
  auto record = [&](Leak leak) {
    leak.split_a = split_of({leak.a.video, leak.a.clip});
    leak.split_b = split_of({leak.b.video, leak.b.clip});
    if (leak.split_b == result.reference) leaked[leak.a.video][static_cast<size_t>(leak.a.clip)] = true;
    if (leak.split_a == result.reference) leaked[leak.b.video][static_cast<size_t>(leak.b.clip)] = true;
    result.leaks.push_back(std::move(leak));
  };
  const auto same_stream = [&](size_t a, size_t b) {
    return a != b && scans[a].content_hash == scans[b].content_hash && scans[a].frames == scans[b].frames;
  };

  // Near-duplicates through the grouping's own search: every pair for small sets, its chunk index for large
  // ones, so a dataset-sized audit costs what grouping costs, not a comparison of every pair of clips.
  std::vector<const ClipSignature*> signatures;
  for (const ClipAt& c : clips) signatures.push_back(&scans[c.video].shots[static_cast<size_t>(c.clip)].signature);
  for (const NearDuplicate& d : find_near_duplicates(signatures, options)) {
    const ClipAt& a = clips[d.a];
    const ClipAt& b = clips[d.b];
    // Identical streams pair clip for clip, below; their other clip pairs are no leak of their own.
    if (split_of(a) == split_of(b) || same_stream(a.video, b.video)) continue;
    record({.a = {a.video, a.clip}, .b = {b.video, b.clip}, .reason = match_reason(d.match),
            .matched_keyframes = d.match.matched_keyframes, .hash_distance = d.match.hash_distance,
            .histogram_distance = d.match.histogram_distance});
  }

  // Identical streams: videos with one content hash and frame count, clip for clip.
  std::map<std::pair<uint64_t, int64_t>, std::vector<size_t>> by_stream;
  for (size_t v = 0; v < scans.size(); ++v)
    if (scans[v].ok()) by_stream[{scans[v].content_hash, scans[v].frames}].push_back(v);
  for (const auto& [stream, videos] : by_stream)
    for (size_t i = 0; i < videos.size(); ++i)
      for (size_t j = i + 1; j < videos.size(); ++j)
        for (size_t c = 0; c < std::min(scans[videos[i]].shots.size(), scans[videos[j]].shots.size()); ++c) {
          const ClipAt a{videos[i], static_cast<int>(c)}, b{videos[j], static_cast<int>(c)};
          if (split_of(a).empty() || split_of(b).empty() || split_of(a) == split_of(b)) continue;
          record({.a = {a.video, a.clip}, .b = {b.video, b.clip}, .reason = "identical-stream",
                  .matched_keyframes = static_cast<int>(scans[a.video].shots[c].signature.keyframe_hashes.size())});
        }

  add_source_leaks(scans, options.sources, result, leaked);
  // One video listed in two splits: each of its clips in the doubly listed frames is a leak with itself.
  for (size_t v = 0; v < scans.size(); ++v) {
    for (const SplitConflict& c : layout.videos[v].conflicts) {
      auto add = [&](int clip) {
        Leak leak;
        leak.a = leak.b = {v, clip};
        leak.split_a = c.split_a;
        leak.split_b = c.split_b;
        leak.reason = "same-video";
        result.leaks.push_back(std::move(leak));
      };
      if (!scans[v].ok()) {
        add(-1);
        continue;
      }
      for (const Shot& shot : scans[v].shots) {
        if (shot.end_frame <= c.start_frame || shot.start_frame >= c.end_frame) continue;
        add(shot.index);
        // The clip counts as leaked in whichever of the two splits is not the reference.
        const std::string& other = c.split_a == result.reference ? c.split_b : c.split_a;
        if ((c.split_a == result.reference || c.split_b == result.reference) &&
            result.split_of_clip[v][static_cast<size_t>(shot.index)] == other)
          leaked[v][static_cast<size_t>(shot.index)] = true;
      }
    }
  }
  std::stable_sort(result.leaks.begin(), result.leaks.end(), [](const Leak& x, const Leak& y) {
    return std::tie(x.a.video, x.a.clip, x.b.video, x.b.clip, x.split_a, x.split_b) <
           std::tie(y.a.video, y.a.clip, y.b.video, y.b.clip, y.split_a, y.split_b);
  });
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
  // Clip -1 is the whole video; a video that could not be read has no frames to name.
  const auto frames = [&](ClipRef r) -> std::pair<std::string, std::string> {
    if (r.clip < 0) {
      if (!scans[r.video].ok()) return {};
      return {"0", std::to_string(scans[r.video].frames)};
    }
    const Shot& s = scans[r.video].shots[static_cast<size_t>(r.clip)];
    return {std::to_string(s.start_frame), std::to_string(s.end_frame)};
  };
  for (const Leak& l : result.leaks) {
    const auto [a_start, a_end] = frames(l.a);
    const auto [b_start, b_end] = frames(l.b);
    append_csv_row(out, {l.split_a, scans[l.a.video].video, std::to_string(l.a.clip), a_start, a_end, l.split_b,
                         scans[l.b.video].video, std::to_string(l.b.clip), b_start, b_end, l.reason,
                         std::to_string(l.matched_keyframes), std::to_string(l.hash_distance),
                         fmt::format("{:.4f}", l.histogram_distance)});
  }
  return out;
}

}  // namespace vidsplit
