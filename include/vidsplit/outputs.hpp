// Stage 7: outputs. Plain functions over the data model; every file is written atomically.
#pragma once

#include "vidsplit/io.hpp"
#include "vidsplit/split.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vidsplit {

inline const std::vector<std::string> kClipsColumns = {"video", "clip", "kind", "start_frame", "end_frame",
                                                       "start_sec", "end_sec", "label", "group", "split"};

std::string format_seconds(double seconds);  // fixed, 6 decimals

std::string clips_csv(const std::vector<ManifestRow>& rows);
// OUT/segments.csv (--segments): video,segment,start_sec,end_sec,start_frame,end_frame,label,group,split
std::string segments_csv(const std::vector<SegmentRow>& rows);
// OUT/errors.csv: video,error,kind; kind `error` (the video failed and is left out) or `truncated` (the file
// looks cut short: used as far as it goes, the error column says why).
std::string errors_csv(const std::vector<VideoScan>& scans);
std::string group_evidence_csv(const std::vector<VideoScan>& scans, const Grouping& grouping);
// The parameters object is stored as given (it must not hold anything run-dependent such as threads).
std::string summary_json(const std::vector<VideoScan>& scans, const SplitOutcome& outcome,
                         const SplitOptions& options, const nlohmann::json& parameters);

// Where a scan's videos were found: a relative `path` resolves against `cwd`, and every `path` lies under one of
// `roots`. Kept apart from the parameters, which key the cache and must match between merged shards.
struct ScanOrigin {
  std::string cwd;                 // absolute working folder of the scan; empty when not recorded
  std::vector<std::string> roots;  // the INPUT files and folders as given, absolute and lexically normal
};
// The origin of a scan of `inputs`, run from the current working folder.
ScanOrigin scan_origin(const std::vector<std::string>& inputs);

// scan.jsonl: a header line {"format":"vidsplit-scan","format_version":1,"parameters":{...}} (plus
// "origin":{"cwd":...,"roots":[...]} when known, and "shard":{"index":I,"count":N} for a `scan --shard I/N`),
// then one line per video in video order. Written a video at a time (the header on construction) and put in
// place whole at commit(); a writer destroyed before that leaves the previous file as it was.
struct ScanShard {
  size_t index = 0;
  size_t count = 1;
};
class ScanJsonlWriter {
 public:
  ScanJsonlWriter(const std::string& path, const nlohmann::json& parameters, const ScanOrigin& origin = {},
                  std::optional<ScanShard> shard = std::nullopt);
  void add(const VideoScan& scan);
  void commit() { file_.commit(); }

 private:
  AtomicFileWriter file_;
};
// All of `scans` through a ScanJsonlWriter.
void write_scan_jsonl(const std::string& path, const std::vector<VideoScan>& scans, const nlohmann::json& parameters,
                      const ScanOrigin& origin = {});
// One video as a scan.jsonl line (no newline), and back. parse_scan_line throws Error when malformed.
std::string scan_line(const VideoScan& scan);
VideoScan parse_scan_line(std::string_view line);
// Reads a scan.jsonl. Throws Error naming the file and line. Returns the videos; `parameters` receives
// the header's parameters, `origin` (when given) its origin, and `shard` (when given) the header's shard record
// (nullopt: a whole scan).
std::vector<VideoScan> read_scan_jsonl(const std::string& path, nlohmann::json& parameters,
                                       ScanOrigin* origin = nullptr, std::optional<ScanShard>* shard = nullptr);
// Reads only the lines of `videos` out of a scan.jsonl (in file order; a video not in the scan is simply not
// returned): other lines are passed over without being parsed, so a few paths out of a gigabyte scan take the
// time of reading the file. Throws Error as read_scan_jsonl does, for the lines it parses.
std::vector<VideoScan> read_scan_jsonl_videos(const std::string& path, const std::set<std::string>& videos,
                                              ScanOrigin* origin = nullptr);

// Writes clips.csv, summary.json, errors.csv and group_evidence.csv into `dir` (created if missing).
void write_split_outputs(const std::string& dir, const std::vector<VideoScan>& scans,
                         const SplitOutcome& outcome, const SplitOptions& options,
                         const nlohmann::json& parameters);

}  // namespace vidsplit
