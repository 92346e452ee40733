// split_scans with --balance-by, --stable, --keep and --folds, on synthetic scans.
#include "split_support.hpp"
#include "support.hpp"

#include "vidsplit/error.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/split.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>

using namespace vidsplit;
using test::synthetic_scan;

namespace {

std::string fmt_id(int i) { return (i % 2 ? "b/v" : "a/v") + std::to_string(1000 + i) + ".mp4"; }

// n single-shot videos, alternating labels a/b, 50..140 frames, every one with its own content.
std::vector<VideoScan> corpus_of(int first, int n) {
  std::vector<VideoScan> scans;
  for (int i = first; i < first + n; ++i) {
    const auto u = static_cast<uint64_t>(i);
    scans.push_back(synthetic_scan(fmt_id(i), i % 2 ? "b" : "a", {0, 50 + 10 * (i % 10)}, {mix64(u + 1000)}, u));
  }
  return scans;
}

std::map<std::string, std::string> split_of_video(const SplitOutcome& out) {
  std::map<std::string, std::string> m;
  for (const ManifestRow& r : out.rows) m[r.video] = r.split;
  return m;
}

}  // namespace



TEST_CASE("vidsplit::split_scans: --balance-by") {
  // v0: 3 shots and a transition in 200 frames; v1: one shot of 100 frames at 25 fps.
  std::vector<VideoScan> scans = {
      synthetic_scan("a/v0.mp4", "a", {0, 50, 100, 120, 200}, {mix64(1), mix64(2), 0, mix64(3)}, 1,
                     {ShotKind::Shot, ShotKind::Shot, ShotKind::Transition, ShotKind::Shot}),
      synthetic_scan("a/v1.mp4", "a", {0, 100}, {mix64(4)}, 2)};
  SplitOptions options;
  options.ratios = {{"train", 0.5}, {"val", 0.5}};
  options.balance_by = BalanceBy::Frames;
  CHECK(split_scans(scans, options).problem.items[0].total() == doctest::Approx(200.0));
  options.balance_by = BalanceBy::Seconds;
  CHECK(split_scans(scans, options).problem.items[0].total() == doctest::Approx(8.0));
  CHECK(split_scans(scans, options).problem.items[1].total() == doctest::Approx(4.0));
  options.balance_by = BalanceBy::Clips;
  CHECK(split_scans(scans, options).problem.items[0].total() == doctest::Approx(3.0));
  CHECK(split_scans(scans, options).problem.items[1].total() == doctest::Approx(1.0));
}

TEST_CASE("vidsplit::split_scans: --stable") {
  SplitOptions options;
  options.ratios = {{"train", 0.8}, {"val", 0.2}};
  options.stable = true;
  const std::vector<VideoScan> old_scans = corpus_of(0, 100);
  const auto before = split_of_video(split_scans(old_scans, options));
  std::vector<VideoScan> grown = old_scans;
  for (auto& v : corpus_of(100, 10)) grown.push_back(v);  // 10% new videos
  std::sort(grown.begin(), grown.end(), [](const VideoScan& a, const VideoScan& b) { return a.video < b.video; });
  const auto after = split_of_video(split_scans(grown, options));
  REQUIRE(after.size() == 110);
  int changed = 0, val = 0;
  for (const auto& [video, split] : before) {
    changed += after.at(video) != split;
    val += split == "val";
  }
  CHECK(changed == 0);
  CHECK(val > 5);  // a real split, not everything in one place
  CHECK(val < 40);

  SUBCASE("without --stable the same growth moves old videos") {
    options.stable = false;
    const auto b2 = split_of_video(split_scans(old_scans, options));
    const auto a2 = split_of_video(split_scans(grown, options));
    int moved = 0;
    for (const auto& [video, split] : b2) moved += a2.at(video) != split;
    CHECK(moved > 0);
  }
}

