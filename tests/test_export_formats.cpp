// Every list export is parsed back with its documented line format; names stay inside the target folder.
#include "support.hpp"
#include "vidsplit/decode.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/export.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/scan.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <set>
#include <sstream>

using namespace vidsplit;
namespace fs = std::filesystem;

namespace {

struct FixtureVideo {
  std::string video, label;
};

// OUT with a hand-written clips.csv and a scan.jsonl whose paths point at a real small file.
void write_out(const fs::path& out, const std::string& clips_body, const std::vector<FixtureVideo>& videos) {
  fs::create_directories(out);
  std::string clips;
  append_csv_row(clips, kClipsColumns);
  write_file_atomic((out / "clips.csv").string(), clips + clips_body);
  // The file's real scan record, renamed: `vidsplit export` checks the file against its content hash.
  static const VideoScan scanned = scan_video({"gray_cut.mp4", test::data("gray_cut.mp4").string(), ""}, {});
  std::vector<VideoScan> scans;
  for (const FixtureVideo& v : videos) {
    // A real scan of the file: the exports that give times read its frame times.
    VideoScan s = scan_video({v.video, test::data("gray_cut.mp4").string(), v.label}, ScanOptions{});
    scans.push_back(s);
  }
  write_scan_jsonl((out / "scan.jsonl").string(), scans, nlohmann::json::object());
}

const std::string kVideoUnit =
    "jump/a.mp4,0,shot,0,20,0.000000,0.800000,jump,0,train\n"
    "jump/a.mp4,1,shot,20,40,0.800000,1.600000,jump,0,train\n"
    "jump/sub/b c.mp4,0,shot,0,40,0.000000,1.600000,jump,1,val\n"
    "run/x.mp4,0,shot,0,40,0.000000,1.600000,run fast,2,train\n"
    "run/y.mp4,0,shot,0,40,0.000000,1.600000,run fast,3,test\n";
const std::vector<FixtureVideo> kVideos = {
    {"jump/a.mp4", "jump"}, {"jump/sub/b c.mp4", "jump"}, {"run/x.mp4", "run fast"}, {"run/y.mp4", "run fast"}};

std::vector<std::string> lines_of(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// A listed video exists under the export folder and is a byte copy of its source.
void check_video(const fs::path& root, const std::string& rel) {
  INFO(rel);
  REQUIRE(fs::is_regular_file(root / rel));
  CHECK(read_file((root / rel).string()) == read_file(test::data("gray_cut.mp4").string()));
}

// A listed video is an AVI (MPEG-4 part 2) holding every frame of its source.
void check_avi(const fs::path& root, const std::string& rel) {
  INFO(rel);
  REQUIRE(fs::is_regular_file(root / rel));
  VideoDecoder decoder((root / rel).string(), DecoderOptions{});
  CHECK(decoder.info().codec == "mpeg4");
  AnalysisFrame f;
  int frames = 0;
  while (decoder.next(f)) ++frames;
  CHECK(frames == 40);
}

// Everything under `dir` other than `to` and OUT's own files was there before: nothing escaped.
void check_only_inside(const fs::path& dir, const fs::path& to) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string p = e.path().string();
    const bool inside = p.rfind(to.string(), 0) == 0 || p.rfind((dir / "out").string(), 0) == 0;
    CHECK_MESSAGE(inside, p);
  }
}

ExportResult run_export(const fs::path& out, const fs::path& to, const std::string& format) {
  ExportOptions o;
  o.format = format;
  o.to = to.string();
  return export_split(load_export_plan(out.string()), o);
}

}  // namespace

TEST_CASE("vidsplit::sanitize_component") {
  CHECK(sanitize_component("run fast", "label") == "run_fast");
  CHECK(sanitize_component("a/b\\c:d", "label") == "a_b_c_d");
  CHECK(sanitize_component("Ünï.mp4", "label") == "Ünï.mp4");  // UTF-8 letters stay
  CHECK(sanitize_component("/etc", "label") == "_etc");
  CHECK_THROWS_WITH_AS(sanitize_component("..", "label"), "label '..' cannot be used as a file or folder name",
                       ConfigError);
  CHECK_THROWS_AS(sanitize_component(".", "label"), ConfigError);
  CHECK_THROWS_AS(sanitize_component("", "label"), ConfigError);
}

