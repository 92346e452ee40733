#include "cli/options.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <iterator>

namespace vidsplit::cli {

namespace {

// A merge of shards 0/2 alone would look like a whole dataset with half its videos: refuse an incomplete,
// duplicated or mixed set, naming what is wrong.
void check_shard_set(const std::vector<std::string>& paths, const std::vector<ScanShard>& shards) {
  const size_t count = shards.front().count;
  for (size_t i = 1; i < shards.size(); ++i)
    if (shards[i].count != count)
      throw ConfigError(fmt::format("{} is shard {}/{} but {} is shard {}/{}: not one set of shards", paths[0],
                                    shards[0].index, count, paths[i], shards[i].index, shards[i].count));
  std::vector<std::string> given(count);
  for (size_t i = 0; i < shards.size(); ++i) {
    std::string& first = given[shards[i].index];
    if (!first.empty())
      throw ConfigError(fmt::format("shard {}/{} is given twice ({} and {}); pass --allow-partial to merge anyway",
                                    shards[i].index, count, first, paths[i]));
    first = paths[i];
  }
  std::vector<size_t> missing;
  for (size_t k = 0; k < count; ++k)
    if (given[k].empty()) missing.push_back(k);
  if (!missing.empty())
    throw ConfigError(fmt::format("incomplete set of {} shards: missing shard(s) {} (each as scan --shard I/{}); "
                                  "pass --allow-partial to merge anyway",
                                  count, fmt::join(missing, ", "), count));
}

}  // namespace

int cmd_merge(const Args& args) {
  CommonCli common;
  std::string out;
  bool wait = false;
  std::vector<std::string> scan_paths;
  bool allow_partial = false;
  po::options_description visible(kLineLength, kDescriptionLength);
  visible.add(common_options(common));
  po::options_description output = output_options(out, wait);
  output.add_options()("allow-partial", po::bool_switch(&allow_partial),
                       "merge a set of shards with some missing or given twice (refused otherwise)");
  visible.add(output);
  const Parsed p = parse(args, visible, scan_paths);
  if (p.help) {
    print_help("Usage: vidsplit merge SCAN.jsonl... -o OUT\n\nCombines shard scans into OUT/scan.jsonl. All "
               "scans must have been made with the same scan parameters, and\nmake a whole set: each shard I/N "
               "of one N exactly once (a scan made without --shard counts as 0/1).",
               visible, "  vidsplit merge shards/*/scan.jsonl -o all && vidsplit split all/scan.jsonl -o final\n");
    return kExitOk;
  }
  require_output(out);
  if (scan_paths.empty()) throw ConfigError("give the shard scan.jsonl files to merge");
  std::vector<VideoScan> merged;
  json parameters;
  ScanOrigin origin;
  bool without_origin = false;
  std::vector<ScanShard> shards;
  for (size_t i = 0; i < scan_paths.size(); ++i) {
    json these;
    ScanOrigin from;
    std::vector<VideoScan> part;
    try {
      std::optional<ScanShard> shard;
      part = read_scan_jsonl(scan_paths[i], these, &from, &shard);
      shards.push_back(shard.value_or(ScanShard{}));
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
  if (!allow_partial) check_shard_set(scan_paths, shards);
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
