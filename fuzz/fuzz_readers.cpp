// libFuzzer target: every reader of user-supplied tables. The first byte picks the reader, the rest is the
// file. A reader may reject its input only with vidsplit::Error or ConfigError; any other exception, crash
// or sanitizer report is a finding.
#include "vidsplit/error.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/scan.hpp"
#include "vidsplit/split.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace {

// The readers take paths, as the command line gives them; one file per process and extension.
std::string write_input(std::string_view content, const char* extension) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("vidsplit-fuzz-" + std::to_string(getpid()) + extension);
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(content.data(), static_cast<std::streamsize>(content.size()));
  return path.string();
}

// Seeds start with the digit of their reader, so the corpus stays readable.
void read(uint8_t which, std::string_view content) {
  std::vector<std::string> group_names;
  nlohmann::json parameters;
  switch (static_cast<uint8_t>(which - '0') % 7) {
    case 0: vidsplit::read_labels_csv(write_input(content, ".csv")); break;
    case 1: vidsplit::read_segments(write_input(content, ".csv")); break;
    case 2: vidsplit::read_segments(write_input(content, ".json")); break;
    case 3: vidsplit::read_kept_split(write_input(content, ".csv")); break;
    case 4: vidsplit::read_group_table(write_input(content, ".csv"), group_names); break;
    case 5: vidsplit::parse_scan_line(content); break;
    default: vidsplit::read_scan_jsonl(write_input(content, ".jsonl"), parameters);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  try {
    read(data[0], {reinterpret_cast<const char*>(data) + 1, size - 1});
  } catch (const vidsplit::Error&) {
  } catch (const vidsplit::ConfigError&) {
  }
  return 0;
}
