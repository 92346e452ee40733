// `vidsplit audit` at dataset scale: the grouping's candidate index instead of every pair, --scan instead of
// decoding, and same-source-name leaks. Synthetic scans (split_support.hpp): no decoding.
#include "split_support.hpp"
#include "support.hpp"

#include "vidsplit/audit.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/report.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

using namespace vidsplit;

namespace {

// 60 videos of one to three shots with unrelated hashes, every third in val, plus planted leaks: p1 copies a
// train video's second shot (near-duplicate), p2 is a train video's stream (identical-stream), and p0 repeats
// one of its own shots in another split (clip rows).
struct Fixture {
  std::vector<VideoScan> scans;
  SplitLayout layout;
};

// scan.jsonl wants every hash kind for every keyframe: the centre hashes repeat the whole-frame ones.
VideoScan complete(VideoScan scan) {
  for (Shot& shot : scan.shots) {
    shot.signature.keyframe_centre_hashes = shot.signature.keyframe_hashes;
    shot.signature.keyframe_centre_mirror_hashes = shot.signature.keyframe_mirror_hashes;
  }
  return scan;
}

Fixture fixture() {
  Fixture f;
  const auto add = [&](VideoScan scan, const std::string& split, std::vector<KeptRow> rows = {}) {
    AuditVideo v;
    v.input = {scan.video, scan.path, scan.label};
    v.split = split;
    v.rows = std::move(rows);
    f.scans.push_back(complete(std::move(scan)));
    f.layout.videos.push_back(std::move(v));
  };
  add(test::synthetic_scan("p0.mp4", "x", {0, 50, 100, 150}, {mix64(900), mix64(901), mix64(900)}, 900), "",
      {{0, 50, "train"}, {50, 100, "train"}, {100, 150, "val"}});
  add(test::synthetic_scan("p1.mp4", "x", {0, 50}, {mix64(1001)}, 910), "val");
  add(test::synthetic_scan("p2.mp4", "x", {0, 40, 100}, {mix64(2000), mix64(2001)}, 920), "val");
  for (int v = 0; v < 60; ++v) {
    const int shots = 1 + v % 3;
    std::vector<int64_t> bounds{0};
    std::vector<uint64_t> hashes;
    for (int s = 0; s < shots; ++s) {
      bounds.push_back(bounds.back() + 30);
      hashes.push_back(mix64(static_cast<uint64_t>(v * 10 + s)));
    }
    if (v == 1) hashes[1] = mix64(1001);  // p1's shot
    add(test::synthetic_scan(fmt::format("v{:02}.mp4", v), "x", bounds, hashes, static_cast<uint64_t>(v)),
        v % 3 == 0 ? "val" : "train");
  }
  // v05 is p2's stream: same content hash, frames and shots.
  f.scans.back() = f.scans[2];
  f.scans.back().video = f.layout.videos.back().input.video;
  f.layout.videos.back().split = "train";
  return f;
}

std::string leaks_of(const Fixture& f, size_t exhaustive_max_clips) {
  GroupingOptions o;
  o.exhaustive_max_clips = exhaustive_max_clips;
  return leaks_csv(f.scans, audit_split(f.scans, f.layout, o));
}

}  // namespace

TEST_CASE("vidsplit::audit_split: the candidate index finds what comparing every pair finds") {
  const Fixture f = fixture();
  const std::string pairwise = leaks_of(f, 100000);
  CHECK(leaks_of(f, 0) == pairwise);  // 0: always the index
  CHECK(pairwise ==
        "split_a,video_a,clip_a,start_frame_a,end_frame_a,split_b,video_b,clip_b,start_frame_b,end_frame_b,reason,"
        "matched_keyframes,hash_distance,histogram_distance\n"
        "train,p0.mp4,0,0,50,val,p0.mp4,2,100,150,near-duplicate,5,0,0.0000\n"
        "val,p1.mp4,0,0,50,train,v01.mp4,1,30,60,near-duplicate,5,0,0.0000\n"
        "val,p2.mp4,0,0,40,train,v59.mp4,0,0,40,identical-stream,5,0,0.0000\n"
        "val,p2.mp4,1,40,100,train,v59.mp4,1,40,100,identical-stream,5,0,0.0000\n");
}

