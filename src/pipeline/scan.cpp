#include "vidsplit/scan.hpp"

#include "vidsplit/cache.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/threads.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

namespace vidsplit {

namespace fs = std::filesystem;

namespace {

// Errors FFmpeg reports for a missing or empty file are generic ("No such file", "Invalid data"), so the
// obvious cases are checked first with a plainer reason.
void check_file(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw Error("file not found");
  if (fs::is_directory(status)) throw Error("is a directory, not a video file");
  if (fs::file_size(path, ec) == 0 && !ec) throw Error("file is empty (0 bytes)");
}

// Detectors see the analysed frames numbered 0, 1, 2, ... When the decoder skips frames (--speed ref-frames)
// those are not the video's frame numbers; this maps one to the other. A number one past the last analysed
// frame (the end of a transition still open at the end) maps to one past the last video frame seen.
class AnalysedFrames {
 public:
  int64_t add(int64_t video_frame, bool intra) {
    video_frames_.push_back(video_frame);
    intra_.push_back(intra);
    if (intra) intra_frames_.push_back(video_frame);
    return static_cast<int64_t>(video_frames_.size()) - 1;
  }
  int64_t video_frame(int64_t analysed) const {
    if (analysed < static_cast<int64_t>(video_frames_.size())) return video_frames_[static_cast<size_t>(analysed)];
    return analysed == INT64_MAX || video_frames_.empty() ? analysed : video_frames_.back() + 1;
  }
  // The analysed frame before video frame `frame` (-1 if none), and whether `frame` was analysed as an I-frame.
  std::pair<int64_t, bool> before(int64_t frame) const {
    const auto it = std::lower_bound(video_frames_.begin(), video_frames_.end(), frame);
    const bool intra = it != video_frames_.end() && *it == frame && intra_[static_cast<size_t>(it - video_frames_.begin())];
    return {it == video_frames_.begin() ? -1 : *(it - 1), intra};
  }
  // The last I-frame analysed at or before video frame `frame` (0 if none): where decoding that frame again
  // starts at the latest.
  int64_t intra_before(int64_t frame) const {
    const auto it = std::upper_bound(intra_frames_.begin(), intra_frames_.end(), frame);
    return it == intra_frames_.begin() ? 0 : *(it - 1);
  }

