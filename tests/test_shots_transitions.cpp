// Gradual transitions, flashes and damaged frames (fixtures: tests/data/shots/, truth in the [shots] section of
// scripts/make_sample_videos.sh; corpus checks skip when ../shared/corpus is absent).
#include "shots_support.hpp"
#include "support.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/scan.hpp"

#include <doctest/doctest.h>

using namespace vidsplit;

namespace {

using Row = test::ShotRow;

std::vector<Row> rows_of(const std::string& path, const std::string& detector = "auto") {
  return test::shot_rows(path, detector);
}

std::string fixture(const std::string& name) { return test::data("shots/" + name).string(); }

// Exactly one transition, within ±2 frames of [start, end), between two shots.
void check_one_transition(const std::vector<Row>& rows, int64_t start, int64_t end, int64_t frames) {
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].kind == ShotKind::Shot);
  CHECK(rows[1].kind == ShotKind::Transition);
  CHECK(rows[2].kind == ShotKind::Shot);
  CHECK(std::llabs(rows[1].start - start) <= 2);
  CHECK(std::llabs(rows[1].end - end) <= 2);
  CHECK(rows[2].end == frames);
}

// A cross-fade over frames [40, 60) of a 90-frame fixture: one transition for the detectors that see them, and no
// cut for the cut detectors (every frame step is small).
void check_cross_fade(const std::string& name) {
  for (const char* detector : {"auto", "dissolve"}) {
    CAPTURE(detector);
    check_one_transition(rows_of(fixture(name), detector), 40, 60, 90);
  }
  for (const char* detector : {"content", "adaptive", "histogram"}) {
    CAPTURE(detector);
    CHECK(rows_of(fixture(name), detector).size() == 1);
  }
}

}  // namespace

TEST_CASE("shots: a cross-fade is one transition span") {
  check_cross_fade("crossfade.mp4");
}

TEST_CASE("shots: a cross-fade between two moving shots is one transition span") {
  // Both shots move on every frame (drifting plasma, scrolling checkerboard): no frame of the blend is a blend of
  // the two still ends, and the fit must allow for each shot's own motion.
  check_cross_fade("moving_dissolve.mp4");
}

TEST_CASE("shots: a slide between two moving shots is one transition span") {
  // xfade=slideright: the sine checkerboard pushes the drifting stripes out to the right. No frame is a blend of the
  // ends and their palettes mix only in part; each column strip shows one shot's colours, those of the shot after
  // forming one run from the left edge.
  for (const char* detector : {"auto", "dissolve"}) {
    CAPTURE(detector);
    check_one_transition(rows_of(fixture("slide.mp4"), detector), 40, 60, 90);
  }
  for (const char* detector : {"adaptive", "histogram"}) {
    CAPTURE(detector);
    CHECK(rows_of(fixture("slide.mp4"), detector).size() == 1);
  }
}

TEST_CASE("shots: a short cross-fade between two fast-moving shots is one transition span") {
  // xfade=fade over [40, 54) between shots 1.5 times as fast as those of moving_dissolve.mp4. The 17-frame window is
  // too narrow to show both plateaus around the 14-frame ramp, and over the 25-frame one the shots move too far for
  // the fit: the 21-frame window (half-width 10) sees it. The shots' motion blurs where the ramp ends: 3 frames.
  for (const char* detector : {"auto", "dissolve"}) {
    CAPTURE(detector);
    const auto rows = rows_of(fixture("fast_crossfade.mp4"), detector);
    REQUIRE(rows.size() == 3);
    CHECK(rows[1].kind == ShotKind::Transition);
    CHECK(std::llabs(rows[1].start - 40) <= 2);
    CHECK(std::llabs(rows[1].end - 54) <= 3);
    CHECK(rows[2].end == 90);
  }
}

TEST_CASE("shots: a wipe between two shots of like brightness but different colours is one transition span") {
  // xfade=wipeleft over [40, 60) from a red to a green background of the same value, each with a bright box: the
  // value plane barely changes (below --dissolve-min-change) while every column strip turns from red to green.
  for (const char* detector : {"auto", "dissolve"}) {
    CAPTURE(detector);
    check_one_transition(rows_of(fixture("colour_wipe.mp4"), detector), 40, 60, 90);
  }
}

