#include "cli/options.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/report.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace vidsplit::cli {

po::options_description report_options(ReportOptions& r) {
  po::options_description d("Report", kLineLength, kDescriptionLength);
  d.add_options()
      ("max-groups", po::value(&r.max_groups)->default_value(r.max_groups),
       "contact sheets for at most this many leakage groups (groups spanning most videos first)")
      ("max-timelines", po::value(&r.max_timelines)->default_value(r.max_timelines),
       "timelines for at most this many videos worth a look (linked, leaked, cut short); the rest are listed")
      ("thumb-height", po::value(&r.thumb_height)->default_value(r.thumb_height), "keyframe thumbnail height, pixels");
  return d;
}

int cmd_report(const Args& args) {
  CommonCli common;
  ReportOptions options;
  std::string out;
  bool wait = false;
  po::options_description visible(kLineLength, kDescriptionLength);
  visible.add(common_options(common)).add(report_options(options));
  visible.add_options()("wait", po::bool_switch(&wait),
                        "when another vidsplit is writing into OUT, wait for it instead of refusing");
  const Parsed p = parse(args, visible, out);
  if (p.help) {
    print_help("Usage: vidsplit report OUT [options]\n\nWrites OUT/report.html, one self-contained page (no "
               "network requests): the leak headline, per-split and per-class\ntables and charts, keyframe contact "
               "sheets of the linked groups with their evidence, a timeline\n(shots coloured by split, transitions "
               "hatched, guard bands marked) per video worth a look, a\nsearchable list of the other videos, and "
               "the audit result (OUT/leaks.csv) when there is one. `vidsplit run` writes "
               "it too, unless --no-report.",
               visible, "  vidsplit report out\n  vidsplit report out --max-groups 20\n");
    return kExitOk;
  }
  if (out.empty()) throw ConfigError("give the OUT folder of `vidsplit run` (or `split`)");
  std::error_code ec;
  if (!std::filesystem::is_directory(out, ec)) throw ConfigError(fmt::format("{}: no such folder", out));
  options.threads = common.threads;
  const OutputLock lock = lock_output(out, "report", args, wait);
  report_progress(options, common);
  print_report_notes(write_report(out, options), out);
  if (!common.quiet) fmt::print("wrote {}\n", path_in(out, "report.html"));
  return kExitOk;
}

}  // namespace vidsplit::cli
