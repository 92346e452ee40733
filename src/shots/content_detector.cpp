#include "shots/detectors.hpp"

#include "vidsplit/error.hpp"

#include <opencv2/core.hpp>

namespace vidsplit::detail {

ContentDetector::ContentDetector(const DetectorOptions& options, bool adaptive)
    : options_(options),
      adaptive_(adaptive),
      window_(adaptive ? options.adaptive_window : 0),
      threshold_(options.threshold.value_or(adaptive ? kDefaultAdaptiveThreshold : kDefaultThreshold)) {
  const double total =
      options.weight_hue + options.weight_sat + options.weight_luma + options.weight_edges;
  if (options.weight_hue < 0 || options.weight_sat < 0 || options.weight_luma < 0 ||
      options.weight_edges < 0 || total <= 0)
    throw ConfigError("content detector weights must be >= 0 and not all 0");
  if (threshold_ <= 0) throw ConfigError("--threshold must be > 0");
  if (adaptive && (options.adaptive_window < 1 || options.adaptive_window > 30))
    throw ConfigError("--adaptive-window must be 1..30 frames");
  if (adaptive && options.adaptive_ratio < 1.0) throw ConfigError("--adaptive-ratio must be >= 1");
  if (options.min_hash_change < 0 || options.min_hash_change > 64)
    throw ConfigError("--min-hash-change must be 0..64");
}

void ContentDetector::process(const FrameFeatures& frame, std::vector<Boundary>& out) {
  Scored scored{frame.index, frame.seconds, 0.0, 0};
  if (!have_prev_) {
    have_prev_ = true;
    shot_start_sec_ = frame.seconds;
  } else {
    // Hue is compared linearly, as PySceneDetect does: a red that wraps 179 -> 0 scores high, and red
    // scenes are rare enough that the simpler measure wins.
    cv::absdiff(frame.hsv, prev_hsv_, diff_);
    last_hsv_ = cv::mean(diff_);
    cv::absdiff(frame.edges, prev_edges_, diff_);
    last_edges_ = cv::mean(diff_)[0];
    const auto& o = options_;
    scored.score = (o.weight_hue * last_hsv_[0] + o.weight_sat * last_hsv_[1] + o.weight_luma * last_hsv_[2] +
                    o.weight_edges * last_edges_) /
                   (o.weight_hue + o.weight_sat + o.weight_luma + o.weight_edges);
    scored.hash_change = hamming(prev_hash_, frame.signature.phash);
  }
  frame.hsv.copyTo(prev_hsv_);
  frame.edges.copyTo(prev_edges_);
  prev_hash_ = frame.signature.phash;
  scores_.push_back(scored);
  while (next_decision_ + window_ <= scores_.back().index) decide(out);
}

void ContentDetector::flush(std::vector<Boundary>& out) {
  while (!scores_.empty() && next_decision_ <= scores_.back().index) decide(out);
}

// Decides whether frame next_decision_ starts a shot, from the frames around it.
void ContentDetector::decide(std::vector<Boundary>& out) {
  const int64_t k = next_decision_++;
  const auto at = [&](int64_t index) -> const Scored& { return scores_[static_cast<size_t>(index - scores_.front().index)]; };
  const Scored& s = at(k);
  bool cut = s.index > 0 && s.score >= threshold_ && s.hash_change >= options_.min_hash_change &&
             s.seconds - shot_start_sec_ >= options_.min_shot_seconds;
  if (cut && adaptive_) {
    // Repeated frames (frame-rate up-conversion, freezes) score ~0 and would make any motion after them
    // look like a spike, so only neighbours that really changed count; with none, the floor of 1 applies
    // and a cut into or out of a static shot still passes.
    double sum = 0.0;
    int n = 0;
    for (int64_t j = std::max<int64_t>(1, k - window_); j <= std::min(k + window_, scores_.back().index); ++j) {
      if (j == k || at(j).score < kRepeatedFrameScore) continue;
      sum += at(j).score;
      ++n;
    }
    const double neighbours = n > 0 ? std::max(1.0, sum / n) : 1.0;
    cut = s.score >= options_.adaptive_ratio * neighbours;
  }
  if (cut) {
    out.push_back({BoundaryKind::Cut, s.index, s.index, s.score});
    shot_start_sec_ = s.seconds;
  }
  while (!scores_.empty() && scores_.front().index < next_decision_ - window_) scores_.pop_front();
}

void ContentDetector::metrics(std::vector<std::pair<std::string_view, double>>& out) const {
  const Scored& s = scores_.back();
  out.emplace_back("content_score", s.score);
  out.emplace_back("delta_hue", last_hsv_[0]);
  out.emplace_back("delta_sat", last_hsv_[1]);
  out.emplace_back("delta_luma", last_hsv_[2]);
  out.emplace_back("delta_edges", last_edges_);
  out.emplace_back("hash_change", s.hash_change);
}

}  // namespace vidsplit::detail
