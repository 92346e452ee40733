#include "cli/options.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>

#include <iterator>

namespace vidsplit::cli {

int cmd_merge(const Args& args) {
  CommonCli common;
  std::string out;
  bool wait = false;
  std::vector<std::string> scan_paths;
  po::options_description visible(kLineLength, kDescriptionLength);
  visible.add(common_options(common));
  visible.add(output_options(out, wait));
  const Parsed p = parse(args, visible, scan_paths);
  if (p.help) {
    print_help("Usage: vidsplit merge SCAN.jsonl... -o OUT\n\nCombines shard scans into OUT/scan.jsonl. All "
               "scans must have been made with the same scan parameters.",
               visible, "  vidsplit merge shards/*/scan.jsonl -o all && vidsplit split all/scan.jsonl -o final\n");
    return kExitOk;
  }
  require_output(out);
  if (scan_paths.empty()) throw ConfigError("give the shard scan.jsonl files to merge");
  std::vector<VideoScan> merged;
  json parameters;
  for (size_t i = 0; i < scan_paths.size(); ++i) {
    json these;
    std::vector<VideoScan> part;
    try {
      part = read_scan_jsonl(scan_paths[i], these);
    } catch (const Error& e) {
      throw ConfigError(e.what());
    }
    if (i == 0) {
      parameters = these;
    } else if (these != parameters) {
      throw ConfigError(fmt::format("{} was scanned with other parameters ({}) than {} ({})", scan_paths[i],
                                    these.dump(), scan_paths[0], parameters.dump()));
    }
    std::move(part.begin(), part.end(), std::back_inserter(merged));
  }
  sort_and_check(merged);
  const OutputLock lock = lock_output(out, "merge", args, wait);
  OutputSet set(out);
  write_scan_jsonl(set.path("scan.jsonl"), merged, parameters);
  set.commit();
  fmt::print("vidsplit: merged {} scans, {} videos, wrote {}\n", scan_paths.size(), merged.size(),
             path_in(out, "scan.jsonl"));
  return kExitOk;
}

}  // namespace vidsplit::cli
