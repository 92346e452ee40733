#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/outputs.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace vidsplit {

using nlohmann::json;

namespace {

constexpr int kFormatVersion = 1;

std::string hex64(uint64_t v) { return fmt::format("{:016x}", v); }

uint64_t parse_hex64(const std::string& s) {
  if (s.size() != 16) throw Error(fmt::format("bad 64-bit hex value '{}'", s));
  size_t used = 0;
  const uint64_t v = std::stoull(s, &used, 16);
  if (used != s.size()) throw Error(fmt::format("bad 64-bit hex value '{}'", s));
  return v;
}

json hex_list(const std::vector<uint64_t>& values) {
  json list = json::array();
  for (uint64_t v : values) list.push_back(hex64(v));
  return list;
}

// Reads a list of hex hashes that must have `size` entries.
std::vector<uint64_t> read_hex_list(const json& list, size_t size, const char* name) {
  std::vector<uint64_t> values;
  for (const json& h : list) values.push_back(parse_hex64(h.get<std::string>()));
  if (values.size() != size) throw Error(fmt::format("{} has {} entries, keyframes has {}", name, values.size(), size));
  return values;
}

// nlohmann's get<int>() casts a float to the integer type, which is undefined behaviour when it is out of
// range (fuzz_readers found "display_height": 2.4e83). Integers must be JSON integers that fit.
template <typename T>
T integer(const json& j, const char* name) {
  constexpr auto lo = std::numeric_limits<T>::min();
  constexpr auto hi = std::numeric_limits<T>::max();
  if (j.is_number_unsigned() && j.get<uint64_t>() <= static_cast<uint64_t>(hi)) return static_cast<T>(j.get<uint64_t>());
  if (j.is_number_integer() && !j.is_number_unsigned() && j.get<int64_t>() >= lo && j.get<int64_t>() <= hi)
    return static_cast<T>(j.get<int64_t>());
  throw Error(fmt::format("{} must be an integer in [{}, {}], not {}", name, lo, hi, j.dump()));
}

json rational(Rational r) { return json::array({r.num, r.den}); }
Rational to_rational(const json& j, const char* name) { return {integer<int>(j.at(0), name), integer<int>(j.at(1), name)}; }

// FrameTimes adds step x count without overflow checks (it only ever sees decoded timestamps), so runs from
// a file whose timestamps would leave int64 ([[1e18, 100]]) are refused here.
void check_pts_range(int64_t first_pts, const std::vector<std::pair<int64_t, int64_t>>& runs) {
  int64_t t = first_pts, span = 0;
  for (const auto& [step, count] : runs)
    if (__builtin_mul_overflow(step, count, &span) || __builtin_add_overflow(t, span, &t))
      throw Error("times.runs overflow 64-bit timestamps");
}

json video_json(const VideoScan& s) {
  json j;
  j["video"] = s.video;
  j["path"] = s.path;
  j["label"] = s.label;
  if (!s.ok()) {
    j["error"] = s.error;
    return j;
  }
  j["content_hash"] = hex64(s.content_hash);
  j["frames"] = s.frames;
  j["corrupt_packets"] = s.corrupt_packets;
  const VideoInfo& i = s.info;
  j["info"] = {{"codec", i.codec},
               {"coded_width", i.coded_width},
               {"coded_height", i.coded_height},
               {"display_width", i.display_width},
               {"display_height", i.display_height},
               {"rotation", i.rotation},
               {"pixel_format", i.pixel_format},
               {"avg_frame_rate", rational(i.avg_frame_rate)},
               {"num_frames_from_header", i.num_frames_from_header},
               {"duration_from_header", i.duration_from_header}};
  json runs = json::array();
  for (const auto& [step, count] : s.times.runs()) runs.push_back({step, count});
  j["times"] = {{"time_base", rational(s.times.time_base())},
                {"first_pts", s.times.first_pts()},
                {"end_pts", s.times.end_pts()},
                {"runs", runs}};
  json shots = json::array();
  for (const Shot& shot : s.shots) {
    const ClipSignature& sig = shot.signature;
    json hist = json::array();
    for (float v : shot.signature.mean_hist) hist.push_back(quantize_hist(v));
    shots.push_back({{"kind", to_string(shot.kind)},
                     {"start_frame", shot.start_frame},
                     {"end_frame", shot.end_frame},
                     {"keyframes", hex_list(sig.keyframe_hashes)},
                     {"mirror_keyframes", hex_list(sig.keyframe_mirror_hashes)},
                     {"centre_keyframes", hex_list(sig.keyframe_centre_hashes)},
                     {"centre_mirror_keyframes", hex_list(sig.keyframe_centre_mirror_hashes)},
                     {"hist_e4", hist},
                     {"luma_e2", quantize_luma(shot.signature.mean_luma)}});
  }
  j["shots"] = shots;
  return j;
}

VideoScan video_from_json(const json& j) {
  VideoScan s;
  s.video = j.at("video").get<std::string>();
  s.path = j.at("path").get<std::string>();
  s.label = j.at("label").get<std::string>();
  if (j.contains("error")) {
    s.error = j.at("error").get<std::string>();
    return s;
  }
  s.content_hash = parse_hex64(j.at("content_hash").get<std::string>());
  s.frames = integer<int64_t>(j.at("frames"), "frames");
  s.corrupt_packets = j.contains("corrupt_packets") ? integer<int64_t>(j.at("corrupt_packets"), "corrupt_packets") : 0;
  const json& i = j.at("info");
  s.info.codec = i.at("codec").get<std::string>();
  s.info.coded_width = integer<int>(i.at("coded_width"), "coded_width");
  s.info.coded_height = integer<int>(i.at("coded_height"), "coded_height");
  s.info.display_width = integer<int>(i.at("display_width"), "display_width");
  s.info.display_height = integer<int>(i.at("display_height"), "display_height");
  s.info.rotation = integer<int>(i.at("rotation"), "rotation");
  s.info.pixel_format = i.at("pixel_format").get<std::string>();
  s.info.avg_frame_rate = to_rational(i.at("avg_frame_rate"), "avg_frame_rate");
  s.info.num_frames_from_header = integer<int64_t>(i.at("num_frames_from_header"), "num_frames_from_header");
  s.info.duration_from_header = i.at("duration_from_header").get<double>();
  const json& t = j.at("times");
  std::vector<std::pair<int64_t, int64_t>> runs;
  int64_t counted = 1;
  if (s.frames <= 0) throw Error(fmt::format("times.runs cover {} frames, but frames is {}", counted, s.frames));
  for (const json& r : t.at("runs")) {
    runs.emplace_back(integer<int64_t>(r.at(0), "times.runs"), integer<int64_t>(r.at(1), "times.runs"));
    if (runs.back().second <= 0) throw Error("times.runs: run counts must be positive");
    // Compared before adding, so that the sum cannot overflow.
    if (runs.back().second > s.frames - counted)
      throw Error(fmt::format("times.runs cover more than the {} frames", s.frames));
    counted += runs.back().second;
  }
  if (counted != s.frames)
    throw Error(fmt::format("times.runs cover {} frames, but frames is {}", counted, s.frames));
  s.info.time_base = to_rational(t.at("time_base"), "time_base");
  if (s.info.time_base.num <= 0 || s.info.time_base.den <= 0) throw Error("times.time_base must be positive");
  const auto first_pts = integer<int64_t>(t.at("first_pts"), "first_pts");
  check_pts_range(first_pts, runs);
  s.times = FrameTimes::from_runs(s.info.time_base, first_pts, s.frames, std::move(runs),
                                  integer<int64_t>(t.at("end_pts"), "end_pts"));
  int64_t expected_start = 0;
  for (const json& js : j.at("shots")) {
    Shot shot;
    shot.index = static_cast<int>(s.shots.size());
    const std::string kind = js.at("kind").get<std::string>();
    if (kind != "shot" && kind != "transition") throw Error(fmt::format("unknown shot kind '{}'", kind));
    shot.kind = kind == "shot" ? ShotKind::Shot : ShotKind::Transition;
    shot.start_frame = integer<int64_t>(js.at("start_frame"), "start_frame");
    shot.end_frame = integer<int64_t>(js.at("end_frame"), "end_frame");
    if (shot.start_frame != expected_start || shot.end_frame <= shot.start_frame || shot.end_frame > s.frames)
      throw Error(fmt::format("shot {} [{}, {}) does not tile the video's {} frames", shot.index,
                              shot.start_frame, shot.end_frame, s.frames));
    expected_start = shot.end_frame;
    ClipSignature& sig = shot.signature;
    const json& keys = js.at("keyframes");
    sig.keyframe_hashes = read_hex_list(keys, keys.size(), "keyframes");
    sig.keyframe_mirror_hashes = read_hex_list(js.at("mirror_keyframes"), keys.size(), "mirror_keyframes");
    sig.keyframe_centre_hashes = read_hex_list(js.at("centre_keyframes"), keys.size(), "centre_keyframes");
    sig.keyframe_centre_mirror_hashes =
        read_hex_list(js.at("centre_mirror_keyframes"), keys.size(), "centre_mirror_keyframes");
    const json& hist = js.at("hist_e4");
    if (hist.size() != shot.signature.mean_hist.size())
      throw Error(fmt::format("hist_e4 has {} bins, expected {}", hist.size(), shot.signature.mean_hist.size()));
    for (size_t b = 0; b < hist.size(); ++b) shot.signature.mean_hist[b] = dequantize_hist(integer<int32_t>(hist[b], "hist_e4"));
    shot.signature.mean_luma = dequantize_luma(integer<int32_t>(js.at("luma_e2"), "luma_e2"));
    shot.start_sec = s.times.seconds(shot.start_frame);
    shot.end_sec = s.times.seconds(shot.end_frame);
    s.shots.push_back(std::move(shot));
  }
  if (expected_start != s.frames)
    throw Error(fmt::format("shots cover {} of the video's {} frames", expected_start, s.frames));
  return s;
}

}  // namespace

