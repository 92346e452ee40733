#include "vidsplit/shots.hpp"

#include <cmath>

namespace vidsplit {

namespace {
// Samples kept per clip before the stride doubles. A clip of any length costs at most this many.
constexpr size_t kMaxSamples = 64;
}  // namespace

ClipSignatureBuilder::ClipSignatureBuilder(int keyframes) : keyframes_(keyframes < 1 ? 1 : keyframes) {}

void ClipSignatureBuilder::add_sample(uint64_t hash, double seconds) {
  if (seen_ == 0) first_seconds_ = seconds;
  const auto tick = [&] { return std::floor((seconds - first_seconds_) * kSampleRate / sample_step_ + 1e-6); };
  // A timestamp before the clip's first (out-of-order pts) has no tick.
  if (tick() < 0) return;
  while (tick() >= static_cast<double>(kMaxTemporalSamples)) {
    // Keep every other tick, so the survivors stay on the clip's time grid at half the rate.
    for (size_t i = 0; 2 * i < temporal_.size(); ++i) temporal_[i] = temporal_[2 * i];
    temporal_.resize((temporal_.size() + 1) / 2);
    sample_step_ *= 2;
  }
  const auto t = static_cast<size_t>(tick());
  if (t < temporal_.size()) return;  // the tick's first frame is its sample
  temporal_.resize(t, 0);
  temporal_.push_back(hash);
}

void ClipSignatureBuilder::add(const FrameSignature& frame, double seconds) {
  add_sample(frame.view_hash, seconds);
  if (seen_ % stride_ == 0 && frame.detail >= kMinKeyframeDetail) {
    samples_.push_back(frame);
    if (samples_.size() == kMaxSamples) {
      // Keep every other sample, so the survivors stay spread evenly over the clip, and sample half as often.
      for (size_t i = 0; i < kMaxSamples / 2; ++i) samples_[i] = samples_[2 * i];
      samples_.resize(kMaxSamples / 2);
      stride_ *= 2;
    }
  }
  for (size_t i = 0; i < hist_sum_.size(); ++i) hist_sum_[i] += frame.hist[i];
  luma_sum_ += frame.mean_luma;
  ++seen_;
}

ClipSignature ClipSignatureBuilder::finish() const {
  ClipSignature sig;
  sig.samples = temporal_;
  sig.sample_step = sample_step_;
  const size_t n = samples_.size();
  const size_t k = std::min(n, static_cast<size_t>(keyframes_));
  for (size_t i = 0; i < k; ++i) {
    // The centre of the i-th of k equal parts of the clip.
    const FrameSignature& s = samples_[(2 * i + 1) * n / (2 * k)];
    sig.keyframe_hashes.push_back(s.phash);
    sig.keyframe_mirror_hashes.push_back(s.phash_mirror);
    sig.keyframe_centre_hashes.push_back(s.phash_centre);
    sig.keyframe_centre_mirror_hashes.push_back(s.phash_centre_mirror);
  }
  if (seen_ > 0) {
    // Quantised to the precision scan.jsonl stores, so a `run` and a `scan` + `split` group identically.
    for (size_t i = 0; i < hist_sum_.size(); ++i)
      sig.mean_hist[i] = dequantize_hist(quantize_hist(hist_sum_[i] / static_cast<double>(seen_)));
    sig.mean_luma = dequantize_luma(quantize_luma(luma_sum_ / static_cast<double>(seen_)));
  }
  return sig;
}

}  // namespace vidsplit
