#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/scan.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <system_error>

namespace vidsplit {

namespace fs = std::filesystem;

bool has_video_extension(const std::string& path) {
  static constexpr std::array<std::string_view, 30> kExtensions = {
      ".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".m2v", ".ts",
      ".m2ts", ".mts", ".wmv", ".asf", ".flv", ".3gp", ".3g2", ".ogv", ".ogg", ".gif",
      ".vob", ".mxf", ".dv", ".y4m", ".nut", ".ivf", ".h264", ".264", ".hevc", ".divx"};
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

namespace {

std::string label_from_parent(const fs::path& file) {
  fs::path parent = file.parent_path();
  if (parent.empty() || parent.filename().empty() || parent.filename() == "." || parent.filename() == "..")
    parent = fs::absolute(file).lexically_normal().parent_path();
  return parent.filename().string();
}

}  // namespace

std::vector<InputVideo> find_videos(const std::vector<std::string>& paths, const InputOptions& options) {
  auto inputs = discover_inputs(paths, options);
  if (inputs.empty()) throw Error(fmt::format("no video files found in {}", fmt::join(paths, ", ")));
  return inputs;
}

std::vector<InputVideo> discover_inputs(const std::vector<std::string>& paths, const InputOptions& options) {
  std::vector<InputVideo> found;
  for (const std::string& arg : paths) {
    std::error_code ec;
    const fs::path root(arg);
    if (fs::is_directory(root, ec)) {
      // Sorted by the recursive walk's own order would depend on the filesystem; the final sort fixes it.
      fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
      if (ec) throw ConfigError(fmt::format("{}: cannot list folder: {}", arg, ec.message()));
      for (; it != end; it.increment(ec)) {
        if (ec) throw ConfigError(fmt::format("{}: cannot list folder: {}", arg, ec.message()));
        const fs::path& p = it->path();
        if (p.filename().string().starts_with('.')) {
          if (it->is_directory(ec)) it.disable_recursion_pending();
          continue;
        }
        if (!it->is_regular_file(ec) || !has_video_extension(p.string())) continue;
        InputVideo v;
        v.video = p.lexically_relative(root).generic_string();
        v.path = p.string();
        v.label = label_from_parent(p);
        found.push_back(std::move(v));
      }
    } else {
      // A named file is always tried, even if it does not exist: its failure is then reported per file.
      InputVideo v;
      v.video = root.generic_string();
      v.path = arg;
      v.label = label_from_parent(root);
      found.push_back(std::move(v));
    }
  }
  for (InputVideo& v : found) {
    const auto it = options.labels.find(v.video);
    if (it != options.labels.end()) v.label = it->second;
  }
  std::sort(found.begin(), found.end(), [](const InputVideo& a, const InputVideo& b) { return a.video < b.video; });
  for (size_t i = 1; i < found.size(); ++i)
    if (found[i].video == found[i - 1].video)
      throw ConfigError(fmt::format("two inputs share the video id '{}' ({} and {}); give the folders "
                                    "separately in distinct runs or rename one",
                                    found[i].video, found[i - 1].path, found[i].path));
  return found;
}

std::map<std::string, std::string> read_labels_csv(const std::string& path) {
  try {
    const CsvTable table = read_csv_file(path, {"video", "label"});
    const size_t video = table.column("video");
    const size_t label = table.column("label");
    std::map<std::string, std::string> labels;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const auto& row = table.rows[r];
      if (row[video].empty())
        throw ConfigError(fmt::format("{}: line {}: empty video", path, table.line_of_row[r]));
      if (!labels.emplace(row[video], row[label]).second)
        throw ConfigError(fmt::format("{}: line {}: video '{}' listed twice", path, table.line_of_row[r],
                                      row[video]));
    }
    return labels;
  } catch (const Error& e) {
    throw ConfigError(e.what());
  }
}

}  // namespace vidsplit
