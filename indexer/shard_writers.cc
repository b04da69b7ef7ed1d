#include "indexer/shard_writers.h"

#include "common/index_layout.h"

namespace nsearch::indexer {

ShardWriters::ShardWriters(const std::string& generation, unsigned n,
                           int flags) {
  for (unsigned k = 0; k < n; ++k) {
    shards_.emplace_back(ShardPath(generation, k, n), flags);
    reader_.add_database(shards_.back());
  }
}

void ShardWriters::Replace(const std::string& id, const std::string& id_term,
                           const Xapian::Document& doc) {
  shards_[ShardFor(id, size())].replace_document(id_term, doc);
}

void ShardWriters::Replace(Xapian::docid docid, const Xapian::Document& doc) {
  ShardOf(docid).replace_document(LocalDocid(docid, size()), doc);
}

void ShardWriters::Delete(Xapian::docid docid) {
  ShardOf(docid).delete_document(LocalDocid(docid, size()));
}

void ShardWriters::SetMetadata(const std::string& key,
                               const std::string& value) {
  for (auto& shard : shards_) shard.set_metadata(key, value);
}

void ShardWriters::Commit() {
  for (auto& shard : shards_) shard.commit();
}

Xapian::WritableDatabase& ShardWriters::ShardOf(Xapian::docid docid) {
  return shards_[ShardOfDocid(docid, size())];
}

}  // namespace nsearch::indexer
