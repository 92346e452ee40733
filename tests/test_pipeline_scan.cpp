// The per-video scan from memory (what fuzz_decode runs) against the same scan from the file.
#include "support.hpp"
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
