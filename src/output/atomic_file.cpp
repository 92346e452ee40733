#include "vidsplit/io.hpp"

#include "vidsplit/error.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <unistd.h>

namespace vidsplit {

namespace {

// A temporary name that no other writer of `path` uses. Two threads of one process write the same path when a
// dataset holds two copies of a video (one cache entry), and processes on several hosts when tasks share a
// --cache folder (in containers they often have the same pid). With one shared name, one writer truncated the
// file another was writing, or renamed it into place half-written.
std::string temporary_name(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return fmt::format("{}.tmp.{}.{}.{}", path, host.data(), ::getpid(), counter++);
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)), tmp_(temporary_name(path_)) {
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(fmt::format("cannot write {}: {}", tmp_, std::strerror(errno)));
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(tmp_.c_str());
}

void AtomicFileWriter::fail(const std::string& what, int err) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_.c_str());
  throw Error(fmt::format("{}: {}", what, std::strerror(err)));
}

void AtomicFileWriter::append(std::string_view piece) {
  // Short pieces (a scan.jsonl comes one line per video) are gathered into writes of about a megabyte; a piece
  // that big or bigger (write_file_atomic's whole file) goes out from the caller's memory, not copied first.
  if (buffer_.size() + piece.size() < kFlushBytes) {
    buffer_ += piece;
    return;
  }
  flush();
  write_all(piece);
}

void AtomicFileWriter::flush() {
  write_all(buffer_);
  buffer_.clear();
}

void AtomicFileWriter::write_all(std::string_view bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      fail("cannot write " + tmp_, err);
    }
    written += static_cast<size_t>(n);
  }
}

void AtomicFileWriter::commit() {
  flush();
  // fsync before rename: otherwise a power cut can leave the new name pointing at an empty file.
  if (::fsync(fd_) != 0) {
    const int err = errno;
    fail("cannot write " + tmp_, err);
  }
  if (::close(std::exchange(fd_, -1)) != 0) {
    const int err = errno;
    fail("cannot write " + tmp_, err);
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    fail("cannot replace " + path_, err);
  }
}

void write_file_atomic(const std::string& path, std::string_view content) {
  AtomicFileWriter file(path);
  file.append(content);
  file.commit();
}

bool link_or_copy_file_atomic(const std::string& source, const std::string& target) {
  std::error_code ec;
  // rename() of one hard link over another of the same file does nothing and would leave the temporary name.
  if (std::filesystem::equivalent(source, target, ec)) return true;
  const std::string tmp = temporary_name(target);
  if (::link(source.c_str(), tmp.c_str()) == 0) {
    if (std::rename(tmp.c_str(), target.c_str()) == 0) return true;
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(fmt::format("cannot replace {}: {}", target, std::strerror(err)));
  }
  // Another file system (EXDEV), or one without hard links: copy, a megabyte at a time.
  std::ifstream in(source, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {}: {}", source, std::strerror(errno)));
  AtomicFileWriter file(target);
  std::string chunk(size_t{1} << 20, '\0');
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0)
    file.append(std::string_view(chunk.data(), static_cast<size_t>(in.gcount())));
  if (in.bad()) throw Error(fmt::format("cannot read {}: read error", source));
  file.commit();
  return false;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("cannot read {}: read error", path));
  return std::move(buffer).str();
}

}  // namespace vidsplit
