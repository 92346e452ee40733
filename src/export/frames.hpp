// Exports that decode (mmaction2-rawframes, ultralytics, clips), dispatched from export_split.
#pragma once

#include "vidsplit/export.hpp"

namespace vidsplit {

ExportResult export_frames(const ExportPlan& plan, const ExportOptions& options);
// The `clips` format (clip_files.cpp).
ExportResult export_clip_files(const ExportPlan& plan, const ExportOptions& options);

}  // namespace vidsplit
