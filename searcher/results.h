// What a Searcher answers, as typed values: a page of hits, a parsed
// query, index statistics, a check report. Their fields follow the keys of
// SPEC §5 (docs/output-format.md); the command line's printers (cli/)
// render them, and nothing here knows an output format.

#ifndef NSEARCH_SEARCHER_RESULTS_H_
#define NSEARCH_SEARCHER_RESULTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "common/index_meta.h"
#include "searcher/facets.h"
#include "searcher/match.h"
#include "searcher/prior.h"
#include "searcher/query_parser.h"

namespace nsearch::searcher {

enum class SortOrder { kRelevance, kDate, kQuality, kHeat };
const char* SortName(SortOrder order);

// One hit per story (README "Stories"), per URL, or every copy.
enum class CollapseMode { kStory, kUrl, kNone };
const char* CollapseName(CollapseMode mode);

const char* MatchModeName(MatchMode mode);  // "relaxed", "all" or "any"

// Which index answered, and how fresh it is ("index" in every response).
struct IndexInfo {
  std::string path;
  std::string uuid;
  uint64_t revision = 0;  // For shards, the sum of theirs.
  Xapian::doccount documents = 0;
  std::string last_update;  // ISO 8601; empty when never recorded.
};

// The other copies of a hit's story (README "Stories").
struct Story {
  Xapian::doccount size = 0;  // Copies in all, the hit included.
  // Up to 20 others, earliest first, then by id.
  std::vector<StoredRecord> also;
};

// How a hit's score was made (`--explain`).
struct ScoreParts {
  double bm25 = 0;  // The query's words.
  // With query expansion: the added terms' part (not in `bm25`).
  std::optional<double> expansion;
  double quality_prior = 0;
  double heat_prior = 0;
  double recency_prior = 0;
  double scale = 0;  // The priors' scale (0 without priors).
  bool all_words = true;
  double score = 0;
};

struct Hit {
  size_t rank = 0;  // 1-based, counting the skipped offset.
  double score = 0;
  StoredRecord document;  // Without its file state.
  std::string snippet;    // With kMarkOpen/kMarkClose around matches.
  Xapian::doccount duplicates = 0;
  bool all_words = true;
  std::vector<std::string> missing;  // Optional words it lacks.
  std::optional<Story> story;        // When collapsing by story.
  std::optional<ScoreParts> explain;
};

struct Correction {
  std::string from;
  std::string to;
};

// A page of hits (Search, Similar).
struct ResultPage {
  std::string query;
  Total total;
  size_t offset = 0;
  size_t limit = 0;
  SortOrder sort = SortOrder::kRelevance;
  CollapseMode collapse = CollapseMode::kStory;
  bool relaxed = false;
  std::vector<std::string> dropped_stopwords;
  std::optional<std::string> suggestion;
  IndexInfo index;
  std::vector<Hit> hits;
  // When relaxed: the words that became optional, and the documents that
  // have all of them.
  std::vector<std::string> optional;
  Total all_words_total;
  std::optional<PriorWeights> ranking;      // The priors as used; none: BM25.
  std::vector<std::string> missing_shards;  // Non-empty: partial results.
  std::optional<std::vector<Facet>> facets;
  std::optional<Histogram> histogram;
  std::optional<Correction> corrected;
  // With `expand`: the stems the expansion added (none when the query
  // found nothing to learn from).
  std::optional<std::vector<std::string>> expanded;
};

// A query as parsed, not run (`--parse-only`).
struct ParsedRequest {
  std::string query;
  MatchMode match = MatchMode::kRelaxed;
  QueryNode parsed;  // With the flag filters.
  std::vector<std::string> dropped_stopwords;
  std::optional<std::string> suggestion;
  std::string strict;                  // Xapian's description of each tier.
  std::optional<std::string> relaxed;  // When the query can relax.
  std::vector<std::string> optional;
};

struct SchemaInfo {
  std::string name;
  int version = 0;
  std::string hash;
};

struct IndexStats {
  Xapian::doccount documents = 0;
  size_t terms = 0;
  uint64_t size_bytes = 0;  // The live generation.
  double average_length = 0;
  SchemaInfo schema;
  int analyzer_version = 0;
  size_t shards = 0;
  std::string shard_of;  // "K/N" for `index --shard K/N`, else empty.
  IndexInfo index;
};

struct CheckReport {
  size_t errors = 0;
  Xapian::doccount documents = 0;
  SchemaInfo schema;  // Name and version.
  IndexInfo index;
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_RESULTS_H_
