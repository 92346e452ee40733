// Temporal matching: sampled-frame hashes agreeing at one time offset (src/groups/temporal_match.cpp), the
// view hash they are made of (src/signatures/signature.cpp), and partial copies of tests/data/groups/base.mp4
// that only temporal matching joins.
#include "support.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/groups.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/signature.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include <bit>
#include <random>

using namespace vidsplit;

namespace {

// `count` view hashes of distinct pictures: random, with bit 63 set as a real view hash has.
std::vector<uint64_t> footage(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> h(count);
  for (auto& v : h) v = rng() | (uint64_t{1} << 63);
  return h;
}

// The same pictures seen again: up to `bits` bits changed in each (re-encoding, reframing).
std::vector<uint64_t> seen_again(std::vector<uint64_t> h, int bits, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (auto& v : h) {
    uint64_t flips = 0;
    while (std::popcount(flips) < bits) flips |= uint64_t{1} << (rng() % 63);
    v ^= flips;
  }
  return h;
}

ClipSignature clip(std::vector<uint64_t> samples, int step = 1) {
  ClipSignature s;
  s.samples = std::move(samples);
  s.sample_step = step;
  return s;
}

std::vector<uint64_t> part(const std::vector<uint64_t>& h, size_t from, size_t to) {
  return {h.begin() + static_cast<ptrdiff_t>(from), h.begin() + static_cast<ptrdiff_t>(to)};
}

}  // namespace

TEST_CASE("vidsplit::match_temporal") {
  const std::vector<uint64_t> source = footage(60, 1);
  const GroupingOptions options;

  SUBCASE("two cuts of one source with other in and out points match at their offset") {
    // a shows source ticks 0..29, b ticks 18..59: they share ticks 18..29 (0.8 s).
    const TemporalMatch m = match_temporal(clip(part(source, 0, 30)), clip(seen_again(part(source, 18, 60), 4, 2)), options);
    REQUIRE(m.matched);
    CHECK(m.offset_ticks == -18);
    CHECK(m.agreeing == 12);
    CHECK(m.a_from == doctest::Approx(18.0 / kSampleRate));
    CHECK(m.a_to == doctest::Approx(29.0 / kSampleRate));
    CHECK(m.b_from == 0.0);
    CHECK(m.b_to == doctest::Approx(11.0 / kSampleRate));
    CHECK(m.hash_distance <= 4);
  }
  SUBCASE("an overlap of fewer samples than min_agreeing_samples is no match") {
    CHECK_FALSE(match_temporal(clip(part(source, 0, 30)), clip(part(source, 26, 60)), options).matched);
    CHECK(match_temporal(clip(part(source, 0, 30)), clip(part(source, 25, 60)), options).matched);
  }
  SUBCASE("a clip shorter than min_agreeing_samples matches on all its samples but one, 3 at least") {
    // 4 samples (7 frames that a fade left of a shot): 3 agreeing are enough, 2 are not.
    std::vector<uint64_t> short_clip = part(source, 20, 24);
    CHECK(match_temporal(clip(short_clip), clip(source), options).matched);
    short_clip[1] = footage(1, 9)[0];
    CHECK(match_temporal(clip(short_clip), clip(source), options).matched);
    short_clip[2] = footage(1, 10)[0];
    CHECK_FALSE(match_temporal(clip(short_clip), clip(source), options).matched);
    // 3 samples must all agree; 2 never match.
    CHECK(match_temporal(clip(part(source, 5, 8)), clip(source), options).matched);
    CHECK_FALSE(match_temporal(clip(part(source, 5, 7)), clip(source), options).matched);
  }
  SUBCASE("samples too far apart in bits do not agree") {
    GroupingOptions strict;
    strict.sample_threshold = 3;
    CHECK_FALSE(match_temporal(clip(source), clip(seen_again(source, 4, 3)), strict).matched);
    CHECK(match_temporal(clip(source), clip(seen_again(source, 3, 3)), strict).matched);
  }
  SUBCASE("a still picture in one clip does not match a single frame of the other") {
    // a holds one picture for 2 s; b shows it once. Every sample of a agrees, at 30 offsets, with one of b.
    std::vector<uint64_t> still(30, source[10]);
    CHECK_FALSE(match_temporal(clip(still), clip(source), options).matched);
  }
  SUBCASE("chance agreements at scattered offsets do not add up") {
    std::vector<uint64_t> a = footage(40, 4), b = footage(40, 5);
    // Six agreeing pairs, each at its own offset (more than 2 * kDriftTicks apart).
    for (size_t k = 0; k < 6; ++k) b[5 * k] = a[(5 * k + 7 * k) % 40];
    CHECK_FALSE(match_temporal(clip(a), clip(b), options).matched);
  }
  SUBCASE("a copy played 10 % faster still matches: the drift stays within kDriftTicks over the overlap") {
    std::vector<uint64_t> fast;
    for (size_t j = 0; j * 11 / 10 < 30; ++j) fast.push_back(source[10 + j * 11 / 10]);
    const TemporalMatch m = match_temporal(clip(part(source, 0, 45)), clip(fast), options);
    REQUIRE(m.matched);
    CHECK(m.agreeing >= 20);
  }
  SUBCASE("a long clip sampled at half the rate matches a short one on the same time grid") {
    std::vector<uint64_t> half;
    for (size_t k = 0; k < source.size(); k += 2) half.push_back(source[k]);
    const TemporalMatch m = match_temporal(clip(half, 2), clip(part(source, 20, 40)), options);
    REQUIRE(m.matched);
    CHECK(m.offset_ticks == -20);
    CHECK(m.agreeing == 10);
    CHECK(m.a_from == doctest::Approx(20.0 / kSampleRate));
  }
  SUBCASE("ticks without a sample (0) never agree") {
    std::vector<uint64_t> blank(30, 0);
    CHECK_FALSE(match_temporal(clip(blank), clip(blank), options).matched);
  }
}

