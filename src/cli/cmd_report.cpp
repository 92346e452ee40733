#include "cli/options.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/report.hpp"

#include <fmt/format.h>

namespace vidsplit::cli {

po::options_description report_options(ReportOptions& r) {
  po::options_description d("Report", kLineLength, kDescriptionLength);
  d.add_options()
      ("max-groups", po::value(&r.max_groups)->default_value(r.max_groups),
       "contact sheets for at most this many leakage groups (groups spanning most videos first)")
      ("thumb-height", po::value(&r.thumb_height)->default_value(r.thumb_height), "keyframe thumbnail height, pixels");
  return d;
}

int cmd_report(const Args& args) {
  CommonCli common;
  ReportOptions options;
  std::string out;
  po::options_description visible(kLineLength, kDescriptionLength);
  visible.add(common_options(common)).add(report_options(options));
  const Parsed p = parse(args, visible, out);
  if (p.help) {
    print_help("Usage: vidsplit report OUT [options]\n\nWrites OUT/report.html, one self-contained page (no "
               "network requests): per-split and per-class\ntables and charts, a timeline per video (shots coloured "
               "by split, transitions hatched, guard bands\nmarked), keyframe contact sheets of the leakage groups "
               "with their evidence, and the audit result\n(OUT/leaks.csv) when there is one. `vidsplit run` writes "
               "it too, unless --no-report.",
               visible, "  vidsplit report out\n  vidsplit report out --max-groups 20\n");
    return kExitOk;
  }
  if (out.empty()) throw ConfigError("give the OUT folder of `vidsplit run` (or `split`)");
  if (common.threads < 0) throw ConfigError("--threads must be >= 0");
  options.threads = common.threads;
  const std::string path = write_report(out, options);
  if (!common.quiet) fmt::print("wrote {}\n", path);
  return kExitOk;
}

}  // namespace vidsplit::cli
