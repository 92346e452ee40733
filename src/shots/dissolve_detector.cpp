#include "shots/detectors.hpp"

#include "vidsplit/error.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace vidsplit::detail {

namespace {

// Half-widths (frames) of the windows tested at every frame: a transition of L frames is seen whole by the
// window whose half-width is about L/2, and partly by the smaller ones.
constexpr int kHalfWidths[] = {3, 5, 8, 12, 17, 24, 32};

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat d;
  cv::absdiff(a, b, d);
  return cv::mean(d)[0];
}

}  // namespace

DissolveDetector::DissolveDetector(const DetectorOptions& options) : options_(options) {
  if (options.dissolve_min_change <= 0) throw ConfigError("--dissolve-min-change must be > 0");
  if (options.dissolve_max_residual <= 0 || options.dissolve_max_residual >= 1)
    throw ConfigError("--dissolve-max-residual must be in (0, 1)");
  max_half_ = 0;
  for (int h : kHalfWidths) max_half_ = std::max(max_half_, h);
}

void DissolveDetector::process(const FrameFeatures& frame, std::vector<Boundary>& out) {
  Stored f;
  f.index = frame.index;
  // A blend is a blend at any scale, while camera and subject motion shrink when the picture does: the fit
  // runs on a 16x16 area-averaged value plane.
  cv::extractChannel(frame.hsv, plane_, 2);
  cv::resize(plane_, small_, cv::Size(kSide, kSide), 0, 0, cv::INTER_AREA);
  small_.convertTo(f.value, CV_32F);
  f.step = frames_.empty() ? 0.0 : mean_abs_diff(f.value, frames_.back().value);
  frames_.push_back(std::move(f));
  if (frames_.size() > static_cast<size_t>(2 * max_half_ + 1)) frames_.pop_front();
  next_ = frame.index + 1;
  last_alpha_mid_ = -1.0;
  for (int h : kHalfWidths) test(h, out);
  if (pending_ && pending_->end + 2 <= frame.index - 2 * max_half_) {
    out.push_back(*pending_);
    pending_.reset();
  }
}

