#include "cli/options.hpp"
#include "vidsplit/audit.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>

namespace vidsplit::cli {

int cmd_audit(const Args& args) {
  CommonCli common;
  ScanCli scan;
  std::string out, split_path, videos, lists = "01";
  int group_threshold = 10;
  int64_t max_leaks = 0;
  po::options_description visible(kLineLength, kDescriptionLength);
  visible.add(common_options(common)).add(scan_options(scan));
  po::options_description audit("Audit", kLineLength, kDescriptionLength);
  audit.add_options()
      ("videos", po::value(&videos),
       "folder the video paths of a clips.csv or of list files are relative to (default: the folder holding "
       "the clips.csv or the lists)")
      ("lists", po::value(&lists)->default_value("01"),
       "UCF101-style lists: read <split>list<NN>.txt (trainlist01.txt, testlist01.txt, vallist01.txt)")
      ("group-threshold", po::value(&group_threshold)->default_value(10),
       "max Hamming distance (of 64 bits) between keyframe hashes for clips to count as near-duplicates")
      ("max-leaks", po::value(&max_leaks)->default_value(0),
       "exit with code 4 when more than this many cross-split pairs leak (a CI gate)");
  visible.add(audit).add(output_options(out));
  const Parsed p = parse(args, visible, split_path);
  if (p.help) {
    print_help("Usage: vidsplit audit SPLIT -o OUT [options]\n\nChecks an existing split for leaks. SPLIT is a "
               "clips.csv (columns video and split; start_frame/end_frame\nwhen splits differ within a video), "
               "UCF101-style list files (a trainlist01.txt, or the folder holding\nthem), or a folder with one "
               "subfolder per split (root/train/..., root/val/...). Scans the videos and\nwrites OUT/leaks.csv: "
               "every cross-split pair of near-duplicate or identical-stream clips, with its\nevidence "
               "(split_a,video_a,clip_a,start_frame_a,end_frame_a,split_b,video_b,clip_b,start_frame_b,\n"
               "end_frame_b,reason,matched_keyframes,hash_distance,histogram_distance), and OUT/errors.csv.\n"
               "Exit 4 when the leaking pairs exceed --max-leaks; otherwise 0, or 3 if some videos failed.",
               visible,
               "  vidsplit audit datasets/mysplit -o audit            # root/train/..., root/val/...\n"
               "  vidsplit audit ucfTrainTestlist/trainlist01.txt --videos UCF-101 -o audit\n"
               "  vidsplit audit out/clips.csv --videos data/ -o audit --max-leaks 5\n");
    return kExitOk;
  }
  require_output(out);
  if (split_path.empty()) throw ConfigError("give the SPLIT to audit: a clips.csv, list files or a folder of splits");
  if (max_leaks < 0) throw ConfigError("--max-leaks must be >= 0");
  GroupingOptions grouping;
  grouping.hash_threshold = checked_group_threshold(group_threshold);
  const ScanOptions scan_opts = to_scan_options(scan, common);
  SplitLayoutOptions layout_options;
  layout_options.videos_root = videos;
  layout_options.list_number = lists;
  const SplitLayout layout = read_split_layout(split_path, layout_options);
  std::vector<InputVideo> inputs;
  for (const AuditVideo& v : layout.videos) inputs.push_back(v.input);
  ensure_dir(out);

  const auto scans = scan_with_progress(inputs, scan_opts, common);
  write_file_atomic(path_in(out, "errors.csv"), errors_csv(scans));
  const size_t failed = report_failures(scans, common);
  if (failed == scans.size()) {
    fmt::print(stderr, "vidsplit: error: none of the {} videos could be read (reasons in {})\n", scans.size(),
               path_in(out, "errors.csv"));
    return kExitNothingUsable;
  }
  const AuditResult result = audit_split(scans, layout, grouping);
  write_file_atomic(path_in(out, "leaks.csv"), leaks_csv(scans, result));

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
