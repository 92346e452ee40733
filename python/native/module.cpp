// vidsplit._native: the library's calls for the Python package (python/vidsplit), which adds the documented,
// typed API on top. Long calls run on a thread of their own with the GIL released, while the calling thread
// watches for Ctrl-C and reports progress; library errors become the package's exception classes.
#include "vidsplit/audit.hpp"
#include "vidsplit/cache.hpp"
#include "vidsplit/csv.hpp"
#include "vidsplit/decode.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/export.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/settings.hpp"
#include "vidsplit/version.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencv2/core/utility.hpp>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

namespace py = pybind11;
using nlohmann::json;

namespace vidsplit {
namespace {

PyObject* vidsplit_error = nullptr;  // vidsplit.VidsplitError, the base of the two below
PyObject* config_error = nullptr;    // vidsplit.ConfigError, also a ValueError: bad options or configuration
PyObject* video_error = nullptr;     // vidsplit.VideoError: an input that cannot be read or decoded

// Runs `work` on a thread of its own while the calling thread, which releases the GIL, takes it back every
// 50 ms to run Python's signal handlers (Ctrl-C raises KeyboardInterrupt only there) and `poll`. A Python
// exception from either sets `stop`, which the library polls between packets, and is raised once the work has
// ended; otherwise the work's own exception, if any, is.
void run_interruptible(const std::function<void()>& work, std::atomic<bool>& stop, const std::function<void()>& poll) {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      work();
    } catch (...) {
      failure = std::current_exception();
    }
    std::lock_guard lock(mutex);
    done = true;
    finished.notify_all();
  });
  bool python_failed = false;
  {
    py::gil_scoped_release release;
    std::unique_lock lock(mutex);
    while (!finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) {
      if (python_failed) continue;
      lock.unlock();
      {
        py::gil_scoped_acquire acquire;
        if (PyErr_CheckSignals() != 0) {
          python_failed = true;
        } else if (poll) {
          try {
            poll();
          } catch (py::error_already_set& e) {
            e.restore();
            python_failed = true;
          }
        }
      }
      if (python_failed) stop.store(true);
      lock.lock();
    }
  }
  worker.join();
  if (python_failed) throw py::error_already_set();  // the error Python set on this thread
  if (failure) std::rethrow_exception(failure);
}

// ---- Settings from keyword dictionaries (the Python layer has checked the names) ----

template <typename T>
void take(const py::dict& d, const char* key, T& field) {
  if (d.contains(key) && !d[key].is_none()) field = d[key].cast<T>();
}

ScanSettings scan_settings(const py::dict& d) {
  ScanSettings s;
  take(d, "detector", s.detector);
  if (d.contains("threshold") && !d["threshold"].is_none()) s.threshold = d["threshold"].cast<double>();
  take(d, "min_shot", s.min_shot);
  take(d, "max_pixels", s.max_pixels);
  take(d, "max_seconds_per_video", s.max_seconds);
  take(d, "speed", s.speed);
  take(d, "analysis_size", s.analysis_size);
  take(d, "adaptive_ratio", s.adaptive_ratio);
  take(d, "min_hash_change", s.min_hash_change);
  take(d, "adaptive_window", s.adaptive_window);
  take(d, "flash_frames", s.flash_frames);
  take(d, "black_level", s.black_level);
  take(d, "white_level", s.white_level);
  take(d, "max_fade", s.max_fade);
  take(d, "dissolve_min_change", s.dissolve_min_change);
  take(d, "dissolve_max_residual", s.dissolve_max_residual);
  take(d, "histogram_threshold", s.histogram_threshold);
  return s;
}

SplitSettings split_settings(const py::dict& d) {
  SplitSettings s;
  take(d, "ratios", s.ratios);
  take(d, "unit", s.unit);
  take(d, "seed", s.seed);
  take(d, "guard", s.guard);
  take(d, "group_threshold", s.group_threshold);
  take(d, "balance_by", s.balance_by);
  take(d, "min_per_class", s.min_per_class);
  take(d, "folds", s.folds);
  take(d, "stable", s.stable);
  take(d, "keep", s.keep);
  take(d, "segments", s.segments);
  return s;
}

// ---- Scanning ----

struct ScanSet {
  std::vector<VideoScan> videos;
  std::string parameters;  // scan_parameters as JSON text ("null" when unknown)
};

