#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

namespace vidsplit {

using nlohmann::json;

namespace {

// 2 added the clips' temporal samples; version 1 files still read (their clips have none, so only their
// keyframes match).
constexpr int kFormatVersion = 2;
constexpr int kOldestFormatVersion = 1;

std::string hex64(uint64_t v) { return fmt::format("{:016x}", v); }

uint64_t parse_hex64(std::string_view s) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (s.size() != 16 || ec != std::errc() || end != s.data() + s.size())
    throw Error(fmt::format("bad 64-bit hex value '{}'", s));
  return v;
}

// nlohmann's texts start with "[json.exception.type_error.302] "; the reader's messages name file and line
// instead, and keep only the reason.
std::string json_reason(const json::exception& e) {
  const std::string_view what = e.what();
  const size_t close = what.find("] ");
  return std::string(close == std::string_view::npos ? what : what.substr(close + 2));
}

json hex_list(const std::vector<uint64_t>& values) {
  json list = json::array();
  for (uint64_t v : values) list.push_back(hex64(v));
  return list;
}

// Temporal samples as one string: 16 hex digits per sample, '.' for a tick without one. A list of JSON
// strings would take 3 more bytes per sample, and there are 15 a second.
std::string samples_text(const std::vector<uint64_t>& samples) {
  std::string text;
  text.reserve(samples.size() * 16);
  for (uint64_t v : samples) text += v == 0 ? std::string(".") : hex64(v);
  return text;
}

std::vector<uint64_t> read_samples(const std::string& text) {
  std::vector<uint64_t> samples;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '.') {
      samples.push_back(0);
      ++i;
      continue;
    }
    if (text.size() - i < 16) throw Error(fmt::format("samples ends in a cut-off hash '{}'", text.substr(i)));
    const uint64_t v = parse_hex64(std::string_view(text).substr(i, 16));
    if (v == 0) throw Error("samples holds a zero hash (a tick without a sample is '.')");
    samples.push_back(v);
    i += 16;
  }
  if (samples.size() > kMaxTemporalSamples)
    throw Error(fmt::format("samples has {} entries, more than {}", samples.size(), kMaxTemporalSamples));
  return samples;
}

// Reads a list of hex hashes that must have `size` entries.
std::vector<uint64_t> read_hex_list(const json& list, size_t size, const char* name) {
  std::vector<uint64_t> values;
  if (!list.is_array()) throw Error(fmt::format("field '{}' must be a list, not {}", name, list.type_name()));
  for (const json& h : list) {
    if (!h.is_string()) throw Error(fmt::format("field '{}' must hold hex strings, not {}", name, h.type_name()));
    values.push_back(parse_hex64(h.get<std::string>()));
  }
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

// Members and their values, or Error naming the field (nlohmann's own texts name neither field nor file).
const json& member(const json& j, const char* name) {
  if (!j.is_object()) throw Error(fmt::format("expected an object holding '{}', not {}", name, j.type_name()));
  const auto it = j.find(name);
  if (it == j.end()) throw Error(fmt::format("field '{}' is missing", name));
  return *it;
}
std::string string_field(const json& j, const char* name) {
  const json& v = member(j, name);
  if (!v.is_string()) throw Error(fmt::format("field '{}' must be a string, not {}", name, v.type_name()));
  return v.get<std::string>();
}
double number_field(const json& j, const char* name) {
  const json& v = member(j, name);
  if (!v.is_number()) throw Error(fmt::format("field '{}' must be a number, not {}", name, v.type_name()));
  return v.get<double>();
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
  j["video"] = bytes_to_text(s.video);
  j["path"] = bytes_to_text(s.path);
  j["label"] = bytes_to_text(s.label);
  if (!s.ok()) {
    j["error"] = bytes_to_text(s.error);
    return j;
  }
  j["content_hash"] = hex64(s.content_hash);
  j["frames"] = s.frames;
  j["corrupt_packets"] = s.corrupt_packets;
  if (!s.truncated.empty()) j["truncated"] = bytes_to_text(s.truncated);
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
                     {"luma_e2", quantize_luma(shot.signature.mean_luma)},
                     {"sample_step", sig.sample_step},
                     {"samples", samples_text(sig.samples)}});
  }
  j["shots"] = shots;
  return j;
}

