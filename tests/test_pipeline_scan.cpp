// The per-video scan from memory (what fuzz_decode runs) against the same scan from the file, and the streaming
// scan of many videos.
#include "support.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/scan.hpp"

#include <doctest/doctest.h>

#include <span>

using namespace vidsplit;

TEST_CASE("vidsplit::scan_video_bytes") {
  const InputVideo input{"wave/wave_cuts4.mp4", test::sample("wave/wave_cuts4.mp4"), "wave"};
  const std::string bytes = read_file(input.path);
  const std::span<const uint8_t> span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  const VideoScan from_file = scan_video(input, ScanOptions{});
  const VideoScan from_memory = scan_video_bytes(span, input, ScanOptions{});
  REQUIRE(from_memory.ok());
  CHECK(from_memory.frames == 150);
  CHECK(from_memory.shots.size() == 4);
  CHECK(scan_line(from_memory) == scan_line(from_file));
  const VideoScan bad = scan_video_bytes(span.first(100), input, ScanOptions{});
  CHECK(bad.error.starts_with("cannot open"));
  CHECK(bad.shots.empty());
}

TEST_CASE("vidsplit::scan_videos hands results to the sink in input order, whatever the thread count") {
  std::vector<InputVideo> inputs;
  for (const char* name : {"wave/wave_cuts4.mp4", "jump/jump_cuts3.mp4", "run/run_aba.mp4", "jump/jump_fade.mp4",
                           "run/run_plasma.mp4", "wave/wave_wide.mp4"})
    inputs.push_back({name, test::sample(name), "x"});
  inputs.push_back({"empty.mp4", test::data("bad/empty.mp4").string(), "x"});  // a failure keeps its place too
  ScanOptions one;
  one.threads = 1;
  std::vector<std::string> expected;
  for (const VideoScan& s : scan_videos(inputs, one)) expected.push_back(scan_line(s));
  REQUIRE(expected.size() == inputs.size());

  ScanOptions four;
  four.threads = 4;
  std::vector<std::string> streamed;
  scan_videos(inputs, four, {}, [&](VideoScan&& s) {
    CHECK(s.video == inputs[streamed.size()].video);
    streamed.push_back(scan_line(s));
  });
  CHECK(streamed == expected);
  CHECK(expected.back().find("file is empty") != std::string::npos);

  // Workers that may not run ahead of the oldest unfinished video wait for it (no deadlock, same output).
  four.max_scans_ahead = 1;
  streamed.clear();
  scan_videos(inputs, four, {}, [&](VideoScan&& s) { streamed.push_back(scan_line(s)); });
  CHECK(streamed == expected);

  // A sink that cannot take a result (a full disk) stops the run with its error; nothing after it arrives.
  size_t taken = 0;
  CHECK_THROWS_WITH_AS(scan_videos(inputs, four, {},
                                   [&](VideoScan&&) {
                                     if (++taken == 2) throw Error("cannot write scan.jsonl: No space left on device");
                                   }),
                       doctest::Contains("No space left"), Error);
  CHECK(taken == 2);
}

TEST_CASE("vidsplit::discover_inputs: a path that names nothing is a ConfigError; a file gone later fails alone") {
  test::TempDir dir;
  const std::string missing = dir / "vidoes";
  CHECK_THROWS_WITH_AS(discover_inputs({test::samples().string(), missing}, {}), (missing + ": no such file or folder").c_str(),
                       ConfigError);
  // Between discovery and decoding the file can still vanish: that video alone fails, with its reason.
  const VideoScan s = scan_video({"gone.mp4", dir / "gone.mp4", ""}, ScanOptions{});
  CHECK(s.error == "file not found");
}