// Scans `inputs` as `vidsplit scan` does; `progress(videos_done, videos_total, frames_done, videos_cached)` is
// called on the calling thread (None: no progress).
ScanSet scan_inputs(const std::vector<InputVideo>& inputs, const py::dict& settings, int threads,
                    const std::string& cache_dir, const py::object& progress) {
  std::atomic<bool> stop{false};
  ScanOptions options = to_scan_options(scan_settings(settings), threads);
  options.decoder.stop = &stop;
  ScanSet result;
  result.parameters = scan_parameters(options).dump();
  std::unique_ptr<ScanCache> cache;
  if (!cache_dir.empty()) cache = std::make_unique<ScanCache>(cache_dir, result.parameters);
  options.cache = cache.get();

  std::mutex mutex;
  ScanProgress latest;
  latest.videos_total = inputs.size();
  const bool wants = !progress.is_none();  // read here: the workers run without the GIL
  bool changed = wants;
  auto report = [&] {
    ScanProgress p;
    {
      std::lock_guard lock(mutex);
      if (!changed) return;
      changed = false;
      p = latest;
    }
    progress(p.videos_done, p.videos_total, p.frames_done, p.videos_cached);
  };
  run_interruptible(
      [&] {
        result.videos = scan_videos(inputs, options, [&](const ScanProgress& p) {
          std::lock_guard lock(mutex);
          latest = p;
          changed = wants;
        });
      },
      stop, report);
  if (stop.load()) throw Interrupted();
  report();
  return result;
}

ScanSet scan(const std::vector<std::string>& paths, const py::dict& settings, int threads,
             const py::object& labels, const std::string& cache_dir, const py::object& progress) {
  InputOptions input_options;
  if (py::isinstance<py::str>(labels)) {
    input_options.labels = read_labels_csv(labels.cast<std::string>());
  } else if (!labels.is_none()) {
    input_options.labels = labels.cast<std::map<std::string, std::string>>();
  }
  return scan_inputs(find_videos(paths, input_options), settings, threads, cache_dir, progress);
}

ScanSet read_scan(const std::string& path) {
  json parameters;
  ScanSet result;
  result.videos = read_scan_jsonl(path, parameters);
  result.parameters = parameters.dump();
  return result;
}

// ---- Splitting ----

struct SplitResult {
  std::vector<VideoScan> scans;  // sorted by video id
  SplitOptions options;
  SplitOutcome outcome;
  json parameters;
};

std::shared_ptr<SplitResult> split(std::vector<VideoScan> scans, const std::string& scan_parameters_json,
                                   const py::dict& settings, int threads) {
  if (threads < 0) throw ConfigError("--threads must be >= 0");
  auto result = std::make_shared<SplitResult>();
  result->options = to_split_options(split_settings(settings));
  // As `vidsplit split` takes scan files: sorted by video id, each video once.
  std::stable_sort(scans.begin(), scans.end(), [](const VideoScan& a, const VideoScan& b) { return a.video < b.video; });
  for (size_t i = 1; i < scans.size(); ++i)
    if (scans[i].video == scans[i - 1].video)
      throw ConfigError(fmt::format("video '{}' appears in more than one scan", scans[i].video));
  if (scans.empty()) throw ConfigError("no videos to split");
  if (std::none_of(scans.begin(), scans.end(), [](const VideoScan& s) { return s.ok(); }))
    throw Error(fmt::format("none of the {} videos could be read", scans.size()));
  result->scans = std::move(scans);
  result->parameters = {{"scan", json::parse(scan_parameters_json)}, {"split", split_parameters(result->options)}};
  SplitOptions with_threads = result->options;
  with_threads.grouping.threads = threads;
  std::atomic<bool> stop{false};
  // Grouping and the solver poll no stop flag: Ctrl-C is raised as soon as they end.
  run_interruptible([&] { result->outcome = split_scans(result->scans, with_threads); }, stop, {});
  return result;
}

// clips.csv's rows as tuples, with the fold index last when the split has folds.
py::list split_clips(const SplitResult& r) {
  py::list rows;
  for (const ManifestRow& m : r.outcome.rows) {
    py::tuple row(r.options.folds > 0 ? 11 : 10);
    row[0] = m.video;
    row[1] = m.clip;
    row[2] = std::string(to_string(m.kind));
    row[3] = m.start_frame;
    row[4] = m.end_frame;
    row[5] = m.start_sec;
    row[6] = m.end_sec;
    row[7] = m.label;
    row[8] = m.group;
    row[9] = m.split;
    if (r.options.folds > 0) {
      int fold = -1;
      for (size_t s = 0; s < r.options.ratios.size(); ++s)
        if (r.options.ratios[s].name == m.split) fold = static_cast<int>(s);
      row[10] = fold;
    }
    rows.append(row);
  }
  return rows;
}

