// Built-in detectors. Private to the library: users pick them by name through make_detector().
#pragma once

#include "vidsplit/shots.hpp"

#include <algorithm>
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
  // Adaptive: how far back (seconds) the neighbours of a cut candidate may be taken from when the frames just
  // before it are frozen (a stalled or damaged stretch): the motion before the freeze is the reference.
  static constexpr double kFreezeLookbackSeconds = 2.0;
  // Flash check: frames on both sides of a short anomaly "look alike" below this share of the candidate's score.
  static constexpr double kTransientShare = 0.5;
  // Adaptive: the ratio a cut needs when its colour histogram also jumps by --histogram-threshold.
  static constexpr double kMotionRatio = 1.5;
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
    double hist_change;  // histogram_distance against the previous frame
    Histogram hist;
    cv::Mat hsv, edges;
    bool stand_in = false;  // FrameFeatures::stand_in: no cut starts at a blend
  };
  double score(const cv::Mat& hsv_a, const cv::Mat& edges_a, const cv::Mat& hsv_b, const cv::Mat& edges_b);
  bool transient(int64_t k);
  void decide(std::vector<Boundary>& out);
  DetectorOptions options_;
  bool adaptive_;
  int window_;
  int span_;       // adaptive: frames searched on each side for the window_ neighbours
  int lookahead_;  // frames a decision waits for: the adaptive window and the flash check
  double threshold_;
  cv::Mat diff_;
  uint64_t prev_hash_ = 0;
  std::deque<Scored> scores_;  // frames next_decision_ - max(span_, flash_frames) - 1 .. newest
  std::deque<Scored> moved_;   // scores of the last frames that changed, before scores_ (adaptive)
  int64_t next_decision_ = 0;
  double shot_start_sec_ = 0.0;
  int64_t shot_start_ = 0;
  cv::Scalar last_hsv_, shown_hsv_;
  double last_edges_ = 0.0, shown_edges_ = 0.0;
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
  // A ramp's largest step is at most this many times its second largest: a fade moves in even steps, a cut to
  // (or from) a dark shot is one jump however the picture drifted before or after it (a frame 0.66 darker than
  // the one before it, then a cut into a dark scene, made a 94-frame fade of the cut).
  static constexpr float kMaxStepRatio = 4.0f;
  // white: fades to and from white (luma above white_level) instead of black.
  FadeDetector(const DetectorOptions& options, bool white) : options_(options), white_(white) {}
  std::string_view name() const override { return white_ ? "fade-white" : "fade"; }
  void process(const FrameFeatures& frame, std::vector<Boundary>& out) override;
  void flush(std::vector<Boundary>& out) override;
  int64_t settled_before() const override;
  void metrics(std::vector<std::pair<std::string_view, double>>& out) const override;

 private:
  enum class State { Watching, InBlack, FadingIn };
  // The two largest luma steps of a ramp.
  struct RampSteps {
    float largest = 0.0f, second = 0.0f;
    void add(float step) {
      second = std::max(second, std::min(largest, step));
      largest = std::max(largest, step);
    }
    bool even() const { return largest <= kMaxStepRatio * second; }
  };
  void emit(int64_t end, std::vector<Boundary>& out);
  // Whether the frames from black_end_ up to `end` (exclusive) are a fade-in ramp rather than a cut in.
  bool rise_is_ramp(int64_t end) const;
  DetectorOptions options_;
  bool white_;
  State state_ = State::Watching;
  float prev_luma_ = 0.0f;
  bool descent_from_opposite_ = false;  // white: the current falling run started at a black frame
  bool through_black_ = false;          // white: the fade being tracked touches black (see process())
  double descent_start_sec_ = 0.0;
  int64_t descent_start_ = 0;    // first frame of the current run of falling luma (next frame if none)
  RampSteps descent_steps_;      // the falls between the frames of that run
  int64_t fade_start_ = 0;       // first frame of the transition being tracked
  bool fade_out_ = false;        // the black run was entered by a ramp
  int64_t black_end_ = 0;        // first frame after the black run
  RampSteps rise_steps_;         // the rises between the frames from the last black one on
  double black_start_sec_ = 0.0;
  double ramp_start_sec_ = 0.0;
  int64_t next_ = 0;
};

