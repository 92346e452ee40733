// Built-in detectors. Private to the library: users pick them by name through make_detector().
#pragma once

#include "vidsplit/shots.hpp"

#include <deque>
#include <memory>

namespace vidsplit::detail {

// PySceneDetect's ContentDetector idea: the weighted mean absolute difference of consecutive frames'
// hue, saturation, luma and edge planes (0..255). A frame scoring at or above the threshold starts a shot,
// if its pHash also moved by min_hash_change bits and the current shot is at least min_shot_seconds long.
// In adaptive mode (PySceneDetect's AdaptiveDetector idea) the score must also stand out against the
// mean of the adaptive_window frames on each side, which keeps fast motion and shaky phone footage, where
// every frame scores high, from cutting; decisions then lag adaptive_window frames.
class ContentDetector final : public ShotDetector {
 public:
  static constexpr double kDefaultThreshold = 27.0;
  static constexpr double kDefaultAdaptiveThreshold = 15.0;
  // Below this score a frame repeats its predecessor.
  static constexpr double kRepeatedFrameScore = 1.0;
  ContentDetector(const DetectorOptions& options, bool adaptive);
  std::string_view name() const override { return adaptive_ ? "adaptive" : "content"; }
  void process(const FrameFeatures& frame, std::vector<Boundary>& out) override;
  void flush(std::vector<Boundary>& out) override;
  int64_t settled_before() const override { return next_decision_; }
  void metrics(std::vector<std::pair<std::string_view, double>>& out) const override;

 private:
  struct Scored {
    int64_t index;
    double seconds;
    double score;     // against the previous frame; 0 for the first
    int hash_change;  // pHash bits changed against the previous frame
  };
  void decide(std::vector<Boundary>& out);
  DetectorOptions options_;
  bool adaptive_;
  int window_;
  double threshold_;
  cv::Mat prev_hsv_, prev_edges_, diff_;
  uint64_t prev_hash_ = 0;
  bool have_prev_ = false;
  std::deque<Scored> scores_;  // frames next_decision_ - window_ .. newest
  int64_t next_decision_ = 0;
  double shot_start_sec_ = 0.0;
  cv::Scalar last_hsv_;
  double last_edges_ = 0.0;
};

// Fades through black. A fade is a ramp: luma falling frame after frame into a run of black frames (mean
// luma below black_level), or rising out of one. The transition spans fade-out ramp + black + fade-in ramp.
// A black run entered or left by a jump (a hard cut to black) has no ramp on that side: it starts or ends
// at the black run itself, and a black run with no ramp at all is left to the cut detector (a black shot).
// Looks back at most max_fade_seconds, so memory and delay are bounded.
class FadeDetector final : public ShotDetector {
 public:
  // Fewer falling/rising frames than this is a jump, not a ramp.
  static constexpr int64_t kMinRampFrames = 2;
  // Luma steps smaller than this (of 255) are noise or motion, not a fade: a 1 s fade moves ~4 per frame.
  static constexpr float kMinRampStep = 0.5f;
  explicit FadeDetector(const DetectorOptions& options) : options_(options) {}
  std::string_view name() const override { return "fade"; }
  void process(const FrameFeatures& frame, std::vector<Boundary>& out) override;
  void flush(std::vector<Boundary>& out) override;
  int64_t settled_before() const override;
  void metrics(std::vector<std::pair<std::string_view, double>>& out) const override;

 private:
  enum class State { Watching, InBlack, FadingIn };
  void emit(int64_t end, std::vector<Boundary>& out);
  DetectorOptions options_;
  State state_ = State::Watching;
  float prev_luma_ = 0.0f;
  double descent_start_sec_ = 0.0;
  int64_t descent_start_ = 0;    // first frame of the current run of falling luma (next frame if none)
  int64_t fade_start_ = 0;       // first frame of the transition being tracked
  bool fade_out_ = false;        // the black run was entered by a ramp
  int64_t black_end_ = 0;        // first frame after the black run
  double black_start_sec_ = 0.0;
  double ramp_start_sec_ = 0.0;
  int64_t next_ = 0;
};

// "auto": content cuts and fades together. A cut within one frame of a fade is part of the fade.
class CombinedDetector final : public ShotDetector {
 public:
  explicit CombinedDetector(const DetectorOptions& options);
  std::string_view name() const override { return "auto"; }
  void process(const FrameFeatures& frame, std::vector<Boundary>& out) override;
  void flush(std::vector<Boundary>& out) override;
  int64_t settled_before() const override;
  void metrics(std::vector<std::pair<std::string_view, double>>& out) const override;

 private:
  void release(int64_t before, std::vector<Boundary>& out);
  std::vector<std::unique_ptr<ShotDetector>> parts_;
  std::vector<Boundary> pending_;
  int64_t released_end_ = 0;  // boundaries must not start before the end of the last one released
};

}  // namespace vidsplit::detail
