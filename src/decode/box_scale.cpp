#include "decode/box_scale.hpp"

#include <algorithm>
#include <cmath>

namespace vidsplit {

namespace {

constexpr uint64_t kUnsupportedFlags = AV_PIX_FMT_FLAG_BE | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM |
                                       AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_ALPHA |
                                       AV_PIX_FMT_FLAG_FLOAT;

constexpr int kMinRowsPerBox = 4;

// Source rows (or columns) [first, last) that output row i of `out` covers in a plane of n. When upscaling
// (n < out: a 17x13 frame, or the chroma of a tiny one) every box still holds one source sample.
int box_first(int i, int n, int out) { return static_cast<int>(int64_t{i} * n / out); }
int box_last(int i, int n, int out) {
  return std::max(box_first(i, n, out) + 1, static_cast<int>(int64_t{i + 1} * n / out));
}

// Adds one source row of a component into `sums`. The contiguous 8-bit case is the one every common
// decoder output hits (yuv420p & co.), written so the compiler vectorises it; its sums are 16-bit when the
// rows of a box cannot overflow them, which halves the widening work of that loop (the scan's largest
// cost after the decoder itself).
template <typename Sum>
void add_row(const uint8_t* __restrict row, const AVComponentDescriptor& c, bool wide, int width,
             Sum* __restrict sums) {
  if (!wide && c.step == 1) {
    for (int x = 0; x < width; ++x) sums[x] = static_cast<Sum>(sums[x] + row[x]);
  } else if (!wide) {
    for (int x = 0; x < width; ++x) sums[x] = static_cast<Sum>(sums[x] + row[x * c.step]);
  } else if constexpr (sizeof(Sum) >= 4) {  // wide samples only ever go to 32-bit sums
    const uint32_t mask = (1u << c.depth) - 1;
    for (int x = 0; x < width; ++x) {
      const uint8_t* p = row + x * c.step;  // little-endian 16-bit storage, whatever the host order
      sums[x] += ((uint32_t{p[0]} | uint32_t{p[1]} << 8) >> c.shift) & mask;
    }
  }
}

// Luma/chroma weights (Kr, Kb) of the frame's matrix; unspecified means BT.601, as swscale assumes.
std::pair<double, double> luma_weights(int space) {
  switch (space) {
    case AVCOL_SPC_BT709: return {0.2126, 0.0722};
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return {0.2627, 0.0593};
    case AVCOL_SPC_SMPTE240M: return {0.212, 0.087};
    case AVCOL_SPC_FCC: return {0.30, 0.11};
    default: return {0.299, 0.114};
  }
}

bool full_range(const AVFrame& f) {
  switch (f.format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
    case AV_PIX_FMT_YUVJ411P: return true;
    default: return ffmpeg::raw_enum(f.color_range) == AVCOL_RANGE_JPEG;
  }
}

uint8_t clamp_byte(int64_t v) { return static_cast<uint8_t>(std::clamp<int64_t>(v, 0, 255)); }

}  // namespace

bool BoxScaler::supports(int format) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(format));
  if (!d || (d->flags & kUnsupportedFlags) || d->nb_components != 3) return false;
  for (int c = 0; c < 3; ++c) {
    const AVComponentDescriptor& cd = d->comp[c];
    if (cd.depth < 8 || cd.depth > 16) return false;
    if (cd.depth + cd.shift > 8 && cd.step < 2) return false;  // wider samples are read as 16 bits
  }
  return true;
}

void BoxScaler::average_plane(const AVFrame& f, const AVPixFmtDescriptor& d, int component, int width, int height,
                              std::vector<uint16_t>& out) {
  const AVComponentDescriptor& c = d.comp[component];
  const bool chroma = component > 0;
  const int pw = chroma ? AV_CEIL_RSHIFT(f.width, d.log2_chroma_w) : f.width;
  const int ph = chroma ? AV_CEIL_RSHIFT(f.height, d.log2_chroma_h) : f.height;
  const bool wide = c.depth + c.shift > 8;

  // Reading the frame is the whole cost, so tall boxes take every row_step-th row: at least four rows of
  // every box still count, which leaves a box mean within a grey level or two of the full one.
  const int row_step = std::max(1, ph / height / kMinRowsPerBox);
  out.resize(static_cast<size_t>(width) * height);
  const int tallest_box = ph / height + 1;
  const int most_rows = (tallest_box + row_step - 1) / row_step;
  if (!wide && most_rows * 255 <= UINT16_MAX)
    box_means(f, c, pw, ph, row_step, wide, width, height, row_sums16_, out);
  else
    box_means(f, c, pw, ph, row_step, wide, width, height, row_sums32_, out);
}