TEST_CASE("shots: a wipe and a slide one shot apart are two transition spans") {
  // wipeleft over [40, 60), the middle shot alone over [60, 80), slideright over [80, 100). Each transition is the
  // other's neighbour: the palette check of a shot beside a transition stops at the other transition, and a side as
  // long as the transition is enough.
  for (const char* detector : {"auto", "dissolve"}) {
    CAPTURE(detector);
    const auto rows = rows_of(fixture("wipe_slide.mp4"), detector);
    REQUIRE(rows.size() == 5);
    const ShotKind kinds[] = {ShotKind::Shot, ShotKind::Transition, ShotKind::Shot, ShotKind::Transition,
                              ShotKind::Shot};
    const int64_t bounds[] = {0, 40, 60, 80, 100, 130};
    for (size_t i = 0; i < rows.size(); ++i) {
      CAPTURE(i);
      CHECK(rows[i].kind == kinds[i]);
      CHECK(std::llabs(rows[i].start - bounds[i]) <= 2);
      CHECK(std::llabs(rows[i].end - bounds[i + 1]) <= 2);
    }
    CHECK(rows.back().end == 130);
  }
}

TEST_CASE("shots: a fade through white is one transition span") {
  for (const char* detector : {"auto", "fade"}) {
    CAPTURE(detector);
    check_one_transition(rows_of(fixture("fadewhite.mp4"), detector), 40, 60, 90);
  }
}

TEST_CASE("shots: cuts into and out of dark shots are cuts, not fades") {
  // Each dark shot is under the black level. The picture before the first cut darkens a little on its last frames,
  // the one after the last cut brightens on every frame: drift, not a ramp to or from black (the jump is the cut).
  const std::vector<Row> truth = {{ShotKind::Shot, 0, 50},
                                  {ShotKind::Shot, 50, 150},
                                  {ShotKind::Shot, 150, 200},
                                  {ShotKind::Shot, 200, 250},
                                  {ShotKind::Shot, 250, 300}};
  CHECK(rows_of(fixture("dark_cuts.mp4")) == truth);
  CHECK(rows_of(fixture("dark_cuts.mp4"), "fade") == std::vector<Row>{{ShotKind::Shot, 0, 300}});
  // Analysing only the reference frames doubles each frame-to-frame drift (the case this was found in).
  ScanOptions o;
  o.decoder.reference_frames_only = true;
  const VideoScan s = scan_video({"d", fixture("dark_cuts.mp4"), ""}, o);
  REQUIRE(s.ok());
  REQUIRE(s.shots.size() == truth.size());
  for (size_t i = 0; i < truth.size(); ++i) {
    CAPTURE(i);
    CHECK(s.shots[i].kind == ShotKind::Shot);
    CHECK(s.shots[i].start_frame == truth[i].start);
  }
}

TEST_CASE("shots: a flash is not a cut") {
  // One-frame flash at 25, two-frame flash at 50-51, inside one moving shot.
  for (const char* detector : {"auto", "adaptive", "content", "histogram"}) {
    CAPTURE(detector);
    const auto rows = rows_of(fixture("flash.mp4"), detector);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].kind == ShotKind::Shot);
  }
  // With the flash check off, the content detector does cut there: the fixture really has flashes.
  ScanOptions o;
  o.detector = "content";
  o.detection.flash_frames = 0;
  CHECK(scan_video({"f", fixture("flash.mp4"), ""}, o).shots.size() > 1);
}

TEST_CASE("shots: a cut between two fast pans is exact, and the pans are no cuts") {
  for (const char* detector : {"auto", "adaptive"}) {
    CAPTURE(detector);
    const auto rows = rows_of(fixture("pan_cut.mp4"), detector);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].kind == ShotKind::Shot);
    CHECK(rows[1].start == 40);
  }
  // The cut does not stand out 3x from the pan: the palette change is what finds it.
  ScanOptions o;
  o.detection.histogram_threshold = 1.0;
  CHECK(scan_video({"p", fixture("pan_cut.mp4"), ""}, o).shots.size() == 1);
}

