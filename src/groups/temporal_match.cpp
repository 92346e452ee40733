// Temporal matching: clips that show the same footage somewhere, found by their sampled frames agreeing at
// one consistent time offset (the idea of vPDQ's per-frame hashes with subsequence matching, made to hold
// on short, fast clips by voting on the offset).
//
// Why an offset vote: two cuts of one source with other in and out points sample other instants, and in fast
// action no single pair of frames need be close; but every pair of samples showing the same moment lands on
// the same offset (b's time minus a's), within the frame phase and a small speed change. Unrelated clips agree
// on a sample or two at scattered offsets. Counting, at the best offset, the samples of *each* clip that agree
// keeps a still frame of one clip from matching a run of the other.
#include "groups/parallel_clips.hpp"
#include "vidsplit/groups.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <tuple>
#include <vector>

namespace vidsplit {

namespace {

// Fewer agreeing samples than this say nothing, however short the clip.
constexpr int kMinAgreeingShort = 3;

struct Agreement {
  int offset;  // b's tick minus a's, in base ticks (1 / kSampleRate s)
  int i;       // a's sample
  int j;       // b's sample
  int distance;
};

// The samples that are there (a tick without a usable frame holds 0).
int valid_samples(const ClipSignature& s) {
  return static_cast<int>(std::count_if(s.samples.begin(), s.samples.end(), [](uint64_t h) { return h != 0; }));
}

}  // namespace

// The x86-64 baseline has no popcount instruction, and libgcc's stand-in costs several times the comparison
// it serves; this loop runs over every pair of samples of every candidate pair, so it is also built for CPUs
// that have one (all x86-64 CPUs since 2008), chosen at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VIDSPLIT_POPCOUNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define VIDSPLIT_POPCOUNT_CLONES
#endif

VIDSPLIT_POPCOUNT_CLONES
TemporalMatch match_temporal(const ClipSignature& a, const ClipSignature& b, const GroupingOptions& options) {
  TemporalMatch m;
  // A clip with fewer samples than min_agreeing_samples (a shot that a fade leaves a quarter of a second of)
  // could never match; it must agree on all its samples but one, and on kMinAgreeingShort at least.
  const int fewest = std::min(valid_samples(a), valid_samples(b));
  const int needed = std::max(kMinAgreeingShort, std::min(options.min_agreeing_samples, fewest - 1));
  if (fewest < needed) return m;
  // Scratch reused across calls: the search verifies millions of candidate pairs on a large dataset.
  thread_local std::vector<Agreement> agree;
  thread_local std::vector<int> a_count, b_count;
  agree.clear();
  for (size_t i = 0; i < a.samples.size(); ++i) {
    const uint64_t h = a.samples[i];
    if (h == 0) continue;
    for (size_t j = 0; j < b.samples.size(); ++j) {
      if (b.samples[j] == 0) continue;
      const int d = std::popcount(h ^ b.samples[j]);
      if (d <= options.sample_threshold)
        agree.push_back({static_cast<int>(j) * b.sample_step - static_cast<int>(i) * a.sample_step,
                         static_cast<int>(i), static_cast<int>(j), d});
    }
  }
  if (static_cast<int>(agree.size()) < needed) return m;
  std::sort(agree.begin(), agree.end(), [](const Agreement& x, const Agreement& y) {
    return std::tie(x.offset, x.i, x.j) < std::tie(y.offset, y.i, y.j);
  });

  // Slide a window of offsets [o - kDriftTicks, o + kDriftTicks] over the sorted agreements, counting how many
  // distinct samples of a and of b it holds.
  a_count.assign(a.samples.size(), 0);
  b_count.assign(b.samples.size(), 0);
  int a_distinct = 0, b_distinct = 0;
  int best = 0, best_centre = 0;
  size_t lo = 0, hi = 0;
  for (int centre = agree.front().offset; centre <= agree.back().offset; ++centre) {
    while (hi < agree.size() && agree[hi].offset <= centre + kDriftTicks) {
      a_distinct += a_count[static_cast<size_t>(agree[hi].i)]++ == 0;
      b_distinct += b_count[static_cast<size_t>(agree[hi].j)]++ == 0;
      ++hi;
    }
    while (lo < hi && agree[lo].offset < centre - kDriftTicks) {
      a_distinct -= --a_count[static_cast<size_t>(agree[lo].i)] == 0;
      b_distinct -= --b_count[static_cast<size_t>(agree[lo].j)] == 0;
      ++lo;
    }
    const int score = std::min(a_distinct, b_distinct);
    // Ties go to the offset nearest 0, then the smaller: deterministic, and a recurring scene's nearest copy.
    if (score > best || (score == best && score > 0 && std::abs(centre) < std::abs(best_centre))) {
      best = score;
      best_centre = centre;
    }
  }
  if (best < needed) return m;

  m.matched = true;
  m.agreeing = best;
  m.offset_ticks = best_centre;
  int a_min = INT32_MAX, a_max = -1, b_min = INT32_MAX, b_max = -1;
  for (const Agreement& g : agree) {
    if (std::abs(g.offset - best_centre) > kDriftTicks) continue;
    a_min = std::min(a_min, g.i);
    a_max = std::max(a_max, g.i);
    b_min = std::min(b_min, g.j);
    b_max = std::max(b_max, g.j);
    m.hash_distance = std::min(m.hash_distance, g.distance);
  }
  const double a_tick = static_cast<double>(a.sample_step) / kSampleRate;
  const double b_tick = static_cast<double>(b.sample_step) / kSampleRate;
  m.a_from = a_min * a_tick;
  m.a_to = a_max * a_tick;
  m.b_from = b_min * b_tick;
  m.b_to = b_max * b_tick;
  return m;
}

namespace {

// Multi-index hashing over the samples: a hash is cut into chunks, and two samples within a few bits of each
// other very likely agree exactly on one. Bit 63 of a view hash is always set, so the chunks cover bits 0..62.
// Small sets use 4 chunks of about 16 bits (more chance that a chunk survives the bits a reframed or regraded
// copy changes); large ones 3 of 21, as 16-bit buckets would hold too many unrelated samples.
class SampleIndex {
 public:
  explicit SampleIndex(const std::vector<const ClipSignature*>& clips) {
    size_t entries = 0;
    for (const ClipSignature* s : clips) entries += (s->samples.size() + 1) / kIndexStride;
    chunks_ = entries <= (size_t{1} << 20) ? 4 : 3;
    for (int c = 0; c < chunks_; ++c) {
      Table& t = tables_[static_cast<size_t>(c)];
      const size_t buckets = size_t{1} << width(c);
      t.offsets.assign(buckets + 1, 0);
      each_indexed(clips, [&](uint32_t, uint64_t h) { ++t.offsets[chunk(h, c) + 1]; });
      for (size_t k = 0; k < buckets; ++k) t.offsets[k + 1] += t.offsets[k];
      t.ids.resize(t.offsets[buckets]);
      std::vector<uint32_t> fill(t.offsets.begin(), t.offsets.end() - 1);
      each_indexed(clips, [&](uint32_t id, uint64_t h) { t.ids[fill[chunk(h, c)]++] = id; });
    }
  }

