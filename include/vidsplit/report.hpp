// The report: one self-contained OUT/report.html (inline CSS, SVG charts, PNG images as data: URIs, one small
// inline script for the video list, no network request) that shows what a split did, so a person can check it
// before trusting it. It stays a few megabytes at any dataset size: everything is summarised in tables and
// charts, and only the videos worth a look (linked to others, in the audit's leaks, cut short) are drawn.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace vidsplit {

struct ReportOptions {
  int max_groups = 100;          // contact sheets for at most this many linked groups (the order is in report.cpp)
  int max_clips_per_group = 12;  // clips shown per contact sheet
  int max_timelines = 500;       // timeline strips for at most this many videos worth a look
  int thumb_height = 72;         // keyframe thumbnail height in pixels; width follows the display aspect
  int timeline_width = 960;      // timeline strip width in pixels
  int threads = 0;               // codec threads for the keyframe decoding (0 = FFmpeg's choice)
  std::string title;             // the heading's name; empty: report_title of the folder read
  // Called with a short text ("decoding keyframes of 12 videos") as each slow step starts; the library
  // never prints, the caller decides what to show.
  std::function<void(const std::string&)> on_step;
};

// What the page cannot say by itself, for the caller to tell the user.
struct ReportNotes {
  size_t videos_not_found = 0;  // videos to draw keyframes of that are not under their recorded paths
  std::string first_not_found;  // the first such path (in video order), for the message
};

struct ReportResult {
  std::string html;
  ReportNotes notes;
};

// OUT's name for the heading ("out" for out/, ./out or /data/out).
std::string report_title(const std::string& out_dir);

// Builds the report of the split in `out_dir` from clips.csv (required), scan.jsonl (the paths of the videos
// drawn; skipped when absent), summary.json, group_evidence.csv, errors.csv and leaks.csv (the audit result)
// when present. Deterministic: the same inputs give the same bytes. Throws ConfigError when clips.csv is
// missing or unreadable; a video that cannot be decoded is noted in its contact sheet.
ReportResult report_html(const std::string& out_dir, const ReportOptions& options);

// Adds report.html to OUT's current set (OutputSet: a new generation holding the current files and the report;
// the caller holds OutputLock on OUT).
ReportNotes write_report(const std::string& out_dir, const ReportOptions& options);

}  // namespace vidsplit
