// `vidsplit audit`: checks an existing split for leaks. Reads the split in one of three layouts, and given
// the videos' scans, finds the clips of different splits that share footage the way grouping does: identical
// streams, the grouping stage's near-duplicate search (find_near_duplicates: its index on large sets) and,
// with GroupingOptions::sources, videos with one source key.
#pragma once

#include "vidsplit/groups.hpp"
#include "vidsplit/scan.hpp"
#include "vidsplit/split.hpp"

#include <string>
#include <vector>

namespace vidsplit {

// One video of an existing split. `rows` is empty when the whole video is in `split`; otherwise (a clip-unit
// clips.csv) each scanned clip takes the split of the rows it overlaps most.
// Frames [start_frame, end_frame) of one video listed in two splits at once (a clips.csv whose rows overlap).
struct SplitConflict {
  std::string split_a, split_b;  // split_a < split_b
  int64_t start_frame = 0, end_frame = 0;
};

struct AuditVideo {
  InputVideo input;
  std::string split;
  std::vector<KeptRow> rows;
  std::vector<SplitConflict> conflicts;
};

struct SplitLayout {
  std::string kind;  // "clips-csv", "ucf101-lists" or "split-folders"
  std::vector<AuditVideo> videos;  // sorted by video id
};

struct SplitLayoutOptions {
  std::string videos_root;      // where video ids are resolved (clips.csv, lists); empty = next to the file
  std::string list_number = "01";  // UCF101 lists: trainlist<NN>.txt, testlist<NN>.txt, vallist<NN>.txt
  // The split names SPLIT may use. Empty: the names in a summary.json beside a clips.csv, if there is one.
  std::vector<std::string> splits;
};

// SPLIT is a clips.csv (columns video and split; start_frame/end_frame and label used when present), a
// UCF101-style list file or a folder holding such lists, or a folder with one subfolder per split
// (root/<split>/...). Throws ConfigError naming the file and line on a malformed listing.
// Split names are checked, since a mistyped one would silently become a split of its own: names that differ
// only in case are refused; when the names are known (options.splits, or summary.json beside a clips.csv),
// any other name is refused; otherwise a name that is a prefix of another (`va` next to `val`) is refused.

SplitLayout read_split_layout(const std::string& path, const SplitLayoutOptions& options);

struct Leak {
  ClipRef a;  // a's video sorts before b's (or the same video, a's clip first); clip -1: the whole video
  ClipRef b;
  std::string split_a;
  std::string split_b;
  // "identical-stream", "near-duplicate", "same-source-name" (whole videos), or "same-video": one clip listed
  // in both splits (a == b). A video that could not be read has its same-video leak listed once, with clip -1.
  std::string reason;
  int matched_keyframes = 0;
  int hash_distance = 0;
  double histogram_distance = 0.0;
};

struct SplitLeakage {
  std::string split;
  int64_t frames = 0;             // frames of its clips
  int64_t leaked_frames = 0;      // of those, frames in clips with a near-duplicate in the reference split
  int64_t leaking_clips = 0;
};

struct AuditResult {
  std::vector<Leak> leaks;            // sorted by (a, b)
  std::string reference;              // "train" if present, else the split with the most frames
  std::vector<SplitLeakage> splits;   // every split but the reference, by name
  // split_of_clip[video][clip]: the split each scanned clip was found in ("" = none: excluded or unlisted).
  std::vector<std::vector<std::string>> split_of_clip;
};

// `scans` and `layout.videos` are parallel (same order). Deterministic; failed videos take no part.
AuditResult audit_split(const std::vector<VideoScan>& scans, const SplitLayout& layout,
                        const GroupingOptions& options);

// OUT/leaks.csv: split_a,video_a,clip_a,start_frame_a,end_frame_a,split_b,video_b,clip_b,start_frame_b,
// end_frame_b,reason,matched_keyframes,hash_distance,histogram_distance
std::string leaks_csv(const std::vector<VideoScan>& scans, const AuditResult& result);

}  // namespace vidsplit