std::string scan_line(const VideoScan& scan) { return video_json(scan).dump(); }

VideoScan parse_scan_line(std::string_view line) {
  try {
    return video_from_json(json::parse(line));
  } catch (const json::exception& e) {
    throw Error(e.what());
  } catch (const std::logic_error& e) {
    throw Error(e.what());
  }
}

ScanOrigin scan_origin(const std::vector<std::string>& inputs) {
  ScanOrigin origin;
  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (ec) throw Error(fmt::format("cannot read the current folder: {}", ec.message()));
  origin.cwd = cwd.string();
  for (const std::string& input : inputs) {
    std::string root = (cwd / input).lexically_normal().string();
    // "data/" normalises to "/abs/data/": stored without the slash, as folders are compared by component.
    if (root.size() > 1 && root.back() == '/') root.pop_back();
    origin.roots.push_back(std::move(root));
  }
  return origin;
}

ScanJsonlWriter::ScanJsonlWriter(const std::string& path, const json& parameters, const ScanOrigin& origin)
    : file_(path) {
  json header{{"format", "vidsplit-scan"}, {"format_version", kFormatVersion}, {"parameters", parameters}};
  if (!origin.cwd.empty()) header["origin"] = {{"cwd", origin.cwd}, {"roots", origin.roots}};
  file_.append(header.dump());
  file_.append("\n");
}

