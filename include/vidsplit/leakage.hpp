// The leakage headline: how much of each held-out split's footage is also in train, for the split made and
// for a random split of the same videos, both counted over the grouping's footage links (Grouping::footage_of).
#pragma once

#include "vidsplit/split.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vidsplit {

struct SharedFrames {
  std::string split;
  int64_t frames = 0;  // the split's frames (excluded rows are in no split)
  int64_t shared = 0;  // of those, frames of clips whose footage is also in a clip of the reference split
  double share() const { return frames > 0 ? static_cast<double>(shared) / static_cast<double>(frames) : 0.0; }
};

struct LeakageHeadline {
  std::string reference;             // "train" when a split has that name, else the first split
  std::vector<SharedFrames> split;   // the split made, per other split, in ratio order
  std::vector<SharedFrames> random;  // random_video_split of the same videos, likewise
};

// A seeded random split of whole videos with the given ratios, for comparison: the usable videos are ordered
// by hash_string(video id, seed) (ties by id), and split s takes the next round(n x (f_0 + ... + f_s)) -
// round(n x (f_0 + ... + f_(s-1))) of them. Returns the split (index into ratios) of every video; -1 for
// failed ones.
std::vector<int> random_video_split(const std::vector<VideoScan>& scans, const std::vector<SplitRatio>& ratios,
                                    uint64_t seed);

// `outcome` is split_scans(scans, options)'s.
LeakageHeadline leakage_headline(const std::vector<VideoScan>& scans, const SplitOutcome& outcome,
                                 const SplitOptions& options);

}  // namespace vidsplit
