#include "vidsplit/decode.hpp"

#include "decode/box_scale.hpp"
#include "decode/ffmpeg.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/hash.hpp"

#include <fmt/format.h>
#include <opencv2/core.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <mutex>
#include <queue>

namespace vidsplit {

using namespace ffmpeg;

namespace {

// The last error FFmpeg logged on this thread. An error code alone can be useless: the YUV4MPEG demuxer refuses
// a 30000x30000 header with EBUSY, "Device or resource busy", and says why only in its log.
thread_local std::string last_ffmpeg_error;

void remember_ffmpeg_error(void* context, int level, const char* format, va_list args) {
  if (level > AV_LOG_ERROR) return;
  char line[256];
  int print_prefix = 0;  // the "[yuv4mpegpipe @ 0x...]" prefix holds an address: not for a message
  av_log_format_line2(context, level, format, args, line, sizeof line, &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (!text.empty()) last_ffmpeg_error = std::move(text);
}

// The library must not write to stderr, and libav* logs there by default. The callback is process-wide in
// FFmpeg, so it is set once; errors are kept for our own messages (check_logged()) and nothing is printed.
void silence_ffmpeg_logging() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(AV_LOG_QUIET);
    av_log_set_callback(remember_ffmpeg_error);
  });
}

// Runs one FFmpeg set-up call (open, probe); a failure throws "`what`: <error text> (<what FFmpeg logged
// during the call>)".
template <typename Call>
void check_logged(const char* what, Call call) {
  last_ffmpeg_error.clear();
  const int code = call();
  if (code >= 0) return;
  std::string reason = error_text(code);
  if (!last_ffmpeg_error.empty() && last_ffmpeg_error != reason) reason += " (" + last_ffmpeg_error + ")";
  throw Error(fmt::format("{}: {}", what, reason));
}

// Clockwise rotation (0/90/180/270) that makes the frame display upright, from the stream's display matrix.
// FFmpeg >= 6.1 moved stream side data into codecpar; 5.1 (Debian 12) only has av_stream_get_side_data.
int display_rotation(const AVStream& stream) {
  const uint8_t* matrix = nullptr;
#if LIBAVFORMAT_VERSION_INT >= AV_VERSION_INT(60, 15, 100)
  const AVPacketSideData* sd = av_packet_side_data_get(
      stream.codecpar->coded_side_data, stream.codecpar->nb_coded_side_data, AV_PKT_DATA_DISPLAYMATRIX);
  if (sd) matrix = sd->data;
#else
  matrix = av_stream_get_side_data(&stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
#endif
  if (!matrix) return 0;
  // av_display_rotation_get gives the counter-clockwise angle; the display needs the opposite turn,
  // exactly as the ffmpeg CLI's autorotate computes it.
  const double ccw = av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(ccw)) return 0;
  long cw = std::lround(-ccw);
  cw = ((cw % 360) + 360) % 360;
  return static_cast<int>(((cw + 45) / 90) * 90 % 360);
}

int64_t frame_duration(const AVFrame& f) {
#if LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(57, 30, 100)
  return f.duration;
#else
  return f.pkt_duration;  // AVFrame::duration only exists from FFmpeg 6.0 (lavu 57.30)
#endif
}

// Returns the first video stream that is real video, not cover art, preferring FFmpeg's own choice.
int pick_video_stream(AVFormatContext& fmt) {
  const int best = av_find_best_stream(&fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (best >= 0 && !(fmt.streams[best]->disposition & AV_DISPOSITION_ATTACHED_PIC)) return best;
  for (unsigned i = 0; i < fmt.nb_streams; ++i) {
    const AVStream* s = fmt.streams[i];
    if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && !(s->disposition & AV_DISPOSITION_ATTACHED_PIC))
      return static_cast<int>(i);
  }
  return -1;
}

constexpr size_t kMaxUnseenPackets = 4096;
constexpr size_t kMaxPacketSizes = size_t{1} << 21;

// The read position over an in-memory file, for a custom AVIOContext.
struct MemoryReader {
  std::span<const uint8_t> bytes;
  size_t pos = 0;

