// Stage 3: shot detection. Every detector implements ShotDetector and registers by name; the shot list
// is assembled from the boundaries the detector reports.
#pragma once

#include "vidsplit/signature.hpp"

#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vidsplit {

enum class BoundaryKind { Cut, Transition };

// A hard cut puts frame `start` first in a new shot (end == start). A transition covers [start, end):
// frames that blend two shots (a dissolve, or a fade through black).
struct Boundary {
  BoundaryKind kind = BoundaryKind::Cut;
  int64_t start = 0;
  int64_t end = 0;
  double score = 0.0;
};

struct DetectorOptions {
  // Content score (0..255 scale) at or above which a frame may start a new shot. Empty: the detector's
  // default (27 for content, 15 for adaptive, which also needs the ratio below).
  std::optional<double> threshold;
  // Adaptive: a frame's score must also be this many times the mean score of its neighbours.
  double adaptive_ratio = 3.0;
  // Adaptive: neighbours on each side of the frame (the decision waits this many frames).
  int adaptive_window = 2;
  // A cut must also change the picture's structure: at least this many of the 64 pHash bits differ
  // between the two frames. A colour change over the same layout (a lighting change, a flash) is no cut.
  int min_hash_change = 12;
  // No shot shorter than this (seconds); a cut closer than this to the previous one is ignored.
  double min_shot_seconds = 0.5;
  // Weights of the content score: hue, saturation, luma and edge differences.
  double weight_hue = 1.0;
  double weight_sat = 1.0;
  double weight_luma = 1.0;
  double weight_edges = 0.5;
  // Fades: a frame is black when its mean luma is below this (0..255).
  double black_level = 12.0;
  // Fades to white: a frame is white when its mean luma is above this (0..255).
  double white_level = 235.0;
  // Longest fade-out or fade-in ramp searched around a black or white run, seconds.
  double max_fade_seconds = 3.0;
  // Flashes and damaged frames: a cut candidate is dropped when one of the next this-many frames looks like
  // the frame before the candidate again (a camera flash, a strobe, a few corrupt frames). 0 disables.
  int flash_frames = 3;
  // Dissolves: the two ends of a transition differ by at least this mean value change (0..255) (transitions found
  // by their colours, wipes and slides, need a change of colours instead) ...
  double dissolve_min_change = 18.0;
  // ... and every frame between them is a blend of the two ends within this share of that change.
  double dissolve_max_residual = 0.3;
  // Histogram detector: half the L1 distance of consecutive frames' HSV histograms (0..1) that starts a shot.
  double histogram_threshold = 0.35;
};

class ShotDetector {
 public:
  virtual ~ShotDetector() = default;
  virtual std::string_view name() const = 0;
  // Sees every frame exactly once, in presentation order; appends boundaries it has decided.
  virtual void process(const FrameFeatures& frame, std::vector<Boundary>& out) = 0;
  // End of stream: appends boundaries still pending.
  virtual void flush(std::vector<Boundary>& out) = 0;
  // Every boundary that starts before this frame has been reported. Detectors that look back (fades)
  // hold this behind the current frame; it lets the caller assign frames to shots with bounded memory.
  virtual int64_t settled_before() const = 0;
  // Per-frame metrics of the last processed frame, for --stats files: (name, value) pairs.
  virtual void metrics(std::vector<std::pair<std::string_view, double>>& out) const { (void)out; }
};

using DetectorFactory = std::function<std::unique_ptr<ShotDetector>(const DetectorOptions&)>;

// Names: "content", "fade", "auto" (content cuts plus fades; the default). Throws ConfigError for others.
std::unique_ptr<ShotDetector> make_detector(std::string_view name, const DetectorOptions& options);
std::vector<std::string> detector_names();
// Adds a detector to the registry (used by the built-ins; available to embedders).
void register_detector(std::string name, std::string description, DetectorFactory factory);
std::string detector_description(std::string_view name);

enum class ShotKind { Shot, Transition };
std::string_view to_string(ShotKind kind);

