#include "vidsplit/error.hpp"
#include "vidsplit/hash.hpp"
#include "vidsplit/split.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace vidsplit {

std::vector<SplitRatio> parse_ratios(std::string_view spec) {
  std::vector<SplitRatio> ratios;
  std::set<std::string, std::less<>> names;
  double sum = 0.0;
  size_t pos = 0;
  while (pos <= spec.size()) {
    const size_t comma = std::min(spec.find(',', pos), spec.size());
    const std::string_view item = spec.substr(pos, comma - pos);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      throw ConfigError(fmt::format("--ratios: '{}' is not NAME=FRACTION (e.g. train=0.8,val=0.2)", item));
    const std::string name(item.substr(0, eq));
    const std::string value(item.substr(eq + 1));
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](unsigned char c) {
          return std::isalnum(c) || c == '_' || c == '-';
        }))
      throw ConfigError(fmt::format("--ratios: split name '{}' must be letters, digits, '_' or '-'", name));
    if (name == kExcluded) throw ConfigError("--ratios: 'excluded' is reserved for excluded rows");
    if (!names.insert(name).second) throw ConfigError(fmt::format("--ratios: split '{}' given twice", name));
    double fraction = 0.0;
    try {
      size_t used = 0;
      fraction = std::stod(value, &used);
      if (used != value.size()) throw std::invalid_argument(value);
    } catch (const std::exception&) {
      throw ConfigError(fmt::format("--ratios: '{}' is not a number", value));
    }
    if (!(fraction > 0.0) || fraction > 1.0)
      throw ConfigError(fmt::format("--ratios: fraction of '{}' must be in (0, 1], not {}", name, value));
    ratios.push_back({name, fraction});
    sum += fraction;
    pos = comma + 1;
  }
  if (ratios.size() < 2) throw ConfigError("--ratios: give at least two splits, e.g. train=0.8,val=0.2");
  // Decimal fractions rarely add up to exactly 1 in binary (0.7 + 0.2 + 0.1 is 0.9999999999999999): accept what
  // rounding explains, and print the sum as a person wrote it (10 digits show any gap larger than that).
  if (std::fabs(sum - 1.0) > 1e-9) throw ConfigError(fmt::format("--ratios: fractions sum to {:.10g}, not 1", sum));
  return ratios;
}

double SplitItem::total() const {
  double t = 0.0;
  for (const auto& [label, w] : weight_by_label) t += w;
  return t;
}

int SplitItem::main_label() const {
  int best = -1;
  double best_w = -1.0;
  for (const auto& [label, w] : weight_by_label)
    if (w > best_w || (w == best_w && label < best)) {
      best = label;
      best_w = w;
    }
  return best;
}

namespace {

// The objective: for each class, the summed absolute deviation of its split weights from the targets as a
// fraction of the class; plus the same for the whole set, weighted like all classes together.
class Objective {
 public:
  Objective(const SplitProblem& p) : p_(p), splits_(p.ratios.size()) {
    label_total_.assign(p.labels.size(), 0.0);
    for (const auto& item : p.items)
      for (const auto& [label, w] : item.weight_by_label) label_total_[static_cast<size_t>(label)] += w;
    total_ = std::accumulate(label_total_.begin(), label_total_.end(), 0.0);
    label_weight_.assign(p.labels.size() * splits_, 0.0);
    split_weight_.assign(splits_, 0.0);
    overall_factor_ = static_cast<double>(std::max<size_t>(1, p.labels.size()));
  }

  void add(const SplitItem& item, size_t split, double sign) {
    for (const auto& [label, w] : item.weight_by_label) at(label, split) += sign * w;
    split_weight_[split] += sign * item.total();
  }

