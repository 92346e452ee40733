#include "vidsplit/report.hpp"
#include "vidsplit/text.hpp"

#include "output/image_encode.hpp"
#include "report/video_table.hpp"
#include "vidsplit/csv.hpp"
#include "vidsplit/decode.hpp"
#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/output_set.hpp"
#include "vidsplit/outputs.hpp"
#include "vidsplit/version.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace vidsplit {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Row {
  std::string video;
  size_t v = 0;  // index of its video in Report::videos_
  int clip = 0;
  std::string kind;
  int64_t start_frame = 0, end_frame = 0;
  double start_sec = 0, end_sec = 0;
  std::string label;
  int64_t group = -1;
  std::string split;
};

// HTML text; names that are not UTF-8 show their odd bytes as \xHH (vidsplit/text.hpp).
std::string escape(std::string_view bytes) {
  const std::string s = bytes_for_display(bytes);
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string base64(const std::vector<uchar>& bytes) {
  static constexpr char kTable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const uint32_t b0 = bytes[i], b1 = i + 1 < bytes.size() ? bytes[i + 1] : 0,
                   b2 = i + 2 < bytes.size() ? bytes[i + 2] : 0;
    const uint32_t v = (b0 << 16) | (b1 << 8) | b2;
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kTable[(v >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kTable[v & 63] : '=';
  }
  return out;
}

// PNG as an <img> data URI: the report must not load anything from anywhere.
std::string png_img(const cv::Mat& image, const std::string& alt, const std::string& cls) {
  const std::vector<uint8_t> png = encode_png(image);
  return fmt::format(R"(<img class="{}" alt="{}" width="{}" height="{}" src="data:image/png;base64,{}">)", cls,
                     escape(alt), image.cols, image.rows, base64(png));
}

// Split colours: the first three are fixed so train/val/test look the same in every report.
std::string split_colour(const std::string& split, const std::vector<std::string>& splits) {
  if (split == kExcluded) return "#b8b8b8";
  if (split == "train") return "#4c72b0";
  if (split == "val" || split == "validation") return "#dd8452";
  if (split == "test") return "#55a868";
  static const char* kOthers[] = {"#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd"};
  const auto it = std::find(splits.begin(), splits.end(), split);
  return kOthers[static_cast<size_t>(it - splits.begin()) % 6];
}

cv::Scalar bgr_of(const std::string& hex) {
  const int r = std::stoi(hex.substr(1, 2), nullptr, 16), g = std::stoi(hex.substr(3, 2), nullptr, 16),
            b = std::stoi(hex.substr(5, 2), nullptr, 16);
  return cv::Scalar(b, g, r);
}

struct Totals {
  std::set<size_t> videos;
  int64_t clips = 0, frames = 0;
  double seconds = 0;
  void add(const Row& r) {
    videos.insert(r.v);
    ++clips;
    frames += r.end_frame - r.start_frame;
    seconds += r.end_sec - r.start_sec;
  }
};

// A video: its rows are rows_[begin, end) (clips.csv keeps a video's rows together).
struct Video {
  std::string id, label;
  size_t begin = 0, end = 0;
};

// Why a linked group is worth a look, in the order a person should look: footage shared across classes is
// a labelling problem as well as a leak; then the largest groups; then footage shared in part (reframed, other
// in and out points), which the matcher is least sure of.
enum class Look { cross_class, multi_video, overlap, linked, singleton };

const char* look_name(Look l) {
  switch (l) {
    case Look::cross_class: return "across classes";
    case Look::multi_video: return "several videos";
    case Look::overlap: return "overlap (in one video)";
    case Look::linked: return "copies in one video";
    case Look::singleton: return "singleton";
  }
  return "";
}

struct Group {
  int64_t id = 0;
  std::vector<size_t> rows;
  std::vector<size_t> videos;  // distinct, in row order
  Look look = Look::singleton;
};

// Contact sheets stop at this many bytes of images, the rest of the linked groups go to a table: a dataset with
// thousands of duplicate groups must not make a page of hundreds of megabytes.
constexpr size_t kSheetBytes = 2'000'000;
constexpr size_t kTableRows = 500;  // rows of the tables of links and groups beyond the drawn ones

class Report {
 public:
  Report(const std::string& out_dir, const ReportOptions& options) : dir_(out_dir), options_(options) {}

  ReportResult build() {
    step("reading clips.csv");
    load();
    html_ += R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vidsplit report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1240px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}.warn{color:#a33}.muted{color:#777}.headline{font-size:16px}
.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:14px;height:14px;vertical-align:middle;margin-right:4px;border:1px solid #888}
.tl{display:block;border:1px solid #ccc;max-width:100%;height:auto}.video{margin:6px 0 10px}
.group{border:1px solid #ddd;padding:8px;margin:10px 0}.clips{display:flex;flex-wrap:wrap;gap:8px}
figure{margin:0}figcaption{font-size:12px}.charts{display:flex;flex-wrap:wrap;gap:16px}
</style>
</head>
<body>
)";
    html_ += fmt::format("<h1>vidsplit report: {}</h1>\n",
                         escape(options_.title.empty() ? report_title(dir_) : options_.title));
    html_ += fmt::format("<p class=\"muted\">vidsplit {} &middot; {} videos &middot; {} manifest rows &middot; "
                         "{} leakage groups</p>\n",
                         kVersion, videos_.size(), rows_.size(), groups_.size());
    // The first screen answers "can I trust this split": the leak, the split against its targets, what is off.
    headline_leakage();
    section_splits();
    section_warnings();
    section_classes();
    section_groups();
    step("drawing timelines");
    section_timelines();
    section_videos();
    section_audit();
    section_errors();
    section_parameters();
    html_ += "</body>\n</html>\n";
    return {std::move(html_), notes_};
  }

 private:
  std::string path(const char* name) const { return (fs::path(dir_) / name).string(); }
  void step(const std::string& text) const {
    if (options_.on_step) options_.on_step(text);
  }

  // One sentence from summary.json's "leakage": how much held-out footage is also in train, here and in a
  // random split of the same videos.
  void headline_leakage() {
    if (!summary_.is_object() || !summary_.contains("leakage") || !summary_["leakage"].is_object()) return;
    const json& l = summary_["leakage"];
    const std::string reference = l.value("reference", "");
    std::vector<std::string> made, random;
    const json splits = l.value("splits", json::object());
    for (const auto& item : splits.items()) {
      // Not a structured binding: clang before 16 cannot capture one in a lambda (the fuzz build uses clang).
      const std::string& split = item.key();
      const json& counts = item.value();
      const auto percent = [&](const char* shared, const char* frames) {
        const double total = counts.value(frames, 0.0);
        return fmt::format("{:.1f} %", total > 0 ? 100.0 * counts.value(shared, 0.0) / total : 0.0);
      };
      made.push_back(fmt::format("{} of {}'s frames", percent("shared_frames", "frames"), escape(split)));
      random.push_back(percent("random_split_shared_frames", "random_split_frames"));
    }
    if (made.empty()) return;
    html_ += fmt::format("<p class=\"headline\"><b>{} show footage that is also in {}; a random split of the same "
                         "videos would share {}.</b></p>\n",
                         fmt::join(made, ", "), escape(reference), fmt::join(random, ", "));
  }

  // A CSV of OUT that the report can do without: absent or unreadable, it is simply not used.
  std::optional<CsvTable> optional_csv(const char* name, const std::vector<std::string>& required) const {
    if (!fs::exists(path(name))) return std::nullopt;
    try {
      return read_csv_file(path(name), required);
    } catch (const Error&) {
      return std::nullopt;
    }
  }

  void load() {
    CsvTable t;
    try {
      t = read_csv_file(path("clips.csv"), kClipsColumns);
    } catch (const Error& e) {
      throw ConfigError(fmt::format("cannot make a report: {}", e.what()));
    }
    const auto col = [&](const char* n) { return t.column(n); };
    const size_t cv = col("video"), cc = col("clip"), ck = col("kind"), csf = col("start_frame"),
                 cef = col("end_frame"), css = col("start_sec"), ces = col("end_sec"), cl = col("label"),
                 cg = col("group"), csp = col("split");
    std::set<std::string> splits, labels;
    rows_.reserve(t.rows.size());
    for (size_t i = 0; i < t.rows.size(); ++i) {
      const CsvRow& r = t.rows[i];
      Row row;
      try {
        row = {r[cv], 0, std::stoi(r[cc]), r[ck], std::stoll(r[csf]), std::stoll(r[cef]), std::stod(r[css]),
               std::stod(r[ces]), r[cl], std::stoll(r[cg]), r[csp]};
      } catch (const std::exception&) {
        throw ConfigError(fmt::format("{}: line {}: a number column is malformed", path("clips.csv"),
                                      t.line_of_row[i]));
      }
      if (videos_.empty() || videos_.back().id != row.video) {
        if (!videos_.empty()) videos_.back().end = rows_.size();
        videos_.push_back({row.video, row.label, rows_.size(), rows_.size()});
        video_of_.emplace(row.video, videos_.size() - 1);
      }
      row.v = videos_.size() - 1;
      if (row.split != kExcluded) splits.insert(row.split);
      labels.insert(row.label);
      rows_.push_back(std::move(row));
    }
    if (!videos_.empty()) videos_.back().end = rows_.size();
    labels_.assign(labels.begin(), labels.end());
    // Ratio order from summary.json when present (train, val, test as the user wrote them), else sorted.
    if (fs::exists(path("summary.json"))) {
      try {
        summary_ = json::parse(read_file(path("summary.json")));
      } catch (const std::exception&) {
        summary_ = json();
      }
    }
    if (summary_.is_object() && summary_.contains("parameters")) {
      const json& ratios = summary_["parameters"].value("split", json::object()).value("ratios", json::object());
      for (const auto& [text, fraction] : ratios.items()) {
        const std::string name = text_to_bytes(text);
        if (splits.count(name)) splits_.push_back(name);
        targets_[name] = fraction.is_number() ? fraction.get<double>() : 0.0;
      }
    }
    for (const std::string& s : splits)
      if (std::find(splits_.begin(), splits_.end(), s) == splits_.end()) splits_.push_back(s);
    if (const auto e = optional_csv("group_evidence.csv", {"group"})) {
      evidence_header_ = e->header;
      try {
        for (const CsvRow& r : e->rows) evidence_[std::stoll(r[e->column("group")])].push_back(r);
      } catch (const std::exception&) {
        evidence_.clear();
      }
    }
    load_groups();
  }

  void load_groups() {
    std::map<int64_t, Group> by_id;
    for (size_t i = 0; i < rows_.size(); ++i) {
      if (rows_[i].group < 0) continue;
      Group& g = by_id[rows_[i].group];
      g.id = rows_[i].group;
      g.rows.push_back(i);
      // A video's rows are together, so a group meets each of its videos in one run.
      if (g.videos.empty() || g.videos.back() != rows_[i].v) g.videos.push_back(rows_[i].v);
    }
    const size_t kind = column_of("kind");
    for (auto& [id, g] : by_id) {
      std::set<std::string> labels;
      for (size_t v : g.videos) labels.insert(videos_[v].label);
      const auto links = evidence_.find(id);
      const bool overlap = links != evidence_.end() && std::any_of(links->second.begin(), links->second.end(), [&](const CsvRow& r) {
                             return kind < r.size() && r[kind] == "overlap";
                           });
      g.look = labels.size() > 1       ? Look::cross_class
               : g.videos.size() > 1   ? Look::multi_video
               : overlap               ? Look::overlap
               : links != evidence_.end() ? Look::linked
                                          : Look::singleton;
      groups_.push_back(std::move(g));
    }
    std::stable_sort(groups_.begin(), groups_.end(), [](const Group& a, const Group& b) {
      if (a.look != b.look) return a.look < b.look;
      if (a.videos.size() != b.videos.size()) return a.videos.size() > b.videos.size();
      if (a.rows.size() != b.rows.size()) return a.rows.size() > b.rows.size();
      return a.id < b.id;
    });
  }

  size_t column_of(std::string_view name) const {
    CsvTable t;
    t.header = evidence_header_;
    return t.column(name);
  }

  std::vector<std::string> all_splits_with_excluded() const {
    std::vector<std::string> s = splits_;
    for (const Row& r : rows_)
      if (r.split == kExcluded) {
        s.emplace_back(kExcluded);
        break;
      }
    return s;
  }

  // summary.json's warnings (class balance, --keep conflicts, ...), each once: a warning repeated per split
  // or per fold says nothing more the second time.
  void section_warnings() {
    html_ += "<h2 id=\"warnings\">Warnings</h2>\n";
    std::vector<std::string> seen;
    if (summary_.is_object() && summary_.contains("warnings") && summary_["warnings"].is_array())
      for (const json& w : summary_["warnings"]) {
        std::string text = w.is_string() ? w.get<std::string>() : w.dump();
        if (std::find(seen.begin(), seen.end(), text) == seen.end()) seen.push_back(std::move(text));
      }
    if (seen.empty()) html_ += "<p class=\"muted\">No warnings.</p>\n";
    for (const std::string& w : seen) html_ += fmt::format("<p class=\"warn\">warning: {}</p>\n", escape(w));
  }

  void section_parameters() {
    if (!summary_.is_object() || !summary_.contains("parameters")) return;
    html_ += "<h2 id=\"parameters\">Parameters</h2>\n<table>\n";
    for (const auto& [stage, values] : summary_["parameters"].items()) {
      if (!values.is_object()) continue;
      for (const auto& [name, value] : values.items())
        html_ += fmt::format("<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td></tr>\n",
                             escape(stage), escape(name), escape(value.dump()));
    }
    html_ += "</table>\n";
  }

  // Horizontal bars, one per category, coloured by split.
  std::string bar_chart(const std::string& title, const std::vector<std::pair<std::string, double>>& bars,
                        const std::string& unit_format) const {
    const int width = 300, bar_h = 18, label_w = 80, value_w = 70, top = 22;
    const int height = top + static_cast<int>(bars.size()) * (bar_h + 6) + 4;
    double max = 0;
    for (const auto& b : bars) max = std::max(max, b.second);
    std::string svg = fmt::format(R"(<svg class="chart" role="img" width="{}" height="{}" viewBox="0 0 {} {}">)",
                                  width, height, width, height);
    svg += fmt::format(R"(<text x="0" y="14" font-size="13" font-weight="bold">{}</text>)", escape(title));
    for (size_t i = 0; i < bars.size(); ++i) {
      const int y = top + static_cast<int>(i) * (bar_h + 6);
      const double w = max > 0 ? (width - label_w - value_w) * bars[i].second / max : 0;
      svg += fmt::format(R"(<text x="0" y="{}" font-size="12">{}</text>)", y + 13, escape(bars[i].first));
      svg += fmt::format(R"(<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}"/>)", label_w, y, w, bar_h,
                         split_colour(bars[i].first, splits_));
      svg += fmt::format(R"(<text x="{:.1f}" y="{}" font-size="12">{}</text>)", label_w + w + 4, y + 13,
                         fmt::format(fmt::runtime(unit_format), bars[i].second));
    }
    return svg + "</svg>";
  }

  void section_splits() {
    const auto names = all_splits_with_excluded();
    std::map<std::string, Totals> totals;
    for (const Row& r : rows_) totals[r.split].add(r);
    int64_t all_frames = 0;
    for (const std::string& s : splits_) all_frames += totals[s].frames;
    html_ += "<h2 id=\"splits\">Splits</h2>\n<table class=\"splits\">\n<tr><th class=\"l\">split</th><th>target</th>"
             "<th>achieved (frames)</th><th>videos</th><th>clips</th><th>frames</th><th>seconds</th></tr>\n";
    for (const std::string& s : names) {
      const Totals& t = totals[s];
      const std::string target = targets_.count(s) ? fmt::format("{:.3f}", targets_[s]) : "";
      const std::string achieved =
          s != kExcluded && all_frames > 0 ? fmt::format("{:.3f}", static_cast<double>(t.frames) / static_cast<double>(all_frames)) : "";
      html_ += fmt::format("<tr><td class=\"l\"><span class=\"sw\" style=\"background:{}\"></span>{}</td><td>{}</td>"
                           "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td></tr>\n",
                           split_colour(s, splits_), escape(s), target, achieved, t.videos.size(), t.clips,
                           t.frames, t.seconds);
    }
    html_ += "</table>\n<div class=\"charts\">\n";
    std::vector<std::pair<std::string, double>> videos, clips, frames, seconds;
    for (const std::string& s : names) {
      videos.emplace_back(s, static_cast<double>(totals[s].videos.size()));
      clips.emplace_back(s, static_cast<double>(totals[s].clips));
      frames.emplace_back(s, static_cast<double>(totals[s].frames));
      seconds.emplace_back(s, totals[s].seconds);
    }
    html_ += bar_chart("videos", videos, "{:.0f}") + "\n" + bar_chart("clips", clips, "{:.0f}") + "\n" +
             bar_chart("frames", frames, "{:.0f}") + "\n" + bar_chart("seconds", seconds, "{:.1f}") + "\n</div>\n";
    html_ += "<p class=\"muted\">A video counts once in every split that holds one of its clips.</p>\n";
  }

  void section_classes() {
    const auto names = all_splits_with_excluded();
    std::map<std::pair<std::string, std::string>, Totals> totals;
    std::map<std::string, int64_t> class_frames;
    for (const Row& r : rows_) {
      totals[{r.label, r.split}].add(r);
      if (r.split != kExcluded) class_frames[r.label] += r.end_frame - r.start_frame;
    }
    html_ += "<h2 id=\"classes\">Classes</h2>\n<table class=\"classes\">\n<tr><th class=\"l\">class</th>"
             "<th class=\"l\">split</th><th>share of class (frames)</th><th>videos</th><th>clips</th><th>frames</th>"
             "<th>seconds</th></tr>\n";
    for (const std::string& l : labels_)
      for (const std::string& s : names) {
        const auto it = totals.find({l, s});
        if (it == totals.end()) continue;
        const Totals& t = it->second;
        const std::string share = s != kExcluded && class_frames[l] > 0
                                      ? fmt::format("{:.3f}", static_cast<double>(t.frames) / static_cast<double>(class_frames[l]))
                                      : "";
        html_ += fmt::format("<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
                             "<td>{}</td><td>{:.1f}</td></tr>\n",
                             escape(l), escape(s), share, t.videos.size(), t.clips, t.frames, t.seconds);
      }
    html_ += "</table>\n";
    // One stacked bar per class: its frames by split, as shares, against the target ratios.
    const int width = 640, bar_h = 18, label_w = 120, top = 22;
    const int height = top + static_cast<int>(labels_.size()) * (bar_h + 6) + 4;
    html_ += fmt::format(R"(<svg class="chart" role="img" width="{}" height="{}" viewBox="0 0 {} {}">)", width, height,
                         width, height);
    html_ += R"(<text x="0" y="14" font-size="13" font-weight="bold">frames per class, by split</text>)";
    const double span = width - label_w - 10;
    for (size_t i = 0; i < labels_.size(); ++i) {
      const int y = top + static_cast<int>(i) * (bar_h + 6);
      html_ += fmt::format(R"(<text x="0" y="{}" font-size="12">{}</text>)", y + 13, escape(labels_[i]));
      double x = label_w;
      for (const std::string& s : splits_) {
        const auto it = totals.find({labels_[i], s});
        if (it == totals.end() || class_frames[labels_[i]] == 0) continue;
        const double w = span * static_cast<double>(it->second.frames) / static_cast<double>(class_frames[labels_[i]]);
        html_ += fmt::format(R"(<rect x="{:.1f}" y="{}" width="{:.1f}" height="{}" fill="{}"><title>{} {}: {} frames</title></rect>)",
                             x, y, w, bar_h, split_colour(s, splits_), escape(labels_[i]), escape(s),
                             it->second.frames);
        x += w;
      }
      double target = label_w;
      for (size_t s = 0; s + 1 < splits_.size(); ++s) {
        target += span * (targets_.count(splits_[s]) ? targets_[splits_[s]] : 0.0);
        html_ += fmt::format(R"(<line x1="{:.1f}" x2="{:.1f}" y1="{}" y2="{}" stroke="#000" stroke-dasharray="3,2"/>)",
                             target, target, y - 2, y + bar_h + 2);
      }
    }
    html_ += "</svg>\n<p class=\"muted\">Dashed lines: the target ratios.</p>\n";
  }

  std::string legend() const {
    std::string out = "<p class=\"legend\">";
    for (const std::string& s : splits_)
      out += fmt::format("<span><span class=\"sw\" style=\"background:{}\"></span>{}</span>", split_colour(s, splits_),
                         escape(s));
    out += "<span><span class=\"sw\" style=\"background:#b8b8b8\"></span>excluded</span>"
           "<span><span class=\"sw\" style=\"background:repeating-linear-gradient(45deg,#fff 0 2px,#333 2px 4px)\">"
           "</span>transition (hatched)</span>"
           "<span><span class=\"sw\" style=\"background:#c44e52\"></span>guard band</span>"
           "<span><span class=\"sw\" style=\"background:#000\"></span>boundary between rows</span></p>\n";
    return out;
  }

  cv::Mat timeline(const std::vector<const Row*>& rows) const {
    const int w = options_.timeline_width, h = 26, band = 6;
    cv::Mat img(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
    const double t0 = rows.front()->start_sec, t1 = rows.back()->end_sec;
    const double span = t1 > t0 ? t1 - t0 : 1.0;
    const auto x_of = [&](double t) { return static_cast<int>(std::lround((t - t0) / span * (w - 1))); };
    for (const Row* r : rows) {
      const int x0 = x_of(r->start_sec), x1 = std::max(x_of(r->end_sec), x0 + 1);
      cv::rectangle(img, cv::Point(x0, 0), cv::Point(x1 - 1, h - 1), bgr_of(split_colour(r->split, splits_)), cv::FILLED);
      if (r->kind == "transition")
        for (int x = x0 - h; x < x1; x += 5)
          cv::line(img, cv::Point(std::max(x, x0), std::max(0, x0 - x)), cv::Point(std::min(x + h, x1 - 1), std::min(h - 1, x1 - 1 - x)),
                   cv::Scalar(40, 40, 40), 1);
      if (r->kind == "guard") {
        cv::rectangle(img, cv::Point(x0, 0), cv::Point(x1 - 1, band - 1), bgr_of("#c44e52"), cv::FILLED);
        cv::rectangle(img, cv::Point(x0, h - band), cv::Point(x1 - 1, h - 1), bgr_of("#c44e52"), cv::FILLED);
      }
    }
    for (size_t i = 1; i < rows.size(); ++i) {
      const int x = x_of(rows[i]->start_sec);
      cv::line(img, cv::Point(x, 0), cv::Point(x, h - 1), cv::Scalar(0, 0, 0), 1);
    }
    return img;
  }

  struct Pick {
    size_t row = 0;
    std::vector<int64_t> frames;
  };

  // The recorded paths of `videos` (relative ones resolved against the folder the scan ran in), read from
  // scan.jsonl; only those lines are parsed, the rest of a large scan is skipped.
  std::map<std::string, std::string> video_paths(const std::set<std::string>& videos) {
    std::map<std::string, std::string> paths;
    if (!fs::exists(path("scan.jsonl"))) return paths;
    try {
      ScanOrigin origin;
      for (VideoScan& s : read_scan_jsonl_videos(path("scan.jsonl"), videos, &origin)) {
        if (!origin.cwd.empty() && fs::path(s.path).is_relative()) s.path = (fs::path(origin.cwd) / s.path).string();
        paths.emplace(s.video, std::move(s.path));
      }
    } catch (const Error& e) {
      scan_error_ = e.what();
    }
    return paths;
  }

  // Decodes each needed video once, keeping only the picked frames (already small: analysis-size decode).
  // A video missing from its recorded path is counted for the caller: after a move, every thumbnail is missing
  // for one reason, which one line says better than a note in each cell.
  std::map<std::pair<std::string, int64_t>, cv::Mat> grab_frames(const std::map<std::string, std::set<int64_t>>& wanted,
                                                                 const std::map<std::string, std::string>& paths,
                                                                 std::map<std::string, std::string>& failures) {
    std::map<std::pair<std::string, int64_t>, cv::Mat> out;
    for (const auto& [video, frames] : wanted) {
      const auto found = paths.find(video);
      if (found == paths.end()) {
        failures[video] = "not in scan.jsonl";
        continue;
      }
      std::error_code ec;
      if (!fs::exists(found->second, ec)) {
        failures[video] = "not found at " + found->second;
        if (notes_.videos_not_found++ == 0) notes_.first_not_found = found->second;
        continue;
      }
      try {
        DecoderOptions o;
        o.threads = options_.threads;
        o.analysis_size = 2 * options_.thumb_height;
        VideoDecoder decoder(found->second, o);
        const VideoInfo& info = decoder.info();
        const double aspect = info.display_height > 0 ? static_cast<double>(info.display_width) / info.display_height : 1.0;
        const int tw = std::clamp(static_cast<int>(std::lround(options_.thumb_height * aspect)), 16,
                                  4 * options_.thumb_height);
        AnalysisFrame f;
        const int64_t last = *frames.rbegin();
        while (decoder.next(f)) {
          if (frames.count(f.index)) {
            cv::Mat thumb;
            // The analysis frame is square; restore the display aspect on this already-small image.
            cv::resize(f.bgr, thumb, cv::Size(tw, options_.thumb_height), 0, 0, cv::INTER_AREA);
            out[{video, f.index}] = thumb;
          }
          if (f.index >= last) break;
        }
      } catch (const Error& e) {
        failures[video] = e.what();
      }
    }
    return out;
  }

  // How many groups, videos and clips each kind of group holds: the whole picture, however many are drawn.
  void groups_summary() {
    struct Count {
      size_t groups = 0, videos = 0, clips = 0;
    };
    std::map<Look, Count> counts;
    for (const Group& g : groups_) {
      Count& c = counts[g.look];
      ++c.groups;
      c.videos += g.videos.size();
      c.clips += g.rows.size();
    }
    html_ += "<table class=\"looks\"><tr><th class=\"l\">groups</th><th>groups</th><th>videos</th><th>clips</th></tr>\n";
    for (const auto& [look, c] : counts)
      html_ += fmt::format("<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", look_name(look),
                           c.groups, c.videos, c.clips);
    html_ += "</table>\n";
  }

  // group_evidence.csv's links between videos of different classes, the first ones worth a look.
  void cross_class_links() {
    const size_t va = column_of("video_a"), vb = column_of("video_b"), reason = column_of("reason"),
                 kind = column_of("kind");
    if (std::max(va, vb) >= evidence_header_.size()) return;
    std::vector<std::string> lines;
    size_t total = 0;
    for (const Group& g : groups_) {
      if (g.look != Look::cross_class) break;
      for (const CsvRow& r : evidence_[g.id]) {
        const auto a = video_of_.find(r[va]), b = video_of_.find(r[vb]);
        if (a == video_of_.end() || b == video_of_.end() || videos_[a->second].label == videos_[b->second].label)
          continue;
        if (++total > kTableRows) continue;
        lines.push_back(fmt::format(
            "<tr><td>{}</td><td class=\"l\">{} ({})</td><td class=\"l\">{} ({})</td>"
            "<td class=\"l\">{}</td><td class=\"l\">{}</td></tr>\n",
            g.id, escape(r[va]), escape(videos_[a->second].label), escape(r[vb]), escape(videos_[b->second].label),
            reason < r.size() ? escape(r[reason]) : "", kind < r.size() ? escape(r[kind]) : ""));
      }
    }
    if (total == 0) return;
    html_ += fmt::format("<h3>Links across classes</h3>\n<p>{} links join videos of different classes{}.</p>\n", total,
                         total > kTableRows ? fmt::format(" (the first {} here; group_evidence.csv lists all)", kTableRows) : "");
    html_ += "<table class=\"cross\"><tr><th>group</th><th class=\"l\">video (class)</th><th class=\"l\">video (class)</th>"
             "<th class=\"l\">reason</th><th class=\"l\">kind</th></tr>\n";
    for (const std::string& l : lines) html_ += l;
    html_ += "</table>\n";
  }

  void section_groups() {
    html_ += "<h2 id=\"groups\">Leakage groups</h2>\n";
    groups_summary();
    cross_class_links();
    size_t linked = 0;
    while (linked < groups_.size() && groups_[linked].look != Look::singleton) ++linked;
    const size_t shown = std::min(linked, static_cast<size_t>(std::max(0, options_.max_groups)));
    html_ += fmt::format("<p>{} linked groups; contact sheets of the first {}: groups across classes, then groups of "
                         "several videos (largest first), then footage overlapping within a video. Each clip shows "
                         "three keyframes, at 1/6, 1/2 and 5/6 of its frames.</p>\n",
                         linked, shown);
    if (!fs::exists(path("scan.jsonl")))
      html_ += "<p class=\"warn\">No keyframes: scan.jsonl is not in this folder.</p>\n";

    std::vector<Pick> picks;
    std::map<std::string, std::set<int64_t>> wanted;
    for (size_t k = 0; k < shown; ++k) {
      const auto& rows = groups_[k].rows;
      for (size_t j = 0; j < rows.size() && j < static_cast<size_t>(options_.max_clips_per_group); ++j) {
        const Row& r = rows_[rows[j]];
        Pick p{rows[j], {}};
        const int64_t n = r.end_frame - r.start_frame;
        for (const int64_t num : {1, 3, 5}) p.frames.push_back(r.start_frame + std::min(n - 1, n * num / 6));
        for (int64_t f : p.frames) wanted[r.video].insert(f);
        picks.push_back(std::move(p));
      }
    }
    std::map<std::string, std::string> failures;
    std::map<std::pair<std::string, int64_t>, cv::Mat> frames;
    if (!wanted.empty() && fs::exists(path("scan.jsonl"))) {
      std::set<std::string> ids;
      for (const auto& w : wanted) ids.insert(w.first);
      step(fmt::format("reading the paths of {} videos from scan.jsonl", ids.size()));
      const auto paths = video_paths(ids);
      step(fmt::format("decoding keyframes of {} videos", ids.size()));
      frames = grab_frames(wanted, paths, failures);
    }
    if (!scan_error_.empty()) html_ += fmt::format("<p class=\"warn\">No keyframes: {}.</p>\n", escape(scan_error_));

    size_t next_pick = 0, sheet_bytes = 0, drawn = 0;
    for (; drawn < shown && sheet_bytes < kSheetBytes; ++drawn) {
      const Group& g = groups_[drawn];
      const size_t before = html_.size();
      html_ += fmt::format("<div class=\"group\" id=\"group-{}\"><b>group {}</b> &middot; {} &middot; {} &middot; {} "
                           "videos, {} clips{}\n",
                           g.id, g.id, look_name(g.look), escape(rows_[g.rows.front()].split), g.videos.size(),
                           g.rows.size(),
                           g.rows.size() > static_cast<size_t>(options_.max_clips_per_group)
                               ? fmt::format(" (first {} shown)", options_.max_clips_per_group)
                               : "");
      if (evidence_.count(g.id)) evidence_table(evidence_[g.id]);
      html_ += "<div class=\"clips\">\n";
      for (; next_pick < picks.size() && rows_[picks[next_pick].row].group == g.id; ++next_pick) {
        const Pick& p = picks[next_pick];
        const Row& r = rows_[p.row];
        std::vector<cv::Mat> tiles;
        for (int64_t f : p.frames) {
          const auto it = frames.find({r.video, f});
          if (it == frames.end()) break;
          // A 2-pixel white gap keeps neighbouring keyframes apart.
          if (!tiles.empty()) tiles.emplace_back(it->second.rows, 2, CV_8UC3, cv::Scalar(255, 255, 255));
          tiles.push_back(it->second);
        }
        std::string image;
        if (tiles.size() == 2 * p.frames.size() - 1) {
          cv::Mat sheet;
          cv::hconcat(tiles, sheet);
          image = png_img(sheet, fmt::format("keyframes of {} clip {}", r.video, r.clip), "sheet");
        } else {
          const auto fail = failures.find(r.video);
          image = fmt::format("<span class=\"warn\">no keyframes: {}</span>",
                              escape(fail != failures.end() ? fail->second : "frames not decoded"));
        }
        html_ += fmt::format("<figure>{}<figcaption>{} #{} ({}, frames {}-{})</figcaption></figure>\n", image,
                             escape(r.video), r.clip, escape(r.kind), r.start_frame, r.end_frame);
      }
      html_ += "</div></div>\n";
      sheet_bytes += html_.size() - before;
    }
    more_groups(drawn, linked);
    const size_t singletons = groups_.size() - linked;
    if (singletons > 0)
      html_ += fmt::format("<p>{} singleton groups (one video, linked to nothing) are counted, not drawn.</p>\n",
                           singletons);
  }

  // The linked groups past the contact sheets, one table row each.
  void more_groups(size_t from, size_t linked) {
    if (from >= linked) return;
    const size_t to = std::min(linked, from + kTableRows);
    html_ += fmt::format("<p>{} more linked groups without a contact sheet{}.</p>\n", linked - from,
                         linked - from > kTableRows
                             ? fmt::format(" (the first {} here; clips.csv and group_evidence.csv list all)", kTableRows)
                             : "");
    html_ += "<table class=\"more-groups\"><tr><th>group</th><th class=\"l\">why</th><th class=\"l\">split</th>"
             "<th>videos</th><th>clips</th><th class=\"l\">first video</th></tr>\n";
    for (size_t k = from; k < to; ++k) {
      const Group& g = groups_[k];
      html_ += fmt::format("<tr><td>{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td>"
                           "<td class=\"l\">{}</td></tr>\n",
                           g.id, look_name(g.look), escape(rows_[g.rows.front()].split), g.videos.size(),
                           g.rows.size(), escape(videos_[g.videos.front()].id));
    }
    html_ += "</table>\n";
  }

  // The videos worth a timeline, most important first, each once: those of linked groups (in the groups'
  // order), those in the audit's leaks, those cut short.
  std::vector<std::pair<size_t, std::string>> videos_worth_a_look() {
    std::vector<std::pair<size_t, std::string>> out;
    std::vector<bool> taken(videos_.size(), false);
    const auto take = [&](size_t v, std::string why) {
      if (taken[v]) return;
      taken[v] = true;
      out.emplace_back(v, std::move(why));
    };
    for (const Group& g : groups_)
      if (g.look != Look::singleton)
        for (size_t v : g.videos) take(v, fmt::format("group {}, {}", g.id, look_name(g.look)));
    const auto named = [&](const char* file, const char* column, const char* why, const char* kind) {
      const auto t = optional_csv(file, {column});
      if (!t) return;
      const size_t c = t->column(column), k = t->column("kind");
      for (const CsvRow& r : t->rows) {
        if (kind && (k >= r.size() || r[k] != kind)) continue;
        if (const auto it = video_of_.find(r[c]); it != video_of_.end()) take(it->second, why);
      }
    };
    named("leaks.csv", "video_a", "in leaks.csv", nullptr);
    named("leaks.csv", "video_b", "in leaks.csv", nullptr);
    named("errors.csv", "video", "truncated (errors.csv)", "truncated");
    return out;
  }

  void section_timelines() {
    html_ += "<h2 id=\"timelines\">Timelines</h2>\n";
    const auto worth = videos_worth_a_look();
    const size_t shown = std::min(worth.size(), static_cast<size_t>(std::max(0, options_.max_timelines)));
    html_ += fmt::format("<p>{} videos are linked to others, in the audit's leaks or cut short; timelines of {}{}. "
                         "Every other video is in the list below.</p>\n",
                         worth.size(), shown == worth.size() ? "all of them" : fmt::format("the first {}", shown),
                         shown < worth.size()
                             ? fmt::format(" ({} more are in the list below; clips.csv, group_evidence.csv, leaks.csv "
                                           "and errors.csv list them)",
                                           worth.size() - shown)
                             : "");
    if (shown > 0) html_ += legend();
    timeline_drawn_.assign(videos_.size(), false);
    for (size_t k = 0; k < shown; ++k) {
      const Video& v = videos_[worth[k].first];
      timeline_drawn_[worth[k].first] = true;
      std::vector<const Row*> rows;
      for (size_t i = v.begin; i < v.end; ++i) rows.push_back(&rows_[i]);
      html_ += fmt::format("<div class=\"video\"><div><b>{}</b> <span class=\"muted\">{} &middot; {:.2f} s &middot; "
                           "{} rows &middot; {}</span></div>\n{}</div>\n",
                           escape(v.id), escape(v.label), rows.back()->end_sec - rows.front()->start_sec, rows.size(),
                           escape(worth[k].second), png_img(timeline(rows), "timeline of " + v.id, "tl"));
    }
  }

  // Every video without a timeline, in a list filtered as one types (no images: the list is what keeps a
  // page of 200,000 videos small).
  void section_videos() {
    std::vector<VideoTableRow> rows;
    std::vector<std::string> split_names;
    std::map<std::string, size_t> split_index;
    for (size_t v = 0; v < videos_.size(); ++v) {
      if (timeline_drawn_[v]) continue;
      const Video& video = videos_[v];
      std::vector<std::string> in;
      for (const std::string& s : splits_)
        for (size_t i = video.begin; i < video.end; ++i)
          if (rows_[i].split == s) {
            in.push_back(s);
            break;
          }
      const std::string splits = in.empty() ? std::string(kExcluded) : fmt::format("{}", fmt::join(in, "+"));
      const auto [it, added] = split_index.emplace(splits, split_names.size());
      if (added) split_names.push_back(bytes_for_display(splits));
      const size_t label = static_cast<size_t>(std::lower_bound(labels_.begin(), labels_.end(), video.label) - labels_.begin());
      rows.push_back({bytes_for_display(video.id), label, it->second});
    }
    html_ += fmt::format("<h2 id=\"videos\">Other videos</h2>\n<p>{} videos without a timeline above (singletons and "
                         "those past the timelines' limit).</p>\n",
                         rows.size());
    std::vector<std::string> labels;
    for (const std::string& l : labels_) labels.push_back(bytes_for_display(l));
    html_ += video_table_html(labels, split_names, rows);
  }

  // A group's links as a person checks them: "a 0.59–2.04 s ↔ b 0.24–1.69 s", the kind of link and its
  // score. An older group_evidence.csv without the time columns is shown as it is.
  void evidence_table(const std::vector<CsvRow>& rows) {
    // Hundredths of a second are what a person seeks to in a player.
    const auto seconds = [](const std::string& text) {
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      return end != text.c_str() && *end == '\0' ? fmt::format("{:.2f}", v) : escape(text);
    };
    CsvTable t;
    t.header = evidence_header_;
    const size_t va = t.column("video_a"), ca = t.column("clip_a"), vb = t.column("video_b"), cb = t.column("clip_b"),
                 reason = t.column("reason"), kind = t.column("kind"), as = t.column("a_start_sec"),
                 ae = t.column("a_end_sec"), bs = t.column("b_start_sec"), be = t.column("b_end_sec"),
                 score = t.column("score");
    const bool checkable = std::max({va, ca, vb, cb, reason, kind, as, ae, bs, be, score}) < evidence_header_.size();
    html_ += "<table class=\"evidence\"><tr>";
    const std::vector<std::string> header =
        checkable ? std::vector<std::string>{"reason", "matched", "kind", "score"} : evidence_header_;
    for (const std::string& h : header) html_ += "<th class=\"l\">" + escape(h) + "</th>";
    html_ += "</tr>\n";
    for (const CsvRow& r : rows) {
      html_ += "<tr>";
      if (checkable) {
        html_ += fmt::format("<td class=\"l\">{}</td><td class=\"l\">{} #{} {}\u2013{} s \u2194 {} #{} {}\u2013{} s</td>"
                             "<td class=\"l\">{}</td><td>{}</td>",
                             escape(r[reason]), escape(r[va]), escape(r[ca]), seconds(r[as]), seconds(r[ae]),
                             escape(r[vb]), escape(r[cb]), seconds(r[bs]), seconds(r[be]), escape(r[kind]),
                             escape(r[score]));
      } else {
        for (const std::string& v : r) html_ += "<td class=\"l\">" + escape(v) + "</td>";
      }
      html_ += "</tr>\n";
    }
    html_ += "</table>\n";
  }

  void csv_section(const char* id, const char* title, const char* file, const char* empty_text, size_t limit) {
    html_ += fmt::format("<h2 id=\"{}\">{}</h2>\n", id, title);
    if (!fs::exists(path(file))) {
      html_ += fmt::format("<p class=\"muted\">{}</p>\n", empty_text);
      return;
    }
    CsvTable t;
    try {
      t = read_csv_file(path(file), {});
    } catch (const Error& e) {
      html_ += fmt::format("<p class=\"warn\">{}</p>\n", escape(e.what()));
      return;
    }
    html_ += fmt::format("<p>{}: {} rows{}.</p>\n", escape(file), t.rows.size(),
                         t.rows.size() > limit ? fmt::format(" (first {} shown)", limit) : "");
    if (t.rows.empty()) return;
    html_ += fmt::format("<table class=\"{}\"><tr>", id);
    for (const std::string& h : t.header) html_ += "<th class=\"l\">" + escape(h) + "</th>";
    html_ += "</tr>\n";
    for (size_t i = 0; i < t.rows.size() && i < limit; ++i) {
      html_ += "<tr>";
      for (const std::string& v : t.rows[i]) html_ += "<td class=\"l\">" + escape(v) + "</td>";
      html_ += "</tr>\n";
    }
    html_ += "</table>\n";
  }

  void section_audit() {
    csv_section("audit", "Audit", "leaks.csv", "No audit result in this folder (vidsplit audit writes leaks.csv).", 200);
  }
  void section_errors() { csv_section("errors", "Unreadable inputs", "errors.csv", "No errors.csv.", 200); }

  std::string dir_;
  ReportOptions options_;
  std::vector<Row> rows_;
  std::vector<Video> videos_;
  std::map<std::string, size_t> video_of_;  // a video's index in videos_
  std::vector<std::string> labels_, splits_;
  std::map<std::string, double> targets_;
  json summary_;
  std::map<int64_t, std::vector<CsvRow>> evidence_;  // group_evidence.csv's rows by group
  CsvRow evidence_header_;
  std::vector<Group> groups_;  // in the order worth a look, singletons last
  std::vector<bool> timeline_drawn_;
  std::string scan_error_;
  ReportNotes notes_;
  std::string html_;
};

}  // namespace

ReportResult report_html(const std::string& out_dir, const ReportOptions& options) {
  if (options.thumb_height < 8 || options.thumb_height > 256) throw ConfigError("thumbnail height must be 8..256");
  if (options.timeline_width < 64) throw ConfigError("timeline width must be at least 64");
  return Report(out_dir, options).build();
}

std::string report_title(const std::string& out_dir) {
  fs::path p = fs::absolute(out_dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().string();
}

ReportNotes write_report(const std::string& out_dir, const ReportOptions& options) {
  OutputSet set(out_dir);
  set.keep_all_except({"report.html"});
  ReportOptions titled = options;
  if (titled.title.empty()) titled.title = report_title(out_dir);
  ReportResult report = report_html(current_output_dir(out_dir), titled);
  write_file_atomic(set.path("report.html"), report.html);
  set.commit();
  return report.notes;
}

}  // namespace vidsplit
