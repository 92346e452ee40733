#include "cli/options.hpp"

#include "cli/progress.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/threads.hpp"
#include "vidsplit/version.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <type_traits>

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
  vidsplit audit SPLIT -o OUT                 check an existing split for leaks -> OUT/leaks.csv (exit 4 on leaks)
  vidsplit assign GROUPS.csv -o OUT           the split solver alone, on groups made elsewhere
  vidsplit export OUT --format NAME [--to DIR]  OUT's split as mmaction2/ucf101/kinetics/... lists
  vidsplit report OUT                         OUT/report.html (run writes it too, unless --no-report)
  vidsplit --help | --version                 and `vidsplit COMMAND --help` for each command

INPUT is a video file or a folder, read recursively; a video's label is its parent folder's name
(root/<label>/<file>) unless --labels FILE.csv gives it.

Exit codes: 0 all inputs processed; 3 outputs written but some inputs failed (OUT/errors.csv);
2 bad command line or configuration; 1 nothing usable could be produced; 130 interrupted;
4 `audit` found more leaks than --max-leaks.

Example:
  vidsplit run datasets/ucf_subset -o out --ratios train=0.7,val=0.15,test=0.15 --unit clip --guard 0.5
)";
}

po::options_description common_options(CommonCli& c, bool scans) {
  po::options_description d("General", kLineLength, kDescriptionLength);
  d.add_options()
      ("help,h", "show this help")
      ("quiet,q", po::bool_switch(&c.quiet),
       "no progress or per-file messages; warnings about the result stay")
      ("threads,j", po::value(&c.threads)->default_value(0)->notifier(check_threads),
       "worker threads, 0..1024; 0 = all cores, and never more than 4 per core or than the videos. Outputs do "
       "not depend on it");
  if (scans)
    d.add_options()("progress-every", po::value(&c.progress_every)->default_value(30.0, "30"),
                    "off a terminal (batch logs): a progress line every this many seconds");
  return d;
}

po::options_description scan_options(ScanCli& s) {
  // One line each: the README's Options table and docs/speed.md say the rest.
  po::options_description scanning("Scanning", kLineLength, kDescriptionLength);
  scanning.add_options()
      ("labels", po::value(&s.labels), "CSV video,label overriding the folder-name labels")
      ("speed", po::value(&s.speed)->default_value("normal"),
       "normal|no-deblock|ref-frames|lowres|keyframes|fast, see docs/speed.md")
      ("max-pixels", po::value(&s.max_pixels)->default_value(s.max_pixels),
       "refuse videos with larger frames (decompression bombs); 0 = no limit")
      ("max-seconds-per-video", po::value(&s.max_seconds)->default_value(0),
       "give up on a video after this many seconds of decoding; 0 = no limit")
      ("analysis-size", po::value(&s.analysis_size)->default_value(64),
       "side of the square analysis frame; changes results");
  po::options_description detection("Shot detection", kLineLength, kDescriptionLength);
  detection.add_options()
      ("detector", po::value(&s.detector)->default_value("auto"),
       "auto (all kinds), adaptive, content, histogram (cuts), fade, dissolve")
      ("threshold", po::value<double>()->notifier([&s](double v) { s.threshold = v; }),
       "cut threshold (0-255 score); default 27 content, 15 auto/adaptive")
      ("adaptive-ratio", po::value(&s.adaptive_ratio)->default_value(3.0),
       "auto/adaptive: a cut's score over its neighbours' mean score")
      ("adaptive-window", po::value(&s.adaptive_window)->default_value(2),
       "auto/adaptive: neighbours = the N largest of 2N frames a side (1-30)")
      ("min-hash-change", po::value(&s.min_hash_change)->default_value(12),
       "a cut also changes this many of the 64 pHash bits; 0 = off")
      ("min-shot", po::value(&s.min_shot)->default_value(0.5), "shortest shot in seconds; closer cuts are ignored")
      ("flash-frames", po::value(&s.flash_frames)->default_value(3),
       "drop a cut whose sides look alike within N+1 frames (flashes); 0 = off")
      ("black-level", po::value(&s.black_level)->default_value(12.0),
       "fade/auto: mean luma (0-255) below which a frame is black")
      ("white-level", po::value(&s.white_level)->default_value(235.0),
       "fade/auto: mean luma (0-255) above which a frame is white")
      ("max-fade", po::value(&s.max_fade)->default_value(3.0),
       "fade/auto: longest fade ramp, and black or white run in it, seconds")
      ("dissolve-min-change", po::value(&s.dissolve_min_change)->default_value(18.0),
       "dissolve/auto: least change (0-255) between a transition's two ends")
      ("dissolve-max-residual", po::value(&s.dissolve_max_residual)->default_value(0.3, "0.3"),
       "dissolve/auto: largest misfit of a blend (0-1); higher finds more")
      ("histogram-threshold", po::value(&s.histogram_threshold)->default_value(0.35, "0.35"),
       "histogram: HSV histogram change (0-1) that starts a shot");
  po::options_description d;
  d.add(scanning).add(detection);
  return d;
}

