// Where `vidsplit export` may write, what it may replace, and which sources it may read: each case runs the real
// binary on a small real dataset (run, then export) and checks that no source and no earlier file changed.
#include "support.hpp"
#include "vidsplit/decode.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/export.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/scan.hpp"
#include "export/target.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <csignal>
#include <map>
#include <sstream>

using namespace vidsplit;
namespace fs = std::filesystem;

namespace {

// fmt rather than "'" + ... + "'", on which GCC 12 at -O3 gives a false -Wrestrict warning.
std::string q(const fs::path& p) { return fmt::format("'{}'", p.string()); }

// The binary run from `cwd` with `prefix` shell commands before it (limits, traps); -1 when a signal ended it.
int vidsplit_in(const fs::path& cwd, const std::string& args, const test::TempDir& logs, const std::string& prefix = "") {
  const std::string command = "cd " + q(cwd) + " && (" + prefix + " exec " + VIDSPLIT_BINARY + " " + args + ") > " +
                              q(logs / "stdout.txt") + " 2> " + q(logs / "stderr.txt");
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Every regular file and link below `dir` with its bytes (a link: "-> target"), to see that nothing changed.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).generic_string();
    if (e.is_symlink()) files[rel] = "-> " + fs::read_symlink(e.path()).string();
    else if (e.is_regular_file()) files[rel] = read_file(e.path().string());
  }
  return files;
}

// dir/d/{jump/a.mp4, run/b.mkv}, and dir/out from `vidsplit run d -o out` run inside dir (relative paths).
struct Dataset {
  test::TempDir dir;
  fs::path root = dir.path() / "d", out = dir.path() / "out";

  Dataset() {
    fs::create_directories(root / "jump");
    fs::create_directories(root / "run");
    fs::copy_file(test::data("gray_cut.mp4"), root / "jump/a.mp4");
    fs::copy_file(test::data("mpeg4_noise_aba.mkv"), root / "run/b.mkv");
    REQUIRE(vidsplit_in(dir.path(), "run d -o out -q --no-report --ratios train=0.5,val=0.5", dir) == 0);
  }
  int exp(const std::string& args, const std::string& prefix = "") {
    return vidsplit_in(dir.path(), "export out " + args, dir, prefix);
  }
  std::string err() const { return read_file(dir / "stderr.txt"); }
  // OUT's files as readers see them (through OUT's current generation).
  std::map<std::string, std::string> outputs() const {
    std::map<std::string, std::string> files;
    for (const char* name : {"clips.csv", "scan.jsonl", "summary.json", "errors.csv", "group_evidence.csv"})
      files[name] = read_file((out / name).string());
    return files;
  }
  bool one_line_error(const std::string& text) const {
    const std::string e = err();
    INFO(e);
    return e.find(text) != std::string::npos && std::count(e.begin(), e.end(), '\n') == 1;
  }
  // Staging folders that a failed export left beside `to`.
  size_t leftovers(const fs::path& parent) const {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(parent)) n += e.path().filename().string().find(".vidsplit-tmp-") != std::string::npos;
    return n;
  }
};

}  // namespace

// One run serves every case of these two tests (each a few seconds under load): a refusal changes nothing, and
// each accepted export has its own target.
TEST_CASE("vidsplit export: never into a source's folder or OUT") {
  Dataset ds;
  const auto sources = snapshot(ds.root);
  const auto outputs = ds.outputs();
  // mmaction2 into the dataset root.
  CHECK(ds.exp("--format mmaction2 --to d") == 2);
  CHECK(ds.one_line_error("export target d contains the folder"));
  // Symbolic links into a label folder.
  CHECK(ds.exp("--format mmaction2 --link symlink --to d/jump") == 2);
  CHECK(ds.one_line_error("export target d/jump is the folder"));
  // Hard links into a folder below a source's folder.
  CHECK(ds.exp("--format ucf101 --link hardlink --to d/run/x") == 2);
  CHECK(ds.one_line_error("lies inside the folder"));
  // A link to the dataset and `..` are resolved.
  fs::create_directory_symlink(ds.root, ds.dir.path() / "link");
  CHECK(ds.exp("--format mmaction2 --to link/jump/../run") == 2);
  CHECK(ds.one_line_error("link/jump/../run is the folder"));
  // clips into OUT, into the folder holding OUT, and beside OUT's files.
  CHECK(ds.exp("--format clips --to out") == 2);
  CHECK(ds.one_line_error("export target out is the OUT folder out"));
  CHECK(ds.exp("--format clips --to .") == 2);
  CHECK(ds.one_line_error("contains the OUT folder"));
  CHECK(ds.exp("--format clips --to out/mine") == 2);
  CHECK(ds.one_line_error("only folders below OUT/export/ may hold an export"));

  CHECK(snapshot(ds.root) == sources);
  CHECK(ds.outputs() == outputs);
  CHECK(vidsplit_in(ds.dir.path(), "report out", ds.dir) == 0);
}

