// Grouping at dataset scale: generates N synthetic clip signatures (random keyframe hashes and colours),
// plants near-duplicate copies (a few bits flipped per keyframe, some mirrored), and times
// find_near_duplicates through the chunk index. Prints wall time, peak RSS and the recall of the planted
// pairs. A benchmark program, not a test: `scripts/bench_groups.sh` builds and runs it.
#include "vidsplit/groups.hpp"
#include "vidsplit/hash.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <set>

using namespace vidsplit;

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  std::mt19937_64 rng(42);
  auto flip_bits = [&](uint64_t h, int bits) {
    for (int b = 0; b < bits; ++b) h ^= uint64_t{1} << (rng() % 64);
    return h;
  };

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<ClipSignature> sigs(n);
  std::set<std::pair<size_t, size_t>> planted;
  for (size_t i = 0; i < n; ++i) {
    ClipSignature& s = sigs[i];
    // Every 10th clip copies a random earlier one: re-encode noise of 0-4 bits per keyframe.
    const bool copy = i > 0 && i % 10 == 0;
    const size_t source = copy ? rng() % i : i;
    for (int k = 0; k < 8; ++k) {
      if (copy) {
        const ClipSignature& src = sigs[source];
        s.keyframe_hashes.push_back(flip_bits(src.keyframe_hashes[static_cast<size_t>(k)], static_cast<int>(rng() % 5)));
        s.keyframe_centre_hashes.push_back(flip_bits(src.keyframe_centre_hashes[static_cast<size_t>(k)], static_cast<int>(rng() % 5)));
      } else {
        s.keyframe_hashes.push_back(rng());
        s.keyframe_centre_hashes.push_back(rng());
      }
      s.keyframe_mirror_hashes.push_back(mix64(s.keyframe_hashes.back()));
      s.keyframe_centre_mirror_hashes.push_back(mix64(s.keyframe_centre_hashes.back()));
    }
    if (copy) {
      s.mean_hist = sigs[source].mean_hist;
      planted.emplace(source, i);
    } else {
      for (auto& h : s.mean_hist) h = static_cast<float>(rng() % 1000) / 1000.0f / 2.0f;
    }
  }
  std::vector<const ClipSignature*> ptrs;
  for (const auto& s : sigs) ptrs.push_back(&s);
  const auto t1 = std::chrono::steady_clock::now();

  GroupingOptions options;
  options.threads = threads;
  const auto pairs = find_near_duplicates(ptrs, options);
  const auto t2 = std::chrono::steady_clock::now();

  size_t found = 0;
  for (const auto& p : pairs) found += planted.count({p.a, p.b});
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  fmt::print("clips: {}  threads: {}  ({} planted near-duplicate pairs)\n", n, threads, planted.size());
  fmt::print("generate: {:.2f} s\n", std::chrono::duration<double>(t1 - t0).count());
  fmt::print("find_near_duplicates: {:.2f} s   pairs found: {}   planted recall: {:.4f}   unplanted pairs: {}\n",
             std::chrono::duration<double>(t2 - t1).count(), pairs.size(),
             planted.empty() ? 1.0 : static_cast<double>(found) / static_cast<double>(planted.size()),
             pairs.size() - found);
  fmt::print("peak RSS: {:.0f} MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
