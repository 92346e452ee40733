// What each export's consumer derives from it: class numbers from sorted folder names, one folder per class in
// every split, folds in the consumer's own scheme, inclusive times, names that stay distinct.
#include "support.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/export.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/scan.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace vidsplit;
namespace fs = std::filesystem;

namespace {

struct Row {
  std::string video, label, split;
  int fold = -1;  // >= 0: clips.csv gets a fold column
};

// OUT with one whole-video row per entry, each a real scan of gray_cut.mp4 (40 frames).
void write_out(const fs::path& out, const std::vector<Row>& rows) {
  fs::create_directories(out);
  const bool folds = !rows.empty() && rows.front().fold >= 0;
  std::vector<std::string> header = kClipsColumns;
  if (folds) header.push_back("fold");
  std::string clips;
  append_csv_row(clips, header);
  std::vector<VideoScan> scans;
  const VideoScan scan = scan_video({"x", test::data("gray_cut.mp4").string(), "x"}, ScanOptions{});
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    std::vector<std::string> cells = {r.video, "0", "shot", "0", "40", "0.000000", "1.600000", r.label,
                                      std::to_string(i), r.split};
    if (folds) cells.push_back(std::to_string(r.fold));
    append_csv_row(clips, cells);
    VideoScan s = scan;
    s.video = r.video;
    s.label = r.label;
    scans.push_back(s);
  }
  write_file_atomic((out / "clips.csv").string(), clips);
  write_scan_jsonl((out / "scan.jsonl").string(), scans, nlohmann::json::object());
}

ExportResult run_export(const fs::path& out, const fs::path& to, const std::string& format) {
  ExportOptions o;
  o.format = format;
  o.to = to.string();
  o.link = LinkMode::Symlink;
  return export_split(load_export_plan(out.string()), o);
}

std::set<std::string> subfolders(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory()) out.insert(e.path().filename().string());
  return out;
}

}  // namespace

TEST_CASE("vidsplit::sanitize_component keeps UTF-8 letters and shortens long names") {
  CHECK(sanitize_component("Ünï.mp4", "label") == "Ünï.mp4");
  CHECK(sanitize_component("ラベル", "label") == "ラベル");
  CHECK(sanitize_component("テスト", "label") == "テスト");
  // torchvision's Kinetics rule: ' ( ) dropped, spaces to _.
  CHECK(sanitize_component("massaging person's head (x)", "label") == "massaging_persons_head_x");
  CHECK(sanitize_component("a\xff\xfe b", "label") == "a___b");  // bytes that are not UTF-8
  CHECK(sanitize_component("\xe3\x83", "label") == "__");          // a cut-off character
  const std::string long_name = std::string(300, 'a') + ".mp4";
  const std::string shortened = sanitize_component(long_name, "video id");
  CHECK(shortened.size() == 180);
  CHECK(shortened.ends_with(".mp4"));
  CHECK(shortened.substr(0, 167) == std::string(167, 'a'));
  CHECK(shortened[167] == '~');
  CHECK(sanitize_component(std::string(300, 'a') + "b.mp4", "video id") != shortened);  // the hash tells them apart
  // 100 three-byte characters: cut at a character boundary.
  std::string kana;
  for (int i = 0; i < 100; ++i) kana += "ア";
  const std::string k = sanitize_component(kana, "label");
  CHECK(k.size() <= 180);
  CHECK(k.substr(0, k.find('~')).size() % 3 == 0);
  CHECK_THROWS_AS(sanitize_component("()", "label"), ConfigError);
}

