#include "support.hpp"
#include "vidsplit/decode.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <doctest/doctest.h>

#include <opencv2/core.hpp>

#include <algorithm>
#include <span>

using namespace vidsplit;

namespace {

std::vector<AnalysisFrame> decode_all(const std::string& path, int threads = 0) {
  DecoderOptions o;
  o.threads = threads;
  VideoDecoder d(path, o);
  std::vector<AnalysisFrame> frames;
  AnalysisFrame f;
  while (d.next(f)) {
    frames.push_back(f);
    frames.back().bgr = f.bgr.clone();
  }
  return frames;
}

// Decodes `coarse` (keyframes only) to the end, checking that each frame is an I-frame with the time and the
// pixels of the same frame in `all`, the full decode. Returns the frame numbers it gave.
std::vector<int64_t> keyframes_as_in_full(VideoDecoder& coarse, const std::vector<AnalysisFrame>& all) {
  AnalysisFrame f;
  std::vector<int64_t> indices;
  while (coarse.next(f)) {
    REQUIRE(f.index < static_cast<int64_t>(all.size()));
    const AnalysisFrame& same = all[static_cast<size_t>(f.index)];
    CHECK(f.intra);
    CHECK(f.pts == same.pts);
    CHECK(cv::norm(f.bgr, same.bgr, cv::NORM_INF) == 0);
    indices.push_back(f.index);
  }
  return indices;
}

}  // namespace

