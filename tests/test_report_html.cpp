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
  const std::string html = report_html(dir / "out", ReportOptions{}).html;

  SUBCASE("document structure") {
    CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">", 0) == 0);
    CHECK(html.size() > 20);
    CHECK(html.substr(html.size() - 16) == "</body>\n</html>\n");
    for (const char* id : {"splits", "warnings", "classes", "timelines", "groups", "videos", "audit", "errors"})
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
    for (const char* banned : {"http:", "https:", "ftp:", "//", "<link", "<iframe", "@import", "url(", "fetch("})
      CHECK_MESSAGE(text.find(banned) == std::string::npos, banned);
    // The one script is the video list's filter, with its data inline.
    CHECK(count(html, "<script") == 2);
    CHECK(count(html, "<script>") == 1);
    CHECK(count(html, "<script id=\"video-data\" type=\"application/json\">") == 1);
    // Every image is an inline PNG (the base64 of the PNG signature starts with iVBORw0KGgo).
    CHECK(count(html, " src=") == count(html, " src=\"data:image/png;base64,iVBORw0KGgo"));
    CHECK(count(html, " href=") == 0);
  }
  SUBCASE("timelines: one strip per linked video, at the configured size") {
    CHECK(count(html, "<img class=\"tl\"") == 2);
    CHECK(count(html, "<img class=\"tl\" alt=\"timeline of gray/a.mp4\" width=\"960\" height=\"26\"") == 1);
  }
  SUBCASE("contact sheets: three keyframes per clip of a linked group, evidence shown") {
    // Group 0 (a#0, b#0) is drawn; group 1 (a#1 alone) is a singleton, counted; the guard row belongs to no
    // group. gray_cut.mp4 is 160x120 -> 96x72, 2-pixel gaps.
    CHECK(count(html, "<img class=\"sheet\"") == 2);
    CHECK(count(html, "<img class=\"sheet\" alt=\"keyframes of gray/a.mp4 clip 0\" width=\"292\" height=\"72\"") == 1);
    CHECK(html.find("<b>group 0</b> &middot; several videos &middot; train &middot; 2 videos, 2 clips") != std::string::npos);
    CHECK(html.find("<b>group 1</b>") == std::string::npos);
    CHECK(html.find("<p>1 singleton groups (one video, linked to nothing) are counted, not drawn.</p>") != std::string::npos);
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
  SUBCASE("deterministic") { CHECK(report_html(dir / "out", ReportOptions{}).html == html); }
}

