// Decode + signatures + shots for each input video: the per-video work, parallel across videos.
#pragma once

#include "vidsplit/decode.hpp"
#include "vidsplit/shots.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace vidsplit {

// One input video as found on disk.
struct InputVideo {
  std::string video;  // id in every output: path relative to its input root, or as given for a file
  std::string path;   // where to read it
  std::string label;
};

struct InputOptions {
  std::map<std::string, std::string> labels;  // video id -> label, from --labels; overrides folder names
};

// Expands files and folders (recursively; folders contribute files with a known video extension, files
// named explicitly are always tried) into a list sorted by video id. Throws ConfigError when a path names
// nothing (a typo, before any work is done) or when two inputs share a video id.
// Links to files and folders are followed; each folder is read once (a link loop, or a second link to a folder
// already read, is skipped). What the walk skips, other than hidden names (starting with '.'), is named in
// `warnings`, one line each: loops, links to a missing target, folders that cannot be listed.
// A folder below an input root that holds vidsplit's own outputs (kOutputMarker or kExportMarker in
// output_set.hpp) is skipped, with one line naming it appended to `warnings`.
std::vector<InputVideo> discover_inputs(const std::vector<std::string>& paths, const InputOptions& options,
                                        std::vector<std::string>* warnings = nullptr);
// The check discover_inputs starts with, alone: a command runs it before it creates OUT, so that a mistyped
// INPUT leaves nothing behind. Throws ConfigError naming the first path that names nothing.
void check_input_paths(const std::vector<std::string>& paths);
// discover_inputs for a scan: Error when no video is found.
std::vector<InputVideo> find_videos(const std::vector<std::string>& paths, const InputOptions& options);
bool has_video_extension(const std::string& path);
// Reads a `video,label` CSV (header row required). Throws ConfigError naming the file and line.
std::map<std::string, std::string> read_labels_csv(const std::string& path);

struct ScanOptions {
  DecoderOptions decoder;
  std::string detector = "auto";
  DetectorOptions detection;
  int keyframes_per_clip = 8;
  // Keyframe first, coarse to fine (--speed keyframes, fast): decode the keyframes, then only the stretches
  // between two keyframes where a boundary could lie (the keyframes differ, or a frame inside cost as much as a
  // new picture); the others are analysed as blends of their two keyframes. Frame numbers and times stay
  // exact. The decoded stretches follow the decoder options (with reference_frames_only, their reference
  // frames, cuts refined as in the plain scan).
  bool keyframes_first = false;
  int threads = 0;  // total worker budget; 0 = all cores
  // How many videos may finish ahead of the oldest one still running: what scan_videos holds back for its sink
  // (about 2.4 KB each, so at most about 40 MB). Large because reaching it idles every other worker until that
  // video is done: a 2-hour film among short clips runs for minutes while the clips after it complete.
  size_t max_scans_ahead = 16384;
  // Reuses and fills this cache (not owned; null = no cache).
  const class ScanCache* cache = nullptr;
  // Called after the detector has seen each frame (for --stats); only set it for single-video scans.
  std::function<void(const FrameFeatures&, const ShotDetector&)> on_frame;
};

struct VideoScan {
  std::string video;
  std::string path;
  std::string label;
  std::string error;  // one-line reason; non-empty means the video failed and has no shots
  // Why the file looks cut short (VideoDecoder::truncation); the video is still used, as far as it goes.
  std::string truncated;
  uint64_t content_hash = 0;
  int64_t frames = 0;  // the video's frames (those a --speed skips are counted from their packets)
  // Frames that went through the decoder and the detector: all of them, fewer with a --speed that skips
  // frames. Known after a scan only (not stored in scan.jsonl or the cache; 0 for a cached scan).
  int64_t decoded_frames = 0;
  int64_t corrupt_packets = 0;
  VideoInfo info;
  FrameTimes times;
  std::vector<Shot> shots;

  bool ok() const { return error.empty(); }
  double duration_sec() const { return frames > 0 ? times.seconds(frames) - times.seconds(0) : 0.0; }
};

// Scans one video. Never throws for a bad video: the reason goes to VideoScan::error. Throws ConfigError
// for bad options and Interrupted when decoder.stop is set.
VideoScan scan_video(const InputVideo& input, const ScanOptions& options);
// The same for a video file held in memory (fuzzing, tests): no file checks, no cache; input.path is
// only recorded.
VideoScan scan_video_bytes(std::span<const uint8_t> bytes, const InputVideo& input, const ScanOptions& options);

struct ScanProgress {
  size_t videos_done = 0;
  size_t videos_cached = 0;  // of those, taken from the cache
  size_t videos_total = 0;
  int64_t frames_done = 0;  // frames decoded so far, all videos
};
using ProgressCallback = std::function<void(const ScanProgress&)>;

// Receives each video's scan, in input order.
using ScanSink = std::function<void(VideoScan&&)>;
// Scans all inputs on a pool of workers and hands each result to `sink` as soon as every earlier input's has
// gone, so memory does not grow with the number of videos (a worker waits rather than run more than
// ScanOptions::max_scans_ahead videos past the oldest unfinished one). Order and content do not depend on the thread count.
// The progress callback and the sink are called from worker threads, serialised; the callback after every
// finished video and every ~half second. An exception from the sink stops the run and is rethrown.
void scan_videos(const std::vector<InputVideo>& inputs, const ScanOptions& options, const ProgressCallback& progress,
                 const ScanSink& sink);
// The same, all results at once (for grouping, which needs every video's signatures anyway).
std::vector<VideoScan> scan_videos(const std::vector<InputVideo>& inputs, const ScanOptions& options,
                                   const ProgressCallback& progress = {});

// How many videos run at once and how many codec threads each gets, for `threads` workers (0 = all cores):
// thread_budget(threads) in all, and never more video workers than videos.
struct ThreadPlan {
  int video_workers = 1;
  int codec_threads = 1;
};
ThreadPlan plan_threads(int threads, size_t videos);

}  // namespace vidsplit
