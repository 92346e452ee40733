#include "cli/options.hpp"

#include "cli/progress.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/version.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

namespace vidsplit::cli {

std::atomic<bool>& stop_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}

std::string main_usage() {
  return R"(vidsplit - leakage-safe train/val(/test) splits for video datasets

Usage:
  vidsplit run   [INPUT...] -o OUT [options]  scan + group + split, write OUT/ (INPUT defaults to sample_videos)
  vidsplit scan  INPUT... -o OUT [options]    decode + shots + signatures only -> OUT/scan.jsonl
  vidsplit split SCAN.jsonl -o OUT [options]  group + split from an earlier scan
  vidsplit shots VIDEO [options]              shot list of one video as CSV on stdout
  vidsplit merge SCAN.jsonl... -o OUT         combine shard scans (scan --shard I/N) into OUT/scan.jsonl
  vidsplit export OUT --format NAME [--to DIR]  OUT's split as mmaction2/ucf101/kinetics/... lists
  vidsplit report OUT                         OUT/report.html (run writes it too, unless --no-report)
  vidsplit --help | --version                 and `vidsplit COMMAND --help` for each command

INPUT is a video file or a folder, read recursively; a video's label is its parent folder's name
(root/<label>/<file>) unless --labels FILE.csv gives it.

Exit codes: 0 all inputs processed; 3 outputs written but some inputs failed (OUT/errors.csv);
2 bad command line or configuration; 1 nothing usable could be produced; 130 interrupted.

Example:
  vidsplit run datasets/ucf_subset -o out --ratios train=0.7,val=0.15,test=0.15 --unit clip --guard 0.5
)";
}

po::options_description common_options(CommonCli& c) {
  po::options_description d("General", kLineLength, kDescriptionLength);
  d.add_options()
      ("help,h", "show this help")
      ("quiet,q", po::bool_switch(&c.quiet), "no progress line and no warnings on stderr")
      ("threads,j", po::value(&c.threads)->default_value(0), "worker threads; 0 = all cores. Outputs do not depend on it");
  return d;
}

po::options_description scan_options(ScanCli& s) {
  po::options_description d("Scanning", kLineLength, kDescriptionLength);
  d.add_options()
      ("detector", po::value(&s.detector)->default_value("auto"),
       "shot detector: auto (adaptive cuts + fades through black), adaptive (cuts whose score stands out from "
       "the neighbouring frames'), content (cuts by score alone), fade (fades only)")
      ("threshold", po::value<double>()->notifier([&s](double v) { s.threshold = v; }),
       "cut threshold on the 0-255 content score (weighted mean change of hue, saturation, luma and edges). "
       "Default 27 for content, 15 for auto/adaptive. Lower finds more cuts")
      ("adaptive-ratio", po::value(&s.adaptive_ratio)->default_value(3.0),
       "auto/adaptive: a cut's score must be this many times its neighbours' mean score")
      ("min-hash-change", po::value(&s.min_hash_change)->default_value(12),
       "a cut must also change this many of the 64 perceptual-hash bits (0 disables): colour-only changes "
       "and flashes are not cuts")
      ("min-shot", po::value(&s.min_shot)->default_value(0.5), "shortest shot in seconds; closer cuts are ignored")
      ("labels", po::value(&s.labels), "CSV with columns video,label overriding folder-name labels")
      ("max-pixels", po::value(&s.max_pixels)->default_value(0),
       "refuse videos whose frames exceed this many pixels (0 = no limit)")
      ("analysis-size", po::value(&s.analysis_size)->default_value(64),
       "side of the square frame that signatures and detectors see; changes results");
  return d;
}

po::options_description split_options(SplitCli& s) {
  po::options_description d("Splitting", kLineLength, kDescriptionLength);
  d.add_options()
      ("ratios", po::value(&s.ratios)->default_value("train=0.8,val=0.2"),
       "split names and fractions summing to 1, e.g. train=0.7,val=0.15,test=0.15")
      ("unit", po::value(&s.unit)->default_value("video"),
       "video: whole videos (and their near-duplicates) go to one split; clip: shots may be split apart "
       "at hard cuts, recurring scenes and near-duplicates stay together")
      ("seed", po::value(&s.seed)->default_value(0), "seed of the assignment's tie-breaking order")
      ("guard", po::value(&s.guard)->default_value(0.0),
       "clip unit only: seconds cut out as `guard` rows on both sides of every train/val boundary")
      ("group-threshold", po::value(&s.group_threshold)->default_value(10),
       "max Hamming distance (of 64 bits) between keyframe hashes for clips to count as near-duplicates");
  return d;
}