TEST_CASE("vidsplit::checked_relative_parts") {
  CHECK(checked_relative_parts("a/./b//c.mp4", "video id") == std::vector<std::string>{"a", "b", "c.mp4"});
  CHECK_THROWS_WITH_AS(checked_relative_parts("/data/x.mp4", "video id"),
                       "video id '/data/x.mp4' is an absolute path; exports only write relative names", ConfigError);
  CHECK_THROWS_WITH_AS(checked_relative_parts("a/../../x.mp4", "video id"),
                       "video id 'a/../../x.mp4' contains '..'; exports never write outside their folder", ConfigError);
  CHECK_THROWS_AS(checked_relative_parts("C:\\x.mp4", "video id"), ConfigError);
}

TEST_CASE("vidsplit::load_export_plan") {
  test::TempDir dir;
  write_out(dir.path() / "out", kVideoUnit, kVideos);
  const ExportPlan plan = load_export_plan(dir / "out");
  CHECK(plan.labels == std::vector<std::string>{"jump", "run fast"});
  CHECK(plan.splits == std::vector<std::string>{"test", "train", "val"});
  REQUIRE(plan.videos.size() == 4);
  CHECK(plan.videos[0].name == "a.mp4");
  CHECK(plan.videos[1].name == "sub_b_c.mp4");
  CHECK(plan.videos[2].folder == "run_fast");
  CHECK(plan.videos[2].name == "run_x.mp4");  // label "run fast" is not the id's folder "run"
  REQUIRE(plan.segments.size() == 4);          // a.mp4's two train clips are one segment
  CHECK(plan.segments[0].end_frame == 40);
  CHECK(plan.segments[0].end_sec == doctest::Approx(1.6));

  SUBCASE("missing files and unsafe ids are configuration errors") {
    CHECK_THROWS_AS(load_export_plan(dir / "nowhere"), ConfigError);
    write_out(dir.path() / "bad", "../evil.mp4,0,shot,0,40,0.000000,1.600000,jump,0,train\n", {{"../evil.mp4", "jump"}});
    CHECK_THROWS_WITH_AS(load_export_plan(dir / "bad"),
                         "video id '../evil.mp4' contains '..'; exports never write outside their folder", ConfigError);
    write_out(dir.path() / "bad2", "x.mp4,0,shot,0,40,0.000000,1.600000,..,0,train\n", {{"x.mp4", ".."}});
    CHECK_THROWS_WITH_AS(load_export_plan(dir / "bad2"), "label '..' cannot be used as a file or folder name",
                         ConfigError);
    write_out(dir.path() / "bad3", "/abs/x.mp4,0,shot,0,40,0.000000,1.600000,a,0,train\n", {{"/abs/x.mp4", "a"}});
    CHECK_THROWS_AS(load_export_plan(dir / "bad3"), ConfigError);
  }
  SUBCASE("same file name twice in a label folder gets a numbered name") {
    write_out(dir.path() / "dup",
              "jump/a.mp4,0,shot,0,40,0.000000,1.600000,jump,0,train\n"
              "jump_a.mp4,0,shot,0,40,0.000000,1.600000,jump,1,train\n",
              {{"jump/a.mp4", "jump"}, {"jump_a.mp4", "jump"}});
    const ExportPlan p = load_export_plan(dir / "dup");
    CHECK(p.videos[0].name == "a.mp4");
    CHECK(p.videos[1].name == "jump_a.mp4");
    write_out(dir.path() / "dup2",
              "jump/x/a.mp4,0,shot,0,40,0.000000,1.600000,jump,0,train\n"
              "jump/x_a.mp4,0,shot,0,40,0.000000,1.600000,jump,1,train\n",
              {{"jump/x/a.mp4", "jump"}, {"jump/x_a.mp4", "jump"}});
    const ExportPlan q = load_export_plan(dir / "dup2");
    CHECK(q.videos[0].name == "x_a.mp4");
    CHECK(q.videos[1].name == "x_a-2.mp4");
  }
}