// Tests whether the newest 2h+1 frames are one gradual transition: the first and last differ a lot, no single
// frame step carries much of that change (not a cut, not a flash), every frame in between is a blend of the two
// ends (least squares: F_j ~ (1 - a_j) F_s + a_j F_e, small residual) or made of their pixels (a wipe), and the
// blend weight rises through the middle with plateaus at both ends. Dissolves and fades between two pictures
// are such blends. Camera motion is neither: the middle frame of a pan is no blend of its ends.
void DissolveDetector::test(int h, std::vector<Boundary>& out) {
  const int n = static_cast<int>(frames_.size());
  if (n < 2 * h + 1) return;
  const int s = n - 1 - 2 * h, e = n - 1;
  const cv::Mat& a = frames_[static_cast<size_t>(s)].value;
  const cv::Mat& b = frames_[static_cast<size_t>(e)].value;
  const double change = mean_abs_diff(a, b);
  if (change < options_.dissolve_min_change) return;
  double max_step = 0.0;
  for (int j = s + 1; j <= e; ++j) max_step = std::max(max_step, frames_[static_cast<size_t>(j)].step);
  if (max_step > kMaxStepShare * change) return;

  cv::Mat ab = b - a;
  const double norm = ab.dot(ab);
  if (norm <= 0) return;
  std::vector<double> alpha(static_cast<size_t>(2 * h + 1));
  double worst = 0.0;
  // Each frame must be a blend of the two ends (a dissolve: small least-squares residual), or be made of their
  // pixels (a wipe or slide-in: each pixel close to one end, checked with a stricter bound because smooth
  // gradients in motion also pass a loose one).
  cv::Mat diff, residual, to_a, to_b, nearest;
  double worst_wipe = 0.0;
  for (int j = s; j <= e; ++j) {
    const cv::Mat& f = frames_[static_cast<size_t>(j)].value;
    diff = f - a;
    const double w = std::clamp(diff.dot(ab) / norm, 0.0, 1.0);
    alpha[static_cast<size_t>(j - s)] = w;
    residual = diff - w * ab;
    worst = std::max(worst, cv::mean(cv::abs(residual))[0]);
    cv::absdiff(f, a, to_a);
    cv::absdiff(f, b, to_b);
    nearest = cv::min(to_a, to_b);
    worst_wipe = std::max(worst_wipe, cv::mean(nearest)[0]);
  }
  if (worst_wipe <= kWipeShare * options_.dissolve_max_residual * change) worst = 0.0;
  const double mid = alpha[static_cast<size_t>(h)];
  if (h == max_half_ || last_alpha_mid_ < 0) last_alpha_mid_ = mid;
  if (worst > options_.dissolve_max_residual * change) return;
  if (mid < 0.2 || mid > 0.8) return;
  // The weight must rise steadily: by quarters, and never fall back by much.
  const double q1 = alpha[static_cast<size_t>(h / 2)], q3 = alpha[static_cast<size_t>(h + h / 2)];
  if (!(q1 < mid && mid < q3)) return;
  double high = 0.0;
  for (double w : alpha) {
    if (w < high - 0.2) return;
    high = std::max(high, w);
  }
  // The span: where the weight ramps from 0 to 1, extrapolated from its 25%..75% stretch so that the first
  // and last blended frames, whose weights are near 0 and 1, are not lost to motion noise.
  auto crossing = [&](double level) {
    for (size_t k = 0; k < alpha.size(); ++k)
      if (alpha[k] >= level) return static_cast<double>(k);
    return static_cast<double>(alpha.size() - 1);
  };
  const double c25 = crossing(0.25), c50 = crossing(0.5), c75 = crossing(0.75);
  const double half = std::max(1.0, c75 - c25);
  const double ramp_start = c50 - half, ramp_end = c50 + half;
  // The transition must stand out from the shots around it: the window starts and ends with frames that are
  // plainly the two ends (weights near 0 and near 1). Smooth motion, whose weight rises across any window,
  // has no such plateaus.
  if (ramp_start < kPlateauFrames || ramp_end > 2 * h - kPlateauFrames) return;
  for (int k = 0; k < static_cast<int>(std::floor(ramp_start)); ++k)
    if (alpha[static_cast<size_t>(k)] > kPlateauWeight) return;
  for (int k = static_cast<int>(std::ceil(ramp_end)) + 1; k <= 2 * h; ++k)
    if (alpha[static_cast<size_t>(k)] < 1.0 - kPlateauWeight) return;
  const int64_t base = frames_[static_cast<size_t>(s)].index;
  const int64_t start = base + static_cast<int64_t>(std::floor(ramp_start));
  const int64_t end = base + static_cast<int64_t>(std::ceil(ramp_end)) + 1;
  // A ramp of one or two frames is a cut seen through a soft encoder; the cut detectors own it.
  if (end - start < kMinFrames) return;
  const Boundary found{BoundaryKind::Transition, start, end, change};
  // A transition stays put while the window slides over it; the ramp that smooth periodic motion shows a window
  // moves with the window. So a span counts only once another window, ending kConfirmShift or more frames
  // apart, found the same span.
  const int64_t window_end = frames_.back().index;
  while (!seen_.empty() && seen_.front().window_end < window_end - 2 * max_half_) seen_.pop_front();
  const bool confirmed = std::any_of(seen_.begin(), seen_.end(), [&](const Seen& c) {
    return std::llabs(c.start - start) <= kConfirmFrames && std::llabs(c.end - end) <= kConfirmFrames &&
           window_end - c.window_end >= kConfirmShift;
  });
  seen_.push_back({start, end, window_end});
  if (!confirmed) return;
  if (pending_ && start <= pending_->end + 2) {
    // The same transition seen by another window: keep the window that saw the larger change (the whole of
    // it), and on a tie the wider span.
    if (change > pending_->score * 1.05 || (change > pending_->score * 0.95 && end - start > pending_->end - pending_->start))
      *pending_ = found;
    return;
  }
  if (pending_) out.push_back(*pending_);
  pending_ = found;
}

void DissolveDetector::flush(std::vector<Boundary>& out) {
  if (pending_) out.push_back(*pending_);
  pending_.reset();
}

int64_t DissolveDetector::settled_before() const {
  const int64_t oldest = next_ - 2 * max_half_ - 1;
  if (pending_) return std::max<int64_t>(0, std::min(pending_->start, oldest));
  return std::max<int64_t>(0, oldest);
}

void DissolveDetector::metrics(std::vector<std::pair<std::string_view, double>>& out) const {
  out.emplace_back("value_step", frames_.empty() ? 0.0 : frames_.back().step);
  out.emplace_back("blend_mid", last_alpha_mid_);
}

}  // namespace vidsplit::detail
