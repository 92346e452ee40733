#include "vidsplit/threads.hpp"

#include <algorithm>
#include <thread>

namespace vidsplit {

int thread_budget(int requested) {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  // A few threads per core still pay off (a decoder waits on I/O now and then); beyond that each one only
  // adds a stack and frame buffers.
  return requested > 0 ? std::min(requested, cores * kOversubscribe) : cores;
}

}  // namespace vidsplit
