// Turns a parsed Document into a Xapian::Document following the schema:
// the one free-text term space (README "Index layout"), the field-marking
// terms, exact filter terms, value slots, the stable id term and the stored
// display data.
//
// Thread-safety: one DocumentBuilder per thread (it owns an Analyzer).

#ifndef NSEARCH_INDEXER_DOCUMENT_BUILDER_H_
#define NSEARCH_INDEXER_DOCUMENT_BUILDER_H_

#include <map>
#include <memory>
#include <string>

#include <xapian.h>

#include "common/analyzer.h"
#include "common/document.h"
#include "common/schema.h"

namespace nsearch::indexer {

// Where a document came from, stored with it.
struct SourceFile {
  std::string path;  // Absolute.
  std::string root;  // The indexed root it was found under.
  int64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t content_hash = 0;  // HashBytes64 of the bytes; set once read.
};

// Bytes of body kept in the stored data (for snippets and `show`).
inline constexpr size_t kStoredBodyBytes = 2000;
// Position gap between fields, and between the values of a multi-valued
// field (topics), so a phrase never spans two of them.
inline constexpr unsigned kValueGap = 100;

class DocumentBuilder {
 public:
  // REQUIRES: `schema` outlives the builder.
  DocumentBuilder(const Schema& schema, std::unique_ptr<Analyzer> analyzer);

  // The id term for a document ("Q" + id).
  static std::string IdTerm(const std::string& id);

  // The index document of `doc`. A `light` one (another machine's shard,
  // `index --shard K/N`) holds only what the story join reads of the index:
  // the story key, signature and candidate terms, the date slot and the
  // URL's filter terms (no stored data: the join takes the title and
  // excerpt from the parsed document); it is never written
  // (StoryJoiner::MakeOutsider keeps what the join needs of it).
  Xapian::Document Build(const Document& doc, const SourceFile& source,
                         bool light = false);

 private:
  Xapian::Document BuildLight(const Document& doc, const SourceFile& source);
  // The ranking priors' values (RankingSpec): quality's and heat's
  // Level, and the UTC day of the date, from the slot fields' `numbers`.
  void AddRankingValues(
      const std::map<std::string, int64_t, std::less<>>& numbers,
      Xapian::Document* out) const;
  void AddText(const FieldSpec& field, const std::string& text,
               unsigned* position, Xapian::Document* out);
  // The terms and facet value of a text or filter field (not a slot field):
  // each value as free text (AddText) and as filter terms.
  void AddField(const FieldSpec& field, const Document& doc, unsigned* position,
                Xapian::Document* out);
  // The exact filter terms of one value of a filter field, by its kind.
  void AddFilterTerms(const FieldSpec& field, const std::string& value,
                      Xapian::Document* out);
  // The collapse key of the schema's collapse field, from its first value.
  void AddCollapseKey(const Document& doc, Xapian::Document* out);
  // The story signature and the document's own story key (when the schema
  // has stories).
  void AddStoryKey(const Document& doc, const std::string& id,
                   uint64_t content_hash, Xapian::Document* out);

  const Schema& schema_;
  std::unique_ptr<Analyzer> analyzer_;
};

// The stored record of a document: its display data (what `show` and hits
// read back), in the on-disk format of common/index_meta.h.
std::string StoredData(const Document& doc, const SourceFile& source);

}  // namespace nsearch::indexer

#endif  // NSEARCH_INDEXER_DOCUMENT_BUILDER_H_
