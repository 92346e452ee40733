#include "export/frames.hpp"

#include "output/image_encode.hpp"
#include "vidsplit/decode.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

namespace vidsplit {

namespace fs = std::filesystem;

namespace {

void make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create folder {}: {}", dir.string(), ec.message()));
}

// Frames are many and each is cheap to redo, so they are written plainly (no fsync per file); the list
// files that make them visible to a training job are written atomically last.
void write_jpeg(const fs::path& path, const cv::Mat& bgr, int quality) {
  const std::vector<uint8_t> bytes = encode_jpeg(bgr, quality);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw Error(fmt::format("cannot write {}", path.string()));
}

std::string stem_of(const ExportVideo& v) { return fs::path(v.name).stem().string(); }

// Decodes one video once at display size, handing each kept frame with the segment that holds it.
template <typename OnFrame>
void decode_segments(const ExportPlan& plan, size_t video, const ExportOptions& options,
                     const std::vector<const ExportSegment*>& segments, OnFrame on_frame) {
  const ExportVideo& v = plan.videos[video];
  DecoderOptions o;
  o.display_size = true;
  o.threads = options.threads;
  o.stop = options.stop;
  try {
    VideoDecoder decoder(v.path, o);
    AnalysisFrame frame;
    size_t s = 0;
    while (decoder.next(frame)) {
      while (s < segments.size() && frame.index >= segments[s]->end_frame) ++s;
      if (s == segments.size()) break;
      if (frame.index < segments[s]->start_frame || frame.index % options.frames_every != 0) continue;
      on_frame(*segments[s], s, frame);
    }
  } catch (const Error& e) {
    throw Error(fmt::format("cannot export frames of {} ({}): {}", v.video, v.path, e.what()));
  }
}

}  // namespace

ExportResult export_frames(const ExportPlan& plan, const ExportOptions& options) {
  if (options.frames_every < 1) throw ConfigError("--frames-every must be >= 1");
  if (options.jpeg_quality < 1 || options.jpeg_quality > 100) throw ConfigError("JPEG quality must be 1..100");
  const fs::path root = options.to;
  make_dirs(root);
  const bool rawframes = options.format == "mmaction2-rawframes";
  if (!rawframes && plan.folds > 0)
    throw ConfigError(fmt::format("format ultralytics cannot express --folds: Ultralytics reads one train/ and one "
                                  "val/ folder, so {} folds would need {} copies of the frames; use --format "
                                  "mmaction2-rawframes, or split with --ratios",
                                  plan.folds, plan.folds));
  ExportResult result;
  // Ultralytics numbers the class folders it finds in each split (torchvision's ImageFolder), so every split
  // gets a folder for every class, even an empty one: a missing one would shift the classes after it.
  if (!rawframes)
    for (const std::string& split : plan.splits)
      for (const std::string& folder : plan.folders) make_dirs(root / split / folder);
  std::map<std::string, std::string> lists;  // split -> list file content (rawframes)
  for (size_t v = 0; v < plan.videos.size(); ++v) {
    std::vector<const ExportSegment*> segments;
    for (const ExportSegment& s : plan.segments)
      if (s.video == v) segments.push_back(&s);
    if (segments.empty()) continue;
    const ExportVideo& video = plan.videos[v];
    const int label = plan.label_index(video.label);
    if (rawframes) {
      // One frame folder per segment; numbering restarts at img_00001 in each (RawframeDataset's default).
      std::vector<fs::path> dirs;
      std::vector<int64_t> counts(segments.size(), 0);
      for (const ExportSegment* s : segments) {
        const std::string dir = segments.size() == 1
                                    ? stem_of(video)
                                    : fmt::format("{}_f{}-{}", stem_of(video), s->start_frame, s->end_frame);
        dirs.push_back(fs::path(video.folder) / dir);
        make_dirs(root / dirs.back());
      }
      decode_segments(plan, v, options, segments, [&](const ExportSegment&, size_t s, const AnalysisFrame& f) {
        write_jpeg(root / dirs[s] / fmt::format("img_{:05d}.jpg", ++counts[s]), f.bgr, options.jpeg_quality);
      });
      for (size_t s = 0; s < segments.size(); ++s)
        if (counts[s] > 0)
          lists[segments[s]->split] += fmt::format("{} {} {}\n", dirs[s].generic_string(), counts[s], label);
    } else {
      decode_segments(plan, v, options, segments, [&](const ExportSegment& seg, size_t, const AnalysisFrame& f) {
        const fs::path dir = root / seg.split / video.folder;
        make_dirs(dir);
        write_jpeg(dir / fmt::format("{}_{:06d}.jpg", stem_of(video), f.index), f.bgr, options.jpeg_quality);
      });
    }
    ++result.videos_placed;
  }
  if (rawframes) {
    std::string map;
    for (const std::string& l : plan.labels) map += l + "\n";
    write_file_atomic((root / "label_map.txt").string(), map);
    result.files.push_back("label_map.txt");
    for (const ExportList& l : export_lists(plan)) {
      std::string content;
      for (const std::string& split : l.splits) content += lists[split];
      write_file_atomic((root / (l.name + "_list_rawframes.txt")).string(), content);
      result.files.push_back(l.name + "_list_rawframes.txt");
    }
  }
  std::sort(result.files.begin(), result.files.end());
  return result;
}

}  // namespace vidsplit
