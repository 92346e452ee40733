// Known source ids: videos that their names (or a table) say were cut from one source recording (a UCF101
// group, an HMDB51 movie, a Kinetics YouTube video) belong in one leakage group, whatever their pixels say.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vidsplit {

struct SourceOptions {
  // ECMAScript regex searched in each video id (the path relative to its input root); its first capture
  // group is the source key. Empty: no pattern.
  std::string pattern;
  // video id -> source key, from a table. A listed video takes this key instead of the pattern's.
  std::map<std::string, std::string> table;
  std::string table_path;  // where the table came from, for the record
  bool empty() const { return pattern.empty() && table.empty(); }
};

// The regex of a preset ("ucf101": class and group of v_<Class>_g<NN>_c<MM>; "hmdb51": the movie name before
// <action>_<body>_<camera>_<people>_<view>_<quality>_<n>; "kinetics": the 11-character YouTube id of
// <id>_<start>_<end>), or `name_or_regex` itself when it names no preset.
std::string source_pattern(std::string_view name_or_regex);

// Throws ConfigError ("source pattern '...': reason") when `pattern` does not compile or has no capture group.
void check_source_pattern(const std::string& pattern);

// Each video's source key, indexed like `video_ids`: from the table, else the pattern's first capture group;
// "" when neither gives one (no match, or an empty capture). Throws as check_source_pattern.
std::vector<std::string> source_keys(const std::vector<std::string>& video_ids, const SourceOptions& options);

// How many videos of the table are none of `video_ids`.
size_t unknown_table_videos(const std::vector<std::string>& video_ids, const SourceOptions& options);

// A `video,source` CSV (header row required). Throws ConfigError naming the file and line (empty video,
// video listed twice).
std::map<std::string, std::string> read_sources_csv(const std::string& path);

}  // namespace vidsplit
