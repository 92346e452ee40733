// `vidsplit assign`: split problems from a table of groups made elsewhere (and the split benchmark's input).
#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/hash.hpp"
#include "vidsplit/split.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace vidsplit {

SplitProblem read_group_table(const std::string& path, std::vector<std::string>& group_names) {
  CsvTable table;
  try {
    table = read_csv_file(path, {"group", "label", "weight"});
  } catch (const Error& e) {
    throw ConfigError(e.what());
  }
  const size_t group = table.column("group"), label = table.column("label"), weight = table.column("weight");
  std::map<std::string, int> label_index;
  for (const auto& row : table.rows) label_index.emplace(row[label], 0);
  SplitProblem p;
  for (auto& [name, index] : label_index) {
    index = static_cast<int>(p.labels.size());
    p.labels.push_back(name);
  }
  std::map<std::string, size_t> item_of;
  group_names.clear();
  constexpr double kMaxTotalWeight = 1e300;
  double total = 0.0;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const size_t line = table.line_of_row[r];
    if (row[group].empty()) throw ConfigError(fmt::format("{}: line {}: empty group", path, line));
    double w = 0.0;
    try {
      size_t used = 0;
      w = std::stod(row[weight], &used);
      if (used != row[weight].size()) w = -1.0;
    } catch (const std::exception&) {
      w = -1.0;
    }
    if (!(w >= 0.0) || !std::isfinite(w))
      throw ConfigError(fmt::format("{}: line {}: weight '{}' is not a number >= 0", path, line, row[weight]));
    // The solver adds weights and their deviations from targets; a total far below DBL_MAX keeps every such
    // sum finite (1e308 + 1e308 was inf, and the fractions NaN).
    total += w;
    if (total > kMaxTotalWeight)
      throw ConfigError(fmt::format("{}: line {}: column weight: the weights add up to more than {:g} here; "
                                    "scale them down",
                                    path, line, kMaxTotalWeight));
    const auto [it, fresh] = item_of.emplace(row[group], p.items.size());
    if (fresh) {
      p.items.emplace_back();
      p.items.back().key = hash_string(row[group]);
      group_names.push_back(row[group]);
    }
    auto& weights = p.items[it->second].weight_by_label;
    const int l = label_index.at(row[label]);
    const auto lw = std::find_if(weights.begin(), weights.end(), [&](const auto& x) { return x.first == l; });
    if (lw == weights.end()) {
      weights.emplace_back(l, w);
    } else {
      lw->second += w;
    }
  }
  for (auto& item : p.items) std::sort(item.weight_by_label.begin(), item.weight_by_label.end());
  if (p.items.empty()) throw ConfigError(fmt::format("{}: holds no groups", path));
  return p;
}

}  // namespace vidsplit
