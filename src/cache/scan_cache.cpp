#include "vidsplit/cache.hpp"

#include "vidsplit/error.hpp"
#include "vidsplit/hash.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/version.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace vidsplit {

namespace fs = std::filesystem;

namespace {

// A run killed while storing an entry leaves its temporary file (write_file_atomic's `<entry>.tmp.<host>.<pid>.<n>`)
// behind. Writing an entry takes milliseconds, so one an hour old belongs to no live writer, not even another
// shard's run on a shared cache. Best effort: a file that cannot be listed or removed stays.
void remove_stale_temporaries(const fs::path& folder) {
  const auto stale_before = fs::file_time_type::clock::now() - std::chrono::hours(1);
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().find(".json.tmp.") == std::string::npos) continue;
    std::error_code stat_ec;
    if (it->is_regular_file(stat_ec) && it->last_write_time(stat_ec) < stale_before && !stat_ec)
      fs::remove(it->path(), stat_ec);
  }
}

}  // namespace

ScanCache::ScanCache(std::string dir, const std::string& parameters)
    : dir_(std::move(dir)), parameters_hash_(hash_string(parameters + "\n" + kVersion)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw ConfigError(fmt::format("cannot create cache folder {}: {}", dir_, ec.message()));
}

uint64_t ScanCache::file_hash(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  Hasher64 h;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    h.update(buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw Error(fmt::format("cannot read {}: read error", path));
  return h.digest();
}

std::string ScanCache::entry_path(uint64_t file_hash) const {
  // Two-level layout keeps folders small for hundreds of thousands of videos.
  const std::string name = fmt::format("{:016x}-{:016x}.json", file_hash, parameters_hash_);
  return (fs::path(dir_) / name.substr(0, 2) / name).string();
}

std::optional<VideoScan> ScanCache::find(const InputVideo& input, uint64_t file_hash) const {
  const std::string path = entry_path(file_hash);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  try {
    VideoScan scan = parse_scan_line(read_file(path));
    if (!scan.ok()) return std::nullopt;
    scan.video = input.video;
    scan.path = input.path;
    scan.label = input.label;
    return scan;
  } catch (const Error&) {
    return std::nullopt;
  }
}

void ScanCache::store(uint64_t file_hash, const VideoScan& scan) const {
  if (!scan.ok()) return;
  const std::string path = entry_path(file_hash);
  const fs::path folder = fs::path(path).parent_path();
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw Error(fmt::format("cannot create cache folder {}: {}", folder.string(), ec.message()));
  // A killed run's leftovers lie in the folders it was writing to, which its rerun writes to again: each folder
  // is swept on this cache's first store there, so a rerun that finds everything cached lists nothing.
  {
    std::lock_guard lock(swept_mutex_);
    if (swept_.insert(folder.string()).second) remove_stale_temporaries(folder);
  }
  write_file_atomic(path, scan_line(scan));
}

}  // namespace vidsplit