TEST_CASE("vidsplit::export_split mmaction2") {
  test::TempDir dir;
  write_out(dir.path() / "out", kVideoUnit, kVideos);
  const fs::path to = dir.path() / "mm";
  const ExportResult r = run_export(dir.path() / "out", to, "mmaction2");
  CHECK(r.videos_placed == 4);
  CHECK(r.files == std::vector<std::string>{"label_map.txt", "test_list_videos.txt", "train_list_videos.txt",
                                            "val_list_videos.txt"});
  CHECK(lines_of((to / "label_map.txt").string()) == std::vector<std::string>{"jump", "run fast"});
  CHECK(read_file((to / "train_list_videos.txt").string()) == "jump/a.mp4 0\nrun_fast/run_x.mp4 1\n");
  CHECK(read_file((to / "val_list_videos.txt").string()) == "jump/sub_b_c.mp4 0\n");
  CHECK(read_file((to / "test_list_videos.txt").string()) == "run_fast/run_y.mp4 1\n");
  // Parse back the way mmaction2's VideoDataset does: "filename label" split on whitespace.
  for (const char* list : {"train_list_videos.txt", "val_list_videos.txt", "test_list_videos.txt"})
    for (const std::string& line : lines_of((to / list).string())) {
      const auto w = words(line);
      REQUIRE(w.size() == 2);
      check_video(to, w[0]);
      CHECK(std::stoi(w[1]) < 2);
    }
  check_only_inside(dir.path(), to);
}

TEST_CASE("vidsplit::export_split ucf101") {
  test::TempDir dir;
  write_out(dir.path() / "out", kVideoUnit, kVideos);
  const fs::path to = dir.path() / "ucf";
  const ExportResult r = run_export(dir.path() / "out", to, "ucf101");
  CHECK(r.files == std::vector<std::string>{"classInd.txt", "testlist01.txt", "trainlist01.txt", "vallist01.txt"});
  CHECK(read_file((to / "classInd.txt").string()) == "1 jump\n2 run_fast\n");
  CHECK(read_file((to / "trainlist01.txt").string()) == "jump/a.avi 1\nrun_fast/run_x.avi 2\n");
  CHECK(read_file((to / "testlist01.txt").string()) == "run_fast/run_y.avi\n");
  CHECK(read_file((to / "vallist01.txt").string()) == "jump/sub_b_c.avi\n");
  // Parse back as UCF101 loaders do: the class is the folder of the path, checked against classInd.
  std::map<std::string, int> classes;
  for (const std::string& line : lines_of((to / "classInd.txt").string())) {
    const auto w = words(line);
    classes[w[1]] = std::stoi(w[0]);
  }
  for (const std::string& line : lines_of((to / "trainlist01.txt").string())) {
    const auto w = words(line);
    REQUIRE(w.size() == 2);
    check_avi(to, w[0]);
    CHECK(classes.at(w[0].substr(0, w[0].find('/'))) == std::stoi(w[1]));
  }
  for (const std::string& line : lines_of((to / "testlist01.txt").string())) {
    check_avi(to, line);
    CHECK(classes.count(line.substr(0, line.find('/'))) == 1);
  }

  SUBCASE("without a test split, val is testlist01") {
    test::TempDir d2;
    write_out(d2.path() / "out",
              "jump/a.mp4,0,shot,0,40,0.000000,1.600000,jump,0,train\n"
              "jump/b.mp4,0,shot,0,40,0.000000,1.600000,jump,1,val\n",
              {{"jump/a.mp4", "jump"}, {"jump/b.mp4", "jump"}});
    const ExportResult r2 = run_export(d2.path() / "out", d2.path() / "ucf", "ucf101");
    CHECK(r2.files == std::vector<std::string>{"classInd.txt", "testlist01.txt", "trainlist01.txt"});
    CHECK(read_file(d2 / "ucf/testlist01.txt") == "jump/b.avi\n");
  }
  SUBCASE("--no-avi refuses a non-AVI video, naming it and the reason") {
    ExportOptions o;
    o.format = "ucf101";
    o.to = (dir.path() / "ucf2").string();
    o.avi = false;
    CHECK_THROWS_WITH_AS(export_split(load_export_plan(dir / "out"), o),
                         "video 'jump/a.mp4' is not an .avi file, and torchvision's UCF101 reads only .avi: let ucf101 "
                         "transcode it (leave out --no-avi), or use --format mmaction2",
                         ConfigError);
  }
}

