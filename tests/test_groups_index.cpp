#include "vidsplit/groups.hpp"
#include "vidsplit/hash.hpp"

#include <doctest/doctest.h>

#include <random>
#include <set>

using namespace vidsplit;

namespace {

// 3000 random clip signatures; every 10th copies an earlier one with 0-4 bits of noise per keyframe.
struct Synthetic {
  std::vector<ClipSignature> sigs;
  std::set<std::pair<size_t, size_t>> planted;
  std::vector<const ClipSignature*> ptrs() const {
    std::vector<const ClipSignature*> p;
    for (const auto& s : sigs) p.push_back(&s);
    return p;
  }
};

Synthetic synthetic(size_t n) {
  Synthetic out;
  std::mt19937_64 rng(7);
  out.sigs.resize(n);
  for (size_t i = 0; i < n; ++i) {
    ClipSignature& s = out.sigs[i];
    const bool copy = i > 0 && i % 10 == 0;
    const size_t source = copy ? rng() % i : i;
    for (size_t k = 0; k < 8; ++k) {
      uint64_t h = copy ? out.sigs[source].keyframe_hashes[k] : rng();
      uint64_t c = copy ? out.sigs[source].keyframe_centre_hashes[k] : rng();
      if (copy)
        for (uint64_t b = rng() % 5; b > 0; --b) h ^= uint64_t{1} << (rng() % 64);
      s.keyframe_hashes.push_back(h);
      s.keyframe_centre_hashes.push_back(c);
      s.keyframe_mirror_hashes.push_back(mix64(h));
      s.keyframe_centre_mirror_hashes.push_back(mix64(c));
    }
    if (copy) out.planted.emplace(source, i);
  }
  return out;
}

std::set<std::pair<size_t, size_t>> pair_set(const std::vector<NearDuplicate>& pairs) {
  std::set<std::pair<size_t, size_t>> s;
  for (const auto& p : pairs) s.emplace(p.a, p.b);
  return s;
}

}  // namespace

TEST_CASE("vidsplit::find_near_duplicates") {
  const Synthetic data = synthetic(3000);
  GroupingOptions exhaustive;
  GroupingOptions indexed;
  indexed.exhaustive_max_clips = 0;  // force the chunk index
  const auto all = pair_set(find_near_duplicates(data.ptrs(), exhaustive));
  const auto fast = pair_set(find_near_duplicates(data.ptrs(), indexed));
  for (const auto& p : data.planted) {
    CHECK(all.count(p) == 1);
    CHECK(fast.count(p) == 1);
  }
  // The index only narrows the candidates; every pair it reports is a real match.
  for (const auto& p : fast) CHECK(all.count(p) == 1);

  SUBCASE("sorted, and the same for any thread count") {
    indexed.threads = 1;
    const auto one = find_near_duplicates(data.ptrs(), indexed);
    indexed.threads = 3;
    const auto three = find_near_duplicates(data.ptrs(), indexed);
    REQUIRE(one.size() == three.size());
    for (size_t i = 0; i < one.size(); ++i) {
      CHECK(one[i].a == three[i].a);
      CHECK(one[i].b == three[i].b);
      if (i > 0) CHECK(std::pair(one[i - 1].a, one[i - 1].b) < std::pair(one[i].a, one[i].b));
    }
  }
}
