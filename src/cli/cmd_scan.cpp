#include "cli/options.hpp"
#include "vidsplit/hash.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>


namespace vidsplit::cli {

int cmd_scan(const Args& args) {
  CommonCli common;
  ScanCli scan;
  CacheCli cache;
  std::string out, shard;
  bool wait = false;
  std::vector<std::string> inputs;
  po::options_description visible(kLineLength, kDescriptionLength);
  visible.add(common_options(common, true)).add(scan_options(scan)).add(cache_options(cache));
  po::options_description output = output_options(out, wait);
  output.add_options()("shard", po::value(&shard),
                       "I/N: scan only shard I (0-based) of N; a video's shard is a hash of its id, so it does "
                       "not move when the dataset grows");
  visible.add(output);
  const Parsed p = parse(args, visible, inputs);
  if (p.help) {
    print_help("Usage: vidsplit scan INPUT... -o OUT [options]\n\nDecodes every video and writes its shots and "
               "signatures to OUT/scan.jsonl (and failures to OUT/errors.csv).",
               visible,
               "  vidsplit scan data/ -o scans\n"
               "  vidsplit scan data/ -o scans/shard0 --shard 0/4   # then: vidsplit merge scans/*/scan.jsonl -o all\n");
    return kExitOk;
  }
  require_output(out);
  if (inputs.empty()) throw ConfigError("give at least one INPUT file or folder");
  ScanOptions options = to_scan_options(scan, common);
  check_input_paths(inputs);  // a mistyped INPUT creates nothing
  const OutputLock lock = lock_output(out, "scan", args, wait);
  auto found = find_inputs(inputs, scan, common);
  std::optional<ScanShard> this_shard;
  if (!shard.empty()) {
    const auto [index, count] = parse_shard(shard);
    this_shard = ScanShard{index, count};
    std::erase_if(found, [&](const InputVideo& v) { return hash_string(v.video) % count != index; });
  }
  check_output_room(out, estimated_output_bytes(found.size()));
  const auto scan_cache = open_cache(cache, out, options);
  options.cache = scan_cache.get();
  // Each video's line is written as its scan comes in, so memory does not grow with the number of videos; only
  // the failures are kept, for errors.csv. Both go into a new generation of OUT, switched in once complete (an
  // interrupted scan leaves the previous outputs, if any, as they were; the cache keeps what was done).
  OutputSet set(out);
  ScanJsonlWriter jsonl(set.path("scan.jsonl"), scan_parameters(options), scan_origin(inputs), this_shard);
  std::vector<VideoScan> failures;
  size_t scanned = 0;
  scan_with_progress(found, options, common, [&](VideoScan&& s) {
    jsonl.add(s);
    ++scanned;
    if (!s.ok() || !s.truncated.empty()) {
      s.shots.clear();  // errors.csv needs the names and reasons only
      failures.push_back(std::move(s));
    }
  });
  write_file_atomic(set.path("errors.csv"), errors_csv(failures));
  jsonl.commit();
  set.commit();
  const size_t failed = report_failures(failures, common);
  fmt::print("vidsplit: scanned {} videos ({} failed), wrote {}\n", scanned, failed, path_in(out, "scan.jsonl"));
  if (scanned > 0 && failed == scanned) return kExitNothingUsable;
  return failed > 0 || count_truncated(failures) > 0 ? kExitSomeFailed : kExitOk;
}

}  // namespace vidsplit::cli
