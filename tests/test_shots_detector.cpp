// Exact shot boundaries on the committed sample videos (truth table: scripts/make_sample_videos.sh).
#include "shots_support.hpp"
#include "support.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/scan.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace vidsplit;

namespace {

using Row = test::ShotRow;

std::vector<Row> shots_of(const std::string& path, const std::string& detector = "auto") {
  return test::shot_rows(path, detector);
}

std::vector<int64_t> cut_frames(const std::string& path, const std::string& detector = "auto") {
  std::vector<int64_t> cuts;
  const auto rows = shots_of(path, detector);
  for (size_t i = 1; i < rows.size(); ++i)
    if (rows[i].kind == ShotKind::Shot && rows[i - 1].kind == ShotKind::Shot) cuts.push_back(rows[i].start);
  return cuts;
}

constexpr auto S = ShotKind::Shot;
constexpr auto T = ShotKind::Transition;

}  // namespace

TEST_CASE("shots: hard cuts are frame-exact on the sample videos") {
  using V = std::vector<int64_t>;
  for (const char* detector : {"auto", "content", "adaptive"}) {
    CAPTURE(detector);
    CHECK(cut_frames(test::sample("jump/jump_cuts3.mp4"), detector) == V{40, 85});
    CHECK(cut_frames(test::sample("run/run_aba.mp4"), detector) == V{45, 95});
    CHECK(cut_frames(test::sample("run/run_audio.mp4"), detector) == V{60});
    CHECK(cut_frames(test::sample("wave/wave_cuts4.mp4"), detector) == V{30, 70, 105});
    CHECK(cut_frames(test::sample("wave/wave_wide.mp4"), detector) == V{50});
    CHECK(cut_frames(test::data("gray_cut.mp4").string(), detector) == V{20});
  }
}

TEST_CASE("shots: continuous motion is one shot") {
  for (const char* video : {"jump/jump_zoom.mp4", "jump/jump_dup_hq.mp4", "jump/jump_dup_lq.mp4", "run/run_plasma.mp4",
                            "wave/wave_rotate.mp4", "wave/wave_spiral.mp4"}) {
    CAPTURE(video);
    const auto rows = shots_of(test::sample(video));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].kind == S);
  }
}

TEST_CASE("shots: a variable-frame-rate cut is found by frame and by timestamp") {
  ScanOptions o;
  const VideoScan s = scan_video({"v", test::sample("run/run_vfr.mp4"), ""}, o);
  REQUIRE(s.ok());
  CHECK(s.frames == 80);
  REQUIRE(s.shots.size() == 2);
  CHECK(s.shots[1].start_frame == 50);
  CHECK(s.shots[1].start_sec == doctest::Approx(2.0));
  CHECK(s.shots[1].end_sec == doctest::Approx(5.0));  // 4.9 + the last frame's 0.1 s
}

TEST_CASE("shots: a fade through black is one transition span") {
  // Truth: fade-out 51-74, black 75-85, fade-in 86-109, full level again from 110.
  const auto rows = shots_of(test::sample("jump/jump_fade.mp4"));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == Row{S, 0, rows[1].start});
  CHECK(rows[1].kind == T);
  CHECK(rows[1].start >= 49);
  CHECK(rows[1].start <= 53);
  CHECK(rows[1].end >= 108);
  CHECK(rows[1].end <= 112);
  CHECK(rows[2] == Row{S, rows[1].end, 160});
  // The cut-only detector reports no fade and no cut inside it.
  CHECK(cut_frames(test::sample("jump/jump_fade.mp4"), "content").empty());
}

TEST_CASE("shots: minimum shot length") {
  ScanOptions o;
  o.detection.min_shot_seconds = 2.0;  // the cut at 1.20 s is too early, 2.80 s is 1.6 s later: also dropped
  const VideoScan s = scan_video({"v", test::sample("wave/wave_cuts4.mp4"), ""}, o);
  REQUIRE(s.shots.size() == 2);
  CHECK(s.shots[1].start_frame == 70);
}

