// vidsplit::audit_split and the three split layouts, on the sample videos (jump_dup_hq/lq are a re-encoded
// near-duplicate pair; run_aba's shots A1 [0,45) and A2 [95,150) are one recurring scene).
#include "support.hpp"

#include "vidsplit/audit.hpp"
#include "vidsplit/error.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sys/wait.h>

using namespace vidsplit;
using test::run_cli;
namespace fs = std::filesystem;

namespace {

struct Audited {
  SplitLayout layout;
  std::vector<VideoScan> scans;
  AuditResult result;
};

Audited audit(const std::string& path, const SplitLayoutOptions& options = {}) {
  Audited a;
  a.layout = read_split_layout(path, options);
  std::vector<InputVideo> inputs;
  for (const auto& v : a.layout.videos) inputs.push_back(v.input);
  ScanOptions scan;
  scan.threads = 2;
  a.scans = scan_videos(inputs, scan);
  a.result = audit_split(a.scans, a.layout, GroupingOptions{});
  return a;
}

// root/<split>/<file> copies of sample videos.
void place(const test::TempDir& dir, const std::string& split, const std::string& sample) {
  fs::create_directories(dir.path() / "root" / split);
  fs::copy_file(test::sample(sample), dir.path() / "root" / split / fs::path(sample).filename());
}

}  // namespace

TEST_CASE("vidsplit::audit_split: split folders") {
  test::TempDir dir;
  place(dir, "train", "jump/jump_dup_hq.mp4");
  place(dir, "train", "run/run_aba.mp4");
  place(dir, "val", "wave/wave_wide.mp4");
  SUBCASE("a near-duplicate pair spread over train and val is caught, with its evidence") {
    place(dir, "val", "jump/jump_dup_lq.mp4");
    const Audited a = audit(dir / "root");
    CHECK(a.layout.kind == "split-folders");
    REQUIRE(a.layout.videos.size() == 4);
    CHECK(a.layout.videos[0].input.video == "train/jump_dup_hq.mp4");
    REQUIRE(a.result.leaks.size() == 1);
    const Leak& l = a.result.leaks[0];
    CHECK(a.scans[l.a.video].video == "train/jump_dup_hq.mp4");
    CHECK(a.scans[l.b.video].video == "val/jump_dup_lq.mp4");
    CHECK(l.split_a == "train");
    CHECK(l.split_b == "val");
    CHECK(l.reason == "near-duplicate");
    CHECK(l.matched_keyframes >= 2);
    CHECK(l.hash_distance <= 10);
    CHECK(a.result.reference == "train");
    REQUIRE(a.result.splits.size() == 1);
    CHECK(a.result.splits[0].split == "val");
    CHECK(a.result.splits[0].frames == 200);  // wave_wide 100 + jump_dup_lq 100
    CHECK(a.result.splits[0].leaked_frames == 100);
    const std::string csv = leaks_csv(a.scans, a.result);
    CHECK(csv.find("train,train/jump_dup_hq.mp4,0,0,100,val,val/jump_dup_lq.mp4,0,0,100,near-duplicate,") !=
          std::string::npos);
  }
  SUBCASE("a clean split passes") {
    place(dir, "train", "jump/jump_dup_lq.mp4");
    const Audited a = audit(dir / "root");
    CHECK(a.result.leaks.empty());
    CHECK(leaks_csv(a.scans, a.result).find('\n') == leaks_csv(a.scans, a.result).size() - 1);  // header only
  }
  SUBCASE("an exact copy is an identical-stream leak") {
    fs::create_directories(dir.path() / "root" / "val");
    fs::copy_file(test::sample("run/run_aba.mp4"), dir.path() / "root" / "val" / "copy.mp4");
    const Audited a = audit(dir / "root");
    REQUIRE(a.result.leaks.size() == 3);  // clip for clip
    for (const Leak& l : a.result.leaks) CHECK(l.reason == "identical-stream");
    CHECK(a.result.splits[0].leaked_frames == 150);
  }
}

