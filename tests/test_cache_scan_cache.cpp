#include "support.hpp"
#include "vidsplit/cache.hpp"
#include "vidsplit/error.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sys/wait.h>

#include <chrono>
#include <fstream>

using namespace vidsplit;
using test::run_cli;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> entries(const fs::path& cache) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(cache))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("vidsplit::ScanCache") {
  test::TempDir dir;
  const std::string video = test::sample("run/run_aba.mp4");
  const InputVideo input{"run/run_aba.mp4", video, "run"};
  ScanCache cache(dir / "cache", "params-1");
  const uint64_t key = ScanCache::file_hash(video);
  CHECK_FALSE(cache.find(input, key).has_value());

  ScanOptions options;
  const VideoScan fresh = scan_video(input, options);
  cache.store(key, fresh);
  const auto hit = cache.find({"renamed.mp4", "/elsewhere/renamed.mp4", "other"}, key);
  REQUIRE(hit.has_value());
  CHECK(hit->video == "renamed.mp4");  // relabelled with the new input
  CHECK(hit->label == "other");
  CHECK(hit->frames == fresh.frames);
  REQUIRE(hit->shots.size() == fresh.shots.size());
  for (size_t i = 0; i < fresh.shots.size(); ++i) {
    CHECK(hit->shots[i].end_frame == fresh.shots[i].end_frame);
    CHECK(hit->shots[i].signature.keyframe_hashes == fresh.shots[i].signature.keyframe_hashes);
  }
  // Other parameters never see this entry; a failed scan is not stored.
  CHECK_FALSE(ScanCache(dir / "cache", "params-2").find(input, key).has_value());
  VideoScan failed = fresh;
  failed.error = "gave up";
  cache.store(ScanCache::file_hash(test::sample("run/run_vfr.mp4")), failed);
  CHECK(entries(dir.path() / "cache").size() == 1);
  CHECK_THROWS_AS(ScanCache::file_hash(dir / "missing.mp4"), Error);
}

TEST_CASE("vidsplit::ScanCache removes the temporary files a killed run left, and only those") {
  test::TempDir dir;
  const std::string video = test::sample("run/run_aba.mp4");
  const InputVideo input{"run/run_aba.mp4", video, "run"};
  const uint64_t key = ScanCache::file_hash(video);
  // The entry's subfolder (the first two hex digits of its key), where a killed writer of it left its file.
  const fs::path sub = fs::path(dir / "cache") / fmt::format("{:016x}", key).substr(0, 2);
  const fs::path elsewhere = fs::path(dir / "cache") / (sub.filename() == "00" ? "01" : "00");
  fs::create_directories(sub);
  fs::create_directories(elsewhere);
  const fs::path stale = sub / "ab12-34.json.tmp.host.123.0", fresh = sub / "ab12-34.json.tmp.host.456.0";
  const fs::path entry = sub / "ab12-34.json", other = sub / "notes.tmp.old";
  const fs::path unvisited = elsewhere / "cd56-78.json.tmp.host.123.0";
  for (const fs::path& p : {stale, fresh, entry, other, unvisited}) std::ofstream(p) << "x";
  const auto two_hours_ago = fs::file_time_type::clock::now() - std::chrono::hours(2);
  for (const fs::path& p : {stale, entry, other, unvisited}) fs::last_write_time(p, two_hours_ago);
  ScanCache cache(dir / "cache", "params");
  CHECK(fs::exists(stale));  // opening lists nothing: a rerun served from the cache stays cheap
  cache.store(key, scan_video(input, ScanOptions{}));
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(fresh));  // a writer may still be at work on it
  CHECK(fs::exists(entry));
  CHECK(fs::exists(other));      // not an entry's temporary file
  CHECK(fs::exists(unvisited));  // a folder this cache has not written to is left for the run that does
}

TEST_CASE("vidsplit run: a rerun from the cache gives byte-identical outputs, and damaged entries are ignored") {
  test::TempDir dir;
  const std::string out = dir / "out";
  REQUIRE(run_cli("run '" + test::samples().string() + "' -o '" + out + "' -q --unit clip") == 0);
  const std::string clips = read_file(out + "/clips.csv");
  const std::string summary = read_file(out + "/summary.json");
  const std::string scan = read_file(out + "/scan.jsonl");
  const auto cached = entries(fs::path(out) / "cache");
  CHECK(cached.size() == 13);  // one per sample video

  write_file_atomic(cached.front().string(), "{ damaged");
  REQUIRE(run_cli("run '" + test::samples().string() + "' -o '" + out + "' -q --unit clip") == 0);
  CHECK(read_file(out + "/clips.csv") == clips);
  CHECK(read_file(out + "/summary.json") == summary);
  CHECK(read_file(out + "/scan.jsonl") == scan);
  CHECK(read_file(cached.front().string()) != "{ damaged");  // rewritten by the rescan

  REQUIRE(run_cli("run '" + test::samples().string() + "' -o '" + (dir / "nocache") + "' -q --unit clip --no-cache") == 0);
  CHECK_FALSE(fs::exists(dir.path() / "nocache" / "cache"));
  CHECK(read_file(dir / "nocache/clips.csv") == clips);
}