TEST_CASE("vidsplit::audit_split: same-source-name leaks") {
  std::vector<VideoScan> scans = {test::synthetic_scan("A/v_A_g01_c01.avi", "A", {0, 50}, {mix64(1)}, 1),
                                  test::synthetic_scan("A/v_A_g01_c02.avi", "A", {0, 20, 60}, {mix64(2), mix64(3)}, 2),
                                  test::synthetic_scan("A/v_A_g02_c01.avi", "A", {0, 70}, {mix64(4)}, 3)};
  SplitLayout layout;
  for (const auto& [scan, split] : {std::pair{0, "train"}, std::pair{1, "val"}, std::pair{2, "val"}}) {
    AuditVideo v;
    v.input.video = scans[static_cast<size_t>(scan)].video;
    v.split = split;
    layout.videos.push_back(v);
  }
  GroupingOptions o;
  SUBCASE("without sources, nothing leaks") { CHECK(audit_split(scans, layout, o).leaks.empty()); }
  SUBCASE("ucf101: the group's two videos leak as whole videos") {
    o.sources.pattern = source_pattern("ucf101");
    const AuditResult r = audit_split(scans, layout, o);
    CHECK(leaks_csv(scans, r) ==
          "split_a,video_a,clip_a,start_frame_a,end_frame_a,split_b,video_b,clip_b,start_frame_b,end_frame_b,reason,"
          "matched_keyframes,hash_distance,histogram_distance\n"
          "train,A/v_A_g01_c01.avi,-1,0,50,val,A/v_A_g01_c02.avi,-1,0,60,same-source-name,0,0,0.0000\n");
    REQUIRE(r.splits.size() == 1);
    CHECK(r.splits[0].frames == 130);
    CHECK(r.splits[0].leaked_frames == 60);
    CHECK(r.splits[0].leaking_clips == 2);
  }
}

TEST_CASE("vidsplit audit --scan: no decoding, planted leak found, sources warned") {
  test::TempDir dir;
  const Fixture f = fixture();
  write_scan_jsonl(dir / "scan.jsonl", f.scans, nlohmann::json::object());
  // Whole-video splits only (p0's clip rows are the library test's); p1 planted in val against v01 in train.
  std::string clips = "video,split\n";
  for (const AuditVideo& v : f.layout.videos)
    if (!v.split.empty()) clips += v.input.video + "," + v.split + "\n";
  clips += "missing.mp4,val\n";
  write_file_atomic(dir / "clips.csv", clips);
  const std::string base = fmt::format("audit '{}' --scan '{}' -o '{}'", dir / "clips.csv", dir / "scan.jsonl", dir / "out");
  SUBCASE("leaks over --max-leaks: exit 4, with the planted pairs in leaks.csv") {
    CHECK(test::run_cli(base, dir) == 4);
    const std::string leaks = read_file(dir / "out/leaks.csv");
    CHECK(leaks.find("val,p1.mp4,0,0,50,train,v01.mp4,1,30,60,near-duplicate,") != std::string::npos);
    CHECK(leaks.find("val,p2.mp4,1,40,100,train,v59.mp4,1,40,100,identical-stream,") != std::string::npos);
    CHECK(read_file(dir / "out/errors.csv").find("missing.mp4,not in ") != std::string::npos);
  }
  SUBCASE("within --max-leaks: exit 3, as one listed video is not in the scan") {
    CHECK(test::run_cli(base + " --max-leaks 10", dir) == 3);
  }
  SUBCASE("--sources naming unknown videos: one warning with their count") {
    write_file_atomic(dir / "s.csv", "video,source\np1.mp4,s\nv01.mp4,s\nnope1.mp4,s\nnope2.mp4,t\n");
    CHECK(test::run_cli(base + " --max-leaks 10 --sources '" + (dir / "s.csv") + "'", dir) == 3);
    CHECK(read_file(dir / "stderr.txt").find("2 of its 4 videos are not in the split") != std::string::npos);
  }
  SUBCASE("a bad pattern is exit 2 before anything is read") {
    CHECK(test::run_cli(base + " --source-pattern 'v_([A-Z]'", dir) == 2);
    CHECK(read_file(dir / "stderr.txt").find("--source-pattern: source pattern 'v_([A-Z]'") != std::string::npos);
  }
}

