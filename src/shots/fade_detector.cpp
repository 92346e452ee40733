#include "shots/detectors.hpp"

#include <algorithm>

namespace vidsplit::detail {

void FadeDetector::emit(int64_t end, std::vector<Boundary>& out) {
  if (end > fade_start_ && !through_black_) out.push_back({BoundaryKind::Transition, fade_start_, end, 0.0});
  state_ = State::Watching;
}

void FadeDetector::process(const FrameFeatures& frame, std::vector<Boundary>& out) {
  // A fade to white is a fade to black in the negative.
  const float luma = white_ ? 255.0f - frame.signature.mean_luma : frame.signature.mean_luma;
  const bool black = luma < (white_ ? 255.0 - options_.white_level : options_.black_level);
  // A ramp between white and black frames reads both as a fade through white and as one through black; it is
  // the fade through black (the usual fade; the white frames are its picture), so the white detector leaves any
  // fade whose ramps touch black to the black one. Two fades through black then stay two transitions, with the
  // white frames between them as a shot.
  const bool opposite = white_ && frame.signature.mean_luma < options_.black_level;
  const bool first = next_ == 0;
  const bool falling = !first && prev_luma_ - luma > kMinRampStep;
  const bool rising = !first && luma - prev_luma_ > kMinRampStep;
  next_ = frame.index + 1;

  // Track the current run of falling luma, limited to the look-back window.
  if (!falling) {
    descent_start_ = frame.index + 1;
    descent_start_sec_ = frame.seconds;
    descent_from_opposite_ = opposite;
    descent_steps_ = {};
  } else {
    if (descent_start_ > frame.index) {
      descent_start_ = frame.index;
      descent_start_sec_ = frame.seconds;
    }
    descent_steps_.add(prev_luma_ - luma);
  }

  switch (state_) {
    case State::Watching:
      if (black) {
        const bool ramp = frame.index - descent_start_ >= kMinRampFrames &&
                          frame.seconds - descent_start_sec_ <= options_.max_fade_seconds &&
                          descent_steps_.even();
        fade_out_ = ramp;
        fade_start_ = ramp ? descent_start_ : frame.index;
        through_black_ = ramp && descent_from_opposite_;
        black_start_sec_ = frame.seconds;
        state_ = State::InBlack;
      }
      break;
    case State::InBlack:
      if (!black) {
        black_end_ = frame.index;
        ramp_start_sec_ = frame.seconds;
        rise_steps_ = {};
        rise_steps_.add(luma - prev_luma_);
        state_ = State::FadingIn;
      } else if (frame.seconds - black_start_sec_ > options_.max_fade_seconds) {
        // A long black stretch is content (a night scene, a title card), not part of a fade.
        if (fade_out_) emit(frame.index, out);
        state_ = State::Watching;
      }
      break;
    case State::FadingIn:
      through_black_ = through_black_ || opposite;
      if (!rising || black || frame.seconds - ramp_start_sec_ > options_.max_fade_seconds) {
        if (rise_is_ramp(frame.index)) {
          emit(frame.index, out);  // a fade-in ramp: this frame is the first of the next shot
        } else if (fade_out_) {
          emit(black_end_, out);   // faded out, then cut in from black
        } else {
          state_ = State::Watching;  // cut to black and cut back: no fade at all
        }
        if (black) {
          // Straight back into black: start tracking the new black run.
          fade_out_ = false;
          through_black_ = false;
          fade_start_ = frame.index;
          black_start_sec_ = frame.seconds;
          state_ = State::InBlack;
        }
      } else {
        rise_steps_.add(luma - prev_luma_);
      }
      break;
  }
  prev_luma_ = luma;
}

bool FadeDetector::rise_is_ramp(int64_t end) const {
  return end - black_end_ >= kMinRampFrames && rise_steps_.even();
}

void FadeDetector::flush(std::vector<Boundary>& out) {
  // A video that ends fading out, in black after a fade, or fading in: the rest of it is the transition.
  if (state_ == State::InBlack && fade_out_) emit(next_, out);
  if (state_ == State::FadingIn && rise_is_ramp(next_)) emit(next_, out);
  if (state_ == State::FadingIn && fade_out_) emit(black_end_, out);  // faded out, then cut in from black
  state_ = State::Watching;
}

void FadeDetector::metrics(std::vector<std::pair<std::string_view, double>>& out) const {
  if (white_) return;  // the black fade detector reports the same luma
  out.emplace_back("mean_luma", prev_luma_);
}

int64_t FadeDetector::settled_before() const {
  if (state_ != State::Watching) return fade_start_;
  return std::min(descent_start_, next_);
}

}  // namespace vidsplit::detail