  static int read(void* opaque, uint8_t* buf, int size) {
    auto& m = *static_cast<MemoryReader*>(opaque);
    const size_t n = std::min(static_cast<size_t>(std::max(size, 0)), m.bytes.size() - m.pos);
    if (n == 0) return AVERROR_EOF;
    std::memcpy(buf, m.bytes.data() + m.pos, n);
    m.pos += n;
    return static_cast<int>(n);
  }

  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto& m = *static_cast<MemoryReader*>(opaque);
    const auto size = static_cast<int64_t>(m.bytes.size());
    // AVSEEK_SIZE asks for the size only; AVSEEK_FORCE is a hint a buffer can ignore.
    if (whence & AVSEEK_SIZE) return size;
    int64_t base = 0;
    switch (whence & ~AVSEEK_FORCE) {
      case SEEK_SET: base = 0; break;
      case SEEK_CUR: base = static_cast<int64_t>(m.pos); break;
      case SEEK_END: base = size; break;
      default: return AVERROR(EINVAL);
    }
    // Hostile offsets: compare before adding so the sum cannot overflow.
    if (offset < -base || offset > size - base) return AVERROR(EINVAL);
    m.pos = static_cast<size_t>(base + offset);
    return base + offset;
  }
};

// Demuxers such as HLS or image2 open further files through AVFormatContext::io_open; a buffer is one
// self-contained file, so they are refused rather than let read the disk or the network.
int refuse_nested_open(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

}  // namespace

struct VideoDecoder::Impl {
  std::string path;
  DecoderOptions options;
  // In-memory input (path is then unused). Declared before `format`, which must be closed first.
  MemoryReader memory;
  UniqueAvioContext avio;
  UniqueFormatContext format;
  UniqueCodecContext codec;
  UniquePacket packet{av_packet_alloc()};
  UniquePacket held{av_packet_alloc()};  // keyframes_only: the last keyframe read, not yet sent
  UniqueFrame frame{av_frame_alloc()};
  UniqueSwsContext sws;
  BoxScaler box;
  int stream_index = -1;
  AVRational stream_sar{0, 1};  // the container's or codec's sample aspect ratio, for frames that carry none
  VideoInfo info;
  FrameTimes times;
  Hasher64 hasher;
  bool finished = false;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  int64_t corrupt = 0;
  bool sought = false;     // a seek happened: the read was not one pass from start to end
  std::string truncation;  // set at the end of the first pass, when the file was cut short
  int64_t next_index = 0;
  int64_t last_pts = AV_NOPTS_VALUE;
  int64_t last_duration = 0;
  bool skipping = false;   // reference_frames_only or keyframes_only is in effect
  bool keys_only = false;  // keyframes_only is in effect
  // keyframes_only drains the codec after each keyframe: decoders that order output by picture order count
  // (HEVC) would otherwise hold back, or reorder, pictures whose neighbours they never see.
  bool drain_next = false, draining_key = false;
  // (pts, duration) of packets not yet counted, earliest first: a skipped frame's duration times the end of a
  // video whose last frame was skipped, as a decoded frame's would.
  std::priority_queue<std::pair<int64_t, int64_t>, std::vector<std::pair<int64_t, int64_t>>, std::greater<>> unseen;
  std::vector<PacketSize> sizes;  // keyframes_only: packets not yet taken by take_packets_before
  cv::Mat upright;  // scaled but not yet rotated; only used when rotation != 0
  // The colour parameters the current sws context was set up for.
  int sws_width = 0, sws_height = 0, sws_format = -1, sws_range = -1, sws_space = -1;