  // Appends the clips that share a chunk with `hash`.
  void candidates(uint64_t hash, std::vector<uint32_t>& out) const {
    for (int c = 0; c < chunks_; ++c) {
      const Table& t = tables_[static_cast<size_t>(c)];
      const uint32_t v = chunk(hash, c);
      const uint32_t begin = t.offsets[v], end = t.offsets[v + 1];
      if (end - begin > kMaxBucket) continue;  // a chunk value shared that widely tells nothing
      out.insert(out.end(), t.ids.begin() + begin, t.ids.begin() + end);
    }
  }

 private:
  // Every other sample is indexed, all of them query: two clips sharing 5 samples share at least 2 indexed ones.
  static constexpr size_t kIndexStride = 2;
  static constexpr uint32_t kMaxBucket = 4096;
  struct Table {
    std::vector<uint32_t> offsets;
    std::vector<uint32_t> ids;
  };

  int width(int c) const { return c + 1 < chunks_ ? 63 / chunks_ : 63 - (chunks_ - 1) * (63 / chunks_); }
  uint32_t chunk(uint64_t hash, int c) const {
    return static_cast<uint32_t>((hash >> (c * (63 / chunks_))) & ((uint64_t{1} << width(c)) - 1));
  }

  template <typename Visit>
  static void each_indexed(const std::vector<const ClipSignature*>& clips, Visit visit) {
    for (uint32_t id = 0; id < clips.size(); ++id) {
      const auto& samples = clips[id]->samples;
      for (size_t k = 0; k < samples.size(); k += kIndexStride)
        if (samples[k] != 0) visit(id, samples[k]);
    }
  }

  int chunks_ = 3;
  std::array<Table, 4> tables_;
};

// A candidate is verified once its samples share this many chunks with the clip's: more than one chance
// collision of unrelated pictures gives.
constexpr size_t kMinChunkHits = 2;

}  // namespace

std::vector<NearDuplicate> find_temporal_matches(const std::vector<const ClipSignature*>& clips,
                                                 const GroupingOptions& options) {
  const size_t n = clips.size();
  auto found = [&](size_t i, size_t j, std::vector<NearDuplicate>& out) {
    const TemporalMatch t = match_temporal(*clips[i], *clips[j], options);
    if (t.matched)
      out.push_back({i, j, {.matched = true, .hash_distance = t.hash_distance,
                            .histogram_distance = histogram_distance(clips[i]->mean_hist, clips[j]->mean_hist),
                            .temporal = t}});
  };
  size_t samples = 0;
  for (const ClipSignature* s : clips) samples += s->samples.size();
  if (samples <= options.exhaustive_max_samples) {
    return for_each_clip(n, options.threads, [&](size_t i, std::vector<NearDuplicate>& out) {
      for (size_t j = i + 1; j < n; ++j) found(i, j, out);
    });
  }
  const SampleIndex index(clips);
  return for_each_clip(n, options.threads, [&](size_t i, std::vector<NearDuplicate>& out) {
    thread_local std::vector<uint32_t> candidates;
    candidates.clear();
    for (uint64_t h : clips[i]->samples)
      if (h != 0) index.candidates(h, candidates);
    std::erase_if(candidates, [i](uint32_t j) { return j <= i; });
    std::sort(candidates.begin(), candidates.end());
    for (size_t from = 0; from < candidates.size();) {
      size_t to = from;
      while (to < candidates.size() && candidates[to] == candidates[from]) ++to;
      if (to - from >= kMinChunkHits) found(i, candidates[from], out);
      from = to;
    }
  });
}

}  // namespace vidsplit