TEST_CASE("vidsplit::find_temporal_matches: the chunk index finds what comparing every pair finds") {
  // 400 clips of unrelated footage, and 25 pairs of clips sharing 8..20 samples at other offsets.
  std::vector<ClipSignature> clips;
  std::vector<std::pair<size_t, size_t>> planted;
  std::mt19937_64 rng(7);
  for (size_t k = 0; k < 400; ++k) clips.push_back(clip(footage(20 + rng() % 40, 100 + k)));
  for (size_t k = 0; k < 25; ++k) {
    const size_t a = 16 * k;  // distinct sources: two copies of one clip's parts could also match each other
    const std::vector<uint64_t>& s = clips[a].samples;
    const size_t shared = 8 + rng() % 13, from = rng() % (s.size() - shared + 1);
    std::vector<uint64_t> b = footage(rng() % 10, 900 + k);
    const auto copy = seen_again(part(s, from, from + shared), 3, 50 + k);
    b.insert(b.end(), copy.begin(), copy.end());
    clips.push_back(clip(b));
    planted.emplace_back(a, clips.size() - 1);
  }
  std::vector<const ClipSignature*> pointers;
  for (const ClipSignature& c : clips) pointers.push_back(&c);
  GroupingOptions exhaustive, indexed;
  exhaustive.exhaustive_max_samples = SIZE_MAX;
  indexed.exhaustive_max_samples = 0;
  const auto pairs = [&](const GroupingOptions& o) {
    std::vector<std::pair<size_t, size_t>> found;
    for (const NearDuplicate& d : find_temporal_matches(pointers, o)) found.emplace_back(d.a, d.b);
    return found;
  };
  const auto all = pairs(exhaustive);
  CHECK(pairs(indexed) == all);
  std::sort(planted.begin(), planted.end());
  CHECK(all == planted);
  indexed.threads = 1;
  CHECK(pairs(indexed) == all);
}

TEST_CASE("vidsplit::SignatureExtractor: the view hash survives channel swaps, mirroring and reframing") {
  // A 4:3 picture with structure at several scales.
  cv::Mat picture(120, 160, CV_8UC3);
  cv::randu(picture, 0, 255);
  cv::GaussianBlur(picture, picture, cv::Size(0, 0), 2);
  cv::rectangle(picture, {30, 20, 50, 40}, {40, 200, 90}, cv::FILLED);
  cv::circle(picture, {115, 75}, 22, {230, 60, 20}, cv::FILLED);
  cv::rectangle(picture, {90, 30, 40, 25}, {250, 250, 250}, cv::FILLED);
  cv::circle(picture, {45, 90}, 15, {10, 10, 10}, cv::FILLED);
  const auto hash_of = [](const cv::Mat& shown, double aspect) {
    AnalysisFrame f;
    cv::resize(shown, f.bgr, cv::Size(64, 64), 0, 0, cv::INTER_AREA);
    f.display_aspect = aspect;
    SignatureExtractor extractor;
    FrameFeatures features;
    extractor.compute(f, features);
    return features.signature.view_hash;
  };
  const uint64_t original = hash_of(picture, 4.0 / 3);
  REQUIRE(original != 0);

  cv::Mat swapped;
  cv::cvtColor(picture, swapped, cv::COLOR_BGR2RGB);
  CHECK(hash_of(swapped, 4.0 / 3) == original);

  cv::Mat mirrored;
  cv::flip(picture, mirrored, 1);
  CHECK(hamming(hash_of(mirrored, 4.0 / 3), original) <= 2);

  // Pillarboxed into 16:9 (black or dark grey bars) and centre-cropped to fill 16:9: the same central band.
  cv::Mat padded(120, 214, CV_8UC3, cv::Scalar(0, 0, 0)), grey(120, 214, CV_8UC3, cv::Scalar(40, 40, 40));
  picture.copyTo(padded(cv::Rect(27, 0, 160, 120)));
  picture.copyTo(grey(cv::Rect(27, 0, 160, 120)));
  const cv::Mat cropped = picture(cv::Rect(0, 15, 160, 90));
  const uint64_t from_crop = hash_of(cropped, 16.0 / 9);
  CHECK(hamming(hash_of(padded, 16.0 / 9), from_crop) <= 6);
  CHECK(hamming(hash_of(grey, 16.0 / 9), from_crop) <= 6);
  // The 4:3 original shows that band too.
  CHECK(hamming(original, from_crop) <= 6);
  // A dim scene (a dark film: mean luma about 35) keeps its bars apart from its picture.
  cv::Mat dim_picture;
  cv::normalize(picture, dim_picture, 0, 70, cv::NORM_MINMAX);
  cv::Mat dim_padded(120, 214, CV_8UC3, cv::Scalar(0, 0, 0));
  dim_picture.copyTo(dim_padded(cv::Rect(27, 0, 160, 120)));
  REQUIRE(cv::mean(dim_picture)[1] < 40);
  const uint64_t dim_crop = hash_of(dim_picture(cv::Rect(0, 15, 160, 90)), 16.0 / 9);
  REQUIRE(dim_crop != 0);
  CHECK(hamming(hash_of(dim_padded, 16.0 / 9), dim_crop) <= 6);

  // A flat frame has no view hash.
  CHECK(hash_of(cv::Mat(120, 160, CV_8UC3, cv::Scalar(90, 90, 90)), 4.0 / 3) == 0);
}

