// `nsearch index`: walks the roots, parses files on worker threads and feeds
// one Xapian writer, committing in batches.
//
// Design for what comes next (#3): parsing (ParseDocument, a pure function)
// and term building run on `jobs` threads; only the writer thread touches
// the WritableDatabase; each commit is atomic, so a killed run leaves the
// last commit readable.

#ifndef NSEARCH_INDEXER_INDEXER_H_
#define NSEARCH_INDEXER_INDEXER_H_

#include <functional>
#include <string>
#include <vector>

#include "common/output.h"
#include "common/schema.h"
#include "common/status.h"

namespace nsearch::indexer {

struct IndexOptions {
  std::string index_path;          // Created if missing.
  std::vector<std::string> roots;  // Files or folders.
  // Schema YAML file for a new index; empty uses the built-in schema. An
  // existing index must have been built by the same schema.
  std::string schema_path;
  unsigned jobs = 0;           // Parser threads; 0 = all cores.
  unsigned batch_size = 5000;  // Documents per commit.
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
  std::vector<RejectedFile> rejected_files;
  std::vector<FileWarning> warnings;

  // The JSON object of SPEC §5 (`nsearch index --json`).
  Json ToJson() const;
};

// Runs the indexing job.
//   kNotFound        a root does not exist
//   kBusy            another writer holds the index
//   kSchemaMismatch  the index was built by another schema or analyzer
//   kCorruption      the path holds something that is not an nsearch index
//   kIOError         reading or writing failed
Result<IndexSummary> RunIndex(const IndexOptions& options);

}  // namespace nsearch::indexer

#endif  // NSEARCH_INDEXER_INDEXER_H_
