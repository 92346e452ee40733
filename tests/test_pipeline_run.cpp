// End to end through the binary: bad inputs beside good ones, determinism, and the manifest invariants.
#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <map>
#include <set>

using namespace vidsplit;
using test::run_cli;
namespace fs = std::filesystem;

namespace {

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// Checks every DESIGN.md invariant of a clips.csv against the videos' decoded frame counts and hard cuts.
void check_clips_csv(const std::string& path, const std::map<std::string, int64_t>& frames,
                     const std::set<std::pair<std::string, int64_t>>& hard_cuts, bool guard_zero) {
  const CsvTable t = test::read_table(path);
  REQUIRE(t.header == CsvRow{"video", "clip", "kind", "start_frame", "end_frame", "start_sec", "end_sec", "label",
                             "group", "split"});
  std::map<std::string, int64_t> next;
  std::map<std::string, std::string> split_of_group;
  const CsvRow* prev = nullptr;
  for (const CsvRow& r : t.rows) {
    const int64_t start = std::stoll(r[3]), end = std::stoll(r[4]);
    CHECK(start == next[r[0]]);
    CHECK(end > start);
    CHECK(std::stod(r[6]) > std::stod(r[5]));
    next[r[0]] = end;
    if (r[9] != "excluded") {
      const auto [it, fresh] = split_of_group.emplace(r[8], r[9]);
      CHECK(it->second == r[9]);
    }
    if (prev && (*prev)[0] == r[0] && (*prev)[9] != "excluded" && r[9] != "excluded" && (*prev)[9] != r[9]) {
      CHECK(guard_zero);
      CHECK(hard_cuts.count({r[0], start}) == 1);
      CHECK(r[2] == "shot");
    }
    prev = &r;
  }
  for (const auto& [video, n] : frames) CHECK(next[video] == n);
}

}  // namespace

TEST_CASE("vidsplit run: bad inputs are listed with a reason and the rest is processed") {
  test::TempDir dir;
  const fs::path in = dir.path() / "in";
  fs::create_directories(in / "good");
  fs::create_directories(in / "bad, \"odd\" näme");
  fs::copy_file(test::sample("jump/jump_cuts3.mp4"), in / "good" / "a b,c.mp4");
  fs::copy_file(test::sample("run/run_aba.mp4"), in / "good" / "ü.mp4");
  for (const char* bad : {"empty.mp4", "not_a_video.mp4", "truncated.mp4", "audio_only.mp4", "audio_only.m4a"})
    fs::copy_file(test::data(std::string("bad/") + bad), in / "bad, \"odd\" näme" / bad);
  const fs::path audio = dir.path() / "audio.m4a";  // .m4a is not a video extension: only tried when named
  fs::copy_file(test::data("bad/audio_only.m4a"), audio);

  CHECK(run_cli("run " + q(in) + " " + q(audio) + " -o " + q(dir.path() / "out") + " -q") == 3);

  const CsvTable errors = test::read_table(dir / "out/errors.csv");
  std::map<std::string, std::string> reason;
  for (const auto& r : errors.rows) reason[r[0]] = r[1];
  CHECK(errors.rows.size() == 5);
  const std::string bad_dir = "bad, \"odd\" näme/";
  CHECK(reason[bad_dir + "empty.mp4"] == "file is empty (0 bytes)");
  // FFmpeg reads it as MP4 by its name, and says what it missed.
  CHECK(reason[bad_dir + "not_a_video.mp4"] == "cannot open: Invalid data found when processing input (moov atom not found)");
  CHECK(reason[bad_dir + "truncated.mp4"].rfind("cannot open", 0) == 0);
  CHECK(reason[bad_dir + "audio_only.mp4"].rfind("no video stream", 0) == 0);
  CHECK(reason.count(bad_dir + "audio_only.m4a") == 0);
  CHECK(reason[audio.string()].rfind("no video stream", 0) == 0);

  check_clips_csv(dir / "out/clips.csv", {{"good/a b,c.mp4", 150}, {"good/ü.mp4", 150}}, {}, true);
  const auto summary = nlohmann::json::parse(read_file(dir / "out/summary.json"));
  CHECK(summary["videos"]["failed"] == 5);
  CHECK(summary["videos"]["ok"] == 2);
  CHECK(summary["failures"].size() == 5);
}

