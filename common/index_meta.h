// What an nsearch index records about itself, as Xapian metadata, and the
// checks both sides run when they open one; the index's own encodings (the
// stored record, the file state, the fixed term prefixes). Their layouts
// are in docs/FORMAT.md.

#ifndef NSEARCH_COMMON_INDEX_META_H_
#define NSEARCH_COMMON_INDEX_META_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "common/schema.h"
#include "common/status.h"

namespace nsearch {

// Bumped when the index layout changes (terms, values, stored data).
inline constexpr int kIndexFormat = 6;

// Metadata keys.
inline constexpr const char* kMetaFormat = "nsearch.format";
inline constexpr const char* kMetaAnalyzer = "nsearch.analyzer_version";
inline constexpr const char* kMetaSchemaText = "nsearch.schema";
// The same schema as JSON (Schema::TreeJson), read by queries: parsing it is
// much cheaper than parsing the YAML.
inline constexpr const char* kMetaSchemaTree = "nsearch.schema_tree";
inline constexpr const char* kMetaSchemaName = "nsearch.schema_name";
inline constexpr const char* kMetaSchemaVersion = "nsearch.schema_version";
inline constexpr const char* kMetaSchemaHash = "nsearch.schema_hash";
inline constexpr const char* kMetaLastUpdate = "nsearch.last_update";
// "K/N" in an index built with `index --shard K/N` (one shard of N):
// ShardOfValue.
inline constexpr const char* kMetaShardOf = "nsearch.shard_of";

// The document id term prefix ("Q" + 16 hex digits, Xapian convention).
inline constexpr const char* kIdPrefix = "Q";
// The prefix of stemmed terms: "Z" + stem in the free-text space, "Z" +
// field prefix + stem for a field's own terms (Xapian convention).
inline constexpr const char* kStemPrefix = "Z";

class Analyzer;
// The stem the index keeps for a word (a normalized term): nullopt when the
// analyzer does not stem, "" for a stopword, which gets no stem.
std::optional<std::string> IndexedStem(Analyzer& analyzer,
                                       const std::string& word);

// The term that marks a word as being in a field whose own terms keep no
// positions (README "Index layout"): its stem (IndexedStem) under "Z" + the
// field's prefix; the word itself under the prefix when the analyzer does
// not stem; "" for a stopword.
std::string FieldMarkTerm(const std::string& prefix, const std::string& word,
                          const std::optional<std::string>& stem);
// The prefix of the root term: FilterTerm(kRootPrefix, root).
inline constexpr const char* kRootPrefix = "XR";
// Term prefixes of the story terms (common/story.h, README "Stories").
inline constexpr const char* kStoryBandPrefix = "XKB";   // MinHash bands.
inline constexpr const char* kStoryTitlePrefix = "XKT";  // Same title.
inline constexpr const char* kStoryKeyPrefix = "XKS";    // Story key.
// Whether a schema may not use `prefix`: kIdPrefix, any prefix starting
// with kStemPrefix, kRootPrefix, and XM (kept for bookkeeping).
bool IsReservedPrefix(std::string_view prefix);

// The value slot with each document's file state (path hash, size, mtime,
// content hash, root hash) for incremental indexing. Out of the schema's
// range (schemas use small slot numbers).
inline constexpr unsigned kStateSlot = 0xFFFFFF00u;
// The file state stored in kStateSlot, for incremental indexing: 28 bytes
// plus the size as a varint (usually 30-31 bytes).
struct FileState {
  uint64_t path_hash = 0;  // Fnv1a64 of the absolute path (the id).
  int64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t content_hash = 0;
  uint32_t root_hash = 0;  // RootHash of the root it was found under.

