// The clip searches' parallel loop, shared by the keyframe and the temporal near-duplicate searches.
#pragma once

#include "vidsplit/groups.hpp"
#include "vidsplit/threads.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace vidsplit {

// Runs `work(i, out)` for every clip i on `threads` workers, each on contiguous blocks; concatenating the
// blocks' results in order makes the output independent of the thread count.
template <typename Work>
std::vector<NearDuplicate> for_each_clip(size_t n, int threads, Work work) {
  const size_t workers = std::min<size_t>(static_cast<size_t>(thread_budget(threads)), n / 64 + 1);
  constexpr size_t kBlock = 256;
  const size_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<std::vector<NearDuplicate>> found(blocks);
  std::atomic<size_t> next{0};
  auto run = [&] {
    for (size_t b; (b = next.fetch_add(1)) < blocks;)
      for (size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) work(i, found[b]);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(run);
  run();
  for (auto& t : pool) t.join();
  std::vector<NearDuplicate> all;
  for (auto& f : found) all.insert(all.end(), f.begin(), f.end());
  return all;
}

}  // namespace vidsplit
