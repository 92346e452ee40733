// --segments: reading CSV and ActivityNet JSON, and segments that overlap a cut join both shots' groups.
#include "split_support.hpp"
#include "support.hpp"

#include "vidsplit/error.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/split.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace vidsplit;
using test::synthetic_scan;

TEST_CASE("vidsplit::read_segments") {
  test::TempDir dir;
  SUBCASE("CSV") {
    write_file_atomic(dir / "s.csv", "video,start_sec,end_sec,label\na/v0.mp4,1.0,3,jump\na/v0.mp4,4.2,5.5,run\n");
    const auto s = read_segments(dir / "s.csv");
    REQUIRE(s.size() == 2);
    CHECK(s[1].video == "a/v0.mp4");
    CHECK(s[1].start_sec == doctest::Approx(4.2));
    CHECK(s[1].end_sec == doctest::Approx(5.5));
    CHECK(s[1].label == "run");
    CHECK(s[1].line == 3);
  }
  SUBCASE("CSV errors name the file and line") {
    write_file_atomic(dir / "s.csv", "video,start_sec,end_sec,label\na.mp4,1,2,x\na.mp4,3,2,x\n");
    CHECK_THROWS_WITH_AS(read_segments(dir / "s.csv"), doctest::Contains("s.csv: line 3: end_sec 2 is not after start_sec 3"),
                         ConfigError);
    write_file_atomic(dir / "t.csv", "video,start_sec,end_sec,label\na.mp4,abc,2,x\n");
    CHECK_THROWS_WITH_AS(read_segments(dir / "t.csv"), doctest::Contains("t.csv: line 2: start_sec 'abc' is not a time"),
                         ConfigError);
    write_file_atomic(dir / "u.csv", "video,start,end,label\n");
    CHECK_THROWS_WITH_AS(read_segments(dir / "u.csv"), doctest::Contains("missing column 'start_sec'"), ConfigError);
    CHECK_THROWS_WITH_AS(read_segments(dir / "s.txt"), doctest::Contains("takes a .csv"), ConfigError);
  }
  SUBCASE("ActivityNet JSON") {
    write_file_atomic(dir / "a.json", R"({"version": "1.3", "database": {
      "abc": {"subset": "training", "duration": 6.0, "annotations": [
        {"segment": [1.0, 3.0], "label": "jump"}, {"segment": [4.2, 5.5], "label": "run"}]},
      "xyz": {"subset": "testing", "annotations": []},
      "nolabels": {"subset": "testing"}}})");
    const auto s = read_segments(dir / "a.json");
    REQUIRE(s.size() == 2);
    CHECK(s[0].video == "abc");
    CHECK(s[0].end_sec == doctest::Approx(3.0));
    CHECK(s[1].label == "run");
    write_file_atomic(dir / "b.json", R"({"database": {"abc": {"annotations": [{"segment": [1.0], "label": "x"}]}}})");
    CHECK_THROWS_WITH_AS(read_segments(dir / "b.json"), doctest::Contains("database.abc.annotations[0]"), ConfigError);
    write_file_atomic(dir / "c.json", "[1, 2]");
    CHECK_THROWS_WITH_AS(read_segments(dir / "c.json"), doctest::Contains("\"database\""), ConfigError);
    // Malformed JSON: the file and the reason, not nlohmann's exception name.
    write_file_atomic(dir / "d.json", "{\"database\": ");
    const std::string expected = (dir / "d.json") + ": not valid JSON: parse error at line 1, column 14: syntax "
                                 "error while parsing value - unexpected end of input; expected '[', '{', or a literal";
    CHECK_THROWS_WITH_AS(read_segments(dir / "d.json"), expected.c_str(), ConfigError);
  }
}

TEST_CASE("vidsplit::split_scans: --segments") {
  // v_abc: shots A [0,50), B [50,100), C [100,150) at 25 fps (cuts at 2 s and 4 s); 12 more 2-shot videos.
  std::vector<VideoScan> scans;
  scans.push_back(synthetic_scan("a/v_abc.mp4", "a", {0, 50, 100, 150}, {mix64(1), mix64(2), mix64(3)}, 1));
  for (uint64_t i = 0; i < 12; ++i)
    scans.push_back(synthetic_scan("b/v" + std::to_string(10 + i) + ".mp4", "b", {0, 40, 100},
                                   {mix64(100 + 2 * i), mix64(101 + 2 * i)}, 10 + i));
  SplitOptions options;
  options.ratios = {{"train", 0.5}, {"val", 0.5}};
  options.grouping.unit = Unit::Clip;
  // One segment across the cut at 2 s (A and B), one inside C, and one in every other video's 2nd shot.
  options.segments.push_back({"a/v_abc.mp4", 1.0, 3.0, "jump", 2});
  options.segments.push_back({"abc", 4.2, 5.5, "run", 3});  // ActivityNet-style name: the stem without "v_"
  for (uint64_t i = 0; i < 12; ++i)
    options.segments.push_back({"b/v" + std::to_string(10 + i) + ".mp4", 2.0, 3.0, i % 2 ? "jump" : "run", 4 + i});
  options.segments.push_back({"missing.mp4", 0.0, 1.0, "run", 20});

  const SplitOutcome out = split_scans(scans, options);
  // A and B now share a group, C keeps its own.
  CHECK(out.grouping.group_of[0][0] == out.grouping.group_of[0][1]);
  CHECK(out.grouping.group_of[0][2] != out.grouping.group_of[0][1]);
  CHECK(out.grouping.group_count == 2 + 24);
  REQUIRE(out.segment_rows.size() == 14);
  const SegmentRow& across = out.segment_rows[0];
  CHECK(across.video == "a/v_abc.mp4");
  CHECK(across.segment == 0);
  CHECK(across.start_frame == 25);
  CHECK(across.end_frame == 75);
  CHECK(across.group == out.grouping.group_of[0][0]);
  const SegmentRow& inside = out.segment_rows[1];
  CHECK(inside.segment == 1);
  CHECK(inside.start_frame == 105);  // 4.2 s x 25
  CHECK(inside.end_frame == 138);    // first frame at or after 5.5 s
  CHECK(inside.label == "run");
  // The segment's split is the split of every clip row it overlaps.
  for (const ManifestRow& r : out.rows) {
    if (r.video != "a/v_abc.mp4") continue;
    if (r.clip <= 1) CHECK(r.split == across.split);
    if (r.clip == 2) CHECK(r.split == inside.split);
  }
  // Weighted by segment frames per segment label: 7 jump and 7 run segments.
  CHECK(out.problem.labels == std::vector<std::string>{"jump", "run"});
  REQUIRE(out.solution.warnings.size() >= 1);
  CHECK(out.solution.warnings[0] == "--segments: 1 segment(s) name videos that were not scanned or failed; left out");
  std::map<std::string, int> per_split;
  for (const auto& r : out.segment_rows) ++per_split[r.split];
  CHECK(per_split["train"] >= 5);
  CHECK(per_split["val"] >= 5);

  const std::string csv = segments_csv(out.segment_rows);
  CHECK(csv.starts_with("video,segment,start_sec,end_sec,start_frame,end_frame,label,group,split\n"
                        "a/v_abc.mp4,0,1.000000,3.000000,25,75,jump,0," + across.split + "\n"));
}
