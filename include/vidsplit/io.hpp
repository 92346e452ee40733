// File helpers shared by every writer: all outputs are replaced atomically.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vidsplit {

// A file written in pieces and put in place whole: the pieces go to a temporary file beside `path`; commit()
// flushes it to disk and renames it over `path`, so a killed run leaves either the old file or the new one,
// never half of one. A writer destroyed without commit() removes its temporary file. Throws Error on failure.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  void append(std::string_view piece);
  void commit();

 private:
  static constexpr size_t kFlushBytes = size_t{1} << 20;
  void flush();
  void write_all(std::string_view bytes);
  [[noreturn]] void fail(const std::string& what, int err);
  std::string path_, tmp_;
  std::string buffer_;
  int fd_ = -1;
};

// The whole file at once, through an AtomicFileWriter.
void write_file_atomic(const std::string& path, std::string_view content);
// Puts the file `source` at `target`, replacing it atomically: a hard link when both are on one file system
// (vidsplit replaces its files by rename, never in place, so the two names cannot diverge half-way), else a
// copy through an AtomicFileWriter. Nothing to do when they already are one file. Returns true unless it copied.
// Throws Error naming the file and the reason.
bool link_or_copy_file_atomic(const std::string& source, const std::string& target);
// Whole file as bytes. Throws Error("cannot read FILE: reason").
std::string read_file(const std::string& path);

}  // namespace vidsplit
