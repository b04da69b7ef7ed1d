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

// A new field needs its entry in kDocumentFields (below) too.
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

// What a document field holds, and so how it is read and used.
enum class DocumentFieldKind {
  kText,      // One string.
  kTextList,  // Strings (topics).
  kNumber,    // An integer (quality, heat).
  kDate,      // Seconds since the epoch, read from ISO 8601 text.
  kFlag,      // true or false.
};

// One field of Document: its name (the schema's `document:` keys and a
// query field's `from:` name it), its kind, and its member. The member of
// the kind's type is set, the others are null.
struct DocumentField {
  std::string_view name;
  DocumentFieldKind kind;
  bool url = false;  // A text field holding a URL (read as one).
  std::string Document::*text = nullptr;
  std::vector<std::string> Document::*list = nullptr;
  std::optional<int64_t> Document::*number = nullptr;  // kNumber, kDate.
  std::optional<bool> Document::*flag = nullptr;

  constexpr DocumentField(std::string_view n, std::string Document::*m,
                          bool is_url = false)
      : name(n), kind(DocumentFieldKind::kText), url(is_url), text(m) {}
  constexpr DocumentField(std::string_view n,
                          std::vector<std::string> Document::*m)
      : name(n), kind(DocumentFieldKind::kTextList), list(m) {}
  // `k` is kNumber or kDate.
  constexpr DocumentField(std::string_view n,
                          std::optional<int64_t> Document::*m,
                          DocumentFieldKind k)
      : name(n), kind(k), number(m) {}
  constexpr DocumentField(std::string_view n, std::optional<bool> Document::*m)
      : name(n), kind(DocumentFieldKind::kFlag), flag(m) {}
};

// The document fields: the one list of them. The front-matter reader reads
// them in this order (and so warns in it).
inline constexpr DocumentField kDocumentFields[] = {
    {"title", &Document::title},
    {"excerpt", &Document::excerpt},
    {"body", &Document::body},
    {"topics", &Document::topics},
    {"category", &Document::category},
    {"type", &Document::type},
    {"date", &Document::date, DocumentFieldKind::kDate},
    {"quality", &Document::quality, DocumentFieldKind::kNumber},
    {"heat", &Document::heat, DocumentFieldKind::kNumber},
    {"published", &Document::published},
    {"provider_name", &Document::provider_name},
    {"provider_domain", &Document::provider_domain},
    {"web_url", &Document::web_url, /*is_url=*/true},
    {"original_url", &Document::original_url, /*is_url=*/true},
};

// The document field called `name`; nullptr when there is none.
constexpr const DocumentField* FindDocumentField(std::string_view name) {
  for (const DocumentField& field : kDocumentFields)
    if (field.name == name) return &field;
  return nullptr;
}

// The values of a text or text-list field in `doc` (one for a text field);
// none for the other kinds.
std::vector<std::string> DocumentTexts(const Document& doc,
                                       const DocumentField& field);
// The value of a number or date field in `doc`; nullopt for the other
// kinds.
std::optional<int64_t> DocumentNumber(const Document& doc,
                                      const DocumentField& field);

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