TEST_CASE("vidsplit::export_split kinetics, with a video split at a cut") {
  test::TempDir dir;
  // Clip unit: a.mp4's two shots went to different splits; an excluded guard sits between b's segments.
  write_out(dir.path() / "out",
            "jump/a.mp4,0,shot,0,20,0.000000,0.800000,jump,0,train\n"
            "jump/a.mp4,1,shot,20,40,0.800000,1.600000,jump,1,val\n"
            "run/b.mp4,0,shot,0,10,0.000000,0.400000,run fast,2,train\n"
            "run/b.mp4,0,guard,10,30,0.400000,1.200000,run fast,-1,excluded\n"
            "run/b.mp4,1,shot,30,40,1.200000,1.600000,run fast,3,train\n",
            {{"jump/a.mp4", "jump"}, {"run/b.mp4", "run fast"}});
  const fs::path to = dir.path() / "kin";
  const ExportResult r = run_export(dir.path() / "out", to, "kinetics");
  CHECK(r.files == std::vector<std::string>{"train.csv", "val.csv"});
  CHECK(r.videos_placed == 2);
  // The official columns (integer seconds, naming the files), then where the row lies in the source video.
  const std::string header = "label,youtube_id,time_start,time_end,split,video,start_frame,end_frame,start_sec,end_sec\n";
  CHECK(read_file((to / "train.csv").string()) ==
        header +
            "jump,a,0,1,train,jump/a.mp4,0,20,0.000000079,0.759999921\n"
            "run fast,run_b,0,1,train,run/b.mp4,0,10,0.000000079,0.359999921\n"
            "run fast,run_b,1,2,train,run/b.mp4,30,40,1.200000079,1.559999921\n");
  CHECK(read_file((to / "val.csv").string()) == header + "jump,a,0,2,val,jump/a.mp4,20,40,0.800000079,1.559999921\n");
  // torchvision's Kinetics layout: DIR/<split>/<folder>/<ytid>_<start:06>_<end:06>.mp4, each the row's frames;
  // every class has a folder in every split.
  const std::map<std::string, int> frames = {{"train/jump/a_000000_000001.mp4", 20},
                                             {"val/jump/a_000000_000002.mp4", 20},
                                             {"train/run_fast/run_b_000000_000001.mp4", 10},
                                             {"train/run_fast/run_b_000001_000002.mp4", 10}};
  for (const auto& [rel, n] : frames) {
    INFO(rel);
    REQUIRE(fs::is_regular_file(to / rel));
    VideoDecoder decoder((to / rel).string(), DecoderOptions{});
    AnalysisFrame f;
    int count = 0;
    while (decoder.next(f)) ++count;
    CHECK(count == n);
  }
  CHECK(fs::is_directory(to / "val/run_fast"));
  CHECK(fs::is_empty(to / "val/run_fast"));
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == "split val has no video of class(es) run_fast: their folders are empty, and torchvision's "
                         "Kinetics (0.14) refuses empty class folders");

  SUBCASE("whole-file formats refuse a video split apart") {
    CHECK_THROWS_WITH_AS(run_export(dir.path() / "out", dir.path() / "mm", "mmaction2"),
                         "video 'jump/a.mp4' has clips in splits train and val; format mmaction2 lists whole files "
                         "(use --format clips or kinetics, or split with --unit video)",
                         ConfigError);
  }
}

