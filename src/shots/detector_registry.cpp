#include "shots/detectors.hpp"
#include "vidsplit/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

namespace vidsplit {

namespace detail {

void CombinedDetector::process(const FrameFeatures& frame, std::vector<Boundary>& out) {
  for (size_t i = 0; i < parts_.size(); ++i) {
    parts_[i]->process(frame, found_);
    collect(i);
  }
  release(parts_settled(), out);
}

void CombinedDetector::flush(std::vector<Boundary>& out) {
  for (size_t i = 0; i < parts_.size(); ++i) {
    parts_[i]->flush(found_);
    collect(i);
  }
  release(INT64_MAX, out);
}

void CombinedDetector::collect(size_t part) {
  for (const Boundary& b : found_) pending_.push_back({b, uint64_t{1} << part});
  found_.clear();
}

int64_t CombinedDetector::parts_settled() const {
  int64_t settled = INT64_MAX;
  for (const auto& part : parts_) settled = std::min(settled, part->settled_before());
  return settled;
}

int64_t CombinedDetector::settled_before() const {
  const int64_t settled = parts_settled();
  // A cut is only final once no transition can still claim it, and a transition claims cuts one frame
  // outside it; a transition held back for merging holds back everything after its start.
  int64_t before = settled == INT64_MAX ? settled : std::max<int64_t>(0, settled - 1);
  for (const Found& f : pending_) before = std::min(before, f.boundary.start);
  return before;
}

void CombinedDetector::metrics(std::vector<std::pair<std::string_view, double>>& out) const {
  for (const auto& part : parts_) part->metrics(out);
}

void CombinedDetector::release(int64_t settled, std::vector<Boundary>& out) {
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const Found& a, const Found& b) { return a.boundary.start < b.boundary.start; });
  // Transitions that overlap are one, and so are transitions of different parts that nearly touch: a fade
  // detector and the dissolve detector seeing the same fade, or a fade out to white straight into a fade to
  // black. A gap this short is no shot. Two transitions that one part reported apart (two fades through black
  // with a few bright frames between) stay apart.
  std::vector<Found> merged;
  for (const Found& f : pending_) {
    const Boundary& b = f.boundary;
    if (b.kind == BoundaryKind::Transition && !merged.empty() &&
        merged.back().boundary.kind == BoundaryKind::Transition) {
      Boundary& last = merged.back().boundary;
      if (b.start < last.end || (b.start <= last.end + kMergeGap && (f.parts & merged.back().parts) == 0)) {
        last.end = std::max(last.end, b.end);
        last.score = std::max(last.score, b.score);
        merged.back().parts |= f.parts;
        continue;
      }
    }
    merged.push_back(f);
  }
  std::vector<Boundary> transitions;
  for (const Found& f : merged)
    if (f.boundary.kind == BoundaryKind::Transition) transitions.push_back(f.boundary);
  std::vector<Found> keep;
  bool blocked = false;  // boundaries go out in order: nothing passes one that must wait
  for (const Found& f : merged) {
    const Boundary& b = f.boundary;
    if (b.kind == BoundaryKind::Cut) {
      const bool inside = std::any_of(transitions.begin(), transitions.end(), [&](const Boundary& t) {
        return b.start >= t.start - 1 && b.start <= t.end + 1;
      });
      if (inside) continue;
    }
    // A transition is final once every part has reported all that could still merge with it.
    const bool ready = b.kind == BoundaryKind::Cut
                           ? b.start < (settled == INT64_MAX ? settled : settled - 1)
                           : (settled == INT64_MAX || b.end + kMergeGap + 1 < settled - 1);
    if (blocked || !ready) {
      blocked = true;
      keep.push_back(f);
    } else if (b.start >= released_end_) {
      out.push_back(b);
      released_end_ = std::max(b.end, b.start + 1);
    } else if (b.kind == BoundaryKind::Transition && b.end > released_end_) {
      out.push_back({b.kind, released_end_, b.end, b.score});  // the part not yet covered
      released_end_ = b.end;
    }
  }
  pending_ = std::move(keep);
}

}  // namespace detail

namespace {

struct Entry {
  std::string description;
  DetectorFactory factory;
};

std::map<std::string, Entry, std::less<>>& registry() {
  static std::map<std::string, Entry, std::less<>> entries = [] {
    std::map<std::string, Entry, std::less<>> e;
    e["content"] = {"hard cuts from the weighted HSV + edge difference of consecutive frames",
                    [](const DetectorOptions& o) { return std::make_unique<detail::ContentDetector>(o, false); }};
    e["adaptive"] = {"hard cuts whose content score also stands out against the neighbouring frames' scores "
                     "(robust to fast motion)",
                     [](const DetectorOptions& o) { return std::make_unique<detail::ContentDetector>(o, true); }};
    e["histogram"] = {"hard cuts from the change of consecutive frames' HSV histograms",
                      [](const DetectorOptions& o) { return std::make_unique<detail::HistogramDetector>(o); }};
    e["fade"] = {"fades out to and in from black or white, reported as transition spans",
                 [](const DetectorOptions& o) {
                   std::vector<std::unique_ptr<ShotDetector>> parts;
                   parts.push_back(std::make_unique<detail::FadeDetector>(o, false));
                   parts.push_back(std::make_unique<detail::FadeDetector>(o, true));
                   return std::make_unique<detail::CombinedDetector>("fade", std::move(parts));
                 }};
    e["dissolve"] = {"gradual transitions between two pictures (dissolves, cross-fades, wipes) as spans",
                     [](const DetectorOptions& o) { return std::make_unique<detail::DissolveDetector>(o); }};
    e["auto"] = {"adaptive cuts, fades through black or white, and dissolves; a cut inside a transition is "
                 "dropped and overlapping transitions merge (default)",
                 [](const DetectorOptions& o) {
                   std::vector<std::unique_ptr<ShotDetector>> parts;
                   parts.push_back(std::make_unique<detail::ContentDetector>(o, true));
                   parts.push_back(std::make_unique<detail::FadeDetector>(o, false));
                   parts.push_back(std::make_unique<detail::FadeDetector>(o, true));
                   parts.push_back(std::make_unique<detail::DissolveDetector>(o));
                   return std::make_unique<detail::CombinedDetector>("auto", std::move(parts));
                 }};
    return e;
  }();
  return entries;
}

}  // namespace

void register_detector(std::string name, std::string description, DetectorFactory factory) {
  registry()[std::move(name)] = {std::move(description), std::move(factory)};
}

std::unique_ptr<ShotDetector> make_detector(std::string_view name, const DetectorOptions& options) {
  const auto it = registry().find(name);
  if (it == registry().end())
    throw ConfigError(fmt::format("unknown detector '{}' (choose from: {})", name,
                                  fmt::join(detector_names(), ", ")));
  if (options.min_shot_seconds < 0) throw ConfigError("--min-shot must be >= 0");
  return it->second.factory(options);
}

std::vector<std::string> detector_names() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : registry()) names.push_back(name);
  return names;
}

std::string detector_description(std::string_view name) {
  const auto it = registry().find(name);
  return it == registry().end() ? std::string() : it->second.description;
}

}  // namespace vidsplit
