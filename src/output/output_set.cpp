#include "vidsplit/output_set.hpp"

#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <utility>

namespace vidsplit {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kCurrent = "current";
constexpr std::string_view kLinkPrefix = ".vidsplit/current/";

[[noreturn]] void fail(const std::string& what, int err) {
  throw Error(fmt::format("{}: {}", what, std::strerror(err)));
}

void fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open " + dir.string(), errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) fail("cannot write " + dir.string(), err);
}

// Points `link` at `target` in one step: a new symlink beside it, renamed over it.
void replace_symlink(const fs::path& link, const std::string& target) {
  const fs::path tmp = link.parent_path() / fmt::format(".{}.tmp.{}", link.filename().string(), ::getpid());
  ::unlink(tmp.c_str());
  if (::symlink(target.c_str(), tmp.c_str()) != 0) fail("cannot write " + tmp.string(), errno);
  if (std::rename(tmp.c_str(), link.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail("cannot replace " + link.string(), err);
  }
}

std::string link_target(const fs::path& link) {
  std::error_code ec;
  const fs::path target = fs::read_symlink(link, ec);
  return ec ? std::string() : target.string();
}

bool is_regular(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() == fs::file_type::regular;
}

// n of a generation folder "gen-<n>" (or "gen-<n>-adopted", see OutputSet::adopt).
std::optional<unsigned long> generation_number(std::string name) {
  if (name.ends_with("-adopted")) name.resize(name.size() - 8);
  if (!name.starts_with("gen-") || name.size() == 4 || name.size() > 14 ||
      name.find_first_not_of("0123456789", 4) != std::string::npos)
    return std::nullopt;
  return std::stoul(name.substr(4));
}

// A hard link costs no room and no time; a filesystem without them (some network mounts) gets a copy. `from`
// may be one of OUT's symlinks (`split OUT/scan.jsonl -o OUT`): the link is to the file it names, as plain
// link() would link the symlink itself.
void link_or_copy(const fs::path& from, const fs::path& to) {
  if (::linkat(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), AT_SYMLINK_FOLLOW) == 0) return;
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) throw Error(fmt::format("cannot copy {} to {}: {}", from.string(), to.string(), ec.message()));
}

std::vector<std::string> regular_files(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (is_regular(it->path())) names.push_back(it->path().filename().string());
  if (ec) throw Error(fmt::format("cannot list {}: {}", dir.string(), ec.message()));
  std::sort(names.begin(), names.end());
  return names;
}

std::string human_bytes(uint64_t bytes) {
  return bytes >= (uint64_t{1} << 20) ? fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1 << 20))
                                      : fmt::format("{} KB", (bytes + 1023) / 1024);
}

}  // namespace

OutputLock::OutputLock(const std::string& out_dir, const std::string& holder, bool wait) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw ConfigError(fmt::format("cannot create output folder {}: {}", out_dir, ec.message()));
  const fs::path lock_path = fs::path(out_dir) / ".lock";
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw ConfigError(fmt::format("cannot write to output folder {}: {}", out_dir, std::strerror(errno)));
  while (::flock(fd_, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    const int err = errno;
    if (err == EINTR) continue;
    std::string other(512, '\0');
    const ssize_t n = ::pread(fd_, other.data(), other.size(), 0);
    other.resize(n > 0 ? static_cast<size_t>(n) : 0);
    if (const size_t eol = other.find('\n'); eol != std::string::npos) other.resize(eol);
    ::close(std::exchange(fd_, -1));
    if (err == EWOULDBLOCK)
      throw ConfigError(fmt::format("{} is in use by another vidsplit ({}); wait for it to finish, or pass --wait",
                                    out_dir, other.empty() ? "pid not yet recorded" : other));
    throw ConfigError(fmt::format("cannot lock {}: {}", lock_path.string(), std::strerror(err)));
  }
  const std::string text = fmt::format("pid {}: {}\n", ::getpid(), holder);
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    const int err = errno;
    ::close(std::exchange(fd_, -1));
    throw ConfigError(fmt::format("cannot write to output folder {}: {}", out_dir, std::strerror(err)));
  }
  const fs::path marker = fs::path(out_dir) / kOutputMarker;
  if (!fs::exists(marker, ec)) {
    try {
      write_file_atomic(marker.string(), "vidsplit writes its outputs here; it skips this folder when it looks for videos.\n");
    } catch (const Error& e) {
      ::close(std::exchange(fd_, -1));
      throw ConfigError(e.what());
    }
  }
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);
}

OutputSet::OutputSet(const std::string& out_dir)
    : out_(out_dir), meta_((fs::path(out_dir) / ".vidsplit").string()) {
  const fs::path meta(meta_);
  std::error_code ec;
  fs::create_directories(meta, ec);
  if (ec) throw Error(fmt::format("cannot create {}: {}", meta_, ec.message()));

  unsigned long next = 1;
  std::vector<std::string> gens;
  for (fs::directory_iterator it(meta, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (const auto n = generation_number(name)) {
      next = std::max(next, *n + 1);
      gens.push_back(name);
    }
  }
  if (ec) throw Error(fmt::format("cannot list {}: {}", meta_, ec.message()));
  const std::string current = link_target(meta / kCurrent);
  // Generations other than the current one were left by a run that died before its switch.
  for (const std::string& name : gens)
    if (name != current) fs::remove_all(meta / name, ec);

  gen_ = (meta / fmt::format("gen-{}", next)).string();
  fs::create_directory(gen_, ec);
  if (ec) throw Error(fmt::format("cannot create {}: {}", gen_, ec.message()));
}

OutputSet::~OutputSet() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(gen_, ec);
}

