// Where an export may write, what it may replace, and which sources it may read. An export never writes
// beside its sources or into OUT, never overwrites or deletes a file that an export did not create, and reads
// only the files the scan read, unchanged.
#include "export/target.hpp"

#include "vidsplit/decode.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/export.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/version.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace vidsplit {

namespace fs = std::filesystem;

namespace {

// Absolute and lexically normal, without a trailing separator, so that paths compare component by component.
fs::path clean(const fs::path& p) {
  fs::path out = fs::absolute(p).lexically_normal();
  if (!out.has_filename() && out != out.root_path()) out = out.parent_path();
  return out;
}

// The same with symbolic links resolved, as far as the path exists.
fs::path real(const fs::path& p) {
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(fs::absolute(p), ec);
  return ec ? clean(p) : clean(resolved);
}

// `inner` is `outer` or lies below it (whole components: /data/ab is not inside /data/a).
bool within(const fs::path& inner, const fs::path& outer) {
  return std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end()).first == outer.end();
}

bool read_by_export(const ExportPlan& plan, size_t video) {
  return std::any_of(plan.segments.begin(), plan.segments.end(), [&](const ExportSegment& s) { return s.video == video; });
}

std::string host_name() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return host.data();
}

// Staging folders are named `.<target name>.vidsplit-tmp-<host>-<pid>-XXXXXX` beside the target; the host
// keeps a folder shared between machines from being judged by another machine's process table.
std::string staging_prefix(const fs::path& to) {
  return fmt::format(".{}.vidsplit-tmp-{}-", to.filename().string(), host_name());
}

bool is_export_marker(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(file, ec))) return false;
  try {
    return nlohmann::json::parse(read_file(file.string())).value("format", "") == "vidsplit-export";
  } catch (const std::exception&) {
    return false;
  }
}

// A killed export (SIGKILL, power loss) leaves its staging folder: removed by the next export to the same target,
// once the process that made it is gone. Only folders holding the marker, so only what an export created.
void sweep_stale_staging(const fs::path& to) {
  const std::string prefix = staging_prefix(to);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(to.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || !entry.is_directory(ec) || entry.is_symlink(ec)) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    if (!is_export_marker(entry.path() / kExportMarker)) continue;
    std::error_code ignored;
    fs::remove_all(entry.path(), ignored);
  }
}

// A fresh folder beside the target, removed (with everything written into it) unless release()d.
class Staging {
 public:
  // mkdir rather than mkdtemp, whose 0700 would become the export's own permissions: mkdir applies the umask.
  explicit Staging(const fs::path& to) {
    const std::string base = (to.parent_path() / (staging_prefix(to) + std::to_string(::getpid()) + "-")).string();
    for (unsigned n = 0;; ++n) {
      const std::string name = base + std::to_string(n);
      if (::mkdir(name.c_str(), 0777) == 0) {
        path_ = name;
        return;
      }
      if (errno != EEXIST)
        throw Error(fmt::format("cannot create a folder beside {}: {}", to.string(), std::strerror(errno)));
    }
  }
  ~Staging() {
    if (path_.empty()) return;
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  const fs::path& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

// Refuses a target that is not a folder, or that holds files an earlier export did not make (and, without
// `overwrite`, one that holds an earlier export). Returns whether it holds an earlier export to replace.
bool check_existing_target(const fs::path& to, bool overwrite) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(to, ec);
  if (!fs::exists(status)) return false;
  if (fs::is_symlink(status))
    throw ConfigError(fmt::format("export target {} is a symbolic link; give the folder it points to", to.string()));
  if (!fs::is_directory(status)) throw ConfigError(fmt::format("export target {} exists and is not a folder", to.string()));
  if (fs::is_empty(to, ec) && !ec) return false;
  if (!is_export_marker(to / kExportMarker))
    throw ConfigError(fmt::format("export target {} is not empty and holds no earlier vidsplit export ({}); export "
                                  "never writes over files it did not create: choose an empty or new folder",
                                  to.string(), kExportMarker));
  if (!overwrite)
    throw ConfigError(fmt::format("export target {} holds an earlier vidsplit export; overwrite it to replace it",
                                  to.string()));
  return true;
}

// Puts the finished staging folder at `to`. An earlier export there is swapped out in one step
// (renameat2 RENAME_EXCHANGE) and then removed; where the file system cannot exchange, it is moved aside first.
void commit_staging(Staging& staging, const fs::path& to, bool replace) {
  const std::string from = staging.path().string(), dst = to.string();
  if (!replace) {
    // rename() replaces only an empty folder: a file added to the target since it was checked makes it fail.
    if (std::rename(from.c_str(), dst.c_str()) != 0)
      throw Error(fmt::format("cannot move the export into {}: {}", dst, std::strerror(errno)));
    staging.release();
    return;
  }
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, dst.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS)
      throw Error(fmt::format("cannot move the export into {}: {}", dst, std::strerror(errno)));
    const std::string aside = from + ".old";
    if (std::rename(dst.c_str(), aside.c_str()) != 0)
      throw Error(fmt::format("cannot move the earlier export {} aside: {}", dst, std::strerror(errno)));
    if (std::rename(from.c_str(), dst.c_str()) != 0) {
      const int err = errno;
      std::rename(aside.c_str(), dst.c_str());
      throw Error(fmt::format("cannot move the export into {}: {}", dst, std::strerror(err)));
    }
    std::error_code ignored;
    fs::remove_all(aside, ignored);
    staging.release();
    return;
  }
  // The staging folder's name now holds the earlier export, which the Staging's destructor removes.
}

}  // namespace

