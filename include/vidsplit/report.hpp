// The report: one self-contained OUT/report.html (inline CSS, SVG charts, PNG images as data: URIs, no
// script, no network request) that shows what a split did, so a person can check it before trusting it.
#pragma once

#include <cstdint>
#include <string>

namespace vidsplit {

struct ReportOptions {
  int max_groups = 100;          // contact sheets for at most this many groups (largest multi-video first)
  int max_clips_per_group = 12;  // clips shown per contact sheet
  int thumb_height = 72;         // keyframe thumbnail height in pixels; width follows the display aspect
  int timeline_width = 960;      // timeline strip width in pixels
  int threads = 0;               // codec threads for the keyframe decoding (0 = FFmpeg's choice)
  std::string title;             // the heading's name; empty: report_title of the folder read
};

// OUT's name for the heading ("out" for out/, ./out or /data/out).
std::string report_title(const std::string& out_dir);

// Builds the report of the split in `out_dir` from clips.csv (required), scan.jsonl (video paths, for the
// contact sheets; skipped when absent), summary.json, group_evidence.csv, errors.csv and leaks.csv (the
// audit result) when present. Deterministic: the same inputs give the same bytes. Throws ConfigError when
// clips.csv is missing or unreadable; a video that cannot be decoded is noted in its contact sheet.
std::string report_html(const std::string& out_dir, const ReportOptions& options);

// Adds report.html to OUT's current set (OutputSet: a new generation holding the current files and the report;
// the caller holds OutputLock on OUT) and returns OUT/report.html.
std::string write_report(const std::string& out_dir, const ReportOptions& options);

}  // namespace vidsplit
