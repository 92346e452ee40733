// How many threads a stage may start: one rule for every stage.
#pragma once

namespace vidsplit {

// The largest thread count a caller may ask for; more is a mistake, not a wish (100000 threads of decoders
// exhaust memory long before they finish anything).
inline constexpr int kMaxThreads = 1024;

// Threads for `requested` (0 = all cores): never more than the cores times kOversubscribe, however many were
// asked for, and at least 1. Callers also clamp to their number of work items.
inline constexpr int kOversubscribe = 4;
int thread_budget(int requested);

}  // namespace vidsplit
