// Stage 1: decoding. Streams the best video stream of any file FFmpeg reads, one small frame at a time.
#pragma once

#include "vidsplit/frame.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace vidsplit {

struct DecoderOptions {
  int threads = 0;          // codec threads; 0 lets FFmpeg pick from the core count
  int analysis_size = 64;   // frames are scaled to analysis_size x analysis_size
  int64_t max_pixels = 0;   // refuse coded frames larger than this (0 = no limit)
  double max_seconds = 0;   // give up on a video after this much wall-clock time decoding it (0 = no limit)
  // Skip the in-loop deblocking filter (H.264/HEVC/VP9...): faster, slightly blockier frames, which a 64x64
  // analysis frame barely sees. Frame count and timestamps are unchanged.
  bool skip_deblock = false;
  // Decode only the frames other frames refer to (I, P and reference B frames): the non-reference B frames
  // are skipped but still counted and timed from their packets, so frame numbers and timestamps stay those
  // of a full decode; next() then returns frames with gaps in their indices. Needs packet timestamps;
  // streams without them (raw H.264, AVI with B-frames) are decoded whole.
  bool reference_frames_only = false;
  // Decode only keyframes (the packets the container marks as random-access points), counting and timing
  // every other frame from its packet as reference_frames_only does. The coarse pass of a keyframe-first scan
  // (ScanOptions::keyframes_first). Takes precedence over reference_frames_only.
  bool keyframes_only = false;
  // Let codecs that can (MPEG-1/2/4 part 2, MJPEG, DV...; not H.264, HEVC, VP9 or AV1) decode at 1/2, 1/4 or
  // 1/8 size, as long as the picture stays at least twice the analysis size. Ignored with display_size.
  bool reduced_resolution = false;
  // Exports (frame extraction) want real pictures: when set, frames come at the video's display size
  // (VideoInfo::display_width x display_height, after rotation) instead of the analysis square.
  bool display_size = false;
  // With display_size: frames scaled to this size (after rotation) instead of the display size; 0 = display size.
  int output_width = 0;
  int output_height = 0;
  // With display_size: frames in RGB order (what Python and PyTorch take) instead of OpenCV's BGR. The
  // AnalysisFrame::bgr field then holds RGB.
  bool rgb = false;
  const std::atomic<bool>* stop = nullptr;  // polled between packets; set it to abandon decoding
};

// A video packet as read from the file: what a keyframes-only decode knows of the frames it skips.
struct PacketSize {
  int64_t pts = 0;  // presentation time, in VideoInfo::time_base
  int64_t bytes = 0;
  bool key = false;
};

class VideoDecoder {
 public:
  // Opens the file and its best video stream. Throws Error naming the reason.
  VideoDecoder(const std::string& path, const DecoderOptions& options);
  // Reads a whole video file held in memory (fuzzing, tests); `bytes` must outlive the decoder. Formats
  // that would open further files or URLs (playlists, concat lists, image sequences) fail to open.
  VideoDecoder(std::span<const uint8_t> bytes, const DecoderOptions& options);
  ~VideoDecoder();
  VideoDecoder(const VideoDecoder&) = delete;
  VideoDecoder& operator=(const VideoDecoder&) = delete;

  const VideoInfo& info() const;

  // Decodes the next frame in presentation order into `out` (its buffer is reused). Returns false at
  // the end of the stream. Throws Error on a read failure that is not a recoverable corrupt packet,
  // and Interrupted when options.stop is set.
  bool next(AnalysisFrame& out);

  // Goes back to the keyframe at or before presentation time `pts` (in VideoInfo::time_base): next() then
  // returns the frames from there. With every_frame, all of them: reference_frames_only and keyframes_only
  // end. Without, reference_frames_only goes on skipping (keyframes_only always ends). Skipped frames can only
  // be counted from the start, so frame indices and frame_times() no longer follow the video after a seek; use
  // AnalysisFrame::pts. Throws Error when the file cannot seek.
  void seek(int64_t pts, bool every_frame = true);

  // Timestamps of every frame returned so far; complete (with the end time) once next() returned false.
  const FrameTimes& frame_times() const;
  // 64-bit hash of the video stream's packet payloads: equal for byte-identical streams, whatever the
  // container or audio. Complete once next() returned false.
  uint64_t content_hash() const;
  // Packets the decoder rejected as corrupt; the stream went on after each.
  int64_t corrupt_packets() const;
  // The content_hash() a full decode of `path` ends with, from demuxing alone (no decoding): how an export
  // checks that a file is still the one scanned. Throws Error when the file cannot be read as a video, and
  // Interrupted when `stop` is set.
  static uint64_t stream_content_hash(const std::string& path, const std::atomic<bool>* stop = nullptr);
  // Why the file looks cut short (its index or header promise more than it holds); empty when it does not,
  // or before next() returned false, or when a seek came first.
  const std::string& truncation() const;
  // keyframes_only: the sizes of the video packets read so far that show before presentation time `pts`,
  // each returned once (then forgotten). An encoder spends on a frame what it cannot predict: a frame far
  // larger than its neighbours is a new picture (a cut) even when no keyframe marks it.
  std::vector<PacketSize> take_packets_before(int64_t pts);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ClipReadOptions {
  int threads = 0;  // codec threads; 0 lets FFmpeg pick from the core count
  int width = 0;    // output size (after rotation); 0 x 0 = the video's display size
  int height = 0;
  const std::atomic<bool>* stop = nullptr;  // polled between packets; Interrupted when set
};
// Receives frame `index` of the video (RGB24, height x width); may be called again for the same index.
using ClipFrameSink = std::function<void(int64_t index, const cv::Mat& rgb)>;

// The frames [start_frame, end_frame) of the video at `path`, numbered as a scan numbers them (decoded frames in
// presentation order), each handed to `sink`. With `times` (the video's FrameTimes from its scan) it seeks to a
// keyframe before start_frame and checks every frame it hands against `times`: a frame out of place (a file that
// seeks inexactly, leading frames of an open GOP, timestamps that repeat) makes it decode again from the first
// frame, handing those frames again. Without `times`, it decodes from the first frame. Returns how many frames it
// decoded. Throws ConfigError for an empty range or a size of one side only, Error naming the file when the video
// cannot be decoded or ends before end_frame, and Interrupted when options.stop is set.
int64_t read_clip_frames(const std::string& path, int64_t start_frame, int64_t end_frame, const FrameTimes* times,
                         const ClipReadOptions& options, const ClipFrameSink& sink);

}  // namespace vidsplit