po::options_description output_options(std::string& out) {
  po::options_description d("Output", kLineLength, kDescriptionLength);
  d.add_options()("output,o", po::value(&out), "output folder (required); created if missing");
  return d;
}

Parsed parse(const Args& args, const po::options_description& visible, const po::options_description& hidden,
             const po::positional_options_description& positional) {
  po::options_description all;
  all.add(visible).add(hidden);
  Parsed p;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), p.vm);
  p.help = p.vm.count("help") > 0;
  if (!p.help) po::notify(p.vm);
  return p;
}

void print_help(const std::string& usage, const po::options_description& visible, const std::string& examples) {
  std::ostringstream options;
  options << visible;
  fmt::print("{}\n{}\nExamples:\n{}", usage, options.str(), examples);
}

ScanOptions to_scan_options(const ScanCli& s, const CommonCli& c) {
  ScanOptions o;
  o.detector = s.detector;
  o.detection.threshold = s.threshold;
  o.detection.min_shot_seconds = s.min_shot;
  o.detection.adaptive_ratio = s.adaptive_ratio;
  o.detection.min_hash_change = s.min_hash_change;
  o.decoder.max_pixels = s.max_pixels;
  o.decoder.analysis_size = s.analysis_size;
  o.decoder.stop = &stop_flag();
  o.threads = c.threads;
  if (c.threads < 0) throw ConfigError("--threads must be >= 0");
  if (s.max_pixels < 0) throw ConfigError("--max-pixels must be >= 0");
  if (s.analysis_size < 16 || s.analysis_size > 512) throw ConfigError("--analysis-size must be 16..512");
  make_detector(o.detector, o.detection);  // validates the name and thresholds before any decoding
  return o;
}

json scan_parameters(const ScanOptions& o) {
  json threshold = o.detection.threshold ? json(*o.detection.threshold) : json(nullptr);
  return {{"detector", o.detector},
          {"threshold", threshold},
          {"min_shot_seconds", o.detection.min_shot_seconds},
          {"adaptive_ratio", o.detection.adaptive_ratio},
          {"min_hash_change", o.detection.min_hash_change},
          {"analysis_size", o.decoder.analysis_size},
          {"keyframes_per_clip", o.keyframes_per_clip}};
}

SplitOptions to_split_options(const SplitCli& s) {
  SplitOptions o;
  o.ratios = parse_ratios(s.ratios);
  o.grouping.unit = parse_unit(s.unit);
  o.grouping.hash_threshold = s.group_threshold;
  o.seed = s.seed;
  o.guard_seconds = s.guard;
  if (!(s.guard >= 0.0)) throw ConfigError("--guard must be >= 0 seconds");
  if (s.guard > 0 && o.grouping.unit != Unit::Clip)
    throw ConfigError("--guard applies only with --unit clip (whole videos have no boundaries to guard)");
  if (s.group_threshold < 0 || s.group_threshold > 32) throw ConfigError("--group-threshold must be 0..32");
  return o;
}

json split_parameters(const SplitOptions& o) {
  json ratios = json::object();
  for (const auto& r : o.ratios) ratios[r.name] = r.fraction;
  return {{"ratios", ratios},
          {"unit", to_string(o.grouping.unit)},
          {"seed", o.seed},
          {"guard_seconds", o.guard_seconds},
          {"group_threshold", o.grouping.hash_threshold}};
}

std::vector<InputVideo> find_inputs(const std::vector<std::string>& paths, const ScanCli& s) {
  InputOptions options;
  if (!s.labels.empty()) options.labels = read_labels_csv(s.labels);
  auto inputs = discover_inputs(paths, options);
  if (inputs.empty())
    throw Error(fmt::format("no video files found in {}", fmt::join(paths, ", ")));
  return inputs;
}

