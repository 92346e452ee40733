#include "vidsplit/csv.hpp"

#include "vidsplit/error.hpp"
#include "vidsplit/io.hpp"
#include "vidsplit/text.hpp"

#include <fmt/format.h>

namespace vidsplit {

namespace {

// A plain decimal number (-1, 0.500000, 1e-3): spreadsheets read it as a number, never as a formula, and
// vidsplit's numeric columns (group -1 on excluded rows) must stay numbers.
bool is_number(std::string_view v) {
  size_t i = 0;
  auto digits = [&] {
    const size_t from = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
    return i > from;
  };
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
  bool mantissa = digits();
  if (i < v.size() && v[i] == '.') {
    ++i;
    mantissa = digits() || mantissa;
  }
  if (!mantissa) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == v.size();
}

// OWASP's CSV-injection rule (CsvCells::SpreadsheetSafe): a text cell starting with = + - @ TAB or CR gets a
// leading ' so spreadsheets show it as text instead of running it as a formula. Cells that already start
// with quotes before such a character get one more, so that the reader, which removes exactly one, gives
// every value back unchanged.
bool needs_neutralising(std::string_view v) {
  const size_t first = v.find_first_not_of('\'');
  return first != std::string_view::npos && std::string_view("=+-@\t\r").find(v[first]) != std::string_view::npos &&
         !is_number(v);
}

// The reader's half of the rule.
void remove_neutralising(std::string& field) {
  if (!field.empty() && field.front() == '\'' && needs_neutralising(std::string_view(field).substr(1)))
    field.erase(0, 1);
}

}  // namespace

std::string csv_field(std::string_view bytes, CsvCells cells) {
  const std::string escaped = bytes_to_text(bytes);
  const std::string_view text = escaped;
  std::string neutralised;
  // Exact cells are the value itself; only a value that already starts with quotes before = + - @ TAB or CR
  // gets one more, because vidsplit's readers remove one there (to read SpreadsheetSafe files back).
  const bool add_quote = cells == CsvCells::SpreadsheetSafe ? needs_neutralising(text)
                                                            : !text.empty() && text.front() == '\'' && needs_neutralising(text);
  if (add_quote) {
    neutralised += '\'';
    neutralised += text;
  }
  const std::string_view value = neutralised.empty() ? text : std::string_view(neutralised);
  const bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!quote) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void append_csv_row(std::string& out, const CsvRow& fields, CsvCells cells) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i], cells);
  }
  out += '\n';
}

std::vector<CsvRow> parse_csv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool in_quotes = false;
  bool quoted_field = false;  // the current field was quoted: only a separator may follow its close
  size_t line = 1;
  size_t quote_line = 1;  // where the open quoted field began, for the unterminated-quote message
  size_t i = 0;
  auto end_field = [&] {
    remove_neutralising(field);
    row.push_back(text_to_bytes(field));
    field.clear();
    quoted_field = false;
  };
  auto end_row = [&] {
    end_field();
    // A blank line is not a row of one empty field.
    if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
    row.clear();
  };
  while (i < text.size()) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"') {
      if (!field.empty() || quoted_field) throw Error(fmt::format("line {}: stray quote inside a field", line));
      in_quotes = true;
      quoted_field = true;
      quote_line = line;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      ++line;
    } else {
      if (quoted_field) throw Error(fmt::format("line {}: text after a closing quote", line));
      field += c;
    }
    ++i;
  }
  if (in_quotes) throw Error(fmt::format("line {}: unterminated quoted field", quote_line));
  if (!field.empty() || !row.empty() || quoted_field) end_row();
  return rows;
}

size_t CsvTable::column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  return std::string::npos;
}

CsvTable read_csv_file(const std::string& path, const std::vector<std::string>& required) {
  CsvTable table;
  std::vector<CsvRow> rows;
  try {
    rows = parse_csv(read_file(path));
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", path, e.what()));
  }
  if (rows.empty()) throw Error(fmt::format("{}: empty CSV, expected a header row", path));
  table.header = std::move(rows.front());
  for (const auto& name : required)
    if (table.column(name) == std::string::npos)
      throw Error(fmt::format("{}: missing column '{}' in the header row", path, name));
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != table.header.size())
      throw Error(fmt::format("{}: row {} has {} fields, the header has {}", path, r + 1, rows[r].size(),
                              table.header.size()));
    table.rows.push_back(std::move(rows[r]));
    table.line_of_row.push_back(r + 1);
  }
  return table;
}

int64_t parse_frame_cell(const std::string& text, const std::string& path, size_t line, const char* column) {
  try {
    size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used == text.size() && v >= 0) return v;
  } catch (const std::exception&) {
  }
  throw ConfigError(fmt::format("{}: line {}: {} '{}' is not a frame number", path, line, column, text));
}

}  // namespace vidsplit
