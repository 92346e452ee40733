// scan.jsonl lines read back: a round trip, and the malformed lines the fuzzers found or that are of their kind.
#include "support.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/scan.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace vidsplit;
using nlohmann::json;

TEST_CASE("vidsplit::parse_scan_line") {
  const VideoScan scan = scan_video({"gray.mp4", test::data("gray_cut.mp4").string(), "gray"}, ScanOptions{});
  REQUIRE(scan.ok());
  const json good = json::parse(scan_line(scan));
  const auto with = [&](const json::json_pointer& where, const json& value) {
    json j = good;
    j[where] = value;
    return j.dump();
  };

  SUBCASE("a line round-trips") {
    const VideoScan back = parse_scan_line(scan_line(scan));
    CHECK(scan_line(back) == scan_line(scan));
    CHECK(back.frames == 40);
  }
  SUBCASE("fuzz_readers finding: an out-of-range number where an integer belongs is an Error, not a cast") {
    CHECK_THROWS_WITH_AS(parse_scan_line(read_file(test::data("fuzz/scan_line_huge_height.json").string())),
                         "display_height must be an integer in [-2147483648, 2147483647], not 2.4e+83", Error);
    CHECK_THROWS_WITH_AS(parse_scan_line(with("/frames"_json_pointer, 40.5)),
                         "frames must be an integer in [-9223372036854775808, 9223372036854775807], not 40.5", Error);
    CHECK_THROWS_WITH_AS(parse_scan_line(with("/shots/0/hist_e4/0"_json_pointer, 1e30)),
                         "hist_e4 must be an integer in [-2147483648, 2147483647], not 1e+30", Error);
    CHECK_THROWS_WITH_AS(parse_scan_line(with("/info/coded_width"_json_pointer, 18446744073709551615ULL)),
                         "coded_width must be an integer in [-2147483648, 2147483647], not 18446744073709551615",
                         Error);
  }
  SUBCASE("run counts or steps that would overflow 64-bit arithmetic") {
    CHECK_THROWS_WITH_AS(parse_scan_line(with("/times/runs"_json_pointer, json::parse("[[512, 9223372036854775807], [512, 9223372036854775807]]"))),
                         "times.runs cover more than the 40 frames", Error);
    CHECK_THROWS_WITH_AS(parse_scan_line(with("/times/runs"_json_pointer, json::parse("[[4611686018427387904, 39]]"))),
                         "times.runs overflow 64-bit timestamps", Error);
  }
}

TEST_CASE("vidsplit::read_scan_jsonl refuses a file that is not a vidsplit scan of this format") {
  const test::TempDir dir;
  const std::string path = dir / "scan.jsonl";
  json parameters;
  const auto read_header = [&](const std::string& header) {
    write_file_atomic(path, header + "\n");
    return read_scan_jsonl(path, parameters);
  };
  CHECK(read_header(R"({"format": "vidsplit-scan", "format_version": 1, "parameters": {"seed": 3}})").empty());
  CHECK(parameters == json{{"seed", 3}});
  // fuzz_readers finding: a float version was cast to int (undefined behaviour) before it was compared.
  CHECK_THROWS_WITH_AS(read_header(R"({"format": "vidsplit-scan", "format_version": 8.88889e82})"),
                       (path + ": line 1: unsupported scan format_version 8.88889e+82").c_str(), Error);
  CHECK(read_header(R"({"format": "vidsplit-scan", "format_version": 2, "parameters": {}})").empty());
  CHECK_THROWS_WITH_AS(read_header(R"({"format": "vidsplit-scan", "format_version": 3})"),
                       (path + ": line 1: unsupported scan format_version 3").c_str(), Error);
  CHECK_THROWS_WITH_AS(read_header(R"({"format": "vidsplit-scan", "format_version": 0})"),
                       (path + ": line 1: unsupported scan format_version 0").c_str(), Error);
  CHECK_THROWS_WITH_AS(read_header(R"({"format": "vidsplit-scan"})"),
                       (path + ": line 1: unsupported scan format_version null").c_str(), Error);
  CHECK_THROWS_WITH_AS(read_header(R"({"videos": []})"), (path + ": line 1: not a vidsplit scan (no format header)").c_str(),
                       Error);
  write_file_atomic(path, "");
  CHECK_THROWS_WITH_AS(read_scan_jsonl(path, parameters), (path + ": empty file, not a vidsplit scan").c_str(), Error);
  const std::string missing = path + ".missing";
  CHECK_THROWS_WITH_AS(read_scan_jsonl(missing, parameters),
                       ("cannot read " + missing + ": No such file or directory").c_str(), Error);
}