TEST_CASE("vidsplit::export_split pytorchvideo and hf-videofolder") {
  test::TempDir dir;
  write_out(dir.path() / "out", kVideoUnit, kVideos);
  SUBCASE("pytorchvideo") {
    const fs::path to = dir.path() / "ptv";
    run_export(dir.path() / "out", to, "pytorchvideo");
    CHECK(read_file((to / "train.csv").string()) == "jump/a.mp4 0\nrun_fast/run_x.mp4 1\n");
    CHECK(read_file((to / "val.csv").string()) == "jump/sub_b_c.mp4 0\n");
    for (const std::string& line : lines_of((to / "train.csv").string())) {
      // LabeledVideoPaths.from_csv: "path label", split on the last space.
      const size_t space = line.rfind(' ');
      check_video(to, line.substr(0, space));
      CHECK(std::stoi(line.substr(space + 1)) >= 0);
    }
    check_only_inside(dir.path(), to);
  }
  SUBCASE("hf-videofolder") {
    const fs::path to = dir.path() / "hf";
    const ExportResult r = run_export(dir.path() / "out", to, "hf-videofolder");
    CHECK(r.files == std::vector<std::string>{"test/metadata.csv", "train/metadata.csv", "val/metadata.csv"});
    CHECK(read_file((to / "train/metadata.csv").string()) ==
          "file_name,label\njump/a.mp4,jump\nrun_fast/run_x.mp4,run fast\n");
    for (const char* split : {"train", "val", "test"}) {
      const CsvTable t = read_csv_file((to / split / "metadata.csv").string(), {"file_name", "label"});
      CHECK(t.rows.size() == (std::string(split) == "train" ? 2u : 1u));
      for (const CsvRow& row : t.rows) check_video(to / split, row[0]);
    }
    check_only_inside(dir.path(), to);
  }
  SUBCASE("symlinks point at the absolute source; a second export into the folder replaces nothing") {
    ExportOptions o;
    o.format = "mmaction2";
    o.to = (dir.path() / "ln").string();
    o.link = LinkMode::Symlink;
    const ExportPlan plan = load_export_plan(dir / "out");
    export_split(plan, o);
    CHECK_THROWS_WITH_AS(export_split(plan, o), doctest::Contains("ln/jump/a.mp4: they are the same file"), Error);
    CHECK(fs::is_symlink(dir.path() / "ln/jump/a.mp4"));
    CHECK(fs::read_symlink(dir.path() / "ln/jump/a.mp4") == fs::absolute(test::data("gray_cut.mp4")));
    CHECK_THROWS_AS(parse_link_mode("move"), ConfigError);
  }
  SUBCASE("unknown format") {
    CHECK_THROWS_WITH_AS(run_export(dir.path() / "out", dir.path() / "x", "coco"),
                         "unknown export format 'coco' (one of: mmaction2, ucf101, kinetics, pytorchvideo, "
                         "hf-videofolder, mmaction2-rawframes, ultralytics, clips)",
                         ConfigError);
  }
}

TEST_CASE("vidsplit export: command line") {
  test::TempDir dir;
  write_out(dir.path() / "out", kVideoUnit, kVideos);
  const auto run = [&](const std::string& args) {
    const std::string cmd = std::string(VIDSPLIT_BINARY) + " export " + args + " > " + (dir / "stdout.txt") +
                            " 2> " + (dir / "stderr.txt");
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  CHECK(run("'" + (dir / "out") + "' --format ucf101") == 0);
  CHECK(fs::exists(dir.path() / "out/export/ucf101/trainlist01.txt"));
  CHECK(run("'" + (dir / "out") + "' --format nope --to '" + (dir / "x") + "'") == 2);
  CHECK(read_file(dir / "stderr.txt").find("unknown export format 'nope'") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "x"));
  CHECK(run("'" + (dir / "nowhere") + "' --format ucf101 --to '" + (dir / "x") + "'") == 2);
  CHECK(read_file(dir / "stderr.txt").find("clips.csv not found") != std::string::npos);
  CHECK(run("--help") == 0);
  CHECK(read_file(dir / "stdout.txt").find("DIR/<split>_list_videos.txt         \"<label>/<name> <class>\"") !=
        std::string::npos);
}

