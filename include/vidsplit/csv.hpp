// RFC 4180 CSV: fields with a comma, quote, CR or LF (or leading/trailing space) are quoted, quotes doubled.
// Rows end with LF. The reader accepts LF or CRLF, quoted newlines, and a UTF-8 byte-order mark.
// Cells carry exact values, because programs read these files as data (a YouTube id or file name that starts
// with '-' must stay as it is). CsvCells::SpreadsheetSafe is for files meant for spreadsheets: a cell starting
// with = + - @ TAB or CR that is not a plain number gets a leading ' (OWASP's formula-injection rule). The
// reader removes one ' before such a character, so vidsplit reads both kinds back; in exact files, a value
// that itself starts with quotes before such a character is therefore written with one more.
// Cells are bytes: the writer escapes them with bytes_to_text (vidsplit/text.hpp) and the reader undoes it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vidsplit {

using CsvRow = std::vector<std::string>;

enum class CsvCells { Exact, SpreadsheetSafe };

std::string csv_field(std::string_view value, CsvCells cells = CsvCells::Exact);
// Appends one row (fields joined by commas, LF-terminated) to `out`.
void append_csv_row(std::string& out, const CsvRow& fields, CsvCells cells = CsvCells::Exact);

// Parses a whole CSV document. Throws Error("line N: ...") on an unterminated quote or stray quote.
std::vector<CsvRow> parse_csv(std::string_view text);

// Reads a CSV file with a header row and returns its rows as maps from column to value, checking that
// `required` columns exist. Throws Error naming the file (and line) on any problem.
struct CsvTable {
  CsvRow header;
  std::vector<CsvRow> rows;
  std::vector<size_t> line_of_row;  // 1-based line of each row, for messages
  size_t column(std::string_view name) const;  // index, or npos
};
CsvTable read_csv_file(const std::string& path, const std::vector<std::string>& required);

// A non-negative integer cell (a frame number). Throws ConfigError naming the file, line and column.
int64_t parse_frame_cell(const std::string& text, const std::string& path, size_t line, const char* column);

}  // namespace vidsplit
