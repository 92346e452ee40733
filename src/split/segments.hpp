// --segments inside the split stage: where each annotated segment falls, and the groups it joins.
#pragma once

#include "vidsplit/split.hpp"

#include <string>
#include <vector>

namespace vidsplit {

struct PlacedSegment {
  size_t video = 0;  // index into the scans
  int index = 0;     // among the video's segments, in time order
  int64_t start_frame = 0;
  int64_t end_frame = 0;
  double start_sec = 0.0;
  double end_sec = 0.0;
  std::string label;
  int64_t group = kNoGroup;
};

// Finds each segment's video (by id, else by file stem, with or without ActivityNet's "v_" prefix) and
// frames, and merges in `grouping` the groups of all the shots it overlaps (group ids renumbered in
// video/clip order). Segments of unknown or failed videos, or with no frame inside, are left out and
// counted in `warnings`.
std::vector<PlacedSegment> place_segments(const std::vector<VideoScan>& scans, Grouping& grouping,
                                          const std::vector<Segment>& segments, std::vector<std::string>& warnings);

}  // namespace vidsplit
