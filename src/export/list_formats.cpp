// The list-file exports: the source videos are placed under the target folder and listed in each
// framework's documented line format. Nothing is decoded.
#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/export.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/outputs.hpp"
#include "export/frames.hpp"
#include "export/target.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>

namespace vidsplit {

namespace fs = std::filesystem;

std::vector<std::string> export_formats() {
  return {"mmaction2", "ucf101", "kinetics", "pytorchvideo", "hf-videofolder", "mmaction2-rawframes", "ultralytics", "clips"};
}

std::string export_formats_help() {
  return R"(Formats (DIR = --to; <label> and <name> are sanitised: ' ( ) dropped, space and other ASCII
characters than A-Z a-z 0-9 . _ - become _, UTF-8 letters stay; <name> is the video id without its label
folder, '/' flattened to '_'; <class> is the 0-based position of the label's folder in sorted folder order,
the order folder-reading consumers derive; lists are in clips.csv's video order, LF line ends; with --folds,
<split> lists become fold<i>_train (every other fold) and fold<i>_val (fold i)):
  mmaction2       mmaction2 VideoDataset (data_prefix=dict(video=DIR)).
                    DIR/<label>/<name>                  the videos
                    DIR/label_map.txt                   one label per line; line k is class k
                    DIR/<split>_list_videos.txt         "<label>/<name> <class>"
  ucf101          torchvision UCF101(root=DIR, annotation_path=DIR, ...): .avi files only, so other
                  containers are transcoded to MPEG-4 part 2 AVI (--no-avi: refused).
                    DIR/<label>/<stem>.avi              the videos
                    DIR/classInd.txt                    "<class+1> <label>"
                    DIR/trainlist01.txt                 "<label>/<stem>.avi <class+1>"   (split train)
                    DIR/testlist01.txt                  "<label>/<stem>.avi"   (split test, else val)
                    DIR/<split>list01.txt               "<label>/<stem>.avi"   (any other split)
                  --folds K: trainlist0k/testlist0k, fold k-1 the test side, k = 1..K.
  kinetics        torchvision Kinetics(root=DIR, split=...), official annotation CSV. No --folds.
                    DIR/<split>/<label>/<ytid>_<start:06>_<end:06>.mp4   each segment (consecutive
                                                        clips of a video in one split) as its own file
                    DIR/<split>.csv                     label,youtube_id,time_start,time_end,split (integer
                                                        seconds, as in the file name), then video,start_frame,
                                                        end_frame,start_sec,end_sec (inclusive times)
  pytorchvideo    PyTorchVideo LabeledVideoPaths.from_csv (video_path_prefix=DIR).
                    DIR/<label>/<name>                  the videos
                    DIR/<split>.csv                     "<label>/<name> <class>" (space separated, no header)
  hf-videofolder  HuggingFace datasets videofolder (load_dataset("videofolder", data_dir=DIR)). No --folds.
                    DIR/<split>/<label>/<name>          the videos
                    DIR/<split>/metadata.csv            header file_name,label; file_name "<label>/<name>"
  mmaction2-rawframes  mmaction2 RawframeDataset (data_prefix=dict(img=DIR)): frames extracted as JPEG, one
                  folder per segment (<dir> = <name> without extension, plus _f<start>-<end> when the video
                  has several segments); frames numbered from 1 in each folder.
                    DIR/<label>/<dir>/img_00001.jpg     the frames (every --frames-every'th decoded frame)
                    DIR/label_map.txt                   one label per line; line k is class k
                    DIR/<split>_list_rawframes.txt      "<label>/<dir> <total_frames> <class>"
  ultralytics     Ultralytics classification layout: frames extracted as JPEG. No --folds.
                    DIR/<split>/<label>/<stem>_<frame>.jpg   <stem> = <name> without extension, <frame> the
                                                        6-digit decoded frame index; every --frames-every'th
                                                        frame of each non-excluded row; every split has a
                                                        folder for every class
  clips           every segment (consecutive clips of a video in one split) as its own MP4.
                    DIR/<split>/<label>/<stem>_<start>-<end>.mp4   frames [start, end) of the video
                    DIR/clips.csv                       header file,label,split,video,start_frame,end_frame,
                                                        method,start_sec,end_sec
                    DIR/label_map.txt, DIR/<split>_list_videos.txt   the files for mmaction2 and PyTorchVideo
                                                        ("<split>/<label>/<file> <class>", prefix DIR)
                    DIR/<split>/metadata.csv            the files for HF videofolder (not with --folds)
                  method: copy (stream copy, when the segment starts on a keyframe and ends on one or at the
                  end) or reencode (decoded and encoded with libx264, or MPEG-4 part 2); --reencode forces it.
Times (start_sec, end_sec): the first frame's pts + 1/1000 tick rounded up, the last frame's pts - 1/1000
tick rounded down, so torchvision.io.read_video(path, start_sec, end_sec, pts_unit="sec") returns exactly
the row's frames.
Frame formats decode with the pipeline's decoder at the display size (rotation applied), JPEG quality 95.
Whole-file formats (mmaction2, ucf101, pytorchvideo, hf-videofolder) refuse a video whose clips went to
different splits (--unit clip). Videos are copied (--link copy), or linked with --link symlink|hardlink.
)";
}

