// One check per transformation of tests/data/groups/base.mp4 (made by scripts/make_group_fixtures.sh).
#include "support.hpp"
#include "vidsplit/groups.hpp"

#include <doctest/doctest.h>

using namespace vidsplit;

namespace {

// Scans base.mp4 and `other`, returns whether their first clips land in one group (video unit).
bool grouped_with_base(const std::string& other) {
  const std::string base = test::data("groups/base.mp4").string();
  const std::string path = test::data("groups/" + other).string();
  const auto scans = scan_videos({{"base", base, "x"}, {other, path, "x"}}, ScanOptions{});
  REQUIRE_MESSAGE(scans[1].ok(), scans[1].error);
  const Grouping g = group_clips(scans, GroupingOptions{});
  return g.group_of[0][0] == g.group_of[1][0];
}

}  // namespace

TEST_CASE("groups: transformed copies join their source") {
  SUBCASE("re-encoded with another codec, bitrate and frame rate") { CHECK(grouped_with_base("reencode.mp4")); }
  SUBCASE("resized to another aspect ratio with letterbox bars") { CHECK(grouped_with_base("resize.mp4")); }
  SUBCASE("cropped by 10% (5% off each side)") { CHECK(grouped_with_base("crop.mp4")); }
  SUBCASE("brightness, contrast and gamma shifted") { CHECK(grouped_with_base("color.mp4")); }
  SUBCASE("logo and caption band burned in") { CHECK(grouped_with_base("logo.mp4")); }
  SUBCASE("mirrored left-right") { CHECK(grouped_with_base("flip.mp4")); }
  SUBCASE("trimmed to a sub-clip") { CHECK(grouped_with_base("trim.mp4")); }
  SUBCASE("a part of it pillarboxed into 16:9") { CHECK(grouped_with_base("overlap_pad.mp4")); }
  SUBCASE("a part of it centre-cropped to 16:9") { CHECK(grouped_with_base("overlap_crop.mp4")); }
  SUBCASE("a part of it with red and blue swapped") { CHECK(grouped_with_base("overlap_rb.mp4")); }
  SUBCASE("a part of it mirrored, with grey bars") { CHECK(grouped_with_base("overlap_grey.mp4")); }
}

TEST_CASE("groups: other scenes of the same kind stay apart") {
  CHECK_FALSE(grouped_with_base("distinct_a.mp4"));
  CHECK_FALSE(grouped_with_base("distinct_b.mp4"));
}
