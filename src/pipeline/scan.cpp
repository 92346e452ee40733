#include "vidsplit/scan.hpp"

#include "vidsplit/cache.hpp"
#include "vidsplit/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
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
  std::vector<Boundary> boundaries;
  std::deque<std::pair<int64_t, FrameSignature>> waiting;

  auto settle = [&](int64_t before) {
    for (const Boundary& b : boundaries) shots.add_boundary(b);
    boundaries.clear();
    while (!waiting.empty() && waiting.front().first < before) {
      shots.add_frame(waiting.front().first, waiting.front().second);
      waiting.pop_front();
    }
  };

  int64_t unreported = 0;
  while (decoder.next(frame)) {
    extractor.compute(frame, features);
    detector->process(features, boundaries);
    if (options.on_frame) options.on_frame(features, *detector);
    waiting.emplace_back(features.index, features.signature);
    settle(detector->settled_before());
    if (++unreported == 64) {
      on_frames(unreported);
      unreported = 0;
    }
  }
  on_frames(unreported);
  detector->flush(boundaries);
  settle(INT64_MAX);

  scan.frames = decoder.frame_times().size();
  if (scan.frames == 0) throw Error("no decodable video frames");
  scan.times = decoder.frame_times();
  scan.content_hash = decoder.content_hash();
  scan.corrupt_packets = decoder.corrupt_packets();
  scan.shots = shots.finish(scan.times);
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
