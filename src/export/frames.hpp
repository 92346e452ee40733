// Exports that decode (mmaction2-rawframes, ultralytics, clips), dispatched from export_split.
#pragma once

#include "vidsplit/export.hpp"

#include <filesystem>
#include <memory>

namespace vidsplit {

ExportResult export_frames(const ExportPlan& plan, const ExportOptions& options);
// The `clips` format (clip_files.cpp).
ExportResult export_clip_files(const ExportPlan& plan, const ExportOptions& options);

struct PacketIndex;

// Cuts segments of one video into MP4 files: a stream copy of the packets when the segment starts on a
// keyframe and ends on one (or at the end), re-encoded otherwise (always, with ExportOptions::reencode).
class SegmentCutter {
 public:
  SegmentCutter(const ExportVideo& video, const ExportOptions& options);
  // Writes frames [start, end) to `dst` through a temporary file beside it; true when stream-copied.
  bool cut(int64_t start, int64_t end, const std::filesystem::path& dst) const;

 private:
  const ExportVideo& video_;
  const ExportOptions& options_;
  std::shared_ptr<PacketIndex> index_;
};

// The whole video as MPEG-4 part 2 in AVI, through a temporary file beside `dst`.
void transcode_to_avi(const ExportVideo& video, const std::filesystem::path& dst, const ExportOptions& options);

// The segment's times in its source video, by inclusive_seconds; ConfigError when scan.jsonl has no frame
// times for the video.
std::pair<std::string, std::string> segment_seconds(const ExportVideo& video, const ExportSegment& segment);

}  // namespace vidsplit
