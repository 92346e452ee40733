#include "cli/options.hpp"
#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>

#include <iterator>

namespace vidsplit::cli {

int cmd_shots(const Args& args) {
  CommonCli common;
  ScanCli scan;
  std::string video, stats_path;
  po::options_description visible(kLineLength, kDescriptionLength);
  visible.add(common_options(common)).add(scan_options(scan));
  visible.add_options()("stats", po::value(&stats_path),
                        "write per-frame detector metrics (CSV: frame,seconds,content_score,...) to this file");
  const Parsed p = parse(args, visible, video);
  if (p.help) {
    print_help("Usage: vidsplit shots VIDEO [options]\n\nPrints the shot list of one video as CSV: "
               "shot,kind,start_frame,end_frame,start_sec,end_sec\n(frames 0-based in presentation order, end "
               "exclusive; a hard cut at frame N starts the row at N).",
               visible,
               "  vidsplit shots movie.mp4\n"
               "  vidsplit shots movie.mp4 --detector content --threshold 20 --min-shot 1.0\n"
               "  vidsplit shots movie.mp4 --stats movie_stats.csv   # per-frame scores, to tune --threshold\n");
    return kExitOk;
  }
  if (video.empty()) throw ConfigError("give one VIDEO file");
  ScanOptions options = to_scan_options(scan, common);
  options.decoder.threads = common.threads;
  std::string stats;
  if (!stats_path.empty()) {
    options.on_frame = [&stats](const FrameFeatures& f, const ShotDetector& detector) {
      std::vector<std::pair<std::string_view, double>> metrics;
      detector.metrics(metrics);
      if (stats.empty()) {
        stats = "frame,seconds";
        for (const auto& [name, value] : metrics) stats += fmt::format(",{}", name);
        stats += '\n';
      }
      stats += fmt::format("{},{}", f.index, format_seconds(f.seconds));
      for (const auto& [name, value] : metrics) stats += fmt::format(",{:.3f}", value);
      stats += '\n';
    };
  }
  const VideoScan result = scan_video({video, video, ""}, options);
  if (!stats_path.empty()) write_file_atomic(stats_path, stats);
  if (stop_flag().load()) throw Interrupted();
  if (!result.ok()) {
    fmt::print(stderr, "vidsplit shots: error: {}: {}\n", video, result.error);
    return kExitNothingUsable;
  }
  std::string csv;
  append_csv_row(csv, {"shot", "kind", "start_frame", "end_frame", "start_sec", "end_sec"});
  for (const Shot& s : result.shots)
    append_csv_row(csv, {std::to_string(s.index), std::string(to_string(s.kind)), std::to_string(s.start_frame),
                         std::to_string(s.end_frame), format_seconds(s.start_sec), format_seconds(s.end_sec)});
  fmt::print("{}", csv);
  return kExitOk;
}

}  // namespace vidsplit::cli
