// Reads one content file (YAML front matter + Markdown body) into a Document.
//
// Only the top-level keys the schema reads are handed to the YAML parser: the
// others (huge `related:` lists, `secured:` blobs, `images:`) are blanked
// line by line first, which keeps line numbers exact and makes files that
// are mostly `related:` cheap. A syntax error inside a key the schema never
// reads therefore does not reject the file.
//
// Thread-safety: ParseDocument is a pure function; call it from any thread.

#ifndef NSEARCH_COMMON_FRONT_MATTER_H_
#define NSEARCH_COMMON_FRONT_MATTER_H_

#include <optional>
#include <string_view>

#include "common/document.h"
#include "common/schema.h"

namespace nsearch {

struct ParseOutcome {
  Document doc;                        // Valid when !rejection.
  std::optional<Rejection> rejection;  // Set when the file is not indexable.
  bool ok() const { return !rejection.has_value(); }
};

// Parses the bytes of one file. Never throws; every failure becomes a
// Rejection with a reason (and the line and column when known): empty file,
// binary data, invalid UTF-8, no front matter, unterminated front matter,
// invalid YAML, front matter that is not a mapping, no title. Fields of the
// wrong type are dropped with a FieldWarning; the document is kept.
ParseOutcome ParseDocument(std::string_view bytes, const Schema& schema);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_FRONT_MATTER_H_
