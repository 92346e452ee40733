#include "support.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/output_set.hpp"
#include "vidsplit/scan.hpp"
#include "vidsplit/threads.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

using namespace vidsplit;
namespace fs = std::filesystem;

namespace {

// Writes a set of files named by `content` into OUT as one generation.
void write_set(const std::string& out, const std::map<std::string, std::string>& content) {
  OutputSet set(out);
  for (const auto& [name, text] : content) write_file_atomic(set.path(name), text);
  set.commit();
}

std::string read(const std::string& out, const char* name) { return read_file((fs::path(out) / name).string()); }

size_t generations(const std::string& out) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(fs::path(out) / ".vidsplit"))
    n += e.path().filename().string().starts_with("gen-");
  return n;
}

}  // namespace

TEST_CASE("vidsplit::OutputSet") {
  test::TempDir dir;
  const std::string out = dir / "out";
  fs::create_directories(out);
  write_set(out, {{"clips.csv", "old clips\n"}, {"summary.json", "old summary\n"}, {"report.html", "old report\n"}});

  SUBCASE("the documented names read the current set, and one generation is left") {
    CHECK(read(out, "clips.csv") == "old clips\n");
    CHECK(fs::is_symlink(fs::path(out) / "clips.csv"));
    write_set(out, {{"clips.csv", "new clips\n"}, {"summary.json", "new summary\n"}});
    CHECK(read(out, "clips.csv") == "new clips\n");
    CHECK(read(out, "summary.json") == "new summary\n");
    // report.html is not in the new set: its name goes too, rather than show the old split's report.
    CHECK_FALSE(fs::exists(fs::symlink_status(fs::path(out) / "report.html")));
    CHECK(generations(out) == 1);
    CHECK(read_file((fs::path(current_output_dir(out)) / "clips.csv").string()) == "new clips\n");
  }

  SUBCASE("a write that fails midway leaves the old set whole") {
    {
      OutputSet set(out);
      write_file_atomic(set.path("clips.csv"), "new clips\n");
      write_file_atomic(set.path("summary.json"), "new summary\n");
      // A folder where report.html goes: its rename fails, as a full disk would fail the write.
      fs::create_directories(fs::path(set.path("report.html")) / "in-the-way");
      CHECK_THROWS_AS(write_file_atomic(set.path("report.html"), "new report\n"), Error);
    }
    CHECK(read(out, "clips.csv") == "old clips\n");
    CHECK(read(out, "summary.json") == "old summary\n");
    CHECK(read(out, "report.html") == "old report\n");
    CHECK(generations(out) == 1);
  }

  SUBCASE("keep carries files of the current set over") {
    {
      OutputSet set(out);
      set.keep_all_except({"report.html"});
      write_file_atomic(set.path("leaks.csv"), "leaks\n");
      set.commit();
    }
    CHECK(read(out, "clips.csv") == "old clips\n");
    CHECK(read(out, "leaks.csv") == "leaks\n");
    CHECK_FALSE(fs::exists(fs::path(out) / "report.html"));
  }

  SUBCASE("a generation left by a killed writer is removed by the next one") {
    fs::create_directories(fs::path(out) / ".vidsplit" / "gen-99");
    write_set(out, {{"clips.csv", "new clips\n"}});
    CHECK(generations(out) == 1);
    CHECK(fs::path(current_output_dir(out)).filename() == "gen-100");
  }
}

TEST_CASE("vidsplit::OutputSet adopts the files of an older version") {
  test::TempDir dir;
  const std::string out = dir / "out";
  fs::create_directories(out);
  write_file_atomic(dir / "out/clips.csv", "legacy clips\n");
  write_file_atomic(dir / "out/report.html", "legacy report\n");
  write_file_atomic(dir / "out/notes.txt", "the user's own\n");
  CHECK(current_output_dir(out) == out);
  {
    OutputSet set(out);
    // Before any commit, the adopted files read as they did, now through the current generation.
    CHECK(fs::is_symlink(fs::path(out) / "clips.csv"));
    CHECK(read(out, "clips.csv") == "legacy clips\n");
    CHECK(read(out, "report.html") == "legacy report\n");
    write_file_atomic(set.path("clips.csv"), "new clips\n");
  }
  CHECK(read(out, "clips.csv") == "legacy clips\n");
  write_set(out, {{"clips.csv", "new clips\n"}});
  CHECK(read(out, "clips.csv") == "new clips\n");
  CHECK_FALSE(fs::exists(fs::path(out) / "report.html"));
  CHECK(read(out, "notes.txt") == "the user's own\n");
}