std::pair<std::string, std::string> segment_seconds(const ExportVideo& video, const ExportSegment& segment) {
  if (video.times.size() < segment.end_frame)
    throw ConfigError(fmt::format("scan.jsonl has no frame times for frames {}-{} of video '{}'; rescan it",
                                  segment.start_frame, segment.end_frame, video.video));
  return inclusive_seconds(video.times, segment.start_frame, segment.end_frame);
}

namespace {

class Writer {
 public:
  Writer(const ExportPlan& plan, const ExportOptions& options) : plan_(plan), options_(options), root_(options.to) {
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) throw ConfigError(fmt::format("cannot create export folder {}: {}", options.to, ec.message()));
  }

  // `rel` is built only from sanitised components, so it stays inside the target folder.
  void write(const std::string& rel, const std::string& content) {
    write_file_atomic(target(rel).string(), content);
    result_.files.push_back(rel);
  }

  void place_video(size_t video, const std::string& rel) {
    const fs::path dst = target(rel);
    const fs::path src = plan_.videos[video].path;
    std::error_code ec;
    if (!fs::is_regular_file(src, ec))
      throw ConfigError(fmt::format("cannot export video '{}': {} not found (path from scan.jsonl)",
                                    plan_.videos[video].video, src.string()));
    place_source_file(src, dst, options_.link, options_.stop);
    ++result_.videos_placed;
  }

  void transcode_video(size_t video, const std::string& rel) {
    transcode_to_avi(plan_.videos[video], target(rel), options_);
    ++result_.videos_placed;
  }

  void folder(const std::string& rel) { target(rel + "/."); }
  void count_video() { ++result_.videos_placed; }
  const fs::path& root() const { return root_; }
  std::vector<std::string>& warnings() { return result_.warnings; }

  ExportResult finish() {
    std::sort(result_.files.begin(), result_.files.end());
    return std::move(result_);
  }

 private:
  fs::path target(const std::string& rel) {
    const fs::path p = root_ / rel;
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw Error(fmt::format("cannot create folder {}: {}", p.parent_path().string(), ec.message()));
    return p;
  }

  const ExportPlan& plan_;
  const ExportOptions& options_;
  fs::path root_;
  ExportResult result_;
};

std::string rel_video(const ExportVideo& v) { return v.folder + "/" + v.name; }

// Whole-file formats: each video's one split (refusing videos split apart), in video order.
std::vector<std::string> split_of_videos(const ExportPlan& plan, std::string_view format) {
  std::vector<std::string> out;
  for (size_t v = 0; v < plan.videos.size(); ++v) {
    bool any = false;
    for (const ExportSegment& s : plan.segments) any = any || s.video == v;
    out.push_back(any ? plan.whole_video_split(v, format) : std::string());
  }
  return out;
}

void place_all(Writer& w, const ExportPlan& plan, const std::vector<std::string>& split_of) {
  for (size_t v = 0; v < plan.videos.size(); ++v)
    if (!split_of[v].empty()) w.place_video(v, rel_video(plan.videos[v]));
}

std::string label_map(const ExportPlan& plan) {
  std::string map;
  for (const std::string& l : plan.labels) map += l + "\n";
  return map;
}

void export_mmaction2(Writer& w, const ExportPlan& plan) {
  const auto split_of = split_of_videos(plan, "mmaction2");
  place_all(w, plan, split_of);
  w.write("label_map.txt", label_map(plan));
  for (const ExportList& l : export_lists(plan)) {
    std::string list;
    for (size_t v = 0; v < plan.videos.size(); ++v)
      if (l.holds(split_of[v]))
        list += fmt::format("{} {}\n", rel_video(plan.videos[v]), plan.label_index(plan.videos[v].label));
    w.write(l.name + "_list_videos.txt", list);
  }
}

