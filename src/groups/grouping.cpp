#include "vidsplit/groups.hpp"

#include "groups/union_find.hpp"
#include "vidsplit/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace vidsplit {

Unit parse_unit(std::string_view text) {
  if (text == "video") return Unit::Video;
  if (text == "clip") return Unit::Clip;
  throw ConfigError(fmt::format("--unit must be 'video' or 'clip', not '{}'", text));
}

std::string_view to_string(Unit unit) { return unit == Unit::Video ? "video" : "clip"; }

ClipMatch match_clips(const ClipSignature& a, const ClipSignature& b, const GroupingOptions& options) {
  ClipMatch m;
  const ClipSignature& fewer = a.keyframe_hashes.size() <= b.keyframe_hashes.size() ? a : b;
  const ClipSignature& more = &fewer == &a ? b : a;
  if (fewer.keyframe_hashes.empty()) return m;
  m.histogram_distance = histogram_distance(a.mean_hist, b.mean_hist);
  if (m.histogram_distance > options.max_histogram_distance) return m;
  // Mirror and centre hashes are optional (signatures built by hand may lack them); used when complete.
  const auto complete = [](const ClipSignature& s, const std::vector<uint64_t>& v) {
    return v.size() == s.keyframe_hashes.size();
  };
  const bool mirror = complete(more, more.keyframe_mirror_hashes);
  const bool centre = complete(fewer, fewer.keyframe_centre_hashes) && complete(more, more.keyframe_centre_hashes) &&
                      complete(more, more.keyframe_centre_mirror_hashes);
  for (size_t i = 0; i < fewer.keyframe_hashes.size(); ++i) {
    const uint64_t h = fewer.keyframe_hashes[i];
    int best = 64;
    for (size_t j = 0; j < more.keyframe_hashes.size(); ++j) {
      best = std::min(best, hamming(h, more.keyframe_hashes[j]));
      if (mirror) best = std::min(best, hamming(h, more.keyframe_mirror_hashes[j]));
      if (centre) {
        const uint64_t c = fewer.keyframe_centre_hashes[i];
        best = std::min({best, hamming(c, more.keyframe_centre_hashes[j]), hamming(c, more.keyframe_centre_mirror_hashes[j])});
      }
    }
    if (best <= options.hash_threshold) {
      ++m.matched_keyframes;
      m.hash_distance = std::min(m.hash_distance, best);
    }
  }
  const int needed = std::min<int>(options.min_matching_keyframes, static_cast<int>(fewer.keyframe_hashes.size()));
  m.matched = m.matched_keyframes >= std::max(needed, 1);
  return m;
}

