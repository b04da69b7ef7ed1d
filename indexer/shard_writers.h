// The writable shards of one generation (common/index_layout.h), and one
// reader over all of them that sees what they hold, committed or not. An
// unsharded index is the case of one shard.

#ifndef NSEARCH_INDEXER_SHARD_WRITERS_H_
#define NSEARCH_INDEXER_SHARD_WRITERS_H_

#include <string>
#include <vector>

#include <xapian.h>

namespace nsearch::indexer {

class ShardWriters {
 public:
  // Opens (with Xapian `flags`) the `n` shards of `generation`.
  // Throws Xapian::Error.
  ShardWriters(const std::string& generation, unsigned n, int flags);

  unsigned size() const { return static_cast<unsigned>(shards_.size()); }
  Xapian::WritableDatabase& shard(unsigned k) { return shards_[k]; }
  // All shards as one database; docids interleave (ShardOfDocid).
  const Xapian::Database& reader() const { return reader_; }

  // Stores `doc` under `id_term` in the shard its document id `id`
  // chooses (an index never changes its shard count in place).
  void Replace(const std::string& id, const std::string& id_term,
               const Xapian::Document& doc);
  // Replaces or deletes the document with reader() docid `docid`.
  void Replace(Xapian::docid docid, const Xapian::Document& doc);
  void Delete(Xapian::docid docid);

  void SetMetadata(const std::string& key, const std::string& value);
  void Commit();

 private:
  Xapian::WritableDatabase& ShardOf(Xapian::docid docid);

  std::vector<Xapian::WritableDatabase> shards_;
  Xapian::Database reader_;
};

}  // namespace nsearch::indexer

#endif  // NSEARCH_INDEXER_SHARD_WRITERS_H_
