#include "cli/options.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
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
  ScanOrigin origin;
  bool without_origin = false;
  for (size_t i = 0; i < scan_paths.size(); ++i) {
    json these;
    ScanOrigin from;
    std::vector<VideoScan> part;
    try {
      part = read_scan_jsonl(scan_paths[i], these, &from);
    } catch (const Error& e) {
      throw ConfigError(e.what());
    }
    // Shards scanned from different folders: their relative paths become absolute, so that one cwd serves all.
    // A shard that recorded no origin leaves the merged scan without one (its paths stay as they are).
    if (i == 0) origin.cwd = from.cwd;
    if (from.cwd != origin.cwd && !from.cwd.empty())
      for (VideoScan& s : part)
        if (std::filesystem::path(s.path).is_relative()) s.path = (std::filesystem::path(from.cwd) / s.path).lexically_normal().string();
    if (from.cwd.empty()) without_origin = true;
    for (const std::string& root : from.roots)
      if (std::find(origin.roots.begin(), origin.roots.end(), root) == origin.roots.end()) origin.roots.push_back(root);
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
  write_scan_jsonl(set.path("scan.jsonl"), merged, parameters, without_origin ? ScanOrigin{} : origin);
  set.commit();
  fmt::print("vidsplit: merged {} scans, {} videos, wrote {}\n", scan_paths.size(), merged.size(),
             path_in(out, "scan.jsonl"));
  return kExitOk;
}

}  // namespace vidsplit::cli
