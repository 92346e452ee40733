#include "support.hpp"
#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <doctest/doctest.h>

using namespace vidsplit;

TEST_CASE("vidsplit::csv_field") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field(" padded") == "\" padded\"");
  CHECK(csv_field("") == "");
  CHECK(csv_field("ünïcødé/视频.mp4") == "ünïcødé/视频.mp4");
}

TEST_CASE("vidsplit::parse_csv") {
  SUBCASE("round trip of awkward fields") {
    const CsvRow awkward = {"dir, with comma/a.mp4", "quote\"inside", "new\nline", " lead", "trail ",
                            "ünïcødé 视频.mp4", "", "cr\r\nlf"};
    std::string text;
    append_csv_row(text, {"a", "b", "c", "d", "e", "f", "g", "h"});
    append_csv_row(text, awkward);
    const auto rows = parse_csv(text);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1] == awkward);
  }
  SUBCASE("CRLF, BOM and a missing final newline") {
    const auto rows = parse_csv("\xEF\xBB\xBFvideo,label\r\nx.mp4,run\r\ny.mp4,\"jump\"");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == CsvRow{"video", "label"});
    CHECK(rows[2] == CsvRow{"y.mp4", "jump"});
  }
  SUBCASE("blank lines are skipped, empty fields kept") {
    const auto rows = parse_csv("a,b\n\n,\n");
    REQUIRE(rows.size() == 2);
    CHECK(rows[1] == CsvRow{"", ""});
  }
  SUBCASE("malformed input names the line") {
    CHECK_THROWS_WITH_AS(parse_csv("a,b\n\"open,c\n"), "line 2: unterminated quoted field", Error);
    CHECK_THROWS_WITH_AS(parse_csv("a,b\nx\"y,c\n"), "line 2: stray quote inside a field", Error);
    CHECK_THROWS_WITH_AS(parse_csv("\"a\"b,c\n"), "line 1: text after a closing quote", Error);
  }
}

TEST_CASE("vidsplit::read_csv_file") {
  test::TempDir dir;
  SUBCASE("missing column") {
    write_file_atomic(dir / "l.csv", "video,class\nx,y\n");
    CHECK_THROWS_WITH_AS(read_csv_file(dir / "l.csv", {"video", "label"}),
                         doctest::Contains("missing column 'label'"), Error);
  }
  SUBCASE("ragged row") {
    write_file_atomic(dir / "l.csv", "video,label\nx,y,z\n");
    CHECK_THROWS_WITH_AS(read_csv_file(dir / "l.csv", {"video", "label"}),
                         doctest::Contains("row 2 has 3 fields, the header has 2"), Error);
  }
  SUBCASE("missing file") {
    CHECK_THROWS_WITH_AS(read_csv_file(dir / "nope.csv", {}), doctest::Contains("cannot read"), Error);
  }
}