TEST_CASE("vidsplit export: an existing target is replaced only when it is an earlier export") {
  Dataset ds;
  // A folder holding other files is refused, with or without --overwrite.
  const fs::path busy = ds.dir.path() / "busy";
  fs::create_directories(busy / "jump");
  write_file_atomic((busy / "label_map.txt").string(), "mine\n");
  write_file_atomic((busy / "jump/a.mp4").string(), "not a video");
  const auto before = snapshot(busy);
  CHECK(ds.exp("--format mmaction2 --to busy") == 2);
  CHECK(ds.one_line_error("is not empty and holds no earlier vidsplit export"));
  CHECK(ds.exp("--format mmaction2 --to busy --overwrite") == 2);
  CHECK(snapshot(busy) == before);
  // A file is refused.
  write_file_atomic(ds.dir / "file", "x");
  CHECK(ds.exp("--format mmaction2 --to file") == 2);
  CHECK(ds.one_line_error("exists and is not a folder"));
  CHECK(read_file(ds.dir / "file") == "x");
  // An empty folder is used; an earlier export needs --overwrite, which replaces it whole.
  const fs::path to = ds.dir.path() / "exp";
  fs::create_directories(to);
  REQUIRE(ds.exp("--format mmaction2 --to exp") == 0);
  const nlohmann::json marker = nlohmann::json::parse(read_file((to / kExportMarker).string()));
  CHECK(marker["format"] == "vidsplit-export");
  CHECK(marker["export_format"] == "mmaction2");
  CHECK(marker["source"] == ds.out.string());
  CHECK(ds.exp("--format ucf101 --to exp") == 2);
  CHECK(ds.one_line_error("holds an earlier vidsplit export; overwrite it to replace it"));
  CHECK(fs::exists(to / "label_map.txt"));
  REQUIRE(ds.exp("--format ucf101 --to exp --overwrite") == 0);
  CHECK(fs::exists(to / "classInd.txt"));
  CHECK_FALSE(fs::exists(to / "label_map.txt"));
  CHECK(ds.leftovers(ds.dir.path()) == 0);
  // The default target, below OUT/export/.
  CHECK(ds.exp("--format kinetics") == 0);
  CHECK(fs::exists(ds.out / "export/kinetics" / kExportMarker));
  CHECK(ds.exp("--format kinetics") == 2);
  CHECK(ds.exp("--format kinetics --overwrite") == 0);
}

TEST_CASE("vidsplit export: a failed or killed export leaves the earlier one as it was") {
  Dataset ds;
  const fs::path to = ds.dir.path() / "exp";
  REQUIRE(ds.exp("--format mmaction2 --to exp") == 0);
  const auto before = snapshot(to);
  // A file size limit below the 29 KB video: the copy's write fails (EFBIG) with SIGXFSZ ignored, and the
  // process is killed by SIGXFSZ in the middle of the write without.
  SUBCASE("a write fails") {
    CHECK(ds.exp("--format mmaction2 --to exp --overwrite", "trap '' XFSZ; ulimit -f 16;") == 1);
    CHECK(ds.err().find("cannot place") != std::string::npos);
    CHECK(snapshot(to) == before);
    CHECK(ds.leftovers(ds.dir.path()) == 0);
  }
  SUBCASE("the process is killed mid-write; the next export removes its remains") {
    CHECK(ds.exp("--format ucf101 --to exp --overwrite", "ulimit -f 16;") == 128 + SIGXFSZ);  // the shell's code
    CHECK(snapshot(to) == before);
    CHECK(ds.leftovers(ds.dir.path()) == 1);
    REQUIRE(ds.exp("--format ucf101 --to exp --overwrite") == 0);
    CHECK(ds.leftovers(ds.dir.path()) == 0);
    CHECK(fs::exists(to / "classInd.txt"));
  }
}