TEST_CASE("vidsplit::load_export_plan names") {
  test::TempDir dir;
  SUBCASE("labels that sanitise alike get distinct folders with a hash") {
    write_out(dir.path() / "out", {{"a.mp4", "a b", "train"}, {"b.mp4", "a_b", "train"}, {"c.mp4", "a:b", "val"}});
    const ExportPlan plan = load_export_plan((dir.path() / "out").string());
    CHECK(plan.videos[1].folder == "a_b");  // unchanged by the sanitiser: keeps its name
    CHECK(plan.videos[0].folder.starts_with("a_b-"));
    CHECK(plan.videos[2].folder.starts_with("a_b-"));
    CHECK(plan.videos[0].folder != plan.videos[2].folder);
    CHECK(plan.videos[0].folder.size() == 12);
  }
  SUBCASE("two non-ASCII labels of equal byte length stay apart, readable") {
    write_out(dir.path() / "out", {{"a.mp4", "ラベル", "train"}, {"b.mp4", "テスト", "val"}});
    const ExportPlan plan = load_export_plan((dir.path() / "out").string());
    CHECK(plan.folders == std::vector<std::string>{"テスト", "ラベル"});
  }
  SUBCASE("a long nested video id becomes a short flat name") {
    std::string id = "lab";
    for (int i = 0; i < 20; ++i) id += "/" + std::string(40, static_cast<char>('a' + i));
    id += ".mp4";
    write_out(dir.path() / "out", {{id, "lab", "train"}});
    const ExportPlan plan = load_export_plan((dir.path() / "out").string());
    CHECK(plan.videos[0].name.size() == 180);
    const ExportResult r = run_export(dir.path() / "out", dir.path() / "mm", "mmaction2");
    CHECK(r.videos_placed == 1);
    CHECK(fs::exists(dir.path() / "mm/lab" / plan.videos[0].name));
  }
  SUBCASE("one label for every video is warned about") {
    write_out(dir.path() / "out", {{"a.mp4", "videos", "train"}, {"b.mp4", "videos", "val"}});
    const ExportPlan plan = load_export_plan((dir.path() / "out").string());
    REQUIRE(plan.warnings.size() == 1);
    CHECK(plan.warnings[0] == "all 2 videos have the one label 'videos': a flat input folder gives every video its "
                              "name; put the videos in root/<label>/ folders, or give --labels FILE.csv to `run`");
  }
}

TEST_CASE("vidsplit::export_split class numbers follow the sorted folder names") {
  // Sorted raw, "high jump" < "high-kick" (space < '-'); sorted as folders, "high-kick" < "high_jump".
  // "café" -> "café" and "cafe_" -> "cafe_": 'c','a','f', then '_' (0x5F) < 'é' (0xC3).
  test::TempDir dir;
  write_out(dir.path() / "out", {{"a.mp4", "high jump", "train"},
                                 {"b.mp4", "high-kick", "train"},
                                 {"c.mp4", "café", "train"},
                                 {"d.mp4", "cafe_", "val"}});
  const ExportPlan plan = load_export_plan((dir.path() / "out").string());
  CHECK(plan.folders == std::vector<std::string>{"cafe_", "café", "high-kick", "high_jump"});
  CHECK(plan.labels == std::vector<std::string>{"cafe_", "café", "high-kick", "high jump"});
  run_export(dir.path() / "out", dir.path() / "mm", "mmaction2");
  CHECK(read_file(dir / "mm/label_map.txt") == "cafe_\ncafé\nhigh-kick\nhigh jump\n");
  CHECK(read_file(dir / "mm/train_list_videos.txt") == "high_jump/a.mp4 3\nhigh-kick/b.mp4 2\ncafé/c.mp4 1\n");
  run_export(dir.path() / "out", dir.path() / "ucf", "ucf101");
  CHECK(read_file(dir / "ucf/classInd.txt") == "1 cafe_\n2 café\n3 high-kick\n4 high_jump\n");
  CHECK(read_file(dir / "ucf/trainlist01.txt") == "high_jump/a.avi 4\nhigh-kick/b.avi 3\ncafé/c.avi 2\n");
}

TEST_CASE("vidsplit::export_split ultralytics gives every split a folder for every class") {
  test::TempDir dir;
  write_out(dir.path() / "out", {{"a.mp4", "abseiling", "train"}, {"b.mp4", "wave", "train"}, {"c.mp4", "wave", "val"}});
  ExportOptions o;
  o.format = "ultralytics";
  o.to = (dir.path() / "yolo").string();
  o.frames_every = 20;
  export_split(load_export_plan((dir.path() / "out").string()), o);
  CHECK(subfolders(dir.path() / "yolo/train") == std::set<std::string>{"abseiling", "wave"});
  CHECK(subfolders(dir.path() / "yolo/val") == std::set<std::string>{"abseiling", "wave"});
  CHECK(fs::is_empty(dir.path() / "yolo/val/abseiling"));
}