// torchvision's UCF101 lists only .avi files (extensions=("avi",)); other containers are transcoded, since
// remuxing H.264 from MP4 into AVI (which keeps no presentation times) gave PyAV doubled timestamps and twice
// the frame rate when the stream had B-frames.
void export_ucf101(Writer& w, const ExportPlan& plan, const ExportOptions& options) {
  const auto split_of = split_of_videos(plan, "ucf101");
  std::vector<std::string> rel(plan.videos.size());
  std::map<std::string, std::set<std::string>> taken;
  for (size_t v = 0; v < plan.videos.size(); ++v) {
    if (split_of[v].empty()) continue;
    const ExportVideo& video = plan.videos[v];
    const fs::path name(video.name);
    const bool avi = name.extension() == ".avi";
    if (!avi && !options.avi)
      throw ConfigError(fmt::format("video '{}' is not an .avi file, and torchvision's UCF101 reads only .avi: "
                                    "let ucf101 transcode it (leave out --no-avi), or use --format mmaction2",
                                    video.video));
    std::string file = avi ? video.name : name.stem().string() + ".avi";
    // a.mp4 and a.avi in one folder must not meet as a.avi.
    for (int n = 2; !taken[video.folder].insert(file).second; ++n)
      file = fmt::format("{}-{}.avi", name.stem().string(), n);
    rel[v] = video.folder + "/" + file;
    if (avi)
      w.place_video(v, rel[v]);
    else
      w.transcode_video(v, rel[v]);
  }
  std::string classes;
  for (size_t i = 0; i < plan.labels.size(); ++i) classes += fmt::format("{} {}\n", i + 1, plan.folders[i]);
  w.write("classInd.txt", classes);
  // UCF101's own scheme: trainlist0k/testlist0k is fold k. torchvision's UCF101(fold=k) takes k = 1..3.
  const auto write_pair = [&](int k, const ExportList& train, const ExportList& test) {
    std::string train_list, test_list;
    for (size_t v = 0; v < plan.videos.size(); ++v) {
      if (train.holds(split_of[v])) train_list += fmt::format("{} {}\n", rel[v], plan.label_index(plan.videos[v].label) + 1);
      if (test.holds(split_of[v])) test_list += rel[v] + "\n";
    }
    w.write(fmt::format("trainlist{:02d}.txt", k), train_list);
    w.write(fmt::format("testlist{:02d}.txt", k), test_list);
  };
  if (plan.folds > 0) {
    const auto lists = export_lists(plan);
    for (int i = 0; i < plan.folds; ++i) write_pair(i + 1, lists[2 * i], lists[2 * i + 1]);
    return;
  }
  const bool has_test = std::count(plan.splits.begin(), plan.splits.end(), "test") > 0;
  const std::string test = has_test ? "test" : "val";
  write_pair(1, {"train", {"train"}}, {test, {test}});
  for (const std::string& split : plan.splits) {
    if (split == "train" || split == test) continue;
    std::string list;
    for (size_t v = 0; v < plan.videos.size(); ++v)
      if (split_of[v] == split) list += rel[v] + "\n";
    w.write(split + "list01.txt", list);
  }
}

void refuse_folds(const ExportPlan& plan, std::string_view format, std::string_view consumer) {
  if (plan.folds > 0)
    throw ConfigError(fmt::format("format {} cannot express --folds: {} reads one folder per split, so {} folds "
                                  "would need {} copies of the data; use --format mmaction2, pytorchvideo, ucf101, "
                                  "mmaction2-rawframes or clips, or split with --ratios",
                                  format, consumer, plan.folds, plan.folds));
}

// Every split folder holds a folder for every class, even an empty one: consumers number the folders they
// find, so a missing class would shift the indices of the classes after it.
void warn_empty_classes(const ExportPlan& plan, const std::string& split, const std::set<std::string>& used,
                        std::string_view consumer, std::vector<std::string>& warnings) {
  std::string missing;
  for (const std::string& f : plan.folders)
    if (!used.count(f)) missing += (missing.empty() ? "" : ", ") + f;
  if (!missing.empty())
    warnings.push_back(fmt::format("split {} has no video of class(es) {}: their folders are empty, and {} "
                                   "refuses empty class folders",
                                   split, missing, consumer));
}

