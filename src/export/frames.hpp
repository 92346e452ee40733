// Frame-extraction exports (mmaction2-rawframes, ultralytics), dispatched from export_split.
#pragma once

#include "vidsplit/export.hpp"

namespace vidsplit {

ExportResult export_frames(const ExportPlan& plan, const ExportOptions& options);

}  // namespace vidsplit