template <typename Sum>
void BoxScaler::box_means(const AVFrame& f, const AVComponentDescriptor& c, int pw, int ph, int row_step, bool wide,
                          int width, int height, std::vector<Sum>& row_sums, std::vector<uint16_t>& out) {
  const uint8_t* base = f.data[c.plane] + c.offset;
  const ptrdiff_t stride = f.linesize[c.plane];
  row_sums.resize(static_cast<size_t>(pw));
  // Every row of boxes splits the columns alike: worked out once, not two divisions per box.
  column_edges_.resize(2 * static_cast<size_t>(width));
  for (int i = 0; i < width; ++i) {
    column_edges_[2 * static_cast<size_t>(i)] = box_first(i, pw, width);
    column_edges_[2 * static_cast<size_t>(i) + 1] = box_last(i, pw, width);
  }
  for (int j = 0; j < height; ++j) {
    const int y0 = box_first(j, ph, height), y1 = box_last(j, ph, height);
    std::fill(row_sums.begin(), row_sums.end(), Sum{0});
    int rows = 0;
    for (int y = y0; y < y1; y += row_step, ++rows) add_row(base + y * stride, c, wide, pw, row_sums.data());
    for (int i = 0; i < width; ++i) {
      const int x0 = column_edges_[2 * static_cast<size_t>(i)], x1 = column_edges_[2 * static_cast<size_t>(i) + 1];
      uint64_t sum = 0;
      for (int x = x0; x < x1; ++x) sum += row_sums[static_cast<size_t>(x)];
      const uint64_t count = uint64_t(x1 - x0) * uint64_t(rows);
      const uint64_t rounded = sum + count / 2;
      // The same quotient; a 32-bit division (the usual case by far) costs a fraction of a 64-bit one.
      const uint64_t mean = rounded <= UINT32_MAX && count <= UINT32_MAX ? uint32_t(rounded) / uint32_t(count) : rounded / count;
      out[static_cast<size_t>(j) * width + i] = static_cast<uint16_t>(mean);
    }
  }
}

void BoxScaler::scale(const AVFrame& f, cv::Mat& dst, int width, int height) {
  const AVPixFmtDescriptor& d = *av_pix_fmt_desc_get(static_cast<AVPixelFormat>(f.format));
  average_plane(f, d, 0, width, height, y_);
  average_plane(f, d, 1, width, height, u_);
  average_plane(f, d, 2, width, height, v_);

  // Y'CbCr -> R'G'B' in 16-bit fixed point. Coefficients are scaled for the sample depth and range, so one
  // multiply-add per channel takes a mean straight to an 8-bit value.
  const int extra_bits = d.comp[0].depth - 8;
  const bool full = full_range(f);
  const auto [kr, kb] = luma_weights(ffmpeg::raw_enum(f.colorspace));
  const double kg = 1.0 - kr - kb;
  const double unit = 65536.0 / (1 << extra_bits);
  const double ys = full ? unit : unit * 255.0 / 219.0;
  const double cs = full ? unit : unit * 255.0 / 224.0;
  const int64_t y_scale = std::llround(ys);
  const int64_t r_cr = std::llround(cs * 2 * (1 - kr));
  const int64_t g_cb = std::llround(cs * 2 * kb * (1 - kb) / kg);
  const int64_t g_cr = std::llround(cs * 2 * kr * (1 - kr) / kg);
  const int64_t b_cb = std::llround(cs * 2 * (1 - kb));
  const int64_t black = full ? 0 : int64_t{16} << extra_bits;
  const int64_t zero = int64_t{128} << extra_bits;
  constexpr int64_t kHalf = 1 << 15;

  dst.create(height, width, CV_8UC3);
  for (int j = 0; j < height; ++j) {
    auto* px = dst.ptr<uint8_t>(j);
    for (int i = 0; i < width; ++i) {
      const size_t k = static_cast<size_t>(j) * width + i;
      const int64_t yv = (y_[k] - black) * y_scale;
      const int64_t cb = u_[k] - zero, cr = v_[k] - zero;
      px[3 * i + 0] = clamp_byte((yv + b_cb * cb + kHalf) >> 16);
      px[3 * i + 1] = clamp_byte((yv - g_cb * cb - g_cr * cr + kHalf) >> 16);
      px[3 * i + 2] = clamp_byte((yv + r_cr * cr + kHalf) >> 16);
    }
  }
}

}  // namespace vidsplit
