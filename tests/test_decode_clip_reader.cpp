#include "support.hpp"
#include "vidsplit/decode.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/scan.hpp"

#include <doctest/doctest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <atomic>
#include <map>

using namespace vidsplit;

namespace {

struct Clip {
  std::map<int64_t, cv::Mat> frames;  // by frame number; a frame handed again replaces the first
  int64_t decoded = 0;
};

Clip read(const std::string& path, int64_t start, int64_t end, const FrameTimes* times, ClipReadOptions o = {}) {
  Clip clip;
  clip.decoded = read_clip_frames(path, start, end, times, o, [&](int64_t i, const cv::Mat& rgb) {
    clip.frames[i] = rgb.clone();
  });
  return clip;
}

FrameTimes times_of(const std::string& path) {
  const VideoScan scan = scan_video({path, path, ""}, ScanOptions{});
  REQUIRE(scan.ok());
  return scan.times;
}

bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

}  // namespace

TEST_CASE("vidsplit::read_clip_frames seeks and gives the frames of a full decode") {
  // MPEG-4 part 2 with B-frames and I-frames at 0, 12, 24, 36 (the container indexes them by decoding time),
  // and HEVC with open GOPs at 0, 140, 280: frames just before a keyframe decode only from the GOP before.
  struct Case {
    const char* file;
    int64_t start, end;
    int64_t most_decoded;  // a seek decodes at most this many frames; a decode from the start takes `end`
  };
  for (const Case c : {Case{"mpeg4_cut.mkv", 25, 30, 10}, Case{"mpeg4_cut.mkv", 13, 14, 5},
                       Case{"hevc_gop.mp4", 141, 150, 12}, Case{"hevc_gop.mp4", 285, 290, 12},
                       Case{"hevc_gop.mp4", 139, 142, 145}}) {
    CAPTURE(c.file);
    CAPTURE(c.start);
    const std::string path = test::data(c.file).string();
    const FrameTimes times = times_of(path);
    const Clip seeking = read(path, c.start, c.end, &times);
    const Clip plain = read(path, c.start, c.end, nullptr);
    CHECK(plain.decoded == c.end);
    CHECK(seeking.decoded <= c.most_decoded);
    REQUIRE(seeking.frames.size() == static_cast<size_t>(c.end - c.start));
    REQUIRE(plain.frames.size() == seeking.frames.size());
    CHECK(seeking.frames.begin()->first == c.start);
    for (const auto& [i, frame] : plain.frames) CHECK(same_pixels(frame, seeking.frames.at(i)));
  }
}

TEST_CASE("vidsplit::read_clip_frames output size, rotation and colour order") {
  const std::string rotated = test::data("rotate90.mp4").string();
  const Clip upright = read(rotated, 0, 1, nullptr);
  CHECK(upright.frames.at(0).cols == 32);  // 64x32 coded, shown turned a quarter: 32 wide, 64 high
  CHECK(upright.frames.at(0).rows == 64);
  ClipReadOptions small;
  small.width = 8;
  small.height = 16;
  const Clip resized = read(rotated, 0, 1, nullptr, small);
  CHECK(resized.frames.at(0).cols == 8);
  CHECK(resized.frames.at(0).rows == 16);

  // RGB, unlike the decoder's BGR frames: the same picture with the channels swapped.
  const std::string path = test::data("mpeg4_cut.mkv").string();
  DecoderOptions o;
  o.display_size = true;
  VideoDecoder decoder(path, o);
  AnalysisFrame bgr;
  REQUIRE(decoder.next(bgr));
  cv::Mat swapped;
  cv::cvtColor(bgr.bgr, swapped, cv::COLOR_BGR2RGB);
  CHECK(same_pixels(read(path, 0, 1, nullptr).frames.at(0), swapped));
}

TEST_CASE("vidsplit::read_clip_frames errors") {
  const std::string path = test::data("gray_cut.mp4").string();  // 40 frames
  const FrameTimes times = times_of(path);
  CHECK_THROWS_WITH_AS(read(path, 38, 41, &times), (path + ": frames 38..41 asked, but the video has 40 frames").c_str(),
                       Error);
  CHECK_THROWS_WITH_AS(read(path, 5, 5, nullptr), "frames 5..5: need 0 <= start_frame < end_frame", ConfigError);
  CHECK_THROWS_WITH_AS(read(path, -1, 2, nullptr), "frames -1..2: need 0 <= start_frame < end_frame", ConfigError);
  ClipReadOptions one_side;
  one_side.width = 10;
  CHECK_THROWS_WITH_AS(read(path, 0, 1, nullptr, one_side), "size 10x0: give both sides (> 0), or neither",
                       ConfigError);
  const std::string bad = test::data("bad/not_a_video.mp4").string();
  CHECK_THROWS_AS(read(bad, 0, 1, nullptr), Error);
  try {
    read(bad, 0, 1, nullptr);
  } catch (const Error& e) {
    CHECK(std::string(e.what()).starts_with(bad + ": cannot open: "));
  }
  std::atomic<bool> stop{true};
  ClipReadOptions stopped;
  stopped.stop = &stop;
  CHECK_THROWS_AS(read(path, 0, 40, nullptr, stopped), Interrupted);
}
