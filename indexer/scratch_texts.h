// Pairs of strings kept in a scratch file instead of memory. A `--shard
// K/N` build holds the other shards' documents for the story join
// (StoryJoiner::Outsider), and their titles and excerpts, most of what
// each one weighs, are read back only for the few pairs of candidates
// whose signatures cannot tell them apart.

#ifndef NSEARCH_INDEXER_SCRATCH_TEXTS_H_
#define NSEARCH_INDEXER_SCRATCH_TEXTS_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace nsearch::indexer {

class ScratchTexts {
 public:
  // Creates the file `path` (replacing one there), removed again by the
  // destructor. Throws std::system_error.
  explicit ScratchTexts(std::string path);
  ~ScratchTexts();
  ScratchTexts(const ScratchTexts&) = delete;
  ScratchTexts& operator=(const ScratchTexts&) = delete;

  // Stores a pair and returns where it is. Thread-safe. Throws
  // std::system_error (a full disk; a string of 4 GiB or more).
  uint64_t Add(std::string_view first, std::string_view second);

  // The pair Add stored at `at`. Thread-safe. Throws std::system_error, and
  // std::out_of_range for an `at` at or past the end.
  std::pair<std::string, std::string> Read(uint64_t at) const;

 private:
  // Appends what is buffered to the file. REQUIRES: mu_ is held.
  void Flush() const;
  // `size` bytes at `offset`, read from the file (after flushing the
  // buffer when they are still in it). REQUIRES: mu_ is held.
  std::string Bytes(uint64_t offset, uint64_t size) const;
  // Calls io(bytes done so far), a pread or pwrite of the rest, until
  // `size` bytes are done; throws std::system_error("`what` path").
  template <typename Io>
  void Transfer(size_t size, const char* what, const Io& io) const;

  const std::string path_;
  int fd_ = -1;
  mutable std::mutex mu_;
  mutable std::string buffer_;  // Not yet in the file; starts at written_.
  mutable uint64_t written_ = 0;
};

}  // namespace nsearch::indexer

#endif  // NSEARCH_INDEXER_SCRATCH_TEXTS_H_
