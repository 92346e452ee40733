// Names are bytes: a file or label folder whose name is not UTF-8 is processed like any other, stored as
// text (vidsplit/text.hpp) in every CSV and JSON, and opened again from there. And the input walk's rule for
// links: followed, each folder once, with a warning for what is skipped.
#include "support.hpp"

#include "vidsplit/scan.hpp"
#include "vidsplit/text.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

using namespace vidsplit;
using test::run_cli;
namespace fs = std::filesystem;

TEST_CASE("vidsplit run: names that are not UTF-8 round-trip through every output") {
  test::TempDir dir;
  const std::string label = "lab\xff";
  const std::string file = "x\xfe\\y.mp4";  // an invalid byte and a literal backslash
  fs::create_directories(dir.path() / "in" / label);
  fs::create_directories(dir.path() / "in" / "ok");
  fs::copy_file(test::sample("run/run_aba.mp4"), dir.path() / "in" / label / file);
  fs::copy_file(test::sample("wave/wave_wide.mp4"), dir.path() / "in" / "ok" / "w.mp4");
  fs::copy_file(test::sample("jump/jump_cuts3.mp4"), dir.path() / "in" / "ok" / "j.mp4");
  REQUIRE(run_cli(fmt::format("run '{}' -q -o '{}'", dir / "in", dir / "out"), dir) == 0);
  const std::string video = label + "/" + file;

  // clips.csv: the escaped text on disk, the bytes back from the reader, and every frame there.
  CHECK(read_file(dir / "out/clips.csv").find("lab\\xff/x\\xfe\\\\y.mp4,") != std::string::npos);
  int64_t end = 0;
  for (const auto& r : test::read_table(dir / "out/clips.csv").rows)
    if (r[0] == video) {
      CHECK(r[7] == label);
      end = std::max<int64_t>(end, std::stoll(r[4]));
    }
  CHECK(end == 150);
  // scan.jsonl and summary.json are valid UTF-8 JSON, and the path in scan.jsonl opens the file.
  std::istringstream lines(read_file(dir / "out/scan.jsonl"));
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j.contains("video") && text_to_bytes(j["video"].get<std::string>()) == video) {
      found = true;
      CHECK(fs::exists(text_to_bytes(j["path"].get<std::string>())));
    }
  }
  CHECK(found);
  const auto summary = nlohmann::json::parse(read_file(dir / "out/summary.json"));
  CHECK(summary["classes"].contains("lab\\xff"));

  // Readers decode it where they open the file: split --keep, report, export, audit.
  CHECK(run_cli(fmt::format("split '{}' -q -o '{}' --keep '{}'", dir / "out/scan.jsonl", dir / "kept",
                            dir / "out/clips.csv"),
                dir) == 0);
  CHECK(read_file(dir / "kept/clips.csv") == read_file(dir / "out/clips.csv"));
  CHECK(run_cli(fmt::format("report '{}'", dir / "out"), dir) == 0);
  CHECK(read_file(dir / "out/report.html").find("lab\\xff") != std::string::npos);
  CHECK(run_cli(fmt::format("export '{}' --format mmaction2 --to '{}'", dir / "out", dir / "exp"), dir) == 0);
  CHECK(run_cli(fmt::format("audit '{}' -q -o '{}' --videos '{}'", dir / "out/clips.csv", dir / "audit", dir / "in"),
                dir) == 0);
  CHECK(test::read_table(dir / "audit/errors.csv").rows.empty());
}

TEST_CASE("vidsplit::discover_inputs follows links, reads each folder once and warns about the rest") {
  test::TempDir dir;
  const fs::path in = dir.path() / "in", outside = dir.path() / "outside";
  fs::create_directories(in / "real");
  fs::create_directories(outside / "cls");
  write_file_atomic((in / "real" / "a.mp4").string(), "x");
  write_file_atomic((outside / "cls" / "b.mp4").string(), "x");
  write_file_atomic((outside / "c.mp4").string(), "x");
  fs::create_directory_symlink(outside / "cls", in / "linked");   // a symlinked class folder
  fs::create_symlink(outside / "c.mp4", in / "real" / "c.mp4");   // a linked file
  fs::create_directory_symlink(in, in / "real" / "loop");          // a loop back to the root
  fs::create_directory_symlink(in / "real", in / "zz_again");      // a second link to a folder read already
  fs::create_symlink(dir.path() / "nowhere.mp4", in / "real" / "dangling.mp4");
  std::vector<std::string> warnings;
  const auto found = discover_inputs({in.string()}, {}, &warnings);
  std::vector<std::string> ids, labels;
  for (const auto& v : found) {
    ids.push_back(v.video);
    labels.push_back(v.label);
  }
  CHECK(ids == std::vector<std::string>{"linked/b.mp4", "real/a.mp4", "real/c.mp4"});
  CHECK(labels == std::vector<std::string>{"linked", "real", "real"});
  REQUIRE(warnings.size() == 3);
  CHECK(warnings[0] == (in / "real" / "dangling.mp4").string() + ": link to a missing target (No such file or directory); skipped");
  CHECK(warnings[1] == (in / "real" / "loop").string() + ": links to a folder already read (a loop, or a second link to it); skipped");
  CHECK(warnings[2] == (in / "zz_again").string() + ": links to a folder already read (a loop, or a second link to it); skipped");

  // The command line prints them.
  CHECK(run_cli(fmt::format("scan '{}' -q --no-cache -o '{}'", in.string(), dir / "out"), dir) == 1);  // "x" is no video
  CHECK(read_file(dir / "stderr.txt").find("vidsplit: warning: " + (in / "real" / "loop").string()) != std::string::npos);
}
