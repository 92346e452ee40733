// How an export places a source video: the one place that touches a source file.
#pragma once

#include "vidsplit/export.hpp"

#include <atomic>
#include <filesystem>

namespace vidsplit {

// Puts the source video `src` at `dst`: a copy, a symbolic link to its absolute path, or a hard link. `src` is
// only ever opened for reading, and nothing is replaced: an existing `dst` is an Error (named "the same file"
// when it is `src` itself, same device and inode). Interrupted when `stop` is set.
void place_source_file(const std::filesystem::path& src, const std::filesystem::path& dst, LinkMode link,
                       const std::atomic<bool>* stop);

}  // namespace vidsplit