Grouping group_clips(const std::vector<VideoScan>& scans, const GroupingOptions& options) {
  if (options.hash_threshold < 0 || options.hash_threshold > 32)
    throw ConfigError(fmt::format("--group-threshold must be 0..32, not {}", options.hash_threshold));

  // One union-find node per clip; `first_node[v]` is the node of video v's clip 0.
  std::vector<size_t> first_node(scans.size() + 1, 0);
  for (size_t v = 0; v < scans.size(); ++v) first_node[v + 1] = first_node[v] + scans[v].shots.size();
  UnionFind sets(first_node.back());
  // The same joins without the unit's joins inside a video: what footage is shared, for the leakage headline.
  UnionFind footage(first_node.back());
  Grouping result;
  auto node = [&](ClipRef r) { return first_node[r.video] + static_cast<size_t>(r.clip); };
  auto join = [&](GroupEvidence e) {
    footage.unite(node(e.a), node(e.b));
    if (!sets.unite(node(e.a), node(e.b))) return;
    const Shot& a = scans[e.a.video].shots[static_cast<size_t>(e.a.clip)];
    const Shot& b = scans[e.b.video].shots[static_cast<size_t>(e.b.clip)];
    // Links that do not locate the matched stretch (all but temporal matches) show the whole clips.
    if (e.a_end_sec <= e.a_start_sec && e.b_end_sec <= e.b_start_sec) {
      e.a_start_sec = a.start_sec;
      e.a_end_sec = a.end_sec;
      e.b_start_sec = b.start_sec;
      e.b_end_sec = b.end_sec;
    }
    result.evidence.push_back(std::move(e));
  };

  // Every clip of a video is one unit in video mode; in clip mode a transition belongs with its neighbour.
  for (size_t v = 0; v < scans.size(); ++v) {
    const auto& shots = scans[v].shots;
    for (size_t c = 1; c < shots.size(); ++c) {
      const bool transition = shots[c].kind == ShotKind::Transition || shots[c - 1].kind == ShotKind::Transition;
      if (options.unit == Unit::Video) {
        sets.unite(first_node[v], first_node[v] + c);
      } else if (transition) {
        // Only the transition itself joins the shot before it; the shot after stays free to split.
        if (shots[c].kind == ShotKind::Transition || c == 1) sets.unite(first_node[v] + c - 1, first_node[v] + c);
      }
    }
  }

  // Byte-identical video streams: the same clips, index for index.
  std::map<std::pair<uint64_t, int64_t>, size_t> first_with_stream;
  for (size_t v = 0; v < scans.size(); ++v) {
    if (!scans[v].ok()) continue;
    const auto [it, fresh] = first_with_stream.emplace(std::pair{scans[v].content_hash, scans[v].frames}, v);
    if (fresh || scans[it->second].shots.size() != scans[v].shots.size()) continue;
    for (size_t c = 0; c < scans[v].shots.size(); ++c)
      join({.a = {it->second, static_cast<int>(c)}, .b = {v, static_cast<int>(c)}, .reason = "identical-stream",
            .kind = "copy", .score = 1.0});
  }

  // Near-duplicate clips, recurring scenes included. All matches are found first (in parallel), then joined
  // in pair order, so the evidence does not depend on the thread count.
  std::vector<ClipRef> clips;
  std::vector<const ClipSignature*> signatures;
  for (size_t v = 0; v < scans.size(); ++v)
    for (const Shot& s : scans[v].shots)
      if (s.kind == ShotKind::Shot && (!s.signature.keyframe_hashes.empty() || !s.signature.samples.empty())) {
        clips.push_back({v, s.index});
        signatures.push_back(&s.signature);
      }
  for (const NearDuplicate& d : find_near_duplicates(signatures, options)) {
    const TemporalMatch& t = d.match.temporal;
    if (d.match.matched_keyframes > 0 && !t.matched) {
      join({.a = clips[d.a], .b = clips[d.b], .reason = "near-duplicate", .kind = "copy",
            .score = static_cast<double>(d.match.matched_keyframes), .matched_keyframes = d.match.matched_keyframes,
            .hash_distance = d.match.hash_distance, .histogram_distance = d.match.histogram_distance});
      continue;
    }
    // Temporal matches say where the footage agrees: both stretches, from each clip's start.
    const Shot& a = scans[clips[d.a].video].shots[static_cast<size_t>(clips[d.a].clip)];
    const Shot& b = scans[clips[d.b].video].shots[static_cast<size_t>(clips[d.b].clip)];
    const bool keyframes_too = d.match.matched_keyframes > 0;
    join({.a = clips[d.a], .b = clips[d.b], .reason = match_reason(d.match),
          .kind = keyframes_too ? "copy" : "overlap", .a_start_sec = a.start_sec + t.a_from,
          .a_end_sec = std::min(a.end_sec, a.start_sec + t.a_to + 1.0 / kSampleRate),
          .b_start_sec = b.start_sec + t.b_from, .b_end_sec = std::min(b.end_sec, b.start_sec + t.b_to + 1.0 / kSampleRate),
          .score = static_cast<double>(t.agreeing), .matched_keyframes = d.match.matched_keyframes,
          .hash_distance = keyframes_too ? d.match.hash_distance : t.hash_distance,
          .histogram_distance = d.match.histogram_distance});
  }

  // Known source ids, after the pixel links so that those (which say where the footage matched) explain a
  // group first. Every clip of a video joins the first clip of the first video with its key.
  if (!options.sources.empty()) {
    std::vector<std::string> ids;
    for (const VideoScan& s : scans) ids.push_back(s.video);
    std::vector<std::string> keys = source_keys(ids, options.sources);
    // A key of one video links nothing (its clips stay free to split in clip unit).
    std::map<std::string, size_t> videos_with_key;
    for (size_t v = 0; v < scans.size(); ++v)
      if (!scans[v].ok() || scans[v].shots.empty()) keys[v].clear();
      else if (!keys[v].empty()) ++videos_with_key[keys[v]];
    std::map<std::string, size_t> first_with_key;
    for (size_t v = 0; v < scans.size(); ++v) {
      if (keys[v].empty() || videos_with_key[keys[v]] < 2) continue;
      const size_t first = first_with_key.emplace(keys[v], v).first->second;
      for (size_t c = 0; c < scans[v].shots.size(); ++c)
        if (first != v || c > 0)
          join({.a = {first, 0}, .b = {v, static_cast<int>(c)}, .reason = "same-source-name", .kind = "name",
                .score = 1.0});
    }
  }

  // Number groups in video, then clip order.
  std::map<size_t, int64_t> id_of_root;
  result.group_of.resize(scans.size());
  for (size_t v = 0; v < scans.size(); ++v) {
    if (!scans[v].ok()) continue;
    for (size_t c = 0; c < scans[v].shots.size(); ++c) {
      const size_t root = sets.find(first_node[v] + c);
      const auto [it, fresh] = id_of_root.emplace(root, static_cast<int64_t>(id_of_root.size()));
      result.group_of[v].push_back(it->second);
    }
  }
  result.group_count = static_cast<int64_t>(id_of_root.size());
  std::vector<int64_t> id_of_footage(first_node.back(), -1);
  int64_t footage_count = 0;
  result.footage_of.resize(scans.size());
  for (size_t v = 0; v < scans.size(); ++v) {
    if (!scans[v].ok()) continue;
    for (size_t c = 0; c < scans[v].shots.size(); ++c) {
      int64_t& id = id_of_footage[footage.find(first_node[v] + c)];
      if (id < 0) id = footage_count++;
      result.footage_of[v].push_back(id);
    }
  }
  return result;
}

}  // namespace vidsplit