// The files of `vidsplit run`: the split's outputs, then scan.jsonl (which exports read the video paths from).
void write_split(const SplitResult& r, const std::string& dir) {
  write_split_outputs(dir, r.scans, r.outcome, r.options, r.parameters);
  write_scan_jsonl((std::filesystem::path(dir) / "scan.jsonl").string(), r.scans, r.parameters["scan"]);
}

// ---- Reading frames ----

// Frames [start, end) as a [T, H, W, 3] uint8 RGB array, decoded into one buffer that the array then owns.
py::array decode(const std::string& path, int64_t start, int64_t end, const VideoScan* scan, int width, int height,
                 int threads) {
  if (threads < 0) throw ConfigError("--threads must be >= 0");
  auto buffer = std::make_unique<std::vector<uint8_t>>();
  int rows = 0, cols = 0;
  ClipReadOptions options;
  options.width = width;
  options.height = height;
  options.threads = threads;
  std::atomic<bool> stop{false};
  options.stop = &stop;
  run_interruptible(
      [&] {
        read_clip_frames(path, start, end, scan ? &scan->times : nullptr, options, [&](int64_t index, const cv::Mat& rgb) {
          if (buffer->empty()) {
            rows = rgb.rows;
            cols = rgb.cols;
            buffer->resize(static_cast<size_t>(end - start) * static_cast<size_t>(rows) * static_cast<size_t>(cols) * 3);
          }
          const size_t row_bytes = static_cast<size_t>(cols) * 3;
          uint8_t* dst = buffer->data() + static_cast<size_t>(index - start) * row_bytes * static_cast<size_t>(rows);
          for (int y = 0; y < rows; ++y) std::memcpy(dst + static_cast<size_t>(y) * row_bytes, rgb.ptr(y), row_bytes);
        });
      },
      stop, {});
  if (stop.load()) throw Interrupted();
  uint8_t* data = buffer->data();
  py::capsule owner(buffer.release(), [](void* p) { delete static_cast<std::vector<uint8_t>*>(p); });
  return py::array_t<uint8_t>({static_cast<py::ssize_t>(end - start), static_cast<py::ssize_t>(rows),
                               static_cast<py::ssize_t>(cols), py::ssize_t{3}},
                              data, owner);
}

VideoScan shots(const std::string& path, const py::dict& settings, int threads) {
  std::atomic<bool> stop{false};
  ScanOptions options = to_scan_options(scan_settings(settings), threads);
  options.decoder.threads = threads;
  options.decoder.stop = &stop;
  VideoScan result;
  run_interruptible([&] { result = scan_video({path, path, ""}, options); }, stop, {});
  if (stop.load()) throw Interrupted();
  if (!result.ok()) throw Error(fmt::format("{}: {}", path, result.error));
  return result;
}

// ---- Audit ----

struct AuditRun {
  std::string kind;
  ScanSet scans;
  AuditResult result;
  std::string leaks_csv;
};

AuditRun audit(const std::string& split_path, const std::string& videos, const std::string& lists, int group_threshold,
               const py::dict& settings, int threads, const py::object& progress) {
  GroupingOptions grouping;
  grouping.hash_threshold = checked_group_threshold(group_threshold);
  SplitLayoutOptions layout_options;
  layout_options.videos_root = videos;
  layout_options.list_number = lists;
  const SplitLayout layout = read_split_layout(split_path, layout_options);
  std::vector<InputVideo> inputs;
  for (const AuditVideo& v : layout.videos) inputs.push_back(v.input);
  AuditRun run;
  run.kind = layout.kind;
  run.scans = scan_inputs(inputs, settings, threads, "", progress);
  if (std::none_of(run.scans.videos.begin(), run.scans.videos.end(), [](const VideoScan& s) { return s.ok(); }))
    throw Error(fmt::format("none of the {} videos could be read", run.scans.videos.size()));
  run.result = audit_split(run.scans.videos, layout, grouping);
  run.leaks_csv = leaks_csv(run.scans.videos, run.result);
  return run;
}

// ---- Exports, clips.csv, groups ----