TEST_CASE("shots: the dissolve, fade and histogram detectors keep the sample videos' truth") {
  using V = std::vector<int64_t>;
  const auto cuts = [](const std::string& path, const char* detector) {
    V out;
    const auto rows = rows_of(path, detector);
    for (size_t i = 1; i < rows.size(); ++i)
      if (rows[i].kind == ShotKind::Shot && rows[i - 1].kind == ShotKind::Shot) out.push_back(rows[i].start);
    return out;
  };
  CHECK(cuts(test::sample("jump/jump_cuts3.mp4"), "histogram") == V{40, 85});
  CHECK(cuts(test::sample("wave/wave_cuts4.mp4"), "histogram") == V{30, 70, 105});
  // Smooth motion is no dissolve.
  for (const char* video : {"run/run_plasma.mp4", "wave/wave_rotate.mp4", "wave/wave_spiral.mp4", "jump/jump_zoom.mp4"}) {
    CAPTURE(video);
    CHECK(rows_of(test::sample(video), "dissolve").size() == 1);
  }
}

TEST_CASE("vidsplit::make_detector validates the new detectors' parameters") {
  DetectorOptions o;
  CHECK(make_detector("dissolve", o)->name() == "dissolve");
  CHECK(make_detector("histogram", o)->name() == "histogram");
  CHECK(make_detector("fade", o)->name() == "fade");
  DetectorOptions bad = o;
  bad.dissolve_max_residual = 1.5;
  CHECK_THROWS_AS(make_detector("dissolve", bad), ConfigError);
  bad = o;
  bad.histogram_threshold = 0.0;
  CHECK_THROWS_AS(make_detector("histogram", bad), ConfigError);
  bad = o;
  bad.flash_frames = -1;
  CHECK_THROWS_AS(make_detector("auto", bad), ConfigError);
}

TEST_CASE("corpus: the damaged frames of neardup/demo.mp4 are no cut") {
  if (test::corpus().empty()) return;
  // Frozen/smeared frames ~231-267, then the picture resumes with a jump at 268.
  for (const Row& r : rows_of((test::corpus() / "neardup/demo.mp4").string())) {
    CAPTURE(r.start);
    CHECK((r.start < 220 || r.start > 280));
  }
}

TEST_CASE("corpus: cuts/fades.mp4 is separate fades through black, not one transition") {
  if (test::corpus().empty()) return;
  // A flat field ramping black -> white -> black three times; black at about 84 and 167, white at about 41,
  // 124 and 207 (MANIFEST.md: fade to black and back). Each pass through black is its own transition, and the
  // white frames between them are shots.
  const auto rows = rows_of((test::corpus() / "cuts/fades.mp4").string());
  const auto containing = [&](int64_t frame) {
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i].start <= frame && frame < rows[i].end) return i;
    return rows.size();
  };
  const size_t first = containing(84), second = containing(167);
  REQUIRE(first < rows.size());
  REQUIRE(second < rows.size());
  CHECK(rows[first].kind == ShotKind::Transition);
  CHECK(rows[second].kind == ShotKind::Transition);
  CHECK(second == first + 2);
  // The shot between them lies in the white peak (frames 120-129 are above 225 of 255).
  CHECK(rows[first + 1].kind == ShotKind::Shot);
  CHECK(rows[first + 1].start >= 120);
  CHECK(rows[first + 1].end <= 130);
}

TEST_CASE("corpus: testvideo.mp4 fades through black are transitions, cuts at 30 and 180 stay") {
  if (test::corpus().empty()) return;
  const auto rows = rows_of((test::corpus() / "cuts/testvideo.mp4").string());
  REQUIRE(rows.size() >= 3);
  CHECK(rows[1].start == 30);
  CHECK(rows[1].kind == ShotKind::Shot);
  CHECK(rows[2].start == 180);
  for (int64_t fade : {198, 377}) {
    CAPTURE(fade);
    bool inside = false;
    for (const Row& r : rows) inside |= r.kind == ShotKind::Transition && r.start <= fade && fade < r.end;
    CHECK(inside);
  }
}
