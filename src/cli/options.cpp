#include "cli/options.hpp"

#include "cli/progress.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
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
       "shot detector: auto (adaptive cuts + fades through black or white + dissolves), adaptive (cuts whose "
       "score stands out from the neighbouring frames'), content (cuts by score alone), histogram (cuts by "
       "colour-histogram change), fade (fades through black or white only), dissolve (dissolves, cross-fades "
       "and wipes only)")
      ("threshold", po::value<double>()->notifier([&s](double v) { s.threshold = v; }),
       "cut threshold on the 0-255 content score (weighted mean change of hue, saturation, luma and edges). "
       "Default 27 for content, 15 for auto/adaptive. Lower finds more cuts")
      ("adaptive-ratio", po::value(&s.adaptive_ratio)->default_value(3.0),
       "auto/adaptive: a cut's score must be this many times its neighbours' mean score")
      ("min-hash-change", po::value(&s.min_hash_change)->default_value(12),
       "a cut must also change this many of the 64 perceptual-hash bits (0 disables): colour-only changes "
       "and flashes are not cuts")
      ("min-shot", po::value(&s.min_shot)->default_value(0.5), "shortest shot in seconds; closer cuts are ignored")
      ("adaptive-window", po::value(&s.adaptive_window)->default_value(2),
       "auto/adaptive: a cut's score is compared with the N largest scores among the 2N frames on each side "
       "(1-30)")
      ("flash-frames", po::value(&s.flash_frames)->default_value(3),
       "content/adaptive/histogram/auto: a cut is dropped when a frame before it and one after it, at most N+1 "
       "apart, look alike (a camera flash, strobe or a few damaged frames in between); 0 disables")
      ("black-level", po::value(&s.black_level)->default_value(12.0),
       "fade/auto: a frame whose mean luma (0-255) is below this is black")
      ("white-level", po::value(&s.white_level)->default_value(235.0),
       "fade/auto: a frame whose mean luma (0-255) is above this is white")
      ("max-fade", po::value(&s.max_fade)->default_value(3.0),
       "fade/auto: longest fade ramp, and longest black or white run inside a fade, in seconds")
      ("dissolve-min-change", po::value(&s.dissolve_min_change)->default_value(18.0),
       "dissolve/auto: the pictures before and after a gradual transition differ by at least this mean change "
       "of the 16x16 HSV value plane (0-255); transitions found by their colours (wipes, slides) need a change "
       "of colours instead")
      ("dissolve-max-residual", po::value(&s.dissolve_max_residual)->default_value(0.3, "0.3"),
       "dissolve/auto: every frame of a transition is a blend of its two ends within this share of their "
       "difference, plus what each shot's own motion explains (at most as much again) (0-1; wipes: within 0.4 "
       "of it, pixel by pixel, of the nearer end); higher finds more dissolves over moving footage, and more "
       "false ones")
      ("histogram-threshold", po::value(&s.histogram_threshold)->default_value(0.35, "0.35"),
       "histogram: change of consecutive frames' HSV histograms (0-1, half their L1 distance) that starts a shot; "
       "auto/adaptive: a change this large lowers the ratio a cut needs to 1.5")
      ("labels", po::value(&s.labels), "CSV with columns video,label overriding folder-name labels")
      ("max-pixels", po::value(&s.max_pixels)->default_value(s.max_pixels),
       "refuse videos whose frames exceed this many pixels, an error in errors.csv (decompression bombs; "
       "default about 16K x 8K; 0 = no limit)")
      ("speed", po::value(&s.speed)->default_value("normal"),
       "normal: decode and analyse every frame. no-deblock: skip the codecs' in-loop deblocking filter "
       "(same frames, slightly blockier pictures). ref-frames: analyse only the frames other frames refer "
       "to, skipping non-reference B-frames (frame numbers and times stay exact; a cut found on a P- or "
       "B-frame is put on its exact frame by decoding that stretch in full, within as many frames as were "
       "skipped, one found on an I-frame is trusted). lowres: codecs that can (MPEG-2/4, "
       "MJPEG; not H.264/HEVC/VP9/AV1) decode at reduced size. keyframes: decode the keyframes first, then in "
       "full only the stretches between two keyframes that differ (unless by the steady motion of one shot) or "
       "that hold a frame as costly as a new picture; the others are analysed as blends of their keyframes "
       "(frame numbers and times stay exact; a cut away and back between two alike keyframes, without a costly "
       "frame, is missed). fast: all four")
      ("max-seconds-per-video", po::value(&s.max_seconds)->default_value(0),
       "give up on a video (an error in errors.csv) after this many seconds of decoding (0 = no limit)")
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
       "max Hamming distance (of 64 bits) between keyframe hashes for clips to count as near-duplicates")
      ("balance-by", po::value(&s.balance_by)->default_value("frames"),
       "what the ratios measure: frames, seconds or clips (shots), overall and per class")
      ("min-per-class", po::value(&s.min_per_class)->default_value(1),
       "every class gets at least N groups in every split when it has N x splits groups (else a warning "
       "names it); 0 = no floor")
      ("folds", po::value(&s.folds)->default_value(0),
       "K >= 2: K equal folds instead of --ratios; split is fold0..fold<K-1> and clips.csv gets a `fold` "
       "column (for fold i, validate on fold == i, train on the rest), e.g. --folds 5")
      ("stable", po::bool_switch(&s.stable),
       "each group's split comes from a hash of its content (video stream hash) and --seed, so adding "
       "videos never moves existing ones; balance is statistical only")
      ("keep", po::value(&s.keep),
       "OLD/clips.csv of an earlier split: its videos keep their splits (and pull new near-duplicates with "
       "them); only new videos are placed, e.g. --keep v1/clips.csv")
      ("segments", po::value(&s.segments),
       "annotated segments to split instead of videos: a CSV (video,start_sec,end_sec,label) or an ActivityNet "
       "JSON; each joins the groups of the shots it overlaps; writes OUT/segments.csv, e.g. --segments ann.csv");
  return d;
}