void place_source_file(const fs::path& src, const fs::path& dst, LinkMode link, const std::atomic<bool>* stop) {
  if (stop && stop->load(std::memory_order_relaxed)) throw Interrupted();
  struct stat s{}, d{};
  if (::stat(src.c_str(), &s) != 0) throw Error(fmt::format("cannot read {}: {}", src.string(), std::strerror(errno)));
  if (::lstat(dst.c_str(), &d) == 0) {
    if (::stat(dst.c_str(), &d) == 0 && d.st_dev == s.st_dev && d.st_ino == s.st_ino)
      throw Error(fmt::format("cannot place {} at {}: they are the same file", src.string(), dst.string()));
    throw Error(fmt::format("cannot place {} at {}: the file exists, and export never overwrites", src.string(),
                            dst.string()));
  }
  std::error_code ec;
  switch (link) {
    // copy_file's default options fail on an existing destination rather than replace it.
    case LinkMode::Copy: fs::copy_file(src, dst, ec); break;
    case LinkMode::Symlink: fs::create_symlink(fs::absolute(src), dst, ec); break;
    case LinkMode::Hardlink: fs::create_hard_link(src, dst, ec); break;
  }
  if (ec) throw Error(fmt::format("cannot place {} at {}: {}", src.string(), dst.string(), ec.message()));
}

namespace {

// The cheap half of verify_export_sources, done before the target is looked at: a path edited to point anywhere
// else is named as such, not as a bad target.
void check_source_roots(const ExportPlan& plan) {
  if (plan.roots.empty()) return;
  std::vector<std::pair<fs::path, fs::path>> roots;  // as recorded, and with links resolved
  for (const std::string& r : plan.roots) roots.emplace_back(clean(r), real(r));
  for (size_t i = 0; i < plan.videos.size(); ++i) {
    if (!read_by_export(plan, i)) continue;
    const ExportVideo& v = plan.videos[i];
    // Lexically under a root is what the scan found there (a link inside the dataset may lead outside it);
    // resolved under a root covers a root given through a link. The content hash then vouches for the bytes.
    const fs::path path = clean(v.path), resolved = real(v.path);
    if (std::none_of(roots.begin(), roots.end(),
                     [&](const auto& r) { return within(path, r.first) || within(resolved, r.second); }))
      throw ConfigError(fmt::format("video '{}': its path {} in scan.jsonl lies outside the scan's inputs ({}); "
                                    "export reads only the files the scan read",
                                    v.video, v.path, fmt::join(plan.roots, ", ")));
  }
}

}  // namespace

