// vidsplit/text.hpp: names that are bytes, stored as text in CSV and JSON, and given back byte for byte.
#include "support.hpp"

#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/text.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace vidsplit;

TEST_CASE("vidsplit::bytes_to_text") {
  CHECK(bytes_to_text("plain/ünï 视频.mp4") == "plain/ünï 视频.mp4");
  CHECK(bytes_to_text("lab\xff/x\xfe.mp4") == "lab\\xff/x\\xfe.mp4");
  CHECK(bytes_to_text("a\\b") == "a\\\\b");
  // The characters \xff in a valid name stay apart from the byte 0xff.
  CHECK(bytes_to_text("\\xff") == "\\\\xff");
  // Overlong forms, surrogates, code points above U+10FFFF and cut sequences are not UTF-8.
  CHECK(bytes_to_text("\xc0\xaf") == "\\xc0\\xaf");
  CHECK(bytes_to_text("\xed\xa0\x80") == "\\xed\\xa0\\x80");
  CHECK(bytes_to_text("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");
  CHECK(bytes_to_text("\xe2\x82") == "\\xe2\\x82");
  CHECK(bytes_to_text("\xe2\x82\xac") == "\xe2\x82\xac");
  CHECK(bytes_for_display("a\\b\xff") == "a\\b\\xff");
}

TEST_CASE("vidsplit::text_to_bytes") {
  SUBCASE("every byte string round-trips") {
    std::string all;
    for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
    for (const std::string& b : {all, std::string("\\"), std::string("\\x"), std::string("\\xf"),
                                 std::string("\\\\xff"), std::string("x\\"), std::string("\xff\\xff\\\xff")}) {
      CAPTURE(b);
      CHECK(text_to_bytes(bytes_to_text(b)) == b);
    }
  }
  SUBCASE("hand-written text: a backslash starting no escape, and raw bytes, are kept") {
    CHECK(text_to_bytes("C:\\videos\\a.mp4") == "C:\\videos\\a.mp4");
    CHECK(text_to_bytes("\\xzz") == "\\xzz");
    CHECK(text_to_bytes("raw\xff") == "raw\xff");
    CHECK(text_to_bytes("\\xFF") == "\xff");
  }
}

TEST_CASE("vidsplit: CSV cells and scan.jsonl lines keep names that are not UTF-8") {
  const std::string name = "lab\xff/x\xfe\\y.mp4";
  std::string csv;
  append_csv_row(csv, {"video"});
  append_csv_row(csv, {name});
  CHECK(csv == "video\nlab\\xff/x\\xfe\\\\y.mp4\n");
  CHECK(parse_csv(csv)[1][0] == name);

  VideoScan s;
  s.video = name;
  s.path = "/data/" + name;
  s.label = "lab\xff";
  s.error = "cannot open /data/" + name;
  const std::string line = scan_line(s);
  CHECK_NOTHROW((void)nlohmann::json::parse(line));  // valid UTF-8 JSON
  const VideoScan back = parse_scan_line(line);
  CHECK(back.video == s.video);
  CHECK(back.path == s.path);
  CHECK(back.label == s.label);
  CHECK(back.error == s.error);
}

TEST_CASE("vidsplit::parse_scan_line names the field, not nlohmann's exception") {
  CHECK_THROWS_WITH_AS(parse_scan_line(R"({"video":5,"path":"a","label":"b"})"),
                       "field 'video' must be a string, not number", Error);
  CHECK_THROWS_WITH_AS(parse_scan_line(R"({"path":"a","label":"b"})"), "field 'video' is missing", Error);
  CHECK_THROWS_WITH_AS(parse_scan_line("{\"video\":"), doctest::Contains("syntax error"), Error);
  try {
    (void)parse_scan_line("{\"video\":");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("json.exception") == std::string::npos);
  }
}