po::options_description split_options(SplitCli& s) {
  po::options_description d("Splitting", kLineLength, kDescriptionLength);
  d.add_options()
      ("ratios", po::value(&s.ratios)->default_value("train=0.8,val=0.2"),
       "names and fractions summing to 1, e.g. train=0.7,val=0.15,test=0.15")
      ("unit", po::value(&s.unit)->default_value("video"),
       "video: whole videos stay in one split; clip: shots may part at cuts")
      ("seed", po::value(&s.seed)->default_value(0), "seed of the assignment's tie-breaking order")
      ("guard", po::value(&s.guard)->default_value(0.0),
       "clip unit: seconds left out as `guard` rows at each split boundary")
      ("group-threshold", po::value(&s.group_threshold)->default_value(10),
       "near-duplicate keyframes differ in at most this many of 64 hash bits")
      ("no-temporal-match", po::bool_switch(&s.no_temporal_match),
       "match keyframes only: no search for footage shared in part (other in/out points, reframed, recoloured)")
      ("balance-by", po::value(&s.balance_by)->default_value("frames"),
       "what the ratios measure: frames, seconds or clips")
      ("min-per-class", po::value(&s.min_per_class)->default_value(1),
       "N groups of each class in every split, where it has enough; 0 = off")
      ("folds", po::value(&s.folds)->default_value(0),
       "K equal folds instead of --ratios; clips.csv gets a fold column")
      ("stable", po::bool_switch(&s.stable),
       "split by a hash of content and --seed: new videos never move old ones")
      ("keep", po::value(&s.keep), "OLD/clips.csv: keep its videos' splits, place only new videos")
      ("segments", po::value(&s.segments),
       "split annotated segments (CSV, ActivityNet JSON) -> OUT/segments.csv")
      ("source-pattern", po::value(&s.source_pattern),
       "videos whose ids share a source key join one group: a regex (first capture group = key) or ucf101, "
       "hmdb51, kinetics")
      ("sources", po::value(&s.sources), "CSV video,source: videos of one source join one group");
  return d;
}

po::options_description cache_options(CacheCli& c) {
  po::options_description d("Cache", kLineLength, kDescriptionLength);
  d.add_options()
      ("cache", po::value(&c.dir), "per-video scan results, default OUT/cache: reruns decode new videos")
      ("no-cache", po::bool_switch(&c.off), "neither read nor write the cache");
  return d;
}

std::unique_ptr<ScanCache> open_cache(const CacheCli& c, const std::string& out, const ScanOptions& options) {
  if (c.off) return nullptr;
  const std::string dir = c.dir.empty() ? path_in(out, "cache") : c.dir;
  return std::make_unique<ScanCache>(dir, scan_parameters(options).dump());
}

po::options_description output_options(std::string& out, bool& wait) {
  po::options_description d("Output", kLineLength, kDescriptionLength);
  d.add_options()
      ("output,o", po::value(&out), "output folder (required); created if missing")
      ("wait", po::bool_switch(&wait), "when another vidsplit is writing into OUT, wait for it instead of refusing");
  return d;
}

Parsed parse(const Args& args, const po::options_description& visible, const po::options_description& hidden,
             const po::positional_options_description& positional) {
  po::options_description all;
  all.add(visible).add(hidden);
  Parsed p;
  // No prefix matching: a typo such as --ratio must not silently become --ratios (or a later, longer option).
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  po::store(po::command_line_parser(args).options(all).positional(positional).style(style).run(), p.vm);
  p.help = p.vm.count("help") > 0;
  if (!p.help) po::notify(p.vm);
  return p;
}

