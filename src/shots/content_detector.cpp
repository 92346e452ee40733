#include "shots/detectors.hpp"

#include "vidsplit/error.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <functional>

namespace vidsplit::detail {

ContentDetector::ContentDetector(const DetectorOptions& options, bool adaptive)
    : options_(options),
      adaptive_(adaptive),
      window_(adaptive ? options.adaptive_window : 0),
      span_(2 * window_),
      lookahead_(std::max(span_, options.flash_frames)),
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
  Scored scored{frame.index,         frame.seconds,       0.0,           0, 0.0, frame.signature.hist,
                frame.hsv.clone(),   frame.edges.clone(), frame.stand_in};
  if (scores_.empty()) {
    shot_start_sec_ = frame.seconds;
  } else {
    const Scored& prev = scores_.back();
    scored.score = score(frame.hsv, frame.edges, prev.hsv, prev.edges);
    scored.hash_change = hamming(prev_hash_, frame.signature.phash);
    scored.hist_change = histogram_distance(prev.hist, frame.signature.hist);
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

// A candidate at k is transient when the picture on both sides of a short anomaly is the same: some frame
// p < k before it and some frame q >= k after it, at most flash_frames + 1 apart and not adjacent, look alike.
// Then frames p+1..q-1 were a flash, a strobe or a few damaged frames, and k is their start or end, not a new
// shot. Across a real cut every such pair differs about as much as the cut's own frames. "Look alike" means
// scoring under kTransientShare of the candidate's own score.
bool ContentDetector::transient(int64_t k) {
  const auto at = [&](int64_t index) -> const Scored& { return scores_[static_cast<size_t>(index - scores_.front().index)]; };
  const double limit = kTransientShare * at(k).score;
  const int64_t f = options_.flash_frames;
  for (int64_t p = std::max(scores_.front().index, k - 1 - f); p < k; ++p)
    for (int64_t q = std::max(k, p + 2); q <= std::min(p + f + 1, scores_.back().index); ++q)
      if (score(at(p).hsv, at(p).edges, at(q).hsv, at(q).edges) < limit) return true;
  return false;
}

// Decides whether frame next_decision_ starts a shot, from the frames around it.
void ContentDetector::decide(std::vector<Boundary>& out) {
  const int64_t k = next_decision_++;
  const auto at = [&](int64_t index) -> const Scored& { return scores_[static_cast<size_t>(index - scores_.front().index)]; };
  const Scored& s = at(k);
  // A blend standing in for an undecoded stretch switches its edge map and hashes from one keyframe's to the
  // other's half-way: a step of the blend, not of the video.
  bool cut = s.index > 0 && !s.stand_in && s.score >= threshold_ && s.hash_change >= options_.min_hash_change &&
             s.seconds - shot_start_sec_ >= options_.min_shot_seconds;
  if (cut && adaptive_) {
    // The neighbours: on each side, the window_ largest scores among the span_ = 2 * window_ nearest frames. Taking the
    // largest ignores repeated frames (frame-rate up-conversion, freezes, and their compressed near-copies),
    // which score ~0 and would make any motion after them look like a spike, and it keeps a flash or strobe
    // next to k in view. When the frames before k are frozen, the last span_ moving frames before the freeze
    // (same shot, up to kFreezeLookbackSeconds back) stand in for them: a stalled stretch that resumes with a jump
    // is not a cut when the motion around it is as large. With no moving neighbour at all, the floor of 1
    // applies and a cut into or out of a static shot still passes.
    std::vector<double> left, right;
    for (int64_t j = std::max<int64_t>(1, k - span_); j < k; ++j)
      if (at(j).score >= kRepeatedFrameScore) left.push_back(at(j).score);
    for (int64_t j = k + 1; j <= std::min(k + span_, scores_.back().index); ++j)
      if (at(j).score >= kRepeatedFrameScore) right.push_back(at(j).score);
    if (static_cast<int>(left.size()) < window_) {
      for (auto it = moved_.rbegin(); it != moved_.rend(); ++it) {
        // Only frames of the current shot: the cut that started it is no measure of its motion.
        if (s.seconds - it->seconds > kFreezeLookbackSeconds || it->index <= shot_start_) break;
        left.push_back(it->score);
      }
    }
    double sum = 0.0;
    int n = 0;
    for (auto* side : {&left, &right}) {
      std::sort(side->begin(), side->end(), std::greater<>());
      for (size_t i = 0; i < side->size() && i < static_cast<size_t>(window_); ++i, ++n) sum += (*side)[i];
    }
    const double neighbours = n > 0 ? std::max(1.0, sum / n) : 1.0;
    // During fast motion every frame scores high and a cut rarely stands out adaptive_ratio times; a colour
    // histogram that jumps as well (motion keeps the palette, a cut changes it) lowers the bar to kMotionRatio.
    const bool palette_change = s.hist_change >= options_.histogram_threshold;
    cut = s.score >= (palette_change ? kMotionRatio : options_.adaptive_ratio) * neighbours;
  }
  if (cut && options_.flash_frames > 0) cut = !transient(k);
  if (cut) {
    out.push_back({BoundaryKind::Cut, s.index, s.index, s.score});
    shot_start_sec_ = s.seconds;
    shot_start_ = s.index;
  }
  // Keep the frames the flash check compares against and the adaptive window.
  while (!scores_.empty() && scores_.front().index < next_decision_ - std::max(span_, options_.flash_frames) - 1) {
    const Scored& old = scores_.front();
    if (old.score >= kRepeatedFrameScore && old.index > 0) {
      moved_.push_back({old.index, old.seconds, old.score, old.hash_change, old.hist_change, {}, {}, {}, old.stand_in});
      if (moved_.size() > static_cast<size_t>(std::max(span_, 1))) moved_.pop_front();
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