 private:
  std::vector<int64_t> video_frames_;  // 8 bytes a frame: 1.7 MB for two hours at 30 fps
  std::vector<bool> intra_;
  std::vector<int64_t> intra_frames_;
};

// Mean absolute change of two frames' 16x16 luma thumbnails (0-255).
double thumb_change(const FrameSignature& a, const FrameSignature& b) {
  double sum = 0;
  for (size_t i = 0; i < a.thumb.size(); ++i) sum += std::abs(int{a.thumb[i]} - int{b.thumb[i]});
  return sum / static_cast<double>(a.thumb.size());
}

// How much the picture changes from one frame to the next: colour histogram plus thumbnail difference.
double picture_change(const FrameSignature& a, const FrameSignature& b) {
  return histogram_distance(a.hist, b.hist) + thumb_change(a, b) / 255.0;
}

// Coarse to fine, for --speed ref-frames: a cut found at analysed frame c, whose previous analysed frame p is not
// its neighbour, lies somewhere in (p, c]. Unless c is an I-frame (encoders start scenes with one), the frames
// p..c are decoded in full, from the keyframe before p, and the cut moves to the one that changes most from its
// predecessor. `decoder` has finished the coarse pass; seeking it back decodes every frame. A stretch that does
// not decode whole keeps the coarse cut.
// The frames decoded again come out of those the speed mode skipped (`budget`), so that a scan with a speed mode
// never decodes more frames than a full one: a short clip with a single keyframe would otherwise decode most of
// itself twice for one cut. A cut beyond the budget stays on c, at most the run of skipped frames before it (the
// encoder's B-frames, usually 1 to 3) late.
void refine_cuts(VideoScan& scan, VideoDecoder& decoder, const AnalysedFrames& analysed) {
  SignatureExtractor extractor;
  AnalysisFrame frame;
  FrameFeatures features;
  int64_t budget = scan.frames - scan.decoded_frames;
  for (size_t i = 1; i < scan.shots.size(); ++i) {
    Shot& left = scan.shots[i - 1];
    Shot& right = scan.shots[i];
    if (left.kind != ShotKind::Shot || right.kind != ShotKind::Shot) continue;
    const int64_t c = right.start_frame;
    const auto [p, intra] = analysed.before(c);
    if (p < left.start_frame || c - p < 2 || intra) continue;
    const int64_t cost = c - analysed.intra_before(p) + 1;
    if (cost > budget) continue;
    budget -= cost;
    const int64_t first = scan.times.pts(p), last = scan.times.pts(c);
    std::vector<FrameSignature> stretch;  // frames p..c in presentation order
    try {
      decoder.seek(first);
      while (decoder.next(frame) && frame.pts <= last) {
        if (frame.pts < first) continue;
        extractor.compute(frame, features);
        stretch.push_back(features.signature);
      }
    } catch (const Error&) {
      continue;  // a stretch that does not seek or decode keeps its coarse cut
    }
    if (static_cast<int64_t>(stretch.size()) != c - p + 1) continue;
    size_t cut = 1;
    double most = picture_change(stretch[0], stretch[1]);
    for (size_t k = 2; k < stretch.size(); ++k)
      if (const double change = picture_change(stretch[k - 1], stretch[k]); change > most) {
        most = change;
        cut = k;
      }
    const int64_t k = p + static_cast<int64_t>(cut);
    left.end_frame = right.start_frame = k;
    left.end_sec = right.start_sec = scan.times.seconds(k);
  }
}

// Everything after decoding, for one video: signatures -> detector -> shot list, one analysed frame at a time
// in presentation order (every frame of the video, or a subset when the decoder skips some). Frames whose shot
// is not decided yet (a fade detector still looking back) wait in `waiting_`, which the detector's
// settled_before() bounds.
class FrameAnalyser {
 public:
  FrameAnalyser(const ScanOptions& options, const std::function<void(int64_t)>& on_frames)
      : options_(options),
        on_frames_(on_frames),
        detector_(make_detector(options.detector, options.detection)),
        shots_(options.keyframes_per_clip) {}

  // A decoded frame; frame.index is its number in the video.
  void add(const AnalysisFrame& frame) {
    extractor_.compute(frame, features_);
    add(frame.index, frame.intra, features_, features_.signature);
  }

  // A frame whose features are known (features.index is set here): `keep` is what the shot list keeps of it.
  void add(int64_t video_frame, bool intra, FrameFeatures& features, const FrameSignature& keep) {
    unreported_ += video_frame - last_frame_;
    last_frame_ = video_frame;
    ++added_;
    features.index = analysed_.add(video_frame, intra);
    detector_->process(features, boundaries_);
    features.index = video_frame;
    if (options_.on_frame) options_.on_frame(features, *detector_);
    waiting_.push_back({video_frame, features.seconds, keep});
    settle(detector_->settled_before());
    if (unreported_ >= 64) {
      on_frames_(unreported_);
      unreported_ = 0;
    }
  }

  // Frames first+1 .. end-1 stand for a stretch that was not decoded because its keyframes showed one continuous
  // shot in motion: a boundary the detectors report in there comes from the blends, not from the video.
  void quiet(int64_t first, int64_t end) { quiet_.emplace_back(first, end); }

  int64_t last_frame() const { return last_frame_; }
  int64_t frames_added() const { return added_; }
  const AnalysedFrames& analysed() const { return analysed_; }

  // The shot list, once every frame was added; `times` counts the video's frames.
  std::vector<Shot> finish(const FrameTimes& times) {
    on_frames_(unreported_ + times.size() - 1 - last_frame_);
    detector_->flush(boundaries_);
    settle(INT64_MAX);
    return shots_.finish(times);
  }

