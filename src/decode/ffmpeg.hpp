// The one place that includes libav* headers and owns FFmpeg objects.
// Every FFmpeg type the project holds is a Unique* alias with its deleter here; no bare av_*_free elsewhere.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

namespace vidsplit::ffmpeg {

// The value a decoder stored in an enum field of an AVFrame, as a plain int. Decoders copy colour metadata
// straight from the bitstream (an H.264 VUI matrix_coefficients of 224, say), so the field may hold a value
// outside its enum; reading the enum itself is then undefined behaviour (UBSan -fsanitize=enum caught it).
template <typename Enum>
int raw_enum(const Enum& field) {
  static_assert(std::is_enum_v<Enum> && sizeof(Enum) == sizeof(int));
  int value;
  std::memcpy(&value, &field, sizeof value);
  return value;
}

struct FormatContextDeleter {
  void operator()(AVFormatContext* p) const { avformat_close_input(&p); }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* p) const { avcodec_free_context(&p); }
};
struct FrameDeleter {
  void operator()(AVFrame* p) const { av_frame_free(&p); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsContextDeleter {
  void operator()(SwsContext* p) const { sws_freeContext(p); }
};
struct AvioContextDeleter {
  // The buffer of a custom AVIOContext may have been reallocated by FFmpeg, so free what it holds now.
  void operator()(AVIOContext* p) const {
    if (p) av_freep(&p->buffer);
    avio_context_free(&p);
  }
};

// An output (muxing) context: closes its file, then frees the context (avformat_close_input is for inputs).
struct OutputFormatContextDeleter {
  void operator()(AVFormatContext* p) const {
    if (!p) return;
    if (p->oformat && !(p->oformat->flags & AVFMT_NOFILE)) avio_closep(&p->pb);
    avformat_free_context(p);
  }
};

using UniqueFormatContext = std::unique_ptr<AVFormatContext, FormatContextDeleter>;
using UniqueOutputFormatContext = std::unique_ptr<AVFormatContext, OutputFormatContextDeleter>;
using UniqueCodecContext = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using UniqueFrame = std::unique_ptr<AVFrame, FrameDeleter>;
using UniquePacket = std::unique_ptr<AVPacket, PacketDeleter>;
using UniqueSwsContext = std::unique_ptr<SwsContext, SwsContextDeleter>;
using UniqueAvioContext = std::unique_ptr<AVIOContext, AvioContextDeleter>;

// Drops the packet's payload when a read loop iteration ends, on every path out of it.
class PacketUnref {
 public:
  explicit PacketUnref(AVPacket* p) : p_(p) {}
  ~PacketUnref() { av_packet_unref(p_); }
  PacketUnref(const PacketUnref&) = delete;
  PacketUnref& operator=(const PacketUnref&) = delete;

 private:
  AVPacket* p_;
};

// av_strerror text for an AVERROR code, e.g. "Invalid data found when processing input".
inline std::string error_text(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(code, buf, sizeof buf) < 0) return "unknown FFmpeg error " + std::to_string(code);
  return buf;
}

// The frame's presentation timestamp: pts, falling back to best_effort_timestamp (FFmpeg's guess from the
// packet dts), or AV_NOPTS_VALUE when the stream carries neither.
inline int64_t frame_timestamp(const AVFrame& f) {
  if (f.pts != AV_NOPTS_VALUE) return f.pts;
  return f.best_effort_timestamp;
}

}  // namespace vidsplit::ffmpeg