TEST_CASE("vidsplit::make_detector") {
  DetectorOptions o;
  CHECK(make_detector("auto", o)->name() == "auto");
  CHECK(make_detector("content", o)->name() == "content");
  CHECK_THROWS_WITH_AS(make_detector("nope", o), doctest::Contains("unknown detector 'nope'"), ConfigError);
  o.threshold = -1.0;
  CHECK_THROWS_AS(make_detector("content", o), ConfigError);
}

TEST_CASE("vidsplit::ClipSignatureBuilder keeps bounded, evenly spread keyframes") {
  ClipSignatureBuilder b(5);
  for (int i = 0; i < 100000; ++i) {
    FrameSignature f;
    f.detail = 10.0f;
    f.phash = static_cast<uint64_t>(i);
    f.hist.fill(0.5f);
    f.view_hash = static_cast<uint64_t>(i) + 1;
    b.add(f, i / 30.0);
  }
  const ClipSignature c = b.finish();
  REQUIRE(c.keyframe_hashes.size() == 5);
  // 3333 s at 15 samples a second is 50,000 ticks: the rate halved 6 times to stay under 1024 samples, and
  // each sample is still the first frame of its tick (every 2 * 64th frame).
  CHECK(c.sample_step == 64);
  REQUIRE(c.samples.size() == 782);
  CHECK(c.samples[0] == 1);
  CHECK(c.samples[5] == 128 * 5 + 1);
  CHECK(c.samples[781] == 128 * 781 + 1);
  // Centres of five equal parts of 100000 frames, to within the sampling stride (2048 by then).
  const int64_t centres[] = {10000, 30000, 50000, 70000, 90000};
  for (size_t k = 0; k < 5; ++k) {
    CHECK(std::llabs(static_cast<int64_t>(c.keyframe_hashes[k]) - centres[k]) <= 2048);
    CHECK(c.keyframe_hashes[k] % 2048 == 0);
  }
  CHECK(c.mean_hist[0] == doctest::Approx(0.5));
}

TEST_CASE("shots: --speed ref-frames keeps frame numbers and puts cuts on the encoder's keyframes") {
  // The samples' cuts start I-frames (libx264 scene-cut detection), which reference-only decoding analyses.
  ScanOptions o;
  o.decoder.reference_frames_only = true;
  o.decoder.skip_deblock = true;
  for (const auto& [name, cuts] : std::vector<std::pair<std::string, std::vector<int64_t>>>{
           {"jump/jump_cuts3.mp4", {40, 85}}, {"wave/wave_cuts4.mp4", {30, 70, 105}}, {"run/run_aba.mp4", {45, 95}}}) {
    CAPTURE(name);
    const VideoScan s = scan_video({name, test::sample(name), ""}, o);
    REQUIRE_MESSAGE(s.ok(), s.error);
    std::vector<int64_t> starts;
    for (size_t i = 1; i < s.shots.size(); ++i) starts.push_back(s.shots[i].start_frame);
    CHECK(starts == cuts);
    CHECK(s.shots.back().end_frame == s.frames);
    CHECK(s.frames == scan_video({name, test::sample(name), ""}, ScanOptions{}).frames);
  }
}

TEST_CASE("shots: every --speed finds the MPEG-4 cut on its exact frame (coarse to fine)") {
  // B-frames in Matroska (packet times known) and a codec with reduced-size decoding: all shortcuts apply.
  const std::string path = test::data("mpeg4_cut.mkv").string();
  for (const bool lowres : {false, true})
    for (const bool refs : {false, true}) {
      CAPTURE(lowres);
      CAPTURE(refs);
      ScanOptions o;
      o.decoder.reduced_resolution = lowres;
      o.decoder.reference_frames_only = refs;
      const VideoScan s = scan_video({path, path, ""}, o);
      REQUIRE_MESSAGE(s.ok(), s.error);
      CHECK(s.frames == 40);
      REQUIRE(s.shots.size() == 2);
      // Frame 20, the cut, is a B-frame: a reference-frames scan first sees the cut at the P-frame 21, then
      // decodes frames 18-21 in full and moves it to 20.
      CHECK(s.shots[1].start_frame == 20);
      CHECK(s.shots[0].end_frame == 20);
      CHECK(s.shots[1].start_sec == doctest::Approx(0.8));
    }
}

