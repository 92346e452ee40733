#include "vidsplit/scan.hpp"

#include "vidsplit/cache.hpp"
#include "vidsplit/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
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

 private:
  std::vector<int64_t> video_frames_;  // 8 bytes a frame: 1.7 MB for two hours at 30 fps
  std::vector<bool> intra_;
};

// How much the picture changes from one frame to the next: colour histogram plus thumbnail difference.
double picture_change(const FrameSignature& a, const FrameSignature& b) {
  double thumbs = 0;
  for (size_t i = 0; i < a.thumb.size(); ++i) thumbs += std::abs(int{a.thumb[i]} - int{b.thumb[i]});
  return histogram_distance(a.hist, b.hist) + thumbs / (255.0 * static_cast<double>(a.thumb.size()));
}

// Coarse to fine, for --speed ref-frames: a cut found at analysed frame c, whose previous analysed frame p is not
// its neighbour, lies somewhere in (p, c]. Unless c is an I-frame (encoders start scenes with one), the frames
// p..c are decoded in full, from the keyframe before p, and the cut moves to the one that changes most from its
// predecessor. `decoder` has finished the coarse pass; seeking it back decodes every frame. A stretch that does
// not decode whole keeps the coarse cut.
void refine_cuts(VideoScan& scan, VideoDecoder& decoder, const AnalysedFrames& analysed) {
  SignatureExtractor extractor;
  AnalysisFrame frame;
  FrameFeatures features;
  for (size_t i = 1; i < scan.shots.size(); ++i) {
    Shot& left = scan.shots[i - 1];
    Shot& right = scan.shots[i];
    if (left.kind != ShotKind::Shot || right.kind != ShotKind::Shot) continue;
    const int64_t c = right.start_frame;
    const auto [p, intra] = analysed.before(c);
    if (p < left.start_frame || c - p < 2 || intra) continue;
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

// The per-video loop: decode -> signatures -> detector -> shot list. Frames whose shot is not decided yet
// (a fade detector still looking back) wait in `waiting`, which the detector's settled_before() bounds.
void scan_frames(VideoScan& scan, VideoDecoder& decoder, const ScanOptions& options,
                 const std::function<void(int64_t)>& on_frames) {
  scan.info = decoder.info();
  auto detector = make_detector(options.detector, options.detection);
  SignatureExtractor extractor;
  ShotListBuilder shots(options.keyframes_per_clip);
  AnalysisFrame frame;
  FrameFeatures features;
  AnalysedFrames analysed;
  std::vector<Boundary> boundaries;
  std::deque<std::pair<int64_t, FrameSignature>> waiting;

  auto settle = [&](int64_t before) {
    for (Boundary b : boundaries) {
      b.start = analysed.video_frame(b.start);
      b.end = analysed.video_frame(b.end);
      shots.add_boundary(b);
    }
    boundaries.clear();
    const int64_t video_before = analysed.video_frame(before);
    while (!waiting.empty() && waiting.front().first < video_before) {
      shots.add_frame(waiting.front().first, waiting.front().second);
      waiting.pop_front();
    }
  };

  int64_t unreported = 0, last_frame = -1;  // progress counts video frames, skipped ones included
  while (decoder.next(frame)) {
    const int64_t video_frame = frame.index;
    unreported += video_frame - last_frame;
    last_frame = video_frame;
    frame.index = analysed.add(video_frame, frame.intra);
    extractor.compute(frame, features);
    detector->process(features, boundaries);
    features.index = video_frame;
    if (options.on_frame) options.on_frame(features, *detector);
    waiting.emplace_back(video_frame, features.signature);
    settle(detector->settled_before());
    if (unreported >= 64) {
      on_frames(unreported);
      unreported = 0;
    }
  }
  on_frames(unreported + decoder.frame_times().size() - 1 - last_frame);
  detector->flush(boundaries);
  settle(INT64_MAX);

  scan.frames = decoder.frame_times().size();
  // Frames skipped by --speed ref-frames are counted from their packets: a stream none of whose frames
  // decoded has packets but no pictures, so what counts here is that one frame was analysed.
  if (last_frame < 0) throw Error("no decodable video frames");
  scan.times = decoder.frame_times();
  scan.content_hash = decoder.content_hash();
  scan.corrupt_packets = decoder.corrupt_packets();
  scan.shots = shots.finish(scan.times);
  if (options.decoder.reference_frames_only) refine_cuts(scan, decoder, analysed);
}

// A bad video becomes scan.error; only configuration errors and interruption escape. `open` makes the
// decoder (from the file, or from memory).
VideoScan decode_one(const InputVideo& input, const ScanOptions& options,
                     const std::function<void(int64_t)>& on_frames,
                     const std::function<std::unique_ptr<VideoDecoder>()>& open) {
  VideoScan scan;
  scan.video = input.video;
  scan.path = input.path;
  scan.label = input.label;
  try {
    scan_frames(scan, *open(), options, on_frames);
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
  return decode_one(input, options, on_frames, [&] {
    check_file(input.path);
    return std::make_unique<VideoDecoder>(input.path, options.decoder);
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
                    [&] { return std::make_unique<VideoDecoder>(bytes, options.decoder); });
}

ThreadPlan plan_threads(int threads, size_t videos) {
  const int cores = threads > 0 ? threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  ThreadPlan plan;
  // Whole videos in parallel scale best (no codec synchronisation); codec threads only fill the cores
  // that fewer videos than cores would leave idle.
  plan.video_workers = std::max(1, std::min(cores, static_cast<int>(std::max<size_t>(videos, 1))));
  plan.codec_threads = std::max(1, cores / plan.video_workers);
  return plan;
}

std::vector<VideoScan> scan_videos(const std::vector<InputVideo>& inputs, const ScanOptions& options,
                                   const ProgressCallback& progress) {
  std::vector<VideoScan> results(inputs.size());
  const ThreadPlan plan = plan_threads(options.threads, inputs.size());
  ScanOptions per_video = options;
  per_video.decoder.threads = plan.codec_threads;

  std::mutex mutex;  // guards next, status and the callback
  size_t next = 0;
  ScanProgress status;
  status.videos_total = inputs.size();
  auto last_report = std::chrono::steady_clock::now();
  std::exception_ptr failure;  // ConfigError or Interrupted from any worker stops the run

  auto report = [&](int64_t frames, bool video_done, bool cached = false) {
    std::lock_guard lock(mutex);
    status.frames_done += frames;
    if (video_done) ++status.videos_done;
    if (cached) ++status.videos_cached;
    const auto now = std::chrono::steady_clock::now();
    if (progress && (video_done || now - last_report > std::chrono::milliseconds(500))) {
      last_report = now;
      progress(status);
    }
  };

  auto worker = [&] {
    for (;;) {
      size_t i;
      {
        std::lock_guard lock(mutex);
        if (next >= inputs.size() || failure) return;
        i = next++;
      }
      bool cached = false;
      try {
        results[i] = scan_one(inputs[i], per_video, [&](int64_t frames) { report(frames, false); }, &cached);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        return;
      }
      report(0, true, cached);
    }
  };

  std::vector<std::thread> pool;
  for (int t = 1; t < plan.video_workers; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  return results;
}

}  // namespace vidsplit
