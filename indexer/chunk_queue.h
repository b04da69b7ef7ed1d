// The files of a full build on their way from the walk to the worker
// threads, cut into chunks (one partial database each).

#ifndef NSEARCH_INDEXER_CHUNK_QUEUE_H_
#define NSEARCH_INDEXER_CHUNK_QUEUE_H_

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "indexer/document_builder.h"

namespace nsearch::indexer {

// A run of consecutive files (in path order) for one partial database.
struct Chunk {
  size_t index = 0;  // part-<index>; parts merge in index order.
  std::vector<SourceFile> files;
};

// The files of a full build, from the lister to the workers, cut into
// chunks when a worker asks for one. Each chunk becomes one partial
// database, so a part stays small however big the tree: a glass writer
// slows down as its database grows (every commit merges into bigger
// posting lists), and compaction merges many parts in one pass. While the
// walk goes on a chunk is `chunk_files` files; once the walk is over, each
// chunk takes a share of what is left (a file costs a fixed amount plus its
// size: big related: lists are skipped by a line scan, but still read), so
// the chunks shrink towards the end and every thread finishes at about the
// same time. Bounded: the lister waits while `capacity` files are queued.
class ChunkQueue {
 public:
  ChunkQueue(unsigned jobs, size_t chunk_files)
      : jobs_(std::max(1u, jobs)),
        chunk_files_(std::max<size_t>(1, chunk_files)),
        capacity_((jobs_ + 2) * chunk_files_) {}

  // False once cancelled.
  bool Push(SourceFile file) {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [&] { return cancelled_ || files_.size() < capacity_; });
    if (cancelled_) return false;
    cost_ += CostOf(file);
    files_.push_back(std::move(file));
    if (files_.size() >= chunk_files_) ready_.notify_one();
    return true;
  }
  // No more files: Pop cuts the rest and then returns nullopt.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    ready_.notify_all();
  }
  // Drops what is queued and refuses more (a stop, or a failed worker).
  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = closed_ = true;
    files_.clear();
    room_.notify_all();
    ready_.notify_all();
  }
  std::optional<Chunk> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    ready_.wait(lock, [&] { return closed_ || files_.size() >= chunk_files_; });
    if (files_.empty()) return std::nullopt;
    const size_t n = closed_ ? TailChunkFiles() : chunk_files_;
    Chunk chunk{next_index_++, {}};
    chunk.files.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      cost_ -= CostOf(files_.front());
      chunk.files.push_back(std::move(files_.front()));
      files_.pop_front();
    }
    room_.notify_one();
    return chunk;
  }

 private:
  static constexpr double kFixedCost = 8192;  // Bytes-equivalent of a file.
  static constexpr size_t kMinTailFiles = 250;
  static double CostOf(const SourceFile& f) {
    return kFixedCost + static_cast<double>(f.size);
  }
  // After the walk: files from the front up to the rest's cost over twice
  // the threads (at least kMinTailFiles, at most chunk_files_), so that
  // the chunks shrink by a quarter each with two threads.
  size_t TailChunkFiles() const {
    const double share = cost_ / (2.0 * jobs_);
    double acc = 0;
    size_t n = 0;
    while (n < files_.size() && n < chunk_files_ &&
           (n < kMinTailFiles || acc < share))
      acc += CostOf(files_[n++]);
    return n;
  }

  const size_t jobs_, chunk_files_, capacity_;
  std::mutex mu_;
  std::condition_variable room_, ready_;
  std::deque<SourceFile> files_;
  double cost_ = 0;  // Of files_.
  size_t next_index_ = 0;
  bool closed_ = false;
  bool cancelled_ = false;
};

}  // namespace nsearch::indexer

#endif  // NSEARCH_INDEXER_CHUNK_QUEUE_H_
