#include "output/image_encode.hpp"

#include "decode/ffmpeg.hpp"
#include "vidsplit/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vidsplit {

using namespace ffmpeg;

namespace {

[[noreturn]] void fail(const char* what, int code) {
  throw Error(fmt::format("cannot encode {} image: {}", what, error_text(code)));
}

// One picture through one encoder: convert BGR to the encoder's pixel format, send, collect the packet.
std::vector<uint8_t> encode(const cv::Mat& bgr, AVCodecID id, AVPixelFormat format, int quantiser) {
  const char* name = avcodec_get_name(id);
  if (bgr.empty() || bgr.type() != CV_8UC3) throw Error(fmt::format("cannot encode {} image: not a BGR image", name));
  const AVCodec* codec = avcodec_find_encoder(id);
  if (!codec) throw Error(fmt::format("no {} encoder in this libavcodec", name));
  UniqueCodecContext ctx(avcodec_alloc_context3(codec));
  UniqueFrame frame(av_frame_alloc());
  UniquePacket packet(av_packet_alloc());
  if (!ctx || !frame || !packet) throw Error("out of memory allocating an image encoder");
  ctx->width = bgr.cols;
  ctx->height = bgr.rows;
  ctx->pix_fmt = format;
  ctx->time_base = {1, 25};
  ctx->thread_count = 1;
  ctx->flags |= AV_CODEC_FLAG_BITEXACT;  // no encoder version string: bytes stay stable across FFmpeg builds
  ctx->compression_level = 6;            // PNG's zlib level; ignored by the JPEG encoder
  if (quantiser > 0) {
    ctx->qmin = 1;
    ctx->flags |= AV_CODEC_FLAG_QSCALE;
    ctx->global_quality = FF_QP2LAMBDA * quantiser;
  }
  if (int r = avcodec_open2(ctx.get(), codec, nullptr); r < 0) fail(name, r);

  frame->format = format;
  frame->width = bgr.cols;
  frame->height = bgr.rows;
  frame->quality = ctx->global_quality;
  if (int r = av_frame_get_buffer(frame.get(), 0); r < 0) fail(name, r);
  UniqueSwsContext sws(sws_getContext(bgr.cols, bgr.rows, AV_PIX_FMT_BGR24, bgr.cols, bgr.rows, format,
                                      SWS_POINT | SWS_ACCURATE_RND | SWS_BITEXACT, nullptr, nullptr, nullptr));
  if (!sws) throw Error(fmt::format("cannot convert an image for the {} encoder", name));
  const uint8_t* planes[4] = {bgr.data, nullptr, nullptr, nullptr};
  const int strides[4] = {static_cast<int>(bgr.step[0]), 0, 0, 0};
  sws_scale(sws.get(), planes, strides, 0, bgr.rows, frame->data, frame->linesize);

  if (int r = avcodec_send_frame(ctx.get(), frame.get()); r < 0) fail(name, r);
  if (int r = avcodec_send_frame(ctx.get(), nullptr); r < 0) fail(name, r);
  if (int r = avcodec_receive_packet(ctx.get(), packet.get()); r < 0) fail(name, r);
  PacketUnref unref(packet.get());
  return {packet->data, packet->data + packet->size};
}

}  // namespace

std::vector<uint8_t> encode_jpeg(const cv::Mat& bgr, int quality) {
  if (quality < 1 || quality > 100) throw ConfigError("JPEG quality must be 1..100");
  // The JPEG encoder wants full-range ("J") YUV; 4:2:0 like any camera or libjpeg default.
  const int quantiser = static_cast<int>(std::lround(1 + (100 - quality) * 30.0 / 99.0));
  return encode(bgr, AV_CODEC_ID_MJPEG, AV_PIX_FMT_YUVJ420P, quantiser);
}

std::vector<uint8_t> encode_png(const cv::Mat& bgr) { return encode(bgr, AV_CODEC_ID_PNG, AV_PIX_FMT_RGB24, 0); }

}  // namespace vidsplit
