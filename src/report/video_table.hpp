// The report's searchable list of videos: one inline data block and a small inline script that filters it,
// so a page of 200,000 videos stays a few megabytes and needs no network, no file and no image.
#pragma once

#include <string>
#include <vector>

namespace vidsplit {

struct VideoTableRow {
  std::string video;   // display text (already free of non-UTF-8 bytes)
  size_t label = 0;    // index into the table's labels
  size_t splits = 0;   // index into the table's split names ("train", "train+val", ...)
};

// The HTML of the table: a filter box, a JSON block and the script. `rows` in the order shown.
std::string video_table_html(const std::vector<std::string>& labels, const std::vector<std::string>& splits,
                             const std::vector<VideoTableRow>& rows);

}  // namespace vidsplit