  void start(const DecoderOptions& o, bool from_memory) {
    silence_ffmpeg_logging();
    if (o.analysis_size < 8) throw ConfigError("analysis size must be at least 8");
    options = o;
    if (o.max_seconds > 0)
      deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                        std::chrono::duration<double>(o.max_seconds));
    open(from_memory);
  }

  [[noreturn]] void fail(const std::string& what, int code) const {
    throw Error(fmt::format("{}: {}", what, error_text(code)));
  }

  // libavcodec refuses a picture over codec->max_pixels with a bare EINVAL, before we see the frame.
  [[noreturn]] void fail_decoding(int code) const {
    const std::string what = fmt::format("decoding failed after {} frames", next_index);
    if (code == AVERROR(EINVAL) && options.max_pixels > 0)
      throw Error(fmt::format("{}: {} (a frame over --max-pixels {}?)", what, error_text(code), options.max_pixels));
    fail(what, code);
  }

  // The format context for `path`, or over `memory` through a custom AVIOContext when it holds bytes.
  void open_input(bool from_memory) {
    AVFormatContext* raw = nullptr;
    if (from_memory) {
      constexpr int kBufferSize = 1 << 16;
      auto* buffer = static_cast<uint8_t*>(av_malloc(kBufferSize));
      if (!buffer) throw Error("out of memory allocating the input buffer");
      avio.reset(avio_alloc_context(buffer, kBufferSize, 0, &memory, &MemoryReader::read, nullptr,
                                    &MemoryReader::seek));
      if (!avio) {
        av_free(buffer);
        throw Error("out of memory allocating the input buffer");
      }
      UniqueFormatContext fresh(avformat_alloc_context());
      if (!fresh) throw Error("out of memory allocating the format context");
      fresh->pb = avio.get();
      fresh->flags |= AVFMT_FLAG_CUSTOM_IO;  // closing the context must leave our AVIOContext alone
      fresh->io_open = refuse_nested_open;
      // Nested demuxers (concat) open their files with a fresh context, which inherits only the protocol
      // whitelist: an unknown name allows no protocol at all.
      if (av_opt_set(fresh.get(), "protocol_whitelist", "none", 0) < 0)
        throw Error("cannot restrict the protocols of an in-memory input");
      raw = fresh.release();
    }
    // On failure avformat_open_input frees the context it was given.
    const char* url = from_memory ? "" : path.c_str();
    check_logged("cannot open", [&] { return avformat_open_input(&raw, url, nullptr, nullptr); });
    format.reset(raw);
  }

  void open(bool from_memory) {
    if (!packet || !held || !frame) throw Error("out of memory allocating FFmpeg frame/packet");
    open_input(from_memory);
    check_logged("cannot read stream info", [&] { return avformat_find_stream_info(format.get(), nullptr); });

    stream_index = pick_video_stream(*format);
    if (stream_index < 0) throw Error("no video stream (audio-only, image-less or not a video file)");
    // Only the chosen stream is demuxed; audio and subtitle packets are dropped inside libavformat.
    for (unsigned i = 0; i < format->nb_streams; ++i)
      if (static_cast<int>(i) != stream_index) format->streams[i]->discard = AVDISCARD_ALL;

    const AVStream* stream = format->streams[stream_index];
    const AVCodecParameters* par = stream->codecpar;
    const AVCodec* decoder = avcodec_find_decoder(par->codec_id);
    if (!decoder) throw Error(fmt::format("no decoder for codec '{}'", avcodec_get_name(par->codec_id)));
    if (par->width <= 0 || par->height <= 0)
      throw Error(fmt::format("video stream has invalid size {}x{}", par->width, par->height));
    check_pixels(par->width, par->height);

    codec.reset(avcodec_alloc_context3(decoder));
    if (!codec) throw Error("out of memory allocating the decoder");
    if (int r = avcodec_parameters_to_context(codec.get(), par); r < 0) fail("bad codec parameters", r);
    // Without pkt_timebase some decoders cannot fill best_effort_timestamp and log warnings.
    codec->pkt_timebase = stream->time_base;
    // The container's size was checked above, but a stream may announce a bigger one in-band (a VP8 or
    // H.264 keyframe header) and the decoder allocates (and zeroes) that picture before we see the frame:
    // fuzz_decode found a 3 KB WebM (tests/data/fuzz/vp8_inband_size.webm) of 32x24 whose VP8 keyframes say
    // 16352x16103: 1.4 GB and 1.4 s before our own check refused it. With max_pixels set, libavcodec refuses
    // the size before allocating anything.
    if (options.max_pixels > 0) codec->max_pixels = options.max_pixels;
    codec->thread_count = options.threads;
    codec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    if (options.skip_deblock) {
      codec->skip_loop_filter = AVDISCARD_ALL;
      codec->flags2 |= AV_CODEC_FLAG2_FAST;  // allow non-spec-compliant speedups (e.g. H.264 chroma MC)
    }
    if (options.reduced_resolution && !options.display_size) {
      int level = 0;
      while (level < decoder->max_lowres && (par->width >> (level + 1)) >= 2 * options.analysis_size &&
             (par->height >> (level + 1)) >= 2 * options.analysis_size)
        ++level;
      codec->lowres = level;
    }
    skipping = (options.reference_frames_only || options.keyframes_only) &&
               !(format->iformat->flags & AVFMT_NOTIMESTAMPS);
    keys_only = skipping && options.keyframes_only;
    if (skipping && !keys_only) codec->skip_frame = AVDISCARD_NONREF;
    check_logged("cannot open decoder", [&] { return avcodec_open2(codec.get(), decoder, nullptr); });

    info.codec = decoder->name;
    info.coded_width = par->width;
    info.coded_height = par->height;
    info.rotation = display_rotation(*stream);
    stream_sar = stream->sample_aspect_ratio.num > 0 ? stream->sample_aspect_ratio : par->sample_aspect_ratio;
    const bool quarter = info.rotation == 90 || info.rotation == 270;
    info.display_width = quarter ? par->height : par->width;
    info.display_height = quarter ? par->width : par->height;
    const char* pix = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format));
    info.pixel_format = pix ? pix : "unknown";
    info.time_base = {stream->time_base.num, stream->time_base.den};
    info.avg_frame_rate = {stream->avg_frame_rate.num, stream->avg_frame_rate.den};
    info.num_frames_from_header = stream->nb_frames;
    if (format->duration != AV_NOPTS_VALUE && format->duration > 0)
      info.duration_from_header = static_cast<double>(format->duration) / AV_TIME_BASE;
    times = FrameTimes(info.time_base);
  }

  void check_pixels(int w, int h) const {
    const int64_t pixels = int64_t{w} * h;
    if (options.max_pixels > 0 && pixels > options.max_pixels)
      throw Error(fmt::format("frame size {}x{} exceeds --max-pixels {}", w, h, options.max_pixels));
  }

  // Scales the decoded frame straight to the analysis size with area averaging (what a thumbnail hash
  // wants), converting any pixel format and range to BGR24. Common YUV layouts take the BoxScaler;
  // full-size export frames and every other format go through swscale.
  void scale_into(const AVFrame& f, cv::Mat& dst, int width, int height) {
    if (!options.display_size && BoxScaler::supports(f.format)) {
      box.scale(f, dst, width, height);
      return;
    }
    dst.create(height, width, CV_8UC3);
    const int range = ffmpeg::raw_enum(f.color_range) == AVCOL_RANGE_JPEG ? 1 : 0;
    const int colorspace = ffmpeg::raw_enum(f.colorspace);
    const AVPixelFormat out_format = options.display_size && options.rgb ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_BGR24;
    if (!sws || f.width != sws_width || f.height != sws_height || f.format != sws_format ||
        range != sws_range || colorspace != sws_space) {
      // BITEXACT + ACCURATE_RND keep the output identical across CPUs with different SIMD paths.
      sws.reset(sws_getContext(f.width, f.height, static_cast<AVPixelFormat>(f.format), width, height,
                               out_format, SWS_AREA | SWS_ACCURATE_RND | SWS_BITEXACT, nullptr,
                               nullptr, nullptr));
      if (!sws)
        throw Error(fmt::format("cannot convert pixel format {} at {}x{}",
                                av_get_pix_fmt_name(static_cast<AVPixelFormat>(f.format)), f.width,
                                f.height));
      // Full-range and BT.709 sources would otherwise be read as limited-range BT.601.
      const int space = colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : colorspace;
      const int* coefficients = sws_getCoefficients(space);
      sws_setColorspaceDetails(sws.get(), coefficients, range, sws_getCoefficients(SWS_CS_DEFAULT), 1,
                               0, 1 << 16, 1 << 16);
      sws_width = f.width;
      sws_height = f.height;
      sws_format = f.format;
      sws_range = range;
      sws_space = colorspace;
    }
    uint8_t* planes[4] = {dst.data, nullptr, nullptr, nullptr};
    int strides[4] = {static_cast<int>(dst.step[0]), 0, 0, 0};
    sws_scale(sws.get(), f.data, f.linesize, 0, f.height, planes, strides);
  }

  // While non-reference frames are skipped, every video packet's presentation time is kept until a frame
  // at or after it comes out; the ones left behind were skipped frames. A packet without a time would leave
  // a frame unnumbered, so from then on nothing more is skipped.
  void remember_packet_time() {
    if (packet->pts == AV_NOPTS_VALUE) {
      stop_skipping();
      return;
    }
    unseen.emplace(packet->pts, packet->duration);
    // A broken stream whose times jump back could leave times behind forever; the oldest then count as
    // skipped, which keeps this bounded.
    if (unseen.size() > kMaxUnseenPackets) count_oldest_unseen();
  }

  void stop_skipping() {
    skipping = false;
    keys_only = false;
    codec->skip_frame = AVDISCARD_DEFAULT;
  }

  void send(const AVPacket* p) {
    const int sent = avcodec_send_packet(codec.get(), p);
    if (sent == AVERROR_INVALIDDATA) {
      ++corrupt;
    } else if (sent < 0) {
      fail_decoding(sent);
    }
  }

  // keyframes_only: a keyframe is sent only once the next one (or the end) is read. Frames shown before a
  // keyframe can follow it in the file (open GOPs, B-frames before a scene-change I-frame); their packet
  // times must be counted before the keyframe comes out, or the frame numbers after it would be wrong.
  bool send_held() {
    if (!held->data && !held->side_data_elems) return false;
    send(held.get());
    av_packet_unref(held.get());
    return true;
  }

  int64_t fallback_step() const {
    if (last_duration > 0) return last_duration;
    const AVRational fps = {info.avg_frame_rate.num, info.avg_frame_rate.den};
    const AVRational tb = {info.time_base.num, info.time_base.den};
    if (fps.num > 0 && fps.den > 0) {
      const int64_t step = av_rescale_q(1, av_inv_q(fps), tb);
      if (step > 0) return step;
    }
    return 1;
  }

  // Counts and times one frame: a decoded one, or one the decoder skipped, known from its packet.
  void count(int64_t pts, int64_t duration) {
    if (last_pts != AV_NOPTS_VALUE && pts > last_pts) last_duration = pts - last_pts;
    if (duration > 0) last_duration = duration;
    last_pts = pts;
    times.push(pts);
    ++next_index;
  }

  void count_oldest_unseen() {
    count(unseen.top().first, unseen.top().second);
    unseen.pop();
  }

  // The skipped frames shown before presentation time `pts` (all of them at the end: INT64_MAX).
  void count_skipped_before(int64_t pts) {
    while (!unseen.empty() && unseen.top().first < pts) count_oldest_unseen();
  }

  // The frame's shape as shown: its sample aspect ratio (the stream's when the frame has none) and rotation.
  // Clamped, as a corrupt SAR of 1:1000 would otherwise squeeze the framing views to nothing.
  double display_aspect(const AVFrame& f) const {
    AVRational sar = f.sample_aspect_ratio;
    if (sar.num <= 0 || sar.den <= 0) sar = stream_sar;
    const double shown = sar.num > 0 && sar.den > 0 ? av_q2d(sar) : 1.0;
    double aspect = f.height > 0 ? f.width * shown / f.height : 1.0;
    if (info.rotation == 90 || info.rotation == 270) aspect = 1.0 / aspect;
    return std::clamp(aspect, 0.25, 4.0);
  }

  void emit(AnalysisFrame& out) {
    check_pixels(frame->width, frame->height);
    int64_t pts = frame_timestamp(*frame);
    // No timestamp at all (raw elementary streams): continue from the previous frame.
    if (pts == AV_NOPTS_VALUE) pts = last_pts == AV_NOPTS_VALUE ? 0 : last_pts + fallback_step();
    count_skipped_before(pts);
    if (!unseen.empty() && unseen.top().first == pts) unseen.pop();  // this frame's own packet
    count(pts, frame_duration(*frame));

    out.index = next_index - 1;
    out.pts = pts;
    out.seconds = times.seconds_of_pts(pts);
    out.intra = frame->pict_type == AV_PICTURE_TYPE_I;
    out.display_aspect = display_aspect(*frame);
    // Upright size before rotation: the analysis square, or the coded size for display_size.
    int width = options.display_size ? info.coded_width : options.analysis_size;
    int height = options.display_size ? info.coded_height : options.analysis_size;
    if (options.display_size && options.output_width > 0 && options.output_height > 0) {
      const bool quarter = info.rotation == 90 || info.rotation == 270;
      width = quarter ? options.output_height : options.output_width;
      height = quarter ? options.output_width : options.output_height;
    }
    if (info.rotation == 0) {
      scale_into(*frame, out.bgr, width, height);
    } else {
      scale_into(*frame, upright, width, height);
      const int code = info.rotation == 90    ? cv::ROTATE_90_CLOCKWISE
                       : info.rotation == 180 ? cv::ROTATE_180
                                              : cv::ROTATE_90_COUNTERCLOCKWISE;
      cv::rotate(upright, out.bgr, code);
    }
    av_frame_unref(frame.get());
  }

  void finish() {
    count_skipped_before(INT64_MAX);
    finished = true;
    if (last_pts != AV_NOPTS_VALUE) times.set_end(last_pts + fallback_step());
    if (!sought) truncation = truncation_reason();
  }

  // A file cut short (a copy or download that stopped) demuxes without an error: the demuxer just meets the
  // end of the file early. Two signals of the container's own that it was meant to hold more, both taken only
  // after a read from start to end:
  //  - its index (MP4/MOV sample tables, an AVI idx1) places a video packet beyond the end of the file;
  //  - a container that keeps no frame count (Matroska/WebM) declares a duration in its header, and the
  //    video stops well before it: by more than 0.5 s and 5% (audio may outlast video a little, and the
  //    declared duration covers every stream). Durations FFmpeg estimated (from bit rate, or from the
  //    timestamps at the end of the file) say nothing about the original and are not used.
  std::string truncation_reason() const {
    AVStream& stream = *format->streams[stream_index];
    const int64_t size = avio_size(format->pb);
    if (const int entries = avformat_index_get_entries_count(&stream); entries > 0 && size > 0) {
      // The entries are in file order for these containers; the last one ends furthest.
      const AVIndexEntry* last = avformat_index_get_entry(&stream, entries - 1);
      if (last && last->pos + last->size > size)
        return fmt::format("the file ends at byte {}, but its index places frames up to byte {}", size,
                           last->pos + last->size);
    }
    if (stream.nb_frames > 0 || format->duration <= 0 ||
        format->duration_estimation_method != AVFMT_DURATION_FROM_STREAM || times.end_pts() == AV_NOPTS_VALUE)
      return {};
    const double start = format->start_time == AV_NOPTS_VALUE ? 0.0 : static_cast<double>(format->start_time) / AV_TIME_BASE;
    const double declared = static_cast<double>(format->duration) / AV_TIME_BASE;
    const double video_end = static_cast<double>(times.end_pts()) * av_q2d(stream.time_base) - start;
    if (declared - video_end > std::max(0.5, 0.05 * declared))
      return fmt::format("the video stops at {:.2f} s of the {:.2f} s its header declares", video_end, declared);
    return {};
  }

  bool next(AnalysisFrame& out) {
    if (finished) return false;
    for (;;) {
      const int got = avcodec_receive_frame(codec.get(), frame.get());
      if (got == 0) {
        emit(out);
        return true;
      }
      if (got == AVERROR_EOF && draining_key) {
        draining_key = false;
        avcodec_flush_buffers(codec.get());
        continue;
      }
      if (got == AVERROR_EOF) {
        finish();
        return false;
      }
      if (got != AVERROR(EAGAIN)) {
        // Frame-threaded decoders report a corrupt frame here rather than from send; skip it.
        if (got == AVERROR_INVALIDDATA) {
          ++corrupt;
          continue;
        }
        fail_decoding(got);
      }
      // The decoder wants input. After the flush packet it never says EAGAIN, so this is pre-EOF.
      if (drain_next) {
        drain_next = false;
        draining_key = true;
        avcodec_send_packet(codec.get(), nullptr);
        continue;
      }
      if (options.stop && options.stop->load(std::memory_order_relaxed)) throw Interrupted();
      // An endless stream, or one built to be extremely slow to decode, becomes an error, not a hang.
      if (std::chrono::steady_clock::now() > deadline)
        throw Error(fmt::format("gave up after {} s of decoding ({} frames; --max-seconds-per-video)",
                                options.max_seconds, next_index));
      const int read = av_read_frame(format.get(), packet.get());
      PacketUnref unref(packet.get());
      if (read == AVERROR_EOF || (read < 0 && avio_feof(format->pb))) {
        send_held();
        // Enter draining mode: the decoder then returns its buffered (reordered) frames, then EOF.
        avcodec_send_packet(codec.get(), nullptr);
        continue;
      }
      if (read < 0) fail(fmt::format("read failed after {} frames", next_index), read);
      if (packet->stream_index != stream_index) continue;
      hasher.update(packet->data, static_cast<size_t>(packet->size));
      if (skipping) remember_packet_time();
      if (keys_only) {
        // 24 bytes a packet, taken at every keyframe: only a huge stretch without one (19 hours at 30 fps)
        // reaches the bound, and then loses its oldest.
        if (sizes.size() >= kMaxPacketSizes) sizes.erase(sizes.begin(), sizes.begin() + kMaxPacketSizes / 2);
        sizes.push_back({packet->pts, packet->size, (packet->flags & AV_PKT_FLAG_KEY) != 0});
        if (!(packet->flags & AV_PKT_FLAG_KEY)) continue;
        drain_next = send_held();
        av_packet_move_ref(held.get(), packet.get());
        continue;
      }
      if (held->data || held->side_data_elems) {
        // keyframes_only ended on a packet without a time. One packet goes in per request; this one is next.
        send_held();
        av_packet_move_ref(held.get(), packet.get());
        continue;
      }
      send(packet.get());
    }
  }
};

