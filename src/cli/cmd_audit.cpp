#include "cli/options.hpp"
#include "vidsplit/audit.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>

#include <unordered_map>
#include <algorithm>

namespace vidsplit::cli {

namespace {

// The scans of `inputs` from a scan.jsonl, in their order; a video the file lacks is a failed scan.
std::vector<VideoScan> scans_from(const std::string& path, const std::vector<InputVideo>& inputs) {
  json parameters;
  std::vector<VideoScan> all;
  try {
    all = read_scan_jsonl(path, parameters);
  } catch (const Error& e) {
    throw ConfigError(e.what());
  }
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < all.size(); ++i) index.emplace(all[i].video, i);
  std::vector<VideoScan> scans;
  scans.reserve(inputs.size());
  for (const InputVideo& in : inputs) {
    const auto it = index.find(in.video);
    if (it != index.end()) {
      scans.push_back(std::move(all[it->second]));
      continue;
    }
    VideoScan missing;
    missing.video = in.video;
    missing.path = in.path;
    missing.label = in.label;
    missing.error = fmt::format("not in {}", path);
    scans.push_back(std::move(missing));
  }
  return scans;
}

}  // namespace

int cmd_audit(const Args& args) {
  CommonCli common;
  ScanCli scan;
  std::string out, split_path, videos, lists = "01", scan_path, source_pattern, sources, splits;
  int group_threshold = 10;
  int64_t max_leaks = 0;
  bool wait = false;
  po::options_description visible(kLineLength, kDescriptionLength);
  visible.add(common_options(common, true)).add(scan_options(scan));
  po::options_description audit("Audit", kLineLength, kDescriptionLength);
  audit.add_options()
      ("videos", po::value(&videos),
       "folder the video paths of a clips.csv or of list files are relative to (default: the folder holding "
       "the clips.csv or the lists)")
      ("lists", po::value(&lists)->default_value("01"),
       "UCF101-style lists: read <split>list<NN>.txt (trainlist01.txt, testlist01.txt, vallist01.txt)")
      ("splits", po::value(&splits),
       "the split names SPLIT may use, e.g. train,val,test; any other name is refused (default: the names in "
       "a summary.json beside a clips.csv; without one, a name that begins another, such as va beside val, "
       "is refused)")
      ("group-threshold", po::value(&group_threshold)->default_value(10),
       "max Hamming distance (of 64 bits) between keyframe hashes for clips to count as near-duplicates")
      ("max-leaks", po::value(&max_leaks)->default_value(0),
       "exit with code 4 when more than this many cross-split pairs leak (a CI gate)")
      ("scan", po::value(&scan_path),
       "SCAN.jsonl of the videos (from `vidsplit scan` or `run`): no decoding; a listed video missing from it "
       "counts as failed")
      ("source-pattern", po::value(&source_pattern),
       "also report videos with one source key in different splits (same-source-name): a regex whose first capture "
       "group is the key, or a preset: ucf101, hmdb51, kinetics")
      ("sources", po::value(&sources), "CSV with columns video,source, as --source-pattern (wins over it)");
  visible.add(audit).add(output_options(out, wait));
  const Parsed p = parse(args, visible, split_path);
  if (p.help) {
    print_help("Usage: vidsplit audit SPLIT -o OUT [options]\n\nChecks an existing split for leaks. SPLIT is a "
               "clips.csv (columns video and split; start_frame/end_frame\nwhen splits differ within a video), "
               "UCF101-style list files (a trainlist01.txt, or the folder holding\nthem), or a folder with one "
               "subfolder per split (root/train/..., root/val/...). Scans the videos (or reads --scan) and\nwrites "
               "OUT/leaks.csv: every cross-split pair of near-duplicate or identical-stream clips, and of\nvideos "
               "with one source key (clip -1: the whole video), with its evidence\n"
               "(split_a,video_a,clip_a,start_frame_a,end_frame_a,split_b,video_b,clip_b,start_frame_b,\n"
               "end_frame_b,reason,matched_keyframes,hash_distance,histogram_distance), and OUT/errors.csv.\n"
               "Exit 4 when the leaking pairs exceed --max-leaks; otherwise 0, or 3 if some videos failed.",
               visible,
               "  vidsplit audit datasets/mysplit -o audit            # root/train/..., root/val/...\n"
               "  vidsplit audit ucfTrainTestlist/trainlist01.txt --videos UCF-101 -o audit\n"
               "  vidsplit audit out/clips.csv --videos data/ -o audit --max-leaks 5\n"
               "  vidsplit audit out/clips.csv --scan out/scan.jsonl -o audit --source-pattern ucf101\n");
    return kExitOk;
  }
  require_output(out);
  if (split_path.empty()) throw ConfigError("give the SPLIT to audit: a clips.csv, list files or a folder of splits");
  if (max_leaks < 0) throw ConfigError("--max-leaks must be >= 0");
  GroupingOptions grouping;
  grouping.hash_threshold = checked_group_threshold(group_threshold);
  const ScanOptions scan_opts = to_scan_options(scan, common);
  grouping.threads = common.threads;
  grouping.sources = to_source_options(source_pattern, sources);
  SplitLayoutOptions layout_options;
  layout_options.videos_root = videos;
  layout_options.list_number = lists;
  for (size_t from = 0; !splits.empty() && from <= splits.size();) {
    const size_t comma = std::min(splits.find(',', from), splits.size());
    const std::string name = splits.substr(from, comma - from);
    if (name.empty()) throw ConfigError(fmt::format("--splits must be names separated by commas, not '{}'", splits));
    layout_options.splits.push_back(name);
    from = comma + 1;
  }
  const SplitLayout layout = read_split_layout(split_path, layout_options);
  std::vector<InputVideo> inputs;
  for (const AuditVideo& v : layout.videos) inputs.push_back(v.input);
  const OutputLock lock = lock_output(out, "audit", args, wait);
  check_output_room(out, estimated_output_bytes(inputs.size()));

  const auto scans = scan_path.empty() ? scan_with_progress(inputs, scan_opts, common) : scans_from(scan_path, inputs);
  // leaks.csv and errors.csv join OUT's current set (a run's split, say); its report no longer shows this audit.
  OutputSet set(out);
  set.keep_all_except({"errors.csv", "leaks.csv", "report.html"});
  write_file_atomic(set.path("errors.csv"), errors_csv(scans));
  const size_t failed = report_failures(scans, common);
  if (failed == scans.size()) {
    set.commit();
    fmt::print(stderr, "vidsplit: error: none of the {} videos could be read (reasons in {})\n", scans.size(),
               path_in(out, "errors.csv"));
    return kExitNothingUsable;
  }
  if (!grouping.sources.table.empty()) {
    std::vector<std::string> ids;
    for (const VideoScan& s : scans) ids.push_back(s.video);
    if (const size_t unknown = unknown_table_videos(ids, grouping.sources); unknown > 0 && !common.quiet)
      fmt::print(stderr, "vidsplit: warning: {}: {} of its {} videos are not in the split\n", sources, unknown,
                 grouping.sources.table.size());
  }
  const AuditResult result = audit_split(scans, layout, grouping);
  write_file_atomic(set.path("leaks.csv"), leaks_csv(scans, result));
  set.commit();

  fmt::print("vidsplit audit: {} videos ({} failed) in a {} layout; {} leaking cross-split pair(s)\n", scans.size(),
             failed, layout.kind, result.leaks.size());
  for (const SplitLeakage& s : result.splits)
    fmt::print("  {}: {} of {} frames ({:.1f}%) in {} clip(s) have a near-duplicate in {}\n", s.split,
               s.leaked_frames, s.frames, s.frames > 0 ? 100.0 * static_cast<double>(s.leaked_frames) / static_cast<double>(s.frames) : 0.0,
               s.leaking_clips, result.reference);
  fmt::print("wrote {}\n", path_in(out, "leaks.csv"));
  if (static_cast<int64_t>(result.leaks.size()) > max_leaks) {
    fmt::print(stderr, "vidsplit audit: {} leaking pair(s), more than --max-leaks {}\n", result.leaks.size(),
               max_leaks);
    return kExitLeaks;
  }
  return failed > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace vidsplit::cli
