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
#include <filesystem>
#include <map>

namespace vidsplit {

namespace fs = std::filesystem;

std::vector<std::string> export_formats() {
  return {"mmaction2", "ucf101", "kinetics", "pytorchvideo", "hf-videofolder", "mmaction2-rawframes", "ultralytics", "clips"};
}

std::string export_formats_help() {
  return R"(Formats (DIR = --to; <label> and <name> are sanitised: characters other than A-Z a-z 0-9 . _ -
become _; <name> is the video id without its label folder, '/' flattened to '_'; <class> is the label's
0-based index in sorted label order; every list is in clips.csv's video order, LF line ends):
  mmaction2       mmaction2 VideoDataset (data_prefix=DIR).
                    DIR/<label>/<name>                  the videos
                    DIR/label_map.txt                   one label per line; line k is class k
                    DIR/<split>_list_videos.txt         "<label>/<name> <class>"
  ucf101          UCF101 train/test lists.
                    DIR/<label>/<name>                  the videos
                    DIR/classInd.txt                    "<class+1> <label>"
                    DIR/trainlist01.txt                 "<label>/<name> <class+1>"   (split train)
                    DIR/testlist01.txt                  "<label>/<name>"             (split test, else val)
                    DIR/<split>list01.txt               "<label>/<name>"             (any other split)
  kinetics        Kinetics annotation CSV, one row per segment (consecutive clips of a video in one split).
                    DIR/<label>/<name>                  the videos
                    DIR/<split>.csv                     header label,youtube_id,time_start,time_end,split;
                                                        youtube_id = <name> without extension, times in
                                                        seconds (6 decimals), label as in clips.csv
  pytorchvideo    PyTorchVideo LabeledVideoPaths.from_csv (video_path_prefix=DIR).
                    DIR/<label>/<name>                  the videos
                    DIR/<split>.csv                     "<label>/<name> <class>" (space separated, no header)
  hf-videofolder  HuggingFace datasets videofolder (load_dataset("videofolder", data_dir=DIR)).
                    DIR/<split>/<label>/<name>          the videos
                    DIR/<split>/metadata.csv            header file_name,label; file_name "<label>/<name>"
  mmaction2-rawframes  mmaction2 RawframeDataset (data_prefix=DIR): frames extracted as JPEG, one folder
                  per segment (<dir> = <name> without extension, plus _f<start>-<end> when the video has
                  several segments); frames numbered from 1 in each folder.
                    DIR/<label>/<dir>/img_00001.jpg     the frames (every --frames-every'th decoded frame)
                    DIR/label_map.txt                   one label per line; line k is class k
                    DIR/<split>_list_rawframes.txt      "<label>/<dir> <total_frames> <class>"
  ultralytics     Ultralytics classification layout: frames extracted as JPEG.
                    DIR/<split>/<label>/<stem>_<frame>.jpg   <stem> = <name> without extension, <frame> the
                                                        6-digit decoded frame index; every --frames-every'th
                                                        frame of each non-excluded row
  clips           every segment (consecutive clips of a video in one split) as its own MP4.
                    DIR/<split>/<label>/<stem>_<start>-<end>.mp4   frames [start, end) of the video
                    DIR/clips.csv                       header file,label,split,video,start_frame,end_frame,method
                  method: copy (stream copy, when the segment starts on a keyframe and ends on one or at the
                  end) or reencode (decoded and encoded with libx264, or MPEG-4 part 2); --reencode forces it.
Frame formats decode with the pipeline's decoder at the display size (rotation applied), JPEG quality 95.
Whole-file formats (all but kinetics and the frame formats) refuse a video whose clips went to
different splits (--unit clip). Videos are copied (--link copy), or linked with --link symlink|hardlink.
)";
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

void export_mmaction2(Writer& w, const ExportPlan& plan) {
  const auto split_of = split_of_videos(plan, "mmaction2");
  place_all(w, plan, split_of);
  std::string map;
  for (const std::string& l : plan.labels) map += l + "\n";
  w.write("label_map.txt", map);
  for (const std::string& split : plan.splits) {
    std::string list;
    for (size_t v = 0; v < plan.videos.size(); ++v)
      if (split_of[v] == split)
        list += fmt::format("{} {}\n", rel_video(plan.videos[v]), plan.label_index(plan.videos[v].label));
    w.write(split + "_list_videos.txt", list);
  }
}

void export_ucf101(Writer& w, const ExportPlan& plan) {
  const auto split_of = split_of_videos(plan, "ucf101");
  place_all(w, plan, split_of);
  std::string classes;
  for (size_t i = 0; i < plan.labels.size(); ++i)
    classes += fmt::format("{} {}\n", i + 1, sanitize_component(plan.labels[i], "label"));
  w.write("classInd.txt", classes);
  const bool has_test = std::count(plan.splits.begin(), plan.splits.end(), "test") > 0;
  for (const std::string& split : plan.splits) {
    const bool train = split == "train";
    const std::string file = train                                 ? "trainlist01.txt"
                             : split == "test" || (split == "val" && !has_test) ? "testlist01.txt"
                                                                                 : split + "list01.txt";
    std::string list;
    for (size_t v = 0; v < plan.videos.size(); ++v) {
      if (split_of[v] != split) continue;
      if (train)
        list += fmt::format("{} {}\n", rel_video(plan.videos[v]), plan.label_index(plan.videos[v].label) + 1);
      else
        list += rel_video(plan.videos[v]) + "\n";
    }
    w.write(file, list);
  }
}

void export_kinetics(Writer& w, const ExportPlan& plan) {
  std::vector<std::string> used(plan.videos.size());
  for (const ExportSegment& s : plan.segments) used[s.video] = s.split;
  place_all(w, plan, used);
  for (const std::string& split : plan.splits) {
    std::string csv;
    append_csv_row(csv, {"label", "youtube_id", "time_start", "time_end", "split"});
    for (const ExportSegment& s : plan.segments) {
      if (s.split != split) continue;
      const ExportVideo& v = plan.videos[s.video];
      append_csv_row(csv, {v.label, fs::path(v.name).stem().string(), format_seconds(s.start_sec),
                           format_seconds(s.end_sec), split});
    }
    w.write(split + ".csv", csv);
  }
}

void export_pytorchvideo(Writer& w, const ExportPlan& plan) {
  const auto split_of = split_of_videos(plan, "pytorchvideo");
  place_all(w, plan, split_of);
  for (const std::string& split : plan.splits) {
    std::string list;
    for (size_t v = 0; v < plan.videos.size(); ++v)
      if (split_of[v] == split)
        list += fmt::format("{} {}\n", rel_video(plan.videos[v]), plan.label_index(plan.videos[v].label));
    w.write(split + ".csv", list);
  }
}

void export_hf_videofolder(Writer& w, const ExportPlan& plan) {
  const auto split_of = split_of_videos(plan, "hf-videofolder");
  for (const std::string& split : plan.splits) {
    std::string csv;
    append_csv_row(csv, {"file_name", "label"});
    for (size_t v = 0; v < plan.videos.size(); ++v) {
      if (split_of[v] != split) continue;
      w.place_video(v, split + "/" + rel_video(plan.videos[v]));
      append_csv_row(csv, {rel_video(plan.videos[v]), plan.videos[v].label});
    }
    w.write(split + "/metadata.csv", csv);
  }
}

}  // namespace

ExportResult export_split(const ExportPlan& plan, const ExportOptions& options) {
  const std::map<std::string, void (*)(Writer&, const ExportPlan&)> formats = {
      {"mmaction2", export_mmaction2},       {"ucf101", export_ucf101},
      {"kinetics", export_kinetics},         {"pytorchvideo", export_pytorchvideo},
      {"hf-videofolder", export_hf_videofolder}};
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
