// Area-average downscaling of decoded YUV frames straight to the small BGR analysis image.
//
// Why not swscale: bit-exact swscale (needed so that every machine of a cluster computes the same
// signatures) turns off its SIMD paths, and its area filter then cost more than a third of the decoding
// time of an H.264 frame. Averaging boxes of an 8..16-bit YUV plane is one add per source pixel in a loop
// the compiler vectorises, in integer arithmetic that gives the same bytes on any CPU.
#pragma once

#include "decode/ffmpeg.hpp"

#include <opencv2/core.hpp>

#include <cstdint>
#include <vector>

namespace vidsplit {

class BoxScaler {
 public:
  // True when `format` is a YUV layout this scaler reads (planar, semi-planar or packed, 8 to 16 bits,
  // little-endian, no alpha); other formats go through swscale.
  static bool supports(int format);

  // Scales frame `f` (a supported format) to dst, width x height, BGR24. Each output pixel is the
  // rounded mean of the source box it covers; colours follow the frame's matrix and range.
  void scale(const AVFrame& f, cv::Mat& dst, int width, int height);

 private:
  // Box means of one plane component, height x width, in source units.
  void average_plane(const AVFrame& f, const AVPixFmtDescriptor& d, int component, int width, int height,
                     std::vector<uint16_t>& out);

  // The box means of rows sampled every row_step-th, with column sums of type Sum.
  template <typename Sum>
  void box_means(const AVFrame& f, const AVComponentDescriptor& c, int pw, int ph, int row_step, bool wide,
                 int width, int height, std::vector<Sum>& row_sums, std::vector<uint16_t>& out);

  std::vector<uint16_t> row_sums16_;
  std::vector<uint32_t> row_sums32_;
  std::vector<int> column_edges_;  // box i covers source columns [column_edges_[2i], column_edges_[2i + 1])
  std::vector<uint16_t> y_, u_, v_;
};

}  // namespace vidsplit
