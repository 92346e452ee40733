// Frame-extraction exports (ultralytics, mmaction2-rawframes) and the decoder's display-size frames.
#include "support.hpp"
#include "vidsplit/decode.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/export.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/scan.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>

#include <set>
#include <sstream>

using namespace vidsplit;
namespace fs = std::filesystem;

namespace {

// gray_cut.mp4 (64x48, 40 frames, a cut at 20) split at the cut, with a guard over frames 20-25.
void write_out(const fs::path& out) {
  fs::create_directories(out);
  std::string clips;
  append_csv_row(clips, kClipsColumns);
  clips +=
      "gray/a.mp4,0,shot,0,20,0.000000,0.800000,gray,0,train\n"
      "gray/a.mp4,1,guard,20,25,0.800000,1.000000,gray,-1,excluded\n"
      "gray/a.mp4,1,shot,25,40,1.000000,1.600000,gray,1,val\n";
  write_file_atomic((out / "clips.csv").string(), clips);
  // A real scan of the file: the exports that give times read its frame times.
  const VideoScan s = scan_video({"gray/a.mp4", test::data("gray_cut.mp4").string(), "gray"}, ScanOptions{});
  write_scan_jsonl((out / "scan.jsonl").string(), std::vector<VideoScan>{s}, nlohmann::json::object());
}

std::set<std::string> files_under(const fs::path& root) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out.insert(fs::relative(e.path(), root).generic_string());
  return out;
}

ExportOptions options(const fs::path& to, const std::string& format, int every) {
  ExportOptions o;
  o.format = format;
  o.to = to.string();
  o.frames_every = every;
  return o;
}

}  // namespace

TEST_CASE("vidsplit::VideoDecoder display_size") {
  DecoderOptions o;
  o.display_size = true;
  VideoDecoder d(test::data("rotate90.mp4").string(), o);
  AnalysisFrame f;
  REQUIRE(d.next(f));
  CHECK(f.bgr.cols == 32);  // the display size, after the 90-degree turn
  CHECK(f.bgr.rows == 64);
  CHECK(cv::mean(f.bgr.rowRange(0, 28))[0] < 30);  // upright, as in analysis frames
  CHECK(cv::mean(f.bgr.rowRange(36, 64))[0] > 220);
  VideoDecoder small(test::data("rotate90.mp4").string(), DecoderOptions{});
  REQUIRE(small.next(f));
  CHECK(f.bgr.cols == 64);  // unchanged default: the analysis square
  CHECK(f.bgr.rows == 64);
}

TEST_CASE("vidsplit::export_split ultralytics") {
  test::TempDir dir;
  write_out(dir.path() / "out");
  const fs::path to = dir.path() / "yolo";
  const ExportResult r = export_split(load_export_plan(dir / "out"), options(to, "ultralytics", 5));
  CHECK(r.files.empty());
  CHECK(files_under(to) == std::set<std::string>{"train/gray/a_000000.jpg", "train/gray/a_000005.jpg",
                                                 "train/gray/a_000010.jpg", "train/gray/a_000015.jpg",
                                                 "val/gray/a_000025.jpg", "val/gray/a_000030.jpg",
                                                 "val/gray/a_000035.jpg"});
  // Read back as Ultralytics does: <split>/<class>/<image>; frames keep the video's size.
  for (const std::string& f : files_under(to)) {
    const cv::Mat image = cv::imread((to / f).string());
    REQUIRE(!image.empty());
    CHECK(image.cols == 64);
    CHECK(image.rows == 48);
  }
  const std::string first = read_file((to / "train/gray/a_000000.jpg").string());
  export_split(load_export_plan(dir / "out"), options(to, "ultralytics", 5));
  CHECK(read_file((to / "train/gray/a_000000.jpg").string()) == first);  // deterministic
  CHECK_THROWS_AS(export_split(load_export_plan(dir / "out"), options(to, "ultralytics", 0)), ConfigError);
}

TEST_CASE("vidsplit::export_split mmaction2-rawframes") {
  test::TempDir dir;
  write_out(dir.path() / "out");
  const fs::path to = dir.path() / "raw";
  const ExportResult r = export_split(load_export_plan(dir / "out"), options(to, "mmaction2-rawframes", 1));
  CHECK(r.files == std::vector<std::string>{"label_map.txt", "train_list_rawframes.txt", "val_list_rawframes.txt"});
  CHECK(read_file((to / "train_list_rawframes.txt").string()) == "gray/a_f0-20 20 0\n");
  CHECK(read_file((to / "val_list_rawframes.txt").string()) == "gray/a_f25-40 15 0\n");
  // Parse back as RawframeDataset: "frame_dir total_frames label", frames img_00001.jpg .. img_<total>.jpg.
  for (const char* list : {"train_list_rawframes.txt", "val_list_rawframes.txt"}) {
    std::istringstream in(read_file((to / list).string()));
    std::string frame_dir;
    int total = 0, label = -1;
    in >> frame_dir >> total >> label;
    REQUIRE(!in.fail());
    CHECK(label == 0);
    size_t jpgs = 0;
    for (const auto& e : fs::directory_iterator(to / frame_dir)) jpgs += e.path().extension() == ".jpg";
    CHECK(jpgs == static_cast<size_t>(total));
    CHECK(fs::exists(to / frame_dir / "img_00001.jpg"));
    CHECK(fs::exists(to / frame_dir / fmt::format("img_{:05d}.jpg", total)));
    CHECK_FALSE(fs::exists(to / frame_dir / fmt::format("img_{:05d}.jpg", total + 1)));
  }
  SUBCASE("--frames-every thins every segment") {
    const fs::path to2 = dir.path() / "raw2";
    export_split(load_export_plan(dir / "out"), options(to2, "mmaction2-rawframes", 10));
    CHECK(read_file((to2 / "train_list_rawframes.txt").string()) == "gray/a_f0-20 2 0\n");  // frames 0, 10
    CHECK(read_file((to2 / "val_list_rawframes.txt").string()) == "gray/a_f25-40 1 0\n");   // frame 30
  }
}

