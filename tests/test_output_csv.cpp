#include "support.hpp"
#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/outputs.hpp"

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

TEST_CASE("vidsplit::csv_field exact values and formula injection") {
  constexpr CsvCells safe = CsvCells::SpreadsheetSafe;
  SUBCASE("by default cells are the exact values: programs read these files") {
    CHECK(csv_field("-3B32lodo2M_000010_000020") == "-3B32lodo2M_000010_000020");
    CHECK(csv_field("-neg/x.mp4") == "-neg/x.mp4");
    CHECK(csv_field("@evil.mp4") == "@evil.mp4");
    CHECK(csv_field("=HYPERLINK(\"http://x\",\"y\")") == "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    CHECK(csv_field("'=x") == "''=x");  // looks neutralised: one more, so vidsplit's reader gives it back
    CHECK(csv_field("'quoted") == "'quoted");
  }
  SUBCASE("spreadsheet-safe: text cells starting with = + - @ TAB or CR get a leading quote") {
    CHECK(csv_field("=HYPERLINK(\"http://x\",\"y\")", safe) == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    CHECK(csv_field("+cmd", safe) == "'+cmd");
    CHECK(csv_field("-x.mp4", safe) == "'-x.mp4");
    CHECK(csv_field("@evil.mp4", safe) == "'@evil.mp4");
    CHECK(csv_field("\tx", safe) == "'\tx");
    CHECK(csv_field("\rx", safe) == "\"'\rx\"");
    CHECK(csv_field("'=x", safe) == "''=x");
    CHECK(csv_field("a=b", safe) == "a=b");
    CHECK(csv_field("'quoted", safe) == "'quoted");
  }
  SUBCASE("spreadsheet-safe: numbers are left alone") {
    CHECK(csv_field("-1", safe) == "-1");
    CHECK(csv_field("-0.500000", safe) == "-0.500000");
    CHECK(csv_field("+3", safe) == "+3");
    CHECK(csv_field("-1e-3", safe) == "-1e-3");
    CHECK(csv_field("-1x", safe) == "'-1x");
    CHECK(csv_field("-", safe) == "'-");
  }
  SUBCASE("vidsplit reads both kinds of cells back unchanged") {
    const CsvRow values = {"=HYPERLINK(\"http://x\")", "-x.mp4", "@evil.mp4", "+1+2", "'=x", "''-y", "'-1",
                           "-1", "'quoted", "\tt", "\r\nr", "-2.5", "-"};
    for (const CsvCells cells : {CsvCells::Exact, safe}) {
      std::string text;
      append_csv_row(text, values, cells);
      const auto rows = parse_csv(text);
      REQUIRE(rows.size() == 1);
      CHECK(rows[0] == values);
    }
    // A hand-written quote before a number is the user's, not ours: kept.
    CHECK(parse_csv("'-1,'a,'=b\n")[0] == CsvRow{"'-1", "'a", "=b"});
  }
  SUBCASE("clips.csv: a label like =HYPERLINK(...) and a file named -x.mp4 are written as they are") {
    ManifestRow shot{"@evil/-x.mp4", 0, RowKind::Shot, 0, 40, 0.0, 1.6, "=HYPERLINK(\"http://evil\",\"x\")", 0, "train"};
    ManifestRow guard{"@evil/-x.mp4", 1, RowKind::Guard, 40, 45, 1.6, 1.8, "=HYPERLINK(\"http://evil\",\"x\")",
                      kNoGroup, std::string(kExcluded)};
    const std::string text = clips_csv({shot, guard});
    CHECK(text.find("\n@evil/-x.mp4,0,shot,0,40,0.000000,1.600000,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",0,train\n") !=
          std::string::npos);
    CHECK(text.find(",-1,excluded\n") != std::string::npos);
    const auto rows = parse_csv(text);
    REQUIRE(rows.size() == 3);
    CHECK(rows[1][0] == "@evil/-x.mp4");
    CHECK(rows[1][7] == "=HYPERLINK(\"http://evil\",\"x\")");
    CHECK(rows[2][8] == "-1");
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
