// libFuzzer target: the fuzzer's bytes as a video file, through decode -> signatures -> shots exactly as
// `vidsplit scan` runs one video (by default and with --speed fast), read from memory through a custom
// AVIOContext.
#include "vidsplit/scan.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vidsplit::ScanOptions options;
  options.decoder.threads = 1;  // one input at a time; codec threads only add scheduling noise
  // Limits as the command line offers them, tight enough that no input can stall the fuzzer: bigger frames
  // and longer streams cost time, not coverage.
  options.decoder.max_pixels = 1 << 20;
  options.decoder.max_seconds = 2;
  // A bad video is recorded in VideoScan::error, never thrown; anything else escaping is a finding.
  vidsplit::scan_video_bytes({data, size}, {"fuzz.bin", "fuzz.bin", "fuzz"}, options);
  // Again as --speed fast scans it: keyframes only, then seeking stretches, frames numbered from packet times.
  options.keyframes_first = true;
  options.decoder.reference_frames_only = options.decoder.skip_deblock = options.decoder.reduced_resolution = true;
  vidsplit::scan_video_bytes({data, size}, {"fuzz.bin", "fuzz.bin", "fuzz"}, options);
  return 0;
}
