// The frames of one clips.csv row, by the scan's frame numbers: what a training loader reads.
#include "vidsplit/decode.hpp"
#include "vidsplit/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace vidsplit {

namespace {

DecoderOptions clip_decoder_options(const ClipReadOptions& o) {
  DecoderOptions d;
  d.display_size = true;
  d.rgb = true;
  d.output_width = o.width;
  d.output_height = o.height;
  d.threads = o.threads;
  d.stop = o.stop;
  return d;
}

int64_t read_from_start(const std::string& path, int64_t start, int64_t end, const ClipReadOptions& options,
                        const ClipFrameSink& sink) {
  VideoDecoder decoder(path, clip_decoder_options(options));
  AnalysisFrame frame;
  while (decoder.next(frame)) {
    if (frame.index < start) continue;
    sink(frame.index, frame.bgr);
    if (frame.index + 1 == end) return end;
  }
  throw Error(fmt::format("frames {}..{} asked, but the video has {} frames", start, end,
                          decoder.frame_times().size()));
}

// A pts names one frame only where the times strictly increase (from the frame before the clip: a frame
// sharing the first one's time could be taken for it).
bool times_name_frames(const FrameTimes& times, int64_t start, int64_t end) {
  if (end > times.size()) return false;
  for (int64_t i = std::max<int64_t>(start, 1); i < end; ++i)
    if (times.pts(i) <= times.pts(i - 1)) return false;
  return true;
}

enum class SeekOutcome { Done, TooLate, OutOfPlace };

// From the keyframe at or before `seek_pts`: frames before the first intra frame are leading pictures of an
// open GOP, which may refer to frames before the seek point and so are not trusted; from there every frame
// with a time in the clip must be the next one `times` names.
SeekOutcome read_after_seek(VideoDecoder& decoder, const FrameTimes& times, int64_t start, int64_t end,
                            int64_t seek_pts, const ClipFrameSink& sink, int64_t& decoded) {
  decoder.seek(seek_pts);
  const int64_t first = times.pts(start);
  AnalysisFrame frame;
  bool keyed = false;
  int64_t next = start;
  while (decoder.next(frame)) {
    ++decoded;
    keyed = keyed || frame.intra;
    if (!keyed) continue;
    if (frame.pts < first && next == start) continue;
    if (frame.pts != times.pts(next)) return next == start && frame.pts > first ? SeekOutcome::TooLate
                                                                                   : SeekOutcome::OutOfPlace;
    sink(next, frame.bgr);
    if (++next == end) return SeekOutcome::Done;
  }
  return SeekOutcome::OutOfPlace;
}

}  // namespace

int64_t read_clip_frames(const std::string& path, int64_t start_frame, int64_t end_frame, const FrameTimes* times,
                         const ClipReadOptions& options, const ClipFrameSink& sink) {
  if (start_frame < 0 || end_frame <= start_frame)
    throw ConfigError(fmt::format("frames {}..{}: need 0 <= start_frame < end_frame", start_frame, end_frame));
  if ((options.width > 0) != (options.height > 0) || options.width < 0 || options.height < 0)
    throw ConfigError(fmt::format("size {}x{}: give both sides (> 0), or neither", options.width, options.height));
  int64_t decoded = 0;
  if (times && start_frame > 0 && times_name_frames(*times, start_frame, end_frame)) {
    // A demuxer may index keyframes by decoding time, which B-frames put before their presentation time: the
    // keyframe found for the clip's first time can show after it. Each retry looks further back.
    const Rational tb = times->time_base();
    const int64_t second = tb.num > 0 ? std::max<int64_t>(1, tb.den / tb.num) : 1;
    const int64_t first = times->pts(start_frame);
    try {
      VideoDecoder decoder(path, clip_decoder_options(options));
      for (const int64_t back : {int64_t{0}, second, 4 * second, 16 * second}) {
        if (first - back <= times->pts(0)) break;  // as far back as the start: reading from there is as cheap
        const SeekOutcome outcome =
            read_after_seek(decoder, *times, start_frame, end_frame, first - back, sink, decoded);
        if (outcome == SeekOutcome::Done) return decoded;
        if (outcome == SeekOutcome::OutOfPlace) break;
      }
    } catch (const Error&) {
      // A file that cannot seek, or fails after seeking, is read from the start; a real decoding error shows there.
    }
  }
  try {
    return decoded + read_from_start(path, start_frame, end_frame, options, sink);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace vidsplit
