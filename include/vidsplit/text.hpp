// Paths are bytes on Linux, but CSV and JSON files are UTF-8 text. Every name vidsplit writes into its files
// (video ids, paths, labels, error texts) goes through bytes_to_text, and every reader gives it back with
// text_to_bytes, so that a file whose name is not UTF-8 is processed like any other:
//  - a byte that is not part of a valid UTF-8 sequence becomes `\xHH` (two lowercase hex digits);
//  - a backslash becomes `\\`, so that a valid name holding the characters `\xff` stays distinct;
//  - everything else (all valid UTF-8) is kept as it is.
// text_to_bytes(bytes_to_text(b)) == b for every b. text_to_bytes is lenient with hand-written files: a
// backslash that starts neither escape is kept as it is, and raw bytes that are not UTF-8 pass through.
#pragma once

#include <string>
#include <string_view>

namespace vidsplit {

std::string bytes_to_text(std::string_view bytes);
std::string text_to_bytes(std::string_view text);
// For display only (report.html, messages): invalid bytes as `\xHH`, backslashes left alone. Not reversible.
std::string bytes_for_display(std::string_view bytes);
// The length of the valid UTF-8 sequence starting at `s[i]`, or 0 if the byte there does not start one.
size_t utf8_sequence_length(std::string_view s, size_t i);

}  // namespace vidsplit
