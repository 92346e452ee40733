// Decoded-frame data model: time as integer pts plus time base, frames counted as decoded.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vidsplit {

struct Rational {
  int num = 0;
  int den = 1;
  double value() const { return den == 0 ? 0.0 : static_cast<double>(num) / den; }
  friend bool operator==(const Rational&, const Rational&) = default;
};

// Presentation timestamps of every decoded frame of one video, stored as runs of equal pts steps so a
// constant-rate video costs a few bytes and a VFR one stays exact. Frame i's time is looked up, never
// computed as i / fps.
class FrameTimes {
 public:
  FrameTimes() = default;
  explicit FrameTimes(Rational time_base) : time_base_(time_base) {}

  // Appends the next frame (presentation order).
  void push(int64_t pts);
  // The time just after the last frame: its pts plus its duration.
  void set_end(int64_t end_pts) { end_pts_ = end_pts; }

  int64_t size() const { return count_; }
  // pts of frame i, for 0 <= i <= size(); i == size() gives the end time.
  int64_t pts(int64_t i) const;
  double seconds(int64_t i) const;
  double seconds_of_pts(int64_t pts) const;
  // First frame whose time is >= t seconds (size() if none).
  int64_t frame_at_or_after(double t) const;

  Rational time_base() const { return time_base_; }
  int64_t first_pts() const { return first_pts_; }
  int64_t end_pts() const { return end_pts_; }
  // (step, count) runs: frame k+1 = frame k + step.
  const std::vector<std::pair<int64_t, int64_t>>& runs() const { return runs_; }

  // Rebuilds from the serialised form (see scan_io).
  static FrameTimes from_runs(Rational time_base, int64_t first_pts, int64_t count,
                              std::vector<std::pair<int64_t, int64_t>> runs, int64_t end_pts);

 private:
  Rational time_base_{1, 1};
  int64_t first_pts_ = 0;
  int64_t last_pts_ = 0;
  int64_t end_pts_ = 0;
  int64_t count_ = 0;
  std::vector<std::pair<int64_t, int64_t>> runs_;
};

// What the container and stream headers claim, named as such: none of it is trusted for frame counts.
struct VideoInfo {
  std::string codec;
  int coded_width = 0;
  int coded_height = 0;
  int display_width = 0;   // after rotation
  int display_height = 0;  // after rotation
  int rotation = 0;        // clockwise degrees applied to frames for display: 0, 90, 180 or 270
  std::string pixel_format;
  Rational time_base;
  Rational avg_frame_rate;
  int64_t num_frames_from_header = 0;
  double duration_from_header = 0.0;  // seconds, 0 when the container has none
};

// One decoded frame, already scaled (inside swscale) and rotated to the square analysis size.
struct AnalysisFrame {
  int64_t index = 0;  // 0-based decoded frame, presentation order
  int64_t pts = 0;    // in VideoInfo::time_base
  double seconds = 0.0;
  bool intra = false;  // an I-frame: encoders put one where a new scene starts
  // Width / height of the picture as displayed (sample aspect ratio and rotation applied): the square analysis
  // frame squeezes every picture, and framing-invariant signatures need its true shape back.
  double display_aspect = 1.0;
  cv::Mat bgr;         // CV_8UC3, analysis_size x analysis_size
};

}  // namespace vidsplit