TEST_CASE("vidsplit::OutputLock") {
  test::TempDir dir;
  const std::string out = dir / "out";
  {
    const OutputLock lock(out, "vidsplit run data -o out", false);
    CHECK(fs::exists(fs::path(out) / kOutputMarker));
    CHECK(read(out, ".lock") == fmt::format("pid {}: vidsplit run data -o out\n", ::getpid()));
    // flock locks belong to an open file, so a second lock in this process is refused like another process's.
    CHECK_THROWS_WITH_AS(OutputLock(out, "vidsplit split s -o out", false),
                         (out + " is in use by another vidsplit (pid " + std::to_string(::getpid()) +
                          ": vidsplit run data -o out); wait for it to finish, or pass --wait")
                             .c_str(),
                         ConfigError);
  }
  SUBCASE("free again once the holder is gone") { CHECK_NOTHROW(OutputLock(out, "again", false)); }
  SUBCASE("a waiting writer gets the lock when the holder lets go") {
    auto holder = std::make_unique<OutputLock>(out, "first", false);
    std::thread release([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      holder.reset();
    });
    CHECK_NOTHROW(OutputLock(out, "second", true));
    release.join();
  }
  SUBCASE("an output folder that cannot be made is refused") {
    write_file_atomic(dir / "file", "x");
    CHECK_THROWS_AS(OutputLock(dir / "file/out", "x", false), ConfigError);
  }
}

TEST_CASE("vidsplit::check_output_room") {
  test::TempDir dir;
  CHECK_NOTHROW(check_output_room(dir.path().string(), estimated_output_bytes(3)));
  CHECK_THROWS_AS(check_output_room(dir.path().string(), uint64_t{1} << 62), Error);
  CHECK(estimated_output_bytes(1000) > estimated_output_bytes(10));
}

TEST_CASE("vidsplit::plan_threads") {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  SUBCASE("never more video workers than videos") {
    CHECK(plan_threads(64, 3).video_workers == 3);
    CHECK(plan_threads(0, 1).video_workers == 1);
  }
  SUBCASE("never more threads than cores times kOversubscribe, however many are asked for") {
    CHECK(thread_budget(kMaxThreads) == std::min(kMaxThreads, cores * kOversubscribe));
    const ThreadPlan plan = plan_threads(kMaxThreads, 1);
    CHECK(plan.video_workers * plan.codec_threads <= cores * kOversubscribe);
    CHECK(thread_budget(0) == cores);
    CHECK(thread_budget(1) == 1);
  }
}

TEST_CASE("vidsplit::discover_inputs skips vidsplit's own output folders") {
  test::TempDir dir;
  fs::create_directories(dir.path() / "data/a");
  fs::create_directories(dir.path() / "data/out/export/a");
  fs::create_directories(dir.path() / "data/copies/a");
  write_file_atomic(dir / "data/a/x.mp4", "");
  write_file_atomic(dir / "data/out/export/a/x.mp4", "");
  write_file_atomic(dir / "data/copies/a/x.mp4", "");
  write_file_atomic(dir / "data/out/.vidsplit-out", "");
  write_file_atomic(dir / "data/copies/.vidsplit-export", "");
  // The root may itself be an OUT (`run data -o data`): it is walked.
  write_file_atomic(dir / "data/.vidsplit-out", "");
  std::vector<std::string> warnings;
  const auto found = discover_inputs({dir / "data"}, {}, &warnings);
  REQUIRE(found.size() == 1);
  CHECK(found[0].video == "a/x.mp4");
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] == "skipped " + (dir / "data/copies") + ": it holds vidsplit's outputs (.vidsplit-export)");
  CHECK(warnings[1] == "skipped " + (dir / "data/out") + ": it holds vidsplit's outputs (.vidsplit-out)");
}

TEST_CASE("vidsplit::OutputSet::add takes the file a symlink of OUT names") {
  test::TempDir dir;
  const std::string out = dir / "out";
  fs::create_directories(out);
  write_set(out, {{"scan.jsonl", "the scan\n"}});
  OutputSet set(out);
  set.add("scan.jsonl", dir / "out/scan.jsonl");
  write_file_atomic(set.path("clips.csv"), "clips\n");
  set.commit();
  CHECK(read(out, "scan.jsonl") == "the scan\n");
  CHECK(read(out, "clips.csv") == "clips\n");
}
