#include "vidsplit/leakage.hpp"

#include "vidsplit/hash.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace vidsplit {

namespace {

size_t reference_split(const std::vector<SplitRatio>& ratios) {
  for (size_t s = 0; s < ratios.size(); ++s)
    if (ratios[s].name == "train") return s;
  return 0;
}

// Frames per (split, footage) of every clip, given each clip's split; then the shares.
template <typename SplitOfClip>
std::vector<SharedFrames> shares(const std::vector<VideoScan>& scans, const Grouping& grouping,
                                 const std::vector<SplitRatio>& ratios, size_t reference, SplitOfClip split_of) {
  int64_t footage_count = 0;
  for (const auto& ids : grouping.footage_of)
    for (int64_t id : ids) footage_count = std::max(footage_count, id + 1);
  std::vector<bool> in_reference(static_cast<size_t>(footage_count), false);
  // Visits every clip part (video, footage id, split index, frames); split -1 parts are in no split.
  const auto visit = [&](auto&& f) {
    for (size_t v = 0; v < scans.size(); ++v) {
      if (!scans[v].ok()) continue;
      for (size_t c = 0; c < scans[v].shots.size(); ++c)
        split_of(v, c, [&](int split, int64_t frames) { f(grouping.footage_of[v][c], split, frames); });
    }
  };
  visit([&](int64_t footage, int split, int64_t) {
    if (split == static_cast<int>(reference)) in_reference[static_cast<size_t>(footage)] = true;
  });
  std::vector<SharedFrames> out(ratios.size());
  visit([&](int64_t footage, int split, int64_t frames) {
    if (split < 0) return;
    SharedFrames& s = out[static_cast<size_t>(split)];
    s.frames += frames;
    if (in_reference[static_cast<size_t>(footage)]) s.shared += frames;
  });
  for (size_t s = 0; s < ratios.size(); ++s) out[s].split = ratios[s].name;
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(reference));
  return out;
}

}  // namespace

std::vector<int> random_video_split(const std::vector<VideoScan>& scans, const std::vector<SplitRatio>& ratios,
                                    uint64_t seed) {
  std::vector<std::tuple<uint64_t, const std::string*, size_t>> order;
  for (size_t v = 0; v < scans.size(); ++v)
    if (scans[v].ok()) order.emplace_back(hash_string(scans[v].video, seed), &scans[v].video, v);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return std::get<0>(a) != std::get<0>(b) ? std::get<0>(a) < std::get<0>(b) : *std::get<1>(a) < *std::get<1>(b);
  });
  std::vector<int> split(scans.size(), -1);
  const double n = static_cast<double>(order.size());
  double cumulative = 0.0;
  size_t next = 0;
  for (size_t s = 0; s < ratios.size(); ++s) {
    cumulative += ratios[s].fraction;
    const size_t end = s + 1 == ratios.size() ? order.size() : std::min(order.size(), static_cast<size_t>(std::llround(n * cumulative)));
    for (; next < end; ++next) split[std::get<2>(order[next])] = static_cast<int>(s);
  }
  return split;
}

LeakageHeadline leakage_headline(const std::vector<VideoScan>& scans, const SplitOutcome& outcome,
                                 const SplitOptions& options) {
  LeakageHeadline h;
  const size_t reference = reference_split(options.ratios);
  h.reference = options.ratios[reference].name;

  // The split made: each manifest row is a clip, or part of one (guard bands cut clips into pieces).
  std::vector<std::vector<std::vector<std::pair<int, int64_t>>>> parts(scans.size());
  for (size_t v = 0; v < scans.size(); ++v) parts[v].resize(scans[v].shots.size());
  size_t v = 0;
  for (const ManifestRow& r : outcome.rows) {
    while (v < scans.size() && scans[v].video != r.video) ++v;  // rows come in video order
    if (v == scans.size()) break;
    int split = -1;
    for (size_t s = 0; s < options.ratios.size(); ++s)
      if (options.ratios[s].name == r.split) split = static_cast<int>(s);
    parts[v][static_cast<size_t>(r.clip)].emplace_back(split, r.end_frame - r.start_frame);
  }
  h.split = shares(scans, outcome.grouping, options.ratios, reference, [&](size_t v, size_t c, auto emit) {
    for (const auto& [split, frames] : parts[v][c]) emit(split, frames);
  });

  const std::vector<int> random = random_video_split(scans, options.ratios, options.seed);
  h.random = shares(scans, outcome.grouping, options.ratios, reference, [&](size_t v, size_t c, auto emit) {
    const Shot& shot = scans[v].shots[c];
    emit(random[v], shot.end_frame - shot.start_frame);
  });
  return h;
}

}  // namespace vidsplit
