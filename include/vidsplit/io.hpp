// File helpers shared by every writer: all outputs are replaced atomically.
#pragma once

#include <string>
#include <string_view>

namespace vidsplit {

// Writes to a temporary file beside `path`, flushes it to disk, then renames it over `path`, so a killed
// run leaves either the old file or the new one, never half of one. Throws Error on failure.
void write_file_atomic(const std::string& path, std::string_view content);
// Whole file as bytes. Throws Error("cannot read FILE: reason").
std::string read_file(const std::string& path);

}  // namespace vidsplit