void ScanJsonlWriter::add(const VideoScan& scan) {
  file_.append(scan_line(scan));
  file_.append("\n");
}

void write_scan_jsonl(const std::string& path, const std::vector<VideoScan>& scans, const json& parameters,
                      const ScanOrigin& origin) {
  ScanJsonlWriter writer(path, parameters, origin);
  for (const VideoScan& s : scans) writer.add(s);
  writer.commit();
}

std::vector<VideoScan> read_scan_jsonl(const std::string& path, json& parameters, ScanOrigin* origin) {
  // Line by line from the file: a scan of 650,000 videos is about a gigabyte of text, not worth holding at once.
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::string line;
  size_t line_no = 0;
  std::vector<VideoScan> scans;
  bool header = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    try {
      const json j = json::parse(line);
      if (!header) {
        if (j.value("format", "") != "vidsplit-scan") throw Error("not a vidsplit scan (no format header)");
        // Not j.value("format_version", 0): that casts a float to int (fuzz_readers: 8.9e82).
        if (!j.contains("format_version") || j["format_version"] != kFormatVersion)
          throw Error(fmt::format("unsupported scan format_version {}", j.value("format_version", json()).dump()));
        parameters = j.value("parameters", json::object());
        if (origin && j.contains("origin")) {
          const json& o = j.at("origin");
          origin->cwd = o.at("cwd").get<std::string>();
          origin->roots = o.at("roots").get<std::vector<std::string>>();
          if (!std::filesystem::path(origin->cwd).is_absolute())
            throw Error(fmt::format("origin.cwd '{}' is not an absolute path", origin->cwd));
        }
        header = true;
        continue;
      }
      scans.push_back(video_from_json(j));
    } catch (const json::exception& e) {
      throw Error(fmt::format("{}: line {}: {}", path, line_no, e.what()));
    } catch (const std::logic_error& e) {  // std::stoull on a malformed hash
      throw Error(fmt::format("{}: line {}: {}", path, line_no, e.what()));
    } catch (const Error& e) {
      throw Error(fmt::format("{}: line {}: {}", path, line_no, e.what()));
    }
  }
  if (in.bad()) throw Error(fmt::format("cannot read {}: read error", path));
  if (!header) throw Error(fmt::format("{}: empty file, not a vidsplit scan", path));
  return scans;
}

}  // namespace vidsplit
