// `nsearch index`: walks the roots and brings the index up to date with
// them (SPEC §3).
//
// Two paths, one result:
//  - Full build (a new index, an empty one, or --rebuild): the file list is
//    cut into `jobs` contiguous slices; each thread reads, parses and writes
//    its slice into a partial Xapian database; the parts are then merged by
//    compaction (in slice order, so document ids follow file order) into a
//    new generation, which is published atomically (common/index_layout.h).
//  - Incremental: files whose size and mtime (or, when those differ, content
//    hash) match the stored state are skipped; the others are parsed on
//    `jobs` threads and written by one writer in file order, committed every
//    `batch_size` documents; documents of files that vanished from a root
//    indexed in this run are deleted.
// Every commit and every publish is atomic, so a killed run leaves the last
// committed index readable, and the next run completes the job.

#ifndef NSEARCH_INDEXER_INDEXER_H_
#define NSEARCH_INDEXER_INDEXER_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "common/schema.h"
#include "common/status.h"

namespace nsearch::indexer {

// How progress is reported on stderr.
enum class ProgressMode {
  kNone,
  kTerminal,  // One line rewritten in place (stderr is a terminal).
  kLines,     // A line every few seconds (-v when not a terminal).
};

// Bounds of IndexOptions (RunIndex returns kInvalidArgument beyond them).
inline constexpr unsigned kMaxJobs = 256;
inline constexpr unsigned kMaxBatchSize = 1000000;

struct IndexOptions {
  std::string index_path;          // Created if missing.
  std::vector<std::string> roots;  // Files or folders.
  // Schema YAML file for a new index; empty uses the built-in schema. An
  // existing index must have been built by the same schema.
  std::string schema_path;
  // Threads, at most kMaxJobs; 0 = the cores this process may use
  // (UsableCores), capped at kMaxJobs.
  unsigned jobs = 0;
  unsigned batch_size = 5000;  // Documents per commit, 1 to kMaxBatchSize.
  // Files per partial database of a full build (see BuildGeneration).
  size_t chunk_files = 20000;
  // Shards (common/index_layout.h), 1 to kMaxShards; 0 keeps the live
  // index's count (1 for a new index). Changing it needs `rebuild`.
  unsigned shards = 0;
  // `--shard K/N`: this index holds only shard K (0-based) of N, for N
  // machines building one shard each from the same tree. Every run is a
  // full build: the documents of the other shards are read (not their
  // bodies) and kept in memory for the story join (StoryJoiner::Outsider),
  // so that stories join over the whole tree as in one index; they are
  // never written. N is 2 to kMaxShards; 0 means not set.
  unsigned shard_index = 0;
  unsigned shard_count = 0;
  bool rebuild = false;  // Build a fresh index and swap it in.
  bool dry_run = false;  // Report what would happen; change nothing.
  ProgressMode progress = ProgressMode::kNone;
  // Set (to the signal number) to stop early: what is done is committed.
  const std::atomic<int>* stop = nullptr;
};

struct RejectedFile {
  std::string path;
  std::string reason;  // Includes "line L, column C: " when known.
  int line = 0;
  int column = 0;
  std::string field;
};

struct FileWarning {
  std::string path;
  std::string field;
  int line = 0;
  std::string reason;
};

struct IndexSummary {
  size_t files = 0;
  size_t added = 0;
  size_t updated = 0;
  size_t deleted = 0;
  size_t unchanged = 0;
  size_t rejected = 0;
  double seconds = 0;
  size_t documents = 0;  // In the index after the run.
  bool rebuilt = false;  // A full build was published.
  bool dry_run = false;
  int interrupted = 0;  // The signal that stopped the run, or 0.
  // An interrupted full build (--rebuild) was thrown away: the index is
  // as before the run, and `added` and the rest count discarded work.
  bool discarded = false;
  std::vector<RejectedFile> rejected_files;
  std::vector<FileWarning> warnings;
  // Per-file actions (path, "added"|"updated"|"unchanged"|"deleted"|
  // "rejected"), in file order; filled only for dry runs.
  std::vector<std::pair<std::string, std::string>> actions;
};

// Runs the indexing job.
//   kNotFound        a root does not exist
//   kBusy            another writer holds the index
//   kSchemaMismatch  the index was built by another schema or analyzer
//   kCorruption      the folder holds something that is not an nsearch index
//   kIOError         reading or writing failed
Result<IndexSummary> RunIndex(const IndexOptions& options);

}  // namespace nsearch::indexer

#endif  // NSEARCH_INDEXER_INDEXER_H_