TEST_CASE("vidsplit run: outputs are byte-identical at any thread count, and scan + split equals run") {
  test::TempDir dir;
  const std::string common = " --unit clip --guard 0.2 --ratios train=0.6,val=0.2,test=0.2 --seed 4 -q";
  REQUIRE(run_cli("run " + q(test::samples()) + " -o " + q(dir.path() / "t1") + " --threads 1" + common) == 0);
  REQUIRE(run_cli("run " + q(test::samples()) + " -o " + q(dir.path() / "t2") + " --threads 2" + common) == 0);
  for (const char* f : {"clips.csv", "summary.json", "errors.csv", "group_evidence.csv", "scan.jsonl"})
    CHECK_MESSAGE(read_file(dir / (std::string("t1/") + f)) == read_file(dir / (std::string("t2/") + f)), f);

  // The same under --speed fast, whose two decoders per video run with 1 or 3 codec threads each.
  for (const fs::path& input : {test::samples(), test::samples() / "wave" / "wave_cuts4.mp4"}) {
    CAPTURE(input);
    for (const char* threads : {"1", "3"})
      REQUIRE(run_cli("scan " + q(input) + " -o " + q(dir.path() / (std::string("f") + threads)) +
                      " --speed fast -q --no-cache --threads " + threads) == 0);
    CHECK(read_file(dir / "f1/scan.jsonl") == read_file(dir / "f3/scan.jsonl"));
  }
  REQUIRE(run_cli("split " + q(dir.path() / "t1/scan.jsonl") + " -o " + q(dir.path() / "s") + common) == 0);
  CHECK(read_file(dir / "s/clips.csv") == read_file(dir / "t1/clips.csv"));

  // 4 sharded scans merged give the same scan, and the same manifest, as one run.
  std::string shards;
  for (int i = 0; i < 4; ++i) {
    const fs::path shard = dir.path() / ("shard" + std::to_string(i));
    REQUIRE(run_cli("scan " + q(test::samples()) + " -q --shard " + std::to_string(i) + "/4 -o " + q(shard)) == 0);
    shards += " " + q(shard / "scan.jsonl");
  }
  REQUIRE(run_cli("merge" + shards + " -o " + q(dir.path() / "merged")) == 0);
  REQUIRE(run_cli("split " + q(dir.path() / "merged/scan.jsonl") + " -o " + q(dir.path() / "merged") + common) == 0);
  CHECK(read_file(dir / "merged/clips.csv") == read_file(dir / "t1/clips.csv"));
  CHECK(read_file(dir / "merged/scan.jsonl") == read_file(dir / "t1/scan.jsonl"));
}

TEST_CASE("vidsplit run: the sample manifest meets the DESIGN.md invariants") {
  test::TempDir dir;
  const std::map<std::string, int64_t> frames = {
      {"jump/jump_cuts3.mp4", 150}, {"jump/jump_dup_hq.mp4", 100}, {"jump/jump_dup_lq.mp4", 100},
      {"jump/jump_fade.mp4", 160},  {"jump/jump_zoom.mp4", 125},   {"run/run_aba.mp4", 150},
      {"run/run_audio.mp4", 125},   {"run/run_plasma.mp4", 100},   {"run/run_vfr.mp4", 80},
      {"wave/wave_cuts4.mp4", 150}, {"wave/wave_rotate.mp4", 150}, {"wave/wave_spiral.mp4", 100},
      {"wave/wave_wide.mp4", 100}};
  const std::set<std::pair<std::string, int64_t>> cuts = {
      {"jump/jump_cuts3.mp4", 40}, {"jump/jump_cuts3.mp4", 85}, {"run/run_aba.mp4", 45}, {"run/run_aba.mp4", 95},
      {"run/run_audio.mp4", 60},   {"run/run_vfr.mp4", 50},     {"wave/wave_cuts4.mp4", 30},
      {"wave/wave_cuts4.mp4", 70}, {"wave/wave_cuts4.mp4", 105}, {"wave/wave_wide.mp4", 50}};
  for (const char* unit : {"video", "clip"}) {
    CAPTURE(unit);
    const fs::path out = dir.path() / unit;
    REQUIRE(run_cli("run " + q(test::samples()) + " -o " + q(out) + " -q --unit " + unit) == 0);
    check_clips_csv((out / "clips.csv").string(), frames, cuts, true);
    // The near-duplicate pair always shares a split.
    std::map<std::string, std::string> split;
    for (const auto& r : test::read_table((out / "clips.csv").string()).rows) split[r[0]] = r[9];
    CHECK(split["jump/jump_dup_hq.mp4"] == split["jump/jump_dup_lq.mp4"]);
    // Every class reaches val in video unit (4+ groups per class at 80/20).
    const auto summary = nlohmann::json::parse(read_file((out / "summary.json").string()));
    for (const char* label : {"jump", "run", "wave"}) CHECK(summary["classes"][label]["val"]["videos"] >= 1);
    CHECK(summary["splits"]["train"]["achieved"].get<double>() == doctest::Approx(0.8).epsilon(0.1));
  }
  const fs::path guarded = dir.path() / "guarded";
  REQUIRE(run_cli("run " + q(test::samples()) + " -o " + q(guarded) + " -q --unit clip --guard 0.5") == 0);
  check_clips_csv((guarded / "clips.csv").string(), frames, cuts, false);
}
