// `vidsplit assign`'s input, and the split options on the real binary.
#include "support.hpp"

#include "vidsplit/error.hpp"
#include "vidsplit/split.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sys/wait.h>

using namespace vidsplit;
using test::run_cli;
namespace fs = std::filesystem;

namespace {

}  // namespace

TEST_CASE("vidsplit::read_group_table") {
  test::TempDir dir;
  write_file_atomic(dir / "g.csv", "group,label,weight\ng2,b,10\ng1,a,5\ng2,a,2.5\ng2,b,1\n");
  std::vector<std::string> names;
  const SplitProblem p = read_group_table(dir / "g.csv", names);
  CHECK(names == std::vector<std::string>{"g2", "g1"});
  CHECK(p.labels == std::vector<std::string>{"a", "b"});
  REQUIRE(p.items.size() == 2);
  CHECK(p.items[0].weight_by_label == std::vector<std::pair<int, double>>{{0, 2.5}, {1, 11.0}});
  CHECK(p.items[1].weight_by_label == std::vector<std::pair<int, double>>{{0, 5.0}});
  write_file_atomic(dir / "bad.csv", "group,label,weight\ng1,a,5\ng2,a,-1\n");
  CHECK_THROWS_WITH_AS(read_group_table(dir / "bad.csv", names),
                       doctest::Contains("bad.csv: line 3: weight '-1' is not a number >= 0"), ConfigError);
}

TEST_CASE("vidsplit assign and split options: exit codes") {
  test::TempDir dir;
  std::string groups = "group,label,weight\n";
  for (int g = 0; g < 10; ++g) groups += fmt::format("g{},a,100\n", g);
  write_file_atomic(dir / "g.csv", groups);
  CHECK(run_cli(fmt::format("assign '{}' -o '{}'", dir / "g.csv", dir / "o"), dir) == 0);
  const std::string assignment = read_file(dir / "o/assignment.csv");
  CHECK(assignment.starts_with("group,split\ng0,"));
  size_t val = 0;
  for (size_t pos = 0; (pos = assignment.find(",val\n", pos)) != std::string::npos; ++pos) ++val;
  CHECK(val == 2);
  CHECK(run_cli(fmt::format("assign '{}' -o '{}'", dir / "missing.csv", dir / "o"), dir) == 2);
  // Weights that overflow a double when added are refused, naming line and column, before any -nan is printed.
  write_file_atomic(dir / "huge.csv", "group,label,weight\ng0,a,1e308\ng1,a,1e308\n");
  CHECK(run_cli(fmt::format("assign '{}' -o '{}'", dir / "huge.csv", dir / "oh"), dir) == 2);
  CHECK(read_file(dir / "stderr.txt").find("huge.csv: line 2: column weight: the weights add up to more than 1e+300") !=
        std::string::npos);
  CHECK(read_file(dir / "stdout.txt").find("nan") == std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "oh" / "assignment.csv"));

  const std::string split = fmt::format("run '{}' -q -o '{}'", test::sample("jump/jump_cuts3.mp4"), dir / "s");
  CHECK(run_cli(split + " --folds 1", dir) == 2);
  CHECK(run_cli(split + " --folds 3 --ratios train=0.5,val=0.5", dir) == 2);
  CHECK(run_cli(split + " --balance-by bytes", dir) == 2);
  CHECK(read_file(dir / "stderr.txt").find("--balance-by must be frames, seconds or clips, not 'bytes'") !=
        std::string::npos);
  CHECK(run_cli(split + " --keep '" + (dir / "nope.csv") + "'", dir) == 2);
  CHECK(run_cli(split + " --segments '" + (dir / "g.csv") + "'", dir) == 2);  // no video column
  CHECK(read_file(dir / "stderr.txt").find("missing column 'video'") != std::string::npos);
}
