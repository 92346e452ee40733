#include "cli/options.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace vidsplit::cli {

int cmd_split(const Args& args) {
  CommonCli common;
  SplitCli split;
  std::string out, scan_path;
  bool no_report = false, wait = false;
  po::options_description output = output_options(out, wait);
  output.add_options()("no-report", po::bool_switch(&no_report), "do not write OUT/report.html");
  po::options_description visible(kLineLength, kDescriptionLength);
  visible.add(output).add(split_options(split)).add(common_options(common));
  const Parsed p = parse(args, visible, scan_path);
  if (p.help) {
    print_help("Usage: vidsplit split SCAN.jsonl -o OUT [options]\n\nGroups and splits an earlier scan without "
               "decoding again; writes the same files as `run`,\nOUT/scan.jsonl included (a hard link to SCAN.jsonl "
               "on the same file system, else a copy).",
               visible,
               "  vidsplit split out/scan.jsonl -o out_clip --unit clip --guard 0.5\n"
               "  vidsplit split all/scan.jsonl -o final --ratios train=0.9,val=0.1 --seed 3\n"
               "  vidsplit split all/scan.jsonl -o v2 --keep v1/clips.csv           # only new videos are placed\n"
               "  vidsplit split all/scan.jsonl -o cv --folds 5 --balance-by seconds --min-per-class 2\n"
               "  vidsplit split all/scan.jsonl -o seg --unit clip --segments annotations.csv\n"
               "  vidsplit split all/scan.jsonl -o st --stable --ratios train=0.9,val=0.1\n");
    return kExitOk;
  }
  require_output(out);
  if (scan_path.empty()) throw ConfigError("give the SCAN.jsonl written by `vidsplit scan` or `run`");
  const SplitOptions options = to_split_options(split);
  json scan_params;
  std::vector<VideoScan> scans;
  try {
    scans = read_scan_jsonl(scan_path, scan_params);
  } catch (const Error& e) {
    throw ConfigError(e.what());
  }
  sort_and_check(scans);
  if (scans.empty()) throw Error(fmt::format("{} holds no videos", scan_path));
  const OutputLock lock = lock_output(out, "split", args, wait);
  check_output_room(out, estimated_output_bytes(scans.size()));
  OutputSet set(out);
  // The scan goes with the split (a hard link, or a copy across filesystems): `report` and `export` of OUT
  // read the videos' paths and keyframes from the very scan the split was made of.
  set.add("scan.jsonl", scan_path);
  const std::string source = std::filesystem::absolute(scan_path).lexically_normal().string();
  json parameters = {{"scan", scan_params}, {"split", split_parameters(options)}, {"scan_source", source}};
  const int code = split_and_write(scans, options, parameters, set, out, common);
  const bool report = write_report_after(code, no_report, set, out, common);
  set.commit();
  if (report && !common.quiet) fmt::print("wrote {}\n", path_in(out, "report.html"));
  return code;
}

}  // namespace vidsplit::cli
