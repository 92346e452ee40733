// The hostile corpus (scripts/make_hostile_files.sh): truncated, bit-flipped, header-zeroed, huge, tiny,
// odd-sized, absurd-rate and very long inputs. Nothing may crash or hang; every file is either processed
// or listed with a one-line reason.
#include "support.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>

#include <map>
#include <set>

using namespace vidsplit;
namespace fs = std::filesystem;

TEST_CASE("vidsplit run: every hostile file is processed or reported") {
  test::TempDir dir;
  // --speed fast counts skipped frames from their packets: damaged streams must not fool it either.
  std::string speed = "normal";
  SUBCASE("every frame decoded") {}
  SUBCASE("--speed fast") { speed = "fast"; }
  const fs::path hostile = test::source_dir() / "tests" / "data" / "hostile";
  const std::string command = std::string(VIDSPLIT_BINARY) + " run '" + hostile.string() + "' -o '" + (dir / "out") +
                              "' -q --max-seconds-per-video 600 --speed " + speed + " > /dev/null 2>&1";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);

  std::set<std::string> inputs, seen;
  for (const auto& e : fs::directory_iterator(hostile)) inputs.insert(e.path().filename().string());
  const CsvTable errors = test::read_table(dir / "out/errors.csv");
  std::map<std::string, std::string> reasons;
  std::set<std::string> truncated;
  for (const auto& r : errors.rows) {
    seen.insert(r[0]);
    reasons[r[0]] = r[1];
    if (r[2] == "truncated") truncated.insert(r[0]);
    CHECK_FALSE(r[1].empty());
    CHECK(r[1].find('\n') == std::string::npos);
  }
  // The reason FFmpeg logged comes with its bare error code ("Device or resource busy" for the first).
  CHECK(reasons["huge_dims.y4m"].find("cannot open: ") == 0);
  CHECK(reasons["huge_dims.y4m"].find("(Picture size 30000x30000 is invalid)") != std::string::npos);
  CHECK(reasons["trunc_mp4_50.mp4"].find("(moov atom not found)") != std::string::npos);
  std::map<std::string, int64_t> frames;
  for (const auto& r : test::read_table(dir / "out/clips.csv").rows) {
    seen.insert(r[0]);
    frames[r[0]] = std::max<int64_t>(frames[r[0]], std::stoll(r[4]));
  }
  CHECK(seen == inputs);
  CHECK(frames["long_16x16.mp4"] == 10000);
  CHECK(frames["tiny_1x1.mkv"] == 25);
  CHECK(frames["odd_17x13.mkv"] == 25);
  CHECK(frames["slow_fps.mkv"] == 10);
  CHECK(frames["fast_fps.mkv"] == 10);
  CHECK(frames.count("huge_dims.y4m") == 0);
  // Cut files that still play are used and flagged; a cut beyond the last 0.5 s of a Matroska file is not seen.
  CHECK(truncated == std::set<std::string>{"trunc_avi_20.avi", "trunc_avi_50.avi", "trunc_avi_80.avi",
                                           "trunc_avi_95.avi", "trunc_mkv_50.mkv", "trunc_mkv_80.mkv",
                                           "trunc_webm_20.webm", "trunc_webm_50.webm"});
  for (const std::string& t : truncated) CHECK(frames.count(t) == 1);
}

TEST_CASE("vidsplit run: --max-seconds-per-video turns a runaway decode into an error") {
  test::TempDir dir;
  std::string speed = "normal";
  SUBCASE("every frame decoded") {}
  SUBCASE("--speed fast (the keyframe pass gives up)") { speed = "fast"; }
  const std::string video = (test::source_dir() / "tests/data/hostile/long_16x16.mp4").string();
  const std::string command = std::string(VIDSPLIT_BINARY) + " scan '" + video + "' -o '" + (dir / "out") +
                              "' -q --max-seconds-per-video 0.000001 --speed " + speed + " > /dev/null 2>&1";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  const CsvTable errors = test::read_table(dir / "out/errors.csv");
  REQUIRE(errors.rows.size() == 1);
  CHECK(errors.rows[0][1].find("gave up after 1e-06 s of decoding") != std::string::npos);
}
