#include "support.hpp"
#include "vidsplit/groups.hpp"

#include <doctest/doctest.h>

using namespace vidsplit;

namespace {

std::vector<VideoScan> scan_paths(const std::vector<std::string>& paths) {
  std::vector<InputVideo> inputs;
  for (const auto& p : paths) inputs.push_back({p, p, "x"});
  return scan_videos(inputs, ScanOptions{});
}

}  // namespace

TEST_CASE("vidsplit::group_clips") {
  SUBCASE("the re-encoded near-duplicate pair shares a group, other videos do not") {
    std::vector<std::string> paths;
    for (const char* v : {"jump/jump_cuts3.mp4", "jump/jump_dup_hq.mp4", "jump/jump_dup_lq.mp4", "jump/jump_fade.mp4",
                          "jump/jump_zoom.mp4", "run/run_aba.mp4", "run/run_audio.mp4", "run/run_plasma.mp4",
                          "run/run_vfr.mp4", "wave/wave_cuts4.mp4", "wave/wave_rotate.mp4", "wave/wave_spiral.mp4",
                          "wave/wave_wide.mp4"})
      paths.push_back(test::sample(v));
    const auto scans = scan_paths(paths);
    const Grouping g = group_clips(scans, GroupingOptions{});
    CHECK(g.group_count == 12);
    CHECK(g.group_of[1][0] == g.group_of[2][0]);
    REQUIRE(g.evidence.size() == 1);
    CHECK(g.evidence[0].reason == "near-duplicate");
    CHECK(g.evidence[0].a.video == 1);
    CHECK(g.evidence[0].b.video == 2);
  }
  SUBCASE("an exact copy is grouped by its identical stream") {
    test::TempDir dir;
    std::filesystem::copy_file(test::sample("wave/wave_cuts4.mp4"), dir / "copy.mkv.mp4");
    const auto scans = scan_paths({test::sample("wave/wave_cuts4.mp4"), dir / "copy.mkv.mp4", test::sample("run/run_aba.mp4")});
    GroupingOptions o;
    o.unit = Unit::Clip;
    const Grouping g = group_clips(scans, o);
    // Clip i of the copy is in the group of clip i of the original.
    REQUIRE(g.group_of[1].size() == 4);
    for (size_t c = 0; c < 4; ++c) CHECK(g.group_of[0][c] == g.group_of[1][c]);
    CHECK(g.evidence.front().reason == "identical-stream");
  }
  SUBCASE("clip unit: the recurring scene of an A B A video is one group") {
    const auto scans = scan_paths({test::sample("run/run_aba.mp4")});
    GroupingOptions o;
    o.unit = Unit::Clip;
    const Grouping g = group_clips(scans, o);
    REQUIRE(g.group_of[0].size() == 3);
    CHECK(g.group_of[0][0] == g.group_of[0][2]);
    CHECK(g.group_of[0][0] != g.group_of[0][1]);
    CHECK(g.group_count == 2);
  }
  SUBCASE("zero thresholds keep the re-encoded pair apart") {
    const auto scans = scan_paths({test::sample("jump/jump_dup_hq.mp4"), test::sample("jump/jump_dup_lq.mp4")});
    GroupingOptions o;
    o.hash_threshold = 0;
    o.max_histogram_distance = 0.0;
    o.sample_threshold = 0;
    CHECK(group_clips(scans, o).group_count == 2);
    // The temporal samples alone, at their threshold, join it.
    o.sample_threshold = GroupingOptions{}.sample_threshold;
    CHECK(group_clips(scans, o).group_count == 1);
  }
}

TEST_CASE("vidsplit::match_clips") {
  ClipSignature a, b;
  a.keyframe_hashes = {0x0, 0xFFFF0000FFFF0000ull, 0x123456789ABCDEFull};
  a.keyframe_mirror_hashes = a.keyframe_hashes;
  b = a;
  b.keyframe_hashes[0] ^= 0x3FF;  // 10 bits away: still a match at the default threshold
  GroupingOptions o;
  ClipMatch m = match_clips(a, b, o);
  CHECK(m.matched);
  CHECK(m.matched_keyframes == 3);
  CHECK(m.hash_distance == 0);
  b.mean_hist[0] = 1.0f;  // very different colour (distance 2/6): no match
  b.mean_hist[1] = 1.0f;
  CHECK_FALSE(match_clips(a, b, o).matched);
  ClipSignature flat;  // no keyframes (flat frames): never matches
  CHECK_FALSE(match_clips(a, flat, o).matched);
}