TEST_CASE("vidsplit::split_scans: --keep") {
  test::TempDir dir;
  SplitOptions options;
  options.ratios = {{"train", 0.8}, {"val", 0.2}};
  const std::vector<VideoScan> old_scans = corpus_of(0, 30);
  const SplitOutcome first = split_scans(old_scans, options);
  write_file_atomic(dir / "clips.csv", clips_csv(first.rows));
  const auto before = split_of_video(first);
  std::string val_video;
  for (const auto& [video, split] : before)
    if (split == "val" && val_video.empty()) val_video = video;
  REQUIRE_FALSE(val_video.empty());
  const VideoScan& original = *std::find_if(old_scans.begin(), old_scans.end(),
                                            [&](const VideoScan& v) { return v.video == val_video; });

  // New: a re-encode of the val video (same shot hashes, other stream) and 5 unrelated videos, and a
  // --seed that would reshuffle everything if nothing were kept.
  std::vector<VideoScan> grown = old_scans;
  VideoScan copy = original;
  copy.video = "z/copy_of_val.mp4";
  copy.label = original.label;
  copy.content_hash = mix64(999999);
  grown.push_back(copy);
  for (auto& v : corpus_of(30, 5)) grown.push_back(v);
  std::sort(grown.begin(), grown.end(), [](const VideoScan& a, const VideoScan& b) { return a.video < b.video; });
  options.keep = read_kept_split(dir / "clips.csv");
  options.seed = 77;
  const SplitOutcome second = split_scans(grown, options);
  const auto after = split_of_video(second);
  for (const auto& [video, split] : before) CHECK(after.at(video) == split);
  CHECK(after.at("z/copy_of_val.mp4") == "val");
  CHECK(second.solution.warnings.empty());

  SUBCASE("a kept split name missing from --ratios is a configuration error naming the file") {
    options.ratios = {{"train", 0.8}, {"test", 0.2}};
    CHECK_THROWS_WITH_AS(split_scans(grown, options),
                         doctest::Contains("clips.csv: split 'val' is not one of --ratios"), ConfigError);
  }
  SUBCASE("a kept file with a bad row names the file and line") {
    write_file_atomic(dir / "bad.csv", "video,start_frame,end_frame,split\na.mp4,0,10,train\nb.mp4,x,10,val\n");
    CHECK_THROWS_WITH_AS(read_kept_split(dir / "bad.csv"),
                         doctest::Contains("bad.csv: line 3: start_frame 'x' is not a frame number"), ConfigError);
    write_file_atomic(dir / "nosplit.csv", "video,start_frame,end_frame\na.mp4,0,10\n");
    CHECK_THROWS_WITH_AS(read_kept_split(dir / "nosplit.csv"), doctest::Contains("missing column 'split'"),
                         ConfigError);
  }
  SUBCASE("old videos kept in two splits that now share a group: one split, and a warning") {
    // Make a train video's twin appear in val in the kept file, by hand.
    std::string text = read_file(dir / "clips.csv");
    VideoScan twin = original;
    twin.video = "z/twin.mp4";
    twin.content_hash = mix64(4242);
    text += "z/twin.mp4,0,shot,0," + std::to_string(twin.frames) + ",0,1," + twin.label + ",99,train\n";
    write_file_atomic(dir / "clips2.csv", text);
    grown.push_back(twin);
    std::sort(grown.begin(), grown.end(), [](const VideoScan& a, const VideoScan& b) { return a.video < b.video; });
    options.keep = read_kept_split(dir / "clips2.csv");
    const SplitOutcome third = split_scans(grown, options);
    REQUIRE(third.solution.warnings.size() >= 1);
    CHECK(third.solution.warnings[0].find("clips kept in 2 different splits (they leak)") != std::string::npos);
    const auto m = split_of_video(third);
    CHECK(m.at("z/twin.mp4") == m.at(val_video));
  }
}

TEST_CASE("vidsplit::write_split_outputs: --folds") {
  test::TempDir dir;
  SplitOptions options;
  options.folds = 4;
  for (int k = 0; k < 4; ++k) options.ratios.push_back({"fold" + std::to_string(k), 0.25});
  const std::vector<VideoScan> scans = corpus_of(0, 40);
  const SplitOutcome out = split_scans(scans, options);
  write_split_outputs(dir.path().string(), scans, out, options, nlohmann::json::object());
  const CsvTable t = test::read_table(dir / "clips.csv");
  REQUIRE(t.header.back() == "fold");
  REQUIRE(t.rows.size() == 40);
  std::map<std::string, int> rows_per_fold;
  for (const auto& row : t.rows) {
    CHECK(row[t.column("split")] == "fold" + row[t.column("fold")]);
    ++rows_per_fold[row[t.column("fold")]];
  }
  CHECK(rows_per_fold.size() == 4);
  for (size_t k = 0; k < 4; ++k) CHECK(out.solution.overall_fraction[k] == doctest::Approx(0.25).epsilon(0.02));
}

TEST_CASE("vidsplit::summary_json: achieved fractions, balance_by, deviation") {
  SplitOptions options;
  options.ratios = {{"train", 0.8}, {"val", 0.2}};
  options.balance_by = BalanceBy::Clips;
  const std::vector<VideoScan> scans = corpus_of(0, 10);  // 10 one-clip videos: exactly 8 / 2 by clips
  const SplitOutcome out = split_scans(scans, options);
  const auto j = nlohmann::json::parse(summary_json(scans, out, options, nlohmann::json::object()));
  CHECK(j["balance_by"] == "clips");
  CHECK(j["splits"]["train"]["achieved"].get<double>() == doctest::Approx(0.8));
  CHECK(j["splits"]["val"]["clips"].get<int>() == 2);
  CHECK(j["classes"]["a"]["val"]["achieved"].get<double>() == doctest::Approx(0.2));
  CHECK(j["deviation"]["overall"].get<double>() == doctest::Approx(0.0));
  CHECK(j["deviation"]["mean_class"].get<double>() == doctest::Approx(0.0));
  CHECK(j["segments"].is_null());
}