std::vector<VideoScan> scan_with_progress(const std::vector<InputVideo>& inputs, const ScanOptions& options,
                                          const CommonCli& c) {
  ProgressLine line(!c.quiet);
  auto scans = scan_videos(inputs, options, [&](const ScanProgress& p) { line.update(p); });
  line.finish();
  if (stop_flag().load()) throw Interrupted();
  return scans;
}

size_t report_failures(const std::vector<VideoScan>& scans, const CommonCli& c) {
  size_t failed = 0;
  for (const VideoScan& s : scans) {
    if (s.ok()) continue;
    ++failed;
    if (!c.quiet) fmt::print(stderr, "vidsplit: skipped {}: {}\n", s.path, s.error);
  }
  return failed;
}

void ensure_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw ConfigError(fmt::format("cannot create output folder {}: {}", dir, ec.message()));
}

std::string path_in(const std::string& dir, const char* name) { return (std::filesystem::path(dir) / name).string(); }

namespace {

void print_split_summary(const std::vector<VideoScan>& scans, const SplitOutcome& outcome,
                         const SplitOptions& options, const std::string& out, const CommonCli& c) {
  size_t ok = 0;
  for (const auto& s : scans) ok += s.ok();
  fmt::print("vidsplit: {} videos ({} ok, {} failed), {} leakage groups, unit {}\n", scans.size(), ok,
             scans.size() - ok, outcome.grouping.group_count, to_string(options.grouping.unit));
  fmt::print("  {:<12} {:>7} {:>9} {:>7} {:>7} {:>9} {:>10}\n", "split", "target", "achieved", "videos", "clips",
             "frames", "seconds");
  for (size_t s = 0; s < options.ratios.size(); ++s) {
    std::set<std::string> videos;
    int64_t clips = 0, frames = 0;
    double seconds = 0;
    for (const ManifestRow& r : outcome.rows) {
      if (r.split != options.ratios[s].name) continue;
      videos.insert(r.video);
      ++clips;
      frames += r.end_frame - r.start_frame;
      seconds += r.end_sec - r.start_sec;
    }
    fmt::print("  {:<12} {:>7.3f} {:>9.3f} {:>7} {:>7} {:>9} {:>10.1f}\n", options.ratios[s].name,
               options.ratios[s].fraction, outcome.solution.overall_fraction[s], videos.size(), clips, frames,
               seconds);
  }
  if (!c.quiet)
    for (const auto& w : outcome.solution.warnings) fmt::print(stderr, "vidsplit: warning: {}\n", w);
  fmt::print("wrote {}\n", path_in(out, "clips.csv"));
}

}  // namespace

int split_and_write(const std::vector<VideoScan>& scans, const SplitOptions& options, json parameters,
                    const std::string& out, const CommonCli& c) {
  const size_t failed = report_failures(scans, c);
  if (failed == scans.size()) {
    write_file_atomic(path_in(out, "errors.csv"), errors_csv(scans));
    fmt::print(stderr, "vidsplit: error: none of the {} videos could be read (reasons in {})\n", scans.size(),
               path_in(out, "errors.csv"));
    return kExitNothingUsable;
  }
  const SplitOutcome outcome = split_scans(scans, options);
  write_split_outputs(out, scans, outcome, options, parameters);
  print_split_summary(scans, outcome, options, out, c);
  if (failed > 0) {
    fmt::print(stderr, "vidsplit: {} of {} videos failed; see {}\n", failed, scans.size(), path_in(out, "errors.csv"));
    return kExitSomeFailed;
  }
  return kExitOk;
}

void sort_and_check(std::vector<VideoScan>& scans) {
  std::stable_sort(scans.begin(), scans.end(), [](const VideoScan& a, const VideoScan& b) { return a.video < b.video; });
  for (size_t i = 1; i < scans.size(); ++i)
    if (scans[i].video == scans[i - 1].video)
      throw ConfigError(fmt::format("video '{}' appears in more than one scan", scans[i].video));
}

std::pair<size_t, size_t> parse_shard(const std::string& text) {
  const size_t slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      const size_t index = std::stoul(text.substr(0, slash));
      const size_t count = std::stoul(text.substr(slash + 1));
      if (count > 0 && index < count) return {index, count};
    }
  } catch (const std::exception&) {
  }
  throw ConfigError(fmt::format("--shard must be I/N with 0 <= I < N (e.g. 0/4), not '{}'", text));
}

}  // namespace vidsplit::cli
