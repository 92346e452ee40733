// Stage 2: per-frame signatures (OpenCV), computed on the small analysis frame.
//
// What is kept, and why:
//  - mean_luma: fades to/from black and flashes are brightness events.
//  - hist: hue/saturation/value marginal histograms (16+8+8 bins, each summing to 1). A cheap colour
//    fingerprint that ignores layout, used to confirm near-duplicate matches and for histogram detectors.
//  - phash: 64-bit DCT perceptual hash of the 32x32 luma image (the classic pHash: 8x8 lowest frequencies
//    against their median). Survives re-encoding, resizing and mild colour shifts; Hamming distance compares.
//  - phash_mirror: the same hash of the horizontally mirrored frame, so a flipped copy still matches.
//  - phash_centre (+ mirror): the hash of the central two thirds, which logos and captions rarely touch.
//  All identity descriptors are taken inside any black letterbox/pillarbox bars.
//  - view_hash: the sampled frames' hash for temporal matching, made to survive what copies of footage
//    undergo: taken on the mean of the three channels (channel swaps, greyscale), on the active picture inside
//    bars of any dark shade cut to 16:9 (padded and centre-cropped copies of one source line up), and blind
//    to mirroring (built from the DCT coefficients a flip leaves alone). 0 when the frame is too flat.
//  - thumb: 16x16 luma thumbnail for frame-level alignment checks.
//  - detail: luma standard deviation. A flat frame's pHash is noise, so flat frames never serve as keyframes.
// The HSV and edge planes in FrameFeatures are transient: detectors use them, nothing stores them.
#pragma once

#include "vidsplit/frame.hpp"

#include <array>
#include <cstdint>

namespace vidsplit {

inline constexpr int kHueBins = 16;
inline constexpr int kSatBins = 8;
inline constexpr int kValBins = 8;
inline constexpr int kHistBins = kHueBins + kSatBins + kValBins;
inline constexpr int kThumbSide = 16;

using Histogram = std::array<float, kHistBins>;

struct FrameSignature {
  float mean_luma = 0.0f;  // 0..255
  float detail = 0.0f;     // standard deviation of the 32x32 luma: near 0 for flat (black, blank) frames
  uint64_t phash = 0;
  uint64_t phash_mirror = 0;
  uint64_t phash_centre = 0;         // pHash of the central two thirds only
  uint64_t phash_centre_mirror = 0;
  uint64_t view_hash = 0;
  Histogram hist{};
  std::array<uint8_t, kThumbSide * kThumbSide> thumb{};
};

struct FrameFeatures {
  int64_t index = 0;
  double seconds = 0.0;
  FrameSignature signature;
  cv::Mat hsv;    // CV_8UC3 at analysis size
  cv::Mat edges;  // CV_8U, 0 or 255, dilated Canny edges
  // A blend standing in for an undecoded stretch of one shot in motion (--speed keyframes): it shows no real
  // frame, and a gradual transition fitted over it would be the blend's own.
  bool stand_in = false;
};

// Holds scratch buffers, so one extractor per thread computes signatures without allocating per frame.
class SignatureExtractor {
 public:
  void compute(const AnalysisFrame& frame, FrameFeatures& out);

 private:
  cv::Mat gray_, gray_float_, small_, centre_, thumb_float_, dct_out_, edges_raw_, bgr_float_, intensity_, view_;
};

int hamming(uint64_t a, uint64_t b);
// Half the L1 distance of two histograms, averaged over the three marginals: 0 (same) to 1 (disjoint).
float histogram_distance(const Histogram& a, const Histogram& b);

}  // namespace vidsplit
