// Crash safety end to end: `vidsplit run` killed with SIGKILL in the middle of its scan, then rerun.
#include "support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>
#include <vector>

extern char** environ;

using namespace vidsplit;
namespace fs = std::filesystem;

namespace {

// Starts the vidsplit binary with `args` (no shell in between, so the pid is vidsplit's own), stdout and stderr
// going to `stem`.out and `stem`.err.
pid_t spawn_cli(const std::vector<std::string>& args, const std::string& stem) {
  std::vector<std::string> argv_strings = {VIDSPLIT_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string out = stem + ".out", err = stem + ".err";
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, VIDSPLIT_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

int wait_status(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
}

// The finished cache entries (not temporary files) with what a rewrite would change: the inode (a rename puts
// a new file in place) and the modification time.
struct EntryId {
  ino_t inode;
  int64_t mtime_ns;
  bool operator==(const EntryId&) const = default;
};

std::map<std::string, EntryId> cache_entries(const fs::path& cache) {
  std::map<std::string, EntryId> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(cache, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->path().extension() != ".json") continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;
    found[it->path().string()] = {st.st_ino, int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec};
  }
  return found;
}

std::vector<std::string> temporary_files(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) found.push_back(e.path().string());
  return found;
}

}  // namespace

TEST_CASE("vidsplit run: killed by SIGKILL mid-scan, a rerun reuses the finished cache entries and writes the "
          "uninterrupted run's outputs") {
  test::TempDir dir;
  const size_t videos = 13;  // sample_videos/
  // The run to kill has one worker: slow enough (a tenth of a second or more per video) to be caught half-way.
  // The others use two; outputs do not depend on the thread count.
  auto args = [&](const fs::path& out, const char* threads) {
    return std::vector<std::string>{"run", test::samples().string(), "--unit", "clip", "-o", out.string(),
                                    "--threads", threads};
  };
  // Same folder name for both: report.html's title names it.
  const fs::path reference = dir.path() / "reference" / "out", out = dir.path() / "out", cache = out / "cache";
  const int ref_status = wait_status(spawn_cli(args(reference, "2"), dir / "reference"));
  REQUIRE(WIFEXITED(ref_status));
  REQUIRE(WEXITSTATUS(ref_status) == 0);

  const pid_t pid = spawn_cli(args(out, "1"), dir / "killed");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int status = 0;
  bool exited_early = false;
  while (cache_entries(cache).size() < 2 && std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited_early = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!exited_early) {
    ::kill(pid, SIGKILL);
    status = wait_status(pid);
  }
  REQUIRE_MESSAGE(WIFSIGNALED(status), "the run finished before it could be killed");
  REQUIRE(WTERMSIG(status) == SIGKILL);
  const auto before = cache_entries(cache);
  CAPTURE(before.size());
  REQUIRE(before.size() >= 2);
  REQUIRE(before.size() < videos);  // killed during the scan: some videos were never stored
  CHECK_FALSE(fs::exists(out / "clips.csv"));

  const int rerun = wait_status(spawn_cli(args(out, "2"), dir / "rerun"));
  REQUIRE(WIFEXITED(rerun));
  REQUIRE(WEXITSTATUS(rerun) == 0);
  // (b) The entries written before the kill were read, not rescanned: the rerun says so, and none was replaced.
  CHECK(read_file(dir / "rerun.out")
            .find(fmt::format("vidsplit: {} of {} videos from the cache in {}, {} decoded\n", before.size(), videos,
                              cache.string(), videos - before.size())) != std::string::npos);
  const auto after = cache_entries(cache);
  CHECK(after.size() == videos);
  for (const auto& [path, id] : before) {
    CAPTURE(path);
    REQUIRE(after.count(path) == 1);
    CHECK(after.at(path) == id);
  }
  // (a) Byte-identical to the run that was never interrupted.
  for (const char* f : {"clips.csv", "summary.json", "errors.csv", "group_evidence.csv", "scan.jsonl", "report.html"})
    CHECK_MESSAGE(read_file((out / f).string()) == read_file((reference / f).string()), f);
  // (c) Nothing half-written among the outputs. The killed run's one worker may have left the temporary file
  // of the entry it was writing (SIGKILL leaves no chance to remove it); it is never taken for an entry, and
  // the rerun leaves none of its own.
  for (const auto& e : fs::directory_iterator(out))
    CHECK_MESSAGE(e.path().filename().string().find(".tmp.") == std::string::npos, e.path().string());
  CHECK(temporary_files(cache).size() <= 1);
}
