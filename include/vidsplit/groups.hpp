// Stage 5: leakage groups. Everything that could leak between splits ends up in one group:
//  - videos whose names or a table give them one source key (sources.hpp);
//  - videos with byte-identical video streams (content hash);
//  - clips whose keyframes are near-duplicates (perceptual-hash Hamming distance, mirror-aware) with
//    similar colour, confirmed by several keyframes agreeing: recurring scenes inside a video, and
//    re-encoded, resized or re-uploaded copies across videos;
//  - clips whose temporal samples agree at one time offset (temporal_match.cpp): footage shared in part, at
//    other in and out points, padded or cropped, recoloured or mirrored.
// Union-find joins them; group ids are numbered in video/clip order, so they are deterministic.
#pragma once

#include "vidsplit/scan.hpp"
#include "vidsplit/sources.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vidsplit {

enum class Unit { Video, Clip };
Unit parse_unit(std::string_view text);  // "video" | "clip"; throws ConfigError
std::string_view to_string(Unit unit);

struct GroupingOptions {
  Unit unit = Unit::Video;
  // Two keyframes match when their 64-bit pHashes differ in at most this many bits (--group-threshold).
  int hash_threshold = 10;
  // ...and two clips match when this many of the shorter clip's keyframes match (fewer if it has fewer).
  int min_matching_keyframes = 2;
  // ...and their mean colour histograms are closer than this (0..1).
  double max_histogram_distance = 0.25;
  // Up to this many clips every pair is compared (exact); above it, candidates come from a hash-chunk index
  // (multi-index hashing), which finds pairs sharing an exact 21-bit chunk of some keyframe hash.
  size_t exhaustive_max_clips = 4096;
  // Temporal matching: two sampled frames agree when their view hashes differ in at most this many bits...
  int sample_threshold = 10;
  // ...and two clips share footage when at least this many samples of each agree at one time offset (within
  // kDriftTicks, for speed changes and frame-phase jitter). 5 samples are a third of a second.
  int min_agreeing_samples = 5;
  bool temporal = true;  // --no-temporal-match turns it off
  // Exhaustive temporal comparison while the clips hold at most this many samples in all (the work grows with
  // its square); above it, candidates come from a chunk index of the samples.
  size_t exhaustive_max_samples = 50000;
  int threads = 0;  // for the near-duplicate search; 0 = all cores. Results do not depend on it.
  // Videos with one source key (by name or table) join one group, evidence "same-source-name".
  SourceOptions sources;
};

struct ClipRef {
  size_t video = 0;  // index into the scans
  int clip = 0;      // shot index in that video
  friend bool operator==(const ClipRef&, const ClipRef&) = default;
};

// Why two clips were put in one group.
struct GroupEvidence {
  ClipRef a;
  ClipRef b;
  std::string reason;       // "identical-stream", "near-duplicate", "footage-overlap" or "same-source-name"
  // What kind of link a person is asked to check: "copy" (keyframes agree), "overlap" (footage agrees at one
  // time offset, possibly in part, reframed, recoloured or mirrored) or "name".
  std::string kind;
  // The matched time ranges of both clips, in seconds (whole clips for links by name).
  double a_start_sec = 0.0;
  double a_end_sec = 0.0;
  double b_start_sec = 0.0;
  double b_end_sec = 0.0;
  double score = 0.0;  // strength of the match: matched sampled frames, inliers, or 1 for a name
  int matched_keyframes = 0;
  int hash_distance = 0;    // smallest Hamming distance among the matched keyframes
  double histogram_distance = 0.0;
};

struct Grouping {
  // group_of[video][clip]: the group of every clip of every usable video; -1 for failed videos.
  // Transition clips take the group of the shot before them (or after, for a leading transition).
  std::vector<std::vector<int64_t>> group_of;
  int64_t group_count = 0;
  std::vector<GroupEvidence> evidence;
  // footage_of[video][clip]: clips linked by shared footage (identical streams, near-duplicates, source keys),
  // directly or through other clips, share a number; the joins the unit makes inside a video do not count.
  // The leakage headline counts a val clip as seen in train when a train clip shares its number.
  std::vector<std::vector<int64_t>> footage_of;
};

Grouping group_clips(const std::vector<VideoScan>& scans, const GroupingOptions& options);

// The clip-to-clip test itself, exposed for tests and the audit.
// Two clips that show the same footage at one time offset.
struct TemporalMatch {
  bool matched = false;
  int agreeing = 0;        // samples agreeing at the best offset (the fewer of the two clips' counts)
  int offset_ticks = 0;    // b's time minus a's, in 1 / kSampleRate s ticks
  int hash_distance = 64;  // smallest distance among the agreeing samples
  // The stretch where they agree, in seconds from each clip's first frame (end = the last agreeing sample).
  double a_from = 0.0, a_to = 0.0, b_from = 0.0, b_to = 0.0;
};
// Agreement beyond the best offset allowed for: a speed change of 10 % over a 2 s overlap, and the frame phase.
inline constexpr int kDriftTicks = 2;
TemporalMatch match_temporal(const ClipSignature& a, const ClipSignature& b, const GroupingOptions& options);

struct ClipMatch {
  bool matched = false;  // by keyframes, or by temporal samples
  int matched_keyframes = 0;
  int hash_distance = 64;
  double histogram_distance = 1.0;
  TemporalMatch temporal;  // filled where the temporal search found the pair
};
ClipMatch match_clips(const ClipSignature& a, const ClipSignature& b, const GroupingOptions& options);
// The evidence reason of a match: "near-duplicate" when keyframes agree, else "footage-overlap".
inline const char* match_reason(const ClipMatch& m) { return m.matched_keyframes > 0 ? "near-duplicate" : "footage-overlap"; }

// Every matching pair (a < b, indices into `clips`), sorted: keyframe matches and, with options.temporal,
// temporal ones (a pair both find carries both). Exhaustive or indexed, as options say.
struct NearDuplicate {
  size_t a = 0;
  size_t b = 0;
  ClipMatch match;
};
std::vector<NearDuplicate> find_near_duplicates(const std::vector<const ClipSignature*>& clips,
                                                const GroupingOptions& options);
// The pairs whose temporal samples match (a < b, sorted), exhaustive or through a chunk index of the samples.
std::vector<NearDuplicate> find_temporal_matches(const std::vector<const ClipSignature*>& clips,
                                                 const GroupingOptions& options);

}  // namespace vidsplit