namespace {

template <typename Target>
Parsed parse_positional(const Args& args, const po::options_description& visible, Target& positional, int count) {
  po::options_description hidden;
  if constexpr (std::is_same_v<Target, std::string>) {
    hidden.add_options()("positional", po::value(&positional));
  } else {
    hidden.add_options()("positional", po::value(&positional)->multitoken());
  }
  po::positional_options_description pos;
  pos.add("positional", count);
  return parse(args, visible, hidden, pos);
}

}  // namespace

Parsed parse(const Args& args, const po::options_description& visible, std::string& positional) {
  return parse_positional(args, visible, positional, 1);
}

Parsed parse(const Args& args, const po::options_description& visible, std::vector<std::string>& positional) {
  return parse_positional(args, visible, positional, -1);
}

void require_output(const std::string& out) {
  if (out.empty()) throw ConfigError("missing -o OUT (the output folder)");
}

OutputLock lock_output(const std::string& out, const char* command, const Args& args, bool wait) {
  std::string holder = fmt::format("vidsplit {}", command);
  for (const std::string& a : args) holder += " " + a;
  return OutputLock(out, holder, wait);
}

void check_threads(int threads) {
  if (threads < 0 || threads > kMaxThreads)
    throw ConfigError(fmt::format("--threads must be 0..{} (0 = all cores), not {}", kMaxThreads, threads));
}

void print_help(const std::string& usage, const po::options_description& visible, const std::string& examples) {
  std::ostringstream options;
  options << visible;
  fmt::print("{}\n{}\nExamples:\n{}", usage, options.str(), examples);
}

ScanOptions to_scan_options(const ScanCli& s, const CommonCli& c) {
  ScanOptions o = vidsplit::to_scan_options(s, c.threads);
  o.decoder.stop = &stop_flag();
  if (!(c.progress_every > 0)) throw ConfigError("--progress-every must be > 0 seconds");
  return o;
}

std::vector<InputVideo> find_inputs(const std::vector<std::string>& paths, const ScanCli& s, const CommonCli& c) {
  InputOptions options;
  if (!s.labels.empty()) options.labels = read_labels_csv(s.labels);
  std::vector<std::string> warnings;
  auto inputs = discover_inputs(paths, options, &warnings);
  // Even with --quiet: a skipped folder or link changes what the run holds.
  for (const std::string& w : warnings) fmt::print(stderr, "vidsplit: warning: {}\n", w);
  if (inputs.empty())
    throw Error(fmt::format("no video files found in {}", fmt::join(paths, ", ")));
  return inputs;
}

void scan_with_progress(const std::vector<InputVideo>& inputs, const ScanOptions& options, const CommonCli& c,
                        const ScanSink& sink) {
  ProgressLine line(!c.quiet, c.progress_every);
  ScanProgress last;
  last.videos_total = inputs.size();
  auto note = [&] {
    line.finish();
    fmt::print(stderr, "vidsplit: interrupted after {} of {} videos; {}\n", last.videos_done, last.videos_total,
               options.cache ? fmt::format("their scans are kept in {}: rerun the same command to continue",
                                           options.cache->dir())
                             : std::string("no outputs were written"));
  };
  // How much a --speed that skips frames skipped, over the videos decoded now (cached scans count none).
  int64_t frames = 0, decoded = 0;
  try {
    scan_videos(
        inputs, options,
        [&](const ScanProgress& p) {
          last = p;
          line.update(p);
        },
        [&](VideoScan&& s) {
          if (s.ok() && s.decoded_frames > 0) {
            frames += s.frames;
            decoded += s.decoded_frames;
          }
          sink(std::move(s));
        });
    line.finish();
    if (stop_flag().load()) throw Interrupted();
    // On stdout like the other summary lines: scripts (and the crash test) read how much a rerun reused.
    if (options.cache)
      fmt::print("vidsplit: {} of {} videos from the cache in {}, {} decoded\n", last.videos_cached,
                 inputs.size(), options.cache->dir(), inputs.size() - last.videos_cached);
    if (!c.quiet && decoded < frames)
      fmt::print("vidsplit: analysed {} of {} frames ({:.0f} %), the rest skipped by --speed\n", decoded, frames,
                 100.0 * static_cast<double>(decoded) / static_cast<double>(frames));
  } catch (const Interrupted&) {
    note();
    throw;
  }
}

