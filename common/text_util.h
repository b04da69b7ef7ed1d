// Byte-level text helpers shared by the reader, indexer and searcher. No ICU
// here: Unicode-aware work belongs to the analyzer (common/analyzer.h).

#ifndef NSEARCH_COMMON_TEXT_UTIL_H_
#define NSEARCH_COMMON_TEXT_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nsearch {

// Appends the UTF-8 encoding of code point `cp` (REQUIRES: cp <= 0x10FFFF).
void AppendUtf8(uint32_t cp, std::string* out);

// Decodes HTML character references (&amp; &#8216; &#x2019; and the common
// named entities). Unknown or malformed references are left as they are.
std::string DecodeHtmlEntities(std::string_view text);

// Trims ASCII whitespace (and literal "\n" escapes left in real excerpts are
// already newlines by then) from both ends.
std::string_view Trim(std::string_view text);

// Returns the byte offset of the first invalid UTF-8 sequence, or npos.
// Rejects overlong forms, surrogates and code points above U+10FFFF.
size_t FindInvalidUtf8(std::string_view text);

// Text made safe to print on a terminal: C0 controls (but tab), DEL, C1
// controls (U+0080 to U+009F) and bytes that are not valid UTF-8 become
// visible escapes ("\x1b", "\u009b"), so that a title or a file name
// cannot move the cursor, retitle the window or forge a line. Newlines
// are escaped too unless `lines` is kLines (for multi-line text such as a
// body).
enum class TerminalLines { kEscape, kKeep };
std::string TerminalSafe(std::string_view text,
                         TerminalLines lines = TerminalLines::kEscape);

// Collapses runs of whitespace to one space and trims.
std::string CollapseWhitespace(std::string_view text);

// Lower-cases ASCII letters only.
std::string AsciiLower(std::string_view text);

// A YAML boolean: true/yes/on or false/no/off in any case, spaces around
// allowed; nullopt for anything else. Front matter and the schema both use
// it.
std::optional<bool> ParseYamlBool(std::string_view text);

// A whole number written as 1 to `max_digits` ASCII digits (no sign, no
// spaces); nullopt for anything else. For small numbers a user types
// inside a larger value ("2/4", "HOST:PORT").
std::optional<unsigned> ParseDigits(std::string_view text, size_t max_digits);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_TEXT_UTIL_H_