TEST_CASE("vidsplit::VideoDecoder") {
  SUBCASE("counts decoded frames and takes timestamps from pts") {
    DecoderOptions o;
    VideoDecoder d(test::data("gray_cut.mp4").string(), o);
    AnalysisFrame f;
    int64_t n = 0;
    while (d.next(f)) {
      CHECK(f.index == n);
      CHECK(f.pts == n * 512);  // time base 1/12800 at 25 fps
      CHECK(f.bgr.rows == 64);
      CHECK(f.bgr.cols == 64);
      ++n;
    }
    CHECK(n == 40);
    CHECK(d.frame_times().size() == 40);
    CHECK(d.frame_times().seconds(40) == doctest::Approx(1.6));  // end = last pts + duration
    CHECK(d.info().time_base == Rational{1, 12800});
    CHECK_FALSE(d.next(f));  // stays at end
  }
  SUBCASE("variable frame rate: every frame keeps its own timestamp") {
    const auto frames = decode_all(test::data("vfr.mp4").string());
    const double expected[] = {0.0, 0.04, 0.08, 0.12, 0.16, 0.2, 0.3, 0.4, 0.5, 0.6};
    REQUIRE(frames.size() == 10);
    for (size_t i = 0; i < frames.size(); ++i) CHECK(frames[i].seconds == doctest::Approx(expected[i]));
  }
  SUBCASE("rotation metadata is applied like ffmpeg's autorotate") {
    DecoderOptions o;
    VideoDecoder d(test::data("rotate90.mp4").string(), o);
    // The file is 64x32 with a display matrix of +90 degrees (counter-clockwise): shown as 32x64.
    CHECK(d.info().rotation == 270);
    CHECK(d.info().coded_width == 64);
    CHECK(d.info().display_width == 32);
    CHECK(d.info().display_height == 64);
    AnalysisFrame f;
    REQUIRE(d.next(f));
    // The stored picture's white left half ends up at the bottom once turned upright.
    const cv::Scalar top = cv::mean(f.bgr.rowRange(0, 28));
    const cv::Scalar bottom = cv::mean(f.bgr.rowRange(36, 64));
    CHECK(top[0] < 30);
    CHECK(bottom[0] > 220);
  }
  SUBCASE("decoding is identical whatever the codec thread count") {
    const auto one = decode_all(test::sample("jump/jump_cuts3.mp4"), 1);
    const auto two = decode_all(test::sample("jump/jump_cuts3.mp4"), 2);
    REQUIRE(one.size() == two.size());
    for (size_t i = 0; i < one.size(); ++i) CHECK(cv::norm(one[i].bgr, two[i].bgr, cv::NORM_INF) == 0);
  }
  SUBCASE("the content hash depends on the stream, not on the container's name") {
    test::TempDir dir;
    std::filesystem::copy_file(test::sample("jump/jump_cuts3.mp4"), dir / "copy.mp4");
    DecoderOptions o;
    VideoDecoder a(test::sample("jump/jump_cuts3.mp4"), o), b(dir / "copy.mp4", o), c(test::sample("run/run_aba.mp4"), o);
    AnalysisFrame f;
    while (a.next(f)) {}
    while (b.next(f)) {}
    while (c.next(f)) {}
    CHECK(a.content_hash() == b.content_hash());
    CHECK(a.content_hash() != c.content_hash());
  }
  SUBCASE("a file held in memory decodes exactly like the file") {
    const std::string bytes = read_file(test::sample("run/run_vfr.mp4"));
    const std::span<const uint8_t> span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    DecoderOptions o;
    VideoDecoder file(test::sample("run/run_vfr.mp4"), o), memory(span, o);
    AnalysisFrame a, b;
    int64_t n = 0;
    while (file.next(a)) {
      REQUIRE(memory.next(b));
      CHECK(a.pts == b.pts);
      CHECK(cv::norm(a.bgr, b.bgr, cv::NORM_INF) == 0);
      ++n;
    }
    CHECK_FALSE(memory.next(b));
    CHECK(n == 80);
    CHECK(memory.frame_times().seconds(80) == doctest::Approx(file.frame_times().seconds(80)));
    CHECK(memory.content_hash() == file.content_hash());
    const std::string text = "not a video";
    CHECK_THROWS_WITH_AS(VideoDecoder(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()), o),
                         doctest::Contains("cannot open: Invalid data found when processing input"), Error);
  }
  SUBCASE("bad files throw an Error with the reason") {
    DecoderOptions o;
    CHECK_THROWS_WITH_AS(VideoDecoder(test::data("bad/not_a_video.mp4").string(), o),
                         doctest::Contains("cannot open: Invalid data found when processing input"), Error);
    CHECK_THROWS_WITH_AS(VideoDecoder(test::data("bad/audio_only.m4a").string(), o),
                         doctest::Contains("no video stream"), Error);
    CHECK_THROWS_WITH_AS(VideoDecoder(test::data("bad/truncated.mp4").string(), o), doctest::Contains("cannot open"), Error);
    o.max_pixels = 1000;
    CHECK_THROWS_WITH_AS(VideoDecoder(test::data("gray_cut.mp4").string(), o),
                         doctest::Contains("frame size 64x48 exceeds --max-pixels 1000"), Error);
  }
  SUBCASE("--max-pixels also binds sizes announced inside the stream (fuzz_decode finding)") {
    // A 32x24 WebM whose VP8 keyframes announce 16352x16103: libavcodec must refuse the picture before
    // allocating it, so the error comes from the decoder, not from our check of a decoded 263-megapixel frame.
    DecoderOptions o;
    o.max_pixels = 1 << 20;
    VideoDecoder d(test::data("fuzz/vp8_inband_size.webm").string(), o);
    CHECK(d.info().coded_width == 32);
    AnalysisFrame f;
    CHECK_THROWS_WITH_AS(d.next(f), "decoding failed after 0 frames: Invalid argument (a frame over --max-pixels 1048576?)",
                         Error);
  }
}

TEST_CASE("vidsplit::VideoDecoder reference_frames_only") {
  // The samples are H.264 with B-frames (libx264 defaults), so some frames are never referenced.
  const std::string path = test::sample("wave/wave_cuts4.mp4");
  const std::vector<AnalysisFrame> all = decode_all(path);
  DecoderOptions o;
  o.reference_frames_only = true;
  VideoDecoder full(path, DecoderOptions{}), coarse(path, o);
  AnalysisFrame f;
  while (full.next(f)) {
  }
  std::vector<int64_t> indices;
  while (coarse.next(f)) {
    REQUIRE(f.index < static_cast<int64_t>(all.size()));
    const AnalysisFrame& same = all[static_cast<size_t>(f.index)];
    // A reference frame decodes exactly as in a full decode, and keeps its place and time.
    CHECK(f.pts == same.pts);
    CHECK(f.seconds == same.seconds);
    CHECK(cv::norm(f.bgr, same.bgr, cv::NORM_INF) == 0);
    indices.push_back(f.index);
  }
  CHECK(indices.size() < all.size() * 3 / 4);  // a real share of the frames was skipped
  CHECK(std::is_sorted(indices.begin(), indices.end()));
  CHECK(std::adjacent_find(indices.begin(), indices.end()) == indices.end());
  // The skipped frames are still counted and timed from their packets: same count, same times.
  REQUIRE(coarse.frame_times().size() == full.frame_times().size());
  for (int64_t i = 0; i <= full.frame_times().size(); ++i) CHECK(coarse.frame_times().pts(i) == full.frame_times().pts(i));
  CHECK(coarse.content_hash() == full.content_hash());
}