  std::string Serialise() const;
  // False when `value` is not a serialised FileState.
  bool Parse(const std::string& value);
};

// The hash of an indexed root kept in FileState: few roots, so 32 bits.
uint32_t RootHash(std::string_view root);

// The stored record (document data) is a JSON array, the values of these
// fields in this order, trailing nulls left out: no key names in every
// record, which keeps the docdata table as small as a plain index's.
// provider_name and provider_domain are shown as provider {name, domain};
// original_url is null when it equals url, is_published when unknown.
// A body that is valid UTF-8 is not in the array (null there) but after it,
// behind a NUL byte, as it is: a hit then parses ~500 bytes of JSON instead
// of ~2,500 (the body is only read for a snippet when the excerpt has no
// match, and JSON text never holds a raw NUL).
inline constexpr const char* kRecordFields[] = {"path",
                                                "title",
                                                "url",
                                                "excerpt",
                                                "topics",
                                                "type",
                                                "category",
                                                "published",
                                                "quality",
                                                "heat",
                                                "body",
                                                "provider_name",
                                                "provider_domain",
                                                "original_url",
                                                "is_published"};

// A document's stored record, typed: what `show` prints and hits display.
struct StoredRecord {
  std::string id;  // DocumentIdForPath(path): derived, not stored.
  std::string path;
  std::string title;
  std::string url;
  std::string excerpt;
  std::vector<std::string> topics;
  std::string provider_name;
  std::string provider_domain;
  std::string type;
  std::string category;
  std::optional<std::string> published;  // ISO 8601 UTC.
  std::optional<int64_t> quality;
  std::optional<int64_t> heat;
  std::string body;          // Up to the indexer's kStoredBodyBytes.
  std::string original_url;  // Stored only when it differs from url.
  std::optional<bool> is_published;
  // The file's size and mtime, from kStateSlot (ReadStoredRecord's
  // `file_state`).
  std::optional<FileState> file;
};

// Encodes `record` (everything but id and file, which live elsewhere).
std::string EncodeStoredRecord(const StoredRecord& record);

// The stored record of a document (its data), with the id (the hash of the
// path) and, when `file_state` is set, the file's state from kStateSlot
// (one more read, which hits skip). Garbage gives an empty record.
StoredRecord ReadStoredRecord(const Xapian::Document& doc,
                              bool file_state = true);
// Whether `data` is a record EncodeStoredRecord could have written.
bool IsStoredRecord(const std::string& data);

// The stable id of the document for a file: 16 hex digits of its path hash.
std::string DocumentIdForPath(const std::string& absolute_path);

// An exact (boolean) term. Xapian terms are limited to 245 bytes, so long
// values are cut and made unique with a hash of the whole value.
std::string FilterTerm(const std::string& prefix, const std::string& value);
// The filter term of a URL: the prefix and a hash of the normalized URL
// (NormalizeUrl). URLs are long and unique per document, so their full text
// would make the term dictionary the largest part of an index; `url:` needs
// only equality.
std::string UrlTerm(const std::string& prefix, std::string_view url);
// The collapse value of a story key: 8 bytes of hash instead of the key.
std::string CollapseKey(std::string_view normalized_key);

// The kMetaShardOf value of shard `k` of `n`: "K/N".
std::string ShardOfValue(unsigned k, unsigned n);

// Checks that `db` is an nsearch index this binary can read, and returns the
// schema that built it (loaded from the index itself).
//   kCorruption      not an nsearch index (no metadata)
//   kSchemaMismatch  other index format or analyzer version
Result<Schema> ReadIndexSchema(const Xapian::Database& db);
// The same, reading each metadata key through `metadata`.
Result<Schema> ReadIndexSchema(
    const std::function<std::string(const std::string&)>& metadata);
// The keys ReadIndexSchema reads.
inline constexpr const char* kSchemaStampKeys[] = {
    kMetaFormat, kMetaAnalyzer, kMetaSchemaTree, kMetaSchemaHash};

// Writes the format, analyzer and schema stamps.
void WriteIndexStamps(Xapian::WritableDatabase& db, const Schema& schema);

// The index directory: `flag` if given, else $NSEARCH_INDEX, else
// ${XDG_DATA_HOME:-$HOME/.local/share}/nsearch/index.
std::string ResolveIndexPath(const std::string& flag);

// Whether `errno_value` says the system, not the index, failed: a full
// disk or quota, a file size limit, a read-only file system, permissions,
// an I/O error, no descriptors or memory. (A missing table file, ENOENT,
// is damage.)
bool IsRuntimeSystemError(int errno_value);

// Maps a Xapian exception to a Status, naming the index path.
Status StatusFromXapian(const Xapian::Error& e, const std::string& index_path);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_INDEX_META_H_