 private:
  void settle(int64_t before) {
    for (Boundary b : boundaries_) {
      b.start = analysed_.video_frame(b.start);
      b.end = analysed_.video_frame(b.end);
      const auto in_quiet = [&](const std::pair<int64_t, int64_t>& q) {
        return b.kind == BoundaryKind::Cut ? q.first < b.start && b.start < q.second
                                           : b.start < q.second && b.end > q.first + 1;
      };
      if (std::none_of(quiet_.begin(), quiet_.end(), in_quiet)) shots_.add_boundary(b);
    }
    boundaries_.clear();
    const int64_t video_before = analysed_.video_frame(before);
    while (!waiting_.empty() && waiting_.front().index < video_before) {
      shots_.add_frame(waiting_.front().index, waiting_.front().seconds, waiting_.front().signature);
      waiting_.pop_front();
    }
  }

  const ScanOptions& options_;
  const std::function<void(int64_t)>& on_frames_;
  std::unique_ptr<ShotDetector> detector_;
  SignatureExtractor extractor_;
  ShotListBuilder shots_;
  FrameFeatures features_;
  AnalysedFrames analysed_;
  std::vector<Boundary> boundaries_;
  // Frames the detector has not settled yet: what the shot list will keep of each.
  struct Waiting {
    int64_t index;
    double seconds;
    FrameSignature signature;
  };
  std::deque<Waiting> waiting_;
  std::vector<std::pair<int64_t, int64_t>> quiet_;
  int64_t unreported_ = 0, last_frame_ = -1;  // progress counts video frames, skipped ones included
  int64_t added_ = 0;
};

// `times` and `content_hash` come from the decoder that read the whole video once.
void finish_scan(VideoScan& scan, const FrameTimes& times, uint64_t content_hash, FrameAnalyser& analyser) {
  scan.frames = times.size();
  // Frames skipped by --speed ref-frames are counted from their packets: a stream none of whose frames
  // decoded has packets but no pictures, so what counts here is that one frame was analysed.
  if (analyser.last_frame() < 0) throw Error("no decodable video frames");
  scan.times = times;
  scan.content_hash = content_hash;
  scan.shots = analyser.finish(scan.times);
  scan.decoded_frames = analyser.frames_added();
}

// The plain scan: every frame the decoder gives (all of them, or the reference frames for --speed ref-frames).
void scan_in_order(VideoScan& scan, VideoDecoder& decoder, const ScanOptions& options,
                   const std::function<void(int64_t)>& on_frames) {
  scan.info = decoder.info();
  FrameAnalyser analyser(options, on_frames);
  AnalysisFrame frame;
  while (decoder.next(frame)) analyser.add(frame);
  scan.truncated = decoder.truncation();
  finish_scan(scan, decoder.frame_times(), decoder.content_hash(), analyser);
  scan.corrupt_packets = decoder.corrupt_packets();
  if (options.decoder.reference_frames_only) refine_cuts(scan, decoder, analyser.analysed());
}

// --speed keyframes and fast: keyframe first, coarse to fine. A coarse decoder decodes only the keyframes
// (H.264 at common GOP lengths: 1 frame in 30 to 250) and counts every other frame from its packet. The stretch
// between two keyframes is then decoded, by a second decoder that seeks to it, only when a boundary could lie
// in it (skippable() below). Otherwise its frames are analysed as blends of the two keyframes, which change
// too little from frame to frame for any detector to fire. What slips through, a cut away and back between
// two alike keyframes that cost the encoder no more than its other frames, only merges two clips.

// Whether a frame between two keyframes cost its encoder what a new picture costs. Two signs, either enough:
//  - One frame cost far more than the others did: where the picture changes, a frame is coded mostly from scratch
//    (a cut, a flash). Compared with the frames around it rather than with the keyframes, because in fast motion
//    every frame is expensive; against the 90th percentile, because with B-frames a regular P-frame costs several
//    times a B-frame; and at least a quarter of the smaller keyframe.
//  - A frame cost more than both keyframes, which are coded from scratch: what it shows is predictable neither
//    from them nor from its neighbours, so it is no picture the keyframes show (a stretch of noise or of another
//    scene between two alike keyframes, whose frames all cost the same and so show no single spike).
bool has_costly_frame(std::vector<PacketSize> inside, int64_t key_bytes_a, int64_t key_bytes_b) {
  constexpr double kSpike = 2.5;  // times the 90th percentile
  if (inside.empty()) return false;
  std::sort(inside.begin(), inside.end(), [](const PacketSize& x, const PacketSize& y) { return x.bytes < y.bytes; });
  const int64_t largest = inside.back().bytes;
  if (largest > std::max(key_bytes_a, key_bytes_b) && key_bytes_a > 0 && key_bytes_b > 0) return true;
  if (inside.size() < 4) return false;
  const int64_t typical = inside[(inside.size() - 1) * 9 / 10].bytes;
  return static_cast<double>(largest) > kSpike * static_cast<double>(typical) &&
         4 * largest >= std::min(key_bytes_a, key_bytes_b);
}

// Whether neither keyframe is flat (black, blank): a flat keyframe could be the middle of a fade out and in, so
// its stretch is always decoded.
bool both_detailed(const FrameSignature& a, const FrameSignature& b) {
  constexpr float kMinDetail = 2.0f;
  return a.detail >= kMinDetail && b.detail >= kMinDetail;
}

// Whether the stretch between two keyframes can be left undecoded: the keyframes look alike (no boundary
// could end up between them), and no frame inside cost its encoder what a new picture would.
//  - The pictures: the same palette (a cut changes a histogram by 0.35 or more) and the same 16x16 thumbnail
//    within 8 of 255: half of the 18 that a gradual transition's two ends must differ by, so the blends that
//    stand in for the stretch can never look like one. A flat keyframe (black, blank) could be the middle of a
//    fade out and in: decoded.
//  - The packets (has_costly_frame): a cut away and back, a flash, a shot of noise. x264 starts scenes with
//    keyframes; encoders told not to (fixed GOPs for streaming) still pay for each cut in bytes.
bool skippable(const FrameSignature& a, const FrameSignature& b, const std::vector<PacketSize>& inside,
               int64_t key_bytes_a, int64_t key_bytes_b) {
  constexpr float kMaxHistogramChange = 0.1f;
  constexpr double kMaxThumbChange = 8.0;
  if (!both_detailed(a, b)) return false;
  if (histogram_distance(a.hist, b.hist) > kMaxHistogramChange || thumb_change(a, b) > kMaxThumbChange) return false;
  return !has_costly_frame(inside, key_bytes_a, key_bytes_b);
}

// How much the picture changes over one stretch between keyframes, and how many frames that takes.
struct StretchChange {
  double change = 0.0;  // picture_change() of its two keyframes
  int64_t frames = 0;
};

// Whether a stretch whose keyframes differ can still be left undecoded because it is one continuous shot in
// motion (a pan, a zoom, a crowd), judged by the stretches on both sides: where the camera or the subject moves
// all the time, the two keyframes of every stretch differ, and decoding them all is a full decode.
//  - The encoder's schedule placed the keyframes: this stretch and both neighbours have the same length (within
//    2 frames). An encoder that starts scenes with keyframes breaks the cadence at each cut, so a stretch ending
//    on a new scene never qualifies.
//  - The palette holds (histograms at most 0.25 apart; a cut moves them 0.35 or more): motion moves pixels and
//    keeps their colours.
//  - The change is no larger than kSteady times the smaller of the neighbours' changes: a boundary adds a change of
//    picture to the motion, a stretch of the same motion does not.
//  - No frame inside cost what a new picture costs (has_costly_frame).
// A boundary that hides in such a stretch is missed, and its two shots stay one clip (harmless for leakage). The
// blends that stand in for it are marked (FrameFeatures::stand_in): blends of two different pictures would look
// like a dissolve, and their edge maps switch keyframe half-way, so the cut and dissolve detectors pass over them;
// anything another detector reports in there is dropped (FrameAnalyser::quiet).
bool steady_motion(const StretchChange& here, const StretchChange& before, const StretchChange& after,
                   const FrameSignature& a, const FrameSignature& b, const std::vector<PacketSize>& inside,
                   int64_t key_bytes_a, int64_t key_bytes_b) {
  constexpr int64_t kCadence = 2;
  constexpr float kMaxHistogramChange = 0.25f;
  constexpr double kSteady = 1.5;
  if (std::abs(here.frames - before.frames) > kCadence || std::abs(here.frames - after.frames) > kCadence) return false;
  if (!both_detailed(a, b)) return false;
  if (histogram_distance(a.hist, b.hist) > kMaxHistogramChange) return false;
  if (here.change > kSteady * std::min(before.change, after.change)) return false;
  return !has_costly_frame(inside, key_bytes_a, key_bytes_b);
}

// The frame a share t (0..1) of the way from keyframe a to keyframe b: smooth quantities are interpolated, the
// pHashes and the edge map (which do not blend) are the nearer keyframe's.
void blend(const FrameFeatures& a, const FrameFeatures& b, double t, FrameFeatures& out) {
  const FrameFeatures& nearer = t < 0.5 ? a : b;
  const auto mix = [t](double x, double y) { return x + (y - x) * t; };
  cv::addWeighted(a.hsv, 1 - t, b.hsv, t, 0, out.hsv);
  out.edges = nearer.edges;
  out.seconds = mix(a.seconds, b.seconds);
  FrameSignature& s = out.signature;
  s = nearer.signature;
  s.mean_luma = static_cast<float>(mix(a.signature.mean_luma, b.signature.mean_luma));
  s.detail = static_cast<float>(mix(a.signature.detail, b.signature.detail));
  for (size_t i = 0; i < s.hist.size(); ++i) s.hist[i] = static_cast<float>(mix(a.signature.hist[i], b.signature.hist[i]));
  for (size_t i = 0; i < s.thumb.size(); ++i)
    s.thumb[i] = static_cast<uint8_t>(std::lround(mix(a.signature.thumb[i], b.signature.thumb[i])));
}

using DecoderFactory = std::function<std::unique_ptr<VideoDecoder>(const DecoderOptions&)>;

// The fine decoder of a keyframe-first scan: decodes stretches (all their frames, or their reference frames
// with --speed ref-frames), in increasing order, seeking over the stretches in between. Opened on the first
// stretch that needs it.
class StretchDecoder {
 public:
  static constexpr int64_t kStart = INT64_MIN;

