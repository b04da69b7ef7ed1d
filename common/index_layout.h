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

#ifndef NSEARCH_COMMON_INDEX_LAYOUT_H_
#define NSEARCH_COMMON_INDEX_LAYOUT_H_

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace nsearch {

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

// The live generation's absolute path, or "" when DIR has no stub.
std::string LiveGeneration(const std::string& dir);

// True when DIR holds a Xapian database directly (no nsearch stub).
bool IsPlainXapianDatabase(const std::string& dir);

// Makes a new, empty generation folder; returns its path. REQUIRES: the
// caller holds the lock.
Result<std::string> CreateGeneration(const std::string& dir);

// Points the stub at `generation` atomically (write, fsync, rename, fsync
// the folder). REQUIRES: the caller holds the lock.
Status PublishGeneration(const std::string& dir, const std::string& generation);

// Removes generation folders other than the live one and the one before it
// (leftovers of interrupted builds, and older generations). REQUIRES: lock.
void RemoveStaleGenerations(const std::string& dir);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_INDEX_LAYOUT_H_