TEST_CASE("groups: copies of part of base.mp4, reframed or recoloured, join only by temporal matching") {
  // Pairs of tests/data/groups/overlap_*.mp4 that share footage (see scripts/make_group_fixtures.sh) but
  // whose keyframes do not match.
  const auto grouped = [](const std::string& a, const std::string& b, bool temporal) {
    const auto scans = scan_videos({{a, test::data("groups/" + a).string(), "x"}, {b, test::data("groups/" + b).string(), "x"}},
                                   ScanOptions{});
    REQUIRE_MESSAGE(scans[0].ok(), scans[0].error);
    REQUIRE_MESSAGE(scans[1].ok(), scans[1].error);
    GroupingOptions options;
    options.unit = Unit::Clip;
    options.temporal = temporal;
    const Grouping g = group_clips(scans, options);
    const bool joined = g.group_of[0][0] == g.group_of[1][0];
    if (joined && temporal) {
      REQUIRE(!g.evidence.empty());
      CHECK(g.evidence.back().reason == "footage-overlap");
      CHECK(g.evidence.back().kind == "overlap");
      CHECK(g.evidence.back().score >= 5);
    }
    return joined;
  };
  SUBCASE("red and blue swapped vs mirrored and padded with grey bars") {
    CHECK(grouped("overlap_rb.mp4", "overlap_grey.mp4", true));
    CHECK_FALSE(grouped("overlap_rb.mp4", "overlap_grey.mp4", false));
  }
  SUBCASE("centre-cropped to 16:9 vs mirrored and pillarboxed") {
    CHECK(grouped("overlap_crop.mp4", "overlap_grey.mp4", true));
    CHECK_FALSE(grouped("overlap_crop.mp4", "overlap_grey.mp4", false));
  }
  SUBCASE("other scenes of the same kind stay apart") {
    CHECK_FALSE(grouped("overlap_rb.mp4", "distinct_a.mp4", true));
    CHECK_FALSE(grouped("overlap_grey.mp4", "distinct_b.mp4", true));
    CHECK_FALSE(grouped("distinct_a.mp4", "distinct_b.mp4", true));
  }
}

TEST_CASE("vidsplit::parse_scan_line: temporal samples round-trip, and version 1 scans (without them) still read") {
  const VideoScan scan = scan_video({"rb.mp4", test::data("groups/overlap_rb.mp4").string(), "x"}, ScanOptions{});
  REQUIRE(scan.ok());
  REQUIRE(scan.shots.size() == 1);
  const ClipSignature& sig = scan.shots[0].signature;
  CHECK(sig.samples.size() == 30);  // 2 s at 15 a second
  CHECK(sig.sample_step == 1);
  const VideoScan back = parse_scan_line(scan_line(scan));
  CHECK(back.shots[0].signature.samples == sig.samples);

  nlohmann::json j = nlohmann::json::parse(scan_line(scan));
  j["shots"][0].erase("samples");
  j["shots"][0].erase("sample_step");
  CHECK(parse_scan_line(j.dump()).shots[0].signature.samples.empty());
  j["shots"][0]["samples"] = "." + std::string(15, 'a');
  j["shots"][0]["sample_step"] = 1;
  CHECK_THROWS_WITH_AS(parse_scan_line(j.dump()), "samples ends in a cut-off hash 'aaaaaaaaaaaaaaa'", Error);
  j["shots"][0]["samples"] = std::string(16, '0');
  CHECK_THROWS_WITH_AS(parse_scan_line(j.dump()), "samples holds a zero hash (a tick without a sample is '.')", Error);
  j["shots"][0]["samples"] = ".";
  j["shots"][0]["sample_step"] = 3;
  CHECK_THROWS_WITH_AS(parse_scan_line(j.dump()), "sample_step 3 is not a power of 2 in 1..2^20", Error);
}
