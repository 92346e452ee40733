#include "decode/box_scale.hpp"
#include "decode/ffmpeg.hpp"
#include "output/image_encode.hpp"
#include "vidsplit/error.hpp"

#include <doctest/doctest.h>

#include <opencv2/imgcodecs.hpp>

#include <functional>

using namespace vidsplit;
using namespace vidsplit::ffmpeg;

namespace {

// A frame of `format`, every sample of component c (0 = Y, 1 = U, 2 = V) set by value(c, x, y) in that
// component's own plane coordinates, at the format's sample width.
UniqueFrame make_frame(AVPixelFormat format, int width, int height,
                       const std::function<int(int, int, int)>& value) {
  UniqueFrame f(av_frame_alloc());
  f->format = format;
  f->width = width;
  f->height = height;
  REQUIRE(av_frame_get_buffer(f.get(), 0) == 0);
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(format);
  for (int c = 0; c < 3; ++c) {
    const AVComponentDescriptor& cd = d->comp[c];
    const int w = c ? AV_CEIL_RSHIFT(width, d->log2_chroma_w) : width;
    const int h = c ? AV_CEIL_RSHIFT(height, d->log2_chroma_h) : height;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        uint8_t* p = f->data[cd.plane] + y * f->linesize[cd.plane] + x * cd.step + cd.offset;
        const int v = value(c, x, y) << cd.shift;
        p[0] = static_cast<uint8_t>(v & 0xff);
        if (cd.depth + cd.shift > 8) p[1] = static_cast<uint8_t>(v >> 8);
      }
  }
  return f;
}

cv::Vec3b pixel(const cv::Mat& bgr, int x, int y) { return bgr.at<cv::Vec3b>(y, x); }

}  // namespace

