// The leakage headline (leakage.hpp): shares of held-out frames whose footage is also in train, counted by
// hand on tiny synthetic videos (25 fps, exact shots).
#include "split_support.hpp"

#include "vidsplit/leakage.hpp"
#include "vidsplit/outputs.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

using namespace vidsplit;

namespace {

// A and B: two 50-frame shots each, their first shots one footage; C and D: unrelated, 100 frames each.
std::vector<VideoScan> four_videos() {
  return {test::synthetic_scan("A.mp4", "x", {0, 50, 100}, {mix64(1), mix64(2)}, 1),
          test::synthetic_scan("B.mp4", "x", {0, 50, 100}, {mix64(1), mix64(3)}, 2),
          test::synthetic_scan("C.mp4", "x", {0, 100}, {mix64(4)}, 3),
          test::synthetic_scan("D.mp4", "x", {0, 100}, {mix64(5)}, 4)};
}

SplitOptions halves() {
  SplitOptions o;
  o.ratios = parse_ratios("train=0.5,val=0.5");
  return o;
}

// One manifest row per clip, in the split its video is given.
std::vector<ManifestRow> rows_of(const std::vector<VideoScan>& scans, const std::vector<std::string>& split_of_video) {
  std::vector<ManifestRow> rows;
  for (size_t v = 0; v < scans.size(); ++v)
    for (const Shot& s : scans[v].shots) {
      ManifestRow r;
      r.video = scans[v].video;
      r.clip = s.index;
      r.start_frame = s.start_frame;
      r.end_frame = s.end_frame;
      r.split = split_of_video[v];
      rows.push_back(r);
    }
  return rows;
}

}  // namespace

TEST_CASE("vidsplit::leakage_headline") {
  const auto scans = four_videos();
  const SplitOptions options = halves();
  SUBCASE("a grouped split shares nothing; a random one shares what its cut falls across") {
    const SplitOutcome outcome = split_scans(scans, options);
    const LeakageHeadline h = leakage_headline(scans, outcome, options);
    CHECK(h.reference == "train");
    REQUIRE(h.split.size() == 1);
    CHECK(h.split[0].split == "val");
    CHECK(h.split[0].frames == 200);
    CHECK(h.split[0].shared == 0);
    // Two videos of four in val: 200 frames. A's first shot is B's: 50 frames shared when A and B are apart.
    const std::vector<int> random = random_video_split(scans, options.ratios, options.seed);
    REQUIRE(h.random.size() == 1);
    CHECK(h.random[0].frames == 200);
    CHECK(h.random[0].shared == (random[0] != random[1] ? 50 : 0));
  }
  SUBCASE("a straddling split (as --keep can force) counts the shared shot") {
    SplitOutcome outcome;
    outcome.grouping = group_clips(scans, options.grouping);
    outcome.rows = rows_of(scans, {"train", "val", "train", "val"});
    const LeakageHeadline h = leakage_headline(scans, outcome, options);
    CHECK(h.split[0].frames == 200);
    CHECK(h.split[0].shared == 50);  // B's first shot; its second and D are footage of their own
    CHECK(h.split[0].share() == 0.25);
  }
  SUBCASE("excluded rows are in no split, and a guard piece of a shared clip counts its frames only") {
    SplitOutcome outcome;
    outcome.grouping = group_clips(scans, options.grouping);
    outcome.rows = rows_of(scans, {"train", "val", "train", "excluded"});
    outcome.rows[2].end_frame = 40;  // B's first shot: 40 frames in val ...
    ManifestRow guard = outcome.rows[2];
    guard.start_frame = 40;
    guard.end_frame = 50;
    guard.kind = RowKind::Guard;
    guard.split = std::string(kExcluded);  // ... and 10 left out
    outcome.rows.insert(outcome.rows.begin() + 3, guard);
    const LeakageHeadline h = leakage_headline(scans, outcome, options);
    CHECK(h.split[0].frames == 90);
    CHECK(h.split[0].shared == 40);
  }
  SUBCASE("summary.json carries the shares under leakage") {
    const SplitOutcome outcome = split_scans(scans, options);
    const std::string summary = summary_json(scans, outcome, options, nlohmann::json::object());
    CHECK(summary.find("\"val_frames_shared_with_train\": 0.0") != std::string::npos);
    CHECK(summary.find("\"random_split_val_frames_shared_with_train\": ") != std::string::npos);
    CHECK(summary.find("\"reference\": \"train\"") != std::string::npos);
  }
}

TEST_CASE("vidsplit::random_video_split") {
  std::vector<VideoScan> scans;
  for (int v = 0; v < 10; ++v) scans.push_back(test::synthetic_scan(fmt::format("v{}.mp4", v), "x", {0, 10}, {mix64(v)}, v));
  scans[3].error = "unreadable";
  const auto ratios = parse_ratios("train=0.7,val=0.2,test=0.1");
  const std::vector<int> split = random_video_split(scans, ratios, 0);
  CHECK(split[3] == -1);
  // Nine usable videos: round(6.3) = 6 train, round(8.1) - 6 = 2 val, the last 1 test.
  CHECK(std::count(split.begin(), split.end(), 0) == 6);
  CHECK(std::count(split.begin(), split.end(), 1) == 2);
  CHECK(std::count(split.begin(), split.end(), 2) == 1);
  CHECK(random_video_split(scans, ratios, 0) == split);
  CHECK(random_video_split(scans, ratios, 1) != split);
}
