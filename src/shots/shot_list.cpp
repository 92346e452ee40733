#include "vidsplit/shots.hpp"

namespace vidsplit {

std::string_view to_string(ShotKind kind) { return kind == ShotKind::Shot ? "shot" : "transition"; }

void ShotListBuilder::add_boundary(const Boundary& b) { pending_.push_back(b); }

void ShotListBuilder::close(int64_t end) {
  Shot shot;
  shot.index = static_cast<int>(shots_.size());
  shot.kind = kind_;
  shot.start_frame = start_;
  shot.end_frame = end;
  shot.signature = current_.finish();
  shots_.push_back(std::move(shot));
  current_ = ClipSignatureBuilder(keyframes_);
  start_ = end;
}

void ShotListBuilder::add_frame(int64_t index, double seconds, const FrameSignature& signature) {
  if (kind_ == ShotKind::Transition && index >= transition_end_) {
    close(index);
    kind_ = ShotKind::Shot;
  }
  // Boundaries arrive before the frame they start at; one that is already behind (a detector broke its
  // settled_before promise) starts at this frame rather than rewriting closed shots.
  while (next_pending_ < pending_.size() && pending_[next_pending_].start <= index) {
    const Boundary& b = pending_[next_pending_++];
    if (index > start_) close(index);
    kind_ = b.kind == BoundaryKind::Cut ? ShotKind::Shot : ShotKind::Transition;
    transition_end_ = b.end;
  }
  current_.add(signature, seconds);
  frames_ = index + 1;
}

std::vector<Shot> ShotListBuilder::finish(const FrameTimes& times) {
  if (frames_ > start_) close(frames_);
  for (Shot& s : shots_) {
    s.start_sec = times.seconds(s.start_frame);
    s.end_sec = times.seconds(s.end_frame);
  }
  pending_.clear();
  next_pending_ = 0;
  return std::move(shots_);
}

}  // namespace vidsplit
