#include "vidsplit/hash.hpp"
#include "vidsplit/split.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

using namespace vidsplit;

namespace {

// 200 groups over 3 classes with a skewed (log-normal) size distribution, from a fixed generator.
SplitProblem skewed_problem(uint64_t seed) {
  SplitProblem p;
  p.labels = {"jump", "run", "wave"};
  p.ratios = {{"train", 0.7}, {"val", 0.2}, {"test", 0.1}};
  p.seed = seed;
  std::mt19937_64 rng(12345);
  std::lognormal_distribution<double> size(5.0, 0.8);
  for (int g = 0; g < 200; ++g) {
    SplitItem item;
    item.weight_by_label = {{g % 3, std::round(size(rng))}};
    item.key = mix64(static_cast<uint64_t>(g));
    p.items.push_back(item);
  }
  return p;
}

}  // namespace

TEST_CASE("vidsplit::solve_split") {
  SUBCASE("hits the ratios overall and per class on 200 skewed groups") {
    const SplitProblem p = skewed_problem(0);
    const SplitSolution s = solve_split(p);
    REQUIRE(s.split_of_item.size() == 200);
    for (size_t k = 0; k < p.ratios.size(); ++k) {
      CHECK(std::fabs(s.overall_fraction[k] - p.ratios[k].fraction) <= 0.01);
      for (size_t l = 0; l < p.labels.size(); ++l)
        CHECK(std::fabs(s.label_fraction[l][k] - p.ratios[k].fraction) <= 0.03);
    }
    CHECK(s.warnings.empty());
  }
  SUBCASE("deterministic for a seed, different across seeds") {
    const SplitSolution a = solve_split(skewed_problem(1));
    const SplitSolution b = solve_split(skewed_problem(1));
    const SplitSolution c = solve_split(skewed_problem(2));
    CHECK(a.split_of_item == b.split_of_item);
    CHECK(a.split_of_item != c.split_of_item);
  }
  SUBCASE("achieved fractions are recomputed from the assignment") {
    const SplitProblem p = skewed_problem(3);
    const SplitSolution s = solve_split(p);
    std::vector<double> weight(p.ratios.size(), 0.0);
    double total = 0.0;
    for (size_t i = 0; i < p.items.size(); ++i) {
      weight[static_cast<size_t>(s.split_of_item[i])] += p.items[i].total();
      total += p.items[i].total();
    }
    for (size_t k = 0; k < weight.size(); ++k) CHECK(s.overall_fraction[k] == doctest::Approx(weight[k] / total));
  }
  SUBCASE("a class with fewer groups than splits is named in a warning") {
    SplitProblem p;
    p.labels = {"common", "rare"};
    p.ratios = {{"train", 0.8}, {"val", 0.2}};
    for (int g = 0; g < 10; ++g) p.items.push_back({{{0, 100.0}}, static_cast<uint64_t>(g)});
    p.items.push_back({{{1, 100.0}}, 99});
    const SplitSolution s = solve_split(p);
    REQUIRE(s.warnings.size() == 1);
    CHECK(s.warnings[0].find("class 'rare' has 1 group(s)") != std::string::npos);
  }
  SUBCASE("equal groups split 8/2") {
    SplitProblem p;
    p.labels = {"a"};
    p.ratios = {{"train", 0.8}, {"val", 0.2}};
    for (int g = 0; g < 10; ++g) p.items.push_back({{{0, 50.0}}, static_cast<uint64_t>(g)});
    const SplitSolution s = solve_split(p);
    CHECK(std::count(s.split_of_item.begin(), s.split_of_item.end(), 1) == 2);
    CHECK(s.overall_fraction[0] == doctest::Approx(0.8));
  }
}
