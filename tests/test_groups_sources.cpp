// Known source ids (sources.hpp): the presets on real-looking names, bad patterns, the table, and the groups
// and group_evidence.csv rows they make.
#include "split_support.hpp"
#include "support.hpp"

#include "vidsplit/error.hpp"
#include "vidsplit/groups.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/sources.hpp"

#include <doctest/doctest.h>

using namespace vidsplit;

namespace {

std::string key(const char* preset, const std::string& id) {
  SourceOptions o;
  o.pattern = source_pattern(preset);
  return source_keys({id}, o)[0];
}

// 50 frames at 25 fps in one shot, or two, whose keyframe hashes (from `hash`) are far from other videos'.
VideoScan video(const std::string& id, uint64_t hash, bool two_shots = false) {
  return two_shots ? test::synthetic_scan(id, "x", {0, 25, 50}, {mix64(hash), mix64(hash + 1)}, hash)
                   : test::synthetic_scan(id, "x", {0, 50}, {mix64(hash)}, hash);
}

}  // namespace

TEST_CASE("vidsplit::source_pattern") {
  SUBCASE("ucf101: class and group") {
    CHECK(key("ucf101", "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi") == "ApplyEyeMakeup_g08");
    CHECK(key("ucf101", "v_YoYo_g25_c05.avi") == "YoYo_g25");
    CHECK(key("ucf101", "v_BaseballPitch_g01_c01") == "BaseballPitch_g01");
    CHECK(key("ucf101", "x/notes_v_YoYo_g25_c05.avi").empty());  // only at the start of the file name
    CHECK(key("ucf101", "abseiling_k400.mp4").empty());
  }
  SUBCASE("hmdb51: the movie name, underscores and all") {
    CHECK(key("hmdb51", "wave/RATRACE_wave_f_cm_np1_fr_med_0.avi") == "RATRACE");
    CHECK(key("hmdb51", "RATRACE_wave_f_nm_np1_fr_goo_37.avi") == "RATRACE");
    CHECK(key("hmdb51", "brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0.avi") == "April_09");
    CHECK(key("hmdb51", "BASE_Jumping_Compilation_-_Brilliant_dive_f_cm_np1_le_bad_3.mp4") ==
          "BASE_Jumping_Compilation_-_Brilliant");
    CHECK(key("hmdb51", "Bruno_Walks_up_Stairs_climb_stairs_f_cm_np1_fr_med_0.mp4") == "Bruno_Walks_up_Stairs");
    CHECK(key("hmdb51", "50_FIRST_DATES_drink_u_nm_np1_fr_goo_29.mp4") == "50_FIRST_DATES");
    CHECK(key("hmdb51", "kick_ball/Goal_kick_ball_f_cm_np1_fr_goo_0.avi") == "Goal");
    CHECK(key("hmdb51", "v_YoYo_g25_c05.avi").empty());
  }
  SUBCASE("kinetics: the 11-character YouTube id, which may start with '-' or hold '_'") {
    CHECK(key("kinetics", "abseiling/-0pXnjUAFBs_000010_000020.mp4") == "-0pXnjUAFBs");
    CHECK(key("kinetics", "--4kZOrvbtE_000005_000015.mp4") == "--4kZOrvbtE");
    CHECK(key("kinetics", "zzz_abc-123_000000_000010.mp4") == "zzz_abc-123");
    CHECK(key("kinetics", "abseiling_k400.mp4").empty());
  }
  SUBCASE("any other text is a regex; its first capture group is the key") {
    CHECK(source_pattern("(cam\\d+)_") == "(cam\\d+)_");
    CHECK(key("(cam\\d+)_", "day1/cam03_0001.mp4") == "cam03");
    CHECK(key("(cam\\d+)_", "day1/phone_0001.mp4").empty());
  }
  SUBCASE("a table entry wins over the pattern") {
    SourceOptions o;
    o.pattern = source_pattern("ucf101");
    o.table = {{"v_YoYo_g25_c05.avi", "tape7"}};
    CHECK(source_keys({"v_YoYo_g25_c05.avi", "v_YoYo_g25_c06.avi"}, o) == std::vector<std::string>{"tape7", "YoYo_g25"});
  }
}

TEST_CASE("vidsplit::check_source_pattern") {
  CHECK_THROWS_WITH_AS(check_source_pattern("v_([A-Z]"), doctest::Contains("source pattern 'v_([A-Z]': "), ConfigError);
  CHECK_THROWS_WITH_AS(check_source_pattern("v_[A-Z]+"), doctest::Contains("has no capture group"), ConfigError);
  for (const char* preset : {"ucf101", "hmdb51", "kinetics"}) CHECK_NOTHROW(check_source_pattern(source_pattern(preset)));
}

