// The on-disk layout of an nsearch index folder:
//
//   DIR/XAPIANDB      a Xapian stub file naming the live generation
//                     ("auto gen-000003"); readers open DIR and follow it
//   DIR/gen-NNNNNN/   Xapian (glass) databases: the live one, the previous
//                     one (readers that opened it before a swap may still be
//                     reading), and at most one being built
//   DIR/nsearch.lock  held with flock() by the one nsearch writer
//
// A rebuild fills a new generation and swaps the stub with rename(), which
// is atomic: a reader sees the old index or the new one, never a mixture.
//
// A sharded index (`index --shards N`, N >= 2) splits each generation by
// document:
//
//   DIR/gen-NNNNNN/XAPIANDB   a stub listing "auto shard-K", K = 0..N-1:
//                             Xapian opens the shards as one database
//   DIR/gen-NNNNNN/shard-K/   Xapian (glass) databases
//
// A document goes to shard ShardFor(its id, N); the id is a hash of the
// file's absolute path (DocumentIdForPath), so it never moves between runs.
// Swapping the top stub swaps all shards at once. docs/FORMAT.md "Index
// folder" has the details.

#ifndef NSEARCH_COMMON_INDEX_LAYOUT_H_
#define NSEARCH_COMMON_INDEX_LAYOUT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace nsearch {

// The stub file of an index folder (and of a sharded generation): Xapian
// opens the database it names when given the folder.
inline constexpr const char* kStubFile = "XAPIANDB";

// Holds the writer lock of an index folder until destroyed.
class IndexLock {
 public:
  // Creates DIR if needed and takes its lock without waiting.
  //   kBusy     another process holds it ("index is busy ...", naming DIR)
  //   kIOError  DIR cannot be created or the lock file opened
  static Result<std::unique_ptr<IndexLock>> Acquire(const std::string& dir);
  ~IndexLock();
  IndexLock(const IndexLock&) = delete;
  IndexLock& operator=(const IndexLock&) = delete;

 private:
  explicit IndexLock(int fd) : fd_(fd) {}
  int fd_;
};

// The live generation's absolute path, or "" when DIR has no stub naming
// one (no stub, or another kind: HasOtherStub).
std::string LiveGeneration(const std::string& dir);

// True when DIR's XAPIANDB stub is not an nsearch generation stub: a shard
// list written by hand (common/shard_list.h), or a generation's own stub.
bool HasOtherStub(const std::string& dir);

// True when DIR holds a Xapian database directly (no nsearch stub).
bool IsPlainXapianDatabase(const std::string& dir);

// Makes a new, empty generation folder; returns its path. REQUIRES: the
// caller holds the lock.
Result<std::string> CreateGeneration(const std::string& dir);

// Points the stub at `generation` atomically (write, fsync, rename, fsync
// the folder). REQUIRES: the caller holds the lock.
Status PublishGeneration(const std::string& dir, const std::string& generation);

// The most shards an index may have.
inline constexpr unsigned kMaxShards = 64;

// How many shards `generation` holds: N for a stub of N shards, else 1.
unsigned ShardCount(const std::string& generation);

// The folder of shard `k` of `n` in `generation` (the generation itself
// when n is 1).
std::string ShardPath(const std::string& generation, unsigned k, unsigned n);

// Writes the stub of a generation of `n` >= 2 shards (and syncs it).
Status WriteShardStub(const std::string& generation, unsigned n);

// The shard, of `n`, of the document with id `id`.
unsigned ShardFor(std::string_view id, unsigned n);

// A database of n shards numbers documents round-robin: shard k's document
// d is (d - 1) * n + k + 1. These invert that.
inline unsigned ShardOfDocid(uint32_t docid, unsigned n) {
  return (docid - 1) % n;
}
inline uint32_t LocalDocid(uint32_t docid, unsigned n) {
  return (docid - 1) / n + 1;
}

// Removes generation folders other than the live one and the one before it
// (leftovers of interrupted builds, and older generations). REQUIRES: lock.
void RemoveStaleGenerations(const std::string& dir);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_INDEX_LAYOUT_H_