TEST_CASE("vidsplit run + export: hostile labels and file names stay inside the export folder") {
  test::TempDir dir;
  const fs::path in = dir.path() / "in", in2 = dir.path() / "in2";
  fs::create_directories(in / "@evil");
  fs::create_directories(in / "run");
  fs::create_directories(in / "wave");
  fs::create_directories(in2);
  fs::copy_file(test::data("gray_cut.mp4"), in2 / "-x.mp4");
  fs::copy_file(test::data("vfr.mp4"), in / "@evil" / "a..b.mp4");
  fs::copy_file(test::data("rotate90.mp4"), in / "run" / "c.mp4");
  fs::copy_file(test::sample("wave/wave_spiral.mp4"), in / "wave" / "d.mp4");
  const std::string hyperlink = "=HYPERLINK(\"http://evil\",\"x\")";
  std::string labels;
  append_csv_row(labels, {"video", "label"});
  append_csv_row(labels, {"-x.mp4", "../../etc"});
  append_csv_row(labels, {"run/c.mp4", "/abs"});
  append_csv_row(labels, {"wave/d.mp4", hyperlink});
  write_file_atomic(dir / "labels.csv", labels);
  const auto q = [](const fs::path& p) { return std::string(1, '\'') + p.string() + '\''; };
  REQUIRE(test::run_cli("run " + q(in) + " " + q(in2) + " -o " + q(dir.path() / "out") + " --labels " +
                        q(dir.path() / "labels.csv") + " -q --no-report") == 0);

  // clips.csv: exact values, and vidsplit reads them back (here through --keep) unchanged.
  const std::string clips = read_file(dir / "out/clips.csv");
  CHECK(clips.find("\n-x.mp4,0,shot,0,") != std::string::npos);
  CHECK(clips.find("\n@evil/a..b.mp4,0,shot,0,") != std::string::npos);
  CHECK(clips.find(",\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",") != std::string::npos);
  const CsvTable table = test::read_table(dir / "out/clips.csv");
  std::set<std::string> videos, label_set;
  for (const CsvRow& r : table.rows) {
    videos.insert(r[0]);
    label_set.insert(r[7]);
  }
  CHECK(videos == std::set<std::string>{"-x.mp4", "@evil/a..b.mp4", "run/c.mp4", "wave/d.mp4"});
  CHECK(label_set == std::set<std::string>{"../../etc", "@evil", "/abs", hyperlink});
  CHECK(test::run_cli("split " + q(dir.path() / "out/scan.jsonl") + " -o " + q(dir.path() / "kept") + " --keep " +
                      q(dir.path() / "out/clips.csv") + " -q") == 0);
  CHECK(read_file(dir / "kept/clips.csv") == clips);

  // The export: every label and name is one sanitised component below DIR.
  const fs::path to = dir.path() / "deep/exp";
  REQUIRE(test::run_cli("export " + q(dir.path() / "out") + " --format mmaction2 --to " + q(to)) == 0);
  std::set<std::string> placed;
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
    if (!e.is_regular_file() || e.path().extension() != ".mp4") continue;
    const std::string rel = fs::relative(e.path(), dir.path()).generic_string();
    if (rel.starts_with("in/") || rel.starts_with("in2/")) continue;
    placed.insert(rel);
  }
  CHECK(placed == std::set<std::string>{"deep/exp/.._.._etc/-x.mp4", "deep/exp/_evil/a..b.mp4", "deep/exp/_abs/run_c.mp4",
                                        "deep/exp/_HYPERLINK_http___evil___x_/wave_d.mp4"});
  CHECK_FALSE(fs::exists("/abs"));
}
