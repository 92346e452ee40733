// Shared test helpers: where the fixtures are, temporary folders, and manifest reading.
#pragma once

#include "vidsplit/csv.hpp"
#include "vidsplit/io.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

namespace vidsplit::test {

namespace fs = std::filesystem;

inline fs::path source_dir() { return VIDSPLIT_SOURCE_DIR; }
inline fs::path samples() { return source_dir() / "sample_videos"; }
inline fs::path data(const std::string& name) { return source_dir() / "tests" / "data" / name; }
inline std::string sample(const std::string& rel) { return (samples() / rel).string(); }

// ../shared/corpus beside the repository, or $VIDSPLIT_CORPUS; empty when absent (tests then skip).
inline fs::path corpus() {
  if (const char* env = std::getenv("VIDSPLIT_CORPUS")) return env;
  const fs::path p = source_dir().parent_path() / "shared" / "corpus";
  return fs::exists(p) ? p : fs::path();
}

// A fresh folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("vidsplit-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

inline CsvTable read_table(const std::string& path) { return read_csv_file(path, {}); }

// Runs the vidsplit binary with `args` (paths quoted by the caller); its stdout and stderr go to
// `dir`/stdout.txt and `dir`/stderr.txt. Returns the exit code, or -1 when it did not exit normally.
inline int run_cli(const std::string& args, const TempDir& dir) {
  const std::string command = std::string(VIDSPLIT_BINARY) + " " + args + " > '" + (dir / "stdout.txt") + "' 2> '" +
                              (dir / "stderr.txt") + "'";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The same, with the output discarded.
inline int run_cli(const std::string& args) {
  const int status = std::system((std::string(VIDSPLIT_BINARY) + " " + args + " > /dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace vidsplit::test
