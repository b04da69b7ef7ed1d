// Reads one content file (YAML front matter + Markdown body) into a Document.
//
// Only the top-level keys the schema reads are parsed: the others (huge
// `related:` lists, `secured:` blobs, `images:`) are skipped line by line,
// which makes files that are mostly `related:` cheap. A syntax error inside
// a key the schema never reads therefore does not reject the file.
//
// Two parsers read the kept keys: a strict fast one for the plain YAML that
// front matter is made of in practice (one-line scalars, block lists, one
// level of mapping), and yaml-cpp for everything else, including every
// file the fast parser is unsure of. Both yield the same Document.
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
  bool fast_path = false;  // Read by the fast parser (not yaml-cpp).
  bool ok() const { return !rejection.has_value(); }
};

// Parses the bytes of one file. Never throws; every failure becomes a
// Rejection with a reason (and the line and column when known): empty file,
// binary data, invalid UTF-8, no front matter, unterminated front matter,
// invalid YAML, front matter that is not a mapping, no title. Fields of the
// wrong type are dropped with a FieldWarning; the document is kept.
struct ParseOptions {
  // Try the fast parser for plain front matter first (yaml-cpp handles what
  // it does not). Off only to compare both paths in tests.
  bool fast_path = true;
  // Read the body. Off for a light document (`index --shard K/N` reads the
  // other shards' files for their stories only).
  bool body = true;
};
ParseOutcome ParseDocument(std::string_view bytes, const Schema& schema,
                           const ParseOptions& options = {});

}  // namespace nsearch

#endif  // NSEARCH_COMMON_FRONT_MATTER_H_