TEST_CASE("shots: --speed ref-frames re-decodes for exact cuts only as many frames as it skipped") {
  // One keyframe (0), 2 B-frames between reference frames, cuts on the B-frames 20 and 41: the reference-frames
  // pass skips 37 frames and sees the cuts at the P-frames 21 and 42. Exact cut 20 decodes frames 0-21 again (22,
  // leaving 15); exact cut 41 would decode 0-42 (43), beyond what is left, so it stays on 42: a speed mode never
  // decodes more frames than a full scan.
  const std::string path = test::data("mpeg4_two_cuts.mkv").string();
  const auto cut_starts = [&](const ScanOptions& o) {
    const VideoScan s = scan_video({path, path, ""}, o);
    REQUIRE_MESSAGE(s.ok(), s.error);
    CHECK(s.frames == 57);
    std::vector<int64_t> starts;
    for (size_t i = 1; i < s.shots.size(); ++i) starts.push_back(s.shots[i].start_frame);
    return starts;
  };
  CHECK(cut_starts(ScanOptions{}) == std::vector<int64_t>{20, 41});
  ScanOptions refs;
  refs.decoder.reference_frames_only = true;
  CHECK(cut_starts(refs) == std::vector<int64_t>{20, 42});
  refs.keyframes_first = true;  // --speed fast's path: the only stretch is the last one
  CHECK(cut_starts(refs) == std::vector<int64_t>{20, 42});
}

TEST_CASE("shots: --speed keyframes decodes in full only the stretches between keyframes that differ") {
  // MPEG-4 with a keyframe every 12 frames (0, 12, 24, 36) and the cut on frame 20, no keyframe there. The
  // stretch 12-24 spans the cut and is decoded in full. 0-12 (a test pattern whose moving parts are small) and
  // 24-36 (still colour bars) are not: only their keyframes are decoded.
  const std::string path = test::data("mpeg4_cut.mkv").string();
  const VideoScan normal = scan_video({path, path, ""}, ScanOptions{});
  for (const bool lowres : {false, true}) {
    CAPTURE(lowres);
    ScanOptions o;
    o.keyframes_first = true;
    o.decoder.reduced_resolution = lowres;
    const VideoScan s = scan_video({path, path, ""}, o);
    REQUIRE_MESSAGE(s.ok(), s.error);
    CHECK(s.frames == 40);
    CHECK(normal.decoded_frames == 40);
    // 1-11 and 25-35 are skipped; the last stretch (36-39) has no keyframe after it to compare with.
    CHECK(s.decoded_frames == 40 - 2 * 11);
    REQUIRE(s.shots.size() == 2);
    CHECK(s.shots[1].start_frame == 20);
    CHECK(s.shots[1].start_sec == doctest::Approx(0.8));
    CHECK(s.times.end_pts() == normal.times.end_pts());
    CHECK(s.content_hash == normal.content_hash);
    // The skipped stretch's keyframes stand in for its frames in the clip signature.
    CHECK(s.shots[1].signature.keyframe_hashes.size() == normal.shots[1].signature.keyframe_hashes.size());
  }
}

TEST_CASE("shots: --speed keyframes leaves the stretches of a steady zoom undecoded and still finds the cut") {
  // Keyframes at 0, 27, 51, 75, 99, 123 and 147; a fast zoom up to the cut at 110, colour bars after it. Every two
  // keyframes of the zoom differ (a change of picture 0.08, far over what "alike" allows), so before the
  // steady-motion rule all of 1-122 was decoded. Now:
  //  - 0-27 and 27-51 are decoded (the first has no stretch before it; 27-51 is 3 frames shorter than 0-27, so
  //    the cadence is not yet regular);
  //  - 51-75 and 75-99 change no more than 1.5 times their neighbours, same length, same palette: skipped;
  //  - 99-123 holds the cut: its palette changes (histograms 0.42 apart), decoded;
  //  - 123-147, still bars, is alike and skipped; the last stretch, 147-159, is always decoded.
  // So 160 - 2 x 23 (51-75, 75-99) - 23 (123-147) = 91 frames are analysed, and the shots are the full decode's.
  const std::string path = test::data("mpeg4_zoom_cut.mkv").string();
  ScanOptions o;
  o.keyframes_first = true;
  const VideoScan full = scan_video({path, path, ""}, ScanOptions{}), fast = scan_video({path, path, ""}, o);
  for (const VideoScan* s : {&full, &fast}) {
    REQUIRE_MESSAGE(s->ok(), s->error);
    CHECK(s->frames == 160);
    REQUIRE(s->shots.size() == 2);
    CHECK(s->shots[1].start_frame == 110);
    CHECK(s->shots[1].kind == ShotKind::Shot);
  }
  CHECK(full.decoded_frames == 160);
  CHECK(fast.decoded_frames == 91);
}