std::string OutputSet::path(std::string_view name) const { return (fs::path(gen_) / name).string(); }

void OutputSet::keep(std::string_view name) {
  const std::string current = link_target(fs::path(meta_) / kCurrent);
  if (current.empty()) return;
  const fs::path from = fs::path(meta_) / current / name;
  if (is_regular(from)) link_or_copy(from, path(name));
}

void OutputSet::add(std::string_view name, const std::string& from) { link_or_copy(from, path(name)); }

void OutputSet::keep_all_except(const std::vector<std::string>& names) {
  const std::string current = link_target(fs::path(meta_) / kCurrent);
  if (current.empty()) return;
  for (const std::string& name : regular_files(fs::path(meta_) / current))
    if (std::find(names.begin(), names.end(), name) == names.end() && !fs::exists(path(name))) keep(name);
}

void OutputSet::adopt(const std::vector<std::string>& names) {
  const fs::path out(out_), meta(meta_);
  std::vector<std::string> legacy;
  for (const std::string& name : names)
    if (is_regular(out / name)) legacy.push_back(name);
  if (legacy.empty()) return;
  std::error_code ec;
  std::string current = link_target(meta / kCurrent);
  const bool fresh = current.empty() || !fs::is_directory(meta / current, ec);
  if (fresh) {
    current = fs::path(gen_).filename().string() + "-adopted";
    fs::create_directory(meta / current, ec);
    if (ec) throw Error(fmt::format("cannot create {}: {}", (meta / current).string(), ec.message()));
  }
  // What the name reads now is the old set's file, even if a killed adoption left another one in `current`.
  for (const std::string& name : legacy) {
    ::unlink((meta / current / name).c_str());
    link_or_copy(out / name, meta / current / name);
  }
  fsync_dir(meta / current);
  if (fresh) {
    replace_symlink(meta / kCurrent, current);
    fsync_dir(meta);
  }
  for (const std::string& name : legacy) replace_symlink(out / name, std::string(kLinkPrefix) + name);
  fsync_dir(out);
}

void OutputSet::commit() {
  const fs::path out(out_), meta(meta_), gen(gen_);
  const std::vector<std::string> names = regular_files(gen);
  fsync_dir(gen);
  adopt(names);
  // The names of the new set first, while `current` still points at the old one: a name the old set lacks
  // dangles until the switch, as the file was absent before.
  bool linked = false;
  for (const std::string& name : names) {
    const std::string target = std::string(kLinkPrefix) + name;
    if (link_target(out / name) == target) continue;
    replace_symlink(out / name, target);
    linked = true;
  }
  if (linked) fsync_dir(out);
  replace_symlink(meta / kCurrent, gen.filename().string());
  fsync_dir(meta);
  committed_ = true;

  // Tidying after the switch: what fails here is retried by the next writer.
  std::error_code ec;
  for (fs::directory_iterator it(out, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (link_target(it->path()).starts_with(kLinkPrefix) &&
        std::find(names.begin(), names.end(), name) == names.end())
      ::unlink(it->path().c_str());
  }
  std::vector<fs::path> old;
  for (fs::directory_iterator it(meta, ec), end; !ec && it != end; it.increment(ec))
    if (generation_number(it->path().filename().string()) && it->path() != gen) old.push_back(it->path());
  for (const fs::path& p : old) fs::remove_all(p, ec);
}

std::string current_output_dir(const std::string& out_dir) {
  const fs::path meta = fs::path(out_dir) / ".vidsplit";
  const std::string current = link_target(meta / kCurrent);
  return current.empty() ? out_dir : (meta / current).string();
}

void check_output_room(const std::string& out_dir, uint64_t bytes) {
  struct statvfs fs_info {};
  if (::statvfs(out_dir.c_str(), &fs_info) != 0) fail("cannot check the free space of " + out_dir, errno);
  const uint64_t free_bytes = static_cast<uint64_t>(fs_info.f_bavail) * fs_info.f_frsize;
  if (free_bytes < bytes)
    throw Error(fmt::format("{}: only {} free, the outputs need at least {}", out_dir, human_bytes(free_bytes),
                            human_bytes(bytes)));
}

uint64_t estimated_output_bytes(size_t videos) {
  // 3 of sample_videos: 28 KB in all (4.4 KB of scan.jsonl and 200 bytes of clips.csv per video, an 11 KB
  // report, which stays a few MB at any size). Kept below the real size: refusing a run that would have fitted
  // is worse than failing late.
  constexpr uint64_t kBase = 16 * 1024, kPerVideo = 2 * 1024;
  return kBase + kPerVideo * videos;
}

}  // namespace vidsplit