void verify_export_sources(const ExportPlan& plan, const std::atomic<bool>* stop) {
  check_source_roots(plan);
  for (size_t i = 0; i < plan.videos.size(); ++i) {
    if (!read_by_export(plan, i)) continue;
    const ExportVideo& v = plan.videos[i];
    std::error_code ec;
    if (!fs::is_regular_file(v.path, ec))
      throw ConfigError(fmt::format("video '{}': {} is missing or not a regular file (path from scan.jsonl)", v.video,
                                    v.path));
    if (!v.content_hash)
      throw ConfigError(fmt::format("video '{}': scan.jsonl holds no content_hash for it (its scan failed), so {} "
                                    "cannot be checked",
                                    v.video, v.path));
    uint64_t hash = 0;
    try {
      hash = VideoDecoder::stream_content_hash(v.path, stop);
    } catch (const Error& e) {
      throw ConfigError(fmt::format("video '{}': {} is not the scanned video any more: {}", v.video, v.path, e.what()));
    }
    if (hash != *v.content_hash)
      throw ConfigError(fmt::format("video '{}': {} changed since the scan (its video stream no longer matches "
                                    "scan.jsonl's content_hash); scan again before exporting",
                                    v.video, v.path));
  }
}

void check_export_target(const ExportPlan& plan, const std::string& to) {
  const fs::path target = real(to);
  const auto refuse = [&](const std::string& relation, const std::string& what) {
    throw ConfigError(fmt::format("export target {} {} {}; exports never write where their sources or OUT are: "
                                  "choose another folder",
                                  to, relation, what));
  };
  const fs::path out = real(plan.out_dir);
  const std::string out_text = fmt::format("the OUT folder {}", plan.out_dir);
  if (target == out) refuse("is", out_text);
  if (within(out, target)) refuse("contains", out_text);
  // OUT/export/<name> is where exports go by default: a folder of their own, which run never writes.
  if (within(target, out) && (!within(target, out / "export") || target == out / "export"))
    refuse("lies inside", out_text + " (only folders below OUT/export/ may hold an export)");
  std::set<fs::path> seen;
  for (size_t i = 0; i < plan.videos.size(); ++i) {
    if (!read_by_export(plan, i)) continue;
    const ExportVideo& v = plan.videos[i];
    // The folder holding the name the scan recorded, and the one holding the file a link there leads to.
    for (const fs::path& folder : {real(clean(v.path).parent_path()), real(v.path).parent_path()}) {
      if (!seen.insert(folder).second) continue;
      const std::string what = fmt::format("the folder {} of source video '{}'", folder.string(), v.video);
      if (target == folder) refuse("is", what);
      if (within(folder, target)) refuse("contains", what);
      if (within(target, folder)) refuse("lies inside", what);
    }
  }
}

ExportResult export_to_target(const ExportPlan& plan, const ExportOptions& options) {
  if (options.to.empty()) throw ConfigError("missing the export's target folder");
  const fs::path to = clean(options.to);
  check_source_roots(plan);
  check_export_target(plan, options.to);
  const bool replace = check_existing_target(to, options.overwrite);
  verify_export_sources(plan, options.stop);

  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (ec) throw ConfigError(fmt::format("cannot create folder {}: {}", to.parent_path().string(), ec.message()));
  sweep_stale_staging(to);
  Staging staging(to);
  // The marker goes in first, so that a killed export's staging folder is recognisably an export's own.
  const nlohmann::json marker = {{"format", "vidsplit-export"},
                                 {"version", kVersion},
                                 {"export_format", options.format},
                                 {"source", clean(plan.out_dir).string()}};
  write_file_atomic((staging.path() / kExportMarker).string(), marker.dump() + "\n");
  ExportOptions inner = options;
  inner.to = staging.path().string();
  ExportResult result = export_split(plan, inner);
  if (options.stop && options.stop->load()) throw Interrupted();
  commit_staging(staging, to, replace);
  return result;
}

}  // namespace vidsplit