std::vector<std::string> export_split_files(const std::string& out, const std::string& format, const std::string& to,
                                            const std::string& link, int frames_every, int threads) {
  std::atomic<bool> stop{false};
  ExportOptions options;
  options.format = format;
  options.to = to.empty() ? (std::filesystem::path(out) / "export" / format).string() : to;
  options.link = parse_link_mode(link);
  options.frames_every = frames_every;
  options.threads = threads;
  options.stop = &stop;
  if (frames_every < 1) throw ConfigError("--frames-every must be >= 1");
  if (threads < 0) throw ConfigError("--threads must be >= 0");
  const auto formats = export_formats();
  if (std::find(formats.begin(), formats.end(), format) == formats.end())
    export_split({}, options);  // throws the unknown-format error before anything is read
  ExportResult result;
  run_interruptible([&] { result = export_split(load_export_plan(out), options); }, stop, {});
  if (stop.load()) throw Interrupted();
  return result.files;
}

std::pair<CsvRow, std::vector<CsvRow>> read_clips(const std::string& path) {
  CsvTable table = read_csv_file(path, kClipsColumns);
  return {std::move(table.header), std::move(table.rows)};
}

// The leakage group of each video (whole-video unit), -1 for a video that failed.
std::vector<int64_t> leakage_groups(const std::vector<VideoScan>& scans, int group_threshold, int threads) {
  GroupingOptions options;
  options.hash_threshold = checked_group_threshold(group_threshold);
  options.threads = threads;
  const Grouping grouping = group_clips(scans, options);
  std::vector<int64_t> groups;
  for (const auto& clips : grouping.group_of) groups.push_back(clips.empty() ? -1 : clips.front());
  return groups;
}

// Exception classes made with PyErr_NewException, so that ConfigError can also be a ValueError.
PyObject* new_exception(py::module_& m, const char* name, PyObject* bases, const char* doc) {
  PyObject* type = PyErr_NewExceptionWithDoc(fmt::format("vidsplit.{}", name).c_str(), doc, bases, nullptr);
  if (!type) throw py::error_already_set();
  m.add_object(name, py::handle(type));
  return type;
}

}  // namespace
}  // namespace vidsplit

