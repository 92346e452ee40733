// The `clips` export: every segment as its own MP4. A segment that starts on a keyframe and ends on one (or at
// the end of the stream) is a stream copy of its packets; any other is decoded by the pipeline's decoder and
// re-encoded (libx264 when libavcodec has it, MPEG-4 part 2 otherwise).
#include "export/frames.hpp"

#include "decode/ffmpeg.hpp"
#include "vidsplit/csv.hpp"
#include "vidsplit/decode.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace vidsplit {

namespace fs = std::filesystem;
using namespace ffmpeg;

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& file, int code) {
  throw Error(fmt::format("{} {}: {}", what, file, error_text(code)));
}

}  // namespace

struct PacketInfo {
  int64_t pts = 0;
  bool key = false;
  size_t decode_index = 0;
};

// The video stream's packets in presentation order (metadata only: no payload is kept). The k-th packet by
// pts is decoded frame k when no frame is lost, which the copy path checks before trusting it.
struct PacketIndex {
  int stream = -1;
  std::vector<PacketInfo> by_pts;
};

namespace {

UniqueFormatContext open_input(const std::string& path) {
  AVFormatContext* raw = nullptr;
  if (int r = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); r < 0) fail("cannot open", path, r);
  UniqueFormatContext in(raw);
  if (int r = avformat_find_stream_info(in.get(), nullptr); r < 0) fail("cannot read stream info of", path, r);
  return in;
}

PacketIndex index_packets(const std::string& path) {
  UniqueFormatContext in = open_input(path);
  PacketIndex index;
  index.stream = av_find_best_stream(in.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index.stream < 0) throw Error(fmt::format("no video stream in {}", path));
  UniquePacket packet(av_packet_alloc());
  size_t n = 0;
  for (;;) {
    const int r = av_read_frame(in.get(), packet.get());
    PacketUnref unref(packet.get());
    if (r < 0) break;
    if (packet->stream_index != index.stream) continue;
    if (packet->pts == AV_NOPTS_VALUE) return {};  // no timestamps to cut on: always re-encode
    index.by_pts.push_back({packet->pts, (packet->flags & AV_PKT_FLAG_KEY) != 0, n++});
  }
  std::sort(index.by_pts.begin(), index.by_pts.end(), [](const auto& a, const auto& b) { return a.pts < b.pts; });
  return index;
}

UniqueOutputFormatContext open_output(const std::string& path, const char* container = "mp4") {
  AVFormatContext* raw = nullptr;
  if (int r = avformat_alloc_output_context2(&raw, nullptr, container, path.c_str()); r < 0)
    fail("cannot create", path, r);
  UniqueOutputFormatContext out(raw);
  // No encoder/muxer version strings in the file: the same input gives the same bytes.
  out->flags |= AVFMT_FLAG_BITEXACT;
  if (int r = avio_open(&out->pb, path.c_str(), AVIO_FLAG_WRITE); r < 0) fail("cannot write", path, r);
  return out;
}

// Packets [first, last) in decode order, when they hold exactly frames [start, end) of the index.
bool copyable(const PacketIndex& index, int64_t start, int64_t end, size_t& first, size_t& last) {
  const auto& p = index.by_pts;
  if (index.stream < 0 || end > static_cast<int64_t>(p.size()) || start >= end) return false;
  if (!p[start].key) return false;
  if (end < static_cast<int64_t>(p.size()) && !p[end].key) return false;
  first = p[start].decode_index;
  last = end < static_cast<int64_t>(p.size()) ? p[end].decode_index : p.size();
  if (last <= first || last - first != static_cast<size_t>(end - start)) return false;
  // Every packet decoded in that range must show a frame of the segment (no open-GOP leftovers).
  for (int64_t k = start; k < end; ++k)
    if (p[k].decode_index < first || p[k].decode_index >= last) return false;
  return true;
}

bool stream_copy(const std::string& src, const std::string& dst, const PacketIndex& index, int64_t start_pts,
                 size_t first, size_t last) {
  UniqueFormatContext in = open_input(src);
  const AVStream* in_stream = in->streams[index.stream];
  UniqueOutputFormatContext out = open_output(dst);
  AVStream* stream = avformat_new_stream(out.get(), nullptr);
  if (!stream) throw Error(fmt::format("out of memory creating {}", dst));
  if (int r = avcodec_parameters_copy(stream->codecpar, in_stream->codecpar); r < 0) fail("cannot copy codec of", src, r);
  stream->codecpar->codec_tag = 0;  // let the mp4 muxer choose the tag for this codec
  stream->time_base = in_stream->time_base;
  // A codec the mp4 muxer cannot hold is not an error: the caller re-encodes instead.
  if (avformat_write_header(out.get(), nullptr) < 0) return false;
  UniquePacket packet(av_packet_alloc());
  size_t n = 0;
  while (n < last) {
    const int r = av_read_frame(in.get(), packet.get());
    PacketUnref unref(packet.get());
    if (r < 0) break;
    if (packet->stream_index != index.stream) continue;
    if (n++ < first) continue;
    packet->stream_index = 0;
    packet->pts -= start_pts;
    if (packet->dts != AV_NOPTS_VALUE) packet->dts -= start_pts;
    packet->pos = -1;
    av_packet_rescale_ts(packet.get(), in_stream->time_base, stream->time_base);
    if (int w = av_interleaved_write_frame(out.get(), packet.get()); w < 0) fail("cannot write", dst, w);
  }
  if (int r = av_write_trailer(out.get()); r < 0) fail("cannot finish", dst, r);
  return true;
}

