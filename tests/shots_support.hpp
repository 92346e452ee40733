// Shot lists of real videos for the detector tests, as (kind, start, end) rows.
#pragma once

#include "vidsplit/scan.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace vidsplit::test {

struct ShotRow {
  ShotKind kind;
  int64_t start, end;
  friend bool operator==(const ShotRow&, const ShotRow&) = default;
};

// Scans `path` with `detector` and returns its shots; the video must be readable.
inline std::vector<ShotRow> shot_rows(const std::string& path, const std::string& detector = "auto") {
  ScanOptions o;
  o.detector = detector;
  const VideoScan s = scan_video({path, path, ""}, o);
  REQUIRE_MESSAGE(s.ok(), s.error);
  std::vector<ShotRow> rows;
  for (const Shot& shot : s.shots) rows.push_back({shot.kind, shot.start_frame, shot.end_frame});
  return rows;
}

}  // namespace vidsplit::test
