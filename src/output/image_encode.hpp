// Still images (exported frames, report thumbnails) encoded with libavcodec's own JPEG and PNG encoders.
//
// Why not OpenCV's imgcodecs: on Debian it drags in about 80 more shared libraries (GDAL, GDCM, ...),
// which cost every vidsplit process more start-up time than a whole short video takes to decode.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <vector>

namespace vidsplit {

// Baseline JPEG of a BGR image. quality 1..100 (libjpeg's scale) maps onto FFmpeg's quantiser 31..1.
std::vector<uint8_t> encode_jpeg(const cv::Mat& bgr, int quality);
// PNG of a BGR image, zlib level 6. Both encoders run bit-exact: the same pixels give the same bytes.
std::vector<uint8_t> encode_png(const cv::Mat& bgr);

}  // namespace vidsplit