std::vector<VideoScan> scan_with_progress(const std::vector<InputVideo>& inputs, const ScanOptions& options,
                                          const CommonCli& c) {
  std::vector<VideoScan> scans;
  scans.reserve(inputs.size());
  scan_with_progress(inputs, options, c, [&](VideoScan&& s) { scans.push_back(std::move(s)); });
  return scans;
}

size_t report_failures(const std::vector<VideoScan>& scans, const CommonCli& c) {
  size_t failed = 0;
  for (const VideoScan& s : scans) {
    if (s.ok() && !s.truncated.empty() && !c.quiet)
      fmt::print(stderr, "vidsplit: warning: {} looks truncated ({}); used as far as it goes\n", s.path, s.truncated);
    if (s.ok()) continue;
    ++failed;
    if (!c.quiet) fmt::print(stderr, "vidsplit: skipped {}: {}\n", s.path, s.error);
  }
  return failed;
}

size_t count_truncated(const std::vector<VideoScan>& scans) {
  return static_cast<size_t>(
      std::count_if(scans.begin(), scans.end(), [](const VideoScan& s) { return s.ok() && !s.truncated.empty(); }));
}

std::string path_in(const std::string& dir, const char* name) { return (std::filesystem::path(dir) / name).string(); }

namespace {

void print_split_summary(const std::vector<VideoScan>& scans, const SplitOutcome& outcome,
                         const SplitOptions& options, const std::string& out) {
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
  // Even with --quiet: these say the split is not what was asked for.
  for (const auto& w : outcome.solution.warnings) fmt::print(stderr, "vidsplit: warning: {}\n", w);
  fmt::print("wrote {}\n", path_in(out, "clips.csv"));
}

}  // namespace

int split_and_write(const std::vector<VideoScan>& scans, const SplitOptions& options, json parameters,
                    OutputSet& set, const std::string& out, const CommonCli& c) {
  const size_t failed = report_failures(scans, c);
  if (failed == scans.size()) {
    write_file_atomic(set.path("errors.csv"), errors_csv(scans));
    fmt::print(stderr, "vidsplit: error: none of the {} videos could be read (reasons in {})\n", scans.size(),
               path_in(out, "errors.csv"));
    return kExitNothingUsable;
  }
  SplitOptions with_threads = options;
  with_threads.grouping.threads = c.threads;
  const SplitOutcome outcome = split_scans(scans, with_threads);
  write_split_outputs(set.dir(), scans, outcome, options, parameters);
  print_split_summary(scans, outcome, options, out);
  if (failed > 0) {
    fmt::print(stderr, "vidsplit: {} of {} videos failed; see {}\n", failed, scans.size(), path_in(out, "errors.csv"));
    return kExitSomeFailed;
  }
  if (const size_t cut = count_truncated(scans); cut > 0) {
    fmt::print(stderr, "vidsplit: {} of {} videos look truncated; see {}\n", cut, scans.size(),
               path_in(out, "errors.csv"));
    return kExitSomeFailed;
  }
  return kExitOk;
}

void report_progress(ReportOptions& options, const CommonCli& c) {
  // A line per step, as the report of a large dataset takes seconds (decoding keyframes, longer).
  if (!c.quiet) options.on_step = [](const std::string& step) { fmt::print(stderr, "vidsplit: report.html: {}\n", step); };
}

void print_report_notes(const ReportNotes& notes, const std::string& out) {
  // Even with --quiet: the page lacks what it should show. One line, not one per video: after a move, every
  // video is missing for the same reason.
  if (notes.videos_not_found == 0) return;
  fmt::print(stderr,
             "vidsplit: report: {} videos not found under their recorded paths; thumbnails left out (the first: {}; "
             "`vidsplit report {}` where the videos are adds them)\n",
             notes.videos_not_found, notes.first_not_found, out);
}

bool write_report_after(int code, bool no_report, OutputSet& set, const std::string& out, const CommonCli& c) {
  if (no_report || (code != kExitOk && code != kExitSomeFailed)) return false;
  ReportOptions options;
  options.threads = c.threads;
  options.title = report_title(out);  // OUT's name, not the generation folder's
  report_progress(options, c);
  const ReportResult report = report_html(set.dir(), options);
  write_file_atomic(set.path("report.html"), report.html);
  print_report_notes(report.notes, out);
  return true;
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
