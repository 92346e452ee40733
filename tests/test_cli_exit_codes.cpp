// The contract's exit codes and error lines, checked on the real binary.
#include "support.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>

#include <algorithm>
#include <fstream>

using namespace vidsplit;

namespace {

struct Result {
  int code = -1;
  std::string stderr_text;
};

Result run_with_stderr(const std::string& args, const test::TempDir& dir) {
  Result r;
  r.code = test::run_cli(args, dir);
  r.stderr_text = read_file(dir / "stderr.txt");
  return r;
}

std::string shell_arg(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TEST_CASE("vidsplit run: exit codes") {
  test::TempDir dir;
  SUBCASE("2: bad command line") {
    CHECK(run_with_stderr("run -o " + shell_arg(dir / "o") + " --ratios train=0.9,val=0.2", dir).code == 2);
    CHECK(run_with_stderr("frobnicate", dir).code == 2);
    CHECK(run_with_stderr("run " + shell_arg(test::samples()), dir).code == 2);  // no -o
    const Result r = run_with_stderr("run " + shell_arg(test::samples()) + " -o " + shell_arg(dir / "o") + " --guard 1", dir);
    CHECK(r.code == 2);
    CHECK(r.stderr_text.find("--guard applies only with --unit clip") != std::string::npos);
  }
  SUBCASE("1: nothing usable") {
    const Result r = run_with_stderr("run " + shell_arg(test::data("bad/empty.mp4")) + " -o " + shell_arg(dir / "o") + " -q", dir);
    CHECK(r.code == 1);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "o" / "clips.csv"));
    CHECK(read_file(dir / "o/errors.csv").find("file is empty (0 bytes)") != std::string::npos);
  }
  SUBCASE("0: shots of one video") {
    CHECK(run_with_stderr("shots " + shell_arg(test::data("gray_cut.mp4")), dir).code == 0);
    CHECK(read_file(dir / "stdout.txt") ==
          "shot,kind,start_frame,end_frame,start_sec,end_sec\n"
          "0,shot,0,20,0.000000,0.800000\n"
          "1,shot,20,40,0.800000,1.600000\n");
  }
  SUBCASE("1: shots of a bad video names the file and the reason in one line") {
    const Result r = run_with_stderr("shots " + shell_arg(test::data("bad/audio_only.mp4")), dir);
    CHECK(r.code == 1);
    CHECK(r.stderr_text.find("audio_only.mp4: no video stream") != std::string::npos);
    CHECK(std::count(r.stderr_text.begin(), r.stderr_text.end(), '\n') == 1);
  }
  SUBCASE("--help and --version") {
    CHECK(run_with_stderr("--version", dir).code == 0);
    for (const char* cmd : {"run", "scan", "split", "shots", "merge"}) {
      CHECK(run_with_stderr(std::string(cmd) + " --help", dir).code == 0);
      CHECK(read_file(dir / "stdout.txt").find("Examples:") != std::string::npos);
    }
  }
}

TEST_CASE("vidsplit shots --help and the README document every detector parameter") {
  test::TempDir dir;
  REQUIRE(test::run_cli("shots --help", dir) == 0);
  const std::string help = read_file(dir / "stdout.txt");
  const std::string readme = read_file((test::source_dir() / "README.md").string());
  // Every field of DetectorOptions that the command line sets (the content weights are fixed).
  for (const char* option : {"--detector", "--threshold", "--adaptive-ratio", "--adaptive-window", "--flash-frames",
                             "--black-level", "--white-level", "--max-fade", "--dissolve-min-change",
                             "--dissolve-max-residual", "--histogram-threshold", "--min-hash-change", "--min-shot"}) {
    CAPTURE(option);
    CHECK(help.find(option) != std::string::npos);
    CHECK(readme.find(std::string("`") + option) != std::string::npos);
  }
}
