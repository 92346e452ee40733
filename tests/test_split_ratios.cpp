#include "vidsplit/error.hpp"
#include "vidsplit/split.hpp"

#include <doctest/doctest.h>

using namespace vidsplit;

TEST_CASE("vidsplit::parse_ratios") {
  const auto r = parse_ratios("train=0.7,val=0.15,test=0.15");
  REQUIRE(r.size() == 3);
  CHECK(r[0].name == "train");
  CHECK(r[2].name == "test");
  CHECK(r[1].fraction == doctest::Approx(0.15));

  CHECK_THROWS_WITH_AS(parse_ratios("train=0.8,val=0.3"), doctest::Contains("sum to 1.1"), ConfigError);
  // The sum is printed as written, not as binary floating point has it (0.8999999999999999).
  CHECK_THROWS_WITH_AS(parse_ratios("train=0.7,val=0.2"), "--ratios: fractions sum to 0.9, not 1", ConfigError);
  // Rounding of decimal fractions is accepted (0.7 + 0.2 + 0.1 is 0.9999999999999999), a real gap is not.
  CHECK(parse_ratios("train=0.7,val=0.2,test=0.1").size() == 3);
  CHECK(parse_ratios("a=0.1,b=0.2,c=0.3,d=0.4").size() == 4);
  CHECK_THROWS_WITH_AS(parse_ratios("train=0.8000005,val=0.2"), "--ratios: fractions sum to 1.0000005, not 1",
                       ConfigError);
  CHECK_THROWS_WITH_AS(parse_ratios("train=0.8"), doctest::Contains("at least two"), ConfigError);
  CHECK_THROWS_WITH_AS(parse_ratios("train=0.5,train=0.5"), doctest::Contains("given twice"), ConfigError);
  CHECK_THROWS_WITH_AS(parse_ratios("train=abc,val=0.2"), doctest::Contains("not a number"), ConfigError);
  CHECK_THROWS_WITH_AS(parse_ratios("train=0.8,excluded=0.2"), doctest::Contains("reserved"), ConfigError);
  CHECK_THROWS_WITH_AS(parse_ratios("tr ain=0.8,val=0.2"), doctest::Contains("letters, digits"), ConfigError);
  CHECK_THROWS_WITH_AS(parse_ratios("train=0.8,val"), doctest::Contains("NAME=FRACTION"), ConfigError);
  CHECK_THROWS_WITH_AS(parse_ratios("train=1.2,val=-0.2"), doctest::Contains("must be in (0, 1]"), ConfigError);
}
