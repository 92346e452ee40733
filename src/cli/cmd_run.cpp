#include "cli/options.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/report.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iterator>

namespace vidsplit::cli {

int cmd_run(const Args& args) {
  CommonCli common;
  ScanCli scan;
  CacheCli cache;
  SplitCli split;
  std::string out;
  std::vector<std::string> inputs;
  bool no_report = false, wait = false;
  po::options_description output = output_options(out, wait);
  output.add_options()("no-report", po::bool_switch(&no_report), "do not write OUT/report.html");
  // The options most runs set first; the scan's tuning after them.
  po::options_description visible(kLineLength, kDescriptionLength);
  visible.add(output).add(split_options(split)).add(scan_options(scan)).add(cache_options(cache));
  visible.add(common_options(common, true));
  const Parsed p = parse(args, visible, inputs);
  if (p.help) {
    print_help("Usage: vidsplit run [INPUT...] -o OUT [options]\n\nScans every video, groups everything that "
               "could leak, and writes OUT/clips.csv, summary.json,\nerrors.csv, group_evidence.csv, scan.jsonl and report.html.",
               visible,
               "  vidsplit run sample_videos -o out\n"
               "  vidsplit run data/ -o out --ratios train=0.7,val=0.15,test=0.15 --seed 7\n"
               "  vidsplit run data/ -o out --unit clip --guard 1.0 --labels labels.csv\n"
               "  vidsplit run data/ -o v2 --keep v1/clips.csv --min-per-class 2 --balance-by clips\n"
               "  vidsplit run data/ -o cv --folds 5                    # clips.csv gets a fold column\n"
               "  vidsplit run data/ -o seg --unit clip --segments activitynet.json\n");
    return kExitOk;
  }
  require_output(out);
  ScanOptions scan_options_ = to_scan_options(scan, common);
  const SplitOptions split_options_ = to_split_options(split);
  if (inputs.empty()) {
    // The README's first example: `vidsplit run -o out` next to the bundled samples. Said aloud, since a
    // forgotten INPUT in a script would otherwise split the samples silently.
    if (!std::filesystem::is_directory("sample_videos"))
      throw ConfigError("give an INPUT file or folder (with none, run reads ./sample_videos, which is not here)");
    fmt::print(stderr, "vidsplit: no INPUT given: reading ./sample_videos\n");
    inputs = {"sample_videos"};
  }
  check_input_paths(inputs);  // a mistyped INPUT creates nothing
  // OUT is taken (and marked) before the input walk, so the walk skips it when it lies inside the data.
  const OutputLock lock = lock_output(out, "run", args, wait);
  const auto found = find_inputs(inputs, scan, common);
  check_output_room(out, estimated_output_bytes(found.size()));
  const auto scan_cache = open_cache(cache, out, scan_options_);
  scan_options_.cache = scan_cache.get();

  const auto scans = scan_with_progress(found, scan_options_, common);
  // Every file of the run goes into one new generation of OUT, switched in at the end: an error or a kill
  // before that leaves the previous outputs as they were.
  OutputSet set(out);
  write_scan_jsonl(set.path("scan.jsonl"), scans, scan_parameters(scan_options_), scan_origin(inputs));
  json parameters = {{"scan", scan_parameters(scan_options_)}, {"split", split_parameters(split_options_)}};
  const int code = split_and_write(scans, split_options_, parameters, set, out, common);
  const bool report = write_report_after(code, no_report, set, out, common);
  set.commit();
  if (report && !common.quiet) fmt::print("wrote {}\n", path_in(out, "report.html"));
  return code;
}

}  // namespace vidsplit::cli
