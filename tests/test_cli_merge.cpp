// `vidsplit merge`: shard scans record I/N in their header, and merge refuses an incomplete, duplicated or
// mixed set unless --allow-partial.
#include "support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace vidsplit;
using test::run_cli;
namespace fs = std::filesystem;

TEST_CASE("vidsplit merge: a set of shards must be whole") {
  test::TempDir dir;
  fs::create_directories(dir.path() / "in" / "a");
  for (const char* f : {"x.mp4", "y.mp4", "z.mp4"})
    fs::copy_file(test::sample("wave/wave_spiral.mp4"), dir.path() / "in" / "a" / f);
  auto scan = [&](const std::string& shard) {
    const std::string out = dir / ("s" + std::to_string(std::hash<std::string>{}(shard)));
    REQUIRE(run_cli(fmt::format("scan '{}' -q --no-cache --shard {} -o '{}'", dir / "in", shard, out), dir) == 0);
    return out + "/scan.jsonl";
  };
  const std::string s0 = scan("0/2"), s1 = scan("1/2"), t0 = scan("0/3");
  std::istringstream first(read_file(s1));
  std::string header;
  std::getline(first, header);
  CHECK(nlohmann::json::parse(header)["shard"] == nlohmann::json{{"index", 1}, {"count", 2}});

  const std::string out = fmt::format(" -o '{}'", dir / "m");
  CHECK(run_cli(fmt::format("merge '{}' '{}'", s0, s1) + out, dir) == 0);
  CHECK(read_file(dir / "m/scan.jsonl").find("a/z.mp4") != std::string::npos);

  CHECK(run_cli(fmt::format("merge '{}'", s0) + out, dir) == 2);
  CHECK(read_file(dir / "stderr.txt").find("incomplete set of 2 shards: missing shard(s) 1") != std::string::npos);
  CHECK(run_cli(fmt::format("merge '{}' '{}'", s0, s0) + out, dir) == 2);
  CHECK(read_file(dir / "stderr.txt").find("shard 0/2 is given twice") != std::string::npos);
  CHECK(run_cli(fmt::format("merge '{}' '{}'", s0, t0) + out, dir) == 2);
  CHECK(read_file(dir / "stderr.txt").find("not one set of shards") != std::string::npos);
  CHECK(run_cli(fmt::format("merge '{}' --allow-partial", s0) + out, dir) == 0);
}