TEST_CASE("vidsplit::report_html without scan.jsonl or audit") {
  test::TempDir dir;
  write_fixture(dir.path() / "out", false);
  fs::remove(dir.path() / "out/leaks.csv");
  const std::string html = report_html(dir / "out", ReportOptions{}).html;
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

namespace {

// `videos` videos of one clip each, in classes of 10; the first 2 * pairs are joined in pairs (group_evidence.csv
// links), the first `cross` pairs across classes. Every other video is its own group.
void write_large_fixture(const fs::path& out, int videos, int pairs, int cross) {
  fs::create_directories(out);
  std::string clips, evidence = "group,video_a,clip_a,video_b,clip_b,reason,matched_keyframes,hash_distance,"
                                "histogram_distance,kind,a_start_sec,a_end_sec,b_start_sec,b_end_sec,score\n";
  append_csv_row(clips, kClipsColumns);
  const auto name = [](int v, int label) { return fmt::format("c{:03d}/v{:05d}.mp4", label, v); };
  const auto label_of = [&](int v) { return v < 2 * cross ? v : v / 10; };  // a cross pair: two classes
  int64_t group = 0;
  for (int v = 0; v < videos; ++v) {
    const bool paired = v < 2 * pairs;
    const int64_t g = paired ? v / 2 : pairs + (v - 2 * pairs);
    group = std::max(group, g);
    clips += fmt::format("{},0,shot,0,30,0.000000,1.000000,c{:03d},{},{}\n", name(v, label_of(v)), label_of(v), g,
                         v % 5 == 0 ? "val" : "train");
    if (paired && v % 2 == 1)
      evidence += fmt::format("{},{},0,{},0,near-duplicate,3,2,0.0100,copy,0.000,1.000,0.000,1.000,3\n", g,
                              name(v - 1, label_of(v - 1)), name(v, label_of(v)));
  }
  write_file_atomic((out / "clips.csv").string(), clips);
  write_file_atomic((out / "group_evidence.csv").string(), evidence);
  nlohmann::json summary = {
      {"parameters", {{"split", {{"ratios", {{"train", 0.8}, {"val", 0.2}}}}}}},
      {"leakage", {{"reference", "train"}, {"splits", {{"val", {{"frames", 100}, {"shared_frames", 3},
                                                                 {"random_split_frames", 100},
                                                                 {"random_split_shared_frames", 40}}}}}}},
      {"warnings", {"class c001 has fewer groups than splits", "class c001 has fewer groups than splits"}}};
  write_file_atomic((out / "summary.json").string(), summary.dump(2));
}

}  // namespace

TEST_CASE("vidsplit::report_html at scale") {
  test::TempDir dir;
  // 3,000 videos, 300 pairs (600 videos worth a look, 5 of the pairs across classes), 2,400 singletons.
  write_large_fixture(dir.path() / "out", 3000, 300, 5);
  const std::string html = report_html(dir / "out", ReportOptions{}).html;

  SUBCASE("first screen: headline, split table, warnings; parameters last") {
    const size_t headline = html.find("<p class=\"headline\"><b>3.0 % of val's frames show footage that is also in "
                                      "train; a random split of the same videos would share 40.0 %.</b></p>");
    REQUIRE(headline != std::string::npos);
    CHECK(headline < html.find("<h2 id=\"splits\">"));
    CHECK(html.find("<h2 id=\"splits\">") < html.find("<h2 id=\"warnings\">"));
    CHECK(html.find("<h2 id=\"warnings\">") < html.find("<h2 id=\"classes\">"));
    CHECK(html.find("<h2 id=\"errors\">") < html.find("<h2 id=\"parameters\">"));
    CHECK(count(html, "warning: class c001 has fewer groups than splits") == 1);
  }
  SUBCASE("timelines only for linked videos, capped; the rest in the list") {
    CHECK(count(html, "<img class=\"tl\"") == 500);
    CHECK(html.find("600 videos are linked to others, in the audit's leaks or cut short; timelines of the first "
                    "500 (100 more are in the list below;") != std::string::npos);
    const std::string data = html.substr(html.find("<script id=\"video-data\""));
    CHECK(count(data, ".mp4\",") == 2500);
    CHECK(html.find("<p>2500 videos without a timeline above") != std::string::npos);
    // Cross-class pairs come first: the first timeline is of one of them.
    CHECK(html.find("<img class=\"tl\" alt=\"timeline of c000/v00000.mp4\"") < html.find("<img class=\"tl\" alt=\"timeline of c001/v00010.mp4\""));
  }
  SUBCASE("groups worth a look: across classes, then by size; singletons counted") {
    CHECK(html.find("<tr><td class=\"l\">across classes</td><td>5</td><td>10</td><td>10</td></tr>") != std::string::npos);
    CHECK(html.find("<tr><td class=\"l\">several videos</td><td>295</td><td>590</td><td>590</td></tr>") != std::string::npos);
    CHECK(html.find("<p>5 links join videos of different classes.</p>") != std::string::npos);
    CHECK(html.find("across classes") < html.find("<b>group 5</b>"));
    CHECK(count(html, "<div class=\"group\"") == 100);
    CHECK(html.find("<p>200 more linked groups without a contact sheet.</p>") != std::string::npos);
    CHECK(html.find("<p>2400 singleton groups (one video, linked to nothing) are counted, not drawn.</p>") !=
          std::string::npos);
  }
  SUBCASE("small") {
    // 500 timelines of about 1.1 kB each, the list under 20 bytes a video.
    CHECK(html.size() < 700'000);
  }
}

TEST_CASE("vidsplit::report_html counts the videos not found under their recorded paths") {
  test::TempDir dir;
  write_fixture(dir.path() / "out", false);
  std::vector<VideoScan> scans;
  for (const char* id : {"gray/a.mp4", "gray/b.mp4"}) {
    VideoScan s = scan_video({id, test::data("gray_cut.mp4").string(), "gray"}, ScanOptions{});
    REQUIRE(s.ok());
    scans.push_back(std::move(s));
  }
  scans[1].path = (dir.path() / "moved/b.mp4").string();
  write_scan_jsonl((dir.path() / "out/scan.jsonl").string(), scans, nlohmann::json::object());
  const ReportResult report = report_html(dir / "out", ReportOptions{});
  CHECK(report.notes.videos_not_found == 1);
  CHECK(report.notes.first_not_found == (dir.path() / "moved/b.mp4").string());
  // Group 0: a's clip is drawn, b's is not.
  CHECK(count(report.html, "<img class=\"sheet\"") == 1);
  CHECK(count(report.html, "no keyframes: not found at ") == 1);
}
