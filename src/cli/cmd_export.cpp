#include "cli/options.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace vidsplit::cli {

int cmd_export(const Args& args) {
  std::string out, format, to, link = "copy";
  int frames_every = 1, threads = 0;  // --threads: codec threads, so not common_options' worker threads
  bool reencode = false, overwrite = false, no_avi = false, csv_safe = false;
  po::options_description visible("Export", kLineLength, kDescriptionLength);
  visible.add_options()
      ("help,h", "show this help")
      ("format", po::value(&format), "export format (required): mmaction2, ucf101, kinetics, pytorchvideo, hf-videofolder, "
       "mmaction2-rawframes, ultralytics, clips")
      ("to", po::value(&to), "export folder; default OUT/export/FORMAT. Nothing is written outside it. It must be "
       "new or empty, and neither hold nor lie in OUT (other than below OUT/export/) or a source video's folder")
      ("overwrite", po::bool_switch(&overwrite), "replace --to when it holds an earlier vidsplit export (never "
       "another folder)")
      ("link", po::value(&link)->default_value("copy"),
       "how videos are placed in the export folder: copy, symlink (absolute target) or hardlink")
      ("frames-every", po::value(&frames_every)->default_value(1),
       "frame formats: keep every N-th decoded frame (frame index in the video divisible by N)")
      ("reencode", po::bool_switch(&reencode), "clips, kinetics: re-encode every segment, never stream-copy")
      ("no-avi", po::bool_switch(&no_avi), "ucf101: refuse non-.avi videos instead of transcoding them to AVI")
      ("csv-safe", po::bool_switch(&csv_safe),
       "CSVs for spreadsheets: a text cell starting with = + - @ gets a leading ' (consumers then read that ')")
      ("threads,j", po::value(&threads)->default_value(0), "codec threads for frame formats; 0 = FFmpeg's choice");
  const Parsed p = parse(args, visible, out);
  if (p.help) {
    print_help("Usage: vidsplit export OUT --format NAME [--to DIR] [--link MODE]\n\nWrites the split in OUT "
               "(clips.csv, with video paths from scan.jsonl) in a training framework's format.\n\n" +
                   export_formats_help(),
               visible,
               "  vidsplit export out --format mmaction2 --to data/mm\n"
               "  vidsplit export out --format ucf101 --to data/ucf --link symlink\n"
               "  vidsplit export out --format kinetics   # -> out/export/kinetics\n"
               "  vidsplit export out --format ultralytics --frames-every 5 --to data/frames\n");
    return kExitOk;
  }
  if (out.empty()) throw ConfigError("give the OUT folder of `vidsplit run` (or `split`)");
  if (format.empty()) throw ConfigError("missing --format NAME");
  ExportOptions options;
  options.format = format;
  options.to = to.empty() ? (std::filesystem::path(out) / "export" / format).string() : to;
  options.link = parse_link_mode(link);
  options.frames_every = frames_every;
  options.reencode = reencode;
  options.avi = !no_avi;
  options.csv_safe = csv_safe;
  options.threads = threads;
  options.overwrite = overwrite;
  options.stop = &stop_flag();
  if (frames_every < 1) throw ConfigError("--frames-every must be >= 1");
  check_threads(threads);
  const auto formats = export_formats();
  if (std::find(formats.begin(), formats.end(), format) == formats.end())
    export_split({}, options);  // throws the unknown-format error before anything is read
  const ExportPlan plan = load_export_plan(out);
  for (const std::string& w : plan.warnings) fmt::print(stderr, "vidsplit: warning: {}\n", w);
  const ExportResult result = export_to_target(plan, options);
  for (const std::string& w : result.warnings) fmt::print(stderr, "vidsplit: warning: {}\n", w);
  fmt::print("vidsplit export: {} videos, {} list files in {} (format {})\n", result.videos_placed,
             result.files.size(), options.to, format);
  return kExitOk;
}

}  // namespace vidsplit::cli