// MP4 with libx264 (MPEG-4 part 2 when libavcodec lacks it), or AVI with MPEG-4 part 2 at a fixed high
// quality (the codec family of the UCF101 files themselves).
enum class Target { Mp4, Avi };

class Encoder {
 public:
  Encoder(const std::string& dst, int width, int height, Rational time_base, Target target = Target::Mp4)
      : dst_(dst) {
    out_ = open_output(dst, target == Target::Avi ? "avi" : "mp4");
    const AVCodec* codec = target == Target::Avi ? nullptr : avcodec_find_encoder_by_name("libx264");
    if (!codec) codec = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
    if (!codec) throw Error("no H.264 or MPEG-4 encoder in this libavcodec");
    ctx_.reset(avcodec_alloc_context3(codec));
    if (!ctx_) throw Error("out of memory allocating the encoder");
    // yuv420p needs even sizes.
    ctx_->width = std::max(2, width & ~1);
    ctx_->height = std::max(2, height & ~1);
    ctx_->pix_fmt = AV_PIX_FMT_YUV420P;
    // MPEG-4 part 2 limits the time base denominator to 16 bits; x264 takes the source's as is.
    in_tb_ = {time_base.num, time_base.den};
    ctx_->time_base = codec->id == AV_CODEC_ID_MPEG4 && time_base.den > 65535 ? AVRational{1, 1000} : in_tb_;
    // One encoder thread: with frame threads, libx264 (Debian 12) produced different bytes between runs on
    // a loaded machine, and re-encoded clips must be byte-identical for the same inputs. Decoding still
    // uses `threads`.
    ctx_->thread_count = 1;
    ctx_->flags |= AV_CODEC_FLAG_BITEXACT;
    if (out_->oformat->flags & AVFMT_GLOBALHEADER) ctx_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (codec->id == AV_CODEC_ID_H264) {
      av_opt_set(ctx_->priv_data, "preset", "veryfast", 0);
      av_opt_set(ctx_->priv_data, "crf", "18", 0);
      // libx264's SIMD code gave different bytes from run to run for identical pictures whenever other
      // threads were busy (Debian 12, x264 core 164, an AVX-512 machine; its plain C code never did). Exports
      // must be byte-identical, and the C code is the same on every CPU, so clips pay ~2x encoding time.
      av_opt_set(ctx_->priv_data, "x264-params", "asm=0", 0);
    } else if (target == Target::Avi) {
      // Quantiser 2 of 31: training data keeps nearly all detail.
      ctx_->flags |= AV_CODEC_FLAG_QSCALE;
      ctx_->global_quality = FF_QP2LAMBDA * 2;
    } else {
      ctx_->bit_rate = int64_t{8} * ctx_->width * ctx_->height;  // ~0.25 bit per pixel at 30 fps
    }
    if (int r = avcodec_open2(ctx_.get(), codec, nullptr); r < 0) fail("cannot open encoder for", dst, r);
    stream_ = avformat_new_stream(out_.get(), nullptr);
    if (!stream_) throw Error(fmt::format("out of memory creating {}", dst));
    if (int r = avcodec_parameters_from_context(stream_->codecpar, ctx_.get()); r < 0) fail("cannot set up", dst, r);
    stream_->time_base = ctx_->time_base;
    if (int r = avformat_write_header(out_.get(), nullptr); r < 0) fail("cannot write header of", dst, r);
    frame_.reset(av_frame_alloc());
    packet_.reset(av_packet_alloc());
    frame_->format = ctx_->pix_fmt;
    frame_->width = ctx_->width;
    frame_->height = ctx_->height;
    if (int r = av_frame_get_buffer(frame_.get(), 0); r < 0) fail("cannot allocate a frame for", dst, r);
  }

