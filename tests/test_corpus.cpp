// Checks on the real clips of ../shared/corpus (see its MANIFEST.md). They skip when the folder is absent.
#include "support.hpp"
#include "vidsplit/groups.hpp"

#include <map>
#include <set>

#include <doctest/doctest.h>

using namespace vidsplit;

namespace {

bool have_corpus() {
  if (!test::corpus().empty()) return true;
  MESSAGE("../shared/corpus not found: corpus checks skipped");
  return false;
}

// `fast`: as --speed fast scans it (keyframes first, reference frames only, no deblocking, reduced size).
VideoScan scan_one(const std::string& rel, bool fast = false) {
  const std::string path = (test::corpus() / rel).string();
  ScanOptions o;
  o.keyframes_first = o.decoder.reference_frames_only = o.decoder.skip_deblock = o.decoder.reduced_resolution = fast;
  return scan_video({rel, path, ""}, o);
}

std::vector<int64_t> shot_starts(const VideoScan& s) {
  std::vector<int64_t> starts;
  for (const Shot& shot : s.shots) starts.push_back(shot.start_frame);
  return starts;
}

}  // namespace

TEST_CASE("corpus: VFR cuts land on decoded frames 60 and 140") {
  if (!have_corpus()) return;
  bool fast = false;
  SUBCASE("every frame decoded") {}
  SUBCASE("--speed fast") { fast = true; }
  const VideoScan s = scan_one("cuts/goldeneye-vfr-drop3.mp4", fast);
  REQUIRE(s.ok());
  CHECK(s.frames == 160);
  CHECK(shot_starts(s) == std::vector<int64_t>{0, 60, 140});
  CHECK(s.shots[1].start_sec == doctest::Approx(3.75375));
  CHECK(s.shots[2].start_sec == doctest::Approx(8.75875));
}

TEST_CASE("corpus: testvideo.mp4 hard cuts at 30 and 180, fades as transitions") {
  if (!have_corpus()) return;
  bool fast = false;
  SUBCASE("every frame decoded") {}
  SUBCASE("--speed fast") { fast = true; }
  const VideoScan s = scan_one("cuts/testvideo.mp4", fast);
  REQUIRE(s.ok());
  CHECK(s.frames == 720);
  REQUIRE(s.shots.size() >= 4);
  CHECK(s.shots[1].start_frame == 30);
  CHECK(s.shots[1].kind == ShotKind::Shot);
  CHECK(s.shots[2].start_frame == 180);
  // The fades around 198 and 377 are inside transition spans.
  for (int64_t fade : {198, 377}) {
    bool inside = false;
    for (const Shot& shot : s.shots)
      inside |= shot.kind == ShotKind::Transition && shot.start_frame <= fade && fade < shot.end_frame;
    CHECK_MESSAGE(inside, fade);
  }
}

TEST_CASE("corpus: frame counts come from decoding, not headers") {
  if (!have_corpus()) return;
  CHECK(scan_one("robustness/tree.avi").frames == 68);       // the header claims 444
  CHECK(scan_one("robustness/corrupted.mp4").frames == 49);  // one of 50 frames is undecodable
  CHECK(scan_one("cuts/counter.mp4").shots.size() == 1);     // no cuts
  const VideoScan delayed = scan_one("cuts/delayed_start.mp4");
  CHECK(delayed.frames == 24);
  CHECK(delayed.shots.front().start_sec > 0.0);  // the first pts is not 0
  for (const char* rotated : {"robustness/video_90.mov", "robustness/video_270.mov"}) {
    const VideoScan r = scan_one(rotated);
    CHECK(r.info.display_width == r.info.coded_height);
  }
}

TEST_CASE("corpus: near-duplicates group, different recordings do not") {
  if (!have_corpus()) return;
  std::vector<InputVideo> inputs;
  for (const auto& entry : std::filesystem::directory_iterator(test::corpus() / "actions"))
    inputs.push_back({"actions/" + entry.path().filename().string(), entry.path().string(), "a"});
  for (const char* v : {"cockatoo.mp4", "cockatoo_yuv420.mp4", "demo.mp4", "demo_out.mp4"})
    inputs.push_back({std::string("neardup/") + v, (test::corpus() / "neardup" / v).string(), "n"});
  std::sort(inputs.begin(), inputs.end(), [](const auto& a, const auto& b) { return a.video < b.video; });
  const auto scans = scan_videos(inputs, ScanOptions{});
  const Grouping g = group_clips(scans, GroupingOptions{});
  std::map<std::string, int64_t> group;
  size_t actions = 0;
  std::set<int64_t> action_groups;
  for (size_t v = 0; v < scans.size(); ++v) {
    REQUIRE_MESSAGE(scans[v].ok(), scans[v].video, ": ", scans[v].error);
    group[scans[v].video] = g.group_of[v][0];
    if (scans[v].video.rfind("actions/", 0) == 0) {
      ++actions;
      action_groups.insert(g.group_of[v][0]);
    }
  }
  CHECK(action_groups.size() == actions);  // every action clip is its own group
  CHECK(group["neardup/cockatoo.mp4"] == group["neardup/cockatoo_yuv420.mp4"]);
  CHECK(group["neardup/demo.mp4"] == group["neardup/demo_out.mp4"]);
  CHECK(group["neardup/demo.mp4"] != group["neardup/cockatoo.mp4"]);
}
