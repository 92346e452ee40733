#include "shots/detectors.hpp"

#include "vidsplit/error.hpp"

#include <opencv2/core.hpp>

namespace vidsplit::detail {

ContentDetector::ContentDetector(const DetectorOptions& options, bool adaptive)
    : options_(options),
      adaptive_(adaptive),
      window_(adaptive ? options.adaptive_window : 0),
      lookahead_(std::max(adaptive ? options.adaptive_window : 0, options.flash_frames)),
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
  if (options.flash_frames < 0 || options.flash_frames > 30) throw ConfigError("--flash-frames must be 0..30");
}

double ContentDetector::score(const cv::Mat& hsv_a, const cv::Mat& edges_a, const cv::Mat& hsv_b,
                              const cv::Mat& edges_b) {
  // Hue is compared linearly, as PySceneDetect does: a red that wraps 179 -> 0 scores high, and red
  // scenes are rare enough that the simpler measure wins.
  cv::absdiff(hsv_a, hsv_b, diff_);
  last_hsv_ = cv::mean(diff_);
  cv::absdiff(edges_a, edges_b, diff_);
  last_edges_ = cv::mean(diff_)[0];
  const auto& o = options_;
  return (o.weight_hue * last_hsv_[0] + o.weight_sat * last_hsv_[1] + o.weight_luma * last_hsv_[2] +
          o.weight_edges * last_edges_) /
         (o.weight_hue + o.weight_sat + o.weight_luma + o.weight_edges);
}

void ContentDetector::process(const FrameFeatures& frame, std::vector<Boundary>& out) {
  Scored scored{frame.index, frame.seconds, 0.0, 0, frame.hsv.clone(), frame.edges.clone()};
  if (scores_.empty()) {
    shot_start_sec_ = frame.seconds;
  } else {
    const Scored& prev = scores_.back();
    scored.score = score(frame.hsv, frame.edges, prev.hsv, prev.edges);
    scored.hash_change = hamming(prev_hash_, frame.signature.phash);
    shown_hsv_ = last_hsv_;
    shown_edges_ = last_edges_;
  }
  prev_hash_ = frame.signature.phash;
  scores_.push_back(std::move(scored));
  while (next_decision_ + lookahead_ <= scores_.back().index) decide(out);
}

void ContentDetector::flush(std::vector<Boundary>& out) {
  while (!scores_.empty() && next_decision_ <= scores_.back().index) decide(out);
}

// A candidate at k is transient when a frame shortly after it looks like frame k - 1 again: the picture
// came back, so frames k.. were a flash, a strobe or a few damaged frames, not a new shot. "Looks like"
// means scoring under the cut threshold and under half the candidate's own score.
bool ContentDetector::transient(int64_t k) {
  const auto at = [&](int64_t index) -> const Scored& { return scores_[static_cast<size_t>(index - scores_.front().index)]; };
  if (k - 1 < scores_.front().index) return false;
  const Scored& before = at(k - 1);
  const double limit = std::min(threshold_, 0.5 * at(k).score);
  for (int64_t j = k + 1; j <= std::min<int64_t>(k + options_.flash_frames, scores_.back().index); ++j) {
    const Scored& after = at(j);
    if (score(before.hsv, before.edges, after.hsv, after.edges) < limit) return true;
  }
  return false;
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
    // look like a spike, so only neighbours that really changed count. When the frames before k are frozen,
    // the last moving frames before the freeze (up to kFreezeLookbackSeconds back) stand in for them: a
    // stalled stretch that resumes with a jump is not a cut when the motion around it is as large. With no
    // moving neighbour at all, the floor of 1 applies and a cut into or out of a static shot still passes.
    double sum = 0.0;
    int n = 0, left = 0;
    for (int64_t j = std::max<int64_t>(1, k - window_); j <= std::min(k + window_, scores_.back().index); ++j) {
      if (j == k || at(j).score < kRepeatedFrameScore) continue;
      sum += at(j).score;
      ++n;
      left += j < k ? 1 : 0;
    }
    for (auto it = moved_.rbegin(); it != moved_.rend() && left < window_; ++it) {
      // Only frames of the current shot: the cut that started it is no measure of its motion.
      if (s.seconds - it->seconds > kFreezeLookbackSeconds || it->index <= shot_start_) break;
      sum += it->score;
      ++n;
      ++left;
    }
    const double neighbours = n > 0 ? std::max(1.0, sum / n) : 1.0;
    cut = s.score >= options_.adaptive_ratio * neighbours;
  }
  if (cut && options_.flash_frames > 0) cut = !transient(k);
  if (cut) {
    out.push_back({BoundaryKind::Cut, s.index, s.index, s.score});
    shot_start_sec_ = s.seconds;
    shot_start_ = s.index;
  }
  // Keep frame next_decision_ - 1 (the flash check compares against it) and the adaptive window.
  while (!scores_.empty() && scores_.front().index < next_decision_ - window_ - 1) {
    const Scored& old = scores_.front();
    if (old.score >= kRepeatedFrameScore && old.index > 0) {
      moved_.push_back({old.index, old.seconds, old.score, old.hash_change, {}, {}});
      if (moved_.size() > static_cast<size_t>(std::max(window_, 1))) moved_.pop_front();
    }
    scores_.pop_front();
  }
}

void ContentDetector::metrics(std::vector<std::pair<std::string_view, double>>& out) const {
  const Scored& s = scores_.back();
  out.emplace_back("content_score", s.score);
  out.emplace_back("delta_hue", shown_hsv_[0]);
  out.emplace_back("delta_sat", shown_hsv_[1]);
  out.emplace_back("delta_luma", shown_hsv_[2]);
  out.emplace_back("delta_edges", shown_edges_);
  out.emplace_back("hash_change", s.hash_change);
}

}  // namespace vidsplit::detail
