#include "vidsplit/io.hpp"

#include "vidsplit/error.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
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

void write_file_atomic(const std::string& path, std::string_view content) {
  const std::string tmp = temporary_name(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error(fmt::format("cannot write {}: {}", tmp, std::strerror(err)));
    }
    written += static_cast<size_t>(n);
  }
  // fsync before rename: otherwise a power cut can leave the new name pointing at an empty file.
  const bool synced = ::fsync(fd) == 0;
  const int sync_err = errno;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed) {
    const int err = synced ? errno : sync_err;
    ::unlink(tmp.c_str());
    throw Error(fmt::format("cannot write {}: {}", tmp, std::strerror(err)));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error(fmt::format("cannot replace {}: {}", path, std::strerror(err)));
  }
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