  // Change of the objective if `item` moved from split `from` to split `to` (from may be npos: unplaced).
  double move_delta(const SplitItem& item, size_t from, size_t to) const {
    double delta = 0.0;
    const double w = item.total();
    for (const auto& [label, lw] : item.weight_by_label) {
      const double total = label_total_[static_cast<size_t>(label)];
      if (total <= 0) continue;
      if (from != kUnplaced) delta += term_change(at(label, from), -lw, target(label, from)) / total;
      delta += term_change(at(label, to), lw, target(label, to)) / total;
    }
    if (total_ > 0) {
      if (from != kUnplaced) delta += overall_factor_ * term_change(split_weight_[from], -w, p_.ratios[from].fraction * total_) / total_;
      delta += overall_factor_ * term_change(split_weight_[to], w, p_.ratios[to].fraction * total_) / total_;
    }
    return delta;
  }

  // How far split `s` is below its share for this label, relative to that share (for greedy ties).
  double relative_deficit(int label, size_t s) const {
    const double t = target(label, s);
    return t > 0 ? (t - at(label, s)) / t : 0.0;
  }

  double label_fraction(size_t label, size_t s) const {
    const double total = label_total_[label];
    return total > 0 ? label_weight_[label * splits_ + s] / total : 0.0;
  }
  double overall_fraction(size_t s) const { return total_ > 0 ? split_weight_[s] / total_ : 0.0; }

  static constexpr size_t kUnplaced = static_cast<size_t>(-1);

 private:
  static double term_change(double current, double change, double target) {
    return std::fabs(current + change - target) - std::fabs(current - target);
  }
  double target(int label, size_t s) const { return p_.ratios[s].fraction * label_total_[static_cast<size_t>(label)]; }
  double& at(int label, size_t s) { return label_weight_[static_cast<size_t>(label) * splits_ + s]; }
  double at(int label, size_t s) const { return label_weight_[static_cast<size_t>(label) * splits_ + s]; }

  const SplitProblem& p_;
  size_t splits_;
  std::vector<double> label_total_;
  std::vector<double> label_weight_;  // [label][split]
  std::vector<double> split_weight_;
  double total_ = 0.0;
  double overall_factor_ = 1.0;
};

constexpr double kImprovement = 1e-12;
// Pairwise swaps cost O(items^2) per pass; beyond this many items only single moves are tried.
constexpr size_t kMaxItemsForSwaps = 3000;
constexpr int kMaxPasses = 50;
// A class whose achieved fraction in some split is further than this from the target gets a warning.
constexpr double kWarnDeviation = 0.1;

}  // namespace