TEST_CASE("vidsplit split --source-pattern / --sources") {
  test::TempDir dir;
  const std::vector<VideoScan> scans = {test::synthetic_scan("A/v_A_g01_c01.avi", "A", {0, 50}, {mix64(1)}, 1),
                                        test::synthetic_scan("A/v_A_g01_c02.avi", "A", {0, 50}, {mix64(2)}, 2),
                                        test::synthetic_scan("B/v_B_g01_c01.avi", "B", {0, 50}, {mix64(3)}, 3)};
  std::vector<VideoScan> completed;
  for (const VideoScan& s : scans) completed.push_back(complete(s));
  write_scan_jsonl(dir / "scan.jsonl", completed, nlohmann::json::object());
  const std::string base = fmt::format("split '{}' -o '{}'", dir / "scan.jsonl", dir / "out");
  SUBCASE("a bad regex: exit 2 with the regex's complaint") {
    CHECK(test::run_cli(base + " --source-pattern '(['", dir) == 2);
    CHECK(read_file(dir / "stderr.txt").find("--source-pattern: source pattern '([': ") != std::string::npos);
  }
  SUBCASE("a regex without a capture group: exit 2") {
    CHECK(test::run_cli(base + " --source-pattern 'v_[A-Z]+'", dir) == 2);
    CHECK(read_file(dir / "stderr.txt").find("has no capture group") != std::string::npos);
  }
  SUBCASE("the preset groups the two clips of one UCF101 group and is recorded") {
    CHECK(test::run_cli(base + " --source-pattern ucf101", dir) == 0);
    const std::string evidence = read_file(dir / "out/group_evidence.csv");
    CHECK(evidence.find("0,A/v_A_g01_c01.avi,0,A/v_A_g01_c02.avi,0,same-source-name,0,0,0.0000,name,0.000,2.000,"
                        "0.000,2.000,1.000\n") != std::string::npos);
    const std::string summary = read_file(dir / "out/summary.json");
    CHECK(summary.find("\"source_pattern\": \"(?:^|/)v_([A-Za-z0-9]+_g") != std::string::npos);
    CHECK(summary.find("\"groups\": 2") != std::string::npos);
    // The report opens with the headline and shows the link as a person checks it.
    const std::string html = report_html(dir / "out", ReportOptions{}).html;
    CHECK(html.find("<b>0.0 % of val's frames show footage that is also in train; a random split of the same videos "
                    "would share ") != std::string::npos);
    CHECK(html.find("<td class=\"l\">same-source-name</td><td class=\"l\">A/v_A_g01_c01.avi #0 0.00\u2013"
                    "2.00 s \u2194 A/v_A_g01_c02.avi #0 0.00\u20132.00 s</td><td class=\"l\">name</td>"
                    "<td>1.000</td>") != std::string::npos);
  }
  SUBCASE("--sources: a table joining across classes, unknown videos warned with their count") {
    write_file_atomic(dir / "s.csv", "video,source\nA/v_A_g01_c01.avi,s\nB/v_B_g01_c01.avi,s\nother.mp4,t\n");
    CHECK(test::run_cli(base + " --sources '" + (dir / "s.csv") + "'", dir) == 0);
    CHECK(read_file(dir / "stderr.txt").find("1 of its 3 videos are not among the 3 scanned videos") != std::string::npos);
    CHECK(read_file(dir / "out/summary.json").find("\"groups\": 2") != std::string::npos);
  }
}
