// Finding near-duplicate clip pairs: every pair for small sets, a hash-chunk index for large ones.
#include "vidsplit/groups.hpp"
#include "groups/parallel_clips.hpp"

#include <algorithm>
#include <array>
#include <tuple>

namespace vidsplit {

namespace {

// Multi-index hashing: a 64-bit hash is cut into three chunks (21, 21 and 22 bits). Two hashes within a few
// bits of each other very likely agree exactly on at least one chunk, and a chunk value is shared by few
// unrelated clips, so exact chunk lookups give a short candidate list per clip.
constexpr int kChunks = 3;
constexpr std::array<int, kChunks + 1> kChunkStart = {0, 21, 42, 64};
constexpr size_t kBuckets = size_t{1} << 22;
// A chunk value found in more clips than this carries no information (flat or synthetic pictures share
// it); such buckets are skipped rather than compared against everything.
constexpr uint32_t kMaxBucket = 4096;
// Only every other keyframe is indexed (queries use all of them): a copy matches on many keyframes, so this
// halves the index and the candidate lists at little cost in recall.
constexpr size_t kIndexStride = 2;
// A candidate is verified only if it shares at least this many chunks with the clip: chance collisions of
// unrelated clips are single, a near-duplicate collides on several keyframes and chunks.
constexpr int kMinChunkHits = 2;

uint32_t chunk(uint64_t hash, int c) {
  const int width = kChunkStart[static_cast<size_t>(c) + 1] - kChunkStart[static_cast<size_t>(c)];
  return static_cast<uint32_t>((hash >> kChunkStart[static_cast<size_t>(c)]) & ((uint64_t{1} << width) - 1));
}

// One table per (hash kind, chunk): clip ids grouped by chunk value, via a counting sort.
class ChunkIndex {
 public:
  // kind 0 indexes the whole-frame hashes, kind 1 the centre hashes.
  explicit ChunkIndex(const std::vector<const ClipSignature*>& clips) {
    for (int kind = 0; kind < 2; ++kind)
      for (int c = 0; c < kChunks; ++c) build(tables_[static_cast<size_t>(kind * kChunks + c)], clips, kind, c);
  }

  // Appends the ids of clips with a chunk equal to one of `hash`'s chunks, in the table of `kind`.
  void candidates(uint64_t hash, int kind, std::vector<uint32_t>& out) const {
    for (int c = 0; c < kChunks; ++c) {
      const Table& t = tables_[static_cast<size_t>(kind * kChunks + c)];
      const uint32_t v = chunk(hash, c);
      const uint32_t begin = t.offsets[v], end = t.offsets[v + 1];
      if (end - begin > kMaxBucket) continue;
      out.insert(out.end(), t.ids.begin() + begin, t.ids.begin() + end);
    }
  }

 private:
  struct Table {
    std::vector<uint32_t> offsets;
    std::vector<uint32_t> ids;
  };

  static const std::vector<uint64_t>& hashes(const ClipSignature& s, int kind) {
    return kind == 0 ? s.keyframe_hashes : s.keyframe_centre_hashes;
  }

  static void build(Table& t, const std::vector<const ClipSignature*>& clips, int kind, int c) {
    t.offsets.assign(kBuckets + 1, 0);
    for (const ClipSignature* s : clips) {
      const auto& hs = hashes(*s, kind);
      for (size_t k = 0; k < hs.size(); k += kIndexStride) ++t.offsets[chunk(hs[k], c) + 1];
    }
    for (size_t b = 0; b < kBuckets; ++b) t.offsets[b + 1] += t.offsets[b];
    t.ids.resize(t.offsets[kBuckets]);
    std::vector<uint32_t> fill(t.offsets.begin(), t.offsets.end() - 1);
    for (uint32_t id = 0; id < clips.size(); ++id) {
      const auto& hs = hashes(*clips[id], kind);
      for (size_t k = 0; k < hs.size(); k += kIndexStride) t.ids[fill[chunk(hs[k], c)]++] = id;
    }
  }

  std::array<Table, 2 * kChunks> tables_;
};

std::vector<NearDuplicate> keyframe_matches(const std::vector<const ClipSignature*>& clips,
                                            const GroupingOptions& options) {
  const size_t n = clips.size();
  if (n <= options.exhaustive_max_clips) {
    return for_each_clip(n, options.threads, [&](size_t i, std::vector<NearDuplicate>& out) {
      for (size_t j = i + 1; j < n; ++j) {
        const ClipMatch m = match_clips(*clips[i], *clips[j], options);
        if (m.matched) out.push_back({i, j, m});
      }
    });
  }
  const ChunkIndex index(clips);
  return for_each_clip(n, options.threads, [&](size_t i, std::vector<NearDuplicate>& out) {
    const ClipSignature& s = *clips[i];
    std::vector<uint32_t> candidates;
    for (size_t k = 0; k < s.keyframe_hashes.size(); ++k) {
      index.candidates(s.keyframe_hashes[k], 0, candidates);
      if (k < s.keyframe_mirror_hashes.size()) index.candidates(s.keyframe_mirror_hashes[k], 0, candidates);
      if (k < s.keyframe_centre_hashes.size()) index.candidates(s.keyframe_centre_hashes[k], 1, candidates);
      if (k < s.keyframe_centre_mirror_hashes.size()) index.candidates(s.keyframe_centre_mirror_hashes[k], 1, candidates);
    }
    // Only later clips (each pair once), and only those hit at least kMinChunkHits times.
    std::erase_if(candidates, [i](uint32_t j) { return j <= i; });
    std::sort(candidates.begin(), candidates.end());
    for (size_t from = 0; from < candidates.size();) {
      size_t to = from;
      while (to < candidates.size() && candidates[to] == candidates[from]) ++to;
      if (to - from >= static_cast<size_t>(kMinChunkHits)) {
        const ClipMatch m = match_clips(s, *clips[candidates[from]], options);
        if (m.matched) out.push_back({i, candidates[from], m});
      }
      from = to;
    }
  });
}

}  // namespace

std::vector<NearDuplicate> find_near_duplicates(const std::vector<const ClipSignature*>& clips,
                                                const GroupingOptions& options) {
  std::vector<NearDuplicate> keyframes = keyframe_matches(clips, options);
  if (!options.temporal) return keyframes;
  std::vector<NearDuplicate> temporal = find_temporal_matches(clips, options);
  // The union, in pair order; a pair both searches found keeps its keyframe match and gains the temporal one.
  std::vector<NearDuplicate> all;
  all.reserve(keyframes.size() + temporal.size());
  const auto before = [](const NearDuplicate& x, const NearDuplicate& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); };
  size_t k = 0, t = 0;
  while (k < keyframes.size() || t < temporal.size()) {
    if (t == temporal.size() || (k < keyframes.size() && before(keyframes[k], temporal[t]))) {
      all.push_back(keyframes[k++]);
    } else if (k == keyframes.size() || before(temporal[t], keyframes[k])) {
      all.push_back(temporal[t++]);
    } else {
      all.push_back(keyframes[k++]);
      all.back().match.temporal = temporal[t++].match.temporal;
    }
  }
  return all;
}

}  // namespace vidsplit
