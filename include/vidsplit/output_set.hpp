// OUT as one set of outputs with one writer at a time.
//
// Layout: every command that writes into OUT writes its files into a fresh generation folder
// OUT/.vidsplit/gen-<n>/, then switches the symlink OUT/.vidsplit/current to it with one rename. The documented
// paths (OUT/clips.csv, OUT/summary.json, ...) are symlinks to .vidsplit/current/<name>, so other programs read
// them as before, and every name resolves into the same generation: after a crash or kill -9 at any moment
// OUT holds the complete old set or the complete new set.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vidsplit {

// Written into every OUT (and, by export, into every export folder): the input walk skips folders that hold
// one, so a rerun never takes vidsplit's own outputs for videos.
inline constexpr std::string_view kOutputMarker = ".vidsplit-out";
inline constexpr std::string_view kExportMarker = ".vidsplit-export";

// An exclusive flock on OUT/.lock, held until destruction (the kernel drops it when the process dies, even
// by kill -9). Creates OUT if missing and writes the marker. `holder` (e.g. "vidsplit run data -o out") goes
// into the lock file after the pid, so a refused writer can name the holder.
// Throws ConfigError when OUT cannot be created or written, or (unless `wait`) when another process holds the
// lock; with `wait` it blocks until the lock is free.
class OutputLock {
 public:
  OutputLock(const std::string& out_dir, const std::string& holder, bool wait);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  int fd_ = -1;
};

// A new generation of OUT's outputs, being written. The caller holds OutputLock on OUT. Files go to
// path(name); keep() carries files of the current set over (hard links); commit() makes the generation
// current and removes the older ones. Destroyed without commit(), it removes its folder and OUT is unchanged.
// Output files written by older versions (regular files at OUT's top level) are first adopted as the current
// set, without changing what their names read. Throws Error on I/O failure.
class OutputSet {
 public:
  explicit OutputSet(const std::string& out_dir);
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  const std::string& dir() const { return gen_; }  // the new generation's folder
  std::string path(std::string_view name) const;
  // Carries `name` over from the current set, if it has one.
  void keep(std::string_view name);
  // Puts the file `from` into the set as `name` (a hard link, or a copy across filesystems).
  void add(std::string_view name, const std::string& from);
  // Carries over every file of the current set except `names`.
  void keep_all_except(const std::vector<std::string>& names);
  void commit();

 private:
  std::string out_, meta_, gen_;
  bool committed_ = false;
};

// The folder holding OUT's current set: OUT/.vidsplit/gen-<n> resolved once, so a reader that takes every file
// from it sees one set even while a writer switches; OUT itself when it has no generations (written by hand or
// by an older version).
std::string current_output_dir(const std::string& out_dir);

// Fails early when OUT's filesystem has less than `bytes` free: throws Error naming OUT, the room left and the
// room needed.
void check_output_room(const std::string& out_dir, uint64_t bytes);

// A lower bound on the size of a run's outputs for `videos` inputs (scan.jsonl, clips.csv, report.html), for
// check_output_room.
uint64_t estimated_output_bytes(size_t videos);

}  // namespace vidsplit