TEST_CASE("shots: --speed keyframes decodes a stretch whose frames cost what new pictures cost") {
  // Keyframes at 0 and 48 both show the colour bars; another shot is cut in at 15 and out at 30 with no
  // keyframe at either cut. The two keyframes alone would skip 1-47.
  //  - mpeg4_aba.mkv, the test pattern: the P-frames that start each shot cost the encoder far more than the
  //    others, which marks the stretch for a full decode.
  //  - mpeg4_noise_aba.mkv, grey noise: all its frames cost alike (no spike, and they are a third of the
  //    stretch), but each more than a keyframe of the bars, which no picture the keyframes show would.
  for (const char* name : {"mpeg4_aba.mkv", "mpeg4_noise_aba.mkv"}) {
    CAPTURE(name);
    const std::string path = test::data(name).string();
    ScanOptions o;
    o.keyframes_first = true;
    for (const VideoScan& s : {scan_video({path, path, ""}, ScanOptions{}), scan_video({path, path, ""}, o)}) {
      REQUIRE_MESSAGE(s.ok(), s.error);
      CHECK(s.frames == 60);
      CHECK(s.decoded_frames == 60);
      REQUIRE(s.shots.size() == 3);
      CHECK(s.shots[1].start_frame == 15);
      CHECK(s.shots[2].start_frame == 30);
    }
  }
}

TEST_CASE("shots: --speed keyframes on a video with one keyframe decodes it whole, with one decoder") {
  // vfr.mp4: 10 frames, one keyframe, variable frame durations. Its only stretch is the last one, which the
  // coarse decoder itself decodes again after seeking back.
  const std::string path = test::data("vfr.mp4").string();
  ScanOptions o;
  o.keyframes_first = true;
  const VideoScan fast = scan_video({path, path, ""}, o), full = scan_video({path, path, ""}, ScanOptions{});
  REQUIRE_MESSAGE(fast.ok(), fast.error);
  CHECK(fast.frames == 10);
  CHECK(fast.decoded_frames == 10);
  for (int64_t i = 0; i <= 10; ++i) CHECK(fast.times.pts(i) == full.times.pts(i));
  CHECK(fast.content_hash == full.content_hash);
  REQUIRE(fast.shots.size() == full.shots.size());
  CHECK(fast.shots.back().end_sec == full.shots.back().end_sec);
}

TEST_CASE("shots: --speed keyframes finds the same shots as a full decode on the samples") {
  // H.264 from libx264: keyframes where scenes start, so every stretch spans a scene and is decoded in full
  // but the last; the shots must be exactly those of a full decode.
  ScanOptions o;
  o.keyframes_first = true;
  for (const std::string& path : {test::sample("jump/jump_cuts3.mp4"), test::sample("wave/wave_cuts4.mp4"),
                                   test::sample("run/run_aba.mp4"), test::data("hevc_gop.mp4").string()}) {
    CAPTURE(path);
    const VideoScan fast = scan_video({path, path, ""}, o);
    const VideoScan full = scan_video({path, path, ""}, ScanOptions{});
    REQUIRE_MESSAGE(fast.ok(), fast.error);
    CHECK(fast.frames == full.frames);
    REQUIRE(fast.shots.size() == full.shots.size());
    for (size_t i = 0; i < full.shots.size(); ++i) {
      CHECK(fast.shots[i].start_frame == full.shots[i].start_frame);
      CHECK(fast.shots[i].kind == full.shots[i].kind);
    }
  }
}
