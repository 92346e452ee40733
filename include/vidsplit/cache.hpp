// Per-video scan cache: a finished video's scan is stored under a key made of the file's content hash and the
// analysis parameters, so reruns and grown datasets decode only new or changed videos.
#pragma once

#include "vidsplit/scan.hpp"

#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace vidsplit {

class ScanCache {
 public:
  // `parameters` is everything that changes a scan's result (detector, thresholds, analysis size...), in
  // a canonical text form; entries made with other parameters are never returned.
  ScanCache(std::string dir, const std::string& parameters);

  // 64-bit hash of the whole file's bytes. Throws Error when the file cannot be read.
  static uint64_t file_hash(const std::string& path);

  // The cached scan of this file, relabelled with the input's id, path and label; nullopt on a miss, or
  // when the entry cannot be read (a damaged entry is ignored and later replaced).
  std::optional<VideoScan> find(const InputVideo& input, uint64_t file_hash) const;
  // Stores a successful scan atomically (a killed run leaves whole entries only). Failures are not cached:
  // a timeout or a missing file may not recur. The first store into each subfolder removes the temporary
  // files there of entries whose writer was killed (an hour old or more).
  void store(uint64_t file_hash, const VideoScan& scan) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string entry_path(uint64_t file_hash) const;
  std::string dir_;
  uint64_t parameters_hash_;
  mutable std::mutex swept_mutex_;   // store() runs on the scan workers
  mutable std::set<std::string> swept_;  // subfolders whose stale temporary files were removed
};

}  // namespace vidsplit
