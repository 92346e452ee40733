// The solver's class floor (--min-per-class), fixed items (--keep/--stable) and infeasibility warnings.
#include "vidsplit/error.hpp"
#include "vidsplit/split.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace vidsplit;

namespace {

int groups_in(const SplitProblem& p, const SplitSolution& s, int label, int split) {
  int n = 0;
  for (size_t i = 0; i < p.items.size(); ++i)
    if (p.items[i].main_label() == label && s.split_of_item[i] == split) ++n;
  return n;
}

bool has_warning(const SplitSolution& s, const std::string& text) {
  return std::any_of(s.warnings.begin(), s.warnings.end(),
                     [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

// Class a: 20 groups of 100. Class b: 4 groups of 100 at 90/10, where val's best share of b (target 40) is
// no group at all: one group (100) misses by 60, none by 40.
SplitProblem rare_class_problem(int min_per_class) {
  SplitProblem p;
  p.labels = {"a", "b"};
  p.ratios = {{"train", 0.9}, {"val", 0.1}};
  p.min_per_class = min_per_class;
  for (uint64_t g = 0; g < 20; ++g) p.items.push_back({{{0, 100.0}}, g});
  for (uint64_t g = 20; g < 24; ++g) p.items.push_back({{{1, 100.0}}, g});
  return p;
}

}  // namespace

TEST_CASE("vidsplit::solve_split: --min-per-class") {
  SUBCASE("without a floor the optimum drops class b from val") {
    const SplitProblem p = rare_class_problem(0);
    const SplitSolution s = solve_split(p);
    CHECK(groups_in(p, s, 1, 1) == 0);
    CHECK(groups_in(p, s, 0, 1) == 2);
  }
  SUBCASE("a floor of 1 puts one group of b in val, and keeps the overall ratio") {
    const SplitProblem p = rare_class_problem(1);
    const SplitSolution s = solve_split(p);
    CHECK(groups_in(p, s, 1, 0) == 3);
    CHECK(groups_in(p, s, 1, 1) == 1);
    // a keeps its exact 10% (2 of 20): per class a is then exact, and overall val is 300 of 2400.
    CHECK(groups_in(p, s, 0, 1) == 2);
    CHECK(s.label_fraction[1][1] == doctest::Approx(0.25));
    CHECK(s.overall_fraction[1] == doctest::Approx(3.0 / 24.0));
    CHECK_FALSE(has_warning(s, "--min-per-class"));
  }
  SUBCASE("a floor of 2 fits b's 4 groups exactly") {
    const SplitProblem p = rare_class_problem(2);
    const SplitSolution s = solve_split(p);
    CHECK(groups_in(p, s, 1, 0) == 2);
    CHECK(groups_in(p, s, 1, 1) == 2);
    CHECK(groups_in(p, s, 0, 1) >= 2);
  }
  SUBCASE("a floor b cannot meet is named in a warning; a keeps its floor") {
    const SplitProblem p = rare_class_problem(3);
    const SplitSolution s = solve_split(p);
    CHECK(has_warning(s, "class 'b' has 4 group(s): too few for --min-per-class 3 in each of 2 splits"));
    CHECK_FALSE(has_warning(s, "class 'a' has"));
    CHECK(groups_in(p, s, 0, 1) >= 3);
  }
  SUBCASE("a class far from its ratio is named with its achieved fraction") {
    SplitProblem p;
    p.labels = {"big", "lumpy"};
    p.ratios = {{"train", 0.8}, {"val", 0.2}};
    for (uint64_t g = 0; g < 10; ++g) p.items.push_back({{{0, 100.0}}, g});
    p.items.push_back({{{1, 900.0}}, 10});
    p.items.push_back({{{1, 100.0}}, 11});
    p.min_per_class = 1;
    const SplitSolution s = solve_split(p);
    CHECK(s.label_fraction[1][1] == doctest::Approx(0.1));
    CHECK_FALSE(has_warning(s, "'lumpy' gets"));  // 0.1 off is the limit, not beyond it
    p.items[10].weight_by_label[0].second = 2900.0;
    const SplitSolution t = solve_split(p);
    CHECK(has_warning(t, "class 'lumpy' gets train 0.967, val 0.033 (targets 0.8, 0.2): its groups are too few or too large"));
    // Once for the class, not once per split.
    CHECK(std::count_if(t.warnings.begin(), t.warnings.end(),
                        [](const std::string& w) { return w.find("'lumpy'") != std::string::npos; }) == 1);
  }
}

TEST_CASE("vidsplit::solve_split: fixed items") {
  SplitProblem p = rare_class_problem(1);
  // Pin every b group to train: the floor cannot move them, and the solver says so.
  for (size_t i = 20; i < 24; ++i) p.items[i].fixed_split = 0;
  p.items[0].fixed_split = 1;
  const SplitSolution s = solve_split(p);
  for (size_t i = 20; i < 24; ++i) CHECK(s.split_of_item[i] == 0);
  CHECK(s.split_of_item[0] == 1);
  CHECK(has_warning(s, "class 'b' has fewer than --min-per-class 1 group(s) in 'val' (0)"));
  // The free a groups fill val around the pinned one: 240 of 2400 frames is val's 10%.
  CHECK(groups_in(p, s, 0, 1) == 2);
}

TEST_CASE("vidsplit::stable_split") {
  const std::vector<SplitRatio> ratios = {{"train", 0.7}, {"val", 0.2}, {"test", 0.1}};
  std::vector<int> count(3, 0);
  for (uint64_t k = 0; k < 10000; ++k) {
    const int s = stable_split(k, 0, ratios);
    CHECK(s == stable_split(k, 0, ratios));
    ++count[static_cast<size_t>(s)];
  }
  // A uniform hash: within 3 standard deviations of 7000 / 2000 / 1000.
  CHECK(std::abs(count[0] - 7000) < 140);
  CHECK(std::abs(count[1] - 2000) < 120);
  CHECK(std::abs(count[2] - 1000) < 90);
  int moved = 0;
  for (uint64_t k = 0; k < 1000; ++k) moved += stable_split(k, 0, ratios) != stable_split(k, 1, ratios);
  CHECK(moved > 300);  // the seed gives another split
}

TEST_CASE("vidsplit::parse_balance_by") {
  CHECK(parse_balance_by("frames") == BalanceBy::Frames);
  CHECK(parse_balance_by("seconds") == BalanceBy::Seconds);
  CHECK(parse_balance_by("clips") == BalanceBy::Clips);
  CHECK(to_string(BalanceBy::Seconds) == "seconds");
  CHECK_THROWS_WITH_AS(parse_balance_by("bytes"), "--balance-by must be frames, seconds or clips, not 'bytes'",
                       ConfigError);
}