// Gradual transitions between two pictures (dissolves, cross-fades, wipes, slides), reported as spans. At every
// frame it tests windows of several widths ending there: see test(). Decisions lag 2 * 32 + 1 frames (a little more
// while a transition waits for the next one, see emit()); memory is that many value planes and strip histograms.
class DissolveDetector final : public ShotDetector {
 public:
  // No frame-to-frame step may carry more than this share of the window's change: a jump is a cut or a flash.
  static constexpr double kMaxStepShare = 0.4;
  // Shortest span reported; shorter ramps are left to the cut detectors.
  static constexpr int64_t kMinFrames = 4;
  // Frames at each end of a window that must plainly show one of the two pictures (weight within
  // kPlateauWeight of 0 or 1).
  static constexpr int kPlateauFrames = 2;
  // A wipe's frames must be within this share of --dissolve-max-residual of the nearer end, pixel by pixel.
  static constexpr double kWipeShare = 0.4;
  static constexpr double kPlateauWeight = 0.2;
  // A blend of a dissolve's two ends would have at least this share less variance than the interpolation of theirs
  // (for ends of equal variance: their correlation is below 0.4).
  static constexpr double kMinBlendDip = 0.3;
  // Transitions found by their colours (mixture_weights): the ends' histograms differ by at least this
  // (histogram_distance, 0..1), and every frame is a mixture of them within this share of that difference.
  static constexpr double kMinPaletteChange = 0.2;
  static constexpr double kMixtureResidual = 0.3;
  // ... and, as camera motion changes the palette all along a shot, the shots on both sides change theirs by at
  // most this share of the transition's change over kSideSpans times the transition's length (see side_holds(): a
  // side cut short by a cut or by another transition may change proportionally less, and must last at least half
  // the transition).
  static constexpr double kSidePaletteShare = 0.4;
  static constexpr double kSideSpans = 1.5;
  // Wipes and slides, by strips (strip_weights): the picture is cut into kStrips columns (and, apart, kStrips rows),
  // each with its own colour histogram, which is compared with the strips of the two ends taken at every
  // kSlideStep pixels (a picture moved by part of a strip still finds its own strip). The ends' strips differ by
  // kMinPaletteChange and each strip lies within kMixtureResidual of that difference from one end.
  static constexpr int kStrips = 8;
  static constexpr int kSlideStep = 2;
  // A strip is plainly one end's when it is nearer that end by this share of the two distances (the picture on
  // each side of a wipe's seam is the one end or the other, not a gradient between them as in a pan over one).
  static constexpr double kSeamShare = 0.25;
  struct Strips {
    std::array<Histogram, kStrips> aligned{};  // side by side
    std::vector<Histogram> sliding;            // the same width, every kSlideStep pixels
  };
  // Confirmation: two windows ending at least kConfirmShift frames apart agree on the span within
  // kConfirmFrames at each end.
  static constexpr int64_t kConfirmShift = 3;
  static constexpr int64_t kConfirmFrames = 2;
  explicit DissolveDetector(const DetectorOptions& options);
  std::string_view name() const override { return "dissolve"; }
  void process(const FrameFeatures& frame, std::vector<Boundary>& out) override;
  void flush(std::vector<Boundary>& out) override;
  int64_t settled_before() const override;
  void metrics(std::vector<std::pair<std::string_view, double>>& out) const override;