// What a clip keeps of its frames: several keyframe hashes spread over the clip, plus colour averages.
inline constexpr float kMinKeyframeDetail = 4.0f;
// Temporal samples kept per clip before their rate halves: 68 s at kSampleRate, 8 KB.
inline constexpr size_t kMaxTemporalSamples = 1024;

// Clip colour averages are kept at fixed precision (1e-4 for histogram bins, 1e-2 for luma) so they
// serialise exactly.
inline int32_t quantize_hist(double v) { return static_cast<int32_t>(std::lround(v * 10000.0)); }
inline float dequantize_hist(int32_t q) { return static_cast<float>(q) / 10000.0f; }
inline int32_t quantize_luma(double v) { return static_cast<int32_t>(std::lround(v * 100.0)); }
inline float dequantize_luma(int32_t q) { return static_cast<float>(q) / 100.0f; }

// Temporal samples are taken this many times a second (every 2nd frame at 30 fps): fast action changes a
// picture within a few frames, and two cuts of one source with other in-points must still sample instants
// close enough to agree.
inline constexpr int kSampleRate = 15;

struct ClipSignature {
  // FrameSignature::view_hash of the clip's first frame in each 1 / (kSampleRate / sample_step) s tick from the
  // clip's start; 0 where the tick has no usable frame. Matching these at one time offset finds clips that share
  // footage in any part, at any in and out points.
  std::vector<uint64_t> samples;
  int sample_step = 1;  // doubles (keeping every other sample) when a long clip would exceed kMaxTemporalSamples
  std::vector<uint64_t> keyframe_hashes;
  std::vector<uint64_t> keyframe_mirror_hashes;
  std::vector<uint64_t> keyframe_centre_hashes;
  std::vector<uint64_t> keyframe_centre_mirror_hashes;
  Histogram mean_hist{};
  float mean_luma = 0.0f;
};

struct Shot {
  int index = 0;
  ShotKind kind = ShotKind::Shot;
  int64_t start_frame = 0;
  int64_t end_frame = 0;  // exclusive
  double start_sec = 0.0;
  double end_sec = 0.0;
  ClipSignature signature;
};

// Accumulates the signature of one clip from its frames in bounded memory: it samples frames at a stride
// that doubles whenever its buffer fills, then picks `keyframes` evenly spread samples among those with
// enough detail to hash (a clip of flat frames gets no keyframes and so never matches by hash).
class ClipSignatureBuilder {
 public:
  explicit ClipSignatureBuilder(int keyframes = 8);
  // The next frame of the clip, shown at `seconds`.
  void add(const FrameSignature& frame, double seconds);
  ClipSignature finish() const;

 private:
  void add_sample(uint64_t hash, double seconds);
  int keyframes_;
  std::vector<uint64_t> temporal_;
  int sample_step_ = 1;
  double first_seconds_ = 0.0;
  int64_t seen_ = 0;
  int64_t stride_ = 1;
  std::vector<FrameSignature> samples_;
  std::array<double, kHistBins> hist_sum_{};
  double luma_sum_ = 0.0;
};

// Turns a detector's boundary stream and the frames' signatures into the shot list of one video,
// tiling [0, frames) exactly. Feed boundaries (sorted) before the frames they start at.
class ShotListBuilder {
 public:
  explicit ShotListBuilder(int keyframes = 8) : keyframes_(keyframes), current_(keyframes) {}
  void add_boundary(const Boundary& b);
  void add_frame(int64_t index, double seconds, const FrameSignature& signature);
  // Closes the last shot; fills start/end seconds from the frame times.
  std::vector<Shot> finish(const FrameTimes& times);

 private:
  void close(int64_t end);
  int keyframes_;
  std::vector<Boundary> pending_;
  size_t next_pending_ = 0;
  std::vector<Shot> shots_;
  ShotKind kind_ = ShotKind::Shot;
  int64_t start_ = 0;
  int64_t transition_end_ = -1;
  int64_t frames_ = 0;
  ClipSignatureBuilder current_;
};

}  // namespace vidsplit