TEST_CASE("vidsplit::VideoDecoder keyframes_only") {
  // MPEG-4 with B-frames and a keyframe every 12 frames: 0, 12, 24, 36 of 40.
  const std::string path = test::data("mpeg4_cut.mkv").string();
  const std::vector<AnalysisFrame> all = decode_all(path);
  REQUIRE(all.size() == 40);
  DecoderOptions o;
  o.keyframes_only = true;
  o.reference_frames_only = true;  // keyframes_only takes precedence
  VideoDecoder full(path, DecoderOptions{}), coarse(path, o);
  AnalysisFrame f;
  while (full.next(f)) {
  }
  CHECK(keyframes_as_in_full(coarse, all) == std::vector<int64_t>{0, 12, 24, 36});
  REQUIRE(coarse.frame_times().size() == 40);
  for (int64_t i = 0; i <= 40; ++i) CHECK(coarse.frame_times().pts(i) == full.frame_times().pts(i));
  CHECK(coarse.content_hash() == full.content_hash());
  // Seeking back ends keyframes-only decoding: every frame from the keyframe at or before the time.
  coarse.seek(all[13].pts);
  std::vector<int64_t> after_seek;
  while (coarse.next(f)) after_seek.push_back(f.pts);
  CHECK(after_seek.size() == 40 - 12);
  CHECK(after_seek.front() == all[12].pts);
}

TEST_CASE("vidsplit::VideoDecoder keyframes_only on HEVC with open GOPs") {
  // Keyframes at 0, 140 and 280, followed in the file by B-frames shown before them (open GOPs). HEVC outputs
  // pictures by picture order count, which (8 bits here) the keyframes alone cannot carry over 140 pictures:
  // fed keyframes only, the decoder gave 140 out before 0. Each keyframe is now drained on its own.
  const std::string path = test::data("hevc_gop.mp4").string();
  const std::vector<AnalysisFrame> all = decode_all(path);
  REQUIRE(all.size() == 300);
  DecoderOptions o;
  o.keyframes_only = true;
  VideoDecoder coarse(path, o);
  CHECK(keyframes_as_in_full(coarse, all) == std::vector<int64_t>{0, 140, 280});
  REQUIRE(coarse.frame_times().size() == 300);
  for (int64_t i = 0; i < 300; ++i) CHECK(coarse.frame_times().pts(i) == all[static_cast<size_t>(i)].pts);
}

TEST_CASE("vidsplit::VideoDecoder reduced_resolution") {
  // MPEG-4 part 2 decodes at half size here (512x288 -> 256x144, still twice the 64x64 analysis frame).
  const std::string path = test::data("mpeg4_cut.mkv").string();
  const std::vector<AnalysisFrame> full = decode_all(path);
  DecoderOptions o;
  o.reduced_resolution = true;
  VideoDecoder half(path, o);
  CHECK(half.info().coded_width == 512);  // the video's own size, whatever the decoder outputs
  AnalysisFrame f;
  size_t n = 0;
  double worst = 0;
  while (half.next(f)) {
    REQUIRE(n < full.size());
    CHECK(f.pts == full[n].pts);
    worst = std::max(worst, cv::norm(f.bgr, full[n].bgr, cv::NORM_L1) / static_cast<double>(f.bgr.total() * 3));
    ++n;
  }
  CHECK(n == full.size());
  CHECK(worst > 0);   // really decoded differently...
  CHECK(worst < 4);   // ...but the analysis frame is nearly the same (mean absolute difference in grey levels)
  // H.264 has no reduced-size decoding: the option changes nothing there.
  DecoderOptions h264;
  h264.reduced_resolution = true;
  VideoDecoder same(test::data("gray_cut.mp4").string(), h264);
  const auto reference = decode_all(test::data("gray_cut.mp4").string());
  for (size_t i = 0; same.next(f); ++i) CHECK(cv::norm(f.bgr, reference[i].bgr, cv::NORM_INF) == 0);
}