  void add(const cv::Mat& bgr, int64_t pts) {
    if (int r = av_frame_make_writable(frame_.get()); r < 0) fail("cannot encode", dst_, r);
    if (!sws_)
      sws_.reset(sws_getContext(bgr.cols, bgr.rows, AV_PIX_FMT_BGR24, ctx_->width, ctx_->height, AV_PIX_FMT_YUV420P,
                                SWS_BICUBIC | SWS_ACCURATE_RND | SWS_BITEXACT, nullptr, nullptr, nullptr));
    if (!sws_) throw Error(fmt::format("cannot convert frames for {}", dst_));
    const uint8_t* planes[4] = {bgr.data, nullptr, nullptr, nullptr};
    const int strides[4] = {static_cast<int>(bgr.step[0]), 0, 0, 0};
    sws_scale(sws_.get(), planes, strides, 0, bgr.rows, frame_->data, frame_->linesize);
    frame_->pts = av_rescale_q(pts, in_tb_, ctx_->time_base);
    if (last_pts_ != AV_NOPTS_VALUE && frame_->pts > last_pts_) step_ = frame_->pts - last_pts_;
    last_pts_ = frame_->pts;
    send(frame_.get());
  }

  void finish() {
    send(nullptr);
    if (int r = av_write_trailer(out_.get()); r < 0) fail("cannot finish", dst_, r);
  }

 private:
  void send(AVFrame* f) {
    if (int r = avcodec_send_frame(ctx_.get(), f); r < 0) fail("cannot encode", dst_, r);
    for (;;) {
      const int r = avcodec_receive_packet(ctx_.get(), packet_.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      if (r < 0) fail("cannot encode", dst_, r);
      PacketUnref unref(packet_.get());
      // Without a duration the mp4 muxer gives the last sample none, and its edit list then hides that frame.
      if (packet_->duration <= 0) packet_->duration = step_;
      av_packet_rescale_ts(packet_.get(), ctx_->time_base, stream_->time_base);
      packet_->stream_index = 0;
      if (int w = av_interleaved_write_frame(out_.get(), packet_.get()); w < 0) fail("cannot write", dst_, w);
    }
  }

  std::string dst_;
  UniqueOutputFormatContext out_;
  UniqueCodecContext ctx_;
  AVStream* stream_ = nullptr;
  UniqueFrame frame_;
  UniquePacket packet_;
  UniqueSwsContext sws_;
  AVRational in_tb_{1, 1};
  int64_t last_pts_ = AV_NOPTS_VALUE;
  int64_t step_ = 1;  // the last frame step, in the encoder's time base
};

void reencode(const std::string& src, const std::string& dst, int64_t start, int64_t end, const ExportOptions& o) {
  DecoderOptions d;
  d.display_size = true;
  d.threads = o.threads;
  d.stop = o.stop;
  VideoDecoder decoder(src, d);
  AnalysisFrame frame;
  std::unique_ptr<Encoder> encoder;
  int64_t start_pts = 0;
  while (decoder.next(frame) && frame.index < end) {
    if (frame.index < start) continue;
    if (!encoder) {
      encoder = std::make_unique<Encoder>(dst, frame.bgr.cols, frame.bgr.rows, decoder.info().time_base);
      start_pts = frame.pts;
    }
    encoder->add(frame.bgr, frame.pts - start_pts);
  }
  if (!encoder) throw Error(fmt::format("no frames {}-{} in {}", start, end, src));
  encoder->finish();
}

}  // namespace

SegmentCutter::SegmentCutter(const ExportVideo& video, const ExportOptions& options)
    : video_(video), options_(options), index_(std::make_shared<PacketIndex>()) {
  try {
    if (!options.reencode) *index_ = index_packets(video.path);
  } catch (const Error& e) {
    throw Error(fmt::format("cannot export clips of {}: {}", video.video, e.what()));
  }
}

bool SegmentCutter::cut(int64_t start, int64_t end, const fs::path& dst) const {
  std::error_code ec;
  fs::create_directories(dst.parent_path(), ec);
  if (ec) throw Error(fmt::format("cannot create folder {}: {}", dst.parent_path().string(), ec.message()));
  // Written beside the target and renamed: a killed export leaves no half clip under its final name.
  const std::string tmp = dst.string() + ".part.mp4";
  size_t first = 0, last = 0;
  bool copied = false;
  try {
    if (!options_.reencode && copyable(*index_, start, end, first, last))
      copied = stream_copy(video_.path, tmp, *index_, index_->by_pts[start].pts, first, last);
    if (!copied) reencode(video_.path, tmp, start, end, options_);
  } catch (const Error& e) {
    fs::remove(tmp, ec);
    throw Error(fmt::format("cannot export {} frames {}-{}: {}", video_.video, start, end, e.what()));
  }
  fs::rename(tmp, dst, ec);
  if (ec) throw Error(fmt::format("cannot replace {}: {}", dst.string(), ec.message()));
  return copied;
}

