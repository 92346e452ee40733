// report.html: its structure, the figures it shows, and that it loads nothing from anywhere.
#include "support.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/report.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

using namespace vidsplit;
namespace fs = std::filesystem;

namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Two videos (the same file under two ids): a's shots went to train and val with a guard between them,
// b is all train and grouped with a's first shot.
void write_fixture(const fs::path& out, bool with_scan) {
  fs::create_directories(out);
  std::string clips;
  append_csv_row(clips, kClipsColumns);
  clips +=
      "gray/a.mp4,0,shot,0,20,0.000000,0.800000,gray,0,train\n"
      "gray/a.mp4,0,guard,20,25,0.800000,1.000000,gray,-1,excluded\n"
      "gray/a.mp4,1,shot,25,40,1.000000,1.600000,gray,1,val\n"
      "gray/b.mp4,0,shot,0,40,0.000000,1.600000,gray,0,train\n";
  write_file_atomic((out / "clips.csv").string(), clips);
  write_file_atomic((out / "group_evidence.csv").string(),
                    "group,video_a,clip_a,video_b,clip_b,reason,matched_keyframes,hash_distance,histogram_distance\n"
                    "0,gray/a.mp4,0,gray/b.mp4,0,identical-stream,0,0,0.0000\n");
  write_file_atomic((out / "leaks.csv").string(), "video_a,video_b,reason\nx<y>.mp4,z.mp4,near-duplicate\n");
  if (!with_scan) return;
  std::vector<VideoScan> scans;
  for (const char* id : {"gray/a.mp4", "gray/b.mp4"}) {
    VideoScan s = scan_video({id, test::data("gray_cut.mp4").string(), "gray"}, ScanOptions{});
    REQUIRE(s.ok());
    scans.push_back(std::move(s));
  }
  write_scan_jsonl((out / "scan.jsonl").string(), scans, nlohmann::json::object());
}

}  // namespace

TEST_CASE("vidsplit::report_html") {
  test::TempDir dir;
  write_fixture(dir.path() / "out", true);
  const std::string html = report_html(dir / "out", ReportOptions{});

  SUBCASE("document structure") {
    CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">", 0) == 0);
    CHECK(html.size() > 20);
    CHECK(html.substr(html.size() - 16) == "</body>\n</html>\n");
    for (const char* id : {"splits", "classes", "timelines", "groups", "audit", "errors"})
      CHECK_MESSAGE(count(html, std::string("<h2 id=\"") + id + "\">") == 1, id);
    for (const char* tag : {"div", "table", "figure", "svg", "tr"})
      CHECK_MESSAGE(count(html, std::string("<") + tag + (std::string(tag) == "tr" ? ">" : "")) ==
                        count(html, std::string("</") + tag + ">"),
                    tag);
  }
  SUBCASE("self-contained: no external URL, script or stylesheet link") {
    // Base64 payloads may hold "//"; look at everything else.
    std::string text;
    const std::string prefix = "base64,";
    size_t at = 0;
    for (size_t p = html.find(prefix); p != std::string::npos; p = html.find(prefix, at)) {
      text += html.substr(at, p - at);
      at = html.find('"', p);
      REQUIRE(at != std::string::npos);
    }
    text += html.substr(at);
    CHECK(text.size() < html.size());
    for (const char* banned : {"http:", "https:", "ftp:", "//", "<script", "<link", "<iframe", "@import", "url("})
      CHECK_MESSAGE(text.find(banned) == std::string::npos, banned);
    // Every image is an inline PNG (the base64 of the PNG signature starts with iVBORw0KGgo).
    CHECK(count(html, " src=") == count(html, " src=\"data:image/png;base64,iVBORw0KGgo"));
    CHECK(count(html, " href=") == 0);
  }
  SUBCASE("timelines: one strip per video, at the configured size") {
    CHECK(count(html, "<img class=\"tl\"") == 2);
    CHECK(count(html, "<img class=\"tl\" alt=\"timeline of gray/a.mp4\" width=\"960\" height=\"26\"") == 1);
  }
  SUBCASE("contact sheets: three keyframes per grouped clip, evidence shown") {
    // Groups 0 (a#0, b#0) and 1 (a#1); the guard row belongs to no group. gray_cut.mp4 is 160x120 -> 96x72, 2-pixel gaps.
    CHECK(count(html, "<img class=\"sheet\"") == 3);
    CHECK(count(html, "<img class=\"sheet\" alt=\"keyframes of gray/a.mp4 clip 0\" width=\"292\" height=\"72\"") == 1);
    CHECK(html.find("<b>group 0</b> &middot; train &middot; 2 videos, 2 clips") < html.find("<b>group 1</b>"));
    CHECK(html.find("<td class=\"l\">identical-stream</td>") != std::string::npos);
  }
  SUBCASE("tables: per split and per class counts") {
    CHECK(html.find("train</td><td></td><td>0.800</td><td>2</td><td>2</td><td>60</td><td>2.4</td>") !=
          std::string::npos);
    CHECK(html.find("val</td><td></td><td>0.200</td><td>1</td><td>1</td><td>15</td><td>0.6</td>") != std::string::npos);
    CHECK(html.find("excluded</td><td></td><td></td><td>1</td><td>1</td><td>5</td><td>0.2</td>") != std::string::npos);
    CHECK(html.find("<td class=\"l\">gray</td><td class=\"l\">train</td><td>0.800</td><td>2</td><td>2</td><td>60</td>") !=
          std::string::npos);
  }
  SUBCASE("audit result, escaped") {
    CHECK(html.find("<p>leaks.csv: 1 rows.</p>") != std::string::npos);
    CHECK(html.find("<td class=\"l\">x&lt;y&gt;.mp4</td>") != std::string::npos);
  }
  SUBCASE("deterministic") { CHECK(report_html(dir / "out", ReportOptions{}) == html); }
}