TEST_CASE("vidsplit::audit_split: UCF101 lists and clips.csv") {
  test::TempDir dir;
  SUBCASE("trainlist01.txt / testlist01.txt, paths relative to --videos") {
    write_file_atomic(dir / "trainlist01.txt", "jump/jump_dup_hq.mp4 1\r\nrun/run_plasma.mp4 2\r\n");
    write_file_atomic(dir / "testlist01.txt", "jump/jump_dup_lq.mp4\nwave/wave_wide.mp4\n\n");
    write_file_atomic(dir / "testlist02.txt", "run/run_plasma.mp4\n");  // another split: not read
    SplitLayoutOptions o;
    o.videos_root = test::samples().string();
    const Audited a = audit(dir / "trainlist01.txt", o);
    CHECK(a.layout.kind == "ucf101-lists");
    REQUIRE(a.layout.videos.size() == 4);
    CHECK(a.layout.videos[0].input.label == "jump");
    REQUIRE(a.result.leaks.size() == 1);
    CHECK(a.result.leaks[0].split_a == "train");
    CHECK(a.result.leaks[0].split_b == "test");
    CHECK(audit(dir.path().string(), o).result.leaks.size() == 1);  // the folder of lists works the same
  }
  SUBCASE("a video in two lists names the file and line") {
    write_file_atomic(dir / "trainlist01.txt", "a/x.avi 1\n");
    write_file_atomic(dir / "testlist01.txt", "a/y.avi\na/x.avi\n");
    CHECK_THROWS_WITH_AS(read_split_layout(dir.path().string(), {}),
                         doctest::Contains("trainlist01.txt: line 1: 'a/x.avi' is already listed in split 'test'"),
                         ConfigError);
  }
  SUBCASE("clips.csv with clip-level splits: a recurring scene on both sides leaks") {
    write_file_atomic(dir / "clips.csv",
                      "video,clip,kind,start_frame,end_frame,split\n"
                      "run/run_aba.mp4,0,shot,0,45,train\n"
                      "run/run_aba.mp4,1,shot,45,95,val\n"
                      "run/run_aba.mp4,2,shot,95,150,val\n"
                      "wave/wave_wide.mp4,0,shot,0,50,train\n"
                      "wave/wave_wide.mp4,1,shot,50,100,excluded\n");
    SplitLayoutOptions o;
    o.videos_root = test::samples().string();
    const Audited a = audit(dir / "clips.csv", o);
    CHECK(a.layout.kind == "clips-csv");
    REQUIRE(a.result.leaks.size() == 1);
    CHECK(a.result.leaks[0].a.clip == 0);
    CHECK(a.result.leaks[0].b.clip == 2);
    CHECK(a.result.leaks[0].reason == "near-duplicate");
    REQUIRE(a.result.splits.size() == 1);
    CHECK(a.result.splits[0].frames == 105);  // B and A2; wave_wide's excluded half counts nowhere
    CHECK(a.result.splits[0].leaked_frames == 55);
  }
  SUBCASE("a clips.csv without a split column is a configuration error") {
    write_file_atomic(dir / "clips.csv", "video,label\na.mp4,x\n");
    CHECK_THROWS_WITH_AS(read_split_layout(dir / "clips.csv", {}), doctest::Contains("missing column 'split'"),
                         ConfigError);
  }
}

TEST_CASE("vidsplit audit: exit codes") {
  test::TempDir dir;
  place(dir, "train", "jump/jump_dup_hq.mp4");
  place(dir, "val", "jump/jump_dup_lq.mp4");
  const std::string root = fmt::format("'{}' -q -o '{}'", dir / "root", dir / "out");
  CHECK(run_cli("audit " + root, dir) == 4);
  CHECK(read_file(dir / "stdout.txt").find("1 leaking cross-split pair(s)") != std::string::npos);
  CHECK(read_file(dir / "stdout.txt").find("val: 100 of 100 frames (100.0%) in 1 clip(s) have a near-duplicate in train") !=
        std::string::npos);
  CHECK(fs::exists(dir.path() / "out" / "leaks.csv"));
  CHECK(run_cli("audit " + root + " --max-leaks 1", dir) == 0);
  CHECK(run_cli("audit " + root + " --max-leaks -1", dir) == 2);
  CHECK(run_cli(fmt::format("audit '{}' -o '{}'", dir / "missing", dir / "out"), dir) == 2);
  fs::rename(dir.path() / "root" / "val" / "jump_dup_lq.mp4", dir.path() / "root" / "train" / "jump_dup_lq.mp4");
  place(dir, "val", "wave/wave_wide.mp4");
  CHECK(run_cli("audit " + root, dir) == 0);
}

