#include "report/video_table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>


namespace vidsplit {

namespace {

// A JSON string that may stand inside <script>: the HTML parser ends a script at "</script" and reads "<!--"
// specially, so no '<' may appear raw (\u003c means the same to JSON.parse).
std::string script_json(const std::string& text) {
  const std::string dumped = nlohmann::json(text).dump();
  std::string out;
  out.reserve(dumped.size());
  for (const char c : dumped) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

// JavaScript measures strings in UTF-16 units: one per character, two for one beyond U+FFFF (a 4-byte
// UTF-8 sequence, whose lead byte is 0xF0 or more).
size_t utf16_units(std::string_view utf8) {
  size_t n = 0;
  for (const char c : utf8) {
    const auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) != 0x80) n += b >= 0xF0 ? 2 : 1;
  }
  return n;
}

// Bytes `b` shares with `a` at its start, cut back to a character boundary.
size_t shared_prefix(std::string_view a, std::string_view b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  while (n > 0 && n < b.size() && (static_cast<unsigned char>(b[n]) & 0xC0) == 0x80) --n;
  return n;
}

// The rows are one flat array, four values a video (units of its name shared with the previous name, the rest
// of the name, label index minus the previous row's, splits): sorted names share most of their text
// (class/v0001.mp4, class/v0002.mp4) and mostly keep their class, and at 200,000 videos every byte a row saves
// is 200 kB of page. Durations are left to clips.csv for the same reason: the list answers "where did this
// video go".
constexpr const char* kScript = R"(<script>
(() => {
  const data = JSON.parse(document.getElementById('video-data').textContent);
  let previous = '', label = 0;
  const videos = [];
  for (let i = 0; i + 3 < data.rows.length; i += 4) {
    previous = previous.slice(0, data.rows[i]) + data.rows[i + 1];
    label += data.rows[i + 2];
    const v = {name: previous, label: data.labels[label], splits: data.splits[data.rows[i + 3]]};
    v.key = (v.name + '\n' + v.label + '\n' + v.splits).toLowerCase();
    videos.push(v);
  }
  const input = document.getElementById('video-filter');
  const body = document.getElementById('video-rows');
  const count = document.getElementById('video-count');
  const cell = (text, left) => {
    const td = document.createElement('td');
    if (left) td.className = 'l';
    td.textContent = text;
    return td;
  };
  const show = () => {
    const q = input.value.trim().toLowerCase();
    const hits = q ? videos.filter(v => v.key.includes(q)) : videos;
    const shown = hits.slice(0, data.shown);
    body.replaceChildren(...shown.map(v => {
      const tr = document.createElement('tr');
      tr.append(cell(v.name, true), cell(v.label, true), cell(v.splits, true));
      return tr;
    }));
    count.textContent = hits.length + ' of ' + videos.length + ' videos match' +
      (hits.length > shown.length ? '; the first ' + shown.length + ' are shown.' : '.');
  };
  input.addEventListener('input', show);
  show();
})();
</script>
)";

}  // namespace

std::string video_table_html(const std::vector<std::string>& labels, const std::vector<std::string>& splits,
                             const std::vector<VideoTableRow>& rows) {
  constexpr int kShown = 200;  // rows drawn at once: the DOM, not the data, is what makes a page slow
  std::string out = R"(<p><input id="video-filter" type="search" size="60" )"
                    R"(placeholder="filter: part of a video name, class or split" aria-label="filter videos"></p>)"
                    "\n<p id=\"video-count\" class=\"muted\">This list needs JavaScript.</p>\n"
                    "<table class=\"videos\"><thead><tr><th class=\"l\">video</th><th class=\"l\">class</th>"
                    "<th class=\"l\">split</th></tr></thead>"
                    "<tbody id=\"video-rows\"></tbody></table>\n";
  out += "<script id=\"video-data\" type=\"application/json\">{\"shown\":" + std::to_string(kShown) + ",\"labels\":[";
  for (size_t i = 0; i < labels.size(); ++i) out += (i ? "," : "") + script_json(labels[i]);
  out += "],\"splits\":[";
  for (size_t i = 0; i < splits.size(); ++i) out += (i ? "," : "") + script_json(splits[i]);
  out += "],\"rows\":[";
  std::string_view previous;
  long previous_label = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const VideoTableRow& r = rows[i];
    const size_t shared = shared_prefix(previous, r.video);
    fmt::format_to(std::back_inserter(out), "{}{},{},{},{}", i ? "," : "",
                   utf16_units(std::string_view(r.video).substr(0, shared)), script_json(r.video.substr(shared)),
                   static_cast<long>(r.label) - previous_label, r.splits);
    previous = r.video;
    previous_label = static_cast<long>(r.label);
  }
  out += "]}</script>\n";
  return out + kScript;
}

}  // namespace vidsplit
