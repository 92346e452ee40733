#include "vidsplit/sources.hpp"

#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <set>

namespace vidsplit {

namespace {

// HMDB51 names: <movie>_<action>_<body>_<camera>_<people>_<view>_<quality>_<n>, e.g.
// RATRACE_wave_f_cm_np1_fr_med_0.avi. Movie names and actions both hold underscores (April_09_brush_hair_...),
// so only the list of the 51 actions says where the movie name ends.
constexpr const char* kHmdb51Actions =
    "brush_hair|cartwheel|catch|chew|clap|climb_stairs|climb|dive|draw_sword|dribble|drink|eat|fall_floor|fencing|"
    "flic_flac|golf|handstand|hit|hug|jump|kick_ball|kick|kiss|laugh|pick|pour|pullup|punch|push|pushup|ride_bike|"
    "ride_horse|run|shake_hands|shoot_ball|shoot_bow|shoot_gun|sit|situp|smile|smoke|somersault|stand|"
    "swing_baseball|sword_exercise|sword|talk|throw|turn|walk|wave";

// Every preset matches the file name only ((?:^|/) before it, the extension optional after it).
std::string preset(std::string_view name) {
  if (name == "ucf101") return R"((?:^|/)v_([A-Za-z0-9]+_g\d+)_c\d+(?:\.[^/.]*)?$)";
  if (name == "hmdb51")
    return fmt::format(R"((?:^|/)([^/]+?)_(?:{})_[a-z]_(?:cm|nm)_np\d+_(?:fr|ba|le|ri)_(?:bad|med|goo)_\d+(?:\.[^/.]*)?$)",
                       kHmdb51Actions);
  // YouTube ids are 11 characters of [A-Za-z0-9_-] and may start with '-': the fixed length, not the '_',
  // separates the id from the times.
  if (name == "kinetics") return R"((?:^|/)([A-Za-z0-9_-]{11})_\d+_\d+(?:\.[^/.]*)?$)";
  return {};
}

std::regex compile(const std::string& pattern) {
  std::regex re;
  try {
    re.assign(pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    throw ConfigError(fmt::format("source pattern '{}': {}", pattern, e.what()));
  }
  if (re.mark_count() < 1)
    throw ConfigError(fmt::format("source pattern '{}': has no capture group ( ... ) to take the source key from",
                                  pattern));
  return re;
}

}  // namespace

std::string source_pattern(std::string_view name_or_regex) {
  std::string p = preset(name_or_regex);
  return p.empty() ? std::string(name_or_regex) : p;
}

void check_source_pattern(const std::string& pattern) { compile(pattern); }

std::vector<std::string> source_keys(const std::vector<std::string>& video_ids, const SourceOptions& options) {
  std::vector<std::string> keys(video_ids.size());
  std::optional<std::regex> re;
  if (!options.pattern.empty()) re = compile(options.pattern);
  for (size_t i = 0; i < video_ids.size(); ++i) {
    if (const auto it = options.table.find(video_ids[i]); it != options.table.end()) {
      keys[i] = it->second;
    } else if (std::smatch m; re && std::regex_search(video_ids[i], m, *re)) {
      keys[i] = m[1].str();
    }
  }
  return keys;
}

size_t unknown_table_videos(const std::vector<std::string>& video_ids, const SourceOptions& options) {
  const std::set<std::string_view> known(video_ids.begin(), video_ids.end());
  return static_cast<size_t>(std::count_if(options.table.begin(), options.table.end(),
                                           [&](const auto& entry) { return !known.count(entry.first); }));
}

std::map<std::string, std::string> read_sources_csv(const std::string& path) {
  try {
    const CsvTable table = read_csv_file(path, {"video", "source"});
    const size_t video = table.column("video");
    const size_t source = table.column("source");
    std::map<std::string, std::string> sources;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const auto& row = table.rows[r];
      if (row[video].empty()) throw ConfigError(fmt::format("{}: line {}: empty video", path, table.line_of_row[r]));
      if (!sources.emplace(row[video], row[source]).second)
        throw ConfigError(fmt::format("{}: line {}: video '{}' listed twice", path, table.line_of_row[r], row[video]));
    }
    return sources;
  } catch (const Error& e) {
    throw ConfigError(e.what());
  }
}

}  // namespace vidsplit
