#include "vidsplit/signature.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <bit>
#include <cmath>

namespace vidsplit {

namespace {

// HSV value below which hue and saturation are not trusted.
constexpr uint8_t kDarkValue = 32;
// Lowest Canny hysteresis threshold (Sobel gradient units).
constexpr double kMinCannyLow = 20.0;
// Below this spread (of the 32x32 view, 0..255) a frame is too flat for its hash to mean anything.
constexpr double kMinViewDetail = 4.0;
// A black bar's row or column: mean luma below the first, no pixel above the second.
constexpr double kBarMeanLuma = 12.0;
constexpr double kBarMaxLuma = 40.0;
// A bar of another shade: no more spread than compression noise, and darker than most pictures.
constexpr double kFlatBarRange = 10.0;
constexpr double kFlatBarMeanLuma = 80.0;
// The framing view's shape. A 4:3 picture pillarboxed into 16:9 and the same picture centre-cropped to fill
// 16:9 both show its central 16:9 band at the same scale; a 16:9 source letterboxed into 4:3 shows all of it.
constexpr double kViewAspect = 16.0 / 9.0;

// pHash bits from the 8x8 lowest-frequency DCT coefficients: bit k is set when coefficient k exceeds the
// median of the 63 non-DC ones. `mirror` negates odd horizontal frequencies, which is exactly the DCT of
// the left-right mirrored image, so the mirrored hash costs no second transform.
uint64_t dct_hash(const cv::Mat& dct, bool mirror) {
  std::array<float, 64> c{};
  for (int v = 0; v < 8; ++v)
    for (int u = 0; u < 8; ++u) {
      const float x = dct.at<float>(v, u);
      c[static_cast<size_t>(v * 8 + u)] = (mirror && (u % 2 == 1)) ? -x : x;
    }
  std::array<float, 63> ac{};
  std::copy(c.begin() + 1, c.end(), ac.begin());
  std::nth_element(ac.begin(), ac.begin() + 31, ac.end());
  const float median = ac[31];
  uint64_t bits = 0;
  for (size_t k = 0; k < 64; ++k)
    if (c[k] > median) bits |= uint64_t{1} << k;
  return bits;
}

// True when a row or column of the frame is part of a black bar: dark on average and nowhere bright.
bool is_black_bar(const cv::Mat& line) {
  double max = 0;
  cv::minMaxLoc(line, nullptr, &max);
  return cv::mean(line)[0] < kBarMeanLuma && max < kBarMaxLuma;
}

// True when a row or column is a bar of any dark shade: flat and darkish. Padding that was graded, brightened
// or filled with grey is no longer black, yet it is still no picture.
bool is_flat_bar(const cv::Mat& line) {
  double min = 0, max = 0;
  cv::minMaxLoc(line, &min, &max);
  return max - min <= kFlatBarRange && cv::mean(line)[0] < kFlatBarMeanLuma;
}

// The region inside black bars on any side. Bars may cover at most a third of the frame in each direction;
// beyond that the frame is simply dark (a night scene, a fade) and is used whole.
cv::Rect content_box(const cv::Mat& gray) {
  int top = 0, bottom = gray.rows, left = 0, right = gray.cols;
  while (top < gray.rows / 3 && is_black_bar(gray.row(top))) ++top;
  while (bottom > gray.rows * 2 / 3 && is_black_bar(gray.row(bottom - 1))) --bottom;
  while (left < gray.cols / 3 && is_black_bar(gray.col(left))) ++left;
  while (right > gray.cols * 2 / 3 && is_black_bar(gray.col(right - 1))) --right;
  const bool dark = top == gray.rows / 3 || left == gray.cols / 3 || bottom == gray.rows * 2 / 3 ||
                    right == gray.cols * 2 / 3;
  if (dark) return {0, 0, gray.cols, gray.rows};
  const cv::Rect box(left, top, right - left, bottom - top);
  // In a dim frame (the last frames of a fade, a night scene) the rows near the edge pass for bars on noise
  // alone, and the box would change from frame to frame. Bars frame a picture clearly brighter than any bar.
  if (cv::mean(gray(box))[0] < kBarMaxLuma) return {0, 0, gray.cols, gray.rows};
  return box;
}

// The active picture for the framing view: inside bars of any dark shade. Columns are judged between the
// bars found above and below, so a windowboxed picture loses both. Unlike content_box, a dim picture (a dark
// film scene) keeps its box: what makes it a picture is that it varies more than a bar does, and the frames
// of a fade, whose box may wander, are too flat to give a view hash at all.
cv::Rect active_picture(const cv::Mat& gray) {
  int top = 0, bottom = gray.rows, left = 0, right = gray.cols;
  while (top < gray.rows / 3 && is_flat_bar(gray.row(top))) ++top;
  while (bottom > gray.rows * 2 / 3 && is_flat_bar(gray.row(bottom - 1))) --bottom;
  const cv::Range rows(top, bottom);
  while (left < gray.cols / 3 && is_flat_bar(gray.col(left).rowRange(rows))) ++left;
  while (right > gray.cols * 2 / 3 && is_flat_bar(gray.col(right - 1).rowRange(rows))) --right;
  const cv::Rect whole(0, 0, gray.cols, gray.rows);
  if (top == gray.rows / 3 || left == gray.cols / 3 || bottom == gray.rows * 2 / 3 || right == gray.cols * 2 / 3)
    return whole;
  const cv::Rect box(left, top, right - left, bottom - top);
  cv::Scalar mean, spread;
  cv::meanStdDev(gray(box), mean, spread);
  return spread[0] < kFlatBarRange ? whole : box;
}

// The active picture cut to kViewAspect around its centre, in the pixels of the square analysis frame
// (`display_aspect` is the picture's real width / height, which the square frame squeezed away).
cv::Rect framing_view(cv::Rect active, cv::Size frame, double display_aspect) {
  const double aspect = active.width * display_aspect * frame.height / (static_cast<double>(active.height) * frame.width);
  cv::Rect view = active;
  if (aspect > kViewAspect) view.width = std::max(4, static_cast<int>(std::lround(active.width * kViewAspect / aspect)));
  else view.height = std::max(4, static_cast<int>(std::lround(active.height * aspect / kViewAspect)));
  view.x += (active.width - view.width) / 2;
  view.y += (active.height - view.height) / 2;
  return view;
}

// A 64-bit hash that mirroring cannot change, from the 8x8 lowest DCT frequencies. Mirroring keeps the even
// horizontal frequencies and negates the odd ones, so bits 0..30 compare the even ones (without DC) with
// their median and bits 31..62 the magnitudes of the odd ones with theirs. Bit 63 is always set: a real
// hash is never 0, which marks a missing sample.
uint64_t mirror_free_hash(const cv::Mat& dct) {
  std::array<float, 31> even{};
  std::array<float, 32> odd{};
  size_t e = 0, o = 0;
  for (int v = 0; v < 8; ++v)
    for (int u = 0; u < 8; ++u) {
      const float x = dct.at<float>(v, u);
      if (u % 2 == 1) odd[o++] = std::fabs(x);
      else if (u != 0 || v != 0) even[e++] = x;
    }
  auto even_sorted = even;
  auto odd_sorted = odd;
  std::nth_element(even_sorted.begin(), even_sorted.begin() + 15, even_sorted.end());
  std::nth_element(odd_sorted.begin(), odd_sorted.begin() + 16, odd_sorted.end());
  const float even_median = even_sorted[15], odd_median = odd_sorted[16];
  uint64_t bits = uint64_t{1} << 63;
  for (size_t k = 0; k < even.size(); ++k)
    if (even[k] > even_median) bits |= uint64_t{1} << k;
  for (size_t k = 0; k < odd.size(); ++k)
    if (odd[k] > odd_median) bits |= uint64_t{1} << (31 + k);
  return bits;
}

void marginal_histogram(const cv::Mat& hsv, Histogram& hist) {
  hist.fill(0.0f);
  const int total = hsv.rows * hsv.cols;
  for (int y = 0; y < hsv.rows; ++y) {
    const auto* p = hsv.ptr<cv::Vec3b>(y);
    for (int x = 0; x < hsv.cols; ++x) {
      // OpenCV 8-bit hue is 0..179.
      hist[static_cast<size_t>(p[x][0] * kHueBins / 180)] += 1.0f;
      hist[static_cast<size_t>(kHueBins + p[x][1] * kSatBins / 256)] += 1.0f;
      hist[static_cast<size_t>(kHueBins + kSatBins + p[x][2] * kValBins / 256)] += 1.0f;
    }
  }
  for (auto& h : hist) h /= static_cast<float>(total);
}

}  // namespace

void SignatureExtractor::compute(const AnalysisFrame& frame, FrameFeatures& out) {
  out.index = frame.index;
  out.seconds = frame.seconds;
  out.stand_in = false;
  FrameSignature& sig = out.signature;

  cv::cvtColor(frame.bgr, out.hsv, cv::COLOR_BGR2HSV);
  // Hue and saturation of near-black pixels are noise (a dark grey flips between hues), which makes the
  // last frames of a fade to black look like a cut. Such pixels count as achromatic.
  for (int y = 0; y < out.hsv.rows; ++y) {
    auto* p = out.hsv.ptr<cv::Vec3b>(y);
    for (int x = 0; x < out.hsv.cols; ++x)
      if (p[x][2] < kDarkValue) p[x][0] = p[x][1] = 0;
  }
  cv::cvtColor(frame.bgr, gray_, cv::COLOR_BGR2GRAY);
  sig.mean_luma = static_cast<float>(cv::mean(gray_)[0]);

  // The identity descriptors (histogram, hashes, thumbnail) describe the picture inside any letterbox or
  // pillarbox bars, so a padded or aspect-changed copy still matches its source.
  const cv::Rect picture = content_box(gray_);
  marginal_histogram(out.hsv(picture), sig.hist);
  // The 32x32 hash input stays in float: rounding it to 8 bits again would make the hash of a dim,
  // low-contrast frame (the end of a fade, a night scene) flip on quantisation noise.
  gray_.convertTo(gray_float_, CV_32F);
  cv::resize(gray_float_(picture), small_, cv::Size(32, 32), 0, 0, cv::INTER_AREA);
  cv::Scalar mean, stddev;
  cv::meanStdDev(small_, mean, stddev);
  sig.detail = static_cast<float>(stddev[0]);
  cv::dct(small_, dct_out_);
  sig.phash = dct_hash(dct_out_, false);
  sig.phash_mirror = dct_hash(dct_out_, true);
  // The central two thirds alone: logos, captions and tickers sit near the edges, so this hash still
  // matches when they are burned into one copy.
  const cv::Rect centre(picture.x + picture.width / 6, picture.y + picture.height / 6, picture.width * 2 / 3,
                        picture.height * 2 / 3);
  cv::resize(gray_float_(centre), centre_, cv::Size(32, 32), 0, 0, cv::INTER_AREA);
  cv::dct(centre_, dct_out_);
  sig.phash_centre = dct_hash(dct_out_, false);
  sig.phash_centre_mirror = dct_hash(dct_out_, true);

  // The sampled-frame hash: the framing view of the channels' mean, hashed so that a mirrored copy gives the
  // same bits. The channel sum is exact in float whatever the channel order, so a swap of red and blue, or a
  // channel-order mix-up, gives the same bits too.
  frame.bgr.convertTo(bgr_float_, CV_32F);
  cv::transform(bgr_float_, intensity_, cv::Matx13f(1.0f, 1.0f, 1.0f));
  intensity_ *= 1.0 / 3;
  const cv::Rect view = framing_view(active_picture(gray_), gray_.size(), frame.display_aspect);
  cv::resize(intensity_(view), view_, cv::Size(32, 32), 0, 0, cv::INTER_AREA);
  cv::meanStdDev(view_, mean, stddev);
  cv::dct(view_, dct_out_);
  sig.view_hash = stddev[0] >= kMinViewDetail ? mirror_free_hash(dct_out_) : 0;

  cv::resize(small_, thumb_float_, cv::Size(kThumbSide, kThumbSide), 0, 0, cv::INTER_AREA);
  cv::Mat thumb(kThumbSide, kThumbSide, CV_8U, sig.thumb.data());
  thumb_float_.convertTo(thumb, CV_8U);

  // Canny thresholds follow the frame's median luma (the usual "auto Canny"), so edge density does not
  // depend on exposure, with a floor so that a nearly black frame's noise is not all edges (which made the
  // black end of a fade look like a cut); dilation makes the edge difference tolerant of one-pixel motion.
  std::array<int, 256> counts{};
  for (int y = 0; y < gray_.rows; ++y) {
    const uint8_t* p = gray_.ptr<uint8_t>(y);
    for (int x = 0; x < gray_.cols; ++x) ++counts[p[x]];
  }
  int median = 0;
  for (int acc = 0, half = gray_.rows * gray_.cols / 2; median < 255; ++median) {
    acc += counts[static_cast<size_t>(median)];
    if (acc > half) break;
  }
  const double low = std::max(kMinCannyLow, 0.67 * median);
  const double high = std::max(2 * kMinCannyLow, std::min(255.0, 1.33 * median));
  cv::Canny(gray_, edges_raw_, low, high);
  cv::dilate(edges_raw_, out.edges, cv::Mat::ones(3, 3, CV_8U));
}

int hamming(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

float histogram_distance(const Histogram& a, const Histogram& b) {
  float sum = 0.0f;
  for (size_t i = 0; i < a.size(); ++i) sum += std::fabs(a[i] - b[i]);
  return sum / 6.0f;  // each marginal sums to 1, so each contributes at most 2
}

}  // namespace vidsplit
