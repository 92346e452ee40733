// Command-line behaviour on the real binary: split -o NEWDIR, input errors, progress off a terminal, --quiet,
// option names, ratio sums.
#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

using namespace vidsplit;
namespace fs = std::filesystem;

namespace {

// Built by appending: `"'" + p.string() + "'"` trips GCC 12's false -Wrestrict warning at -O3.
std::string q(const fs::path& p) {
  std::string quoted = "'";
  quoted += p.string();
  quoted += '\'';
  return quoted;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    // Hidden names are OUT's bookkeeping (.lock, .vidsplit-out), not outputs.
    if (e.is_regular_file() && e.path().filename().string()[0] != '.') names.insert(e.path().filename().string());
  return names;
}

// Four different videos in two classes: a/ holds three, b/ one (too few groups for two splits).
fs::path small_dataset(const test::TempDir& dir) {
  const fs::path data = dir.path() / "data";
  fs::create_directories(data / "a");
  fs::create_directories(data / "b");
  fs::copy_file(test::sample("jump/jump_cuts3.mp4"), data / "a" / "1.mp4");
  fs::copy_file(test::sample("run/run_aba.mp4"), data / "a" / "2.mp4");
  fs::copy_file(test::sample("wave/wave_cuts4.mp4"), data / "a" / "3.mp4");
  fs::copy_file(test::sample("wave/wave_spiral.mp4"), data / "b" / "4.mp4");
  return data;
}

// Runs the binary with the working directory `cwd`; output to dir/stdout.txt and dir/stderr.txt.
int run_in(const fs::path& cwd, const std::string& args, const test::TempDir& dir) {
  const std::string command = "cd " + q(cwd) + " && " + VIDSPLIT_BINARY + " " + args + " > " +
                              q(dir / "stdout.txt") + " 2> " + q(dir / "stderr.txt");
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("vidsplit split -o NEWDIR writes the same files as run, so export and report work on it") {
  test::TempDir dir;
  const fs::path data = small_dataset(dir);
  REQUIRE(test::run_cli("run " + q(data) + " -o " + q(dir.path() / "run") + " -q --no-cache") == 0);
  const fs::path scan = dir.path() / "run" / "scan.jsonl";
  const fs::path final_dir = dir.path() / "final";
  REQUIRE(test::run_cli("split " + q(scan) + " -o " + q(final_dir) + " -q") == 0);

  CHECK(files_in(final_dir) == files_in(dir.path() / "run"));
  CHECK(files_in(final_dir) == std::set<std::string>{"clips.csv", "errors.csv", "group_evidence.csv", "report.html",
                                                     "scan.jsonl", "summary.json"});
  CHECK(read_file((final_dir / "scan.jsonl").string()) == read_file(scan.string()));
  CHECK(read_file((final_dir / "clips.csv").string()) == read_file(dir / "run/clips.csv"));
  // One file system here: a hard link, not a copy.
  struct stat a {}, b {};
  REQUIRE(::stat(scan.c_str(), &a) == 0);
  REQUIRE(::stat((final_dir / "scan.jsonl").c_str(), &b) == 0);
  CHECK(a.st_ino == b.st_ino);
  const auto summary = nlohmann::json::parse(read_file((final_dir / "summary.json").string()));
  CHECK(summary["parameters"]["scan_source"] == scan.lexically_normal().string());

  CHECK(test::run_cli("export " + q(final_dir) + " --format mmaction2 --to " + q(dir.path() / "mm")) == 0);
  CHECK(fs::exists(dir.path() / "mm" / "label_map.txt"));
  CHECK(test::run_cli("report " + q(final_dir) + " -q") == 0);


  // Into the scan's own folder: no temporary file is left beside scan.jsonl. --no-report writes none.
  REQUIRE(test::run_cli("split " + q(scan) + " -o " + q(dir.path() / "run") + " -q --no-report --seed 3") == 0);
  // OUT's new set has no report: run's report.html described the earlier split, and went with it.
  CHECK(files_in(dir.path() / "run") == std::set<std::string>{"clips.csv", "errors.csv", "group_evidence.csv",
                                                                "scan.jsonl", "summary.json"});
  CHECK(read_file((final_dir / "scan.jsonl").string()) == read_file(scan.string()));
  REQUIRE(test::run_cli("split " + q(scan) + " -o " + q(dir.path() / "nr") + " -q --no-report") == 0);
  CHECK_FALSE(fs::exists(dir.path() / "nr" / "report.html"));
  CHECK(fs::exists(dir.path() / "nr" / "scan.jsonl"));
}

TEST_CASE("vidsplit run/scan: an INPUT that names nothing is a command-line error, and nothing is created") {
  test::TempDir dir;
  const fs::path data = small_dataset(dir);
  const fs::path out = dir.path() / "out";
  for (const char* command : {"run", "scan"}) {
    CAPTURE(command);
    for (const std::string& inputs : {q(dir.path() / "data" / "vidoes"), q(data) + " " + q(data / "a" / "9.mp4")}) {
      CAPTURE(inputs);
      CHECK(test::run_cli(std::string(command) + " " + inputs + " -o " + q(out), dir) == 2);
      const std::string err = read_file(dir / "stderr.txt");
      CHECK(err.find(": no such file or folder") != std::string::npos);
      CHECK(lines_of(err).size() == 1);
      CHECK_FALSE(fs::exists(out));
    }
  }
}

TEST_CASE("vidsplit run without INPUT reads ./sample_videos only when it is there, and says so") {
  test::TempDir dir;
  const fs::path cwd = dir.path() / "cwd";
  fs::create_directories(cwd);
  CHECK(run_in(cwd, "run -o out", dir) == 2);
  CHECK(read_file(dir / "stderr.txt") ==
        "vidsplit run: error: give an INPUT file or folder (with none, run reads ./sample_videos, which is not "
        "here)\n");
  CHECK_FALSE(fs::exists(cwd / "out"));

  fs::create_directories(cwd / "sample_videos" / "a");
  fs::create_directories(cwd / "sample_videos" / "b");
  fs::copy_file(test::sample("jump/jump_cuts3.mp4"), cwd / "sample_videos" / "a" / "1.mp4");
  fs::copy_file(test::sample("wave/wave_cuts4.mp4"), cwd / "sample_videos" / "b" / "2.mp4");
  CHECK(run_in(cwd, "run -o out --no-report --no-cache -q --ratios a=0.5,b=0.5", dir) == 0);
  CHECK(lines_of(read_file(dir / "stderr.txt")).at(0) == "vidsplit: no INPUT given: reading ./sample_videos");
  CHECK(fs::exists(cwd / "out" / "clips.csv"));
}

TEST_CASE("vidsplit scan: off a terminal, a plain progress line every --progress-every seconds") {
  test::TempDir dir;
  const std::string scan = "scan " + q(test::samples()) + " --no-cache --threads 1 -o " + q(dir.path() / "out");
  REQUIRE(test::run_cli(scan + " --progress-every 0.2", dir) == 0);
  const std::string err = read_file(dir / "stderr.txt");
  CHECK(err.find('\r') == std::string::npos);
  CHECK(err.find('\033') == std::string::npos);
  const std::regex line(R"(vidsplit: scan (\d+)/13 videos  \d+ frames  \d+ frames/s  ETA (\d+:\d\d|--:--))");
  std::vector<std::string> progress;
  for (const std::string& l : lines_of(err)) {
    if (l.rfind("vidsplit: scan ", 0) != 0) continue;
    CAPTURE(l);
    CHECK(std::regex_match(l, line));
    progress.push_back(l);
  }
  // Decoding 13 videos one at a time takes more than 0.2 s: at least one line on the way, then the final counts.
  REQUIRE(progress.size() >= 2);
  CHECK(progress.back().rfind("vidsplit: scan 13/13 videos  1590 frames  ", 0) == 0);
  CHECK(progress.back().ends_with("ETA 0:00"));
  CHECK(progress.front() != progress.back());

  // The default interval, 30 s, is longer than this scan; --quiet prints none.
  for (const char* options : {"", " -q --progress-every 0.2"}) {
    REQUIRE(test::run_cli(scan + options, dir) == 0);
    CHECK(read_file(dir / "stderr.txt").find("vidsplit: scan ") == std::string::npos);
  }
  CHECK(test::run_cli(scan + " --progress-every 0", dir) == 2);
  CHECK(read_file(dir / "stderr.txt") == "vidsplit scan: error: --progress-every must be > 0 seconds\n");
}

TEST_CASE("vidsplit run --quiet: no chatter, but every warning about the result, once per class on one line") {
  test::TempDir dir;
  const fs::path data = small_dataset(dir);
  REQUIRE(test::run_cli("run " + q(data) + " -o " + q(dir.path() / "out") + " -q --no-cache --progress-every 0.01",
                        dir) == 0);
  // Three equal videos cannot make 80/20: class a's warning names both splits at once.
  CHECK(read_file(dir / "stderr.txt") ==
        "vidsplit: warning: class 'a' gets train 0.667, val 0.333 (targets 0.8, 0.2): its groups are too few or too "
        "large\n"
        "vidsplit: warning: class 'b' has 1 group(s) for 2 splits: it cannot appear in every split\n");
}

TEST_CASE("vidsplit: options are matched by their full names only") {
  test::TempDir dir;
  const fs::path data = small_dataset(dir);
  CHECK(test::run_cli("run " + q(data) + " -o " + q(dir.path() / "out") + " --ratio train=0.5,val=0.5", dir) == 2);
  CHECK(read_file(dir / "stderr.txt").find("unrecognised option '--ratio'") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "out"));
  CHECK(test::run_cli("shots " + q(data / "a" / "1.mp4") + " --thresh 20", dir) == 2);
  CHECK(test::run_cli("split " + q(dir.path() / "x.jsonl") + " -o " + q(dir.path() / "out") + " --uni clip", dir) == 2);
  CHECK(test::run_cli("export " + q(dir.path()) + " --form ucf101", dir) == 2);
}

TEST_CASE("vidsplit run --ratios: a sum off 1 is named as written") {
  test::TempDir dir;
  CHECK(test::run_cli("run " + q(test::samples()) + " -o " + q(dir.path() / "out") + " --ratios train=0.7,val=0.2",
                      dir) == 2);
  CHECK(read_file(dir / "stderr.txt") == "vidsplit run: error: --ratios: fractions sum to 0.9, not 1\n");
}

TEST_CASE("vidsplit run --help is grouped and short; --speed's modes are documented in docs/speed.md") {
  test::TempDir dir;
  REQUIRE(test::run_cli("run --help", dir) == 0);
  const std::string help = read_file(dir / "stdout.txt");
  const std::vector<std::string> lines = lines_of(help);
  CHECK(lines.size() <= 85);
  size_t at = 0;
  for (const char* group : {"\nOutput:\n", "\nSplitting:\n", "\nScanning:\n", "\nShot detection:\n", "\nCache:\n",
                            "\nGeneral:\n", "\nExamples:\n"}) {
    CAPTURE(group);
    const size_t found = help.find(group, at);
    CHECK(found != std::string::npos);
    at = found == std::string::npos ? at : found;
  }
  // --speed: one line, pointing to the page that explains each mode.
  const auto speed = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.find("--speed") == 2; });
  REQUIRE(speed != lines.end());
  CHECK(speed->find("docs/speed.md") != std::string::npos);
  CHECK(std::next(speed)->find("  --") == 0);
  const std::string doc = read_file((test::source_dir() / "docs" / "speed.md").string());
  for (const char* mode : {"normal", "no-deblock", "ref-frames", "lowres", "keyframes", "fast"})
    CHECK(doc.find(std::string("| `") + mode + "`") != std::string::npos);
}
