// Synthetic scanned videos for the split tests: no decoding, exact shot boundaries and signatures.
#pragma once

#include "vidsplit/hash.hpp"
#include "vidsplit/scan.hpp"

#include <string>
#include <vector>

namespace vidsplit::test {

// A video at 25 fps whose shots have the given boundaries and kinds; shot s gets five keyframe hashes
// derived from hash_of_shot[s], so two shots match exactly when they share that value (random-looking
// values are ~32 bits apart). The content hash comes from `content`, so a re-encoded copy can share the
// shot hashes but not the stream.
inline VideoScan synthetic_scan(const std::string& id, const std::string& label, const std::vector<int64_t>& bounds,
                                const std::vector<uint64_t>& hash_of_shot, uint64_t content,
                                std::vector<ShotKind> kinds = {}) {
  VideoScan v;
  v.video = id;
  v.path = id;
  v.label = label;
  v.frames = bounds.back();
  v.times = FrameTimes({1, 25});
  for (int64_t i = 0; i < v.frames; ++i) v.times.push(i);
  v.times.set_end(v.frames);
  v.content_hash = mix64(content);
  if (kinds.empty()) kinds.assign(bounds.size() - 1, ShotKind::Shot);
  for (size_t s = 0; s + 1 < bounds.size(); ++s) {
    Shot shot;
    shot.index = static_cast<int>(s);
    shot.kind = kinds[s];
    shot.start_frame = bounds[s];
    shot.end_frame = bounds[s + 1];
    shot.start_sec = v.times.seconds(shot.start_frame);
    shot.end_sec = v.times.seconds(shot.end_frame);
    if (kinds[s] == ShotKind::Shot) {
      for (uint64_t k = 0; k < 5; ++k) {
        shot.signature.keyframe_hashes.push_back(hash_of_shot[s] ^ (k << 60));
        shot.signature.keyframe_mirror_hashes.push_back(mix64(hash_of_shot[s]));
      }
      shot.signature.mean_hist.fill(1.0f / 16);
    }
    v.shots.push_back(shot);
  }
  return v;
}

}  // namespace vidsplit::test