TEST_CASE("vidsplit::audit_split: one video listed in two splits is a leak") {
  test::TempDir dir;
  SplitLayoutOptions o;
  o.videos_root = test::samples().string();
  SUBCASE("without frame ranges: every clip leaks") {
    write_file_atomic(dir / "clips.csv", "video,split\nrun/run_aba.mp4,train\nrun/run_aba.mp4,val\n"
                                         "wave/wave_wide.mp4,val\n");
    const Audited a = audit(dir / "clips.csv", o);
    REQUIRE(a.result.leaks.size() == 3);  // run_aba's three shots
    for (int c = 0; c < 3; ++c) {
      const Leak& l = a.result.leaks[static_cast<size_t>(c)];
      CHECK(l.reason == "same-video");
      CHECK(l.a.video == l.b.video);
      CHECK(l.a.clip == c);
      CHECK(l.b.clip == c);
      CHECK(l.split_a == "train");
      CHECK(l.split_b == "val");
    }
    CHECK(leaks_csv(a.scans, a.result).find("train,run/run_aba.mp4,0,0,45,val,run/run_aba.mp4,0,0,45,same-video,") !=
          std::string::npos);
  }
  SUBCASE("overlapping frame ranges: the clips in the overlap leak") {
    write_file_atomic(dir / "clips.csv", "video,start_frame,end_frame,split\nrun/run_aba.mp4,0,100,train\n"
                                         "run/run_aba.mp4,90,150,val\n");
    const Audited a = audit(dir / "clips.csv", o);
    // Frames [90,100) are in both: shots [45,95) and [95,150) leak with themselves. The second is val by
    // most of its frames, so the recurring scene A1/A2 leaks too.
    REQUIRE(a.result.leaks.size() == 3);
    CHECK(a.result.leaks[0].reason == "near-duplicate");
    CHECK(a.result.leaks[1].reason == "same-video");
    CHECK(a.result.leaks[1].a.clip == 1);
    CHECK(a.result.leaks[2].reason == "same-video");
    CHECK(a.result.leaks[2].a.clip == 2);
  }
  SUBCASE("ranges that tile the video do not leak") {
    write_file_atomic(dir / "clips.csv", "video,start_frame,end_frame,split\nwave/wave_wide.mp4,0,50,train\n"
                                         "wave/wave_wide.mp4,50,100,val\n");
    CHECK(audit(dir / "clips.csv", o).result.leaks.empty());
  }
  SUBCASE("a video that cannot be read is still listed, with clip -1") {
    write_file_atomic(dir / "clips.csv", "video,split\nlab/missing.mp4,train\nlab/missing.mp4,val\n"
                                         "wave/wave_wide.mp4,val\n");
    const Audited a = audit(dir / "clips.csv", o);
    REQUIRE(a.result.leaks.size() == 1);
    CHECK(a.result.leaks[0].a.clip == -1);
    CHECK(leaks_csv(a.scans, a.result).find("train,lab/missing.mp4,-1,,,val,lab/missing.mp4,-1,,,same-video,") !=
          std::string::npos);
  }
}

TEST_CASE("vidsplit::read_split_layout: split names") {
  test::TempDir dir;
  SUBCASE("names that differ only in case are refused") {
    write_file_atomic(dir / "clips.csv", "video,split\na/x.mp4,Train\na/y.mp4,train\na/z.mp4,val\n");
    CHECK_THROWS_WITH_AS(read_split_layout(dir / "clips.csv", {}),
                         doctest::Contains("split names 'Train' and 'train' differ only in case"), ConfigError);
  }
  SUBCASE("a truncated name beside the full one is refused") {
    write_file_atomic(dir / "clips.csv", "video,split\na/x.mp4,train\na/y.mp4,val\na/z.mp4,va\n");
    CHECK_THROWS_WITH_AS(read_split_layout(dir / "clips.csv", {}),
                         doctest::Contains("split 'va' (1 video(s)) looks like a truncated 'val'"), ConfigError);
    SplitLayoutOptions o;
    o.splits = {"train", "val"};
    CHECK_THROWS_WITH_AS(read_split_layout(dir / "clips.csv", o),
                         doctest::Contains("split 'va' (1 video(s)) is not one of the splits train,val (from --splits)"),
                         ConfigError);
    o.splits = {"train", "val", "va"};
    CHECK(read_split_layout(dir / "clips.csv", o).videos.size() == 3);
  }
  SUBCASE("a summary.json beside the clips.csv names the splits") {
    write_file_atomic(dir / "clips.csv", "video,split\na/x.mp4,train\na/y.mp4,tset\n");
    write_file_atomic(dir / "summary.json", R"({"splits": {"train": {}, "test": {}, "excluded": {}}})");
    CHECK_THROWS_WITH_AS(read_split_layout(dir / "clips.csv", {}),
                         doctest::Contains("split 'tset' (1 video(s)) is not one of the splits test,train (from"),
                         ConfigError);
  }
}

TEST_CASE("vidsplit audit: same video in two splits exits 4; case-twin names exit 2") {
  test::TempDir dir;
  fs::create_directories(dir.path() / "lab");
  fs::copy_file(test::sample("run/run_aba.mp4"), dir.path() / "lab" / "x.mp4");
  write_file_atomic(dir / "clips.csv", "video,split\nlab/x.mp4,train\nlab/x.mp4,val\n");
  CHECK(run_cli(fmt::format("audit '{}' -q -o '{}'", dir / "clips.csv", dir / "out"), dir) == 4);
  CHECK(read_file(dir / "out/leaks.csv").find("lab/x.mp4,0,0,45,val,lab/x.mp4,0,0,45,same-video") != std::string::npos);
  write_file_atomic(dir / "clips.csv", "video,split\nlab/x.mp4,Train\nlab/x.mp4,train\n");
  CHECK(run_cli(fmt::format("audit '{}' -q -o '{}'", dir / "clips.csv", dir / "out2"), dir) == 2);
  CHECK(read_file(dir / "stderr.txt").find("differ only in case") != std::string::npos);
  write_file_atomic(dir / "clips.csv", "video,split\nlab/x.mp4,va\n");
  CHECK(run_cli(fmt::format("audit '{}' -q -o '{}' --splits train,val", dir / "clips.csv", dir / "out3"), dir) == 2);
}