  StretchDecoder(const DecoderFactory& open, const DecoderOptions& options) : open_(open), options_(options) {
    options_.keyframes_only = false;
  }

  bool opened() const { return decoder_ != nullptr; }

  VideoDecoder& decoder() {
    if (!decoder_) {
      decoder_ = open_(options_);
      at_start_ = true;
    }
    return *decoder_;
  }

  // Takes over the coarse decoder once it has read the whole video, so that a video whose only stretch to
  // decode is the last one needs no second decoder (short clips: one or two keyframes).
  void adopt(std::unique_ptr<VideoDecoder> coarse) {
    decoder_ = std::move(coarse);
    adopted_ = true;
    at_start_ = false;
  }

  // Analyses the frames with from <= pts < to. `frame_pts` holds the times of all of them, sorted, from the
  // packets: the n-th is video frame first + n, whichever frames the decoder skips.
  int64_t decode(int64_t from, int64_t to, int64_t first, const std::vector<int64_t>& frame_pts,
                 FrameAnalyser& analyser) {
    if (frame_pts.empty()) return 0;  // no packet times (the coarse pass decoded every frame itself)
    decoder();
    const bool continues = has_pending_ && pending_.pts == from;
    if (!continues && !(at_start_ && first == 0)) {
      try {
        decoder_->seek(from, false);
        has_pending_ = false;
      } catch (const Error&) {
        // A file that cannot seek is read on to the stretch instead (only forwards is ever needed); the
        // adopted coarse decoder stands at the end, so a fresh one starts from the beginning.
        if (adopted_) {
          decoder_.reset();
          adopted_ = has_pending_ = false;
          decoder();
        }
      }
    }
    at_start_ = false;
    VideoDecoder& d = *decoder_;
    int64_t n = 0;
    size_t next = 0;  // frame_pts[next] is the first not yet seen
    for (;;) {
      if (!has_pending_ && !d.next(pending_)) break;
      has_pending_ = true;
      if (pending_.pts >= to) break;  // the first frame after the stretch: the next stretch may start with it
      has_pending_ = false;
      if (pending_.pts < from) continue;
      auto at = static_cast<size_t>(std::lower_bound(frame_pts.begin(), frame_pts.end(), pending_.pts) - frame_pts.begin());
      // Packets with equal times (a millisecond time base under 1000 fps) are frames in file order; a frame
      // with a time no packet had (the decoder's guess for a broken stream) is taken as the next one.
      if (at >= frame_pts.size() || frame_pts[at] != pending_.pts ||
          (at < next && next < frame_pts.size() && frame_pts[next] == pending_.pts))
        at = next;
      if (at < next || at >= frame_pts.size()) continue;
      next = at + 1;
      pending_.index = first + static_cast<int64_t>(at);
      analyser.add(pending_);
      ++n;
    }
    return n;
  }

