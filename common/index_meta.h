// What an nsearch index records about itself, as Xapian metadata, and the
// checks both sides run when they open one.

#ifndef NSEARCH_COMMON_INDEX_META_H_
#define NSEARCH_COMMON_INDEX_META_H_

#include <string>

#include <xapian.h>

#include "common/schema.h"
#include "common/status.h"

namespace nsearch {

// Bumped when the index layout changes (terms, values, stored data).
inline constexpr int kIndexFormat = 1;

// Metadata keys.
inline constexpr const char* kMetaFormat = "nsearch.format";
inline constexpr const char* kMetaAnalyzer = "nsearch.analyzer_version";
inline constexpr const char* kMetaSchemaText = "nsearch.schema";
inline constexpr const char* kMetaSchemaName = "nsearch.schema_name";
inline constexpr const char* kMetaSchemaVersion = "nsearch.schema_version";
inline constexpr const char* kMetaSchemaHash = "nsearch.schema_hash";
inline constexpr const char* kMetaLastUpdate = "nsearch.last_update";
inline constexpr const char* kMetaRoots = "nsearch.roots";

// The document id term prefix ("Q" + 16 hex digits, Xapian convention), and
// the prefix of the per-root bookkeeping term.
inline constexpr const char* kIdPrefix = "Q";
inline constexpr const char* kRootPrefix = "XR";

// The value slot with each document's file state (path hash, size, mtime,
// content hash, root hash) for incremental indexing. Out of the schema's
// range (schemas use small slot numbers).
inline constexpr unsigned kStateSlot = 0xFFFFFF00u;

// The stable id of the document for a file: 16 hex digits of its path hash.
std::string DocumentIdForPath(const std::string& absolute_path);

// An exact (boolean) term. Xapian terms are limited to 245 bytes, so long
// values are cut and made unique with a hash of the whole value.
std::string FilterTerm(const std::string& prefix, const std::string& value);

// Checks that `db` is an nsearch index this binary can read, and returns the
// schema that built it (loaded from the index itself).
//   kCorruption      not an nsearch index (no metadata)
//   kSchemaMismatch  other index format or analyzer version
Result<Schema> ReadIndexSchema(const Xapian::Database& db);

// Writes the format, analyzer and schema stamps.
void WriteIndexStamps(Xapian::WritableDatabase& db, const Schema& schema);

// The index directory: `flag` if given, else $NSEARCH_INDEX, else
// ${XDG_DATA_HOME:-$HOME/.local/share}/nsearch/index.
std::string ResolveIndexPath(const std::string& flag);

// Maps a Xapian exception to a Status, naming the index path.
Status StatusFromXapian(const Xapian::Error& e, const std::string& index_path);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_INDEX_META_H_