VideoScan video_from_json(const json& j) {
  VideoScan s;
  s.video = text_to_bytes(string_field(j, "video"));
  s.path = text_to_bytes(string_field(j, "path"));
  s.label = text_to_bytes(string_field(j, "label"));
  if (j.contains("error")) {
    s.error = text_to_bytes(string_field(j, "error"));
    return s;
  }
  s.content_hash = parse_hex64(string_field(j, "content_hash"));
  s.frames = integer<int64_t>(member(j, "frames"), "frames");
  s.corrupt_packets = j.contains("corrupt_packets") ? integer<int64_t>(member(j, "corrupt_packets"), "corrupt_packets") : 0;
  if (j.contains("truncated")) s.truncated = text_to_bytes(string_field(j, "truncated"));
  const json& i = member(j, "info");
  s.info.codec = string_field(i, "codec");
  s.info.coded_width = integer<int>(member(i, "coded_width"), "coded_width");
  s.info.coded_height = integer<int>(member(i, "coded_height"), "coded_height");
  s.info.display_width = integer<int>(member(i, "display_width"), "display_width");
  s.info.display_height = integer<int>(member(i, "display_height"), "display_height");
  s.info.rotation = integer<int>(member(i, "rotation"), "rotation");
  s.info.pixel_format = string_field(i, "pixel_format");
  s.info.avg_frame_rate = to_rational(member(i, "avg_frame_rate"), "avg_frame_rate");
  s.info.num_frames_from_header = integer<int64_t>(member(i, "num_frames_from_header"), "num_frames_from_header");
  s.info.duration_from_header = number_field(i, "duration_from_header");
  const json& t = member(j, "times");
  std::vector<std::pair<int64_t, int64_t>> runs;
  int64_t counted = 1;
  if (s.frames <= 0) throw Error(fmt::format("times.runs cover {} frames, but frames is {}", counted, s.frames));
  for (const json& r : member(t, "runs")) {
    runs.emplace_back(integer<int64_t>(r.at(0), "times.runs"), integer<int64_t>(r.at(1), "times.runs"));
    if (runs.back().second <= 0) throw Error("times.runs: run counts must be positive");
    // Compared before adding, so that the sum cannot overflow.
    if (runs.back().second > s.frames - counted)
      throw Error(fmt::format("times.runs cover more than the {} frames", s.frames));
    counted += runs.back().second;
  }
  if (counted != s.frames)
    throw Error(fmt::format("times.runs cover {} frames, but frames is {}", counted, s.frames));
  s.info.time_base = to_rational(member(t, "time_base"), "time_base");
  if (s.info.time_base.num <= 0 || s.info.time_base.den <= 0) throw Error("times.time_base must be positive");
  const auto first_pts = integer<int64_t>(member(t, "first_pts"), "first_pts");
  check_pts_range(first_pts, runs);
  s.times = FrameTimes::from_runs(s.info.time_base, first_pts, s.frames, std::move(runs),
                                  integer<int64_t>(member(t, "end_pts"), "end_pts"));
  int64_t expected_start = 0;
  for (const json& js : member(j, "shots")) {
    Shot shot;
    shot.index = static_cast<int>(s.shots.size());
    const std::string kind = string_field(js, "kind");
    if (kind != "shot" && kind != "transition") throw Error(fmt::format("unknown shot kind '{}'", kind));
    shot.kind = kind == "shot" ? ShotKind::Shot : ShotKind::Transition;
    shot.start_frame = integer<int64_t>(member(js, "start_frame"), "start_frame");
    shot.end_frame = integer<int64_t>(member(js, "end_frame"), "end_frame");
    if (shot.start_frame != expected_start || shot.end_frame <= shot.start_frame || shot.end_frame > s.frames)
      throw Error(fmt::format("shot {} [{}, {}) does not tile the video's {} frames", shot.index,
                              shot.start_frame, shot.end_frame, s.frames));
    expected_start = shot.end_frame;
    ClipSignature& sig = shot.signature;
    const json& keys = member(js, "keyframes");
    sig.keyframe_hashes = read_hex_list(keys, keys.size(), "keyframes");
    sig.keyframe_mirror_hashes = read_hex_list(member(js, "mirror_keyframes"), keys.size(), "mirror_keyframes");
    sig.keyframe_centre_hashes = read_hex_list(member(js, "centre_keyframes"), keys.size(), "centre_keyframes");
    sig.keyframe_centre_mirror_hashes =
        read_hex_list(member(js, "centre_mirror_keyframes"), keys.size(), "centre_mirror_keyframes");
    const json& hist = member(js, "hist_e4");
    if (hist.size() != shot.signature.mean_hist.size())
      throw Error(fmt::format("hist_e4 has {} bins, expected {}", hist.size(), shot.signature.mean_hist.size()));
    for (size_t b = 0; b < hist.size(); ++b) shot.signature.mean_hist[b] = dequantize_hist(integer<int32_t>(hist[b], "hist_e4"));
    shot.signature.mean_luma = dequantize_luma(integer<int32_t>(member(js, "luma_e2"), "luma_e2"));
    if (js.contains("samples")) {
      sig.samples = read_samples(string_field(js, "samples"));
      sig.sample_step = integer<int32_t>(member(js, "sample_step"), "sample_step");
      if (sig.sample_step < 1 || sig.sample_step > (1 << 20) || (sig.sample_step & (sig.sample_step - 1)) != 0)
        throw Error(fmt::format("sample_step {} is not a power of 2 in 1..2^20", sig.sample_step));
    }
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
    throw Error(json_reason(e));
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

ScanJsonlWriter::ScanJsonlWriter(const std::string& path, const json& parameters, const ScanOrigin& origin,
                                 std::optional<ScanShard> shard)
    : file_(path) {
  json header{{"format", "vidsplit-scan"}, {"format_version", kFormatVersion}, {"parameters", parameters}};
  if (!origin.cwd.empty()) {
    json roots = json::array();
    for (const std::string& r : origin.roots) roots.push_back(bytes_to_text(r));
    header["origin"] = {{"cwd", bytes_to_text(origin.cwd)}, {"roots", roots}};
  }
  if (shard) header["shard"] = {{"index", shard->index}, {"count", shard->count}};
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

namespace {

// Whether a scan line may be one of `videos`, judged from its text without parsing it: a reader that needs a
// few videos of a gigabyte scan would otherwise spend seconds building JSON it throws away. The key "video" can
// only stand unescaped as a key, so every true match is among its occurrences; a name written with escapes
// (another JSON writer's \u00e9) is let through to the full parse, which decides.
bool may_be_one_of(std::string_view line, const std::set<std::string>& quoted_videos) {
  constexpr std::string_view kKey = "\"video\"";
  for (size_t at = line.find(kKey); at != std::string_view::npos; at = line.find(kKey, at + kKey.size())) {
    size_t p = at + kKey.size();
    while (p < line.size() && (line[p] == ' ' || line[p] == ':')) ++p;
    if (p >= line.size() || line[p] != '"') continue;
    const size_t close = line.find('"', p + 1);
    if (close == std::string_view::npos) return true;
    const std::string_view value = line.substr(p, close + 1 - p);
    if (value.find('\\') != std::string_view::npos || quoted_videos.count(std::string(value))) return true;
  }
  return false;
}

std::vector<VideoScan> read_scan(const std::string& path, json& parameters, ScanOrigin* origin,
                                 std::optional<ScanShard>* shard, const std::set<std::string>* only) {
  std::set<std::string> quoted;
  if (only)
    for (const std::string& v : *only) quoted.insert(json(bytes_to_text(v)).dump());
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
    if (header && only && !may_be_one_of(line, quoted)) continue;
    try {
      const json j = json::parse(line);
      if (!header) {
        if (j.value("format", "") != "vidsplit-scan") throw Error("not a vidsplit scan (no format header)");
        // Not j.value("format_version", 0): that casts a float to int (fuzz_readers: 8.9e82).
        if (!j.contains("format_version") || !j["format_version"].is_number_integer() ||
            j["format_version"] < kOldestFormatVersion || j["format_version"] > kFormatVersion)
          throw Error(fmt::format("unsupported scan format_version {}", j.value("format_version", json()).dump()));
        parameters = j.value("parameters", json::object());
        if (origin && j.contains("origin")) {
          const json& o = j.at("origin");
          origin->cwd = text_to_bytes(o.at("cwd").get<std::string>());
          origin->roots.clear();
          for (const json& r : o.at("roots")) origin->roots.push_back(text_to_bytes(r.get<std::string>()));
          if (!std::filesystem::path(origin->cwd).is_absolute())
            throw Error(fmt::format("origin.cwd '{}' is not an absolute path", origin->cwd));
        }
        if (shard) {
          *shard = std::nullopt;
          if (j.contains("shard")) {
            const json& sh = j["shard"];
            const auto index = integer<uint32_t>(member(sh, "index"), "shard.index");
            const auto count = integer<uint32_t>(member(sh, "count"), "shard.count");
            if (index >= count) throw Error(fmt::format("shard {}/{} is not I/N with 0 <= I < N", index, count));
            *shard = ScanShard{index, count};
          }
        }
        header = true;
        continue;
      }
      VideoScan scan = video_from_json(j);
      if (!only || only->count(scan.video)) scans.push_back(std::move(scan));
    } catch (const json::exception& e) {
      throw Error(fmt::format("{}: line {}: {}", path, line_no, json_reason(e)));
    } catch (const Error& e) {
      throw Error(fmt::format("{}: line {}: {}", path, line_no, e.what()));
    }
  }
  if (in.bad()) throw Error(fmt::format("cannot read {}: read error", path));
  if (!header) throw Error(fmt::format("{}: empty file, not a vidsplit scan", path));
  return scans;
}

}  // namespace

std::vector<VideoScan> read_scan_jsonl(const std::string& path, json& parameters, ScanOrigin* origin,
                                       std::optional<ScanShard>* shard) {
  return read_scan(path, parameters, origin, shard, nullptr);
}

std::vector<VideoScan> read_scan_jsonl_videos(const std::string& path, const std::set<std::string>& videos,
                                              ScanOrigin* origin) {
  json parameters;
  return read_scan(path, parameters, origin, nullptr, &videos);
}

}  // namespace vidsplit