  int64_t corrupt_packets() const { return decoder_ ? decoder_->corrupt_packets() : 0; }

 private:
  const DecoderFactory& open_;
  DecoderOptions options_;
  std::unique_ptr<VideoDecoder> decoder_;
  AnalysisFrame pending_;
  bool has_pending_ = false;
  bool at_start_ = false;  // a decoder opened here that has not read anything yet
  bool adopted_ = false;
};

void scan_keyframes_first(VideoScan& scan, const DecoderFactory& open, const ScanOptions& options,
                          const std::function<void(int64_t)>& on_frames) {
  DecoderOptions coarse_options = options.decoder;
  coarse_options.keyframes_only = true;
  auto coarse = open(coarse_options);
  scan.info = coarse->info();
  StretchDecoder fine(open, options.decoder);
  FrameAnalyser analyser(options, on_frames);
  SignatureExtractor extractor;
  // The keyframes read and not yet left behind: a stretch is decided once the keyframe after its end is known
  // (steady_motion() compares it with the stretches on both sides).
  struct Key {
    FrameFeatures features;
    int64_t index = 0, pts = 0, bytes = 0;
  };
  std::deque<Key> keys;
  std::optional<StretchChange> previous;  // the stretch before the next one to decide
  FrameFeatures blended;
  FrameSignature kept;
  int64_t blends = 0;
  std::vector<PacketSize> packets;  // those read up to the newest keyframe, not yet used
  std::vector<int64_t> frame_pts;

  // The packets shown in [from, to) in presentation order: the frames a full decode would give there.
  auto stretch_frames = [&](int64_t from, int64_t to) -> std::vector<PacketSize> {
    std::vector<PacketSize> inside;
    std::erase_if(packets, [&](const PacketSize& p) {
      if (p.pts >= to) return false;
      if (p.pts >= from) inside.push_back(p);
      return true;
    });
    std::sort(inside.begin(), inside.end(), [](const PacketSize& x, const PacketSize& y) { return x.pts < y.pts; });
    frame_pts.clear();
    for (const PacketSize& p : inside) frame_pts.push_back(p.pts);
    return inside;
  };

  // The frames from keyframe a up to keyframe b; `next` is the keyframe after b, when there is one.
  auto stretch = [&](Key& a, const Key& b, const Key* next) {
    const int64_t first = a.index, end = b.index;
    std::vector<PacketSize> inside = stretch_frames(a.pts, b.pts);
    if (!inside.empty() && inside.front().pts == a.pts) inside.erase(inside.begin());  // keyframe a itself
    const StretchChange here{picture_change(a.features.signature, b.features.signature), end - first};
    bool decode = end - first > 1 &&
                  !skippable(a.features.signature, b.features.signature, inside, a.bytes, b.bytes);
    bool motion = false;
    if (decode && previous && next &&
        steady_motion(here, *previous,
                      {picture_change(b.features.signature, next->features.signature), next->index - end},
                      a.features.signature, b.features.signature, inside, a.bytes, b.bytes))
      decode = !(motion = true);
    previous = here;
    if (decode && fine.decode(a.pts, b.pts, first, frame_pts, analyser) > 0) return;
    if (motion) analyser.quiet(first, end);
    analyser.add(first, true, a.features, a.features.signature);
    for (int64_t i = first + 1; i < end; ++i) {
      const double t = static_cast<double>(i - first) / static_cast<double>(end - first);
      blend(a.features, b.features, t, blended);
      blended.stand_in = motion;
      // A stand-in shows no real frame: the clip keeps the nearer keyframe's signature but no temporal sample.
      kept = (t < 0.5 ? a.features : b.features).signature;
      kept.view_hash = 0;
      analyser.add(i, false, blended, kept);
      ++blends;
    }
  };

  AnalysisFrame frame;
  while (coarse->next(frame)) {
    Key key;
    extractor.compute(frame, key.features);
    key.index = frame.index;
    key.pts = frame.pts;
    auto read = coarse->take_packets_before(frame.pts + 1);
    packets.insert(packets.end(), read.begin(), read.end());
    const auto own = std::find_if(read.begin(), read.end(), [&](const PacketSize& p) { return p.pts == frame.pts; });
    key.bytes = own == read.end() ? 0 : own->bytes;
    if (keys.empty() && frame.index > 0) {
      stretch_frames(StretchDecoder::kStart, frame.pts);  // frames before the first keyframe
      fine.decode(StretchDecoder::kStart, frame.pts, 0, frame_pts, analyser);
    }
    keys.push_back(std::move(key));
    if (keys.size() == 3) {
      stretch(keys[0], keys[1], &keys[2]);
      keys.pop_front();
    }
  }
  if (keys.size() == 2) {
    stretch(keys[0], keys[1], nullptr);
    keys.pop_front();
  }
  // The last stretch has no keyframe after it to compare with: it is decoded in full, as is a whole video
  // without decodable keyframes.
  auto rest = coarse->take_packets_before(INT64_MAX);
  packets.insert(packets.end(), rest.begin(), rest.end());
  const FrameTimes times = coarse->frame_times();
  const uint64_t content_hash = coarse->content_hash();
  scan.truncated = coarse->truncation();
  int64_t corrupt = coarse->corrupt_packets();
  const bool any = !keys.empty();
  const int64_t from = any ? keys.back().pts : StretchDecoder::kStart;
  if (any && !fine.opened()) {
    fine.adopt(std::move(coarse));
    corrupt = 0;  // the adopted decoder goes on counting from its own total
  }
  stretch_frames(from, INT64_MAX);
  if (fine.decode(from, INT64_MAX, any ? keys.back().index : 0, frame_pts, analyser) == 0 && any)
    analyser.add(keys.back().index, true, keys.back().features, keys.back().features.signature);
  finish_scan(scan, times, content_hash, analyser);
  scan.decoded_frames -= blends;
  scan.corrupt_packets = corrupt + fine.corrupt_packets();
  if (options.decoder.reference_frames_only) refine_cuts(scan, fine.decoder(), analyser.analysed());
}

// A bad video becomes scan.error; only configuration errors and interruption escape. `open` makes the
// decoder (from the file, or from memory).
VideoScan decode_one(const InputVideo& input, const ScanOptions& options,
                     const std::function<void(int64_t)>& on_frames, const DecoderFactory& open) {
  VideoScan scan;
  scan.video = input.video;
  scan.path = input.path;
  scan.label = input.label;
  try {
    if (options.keyframes_first) {
      scan_keyframes_first(scan, open, options, on_frames);
    } else {
      scan_in_order(scan, *open(options.decoder), options, on_frames);
    }
  } catch (const ConfigError&) {
    throw;
  } catch (const Interrupted&) {
    throw;
  } catch (const Error& e) {
    scan.error = e.what();
  } catch (const std::exception& e) {
    // OpenCV or allocation failures on a pathological stream are still one bad video, not a dead run.
    scan.error = fmt::format("internal error: {}", e.what());
  }
  if (!scan.ok()) scan.shots.clear();
  return scan;
}

VideoScan decode_file(const InputVideo& input, const ScanOptions& options,
                      const std::function<void(int64_t)>& on_frames) {
  return decode_one(input, options, on_frames, [&](const DecoderOptions& decoder) {
    check_file(input.path);
    return std::make_unique<VideoDecoder>(input.path, decoder);
  });
}

// decode_file behind the cache: a hit skips decoding; a fresh successful scan is stored.
VideoScan scan_one(const InputVideo& input, const ScanOptions& options,
                   const std::function<void(int64_t)>& on_frames, bool* cached = nullptr) {
  if (!options.cache) return decode_file(input, options, on_frames);
  uint64_t key = 0;
  try {
    key = ScanCache::file_hash(input.path);
  } catch (const Error&) {
    return decode_file(input, options, on_frames);  // unreadable: decoding reports why
  }
  if (auto hit = options.cache->find(input, key)) {
    if (cached) *cached = true;
    return std::move(*hit);
  }
  VideoScan scan = decode_file(input, options, on_frames);
  try {
    options.cache->store(key, scan);
  } catch (const Error&) {
    // A full or read-only cache disk costs speed on the next run, never this run's results.
  }
  return scan;
}

}  // namespace

VideoScan scan_video(const InputVideo& input, const ScanOptions& options) {
  return scan_one(input, options, [](int64_t) {});
}

VideoScan scan_video_bytes(std::span<const uint8_t> bytes, const InputVideo& input, const ScanOptions& options) {
  return decode_one(input, options, [](int64_t) {},
                    [&](const DecoderOptions& decoder) { return std::make_unique<VideoDecoder>(bytes, decoder); });
}

ThreadPlan plan_threads(int threads, size_t videos) {
  const int cores = thread_budget(threads);
  ThreadPlan plan;
  // Whole videos in parallel scale best (no codec synchronisation); codec threads only fill the cores
  // that fewer videos than cores would leave idle.
  plan.video_workers = std::max(1, std::min(cores, static_cast<int>(std::max<size_t>(videos, 1))));
  plan.codec_threads = std::max(1, cores / plan.video_workers);
  return plan;
}

void scan_videos(const std::vector<InputVideo>& inputs, const ScanOptions& options, const ProgressCallback& progress,
                 const ScanSink& sink) {
  const ThreadPlan plan = plan_threads(options.threads, inputs.size());
  ScanOptions per_video = options;
  per_video.decoder.threads = plan.codec_threads;

  std::mutex mutex;  // guards everything below, the callback and the sink
  std::condition_variable room;  // signalled when results go to the sink
  size_t next = 0;     // the next video to start
  size_t emitted = 0;  // videos handed to the sink: all of those before it, in order
  std::map<size_t, VideoScan> finished;  // done, waiting for an earlier video
  ScanProgress status;
  status.videos_total = inputs.size();
  auto last_report = std::chrono::steady_clock::now();
  std::exception_ptr failure;  // ConfigError or Interrupted from any worker stops the run

  auto report = [&](int64_t frames) {
    std::lock_guard lock(mutex);
    status.frames_done += frames;
    const auto now = std::chrono::steady_clock::now();
    if (progress && now - last_report > std::chrono::milliseconds(500)) {
      last_report = now;
      progress(status);
    }
  };

  auto worker = [&] {
    for (;;) {
      size_t i;
      {
        std::unique_lock lock(mutex);
        // Results leave in input order; one slow video holds back at most max_scans_ahead finished ones.
        room.wait(lock, [&] {
          return failure || next >= inputs.size() || next - emitted < std::max<size_t>(1, options.max_scans_ahead);
        });
        if (next >= inputs.size() || failure) return;
        i = next++;
      }
      bool cached = false;
      VideoScan scan;
      try {
        scan = scan_one(inputs[i], per_video, report, &cached);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        room.notify_all();
        return;
      }
      std::lock_guard lock(mutex);
      ++status.videos_done;
      if (cached) ++status.videos_cached;
      finished.emplace(i, std::move(scan));
      try {
        // After a failure nothing more reaches the sink: the run is over, and a sink that threw stays failed.
        for (auto it = finished.begin(); !failure && it != finished.end() && it->first == emitted;
             it = finished.erase(it)) {
          sink(std::move(it->second));
          ++emitted;
        }
      } catch (...) {  // the sink could not write: stop the run with its error
        if (!failure) failure = std::current_exception();
      }
      room.notify_all();
      if (progress) {
        last_report = std::chrono::steady_clock::now();
        progress(status);
      }
    }
  };

  std::vector<std::thread> pool;
  for (int t = 1; t < plan.video_workers; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

std::vector<VideoScan> scan_videos(const std::vector<InputVideo>& inputs, const ScanOptions& options,
                                   const ProgressCallback& progress) {
  std::vector<VideoScan> results;
  results.reserve(inputs.size());
  scan_videos(inputs, options, progress, [&](VideoScan&& s) { results.push_back(std::move(s)); });
  return results;
}

}  // namespace vidsplit