TEST_CASE("vidsplit::export_split --folds") {
  test::TempDir dir;
  write_out(dir.path() / "out", {{"a.mp4", "jump", "fold0", 0},
                                 {"b.mp4", "jump", "fold1", 1},
                                 {"c.mp4", "run", "fold2", 2},
                                 {"d.mp4", "run", "fold0", 0}});
  SUBCASE("ucf101: trainlist0k / testlist0k is fold k-1") {
    const ExportResult r = run_export(dir.path() / "out", dir.path() / "ucf", "ucf101");
    CHECK(r.files == std::vector<std::string>{"classInd.txt", "testlist01.txt", "testlist02.txt", "testlist03.txt",
                                              "trainlist01.txt", "trainlist02.txt", "trainlist03.txt"});
    CHECK(read_file(dir / "ucf/testlist01.txt") == "jump/a.avi\nrun/d.avi\n");
    CHECK(read_file(dir / "ucf/trainlist01.txt") == "jump/b.avi 1\nrun/c.avi 2\n");
    CHECK(read_file(dir / "ucf/testlist03.txt") == "run/c.avi\n");
    CHECK(read_file(dir / "ucf/trainlist03.txt") == "jump/a.avi 1\njump/b.avi 1\nrun/d.avi 2\n");
  }
  SUBCASE("mmaction2 and pytorchvideo: one train/val pair per fold") {
    const ExportResult r = run_export(dir.path() / "out", dir.path() / "mm", "mmaction2");
    CHECK(r.files.size() == 7);
    CHECK(read_file(dir / "mm/fold1_val_list_videos.txt") == "jump/b.mp4 0\n");
    CHECK(read_file(dir / "mm/fold1_train_list_videos.txt") == "jump/a.mp4 0\nrun/c.mp4 1\nrun/d.mp4 1\n");
    run_export(dir.path() / "out", dir.path() / "ptv", "pytorchvideo");
    CHECK(read_file(dir / "ptv/fold2_val.csv") == "run/c.mp4 1\n");
  }
  SUBCASE("formats whose consumer reads one folder per split refuse, saying why") {
    CHECK_THROWS_WITH_AS(run_export(dir.path() / "out", dir.path() / "hf", "hf-videofolder"),
                         "format hf-videofolder cannot express --folds: HF datasets' videofolder reads one folder per "
                         "split, so 3 folds would need 3 copies of the data; use --format mmaction2, pytorchvideo, "
                         "ucf101, mmaction2-rawframes or clips, or split with --ratios",
                         ConfigError);
    CHECK_THROWS_AS(run_export(dir.path() / "out", dir.path() / "k", "kinetics"), ConfigError);
    CHECK_THROWS_AS(run_export(dir.path() / "out", dir.path() / "y", "ultralytics"), ConfigError);
    CHECK_FALSE(fs::exists(dir.path() / "hf/fold0"));
  }
}

TEST_CASE("vidsplit::inclusive_seconds") {
  FrameTimes t(Rational{1, 25});  // a tick is a frame: the end must not reach the next frame's tick
  for (int i = 0; i < 10; ++i) t.push(i);
  t.set_end(10);
  CHECK(inclusive_seconds(t, 2, 5) == std::pair<std::string, std::string>{"0.080040000", "0.159960000"});
  CHECK(inclusive_seconds(t, 0, 1) == std::pair<std::string, std::string>{"0.000000000", "0.000000000"});
  FrameTimes big(Rational{1, 90000});
  big.push(int64_t{900000000000});  // 10^7 s in: no overflow
  big.push(int64_t{900000003000});
  CHECK(inclusive_seconds(big, 0, 2) == std::pair<std::string, std::string>{"10000000.000000012", "10000000.033333322"});
}

TEST_CASE("vidsplit::export_split CSVs hold exact values unless csv_safe") {
  test::TempDir dir;
  write_out(dir.path() / "out", {{"-neg/-x.mp4", "-neg", "train"}, {"b.mp4", "=b", "val"}});
  run_export(dir.path() / "out", dir.path() / "hf", "hf-videofolder");
  CHECK(read_file(dir / "hf/train/metadata.csv") == "file_name,label\n-neg/-x.mp4,-neg\n");
  CHECK(read_file(dir / "hf/val/metadata.csv") == "file_name,label\n_b/b.mp4,=b\n");
  ExportOptions o;
  o.format = "hf-videofolder";
  o.to = (dir.path() / "hf2").string();
  o.csv_safe = true;
  export_split(load_export_plan((dir.path() / "out").string()), o);
  CHECK(read_file(dir / "hf2/train/metadata.csv") == "file_name,label\n'-neg/-x.mp4,'-neg\n");
}
