// What an nsearch index records about itself, as Xapian metadata, and the
// checks both sides run when they open one.

#ifndef NSEARCH_COMMON_INDEX_META_H_
#define NSEARCH_COMMON_INDEX_META_H_

#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <xapian.h>

#include "common/schema.h"
#include "common/status.h"

namespace nsearch {

// Bumped when the index layout changes (terms, values, stored data).
inline constexpr int kIndexFormat = 3;

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
inline constexpr const char* kMetaRoots = "nsearch.roots";

// The document id term prefix ("Q" + 16 hex digits, Xapian convention), and
// the prefix of the per-root bookkeeping term.
inline constexpr const char* kIdPrefix = "Q";
inline constexpr const char* kRootPrefix = "XR";

// The value slot with each document's file state (path hash, size, mtime,
// content hash, root hash) for incremental indexing. Out of the schema's
// range (schemas use small slot numbers).
inline constexpr unsigned kStateSlot = 0xFFFFFF00u;
// The document's whole ranking prior with the schema's weights (quality and
// heat priors summed), as EncodePrior writes it: the source of the prior
// chunks below. Queries that override the weights (--boost) read the quality
// and heat slots instead.
inline constexpr unsigned kPriorSlot = 0xFFFFFF01u;

// The same priors as arrays in the index metadata, which queries read:
// chunk c (key PriorChunkKey(c)) holds the priors of docids
// c * kPriorChunkDocs ... c * kPriorChunkDocs + kPriorChunkDocs - 1 as
// 8-byte IEEE doubles, trailing zeros cut; a missing chunk is all zeros (no
// prior). Reading a value stream costs a decode per document between two
// candidates (about a quarter of a common word's query at 100k documents);
// a chunk is one metadata read per 1024 docids, then array reads. The
// indexer writes the chunks in the same commit as the documents, so they
// always agree.
inline constexpr Xapian::docid kPriorChunkDocs = 1024;
inline constexpr const char* kMetaPriorChunkPrefix = "nsearch.prior.";
std::string PriorChunkKey(uint32_t chunk);
// Entry `i` of a chunk's stored value (0 past its end).
inline double PriorChunkEntry(const std::string& value, size_t i) {
  if (8 * i + 8 > value.size()) return 0.0;
  uint64_t bits;
  std::memcpy(&bits, value.data() + 8 * i, sizeof bits);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  bits = __builtin_bswap64(bits);  // Stored little-endian.
#endif
  double prior;
  std::memcpy(&prior, &bits, sizeof prior);
  return prior;
}
// Fills out[0 .. kPriorChunkDocs) with chunk `chunk` of `db`.
void ReadPriorChunk(const Xapian::Database& db, uint32_t chunk, double* out);
// Rewrites every chunk of `db` from kPriorSlot (after a full build).
void WriteAllPriorChunks(Xapian::WritableDatabase& db);

// The first docid whose prior in the chunks differs from its kPriorSlot
// value (0 when all agree), for `nsearch check`.
Xapian::docid FirstPriorChunkMismatch(const Xapian::Database& db);

// Keeps the prior chunks of a database being updated in step with its
// documents: Set() each document written or deleted (prior 0), Flush()
// before each commit. Not thread-safe.
class PriorChunkWriter {
 public:
  void Set(Xapian::WritableDatabase& db, Xapian::docid did, double prior);
  // Writes the chunks changed since the last Flush.
  void Flush(Xapian::WritableDatabase& db);

 private:
  // Chunk -> priors, read from `db` on its first Set.
  std::map<uint32_t, std::vector<double>> chunks_;
  std::set<uint32_t> dirty_;
};

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

// Encodes a record from an object with the keys of kRecordFields (missing
// ones are null).
std::string EncodeStoredRecord(const Json& fields);

// The stored record of a document (its data) as `show` and query hits read
// it: the fields of kRecordFields as the object of docs/output-format.md,
// with the id (the hash of the path) and, when `file_state` is set, the
// file's size and mtime from kStateSlot (one more read, which hits skip).
Json ReadStoredRecord(const Xapian::Document& doc, bool file_state = true);
// Whether `data` is a record EncodeStoredRecord could have written.
bool IsStoredRecord(const std::string& data);

// A prior as Xapian::sortable_serialise writes it (exact, and only 2-3
// bytes for typical priors). Decoding "" gives 0.
std::string EncodePrior(double prior);
double DecodePrior(const std::string& value);

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
