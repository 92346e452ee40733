// Exports: a finished split (OUT/clips.csv + OUT/scan.jsonl) written in a training framework's own format.
// Every file goes under the target folder: names come from sanitised labels and video ids, and a label or
// video id that is absolute or holds `..` is refused with ConfigError.
#pragma once

#include "vidsplit/frame.hpp"
#include "vidsplit/output_set.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vidsplit {

// One usable video of the split, with the names it gets inside an export.
struct ExportVideo {
  std::string video;   // id, as in clips.csv
  std::string path;    // where to read it: scan.jsonl's path, resolved against the scan's recorded cwd
  std::optional<uint64_t> content_hash;  // scan.jsonl's content_hash; none when its scan failed
  std::string label;   // as in clips.csv
  std::string folder;  // sanitised label: the folder name used in exports
  std::string name;    // sanitised, flattened file name, unique within its label folder (keeps the extension)
  FrameTimes times;    // every decoded frame's pts (scan.jsonl), for the exports that give times
};

// A maximal run of consecutive non-excluded rows of one video that went to one split.
struct ExportSegment {
  size_t video = 0;  // index into ExportPlan::videos
  std::string split;
  int64_t start_frame = 0;
  int64_t end_frame = 0;  // exclusive
  double start_sec = 0.0;
  double end_sec = 0.0;
};

struct ExportPlan {
  std::string out_dir;              // the OUT folder read
  std::vector<std::string> roots;   // the scan's input roots (absolute); empty when scan.jsonl records none
  // Class k is labels[k], stored in folders[k]. The order is the folders' bytewise (= code point) order: the
  // one torchvision's find_classes and every other folder-reading consumer derive, so every list agrees
  // with the folders.
  std::vector<std::string> labels;
  std::vector<std::string> folders;
  std::vector<std::string> splits;  // split names found, sorted, without `excluded`
  int folds = 0;  // clips.csv has a `fold` column: the splits are fold0..fold<folds-1>
  std::vector<ExportVideo> videos;  // clips.csv order
  std::vector<ExportSegment> segments;  // video order, then time
  std::vector<std::string> warnings;  // one line each, for the command to print

  int label_index(std::string_view label) const;  // -1 when not a class of the plan
  // The single split of a video, or ConfigError when its rows went to several (clip unit).
  const std::string& whole_video_split(size_t video, std::string_view format) const;
};

// One list a format writes: `name` is the split, or fold<i>_train / fold<i>_val for fold i of a --folds split
// (val = fold i, train = every other fold).
struct ExportList {
  std::string name;
  std::vector<std::string> splits;  // the plan's splits it holds
  bool holds(std::string_view split) const;
};
std::vector<ExportList> export_lists(const ExportPlan& plan);

// Times of frames [start, end) of a video, in seconds with 9 decimals, for readers that take every frame with
// start <= pts <= end (torchvision.io.read_video with pts_unit='sec' floors the start and ceils the end to
// stream ticks): the start is the first frame's pts plus 1/1000 tick, rounded up; the end is the last frame's
// pts minus 1/1000 tick, rounded down. A one-frame range gives that frame's time in both.
std::pair<std::string, std::string> inclusive_seconds(const FrameTimes& times, int64_t start, int64_t end);

// Reads OUT/clips.csv and OUT/scan.jsonl. Throws ConfigError when they are missing or a name is unsafe.
ExportPlan load_export_plan(const std::string& out_dir);
// Checks every source the plan reads before anything is written: its path lies under one of the scan's input
// roots (when recorded), and its video stream still hashes to the scan's content_hash. Throws ConfigError naming
// the video and the reason; Interrupted when `stop` is set.
void verify_export_sources(const ExportPlan& plan, const std::atomic<bool>* stop = nullptr);
// Refuses (ConfigError) a target folder that is, contains or lies inside a source video's folder, or that is,
// contains or lies inside plan.out_dir other than below OUT/export/. Paths are compared canonical (symbolic
// links and `..` resolved).
void check_export_target(const ExportPlan& plan, const std::string& to);

enum class LinkMode { Copy, Symlink, Hardlink };
LinkMode parse_link_mode(std::string_view text);  // "copy" | "symlink" | "hardlink"; ConfigError otherwise

struct ExportOptions {
  std::string format;  // one of export_formats()
  std::string to;      // target folder, created if missing
  LinkMode link = LinkMode::Copy;  // how list formats place the source videos under `to`
  int frames_every = 1;  // frame formats: keep decoded frames whose index (in the video) is a multiple of this
  int jpeg_quality = 95;
  bool reencode = false;  // clips, kinetics: re-encode every segment, even those a stream copy could cut
  bool avi = true;        // ucf101: transcode non-.avi videos to MPEG-4 part 2 in AVI; false: refuse them
  bool csv_safe = false;  // CSVs neutralised for spreadsheets (CsvCells::SpreadsheetSafe) instead of exact
  int threads = 0;       // codec threads for frame formats (0 = FFmpeg's choice)
  bool overwrite = false;  // export_to_target: replace a target that holds an earlier vidsplit export
  const std::atomic<bool>* stop = nullptr;  // polled while decoding; Interrupted when set
};

// Format names, in help order.
std::vector<std::string> export_formats();
// The line formats of every export, for `vidsplit export --help` (README has the same text).
std::string export_formats_help();

struct ExportResult {
  std::vector<std::string> files;  // list/metadata files written, relative to the target folder, sorted
  size_t videos_placed = 0;
  std::vector<std::string> warnings;  // one line each, for the command to print
};

// Writes the plan in `options.format` under `options.to`. Throws ConfigError for an unknown format or a
// plan the format cannot express, Error for I/O failures.
ExportResult export_split(const ExportPlan& plan, const ExportOptions& options);

// Every export folder holds the marker file kExportMarker (output_set.hpp): JSON naming the tool version, the
// format and the OUT exported.
// The safe export: verify_export_sources and check_export_target, then export_split into a fresh folder beside
// `options.to`, which is renamed into place only once complete, so a failed or interrupted export leaves the
// target as it was. An existing target must be an empty folder, or, with options.overwrite, a folder holding an
// earlier export (its marker file); anything else is refused with ConfigError. Nothing is deleted but that
// earlier export and the fresh folder.
ExportResult export_to_target(const ExportPlan& plan, const ExportOptions& options);

// ---- Path safety, exposed for tests ----
// One path component made safe for every list format, with torchvision's Kinetics label rule first (' ( )
// removed, space -> '_'); then other ASCII characters than letters, digits, '.', '_' and '-' and bytes that
// are not valid UTF-8 become '_', and UTF-8 letters stay. A result longer than 180 bytes is cut (at a
// character boundary, keeping a short extension) and ends with '~' and 8 hex digits of the text's hash.
// Throws ConfigError (naming `what`) when the result is empty, "." or "..".
std::string sanitize_component(std::string_view text, std::string_view what);
// Splits a relative path on '/', refusing absolute paths and `..` components with ConfigError.
std::vector<std::string> checked_relative_parts(std::string_view path, std::string_view what);

}  // namespace vidsplit
