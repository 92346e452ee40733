#include "vidsplit/frame.hpp"

#include <algorithm>
#include <cmath>

namespace vidsplit {

void FrameTimes::push(int64_t pts) {
  if (count_ == 0) {
    first_pts_ = pts;
  } else {
    const int64_t step = pts - last_pts_;
    if (!runs_.empty() && runs_.back().first == step) {
      ++runs_.back().second;
    } else {
      runs_.emplace_back(step, 1);
    }
  }
  last_pts_ = pts;
  end_pts_ = pts;
  ++count_;
}

int64_t FrameTimes::pts(int64_t i) const {
  if (i >= count_) return end_pts_;
  int64_t t = first_pts_;
  int64_t remaining = i;
  for (const auto& [step, n] : runs_) {
    const int64_t take = std::min(remaining, n);
    t += step * take;
    remaining -= take;
    if (remaining == 0) break;
  }
  return t;
}

double FrameTimes::seconds_of_pts(int64_t p) const {
  return static_cast<double>(p) * time_base_.num / time_base_.den;
}

double FrameTimes::seconds(int64_t i) const { return seconds_of_pts(pts(i)); }

int64_t FrameTimes::frame_at_or_after(double t) const {
  // Walk the runs instead of bisecting pts(i): times may step backwards in broken files.
  int64_t index = 0;
  int64_t p = first_pts_;
  if (count_ > 0 && seconds_of_pts(p) >= t) return 0;
  for (const auto& [step, n] : runs_) {
    for (int64_t k = 0; k < n; ++k) {
      p += step;
      ++index;
      if (seconds_of_pts(p) >= t) return index;
    }
  }
  return count_;
}

FrameTimes FrameTimes::from_runs(Rational time_base, int64_t first_pts, int64_t count,
                                 std::vector<std::pair<int64_t, int64_t>> runs, int64_t end_pts) {
  FrameTimes t(time_base);
  t.first_pts_ = first_pts;
  t.count_ = count;
  t.runs_ = std::move(runs);
  t.end_pts_ = end_pts;
  t.last_pts_ = t.pts(count > 0 ? count - 1 : 0);
  return t;
}

}  // namespace vidsplit
