// The README's cluster section, run as written (scripts/slurm_demo.sh --fake), and the container image's
// library list (scripts/check_container_libs.sh), on the real binary.
#include "support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

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

// Runs a command line; output to dir/stdout.txt and dir/stderr.txt. Returns the exit status.
int shell(const std::string& command, const test::TempDir& dir) {
  const int status =
      std::system((command + " > " + q(dir / "stdout.txt") + " 2> " + q(dir / "stderr.txt")).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool have_debian_tools() {
  return std::system("command -v dpkg >/dev/null && command -v apt-cache >/dev/null && command -v ldd >/dev/null") == 0;
}

bool have_container_builder() {
  return std::system("(docker info || podman info) >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("scripts/slurm_demo.sh --fake: the README's Slurm recipe, final export included, equals a local run") {
  test::TempDir dir;
  const std::string demo = "TMPDIR=" + q(dir.path()) + " VIDSPLIT=" + q(VIDSPLIT_BINARY) + " " +
                           q(test::source_dir() / "scripts" / "slurm_demo.sh") + " --fake";
  CHECK(shell(demo, dir) == 0);
  CHECK(read_file(dir / "stdout.txt") == "PASS\n");
  INFO(read_file(dir / "stderr.txt"));
  CHECK(read_file(dir / "stderr.txt").find("ok: export wrote mmaction2 lists") != std::string::npos);
}

TEST_CASE("scripts/fake_sbatch.sh fails a job whose log folder is missing, as Slurm does") {
  test::TempDir dir;
  const fs::path job = dir.path() / "job.sbatch";
  std::ofstream(job) << "#!/bin/bash\n#SBATCH --output=logs/out-%a.out\n#SBATCH --array=0-1\ntouch ran-$SLURM_ARRAY_TASK_ID\n";
  const std::string sbatch = "cd " + q(dir.path()) + " && FAKE_SLURM_DIR=" + q(dir.path() / "state") + " " +
                             q(test::source_dir() / "scripts" / "fake_sbatch.sh");
  CHECK(shell(sbatch + " --wait job.sbatch", dir) == 1);
  CHECK_FALSE(fs::exists(dir.path() / "ran-0"));
  CHECK(shell(sbatch + " --parsable --dependency=afterok:1001 --wait --wrap 'touch after'", dir) == 1);
  CHECK_FALSE(fs::exists(dir.path() / "after"));  // its dependency failed: never runs
  fs::create_directories(dir.path() / "logs");
  CHECK(shell(sbatch + " --parsable job.sbatch", dir) == 0);
  CHECK(read_file(dir / "stdout.txt") == "1003\n");
  CHECK(fs::exists(dir.path() / "ran-0"));
  CHECK(fs::exists(dir.path() / "ran-1"));
  CHECK(fs::exists(dir.path() / "logs" / "out-1.out"));
}

TEST_CASE("Dockerfile: the runtime stage carries every library the binary loads" * doctest::skip(!have_debian_tools())) {
  test::TempDir dir;
  const std::string check = q(test::source_dir() / "scripts" / "check_container_libs.sh");
  CHECK(shell(check + " " + q(VIDSPLIT_BINARY), dir) == 0);
  INFO(read_file(dir / "stderr.txt"));

  // Without libfmt9, and with a build stage that drifted from scripts/common.sh, the check names both.
  const fs::path broken = dir.path() / "Dockerfile";
  std::string text = read_file((test::source_dir() / "Dockerfile").string());
  for (const std::string cut : {" libfmt9", " doctest-dev"}) text.erase(text.find(cut), cut.size());
  std::ofstream(broken) << text;
  CHECK(shell(check + " --dockerfile " + q(broken) + " " + q(VIDSPLIT_BINARY), dir) == 1);
  const std::string err = read_file(dir / "stderr.txt");
  CHECK(err.find("comes from libfmt9, which the runtime stage does not install") != std::string::npos);
  CHECK(err.find("only in common.sh: doctest-dev") != std::string::npos);
}

TEST_CASE("Dockerfile: the image builds and runs vidsplit" * doctest::skip(!have_container_builder())) {
  test::TempDir dir;
  CHECK(shell(q(test::source_dir() / "scripts" / "check_container_libs.sh") + " --build " + q(VIDSPLIT_BINARY), dir) == 0);
}

TEST_CASE("README: the Kubernetes Jobs' commands, run as pods would (JOB_COMPLETION_INDEX 0..15), end with export") {
  test::TempDir dir;
  const std::string readme = read_file((test::source_dir() / "README.md").string());
  // The containers' `args: ["..."]` of scan.yaml and split.yaml, in that order; /data is the shared volume.
  std::vector<std::string> args;
  for (size_t at = readme.find("        args: [\""); at != std::string::npos; at = readme.find("        args: [\"", at + 1)) {
    const size_t begin = at + 16;
    args.push_back(readme.substr(begin, readme.find("\"]", begin) - begin));
  }
  REQUIRE(args.size() == 2);
  const fs::path data = dir.path() / "data";
  fs::create_directories(data);
  fs::create_directory_symlink(test::samples(), data / "videos");
  auto pod = [&](const std::string& command, const std::string& env) {
    std::string moved = command;
    for (size_t at = moved.find("/data/"); at != std::string::npos; at = moved.find("/data/", at + data.string().size()))
      moved.replace(at, 5, data.string());
    return shell("PATH=" + q(fs::path(VIDSPLIT_BINARY).parent_path()) + ":\"$PATH\" " + env + " sh -c " + q(moved), dir);
  };
  for (int index = 0; index < 16; ++index) REQUIRE(pod(args[0], "JOB_COMPLETION_INDEX=" + std::to_string(index)) == 0);
  REQUIRE(pod(args[1], "") == 0);
  REQUIRE(test::run_cli("run " + q(data / "videos") + " -o " + q(dir.path() / "local") + " -q --no-cache --no-report") == 0);
  CHECK(read_file((data / "final" / "clips.csv").string()) == read_file(dir / "local/clips.csv"));
  CHECK(read_file((data / "all" / "scan.jsonl").string()) == read_file(dir / "local/scan.jsonl"));
  CHECK(fs::exists(data / "final" / "report.html"));
  CHECK(fs::exists(data / "mmaction2" / "label_map.txt"));
}