TEST_CASE("vidsplit::BoxScaler") {
  BoxScaler scaler;
  cv::Mat out;

  SUBCASE("which formats it reads") {
    CHECK(BoxScaler::supports(AV_PIX_FMT_YUV420P));
    CHECK(BoxScaler::supports(AV_PIX_FMT_YUVJ422P));
    CHECK(BoxScaler::supports(AV_PIX_FMT_NV12));
    CHECK(BoxScaler::supports(AV_PIX_FMT_YUV420P10LE));
    CHECK(BoxScaler::supports(AV_PIX_FMT_YUYV422));
    CHECK_FALSE(BoxScaler::supports(AV_PIX_FMT_RGB24));       // RGB: swscale
    CHECK_FALSE(BoxScaler::supports(AV_PIX_FMT_PAL8));        // palette
    CHECK_FALSE(BoxScaler::supports(AV_PIX_FMT_YUVA420P));    // alpha
    CHECK_FALSE(BoxScaler::supports(AV_PIX_FMT_YUV420P10BE)); // big-endian
    CHECK_FALSE(BoxScaler::supports(AV_PIX_FMT_GRAY8));       // one component
  }

  SUBCASE("limited-range BT.601 grey, black and white levels") {
    // Left half Y=16 (black), right half Y=235 (white); neutral chroma. 8x8 boxes of a 16x16 frame -> 2x2.
    auto f = make_frame(AV_PIX_FMT_YUV420P, 16, 16, [](int c, int x, int) { return c ? 128 : (x < 8 ? 16 : 235); });
    scaler.scale(*f, out, 2, 2);
    REQUIRE(out.size() == cv::Size(2, 2));
    CHECK(pixel(out, 0, 0) == cv::Vec3b(0, 0, 0));
    CHECK(pixel(out, 1, 1) == cv::Vec3b(255, 255, 255));
  }

  SUBCASE("each output pixel is the rounded mean of its box") {
    // Y alternates 100/101 by column: every 4x4 box holds eight of each, mean 100.5 -> 101 (round half up).
    // Limited range: (101 - 16) * 255 / 219 = 98.97 -> 99.
    auto f = make_frame(AV_PIX_FMT_YUV420P, 8, 8, [](int c, int x, int) { return c ? 128 : 100 + x % 2; });
    scaler.scale(*f, out, 2, 2);
    CHECK(pixel(out, 0, 0) == cv::Vec3b(99, 99, 99));
    CHECK(pixel(out, 1, 0) == cv::Vec3b(99, 99, 99));
  }

  SUBCASE("full-range colour follows the frame's matrix") {
    // Red in full-range BT.601: Y 76, U 85, V 255 -> R 76 + 1.402 * 127 = 254, G 0, B 0 (after clipping).
    auto f = make_frame(AV_PIX_FMT_YUVJ444P, 4, 4, [](int c, int, int) { return c == 0 ? 76 : c == 1 ? 85 : 255; });
    scaler.scale(*f, out, 1, 1);
    const cv::Vec3b red = pixel(out, 0, 0);
    CHECK(red == cv::Vec3b(0, 0, 254));
  }

  SUBCASE("semi-planar and 10-bit layouts give the 8-bit planar result") {
    // Constant over each output box (4x4 luma, 2x2 chroma samples), so the box means are exact in both depths.
    const auto value = [](int c, int x, int y) {
      return c == 0 ? 40 + 10 * (x / 4) + 3 * (y / 4) : c == 1 ? 100 + 7 * (x / 2) : 150 - 9 * (y / 2);
    };
    auto planar = make_frame(AV_PIX_FMT_YUV420P, 16, 8, value);
    auto nv12 = make_frame(AV_PIX_FMT_NV12, 16, 8, value);
    auto ten = make_frame(AV_PIX_FMT_YUV420P10LE, 16, 8, [&](int c, int x, int y) { return value(c, x, y) * 4; });
    cv::Mat a, b, c;
    scaler.scale(*planar, a, 4, 2);
    scaler.scale(*nv12, b, 4, 2);
    scaler.scale(*ten, c, 4, 2);
    CHECK(cv::norm(a, b, cv::NORM_INF) == 0);
    CHECK(cv::norm(a, c, cv::NORM_INF) <= 1);  // the 10-bit coefficients round differently
  }

  SUBCASE("a frame smaller than the output is repeated, not read out of bounds") {
    // 3x1 frame: Y 16, 126, 235 -> columns of black, mid grey, white over a 6x2 output.
    auto f = make_frame(AV_PIX_FMT_YUV444P, 3, 1, [](int c, int x, int) { return c ? 128 : (x == 0 ? 16 : x == 1 ? 126 : 235); });
    scaler.scale(*f, out, 6, 2);
    CHECK(pixel(out, 0, 1) == cv::Vec3b(0, 0, 0));
    CHECK(pixel(out, 2, 0) == pixel(out, 3, 1));
    CHECK(pixel(out, 5, 1) == cv::Vec3b(255, 255, 255));
  }
}

TEST_CASE("vidsplit::encode_png and encode_jpeg") {
  cv::Mat image(24, 40, CV_8UC3);
  for (int y = 0; y < image.rows; ++y)
    for (int x = 0; x < image.cols; ++x) image.at<cv::Vec3b>(y, x) = cv::Vec3b(uint8_t(x * 6), uint8_t(y * 10), 200);

  SUBCASE("PNG is lossless and stable") {
    const std::vector<uint8_t> png = encode_png(image);
    CHECK(cv::norm(cv::imdecode(png, cv::IMREAD_COLOR), image, cv::NORM_INF) == 0);
    CHECK(encode_png(image) == png);
  }
  SUBCASE("JPEG is close at high quality, smaller at low quality") {
    const std::vector<uint8_t> good = encode_jpeg(image, 95), poor = encode_jpeg(image, 10);
    const cv::Mat back = cv::imdecode(good, cv::IMREAD_COLOR);
    REQUIRE(back.size() == image.size());
    CHECK(cv::norm(back, image, cv::NORM_L1) / static_cast<double>(image.total() * 3) < 3.0);
    CHECK(poor.size() < good.size());
    CHECK(encode_jpeg(image, 95) == good);
  }
  SUBCASE("bad arguments are clear errors") {
    CHECK_THROWS_WITH_AS(encode_jpeg(image, 0), "JPEG quality must be 1..100", vidsplit::ConfigError);
    CHECK_THROWS_WITH_AS(encode_png(cv::Mat(4, 4, CV_8UC1)), "cannot encode png image: not a BGR image", vidsplit::Error);
  }
}