// Kinetics as torchvision's Kinetics(root=DIR, split=...) reads it, with the official annotation CSV: every
// segment is its own file DIR/<split>/<folder>/<ytid>_<start:06>_<end:06>.mp4, the integer seconds of the
// source video that hold it.
void export_kinetics(Writer& w, const ExportPlan& plan, const ExportOptions& options) {
  refuse_folds(plan, "kinetics", "torchvision's Kinetics");
  std::map<std::string, std::string> csv;
  std::map<std::string, std::set<std::string>> used;  // split -> class folders with a file
  std::map<std::string, std::set<std::string>> taken;  // folder of a split -> file names
  for (const std::string& split : plan.splits) {
    append_csv_row(csv[split], {"label", "youtube_id", "time_start", "time_end", "split", "video", "start_frame",
                                "end_frame", "start_sec", "end_sec"});
    for (const std::string& f : plan.folders) w.folder(split + "/" + f);
  }
  for (size_t v = 0; v < plan.videos.size(); ++v) {
    const ExportVideo& video = plan.videos[v];
    std::unique_ptr<SegmentCutter> cutter;
    for (const ExportSegment& s : plan.segments) {
      if (s.video != v) continue;
      if (!cutter) cutter = std::make_unique<SegmentCutter>(video, options);
      const auto [start_sec, end_sec] = segment_seconds(video, s);
      const int64_t start = static_cast<int64_t>(std::floor(s.start_sec));
      const int64_t end = std::max(start + 1, static_cast<int64_t>(std::ceil(s.end_sec)));
      // Two short segments within the same whole seconds: the second id gets -2 (Kinetics ids are opaque).
      std::string ytid = fs::path(video.name).stem().string(), file;
      for (int n = 2;; ++n) {
        file = fmt::format("{}_{:06d}_{:06d}.mp4", ytid, start, end);
        if (taken[s.split + "/" + video.folder].insert(file).second) break;
        ytid = fmt::format("{}-{}", fs::path(video.name).stem().string(), n);
      }
      cutter->cut(s.start_frame, s.end_frame, w.root() / s.split / video.folder / file);
      used[s.split].insert(video.folder);
      append_csv_row(csv[s.split],
                     {video.label, ytid, std::to_string(start), std::to_string(end), s.split, video.video,
                      std::to_string(s.start_frame), std::to_string(s.end_frame), start_sec, end_sec},
                     options.csv_safe ? CsvCells::SpreadsheetSafe : CsvCells::Exact);
    }
    if (cutter) w.count_video();
  }
  for (const std::string& split : plan.splits) {
    warn_empty_classes(plan, split, used[split], "torchvision's Kinetics (0.14)", w.warnings());
    w.write(split + ".csv", csv[split]);
  }
}

void export_pytorchvideo(Writer& w, const ExportPlan& plan) {
  const auto split_of = split_of_videos(plan, "pytorchvideo");
  place_all(w, plan, split_of);
  for (const ExportList& l : export_lists(plan)) {
    std::string list;
    for (size_t v = 0; v < plan.videos.size(); ++v)
      if (l.holds(split_of[v]))
        list += fmt::format("{} {}\n", rel_video(plan.videos[v]), plan.label_index(plan.videos[v].label));
    w.write(l.name + ".csv", list);
  }
}

void export_hf_videofolder(Writer& w, const ExportPlan& plan, const ExportOptions& options) {
  refuse_folds(plan, "hf-videofolder", "HF datasets' videofolder");
  const auto split_of = split_of_videos(plan, "hf-videofolder");
  for (const std::string& split : plan.splits) {
    std::string csv;
    append_csv_row(csv, {"file_name", "label"});
    for (size_t v = 0; v < plan.videos.size(); ++v) {
      if (split_of[v] != split) continue;
      w.place_video(v, split + "/" + rel_video(plan.videos[v]));
      append_csv_row(csv, {rel_video(plan.videos[v]), plan.videos[v].label},
                     options.csv_safe ? CsvCells::SpreadsheetSafe : CsvCells::Exact);
    }
    w.write(split + "/metadata.csv", csv);
  }
}

}  // namespace

ExportResult export_split(const ExportPlan& plan, const ExportOptions& options) {
  using Format = std::function<void(Writer&, const ExportPlan&)>;
  const std::map<std::string, Format> formats = {
      {"mmaction2", export_mmaction2},
      {"ucf101", [&](Writer& w, const ExportPlan& p) { export_ucf101(w, p, options); }},
      {"kinetics", [&](Writer& w, const ExportPlan& p) { export_kinetics(w, p, options); }},
      {"pytorchvideo", export_pytorchvideo},
      {"hf-videofolder", [&](Writer& w, const ExportPlan& p) { export_hf_videofolder(w, p, options); }}};
  if (options.format == "mmaction2-rawframes" || options.format == "ultralytics") {
    if (options.to.empty()) throw ConfigError("missing --to DIR (the export folder)");
    return export_frames(plan, options);
  }
  if (options.format == "clips") {
    if (options.to.empty()) throw ConfigError("missing --to DIR (the export folder)");
    std::error_code ec;
    fs::create_directories(options.to, ec);
    if (ec) throw ConfigError(fmt::format("cannot create export folder {}: {}", options.to, ec.message()));
    return export_clip_files(plan, options);
  }
  const auto it = formats.find(options.format);
  if (it == formats.end()) {
    std::string names;
    for (const std::string& f : export_formats()) names += (names.empty() ? "" : ", ") + f;
    throw ConfigError(fmt::format("unknown export format '{}' (one of: {})", options.format, names));
  }
  if (options.to.empty()) throw ConfigError("missing --to DIR (the export folder)");
  Writer w(plan, options);
  it->second(w, plan);
  return w.finish();
}

}  // namespace vidsplit
