#include "cli/options.hpp"
#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>

#include <cmath>

namespace vidsplit::cli {

int cmd_assign(const Args& args) {
  CommonCli common;
  std::string out, table, ratios = "train=0.8,val=0.2";
  uint64_t seed = 0;
  int min_per_class = 1;
  bool stable = false, wait = false;
  po::options_description visible(kLineLength, kDescriptionLength);
  visible.add(common_options(common));
  po::options_description assign("Assignment", kLineLength, kDescriptionLength);
  assign.add_options()
      ("ratios", po::value(&ratios)->default_value("train=0.8,val=0.2"), "split names and fractions summing to 1")
      ("seed", po::value(&seed)->default_value(0), "seed of the assignment's tie-breaking order")
      ("min-per-class", po::value(&min_per_class)->default_value(1),
       "every class gets at least N groups in every split when it has N x splits groups")
      ("stable", po::bool_switch(&stable), "each group's split from a hash of its name and --seed only");
  visible.add(assign).add(output_options(out, wait));
  const Parsed p = parse(args, visible, table);
  if (p.help) {
    print_help("Usage: vidsplit assign GROUPS.csv -o OUT [options]\n\nThe split solver alone, on groups made "
               "elsewhere: GROUPS.csv has one `group,label,weight` row per\ngroup and label. Writes "
               "OUT/assignment.csv (`group,split`, groups in input order) and prints the\nachieved fractions "
               "overall and per class. scripts/bench_split.sh uses it.",
               visible, "  vidsplit assign groups.csv -o out --ratios train=0.7,val=0.15,test=0.15\n");
    return kExitOk;
  }
  require_output(out);
  if (table.empty()) throw ConfigError("give GROUPS.csv (columns group,label,weight)");
  if (min_per_class < 0) throw ConfigError("--min-per-class must be >= 0");
  std::vector<std::string> names;
  SplitProblem problem = read_group_table(table, names);
  problem.ratios = parse_ratios(ratios);
  problem.seed = seed;
  problem.min_per_class = min_per_class;
  if (stable)
    for (auto& item : problem.items) item.fixed_split = stable_split(item.key, seed, problem.ratios);
  const SplitSolution solution = solve_split(problem);
  const OutputLock lock = lock_output(out, "assign", args, wait);
  OutputSet set(out);
  set.keep_all_except({"assignment.csv"});
  std::string csv;
  append_csv_row(csv, {"group", "split"});
  for (size_t i = 0; i < names.size(); ++i)
    append_csv_row(csv, {names[i], problem.ratios[static_cast<size_t>(solution.split_of_item[i])].name});
  write_file_atomic(set.path("assignment.csv"), csv);
  set.commit();

  fmt::print("vidsplit assign: {} groups, {} classes\n  {:<12} {:>7} {:>9} {:>16}\n", problem.items.size(),
             problem.labels.size(), "split", "target", "achieved", "worst class dev");
  for (size_t s = 0; s < problem.ratios.size(); ++s) {
    double worst = 0.0;
    for (const auto& fractions : solution.label_fraction)
      worst = std::max(worst, std::fabs(fractions[s] - problem.ratios[s].fraction));
    fmt::print("  {:<12} {:>7.3f} {:>9.4f} {:>16.4f}\n", problem.ratios[s].name, problem.ratios[s].fraction,
               solution.overall_fraction[s], worst);
  }
  // Even with --quiet: these say the split is not what was asked for.
  for (const auto& w : solution.warnings) fmt::print(stderr, "vidsplit: warning: {}\n", w);
  fmt::print("wrote {}\n", path_in(out, "assignment.csv"));
  return kExitOk;
}

}  // namespace vidsplit::cli