void transcode_to_avi(const ExportVideo& video, const fs::path& dst, const ExportOptions& options) {
  const std::string tmp = dst.string() + ".part.avi";
  std::error_code ec;
  try {
    DecoderOptions d;
    d.display_size = true;
    d.threads = options.threads;
    d.stop = options.stop;
    VideoDecoder decoder(video.path, d);
    // AVI stores no presentation times, only a frame rate: frame k is shown at k / rate. The rate is the
    // stream's average, and each frame goes to the nearest slot after the previous one's.
    const Rational rate = decoder.info().avg_frame_rate;
    if (rate.num <= 0 || rate.den <= 0) throw Error("the stream gives no frame rate");
    const AVRational slot_tb{rate.den, rate.num};
    const AVRational src_tb{decoder.info().time_base.num, decoder.info().time_base.den};
    AnalysisFrame frame;
    std::unique_ptr<Encoder> encoder;
    int64_t first_pts = 0, slot = -1;
    while (decoder.next(frame)) {
      if (!encoder) {
        encoder = std::make_unique<Encoder>(tmp, frame.bgr.cols, frame.bgr.rows, Rational{rate.den, rate.num},
                                            Target::Avi);
        first_pts = frame.pts;
      }
      slot = std::max(slot + 1, av_rescale_q_rnd(frame.pts - first_pts, src_tb, slot_tb, AV_ROUND_NEAR_INF));
      encoder->add(frame.bgr, slot);
    }
    if (!encoder) throw Error("no frames");
    encoder->finish();
  } catch (const Error& e) {
    fs::remove(tmp, ec);
    throw Error(fmt::format("cannot transcode {} ({}) to AVI: {}", video.video, video.path, e.what()));
  }
  fs::rename(tmp, dst, ec);
  if (ec) throw Error(fmt::format("cannot replace {}: {}", dst.string(), ec.message()));
}

ExportResult export_clip_files(const ExportPlan& plan, const ExportOptions& options) {
  const fs::path root = options.to;
  const CsvCells cells = options.csv_safe ? CsvCells::SpreadsheetSafe : CsvCells::Exact;
  ExportResult result;
  struct Written {
    std::string rel;  // under the target folder
    const ExportSegment* segment;
  };
  std::vector<Written> written;
  std::string list;
  append_csv_row(list, {"file", "label", "split", "video", "start_frame", "end_frame", "method", "start_sec",
                        "end_sec"});
  for (size_t v = 0; v < plan.videos.size(); ++v) {
    const ExportVideo& video = plan.videos[v];
    bool any = false;
    for (const ExportSegment& s : plan.segments) any = any || s.video == v;
    if (!any) continue;
    const SegmentCutter cutter(video, options);
    for (const ExportSegment& s : plan.segments) {
      if (s.video != v) continue;
      const std::string rel = fmt::format("{}/{}/{}_{}-{}.mp4", s.split, video.folder,
                                          fs::path(video.name).stem().string(), s.start_frame, s.end_frame);
      const bool copied = cutter.cut(s.start_frame, s.end_frame, root / rel);
      const auto [start_sec, end_sec] = segment_seconds(video, s);
      append_csv_row(list, {rel, video.label, s.split, video.video, std::to_string(s.start_frame),
                            std::to_string(s.end_frame), copied ? "copy" : "reencode", start_sec, end_sec}, cells);
      written.push_back({rel, &s});
    }
    ++result.videos_placed;
  }
  const auto write = [&](const std::string& rel, const std::string& content) {
    write_file_atomic((root / rel).string(), content);
    result.files.push_back(rel);
  };
  write("clips.csv", list);
  // The same clips for mmaction2 (VideoDataset, data_prefix=dict(video=DIR)) and PyTorchVideo
  // (LabeledVideoPaths.from_csv, video_path_prefix=DIR): both read "<path> <class>" lines.
  std::string map;
  for (const std::string& l : plan.labels) map += l + "\n";
  write("label_map.txt", map);
  for (const ExportList& l : export_lists(plan)) {
    std::string lines;
    for (const Written& w : written)
      if (l.holds(w.segment->split))
        lines += fmt::format("{} {}\n", w.rel, plan.label_index(plan.videos[w.segment->video].label));
    write(l.name + "_list_videos.txt", lines);
  }
  // HF videofolder finds splits by folder name; folds have no such name, so they get no metadata.
  if (plan.folds == 0)
    for (const std::string& split : plan.splits) {
      std::string csv;
      append_csv_row(csv, {"file_name", "label"});
      for (const Written& w : written)
        if (w.segment->split == split)
          append_csv_row(csv, {w.rel.substr(split.size() + 1), plan.videos[w.segment->video].label}, cells);
      write(split + "/metadata.csv", csv);
    }
  std::sort(result.files.begin(), result.files.end());
  return result;
}

}  // namespace vidsplit