SplitSolution solve_split(const SplitProblem& p) {
  const size_t n = p.items.size();
  const size_t splits = p.ratios.size();
  const size_t labels = p.labels.size();
  SplitSolution sol;
  sol.split_of_item.assign(n, 0);
  sol.warnings = p.warnings;
  Objective objective(p);

  // Groups per class per split (by main label), for the --min-per-class floor.
  std::vector<int> groups_of_label(labels, 0);
  for (const auto& item : p.items)
    if (item.main_label() >= 0) ++groups_of_label[static_cast<size_t>(item.main_label())];
  std::vector<int> floor_of_label(labels, 0);
  for (size_t l = 0; l < labels; ++l)
    if (p.min_per_class > 0 && groups_of_label[l] >= p.min_per_class * static_cast<int>(splits))
      floor_of_label[l] = p.min_per_class;
  std::vector<int> count(labels * splits, 0);
  auto cnt = [&](int label, size_t s) -> int& { return count[static_cast<size_t>(label) * splits + s]; };
  auto place = [&](size_t i, size_t s) {
    objective.add(p.items[i], s, +1.0);
    if (p.items[i].main_label() >= 0) ++cnt(p.items[i].main_label(), s);
    sol.split_of_item[i] = static_cast<int>(s);
  };
  auto unplace = [&](size_t i) {
    const auto s = static_cast<size_t>(sol.split_of_item[i]);
    objective.add(p.items[i], s, -1.0);
    if (p.items[i].main_label() >= 0) --cnt(p.items[i].main_label(), s);
  };
  // May item i leave its split without breaking a floor that holds?
  auto may_leave = [&](size_t i) {
    const int label = p.items[i].main_label();
    if (label < 0) return true;
    const auto from = static_cast<size_t>(sol.split_of_item[i]);
    return cnt(label, from) > floor_of_label[static_cast<size_t>(label)];
  };
  auto movable = [&](size_t i) { return p.items[i].fixed_split < 0; };

  for (size_t i = 0; i < n; ++i)
    if (p.items[i].fixed_split >= 0) place(i, static_cast<size_t>(p.items[i].fixed_split));

  // Greedy: big groups first (they are the hard ones to pack), and a seeded order among groups of
  // similar size (same power of two), so that different seeds give different but equally good splits.
  std::vector<size_t> order;
  for (size_t i = 0; i < n; ++i)
    if (movable(i)) order.push_back(i);
  auto size_class = [&](size_t i) { return std::ilogb(std::max(1.0, p.items[i].total())); };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const int ca = size_class(a), cb = size_class(b);
    if (ca != cb) return ca > cb;
    const uint64_t ka = mix64(p.items[a].key ^ mix64(p.seed)), kb = mix64(p.items[b].key ^ mix64(p.seed));
    return ka != kb ? ka < kb : a < b;
  });
  for (size_t i : order) {
    const SplitItem& item = p.items[i];
    const int label = item.main_label();
    size_t best = 0;
    double best_delta = 0.0, best_deficit = 0.0;
    for (size_t s = 0; s < splits; ++s) {
      const double delta = objective.move_delta(item, Objective::kUnplaced, s);
      const double deficit = label >= 0 ? objective.relative_deficit(label, s) : 0.0;
      if (s == 0 || delta < best_delta - kImprovement ||
          (delta <= best_delta + kImprovement && deficit > best_deficit)) {
        best = s;
        best_delta = delta;
        best_deficit = deficit;
      }
    }
    place(i, best);
  }

  // Repair the class floors: move into each short split the group of that class, from a split with
  // groups to spare, that costs least.
  for (size_t l = 0; l < labels; ++l) {
    const int label = static_cast<int>(l);
    for (size_t s = 0; s < splits; ++s) {
      while (cnt(label, s) < floor_of_label[l]) {
        size_t best = n;
        double best_delta = 0.0;
        for (size_t i : order) {
          if (p.items[i].main_label() != label || static_cast<size_t>(sol.split_of_item[i]) == s || !may_leave(i))
            continue;
          const double d = objective.move_delta(p.items[i], static_cast<size_t>(sol.split_of_item[i]), s);
          if (best == n || d < best_delta - kImprovement) {
            best = i;
            best_delta = d;
          }
        }
        if (best == n) break;  // only fixed groups are left to spare: keep them where they are
        unplace(best);
        place(best, s);
      }
    }
  }

  // Local search: single moves, then swaps between splits, until nothing improves.
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    bool improved = false;
    for (size_t i : order) {
      const size_t from = static_cast<size_t>(sol.split_of_item[i]);
      if (!may_leave(i)) continue;
      for (size_t to = 0; to < splits; ++to) {
        if (to == from) continue;
        if (objective.move_delta(p.items[i], from, to) < -kImprovement) {
          unplace(i);
          place(i, to);
          improved = true;
          break;
        }
      }
    }
    if (order.size() <= kMaxItemsForSwaps) {
      for (size_t ia = 0; ia < order.size(); ++ia) {
        for (size_t ib = ia + 1; ib < order.size(); ++ib) {
          const size_t a = order[ia], b = order[ib];
          const size_t sa = static_cast<size_t>(sol.split_of_item[a]);
          const size_t sb = static_cast<size_t>(sol.split_of_item[b]);
          if (sa == sb) continue;
          if (p.items[a].main_label() != p.items[b].main_label() && (!may_leave(a) || !may_leave(b))) continue;
          // Evaluate the swap as two successive moves.
          const double d1 = objective.move_delta(p.items[a], sa, sb);
          objective.add(p.items[a], sa, -1.0);
          objective.add(p.items[a], sb, +1.0);
          const double d2 = objective.move_delta(p.items[b], sb, sa);
          objective.add(p.items[a], sb, -1.0);
          objective.add(p.items[a], sa, +1.0);
          if (d1 + d2 < -kImprovement) {
            unplace(a);
            unplace(b);
            place(a, sb);
            place(b, sa);
            improved = true;
          }
        }
      }
    }
    if (!improved) break;
  }

  sol.overall_fraction.resize(splits);
  for (size_t s = 0; s < splits; ++s) sol.overall_fraction[s] = objective.overall_fraction(s);
  sol.label_fraction.assign(labels, std::vector<double>(splits, 0.0));
  for (size_t l = 0; l < labels; ++l) {
    for (size_t s = 0; s < splits; ++s) sol.label_fraction[l][s] = objective.label_fraction(l, s);
    if (groups_of_label[l] < static_cast<int>(splits)) {
      sol.warnings.push_back(fmt::format(
          "class '{}' has {} group(s) for {} splits: it cannot appear in every split", p.labels[l],
          groups_of_label[l], splits));
      continue;
    }
    if (p.min_per_class > 1 && floor_of_label[l] == 0)
      sol.warnings.push_back(fmt::format(
          "class '{}' has {} group(s): too few for --min-per-class {} in each of {} splits", p.labels[l],
          groups_of_label[l], p.min_per_class, splits));
    // One warning of each kind per class, naming every split concerned: a class off target in one split is
    // off in another too, and a line per split said the same thing twice.
    std::vector<std::string> short_splits, achieved, targets;
    bool off_target = false;
    for (size_t s = 0; s < splits; ++s) {
      const int groups = cnt(static_cast<int>(l), s);
      if (floor_of_label[l] > 0 && groups < floor_of_label[l])
        short_splits.push_back(fmt::format("'{}' ({})", p.ratios[s].name, groups));
      off_target |= std::fabs(sol.label_fraction[l][s] - p.ratios[s].fraction) > kWarnDeviation;
      achieved.push_back(fmt::format("{} {:.3f}", p.ratios[s].name, sol.label_fraction[l][s]));
      targets.push_back(fmt::format("{}", p.ratios[s].fraction));
    }
    if (!short_splits.empty())
      sol.warnings.push_back(fmt::format("class '{}' has fewer than --min-per-class {} group(s) in {}", p.labels[l],
                                         floor_of_label[l], fmt::join(short_splits, ", ")));
    if (off_target)
      sol.warnings.push_back(fmt::format("class '{}' gets {} (targets {}): its groups are too few or too large",
                                         p.labels[l], fmt::join(achieved, ", "), fmt::join(targets, ", ")));
  }
  return sol;
}

int stable_split(uint64_t key, uint64_t seed, const std::vector<SplitRatio>& ratios) {
  // The top 53 bits as a uniform number in [0, 1).
  const double u = static_cast<double>(mix64(key ^ mix64(seed ^ 0x5157AB1Eull)) >> 11) * 0x1.0p-53;
  double cumulative = 0.0;
  for (size_t s = 0; s + 1 < ratios.size(); ++s) {
    cumulative += ratios[s].fraction;
    if (u < cumulative) return static_cast<int>(s);
  }
  return static_cast<int>(ratios.size()) - 1;
}

BalanceBy parse_balance_by(std::string_view text) {
  if (text == "frames") return BalanceBy::Frames;
  if (text == "seconds") return BalanceBy::Seconds;
  if (text == "clips") return BalanceBy::Clips;
  throw ConfigError(fmt::format("--balance-by must be frames, seconds or clips, not '{}'", text));
}

std::string_view to_string(BalanceBy by) {
  switch (by) {
    case BalanceBy::Frames: return "frames";
    case BalanceBy::Seconds: return "seconds";
    case BalanceBy::Clips: return "clips";
  }
  return "frames";
}

}  // namespace vidsplit