TEST_CASE("vidsplit::read_sources_csv") {
  test::TempDir dir;
  SUBCASE("video,source rows") {
    write_file_atomic(dir / "s.csv", "video,source\na.mp4,s1\nb.mp4,s1\nc.mp4,s2\n");
    const auto table = read_sources_csv(dir / "s.csv");
    CHECK(table == std::map<std::string, std::string>{{"a.mp4", "s1"}, {"b.mp4", "s1"}, {"c.mp4", "s2"}});
    SourceOptions o;
    o.table = table;
    CHECK(unknown_table_videos({"a.mp4", "c.mp4", "d.mp4"}, o) == 1);
  }
  SUBCASE("a video listed twice names the line") {
    write_file_atomic(dir / "s.csv", "video,source\na.mp4,s1\na.mp4,s2\n");
    CHECK_THROWS_WITH_AS(read_sources_csv(dir / "s.csv"), doctest::Contains("line 3: video 'a.mp4' listed twice"),
                         ConfigError);
  }
  SUBCASE("the source column is required") {
    write_file_atomic(dir / "s.csv", "video,label\na.mp4,s1\n");
    CHECK_THROWS_AS(read_sources_csv(dir / "s.csv"), ConfigError);
  }
}

TEST_CASE("vidsplit::group_clips: known source ids") {
  // Four UCF101 names, three classes' worth of unrelated pictures: only the names link anything.
  const std::vector<VideoScan> scans = {video("A/v_A_g01_c01.avi", 0x1111), video("A/v_A_g01_c02.avi", 0x2222, true),
                                        video("A/v_A_g02_c01.avi", 0x3333), video("B/v_B_g01_c01.avi", 0x4444)};
  GroupingOptions o;
  SUBCASE("without sources, every video is its own group") { CHECK(group_clips(scans, o).group_count == 4); }
  SUBCASE("ucf101: one class and group is one group") {
    o.sources.pattern = source_pattern("ucf101");
    const Grouping g = group_clips(scans, o);
    CHECK(g.group_count == 3);
    CHECK(g.group_of[0][0] == g.group_of[1][0]);
    REQUIRE(g.evidence.size() == 1);
    const GroupEvidence& e = g.evidence[0];
    CHECK(e.a == ClipRef{0, 0});
    CHECK(e.b == ClipRef{1, 0});
    CHECK(e.reason == "same-source-name");
    CHECK(e.kind == "name");
    CHECK(e.a_start_sec == 0.0);
    CHECK(e.a_end_sec == 2.0);
    CHECK(e.b_start_sec == 0.0);
    CHECK(e.b_end_sec == 1.0);
    CHECK(e.score == 1.0);
    // Links by name are no footage link of the clips' own: footage_of still joins them (whole videos).
    CHECK(g.footage_of[0][0] == g.footage_of[1][1]);
    CHECK(g.footage_of[0][0] != g.footage_of[2][0]);
  }
  SUBCASE("a table joins videos across classes") {
    o.sources.table = {{"A/v_A_g02_c01.avi", "film9"}, {"B/v_B_g01_c01.avi", "film9"}};
    const Grouping g = group_clips(scans, o);
    CHECK(g.group_count == 3);
    CHECK(g.group_of[2][0] == g.group_of[3][0]);
  }
  SUBCASE("clip unit: every clip of both videos joins the group") {
    o.unit = Unit::Clip;
    o.sources.pattern = source_pattern("ucf101");
    const Grouping g = group_clips(scans, o);
    CHECK(g.group_of[1][0] == g.group_of[0][0]);
    CHECK(g.group_of[1][1] == g.group_of[0][0]);
    CHECK(g.evidence.size() == 2);
  }
  SUBCASE("clip unit: a key no other video has links nothing") {
    o.unit = Unit::Clip;
    o.sources.pattern = source_pattern("ucf101");
    const Grouping g = group_clips({scans[1]}, o);
    CHECK(g.group_count == 2);
    CHECK(g.evidence.empty());
  }
}

TEST_CASE("vidsplit::group_evidence_csv") {
  // a and c are one stream (identical-stream); b's single shot copies a's first (near-duplicate, 5 of 5
  // keyframes); d and e share a source in the table (same-source-name).
  const std::vector<VideoScan> scans = {test::synthetic_scan("a.mp4", "x", {0, 25, 50}, {mix64(0xA1), mix64(0xA2)}, 1),
                                        test::synthetic_scan("b.mp4", "x", {0, 50}, {mix64(0xA1)}, 2),
                                        test::synthetic_scan("c.mp4", "x", {0, 25, 50}, {mix64(0xA1), mix64(0xA2)}, 1),
                                        test::synthetic_scan("d.mp4", "x", {0, 50}, {mix64(0xD1)}, 4),
                                        test::synthetic_scan("e.mp4", "x", {0, 50}, {mix64(0xE1)}, 5)};
  GroupingOptions o;
  o.sources.table = {{"d.mp4", "s"}, {"e.mp4", "s"}};
  CHECK(group_evidence_csv(scans, group_clips(scans, o)) ==
        "group,video_a,clip_a,video_b,clip_b,reason,matched_keyframes,hash_distance,histogram_distance,kind,"
        "a_start_sec,a_end_sec,b_start_sec,b_end_sec,score\n"
        "0,a.mp4,0,c.mp4,0,identical-stream,0,0,0.0000,copy,0.000,1.000,0.000,1.000,1.000\n"
        "0,a.mp4,0,b.mp4,0,near-duplicate,5,0,0.0000,copy,0.000,1.000,0.000,2.000,5.000\n"
        "1,d.mp4,0,e.mp4,0,same-source-name,0,0,0.0000,name,0.000,2.000,0.000,2.000,1.000\n");
}
