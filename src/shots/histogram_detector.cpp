#include "shots/detectors.hpp"

#include "vidsplit/error.hpp"

namespace vidsplit::detail {

HistogramDetector::HistogramDetector(const DetectorOptions& options) : options_(options) {
  if (!(options.histogram_threshold > 0 && options.histogram_threshold <= 1))
    throw ConfigError("--histogram-threshold must be in (0, 1]");
  if (options.flash_frames < 0 || options.flash_frames > 30) throw ConfigError("--flash-frames must be 0..30");
}

void HistogramDetector::process(const FrameFeatures& frame, std::vector<Boundary>& out) {
  Seen s{frame.index, frame.seconds, 0.0, frame.signature.hist};
  if (seen_.empty())
    shot_start_sec_ = frame.seconds;
  else
    s.distance = histogram_distance(seen_.back().hist, s.hist);
  seen_.push_back(s);
  while (next_decision_ + options_.flash_frames <= seen_.back().index) decide(out);
}

void HistogramDetector::flush(std::vector<Boundary>& out) {
  while (!seen_.empty() && next_decision_ <= seen_.back().index) decide(out);
}

void HistogramDetector::decide(std::vector<Boundary>& out) {
  const int64_t k = next_decision_++;
  const auto at = [&](int64_t index) -> const Seen& { return seen_[static_cast<size_t>(index - seen_.front().index)]; };
  const Seen& s = at(k);
  bool cut = k > 0 && s.distance >= options_.histogram_threshold &&
             s.seconds - shot_start_sec_ >= options_.min_shot_seconds;
  if (cut) {
    // The flash check of the content detector: alike frames on both sides of a short anomaly around k.
    const double limit = ContentDetector::kTransientShare * s.distance;
    const int64_t f = options_.flash_frames;
    for (int64_t p = std::max(seen_.front().index, k - 1 - f); cut && p < k; ++p)
      for (int64_t q = std::max(k, p + 2); cut && q <= std::min(p + f + 1, seen_.back().index); ++q)
        cut = histogram_distance(at(p).hist, at(q).hist) >= limit;
  }
  if (cut) {
    out.push_back({BoundaryKind::Cut, k, k, s.distance});
    shot_start_sec_ = s.seconds;
  }
  while (!seen_.empty() && seen_.front().index < next_decision_ - options_.flash_frames - 1) seen_.pop_front();
}

void HistogramDetector::metrics(std::vector<std::pair<std::string_view, double>>& out) const {
  out.emplace_back("hist_distance", seen_.empty() ? 0.0 : seen_.back().distance);
}

}  // namespace vidsplit::detail
