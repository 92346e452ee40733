// --keep: reading the assignments of an earlier clips.csv.
#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/split.hpp"

#include <fmt/format.h>

namespace vidsplit {

KeptSplit read_kept_split(const std::string& path) {
  CsvTable table;
  try {
    table = read_csv_file(path, {"video", "start_frame", "end_frame", "split"});
  } catch (const Error& e) {
    throw ConfigError(e.what());
  }
  const size_t video = table.column("video"), start = table.column("start_frame"),
               end = table.column("end_frame"), split = table.column("split");
  KeptSplit kept;
  kept.source = path;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    const size_t line = table.line_of_row[r];
    if (row[video].empty()) throw ConfigError(fmt::format("{}: line {}: empty video", path, line));
    if (row[split].empty()) throw ConfigError(fmt::format("{}: line {}: empty split", path, line));
    KeptRow k;
    k.start_frame = parse_frame_cell(row[start], path, line, "start_frame");
    k.end_frame = parse_frame_cell(row[end], path, line, "end_frame");
    if (k.end_frame < k.start_frame)
      throw ConfigError(fmt::format("{}: line {}: end_frame is before start_frame", path, line));
    k.split = row[split];
    kept.by_video[row[video]].push_back(std::move(k));
  }
  return kept;
}

}  // namespace vidsplit