TEST_CASE("vidsplit export: reads only the files the scan read, unchanged") {
  Dataset ds;  // one run for every case: each edit is undone before the next
  // Edited where export reads it: OUT/scan.jsonl is a link into OUT's current generation.
  const std::string scan_path = (fs::path(current_output_dir(ds.out.string())) / "scan.jsonl").string();
  const std::string scan = read_file(scan_path);
  const auto edit_path = [&](const std::string& from, const std::string& to) {
    std::string edited = scan;
    const size_t at = edited.find("\"path\":\"" + from + "\"");
    REQUIRE(at != std::string::npos);
    edited.replace(at, from.size() + 9, "\"path\":\"" + to + "\"");
    return edited;
  };
  // A path edited to /etc/passwd.
  write_file_atomic(scan_path, edit_path("d/jump/a.mp4", "/etc/passwd"));
  CHECK(ds.exp("--format mmaction2 --to exp") == 2);
  CHECK(ds.one_line_error("video 'jump/a.mp4': its path /etc/passwd in scan.jsonl lies outside the scan's inputs"));
  // The same edit in a scan that records no input roots.
  const std::string edited = edit_path("d/jump/a.mp4", "/etc/passwd");
  nlohmann::json header = nlohmann::json::parse(edited.substr(0, edited.find('\n')));
  REQUIRE(header.erase("origin") == 1);
  write_file_atomic(scan_path, header.dump() + edited.substr(edited.find('\n')));
  CHECK(ds.exp("--format mmaction2 --to exp") == 2);
  CHECK(ds.one_line_error("video 'jump/a.mp4': /etc/passwd is not the scanned video any more"));
  // A path leaving the root through `..`, to a copy of the same video.
  fs::copy_file(ds.root / "jump/a.mp4", ds.dir.path() / "a.mp4");
  write_file_atomic(scan_path, edit_path("d/jump/a.mp4", "d/../a.mp4"));
  CHECK(ds.exp("--format mmaction2 --to exp") == 2);
  CHECK(ds.one_line_error("lies outside the scan's inputs"));
  write_file_atomic(scan_path, scan);
  // A source replaced by another video since the scan.
  fs::copy_file(test::data("vfr.mp4"), ds.root / "jump/a.mp4", fs::copy_options::overwrite_existing);
  CHECK(ds.exp("--format mmaction2 --to exp") == 2);
  CHECK(ds.one_line_error("/d/jump/a.mp4 changed since the scan"));
  CHECK(ds.err().find("video 'jump/a.mp4': ") != std::string::npos);
  fs::copy_file(test::data("gray_cut.mp4"), ds.root / "jump/a.mp4", fs::copy_options::overwrite_existing);
  // A source removed since the scan.
  fs::rename(ds.root / "run/b.mkv", ds.dir.path() / "b.mkv");
  CHECK(ds.exp("--format mmaction2 --to exp") == 2);
  CHECK(ds.one_line_error("/d/run/b.mkv is missing or not a regular file"));
  CHECK(ds.err().find("video 'run/b.mkv': ") != std::string::npos);
  fs::rename(ds.dir.path() / "b.mkv", ds.root / "run/b.mkv");
  CHECK_FALSE(fs::exists(ds.dir.path() / "exp"));
  // Restored, the same export goes through: each refusal above was the edit's.
  CHECK(ds.exp("--format mmaction2 --to exp") == 0);
}

TEST_CASE("vidsplit export: from another working folder") {
  Dataset ds;
  // scan.jsonl holds d/jump/a.mp4, relative to where run ran; the header records that folder.
  CHECK(read_file((ds.out / "scan.jsonl").string()).find("\"path\":\"d/jump/a.mp4\"") != std::string::npos);
  const fs::path elsewhere = ds.dir.path() / "elsewhere";
  fs::create_directories(elsewhere);
  REQUIRE(vidsplit_in(elsewhere, "export ../out --format mmaction2 --to ../exp --link symlink", ds.dir) == 0);
  CHECK(fs::read_symlink(ds.dir.path() / "exp/jump/a.mp4") == ds.root / "jump/a.mp4");
  REQUIRE(vidsplit_in("/", "export " + q(ds.out) + " --format mmaction2 --to " + q(ds.dir.path() / "exp2"), ds.dir) == 0);
  CHECK(read_file(ds.dir / "exp2/run/b.mkv") == read_file(test::data("mpeg4_noise_aba.mkv")));
}