 private:
  struct Stored {
    int64_t index = 0;
    cv::Mat value;           // HSV value plane, CV_32F
    double mean = 0.0;       // of the value plane
    double variance = 0.0;   // of the value plane
    Histogram hist{};
    double step = 0.0;       // mean absolute change from the previous frame
    double hist_step = 0.0;  // histogram_distance from the previous frame
    Strips columns, rows;  // colour histograms of strips of the columns and of the rows
    bool stand_in = false;  // FrameFeatures::stand_in
  };
  void test(int h, std::vector<Boundary>& out);
  bool blend_weights(int s, int e, double change, std::vector<double>& alpha);
  bool mixture_weights(int s, int e, std::vector<double>& alpha);
  bool strip_weights(int s, int e, std::vector<double>& alpha);
  // The window whose fit metrics() shows.
  static constexpr int kShownHalf = 12;
  DetectorOptions options_;
  int max_half_ = 0;
  static constexpr int kSide = 16;
  cv::Mat plane_, small_;
  std::vector<double> ab_;  // blend_weights(): the change from one end of the window to the other
  std::deque<Stored> frames_;
  struct Seen {
    int64_t start, end, window_end;
  };
  std::deque<Seen> seen_;            // recent unconfirmed spans
  // A transition found. One found by its colours keeps the first frame after it and how far the shot after has
  // moved from that palette so far, for the check of that shot.
  struct Candidate {
    Boundary span;
    bool by_palette = false;
    double palette_change = 0.0;
    Histogram after{};
    std::vector<double> drift_after;  // histogram_distance from `after` of the frames span.end, span.end + 1, ...
    bool after_closed = false;        // the shot after has ended (a palette jump) or been followed far enough
  };
  static int64_t side_frames(const Boundary& span);
  static bool side_holds(int64_t frames, double drift, const Candidate& c);
  double palette_drift(int64_t from, int64_t to, const Histogram& reference, int64_t* seen) const;
  void extend_after(Candidate& c, const Stored& f) const;
  int64_t previous_end_ = 0;  // end of the last transition reported: the shot before a transition starts there
  void emit(std::vector<Boundary>& out, int64_t next);
  std::optional<Candidate> pending_;  // the transition being widened by overlapping windows
  std::vector<Candidate> held_;       // transitions before it that stand or fall with it (see emit())
  static constexpr size_t kMaxHeld = 3;
  int64_t next_ = 0;
  double last_alpha_mid_ = -1.0, last_residual_ = -1.0, last_dip_ = -1.0, last_palette_ = -1.0;
};

// Hard cuts from colour alone: half the L1 distance of consecutive frames' HSV marginal histograms (0..1) at or
// above histogram_threshold, with the minimum shot length and the flash check of the content detector. Blind to
// motion within one colour scheme, so fast motion rarely cuts; blind also to cuts between similar palettes.
class HistogramDetector final : public ShotDetector {
 public:
  explicit HistogramDetector(const DetectorOptions& options);
  std::string_view name() const override { return "histogram"; }
  void process(const FrameFeatures& frame, std::vector<Boundary>& out) override;
  void flush(std::vector<Boundary>& out) override;
  int64_t settled_before() const override { return next_decision_; }
  void metrics(std::vector<std::pair<std::string_view, double>>& out) const override;

 private:
  struct Seen {
    int64_t index;
    double seconds;
    double distance;  // against the previous frame
    Histogram hist;
  };
  void decide(std::vector<Boundary>& out);
  DetectorOptions options_;
  std::deque<Seen> seen_;  // frames next_decision_ - flash_frames - 1 .. newest
  int64_t next_decision_ = 0;
  double shot_start_sec_ = 0.0;
};

// Several detectors as one ("auto", "fade"). A cut within one frame of a transition is part of it; overlapping
// transitions, and transitions of different parts that nearly touch, merge into one span.
class CombinedDetector final : public ShotDetector {
 public:
  CombinedDetector(std::string name, std::vector<std::unique_ptr<ShotDetector>> parts)
      : name_(std::move(name)), parts_(std::move(parts)) {}
  std::string_view name() const override { return name_; }
  void process(const FrameFeatures& frame, std::vector<Boundary>& out) override;
  void flush(std::vector<Boundary>& out) override;
  int64_t settled_before() const override;
  void metrics(std::vector<std::pair<std::string_view, double>>& out) const override;

 private:
  // Transitions of different parts this close (frames between them) merge into one.
  static constexpr int64_t kMergeGap = 2;
  // A boundary and the parts that reported it (bit i: parts_[i]).
  struct Found {
    Boundary boundary;
    uint64_t parts = 0;
  };
  int64_t parts_settled() const;
  void collect(size_t part);
  void release(int64_t settled, std::vector<Boundary>& out);
  std::string name_;
  std::vector<std::unique_ptr<ShotDetector>> parts_;
  std::vector<Boundary> found_;  // what the part being run reports
  std::vector<Found> pending_;
  int64_t released_end_ = 0;  // boundaries must not start before the end of the last one released
};

}  // namespace vidsplit::detail
