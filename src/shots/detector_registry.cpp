#include "shots/detectors.hpp"
#include "vidsplit/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

namespace vidsplit {

namespace detail {

CombinedDetector::CombinedDetector(const DetectorOptions& options) {
  parts_.push_back(std::make_unique<ContentDetector>(options, /*adaptive=*/true));
  parts_.push_back(std::make_unique<FadeDetector>(options));
}

void CombinedDetector::process(const FrameFeatures& frame, std::vector<Boundary>& out) {
  for (auto& part : parts_) part->process(frame, pending_);
  release(settled_before(), out);
}

void CombinedDetector::flush(std::vector<Boundary>& out) {
  for (auto& part : parts_) part->flush(pending_);
  release(INT64_MAX, out);
}

int64_t CombinedDetector::settled_before() const {
  int64_t settled = INT64_MAX;
  for (const auto& part : parts_) settled = std::min(settled, part->settled_before());
  // A cut is only final once no fade can still claim it, and a fade claims cuts one frame outside it.
  return settled == INT64_MAX ? settled : std::max<int64_t>(0, settled - 1);
}

void CombinedDetector::metrics(std::vector<std::pair<std::string_view, double>>& out) const {
  for (const auto& part : parts_) part->metrics(out);
}

void CombinedDetector::release(int64_t before, std::vector<Boundary>& out) {
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const Boundary& a, const Boundary& b) { return a.start < b.start; });
  std::vector<Boundary> keep;
  for (const Boundary& b : pending_) {
    if (b.kind == BoundaryKind::Cut) {
      const bool inside_fade = std::any_of(pending_.begin(), pending_.end(), [&](const Boundary& t) {
        return t.kind == BoundaryKind::Transition && b.start >= t.start - 1 && b.start <= t.end + 1;
      });
      if (inside_fade) continue;
    }
    if (b.start >= before) {
      keep.push_back(b);
    } else if (b.start >= released_end_) {  // overlapping fades: the first one wins
      out.push_back(b);
      released_end_ = std::max(b.end, b.start + 1);
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
    e["fade"] = {"fades out to and in from black, reported as transition spans",
                 [](const DetectorOptions& o) { return std::make_unique<detail::FadeDetector>(o); }};
    e["auto"] = {"adaptive cuts plus fades; a cut inside a fade is dropped (default)",
                 [](const DetectorOptions& o) { return std::make_unique<detail::CombinedDetector>(o); }};
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