TEST_CASE("vidsplit::place_source_file") {
  test::TempDir dir;
  const fs::path src = dir.path() / "a.mp4";
  write_file_atomic(src.string(), "video bytes");
  CHECK_THROWS_WITH_AS(place_source_file(src, src, LinkMode::Copy, nullptr),
                       (fmt::format("cannot place {} at {}: they are the same file", src.string(), src.string())).c_str(),
                       Error);
  fs::create_hard_link(src, dir.path() / "b.mp4");
  CHECK_THROWS_WITH_AS(place_source_file(src, dir.path() / "b.mp4", LinkMode::Symlink, nullptr),
                       doctest::Contains("they are the same file"), Error);
  write_file_atomic(dir / "c.mp4", "other");
  CHECK_THROWS_WITH_AS(place_source_file(src, dir.path() / "c.mp4", LinkMode::Copy, nullptr),
                       doctest::Contains("the file exists, and export never overwrites"), Error);
  CHECK(read_file(src.string()) == "video bytes");
  CHECK(read_file(dir / "c.mp4") == "other");
  place_source_file(src, dir.path() / "d.mp4", LinkMode::Copy, nullptr);
  CHECK(read_file(dir / "d.mp4") == "video bytes");
  const std::atomic<bool> stop{true};
  CHECK_THROWS_AS(place_source_file(src, dir.path() / "e.mp4", LinkMode::Copy, &stop), Interrupted);
}

TEST_CASE("vidsplit::VideoDecoder::stream_content_hash is the scan's content_hash") {
  for (const char* name : {"gray_cut.mp4", "vfr.mp4", "rotate90.mp4", "mpeg4_cut.mkv", "hevc_gop.mp4"}) {
    CAPTURE(name);
    const std::string path = test::data(name).string();
    ScanOptions options;
    const VideoScan plain = scan_video({name, path, "x"}, options);
    options.keyframes_first = true;
    const VideoScan keys = scan_video({name, path, "x"}, options);
    REQUIRE(plain.ok());
    CHECK(VideoDecoder::stream_content_hash(path) == plain.content_hash);
    CHECK(keys.content_hash == plain.content_hash);
  }
  CHECK_THROWS_WITH_AS(VideoDecoder::stream_content_hash("/etc/passwd"), doctest::Contains("cannot open"), Error);
}

TEST_CASE("vidsplit::ExportPlan::whole_video_split names the formats that take a video split apart") {
  ExportPlan plan;
  plan.videos.push_back({"a.mp4", "a.mp4", std::nullopt, "x", "x", "a.mp4"});
  plan.segments = {{0, "train", 0, 10, 0.0, 0.4}, {0, "val", 10, 20, 0.4, 0.8}};
  CHECK_THROWS_WITH_AS(plan.whole_video_split(0, "mmaction2"),
                       "video 'a.mp4' has clips in splits train and val; format mmaction2 lists whole files (use "
                       "--format clips or kinetics, or split with --unit video)",
                       ConfigError);
}

TEST_CASE("vidsplit::scan_origin") {
  const ScanOrigin origin = scan_origin({"data/", "../x.mp4", "/abs/y/./z"});
  const fs::path cwd = fs::current_path();
  CHECK(origin.cwd == cwd.string());
  CHECK(origin.roots == std::vector<std::string>{(cwd / "data").string(), (cwd.parent_path() / "x.mp4").string(),
                                                 "/abs/y/z"});
}

TEST_CASE("vidsplit merge: shards scanned from different folders export from a third") {
  Dataset ds;
  const fs::path b = ds.dir.path() / "b";
  fs::create_directories(b);
  REQUIRE(vidsplit_in(ds.dir.path(), "scan d -o s0 -q --shard 0/2", ds.dir) == 0);
  REQUIRE(vidsplit_in(b, "scan ../d -o ../s1 -q --shard 1/2", ds.dir) == 0);
  REQUIRE(vidsplit_in(ds.dir.path(), "merge s0/scan.jsonl s1/scan.jsonl -o m", ds.dir) == 0);
  const std::string merged = read_file(ds.dir / "m/scan.jsonl");
  // The second shard's paths were relative to b/: they are stored absolute, the first's stay relative to dir.
  CHECK(merged.find("\"origin\":{\"cwd\":\"" + ds.dir.path().string() + "\"") != std::string::npos);
  CHECK(merged.find("\"roots\":[\"" + ds.root.string() + "\"]") != std::string::npos);
  CHECK(merged.find("\"path\":\"" + (ds.root / "jump/a.mp4").string() + "\"") != std::string::npos);  // shard 1
  CHECK(merged.find("\"path\":\"d/run/b.mkv\"") != std::string::npos);                                   // shard 0
  REQUIRE(vidsplit_in(ds.dir.path(), "split m/scan.jsonl -o m -q --ratios train=0.5,val=0.5", ds.dir) == 0);
  REQUIRE(vidsplit_in(b, "export ../m --format mmaction2 --to ../exp", ds.dir) == 0);
  CHECK(read_file(ds.dir / "exp/jump/a.mp4") == read_file(test::data("gray_cut.mp4")));
  CHECK(read_file(ds.dir / "exp/run/b.mkv") == read_file(test::data("mpeg4_noise_aba.mkv")));
}