namespace {

// Frames and timestamps of a written clip, read back with the pipeline's decoder.
std::vector<double> clip_times(const fs::path& file) {
  VideoDecoder d(file.string(), DecoderOptions{});
  AnalysisFrame f;
  std::vector<double> out;
  while (d.next(f)) out.push_back(f.seconds);
  return out;
}

}  // namespace

TEST_CASE("vidsplit::export_split clips") {
  test::TempDir dir;
  // jump_cuts3.mp4: 150 frames at 25 fps, keyframes at 0, 40 and 85 (its cuts).
  const fs::path out = dir.path() / "out";
  fs::create_directories(out);
  std::string clips;
  append_csv_row(clips, kClipsColumns);
  clips +=
      "jump/c.mp4,0,shot,0,40,0.000000,1.600000,jump,0,train\n"
      "jump/c.mp4,1,shot,40,85,1.600000,3.400000,jump,1,val\n"
      "jump/c.mp4,2,guard,85,100,3.400000,4.000000,jump,-1,excluded\n"
      "jump/c.mp4,2,shot,100,150,4.000000,6.000000,jump,2,train\n";
  write_file_atomic((out / "clips.csv").string(), clips);
  const VideoScan s = scan_video({"jump/c.mp4", test::sample("jump/jump_cuts3.mp4"), "jump"}, ScanOptions{});
  write_scan_jsonl((out / "scan.jsonl").string(), std::vector<VideoScan>{s}, nlohmann::json::object());

  const fs::path to = dir.path() / "clips";
  ExportOptions o = options(to, "clips", 1);
  const ExportResult r = export_split(load_export_plan(out.string()), o);
  CHECK(r.files == std::vector<std::string>{"clips.csv", "label_map.txt", "train/metadata.csv",
                                            "train_list_videos.txt", "val/metadata.csv", "val_list_videos.txt"});
  // Times in the source (1/12800 s ticks, 25 fps): first frame + 1/1000 tick up, last frame - 1/1000 tick down.
  CHECK(read_file((to / "clips.csv").string()) ==
        "file,label,split,video,start_frame,end_frame,method,start_sec,end_sec\n"
        "train/jump/c_0-40.mp4,jump,train,jump/c.mp4,0,40,copy,0.000000079,1.559999921\n"
        "val/jump/c_40-85.mp4,jump,val,jump/c.mp4,40,85,copy,1.600000079,3.359999921\n"
        "train/jump/c_100-150.mp4,jump,train,jump/c.mp4,100,150,reencode,4.000000079,5.959999921\n");
  // The clip files listed for mmaction2 / PyTorchVideo and for HF videofolder.
  CHECK(read_file((to / "train_list_videos.txt").string()) ==
        "train/jump/c_0-40.mp4 0\ntrain/jump/c_100-150.mp4 0\n");
  CHECK(read_file((to / "val_list_videos.txt").string()) == "val/jump/c_40-85.mp4 0\n");
  CHECK(read_file((to / "label_map.txt").string()) == "jump\n");
  CHECK(read_file((to / "val/metadata.csv").string()) == "file_name,label\njump/c_40-85.mp4,jump\n");
  // Parse back: each listed file holds exactly its frames, timed from 0 at the source's 25 fps.
  const CsvTable t = read_csv_file((to / "clips.csv").string(), {"file", "start_frame", "end_frame"});
  for (const CsvRow& row : t.rows) {
    INFO(row[0]);
    const auto times = clip_times(to / row[0]);
    REQUIRE(static_cast<int64_t>(times.size()) == std::stoll(row[5]) - std::stoll(row[4]));
    CHECK(times.front() == doctest::Approx(0.0));
    CHECK(times.back() == doctest::Approx(0.04 * static_cast<double>(times.size() - 1)));
  }
  const VideoDecoder big((to / "train/jump/c_100-150.mp4").string(), DecoderOptions{});
  CHECK(big.info().coded_width == 160);  // re-encoded at the source's size
  CHECK(big.info().coded_height == 120);

  SUBCASE("--reencode forces every segment through the encoder, deterministically") {
    o.reencode = true;
    o.to = (dir.path() / "re").string();
    export_split(load_export_plan(out.string()), o);
    const std::string first = read_file(dir / "re/train/jump/c_0-40.mp4");
    CHECK(read_file(dir / "re/clips.csv").find(",0,40,reencode,") != std::string::npos);
    CHECK(clip_times(dir.path() / "re/val/jump/c_40-85.mp4").size() == 45);
    export_split(load_export_plan(out.string()), o);
    CHECK(read_file(dir / "re/train/jump/c_0-40.mp4") == first);
  }
}