TEST_CASE("vidsplit::report_html without scan.jsonl or audit") {
  test::TempDir dir;
  write_fixture(dir.path() / "out", false);
  fs::remove(dir.path() / "out/leaks.csv");
  const std::string html = report_html(dir / "out", ReportOptions{});
  CHECK(html.find("No keyframes: scan.jsonl is not in this folder.") != std::string::npos);
  CHECK(html.find("No audit result in this folder") != std::string::npos);
  CHECK(count(html, "<img class=\"tl\"") == 2);
  CHECK(count(html, "<img class=\"sheet\"") == 0);
  CHECK_THROWS_AS(report_html(dir / "nowhere", ReportOptions{}), ConfigError);
}

TEST_CASE("vidsplit run writes report.html unless --no-report") {
  test::TempDir dir;
  const auto run = [&](const std::string& args) {
    const std::string cmd = std::string(VIDSPLIT_BINARY) + " " + args + " -q > " + (dir / "stdout.txt") + " 2>&1";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  const std::string input = fmt::format("'{}'", test::data("gray_cut.mp4").string());
  CHECK(run("run " + input + " -o '" + (dir / "a/out") + "'") == 0);
  CHECK(fs::exists(dir.path() / "a/out/report.html"));
  CHECK(run("run " + input + " -o '" + (dir / "b/out") + "' --no-report") == 0);
  CHECK(fs::exists(dir.path() / "b/out/clips.csv"));
  CHECK_FALSE(fs::exists(dir.path() / "b/out/report.html"));
  CHECK(run("report '" + (dir / "b/out") + "'") == 0);
  CHECK(read_file(dir / "a/out/report.html") == read_file(dir / "b/out/report.html"));
  CHECK(run("report --help") == 0);
  CHECK(read_file(dir / "stdout.txt").find("Examples:") != std::string::npos);
  CHECK(run("report '" + (dir / "nowhere") + "'") == 2);
}
