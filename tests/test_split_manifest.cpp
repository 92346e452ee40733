#include "split_support.hpp"
#include "vidsplit/hash.hpp"
#include "vidsplit/split.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>

using namespace vidsplit;

namespace {

// v.content differs per video (its id), so only equal shot hashes match.
VideoScan synthetic_video(const std::string& id, const std::string& label, std::vector<int64_t> bounds,
                          std::vector<ShotKind> kinds, std::vector<uint64_t> hash_of_shot) {
  return test::synthetic_scan(id, label, bounds, hash_of_shot, hash_string(id), std::move(kinds));
}

// The DESIGN.md invariants of clips.csv, checked on rows of one video.
void check_invariants(const std::vector<ManifestRow>& rows, const std::map<std::string, int64_t>& frames,
                      const std::set<std::pair<std::string, int64_t>>& cuts, bool guard_zero) {
  std::map<std::string, int64_t> next_start;
  std::map<int64_t, std::string> split_of_group;
  const ManifestRow* prev = nullptr;
  for (const ManifestRow& r : rows) {
    CHECK(r.start_frame == next_start[r.video]);  // tiles without gaps or overlaps
    CHECK(r.end_frame > r.start_frame);
    next_start[r.video] = r.end_frame;
    if (r.split != kExcluded) {
      const auto [it, fresh] = split_of_group.emplace(r.group, r.split);
      CHECK(it->second == r.split);  // a group never spans splits
    } else {
      CHECK((r.kind == RowKind::Guard || r.kind == RowKind::Transition));
    }
    if (prev && prev->video == r.video && prev->split != kExcluded && r.split != kExcluded &&
        prev->split != r.split) {
      CHECK(guard_zero);
      CHECK(cuts.count({r.video, r.start_frame}) == 1);
    }
    prev = &r;
  }
  for (const auto& [video, n] : frames) CHECK(next_start[video] == n);
}

}  // namespace

TEST_CASE("vidsplit::split_scans") {
  using K = ShotKind;
  // v0: A | B | dissolve | C, with cuts at 50 and 100. v1: D E D (recurring scene). v2..v9: one shot each.
  std::vector<VideoScan> scans;
  scans.push_back(synthetic_video("a/v0.mp4", "a", {0, 50, 100, 120, 200}, {K::Shot, K::Shot, K::Transition, K::Shot},
                                  {mix64(11), mix64(12), 0, mix64(13)}));
  scans.push_back(synthetic_video("a/v1.mp4", "a", {0, 60, 120, 180}, {K::Shot, K::Shot, K::Shot},
                                  {mix64(14), mix64(15), mix64(14)}));
  for (int i = 2; i < 10; ++i)
    scans.push_back(synthetic_video("b/v" + std::to_string(i) + ".mp4", i % 2 ? "a" : "b", {0, 100}, {K::Shot},
                                    {mix64(static_cast<uint64_t>(i))}));
  std::map<std::string, int64_t> frames;
  std::set<std::pair<std::string, int64_t>> cuts = {{"a/v0.mp4", 50}, {"a/v0.mp4", 100}, {"a/v1.mp4", 60}, {"a/v1.mp4", 120}};
  for (const auto& s : scans) frames[s.video] = s.frames;

  SplitOptions options;
  options.ratios = {{"train", 0.5}, {"val", 0.5}};

  SUBCASE("video unit: one group per video, every row of a video in one split") {
    const SplitOutcome out = split_scans(scans, options);
    CHECK(out.grouping.group_count == 10);
    check_invariants(out.rows, frames, cuts, true);
    std::map<std::string, std::set<std::string>> splits_of_video;
    for (const auto& r : out.rows) splits_of_video[r.video].insert(r.split);
    for (const auto& [video, splits] : splits_of_video) CHECK(splits.size() == 1);
  }
  SUBCASE("clip unit: the recurring scene shares a group, the rest may split at cuts") {
    options.grouping.unit = Unit::Clip;
    const SplitOutcome out = split_scans(scans, options);
    // v0: A, B, C (+ the transition joins B) -> 3 groups; v1: D+D', E -> 2; 8 single shots.
    CHECK(out.grouping.group_count == 13);
    CHECK(out.grouping.group_of[1][0] == out.grouping.group_of[1][2]);
    CHECK(out.grouping.group_of[1][0] != out.grouping.group_of[1][1]);
    CHECK(out.grouping.group_of[0][2] == out.grouping.group_of[0][1]);
    check_invariants(out.rows, frames, cuts, true);
    for (const auto& r : out.rows) {
      if (r.video == "a/v0.mp4" && r.kind == RowKind::Transition) {
        const bool sides_differ = out.rows[1].split != out.rows[3].split;
        CHECK((r.split == kExcluded) == sides_differ);
      }
    }
  }
  SUBCASE("clip unit with a guard: boundaries between splits become excluded guard rows") {
    options.grouping.unit = Unit::Clip;
    options.guard_seconds = 0.4;  // 10 frames at 25 fps
    const SplitOutcome out = split_scans(scans, options);
    check_invariants(out.rows, frames, cuts, false);
    int guards = 0;
    for (size_t i = 0; i < out.rows.size(); ++i) {
      const ManifestRow& r = out.rows[i];
      if (r.kind != RowKind::Guard) continue;
      ++guards;
      CHECK(r.split == kExcluded);
      CHECK(r.group == kNoGroup);
      CHECK(r.end_frame - r.start_frame == 10);
    }
    // Without a guard, how many places change split? Each gets two 10-frame guard rows.
    options.guard_seconds = 0;
    const SplitOutcome plain = split_scans(scans, options);
    int changes = 0;
    for (size_t i = 1; i < plain.rows.size(); ++i) {
      const auto& a = plain.rows[i - 1];
      const auto& b = plain.rows[i];
      if (a.video == b.video && a.split != kExcluded && b.split != kExcluded && a.split != b.split) ++changes;
    }
    CHECK(changes > 0);
    CHECK(guards >= 2 * changes);
  }
  SUBCASE("failed videos get no rows") {
    scans[3].error = "cannot open: Invalid data found when processing input";
    scans[3].shots.clear();
    const SplitOutcome out = split_scans(scans, options);
    for (const auto& r : out.rows) CHECK(r.video != scans[3].video);
  }
}