VideoDecoder::VideoDecoder(const std::string& path, const DecoderOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->start(options, false);
}

VideoDecoder::VideoDecoder(std::span<const uint8_t> bytes, const DecoderOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->memory.bytes = bytes;
  impl_->start(options, true);
}

VideoDecoder::~VideoDecoder() = default;

void VideoDecoder::seek(int64_t pts, bool every_frame) {
  Impl& d = *impl_;
  if (int r = av_seek_frame(d.format.get(), d.stream_index, pts, AVSEEK_FLAG_BACKWARD); r < 0) d.fail("cannot seek", r);
  avcodec_flush_buffers(d.codec.get());
  d.sought = true;
  d.stop_skipping();
  if (!every_frame && d.options.reference_frames_only) d.codec->skip_frame = AVDISCARD_NONREF;
  av_packet_unref(d.held.get());
  d.drain_next = d.draining_key = false;
  d.unseen = {};
  d.finished = false;
}

const VideoInfo& VideoDecoder::info() const { return impl_->info; }
bool VideoDecoder::next(AnalysisFrame& out) { return impl_->next(out); }
const FrameTimes& VideoDecoder::frame_times() const { return impl_->times; }
uint64_t VideoDecoder::content_hash() const { return impl_->hasher.digest(); }
int64_t VideoDecoder::corrupt_packets() const { return impl_->corrupt; }
const std::string& VideoDecoder::truncation() const { return impl_->truncation; }

uint64_t VideoDecoder::stream_content_hash(const std::string& path, const std::atomic<bool>* stop) {
  // The same open (stream choice, discarded streams) and the same packets as next() hashes, minus the codec.
  Impl d;
  d.path = path;
  DecoderOptions options;
  options.stop = stop;
  d.start(options, false);
  for (;;) {
    if (stop && stop->load(std::memory_order_relaxed)) throw Interrupted();
    const int read = av_read_frame(d.format.get(), d.packet.get());
    PacketUnref unref(d.packet.get());
    if (read == AVERROR_EOF || (read < 0 && avio_feof(d.format->pb))) break;
    if (read < 0) d.fail("read failed", read);
    if (d.packet->stream_index == d.stream_index)
      d.hasher.update(d.packet->data, static_cast<size_t>(d.packet->size));
  }
  return d.hasher.digest();
}

std::vector<PacketSize> VideoDecoder::take_packets_before(int64_t pts) {
  auto& sizes = impl_->sizes;
  std::vector<PacketSize> taken;
  std::erase_if(sizes, [&](const PacketSize& p) {
    if (p.pts >= pts) return false;
    taken.push_back(p);
    return true;
  });
  return taken;
}

}  // namespace vidsplit
