#include "shots/detectors.hpp"

#include "vidsplit/error.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <span>

namespace vidsplit::detail {

namespace {

// Half-widths (frames) of the windows tested at every frame: a transition of L frames is seen whole by the
// window whose half-width is about L/2, and partly by the smaller ones. A window must hold the ramp plus
// kPlateauFrames on each side, and every frame beyond that lets the shots' own motion weigh more in the fits; that
// overhead is fixed, so short windows are spaced closer: with 8 and 12 alone, a 13-16 frame transition (0.5-0.6 s,
// common) between fast-moving shots fitted neither the 17-frame window (no room for both plateaus) nor the 25-frame
// one (the shots had moved too far from the window's ends). Longer windows keep their spacing: an extra 41- or
// 57-frame window found slow drifts (zooms, light changes) as long dissolves, and one of half-width 14 found a bird
// coming up to the camera, one continuous shot (corpus/neardup/cockatoo.mp4), as a 25-frame dissolve while it found
// nothing more on the benchmark's seeds 2, 3 and 11.
constexpr int kHalfWidths[] = {3, 5, 8, 10, 12, 17, 24, 32};

// The value planes as plain arrays: the fits below run eight windows of up to 65 frames at every frame, and
// OpenCV's per-call overhead (argument wrapping, a temporary per expression) cost ten times the arithmetic on
// 256 values.
std::span<const float> samples(const cv::Mat& plane) {
  return {plane.ptr<float>(), plane.total()};
}

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  const auto x = samples(a), y = samples(b);
  double sum = 0.0;
  for (size_t i = 0; i < x.size(); ++i) sum += std::abs(double{x[i]} - double{y[i]});
  return sum / static_cast<double>(x.size());
}

double dot(std::span<const float> x, std::span<const float> y) {
  double sum = 0.0;
  for (size_t i = 0; i < x.size(); ++i) sum += double{x[i]} * double{y[i]};
  return sum;
}

// The strips of one orientation from the colour counts of each line (pixel column or row) across it: kStrips
// strips side by side, and strips of the same width at every kSlideStep lines.
void make_strips(const std::vector<Histogram>& lines, int pixels_per_line, DissolveDetector::Strips& out) {
  constexpr int n = DissolveDetector::kStrips;
  const int count = static_cast<int>(lines.size());
  const auto sum = [&](int from, int to) {
    Histogram h{};
    for (int k = from; k < to; ++k)
      for (size_t i = 0; i < h.size(); ++i) h[i] += lines[static_cast<size_t>(k)][i];
    const float total = static_cast<float>(std::max(1, (to - from) * pixels_per_line));
    for (float& v : h) v /= total;
    return h;
  };
  for (int k = 0; k < n; ++k) out.aligned[static_cast<size_t>(k)] = sum(k * count / n, (k + 1) * count / n);
  const int width = std::max(1, count / n);
  out.sliding.clear();
  for (int from = 0; from + width <= count; from += DissolveDetector::kSlideStep)
    out.sliding.push_back(sum(from, from + width));
}

// The strips of the columns and of the rows of the HSV picture, with marginal_histogram's bins.
void strip_histograms(const cv::Mat& hsv, DissolveDetector::Strips& columns, DissolveDetector::Strips& rows) {
  std::vector<Histogram> column_counts(static_cast<size_t>(hsv.cols), Histogram{}),
      row_counts(static_cast<size_t>(hsv.rows), Histogram{});
  for (int y = 0; y < hsv.rows; ++y) {
    const auto* p = hsv.ptr<cv::Vec3b>(y);
    Histogram& row = row_counts[static_cast<size_t>(y)];
    for (int x = 0; x < hsv.cols; ++x) {
      Histogram& column = column_counts[static_cast<size_t>(x)];
      // OpenCV 8-bit hue is 0..179.
      for (const size_t bin : {static_cast<size_t>(p[x][0] * kHueBins / 180),
                               static_cast<size_t>(kHueBins + p[x][1] * kSatBins / 256),
                               static_cast<size_t>(kHueBins + kSatBins + p[x][2] * kValBins / 256)}) {
        column[bin] += 1.0f;
        row[bin] += 1.0f;
      }
    }
  }
  make_strips(column_counts, hsv.rows, columns);
  make_strips(row_counts, hsv.cols, rows);
}

// The distance of `h` to the nearest of `set`.
double nearest(const Histogram& h, const std::vector<Histogram>& set) {
  double d = 1.0;
  for (const Histogram& g : set) d = std::min<double>(d, histogram_distance(h, g));
  return d;
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
  cv::Scalar mean, stddev;
  cv::meanStdDev(f.value, mean, stddev);
  f.mean = mean[0];
  f.variance = stddev[0] * stddev[0];
  f.hist = frame.signature.hist;
  f.stand_in = frame.stand_in;
  strip_histograms(frame.hsv, f.columns, f.rows);
  if (!frames_.empty()) {
    f.step = mean_abs_diff(f.value, frames_.back().value);
    f.hist_step = histogram_distance(f.hist, frames_.back().hist);
  }
  frames_.push_back(std::move(f));
  if (frames_.size() > static_cast<size_t>(2 * max_half_ + 1)) frames_.pop_front();
  next_ = frame.index + 1;
  last_alpha_mid_ = last_residual_ = last_dip_ = last_palette_ = -1.0;
  for (int h : kHalfWidths) test(h, out);
  if (pending_ && pending_->by_palette) extend_after(*pending_, frames_.back());
  if (pending_ && pending_->span.end + 2 <= frame.index - 2 * max_half_) emit(out, INT64_MAX);
}

// Adds frame f to the shot after candidate c, if it is the next one and that shot goes on: it ends at a palette jump
// (a cut), and is followed for side_frames() frames.
void DissolveDetector::extend_after(Candidate& c, const Stored& f) const {
  if (c.after_closed || f.index != c.span.end + static_cast<int64_t>(c.drift_after.size())) return;
  if (f.index > c.span.end && f.hist_step >= options_.histogram_threshold) {
    c.after_closed = true;
    return;
  }
  c.drift_after.push_back(histogram_distance(c.after, f.hist));
  if (static_cast<int64_t>(c.drift_after.size()) > side_frames(c.span)) c.after_closed = true;
}

// Whether a shot beside a transition found by its colours holds its palette: over `frames` frames (up to
// side_frames()), it drifts from the frame next to the transition by at most kSidePaletteShare of the transition's
// change, scaled down for a side shorter than side_frames() (camera motion changes the palette at some rate; a
// transition changes it faster). A side shorter than half the transition is no evidence: a camera move that
// starts slowly (a swing) holds its palette for a few frames.
bool DissolveDetector::side_holds(int64_t frames, double drift, const Candidate& c) {
  if (2 * frames < c.span.end - c.span.start) return false;
  const double share = std::min(1.0, static_cast<double>(frames) / static_cast<double>(side_frames(c.span)));
  return drift <= kSidePaletteShare * c.palette_change * share;
}

int64_t DissolveDetector::side_frames(const Boundary& span) {
  return static_cast<int64_t>(std::lround(kSideSpans * static_cast<double>(span.end - span.start)));
}

// The largest histogram_distance from `reference` of the frames from..to that are still held and belong to the
// shot of frame `to`, which starts after a palette jump (a cut) or a transition this detector found; `seen` is
// how many frames that is.
double DissolveDetector::palette_drift(int64_t from, int64_t to, const Histogram& reference, int64_t* seen) const {
  double drift = 0.0;
  int64_t count = 0;
  const auto at = [&](int64_t index) -> const Stored& {
    return frames_[static_cast<size_t>(index - frames_.front().index)];
  };
  // A transition still pending before this one bounds its shot too.
  int64_t floor = previous_end_;
  if (pending_ && pending_->span.end <= to + 1) floor = std::max(floor, pending_->span.end);
  from = std::max(from, frames_.front().index);
  to = std::min(to, frames_.back().index);
  for (int64_t k = to; k >= std::max(from, floor); --k) {
    const Stored& f = at(k);
    drift = std::max<double>(drift, histogram_distance(reference, f.hist));
    ++count;
    if (f.hist_step >= options_.histogram_threshold) break;
  }
  *seen = count;
  return drift;
}

// Decides on the pending transition. One found by its colours must also be followed by a shot whose palette holds
// (side_holds). When it holds only up to `next`, the start of the next transition found, that shot ends there if
// the next transition is real: the pending one is held until the next is decided, and shares its fate.
void DissolveDetector::emit(std::vector<Boundary>& out, int64_t next) {
  const Candidate c = *pending_;
  pending_.reset();
  bool accept = true;
  if (c.by_palette) {
    const auto side_up_to = [&](int64_t limit) {
      double drift = 0.0;
      int64_t frames = 0;
      for (; frames < static_cast<int64_t>(c.drift_after.size()) && c.span.end + frames < limit; ++frames)
        drift = std::max(drift, c.drift_after[static_cast<size_t>(frames)]);
      return side_holds(frames, drift, c);
    };
    accept = side_up_to(INT64_MAX);
    // A chain of such transitions holds back the frames from the first one on: it is kept short (kMaxHeld), so
    // that the frames waiting stay bounded, and a transition that would make it longer is dropped with it.
    if (!accept && next != INT64_MAX && side_up_to(next) && held_.size() < kMaxHeld) {
      held_.push_back(c);
      return;
    }
  }
  if (accept) {
    for (const Candidate& h : held_) out.push_back(h.span);
    out.push_back(c.span);
    previous_end_ = c.span.end;
  }
  held_.clear();
}

// The blend weights of frames s..e: least squares F_j ~ (1 - a_j) F_s + a_j F_e on the value planes. Returns
// false when some frame is neither such a blend (a dissolve; its variance then dips, see below) nor made of the
// two ends' pixels (a wipe).
bool DissolveDetector::blend_weights(int s, int e, double change, std::vector<double>& alpha) {
  const auto a = samples(frames_[static_cast<size_t>(s)].value), b = samples(frames_[static_cast<size_t>(e)].value);
  const size_t n = a.size();
  ab_.resize(n);
  for (size_t i = 0; i < n; ++i) ab_[i] = double{b[i]} - double{a[i]};
  double norm = 0.0;
  for (const double d : ab_) norm += d * d;
  if (norm <= 0) return false;
  // Motion inside the two shots: a frame of a dissolve between moving shots is (1 - w) A_j + w B_j, where A_j has
  // moved from A_s by up to (j - s) times A's own change per frame, and B_j from B_e likewise. The fit allows that
  // much residual on top of its bound, at most the bound again (motion decorrelates a picture by no more than a
  // change of picture does, and beyond that the fit would accept anything). Each shot's motion is the smaller of
  // its two steps next to the window's end, so a step of the transition itself does not count as motion.
  const double bound = options_.dissolve_max_residual * change;
  const auto motion = [&](int j1, int j2) {
    return std::min(frames_[static_cast<size_t>(j1)].step, frames_[static_cast<size_t>(j2)].step);
  };
  const double motion_a = motion(s + 1, s + 2), motion_b = motion(e - 1, e);
  double worst = 0.0, worst_wipe = 0.0;
  const Stored &fa = frames_[static_cast<size_t>(s)], &fb = frames_[static_cast<size_t>(e)];
  const double cov = dot(a, b) / static_cast<double>(n) - fa.mean * fb.mean;
  double observed = 0.0, interpolated = 0.0, blended = 0.0;
  for (int j = s; j <= e; ++j) {
    const Stored& f = frames_[static_cast<size_t>(j)];
    const auto v = samples(f.value);
    double projection = 0.0;
    for (size_t i = 0; i < n; ++i) projection += (double{v[i]} - double{a[i]}) * ab_[i];
    const double w = std::clamp(projection / norm, 0.0, 1.0);
    alpha[static_cast<size_t>(j - s)] = w;
    // Mean |residual| of the blend fit, and the mean distance to the nearer end (the wipe test).
    double residual = 0.0, nearer = 0.0;
    for (size_t i = 0; i < n; ++i) {
      const double to_a = double{v[i]} - double{a[i]};
      residual += std::abs(to_a - w * ab_[i]);
      nearer += std::min(std::abs(to_a), std::abs(double{v[i]} - double{b[i]}));
    }
    const double drift =
        std::min(bound, (1.0 - w) * motion_a * static_cast<double>(j - s) + w * motion_b * static_cast<double>(e - j));
    worst = std::max(worst, residual / static_cast<double>(n) - drift);
    worst_wipe = std::max(worst_wipe, nearer / static_cast<double>(n));
    if (w > 0.25 && w < 0.75) {
      observed += f.variance;
      interpolated += (1.0 - w) * fa.variance + w * fb.variance;
      blended += (1.0 - w) * (1.0 - w) * fa.variance + w * w * fb.variance + 2.0 * w * (1.0 - w) * cov;
    }
  }
  // The variance curve of a dissolve: a blend of two different pictures has less contrast than the interpolation
  // of theirs ((1 - w)^2 + w^2 of it for unrelated pictures of equal variance), by an amount the ends' covariance
  // predicts. The ends must differ enough that a blend of them would lose kMinBlendDip of the interpolated
  // variance (a picture growing brighter, a small camera move or a blur keeps the ends correlated), and the middle
  // frames must show at least half of that loss (camera motion that the fit lets through keeps the contrast).
  const double expected_dip = interpolated - blended;
  const bool parabola = interpolated > 0 && expected_dip >= kMinBlendDip * interpolated &&
                        interpolated - observed >= 0.5 * expected_dip;
  if (e - s == 2 * kShownHalf) {
    last_residual_ = worst / change;
    last_dip_ = interpolated > 0 ? (interpolated - observed) / interpolated : 0.0;  // share of the variance lost
    last_alpha_mid_ = alpha[static_cast<size_t>(kShownHalf)];
  }
  // Each frame must be a blend of the two ends (a dissolve: small least-squares residual), or be made of their
  // pixels (a wipe, checked with a stricter bound because smooth gradients in motion also pass a loose one).
  if (worst_wipe <= kWipeShare * options_.dissolve_max_residual * change) return true;
  return worst <= bound && parabola;
}

// The same weights from the colour histograms, for transitions between moving shots (a slide, a wipe or a
// dissolve over camera or subject motion, whose frames are no pixel blend of the ends): a wipe or a slide shows a
// share of each picture, so its histogram is a mixture of theirs, and motion inside a shot moves pixels but
// keeps their colours. The ends' palettes must differ by kMinPaletteChange.
bool DissolveDetector::mixture_weights(int s, int e, std::vector<double>& alpha) {
  const Histogram& a = frames_[static_cast<size_t>(s)].hist;
  const Histogram& b = frames_[static_cast<size_t>(e)].hist;
  const double change = histogram_distance(a, b);
  if (e - s == 2 * kShownHalf) last_palette_ = change;
  if (change < kMinPaletteChange) return false;
  double norm = 0.0;
  for (int i = 0; i < kHistBins; ++i) norm += (b[i] - a[i]) * (b[i] - a[i]);
  for (int j = s + 1; j <= e; ++j)
    if (frames_[static_cast<size_t>(j)].hist_step > kMaxStepShare * change) return false;
  for (int j = s; j <= e; ++j) {
    const Histogram& f = frames_[static_cast<size_t>(j)].hist;
    double dot = 0.0;
    for (int i = 0; i < kHistBins; ++i) dot += (f[i] - a[i]) * (b[i] - a[i]);
    const double w = std::clamp(dot / norm, 0.0, 1.0);
    alpha[static_cast<size_t>(j - s)] = w;
    double residual = 0.0;
    for (int i = 0; i < kHistBins; ++i) residual += std::fabs(f[i] - a[i] - w * (b[i] - a[i]));
    if (residual / 6.0 > kMixtureResidual * change) return false;  // the scale of histogram_distance
  }
  return true;
}

// The weights of a wipe or a slide, from strips: such a transition replaces the picture strip by strip, from one
// side, so every column (or row) strip of every frame looks like a strip of one of the two ends, and the strips
// that look like the end after form one run from one edge, the same edge all along. Each strip is compared with the
// nearest strip of each end rather than the one at its place, because the shots move and a slide shifts both
// pictures; colours, not pixels, for the same reason. The ends' strips must differ by kMinPaletteChange.
bool DissolveDetector::strip_weights(int s, int e, std::vector<double>& alpha) {
  for (const bool by_rows : {false, true}) {
    const auto strips = [&](int j) -> const Strips& {
      const Stored& f = frames_[static_cast<size_t>(j)];
      return by_rows ? f.rows : f.columns;
    };
    const auto &a = strips(s).sliding, &b = strips(e).sliding;
    double sep_a = 0.0, sep_b = 0.0;
    for (int x = 0; x < kStrips; ++x) {
      sep_a += nearest(strips(s).aligned[static_cast<size_t>(x)], b);
      sep_b += nearest(strips(e).aligned[static_cast<size_t>(x)], a);
    }
    const double separation = std::min(sep_a, sep_b) / kStrips;
    if (separation < kMinPaletteChange) continue;
    const double bound = kMixtureResidual * separation;
    int edge = 0;  // +1: the picture after enters at strip 0; -1: at the last strip
    bool ok = true;
    // The middle frame first: a window that is no wipe fails there most often, and test() wants its weight between
    // 0.2 and 0.8 anyway.
    const int middle = (s + e) / 2;
    for (int step = s - 1; step <= e; ++step) {
      const int j = step < s ? middle : step;
      if (step == middle) continue;
      std::array<double, kStrips> w{};
      int unclear = 0, after = 0;
      for (int x = 0; x < kStrips; ++x) {
        const Histogram& h = strips(j).aligned[static_cast<size_t>(x)];
        const double da = nearest(h, a), db = nearest(h, b);
        w[static_cast<size_t>(x)] = da + db > 0 ? da / (da + db) : 0.5;
        // Neither end's, or as much one's as the other's: only the seam may be.
        if (std::min(da, db) > bound || std::fabs(w[static_cast<size_t>(x)] - 0.5) < kSeamShare) ++unclear;
        if (w[static_cast<size_t>(x)] > 0.5) ++after;
      }
      // One strip may hold the seam between the two pictures.
      if (unclear > 1) {
        ok = false;
        break;
      }
      if (after > 0 && after < kStrips) {
        const auto run = [&](int from) {
          for (int k = 0; k < after; ++k)
            if (w[static_cast<size_t>(from + k)] <= 0.5) return false;
          return true;
        };
        const int side = run(0) ? 1 : run(kStrips - after) ? -1 : 0;
        if (side == 0 || (edge != 0 && side != edge)) {
          ok = false;
          break;
        }
        edge = side;
      }
      double sum = 0.0;
      for (double v : w) sum += std::clamp(2.0 * v - 0.5, 0.0, 1.0);
      alpha[static_cast<size_t>(j - s)] = sum / kStrips;
      if (j == middle && (alpha[static_cast<size_t>(j - s)] < 0.2 || alpha[static_cast<size_t>(j - s)] > 0.8)) {
        ok = false;
        break;
      }
    }
    if (!ok || edge == 0) continue;
    // A cut changes every strip at once.
    bool steps = true;
    for (size_t k = 1; k < static_cast<size_t>(e - s + 1); ++k)
      steps = steps && alpha[k] - alpha[k - 1] <= kMaxStepShare;
    if (steps) return true;
  }
  return false;
}

// Tests whether the newest 2h+1 frames are one gradual transition: the first and last differ a lot, no single
// frame step carries much of that change (not a cut, not a flash), every frame in between is a blend of the two
// ends (blend_weights), a mixture of their colours (mixture_weights) or made of strips of the one and of the other
// (strip_weights), and the blend weight rises through the middle with plateaus at both ends. Dissolves and fades
// between two pictures are such blends, wipes and slides such strips. Camera motion is neither: the middle frame of
// a pan is no blend of its ends, and keeps their palette; a pan that does bring in new colours from one edge looks
// like a slide, and is told apart by the shots around it, which change their palette too (side_holds()).
void DissolveDetector::test(int h, std::vector<Boundary>& out) {
  const int n = static_cast<int>(frames_.size());
  if (n < 2 * h + 1) return;
  const int s = n - 1 - 2 * h, e = n - 1;
  for (int j = s; j <= e; ++j)
    if (frames_[static_cast<size_t>(j)].stand_in) return;
  const double change = mean_abs_diff(frames_[static_cast<size_t>(s)].value, frames_[static_cast<size_t>(e)].value);
  // The fits of the value planes need ends whose values differ; the palette fits (mixture_weights, strip_weights)
  // have their own measure of change (kMinPaletteChange). A wipe between shots of like brightness but different
  // colours (a red scene to a blue one, the same layout) changes the value plane little, and was left out.
  const bool value_change = change >= options_.dissolve_min_change;
  double max_step = 0.0;
  for (int j = s + 1; j <= e; ++j) max_step = std::max(max_step, frames_[static_cast<size_t>(j)].step);
  // A frame step carrying much of the change is a cut or a flash for the two fits of the whole picture; the strip fit
  // checks the steps of its own weights instead, as a wipe or slide over fast motion has large steps everywhere.
  const bool steps_ok = max_step <= kMaxStepShare * change;

  std::vector<double> alpha(static_cast<size_t>(2 * h + 1));
  bool by_palette = false;
  if (!(value_change && steps_ok && blend_weights(s, e, change, alpha))) {
    by_palette = true;
    if (!(steps_ok && mixture_weights(s, e, alpha)) && !strip_weights(s, e, alpha)) return;
  }
  const double mid = alpha[static_cast<size_t>(h)];
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
  Candidate found;
  found.span = {BoundaryKind::Transition, start, end, change};
  found.by_palette = by_palette;
  if (by_palette) {
    // Camera motion changes the palette all along a shot, a transition between two shots only while it lasts:
    // the shot before must hold its palette (side_holds), and the shot after is checked as its frames arrive.
    const int64_t length = side_frames(found.span);
    found.palette_change = histogram_distance(frames_[static_cast<size_t>(s)].hist, frames_[static_cast<size_t>(e)].hist);
    const auto hist_at = [&](int64_t index) -> const Histogram& {
      return frames_[static_cast<size_t>(std::max<int64_t>(0, index - frames_.front().index))].hist;
    };
    int64_t side = 0;
    const double drift_before = palette_drift(start - 1 - length, start - 1, hist_at(start - 1), &side);
    if (!side_holds(side, drift_before, found)) return;
    found.after = hist_at(end);
    for (const Stored& f : frames_) extend_after(found, f);
  }
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
  if (pending_ && start <= pending_->span.end + 2) {
    // The same transition seen by another window: keep the window that saw the larger change (the whole of
    // it), and on a tie the wider span.
    const Boundary& p = pending_->span;
    if (change > p.score * 1.05 || (change > p.score * 0.95 && end - start > p.end - p.start)) *pending_ = found;
    return;
  }
  if (pending_) emit(out, start);
  pending_ = found;
}

void DissolveDetector::flush(std::vector<Boundary>& out) {
  if (pending_) emit(out, INT64_MAX);
}

int64_t DissolveDetector::settled_before() const {
  const int64_t oldest = next_ - 2 * max_half_ - 1;
  if (!held_.empty()) return std::max<int64_t>(0, std::min(held_.front().span.start, oldest));
  if (pending_) return std::max<int64_t>(0, std::min(pending_->span.start, oldest));
  return std::max<int64_t>(0, oldest);
}

void DissolveDetector::metrics(std::vector<std::pair<std::string_view, double>>& out) const {
  out.emplace_back("value_step", frames_.empty() ? 0.0 : frames_.back().step);
  out.emplace_back("blend_mid", last_alpha_mid_);
  out.emplace_back("blend_residual", last_residual_);
  out.emplace_back("variance_dip", last_dip_);
  out.emplace_back("palette_change", last_palette_);
}

}  // namespace vidsplit::detail