PYBIND11_MODULE(_native, m) {
  using namespace vidsplit;
  // Videos run in parallel on the scan's own workers; OpenCV's pool would only fight them for the cores.
  cv::setNumThreads(1);
  m.attr("__version__") = kVersion;
  vidsplit_error = new_exception(m, "VidsplitError", PyExc_Exception, "Base of vidsplit's errors.");
  config_error = new_exception(m, "ConfigError", py::make_tuple(py::handle(vidsplit_error), py::handle(PyExc_ValueError)).release().ptr(),
                               "A bad option or configuration (also a ValueError).");
  video_error = new_exception(m, "InputError", vidsplit_error,
                              "An input (a video, a CSV or JSON file) that cannot be read or used.");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ConfigError& e) {
      PyErr_SetString(config_error, e.what());
    } catch (const Interrupted&) {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
    } catch (const Error& e) {
      PyErr_SetString(video_error, e.what());
    }
  });

  py::class_<Shot>(m, "Shot")
      .def_readonly("index", &Shot::index)
      .def_property_readonly("kind", [](const Shot& s) { return std::string(to_string(s.kind)); })
      .def_readonly("start_frame", &Shot::start_frame)
      .def_readonly("end_frame", &Shot::end_frame)
      .def_readonly("start_sec", &Shot::start_sec)
      .def_readonly("end_sec", &Shot::end_sec)
      .def("__repr__", [](const Shot& s) {
        return fmt::format("Shot(index={}, kind='{}', start_frame={}, end_frame={}, start_sec={}, end_sec={})", s.index,
                           to_string(s.kind), s.start_frame, s.end_frame, format_seconds(s.start_sec),
                           format_seconds(s.end_sec));
      });
  py::class_<VideoScan>(m, "VideoScan")
      .def_readonly("video", &VideoScan::video)
      .def_readonly("path", &VideoScan::path)
      .def_readonly("label", &VideoScan::label)
      .def_readonly("error", &VideoScan::error)
      .def_readonly("content_hash", &VideoScan::content_hash)
      .def_readonly("frames", &VideoScan::frames)
      .def_readonly("decoded_frames", &VideoScan::decoded_frames)
      .def_readonly("corrupt_packets", &VideoScan::corrupt_packets)
      .def_readonly("shots", &VideoScan::shots)
      .def_property_readonly("ok", &VideoScan::ok)
      .def_property_readonly("duration_sec", &VideoScan::duration_sec)
      .def_property_readonly("width", [](const VideoScan& s) { return s.info.display_width; })
      .def_property_readonly("height", [](const VideoScan& s) { return s.info.display_height; })
      .def_property_readonly("codec", [](const VideoScan& s) { return s.info.codec; })
      .def("frame_seconds", [](const VideoScan& s, int64_t i) {
        if (i < 0 || i > s.times.size()) throw ConfigError(fmt::format("frame {} is outside 0..{}", i, s.times.size()));
        return s.times.seconds(i);
      })
      .def("__repr__", [](const VideoScan& s) {
        return s.ok() ? fmt::format("VideoScan(video='{}', label='{}', frames={}, shots={})", s.video, s.label, s.frames,
                                    s.shots.size())
                      : fmt::format("VideoScan(video='{}', error='{}')", s.video, s.error);
      });
  py::class_<ScanSet>(m, "ScanSet")
      .def(py::init([](std::vector<VideoScan> videos, std::string parameters) {
        return ScanSet{std::move(videos), std::move(parameters)};
      }))
      .def_readonly("videos", &ScanSet::videos)
      .def_readonly("parameters", &ScanSet::parameters)
      .def("write", [](const ScanSet& s, const std::string& path) { write_scan_jsonl(path, s.videos, json::parse(s.parameters)); });
  py::class_<SplitResult, std::shared_ptr<SplitResult>>(m, "SplitResult")
      .def("clips", &split_clips)
      .def_property_readonly("group_count", [](const SplitResult& r) { return r.outcome.grouping.group_count; })
      .def_property_readonly("warnings", [](const SplitResult& r) { return r.outcome.solution.warnings; })
      .def_property_readonly("scans", [](const SplitResult& r) { return r.scans; })
      .def("clips_csv", [](const SplitResult& r) { return clips_csv(r.outcome.rows); })
      .def("evidence_csv", [](const SplitResult& r) { return group_evidence_csv(r.scans, r.outcome.grouping); })
      .def("errors_csv", [](const SplitResult& r) { return errors_csv(r.scans); })
      .def("summary_json", [](const SplitResult& r) { return summary_json(r.scans, r.outcome, r.options, r.parameters); })
      .def("write", &write_split);
  py::class_<AuditRun>(m, "AuditRun")
      .def_readonly("kind", &AuditRun::kind)
      .def_readonly("leaks_csv", &AuditRun::leaks_csv)
      .def_property_readonly("scans", [](const AuditRun& a) { return a.scans.videos; })
      .def_property_readonly("reference", [](const AuditRun& a) { return a.result.reference; })
      .def_property_readonly("splits", [](const AuditRun& a) {
        py::list out;
        for (const SplitLeakage& s : a.result.splits)
          out.append(py::dict(py::arg("split") = s.split, py::arg("frames") = s.frames,
                              py::arg("leaked_frames") = s.leaked_frames, py::arg("leaking_clips") = s.leaking_clips));
        return out;
      })
      .def("errors_csv", [](const AuditRun& a) { return errors_csv(a.scans.videos); });

  m.def("scan", &scan, py::arg("paths"), py::arg("settings"), py::arg("threads"), py::arg("labels"), py::arg("cache"),
        py::arg("progress"));
  m.def("read_scan", &read_scan, py::arg("path"));
  m.def("split", &split, py::arg("scans"), py::arg("scan_parameters"), py::arg("settings"), py::arg("threads"));
  m.def("decode", &decode, py::arg("path"), py::arg("start_frame"), py::arg("end_frame"), py::arg("scan").none(true),
        py::arg("width"), py::arg("height"), py::arg("threads"));
  m.def("shots", &shots, py::arg("path"), py::arg("settings"), py::arg("threads"));
  m.def("audit", &audit, py::arg("split"), py::arg("videos"), py::arg("lists"), py::arg("group_threshold"),
        py::arg("settings"), py::arg("threads"), py::arg("progress"));
  m.def("export", &export_split_files, py::arg("out"), py::arg("format"), py::arg("to"), py::arg("link"),
        py::arg("frames_every"), py::arg("threads"));
  m.def("read_clips", &read_clips, py::arg("path"));
  m.def("leakage_groups", &leakage_groups, py::arg("scans"), py::arg("group_threshold"), py::arg("threads"));
  m.def("export_formats", &export_formats);
}