po::options_description cache_options(CacheCli& c) {
  po::options_description d("Cache", kLineLength, kDescriptionLength);
  d.add_options()
      ("cache", po::value(&c.dir), "folder of per-video scan results, keyed by file content and scan parameters "
                                   "(default OUT/cache): reruns decode only new or changed videos")
      ("no-cache", po::bool_switch(&c.off), "neither read nor write the cache");
  return d;
}

std::unique_ptr<ScanCache> open_cache(const CacheCli& c, const std::string& out, const ScanOptions& options) {
  if (c.off) return nullptr;
  const std::string dir = c.dir.empty() ? path_in(out, "cache") : c.dir;
  return std::make_unique<ScanCache>(dir, scan_parameters(options).dump());
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

void print_help(const std::string& usage, const po::options_description& visible, const std::string& examples) {
  std::ostringstream options;
  options << visible;
  fmt::print("{}\n{}\nExamples:\n{}", usage, options.str(), examples);
}

ScanOptions to_scan_options(const ScanCli& s, const CommonCli& c) {
  ScanOptions o = vidsplit::to_scan_options(s, c.threads);
  o.decoder.stop = &stop_flag();
  return o;
}

std::vector<InputVideo> find_inputs(const std::vector<std::string>& paths, const ScanCli& s) {
  InputOptions options;
  if (!s.labels.empty()) options.labels = read_labels_csv(s.labels);
  return find_videos(paths, options);
}

void scan_with_progress(const std::vector<InputVideo>& inputs, const ScanOptions& options, const CommonCli& c,
                        const ScanSink& sink) {
  ProgressLine line(!c.quiet);
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
  SplitOptions with_threads = options;
  with_threads.grouping.threads = c.threads;
  const SplitOutcome outcome = split_scans(scans, with_threads);
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
