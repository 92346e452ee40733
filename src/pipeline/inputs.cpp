#include "vidsplit/csv.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/output_set.hpp"
#include "vidsplit/scan.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
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

std::optional<std::string_view> output_marker(const fs::path& dir) {
  std::error_code ec;
  for (std::string_view marker : {kOutputMarker, kExportMarker})
    if (fs::exists(dir / marker, ec)) return marker;
  return std::nullopt;
}

std::string label_from_parent(const fs::path& file) {
  fs::path parent = file.parent_path();
  if (parent.empty() || parent.filename().empty() || parent.filename() == "." || parent.filename() == "..")
    parent = fs::absolute(file).lexically_normal().parent_path();
  return parent.filename().string();
}

// The recursive walk of one input root. Links are followed, to folders and to files alike; a folder (by its
// device and inode) is walked once, so a link loop ends, and a second link to a folder already walked adds no
// second copy of its videos. Entries are visited in name order, so which copy counts does not depend on the
// filesystem's listing order.
class FolderWalk {
 public:
  FolderWalk(const fs::path& root, std::vector<InputVideo>& found, std::vector<std::string>* warnings)
      : root_(root), found_(found), warnings_(warnings) {}

  void walk() {
    struct stat st {};
    if (::stat(root_.c_str(), &st) == 0) visited_.insert({st.st_dev, st.st_ino});
    folder(root_);
  }

 private:
  void warn(std::string text) {
    if (warnings_) warnings_->push_back(std::move(text));
  }

  void folder(const fs::path& dir) {
    std::error_code ec;
    std::vector<fs::path> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(it->path());
    if (ec) {
      if (dir == root_) throw ConfigError(fmt::format("{}: cannot list folder: {}", dir.string(), ec.message()));
      warn(fmt::format("{}: cannot list folder ({}); skipped", dir.string(), ec.message()));
      return;
    }
    std::sort(entries.begin(), entries.end());
    for (const fs::path& p : entries) {
      if (p.filename().string().starts_with('.')) continue;
      struct stat st {};
      if (::stat(p.c_str(), &st) != 0) {
        // Listed, but its target cannot be reached: a link to nothing, or a chain of links that loops (ELOOP).
        warn(fmt::format("{}: link to a missing target ({}); skipped", p.string(), std::strerror(errno)));
        continue;
      }
      if (S_ISDIR(st.st_mode)) {
        // An OUT or export folder inside the data (`run data -o data/out`): its copies are not new videos. The
        // root itself is walked even when it is an OUT (`run data -o data`): the user named it.
        if (const auto marker = output_marker(p)) {
          warn(fmt::format("skipped {}: it holds vidsplit's outputs ({})", p.string(), *marker));
          continue;
        }
        if (visited_.insert({st.st_dev, st.st_ino}).second) {
          folder(p);
        } else {
          warn(fmt::format("{}: links to a folder already read (a loop, or a second link to it); skipped",
                           p.string()));
        }
      } else if (S_ISREG(st.st_mode) && has_video_extension(p.string())) {
        InputVideo v;
        v.video = p.lexically_relative(root_).generic_string();
        v.path = p.string();
        v.label = label_from_parent(p);
        found_.push_back(std::move(v));
      }
    }
  }

  const fs::path& root_;
  std::vector<InputVideo>& found_;
  std::vector<std::string>* warnings_;
  std::set<std::pair<dev_t, ino_t>> visited_;
};

}  // namespace

void check_input_paths(const std::vector<std::string>& paths) {
  for (const std::string& arg : paths) {
    // exists() sets ec only when it cannot tell (e.g. a folder on the way is unreadable): then it is tried.
    std::error_code ec;
    if (!fs::exists(fs::path(arg), ec) && !ec) throw ConfigError(fmt::format("{}: no such file or folder", arg));
  }
}

std::vector<InputVideo> find_videos(const std::vector<std::string>& paths, const InputOptions& options) {
  auto inputs = discover_inputs(paths, options);
  if (inputs.empty()) throw Error(fmt::format("no video files found in {}", fmt::join(paths, ", ")));
  return inputs;
}

std::vector<InputVideo> discover_inputs(const std::vector<std::string>& paths, const InputOptions& options,
                                        std::vector<std::string>* warnings) {
  std::vector<InputVideo> found;
  for (const std::string& arg : paths) {
    std::error_code ec;
    const fs::path root(arg);
    if (fs::is_directory(root, ec)) {
      FolderWalk(root, found, warnings).walk();
    } else {
      // A path that names nothing is a typo on the command line, not a video that failed: refuse the run
      // before anything is written. A named file that exists is always tried (a bad one is reported per file).
      // (exists() sets ec only when it cannot tell, e.g. a folder on the way is unreadable: then it is tried.)
      check_input_paths({arg});
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
  if (warnings) std::sort(warnings->begin(), warnings->end());
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
