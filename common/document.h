// The document model: one content file, as read from its front matter.

#ifndef NSEARCH_COMMON_DOCUMENT_H_
#define NSEARCH_COMMON_DOCUMENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nsearch {

// A field the reader could not use; the document is still indexed.
struct FieldWarning {
  std::string field;  // Front-matter key, e.g. "quality".
  int line = 0;       // 1-based line in the file, 0 when unknown.
  std::string reason;
};

struct Document {
  std::string title;  // Required (from `title` or, for events, `name`).
  std::string excerpt;
  std::string body;  // Markdown after the front matter.
  std::vector<std::string> topics;
  std::string category;
  std::string type;
  std::optional<int64_t> date;  // Seconds since the epoch, UTC.
  std::optional<int64_t> quality;
  std::optional<int64_t> heat;
  std::optional<bool> published;
  std::string provider_name;
  std::string provider_domain;
  std::string web_url;
  std::string original_url;
  std::vector<FieldWarning> warnings;

  // web_url, else original_url.
  const std::string& url() const {
    return web_url.empty() ? original_url : web_url;
  }
};

// Why a file was not indexed. `line` and `column` are 1-based, 0 if unknown.
struct Rejection {
  std::string reason;
  int line = 0;
  int column = 0;
  std::string field;  // The offending front-matter key, if one is to blame.

  // "line 3, column 7: reason" (or just the reason).
  std::string ToString() const;
};

// Formats seconds since the epoch as ISO 8601 UTC ("2023-11-16T10:36:52Z").
std::string FormatIsoTime(int64_t seconds);
// The UTC year of a time in seconds since the epoch (FormatIsoTime's year).
int64_t UtcYear(int64_t seconds);
// Parses ISO 8601 dates and date-times ("2023-11-16", "2023-11-16T10:36:52Z",
// with fractional seconds or a +hh:mm offset). nullopt when not a date.
std::optional<int64_t> ParseIsoTime(const std::string& text);

// The longest duration ParseDuration accepts: 1,000 years.
inline constexpr double kMaxDurationSeconds = 1000 * 365 * 86400.0;
// Parses a duration: a positive number and a unit, s, m (minutes), h, d, w
// or y (365 days): "72h", "1.5d", "2w". nullopt when malformed, under a
// second or over kMaxDurationSeconds.
std::optional<int64_t> ParseDuration(std::string_view text);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_DOCUMENT_H_
