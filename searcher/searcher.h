// Opens an nsearch index for reading and answers `query`, `similar`,
// `stats`, `check` and `show` with the typed values of searcher/results.h.
//
// Thread-safety: a Searcher is not thread-safe; open one per thread.

#ifndef NSEARCH_SEARCHER_SEARCHER_H_
#define NSEARCH_SEARCHER_SEARCHER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "common/analyzer.h"
#include "common/schema.h"
#include "common/status.h"
#include "searcher/block_max.h"
#include "searcher/facets.h"
#include "searcher/match.h"
#include "searcher/prior.h"
#include "searcher/query_parser.h"
#include "searcher/results.h"
#include "searcher/shard_set.h"
#include "searcher/suggest.h"

namespace nsearch::searcher {

// Parses "relevance", "date", "quality" or "heat".
Result<SortOrder> ParseSortOrder(const std::string& name);

// Parses "story", "url" or "none".
Result<CollapseMode> ParseCollapseMode(const std::string& name);

// The deepest page a query may ask for: Xapian counts documents in 32
// bits, and no one pages through a million hits.
inline constexpr size_t kMaxOffset = 1000000;
inline constexpr size_t kMaxLimit = 10000;  // Hits per page.

struct SearchRequest {
  std::string query;
  MatchMode match = MatchMode::kRelaxed;  // --all / --any
  bool prior = true;  // Blend in the quality, heat and recency priors.
  // Per-query prior weights (fractions of the top BM25 score); the
  // schema's when unset.
  std::optional<double> quality_boost;
  std::optional<double> heat_boost;
  std::optional<double> recency_boost;
  std::optional<double> half_life_seconds;
  // The time recency is measured from (seconds); the clock when unset.
  std::optional<int64_t> now;
  SortOrder sort = SortOrder::kRelevance;
  size_t limit = 10;
  size_t offset = 0;  // At most kMaxOffset.
  // Exact filters; values of one kind are alternatives (OR), kinds combine
  // with AND.
  std::vector<std::string> topics;
  std::vector<std::string> providers;
  std::vector<std::string> types;
  std::string since;  // Date bounds as in date:A..B.
  std::string until;
  std::optional<double> min_quality;
  std::optional<double> min_heat;
  // Facet names (fields with a facet_slot, or "year"): counts over the
  // whole match set, `facet_size` values each.
  std::vector<std::string> facets;
  size_t facet_size = 10;
  // A date histogram of the same documents (`histogram` in the response).
  Interval histogram = Interval::kNone;
  CollapseMode collapse = CollapseMode::kStory;
  bool explain = false;  // Per-hit score breakdown.
  // When no document has all the words and a spelling correction of the
  // unknown words finds some, run the correction (README "Typos").
  bool correct = true;
  // Search as you type: the last word matches as a prefix.
  bool prefix = false;
  // Pseudo-relevance feedback: terms of the first hits rank the hits
  // (README "Query expansion").
  bool expand = false;
  // Ends the match with kTimeout after this long; 0 means no limit.
  double timeout_ms = 0;
  QueryLimits limits;
};

// Request settings that both the command line and batch requests take,
// with one set of bounds. kInvalidArgument names the problem.
//   SetBoost: a prior's weight, "quality", "heat" or "recency", 0 to 10.
//   SetHalfLife: a duration (ParseDuration: "72h", "30d").
//   SetNow: an ISO 8601 date or time ("2024-05-01", "2024-05-01T12:00Z").
Status SetBoost(const std::string& name, double weight, SearchRequest* request);
Status SetHalfLife(const std::string& text, SearchRequest* request);
Status SetNow(const std::string& text, SearchRequest* request);

class Searcher {
 public:
  // Opens the index at `path`.
  //   kIndexMissing    no index there
  //   kCorruption      not an nsearch index, or unreadable
  //   kSchemaMismatch  built by an incompatible nsearch
  //   kShardUnavailable  a remote shard does not answer (ShardSet)
  // `path` may also be a shard list (ShardSet::Open).
  static Result<std::unique_ptr<Searcher>> Open(
      const std::string& path, const OpenOptions& options = {});

  // Runs a query. kInvalidArgument for a bad query or option,
  // kLimitExceeded for a query over a limit, kTimeout past timeout_ms.
  // With request.correct, a query that no document matches in full is
  // corrected when the correction does (the page then has `corrected`).
  Result<ResultPage> Search(const SearchRequest& request);
  // Search as you type (README "nsearch suggest"): completions of the last
  // word of `request.text` and matching titles. kInvalidArgument for a bad
  // request (SuggestRequest's bounds).
  Result<Suggestions> Suggest(const SuggestRequest& request);
  // Parses a query without running it.
  Result<ParsedRequest> ParseOnly(const SearchRequest& request);
  // Documents like `id_or_path` (more like this): the document's most
  // telling stemmed terms, searched with BM25; the document itself excluded.
  Result<ResultPage> Similar(const std::string& id_or_path, size_t limit);
  // Index statistics.
  Result<IndexStats> Stats();
  // Checks the index's structure (Xapian's checker) and nsearch stamps.
  //   kCorruption when anything is wrong.
  static Result<CheckReport> Check(const std::string& path);
  // One stored document, by id (16 hex digits) or by file path, with its
  // file state.
  Result<StoredRecord> Show(const std::string& id_or_path);

  const Schema& schema() const { return schema_; }

  // The generation this searcher opened ("" for a plain database).
  const std::string& generation() const { return shards_.generation(); }
  // Keeps every document's ranking values in memory (8 bytes a document),
  // read once per index revision, for later queries: for long-lived
  // searchers (batch mode) of one local database, where it saves decoding
  // three value streams per candidate. With `block_max`, also their block
  // bounds and those of the words queries ask for (block_max.h), so that
  // the strict tier of a query of plain words skips most of a
  // large index. Results are the same.
  void KeepPriorsInMemory(bool block_max = true) {
    keep_priors_ = true;
    block_max_ = block_max;
  }
  // Moves to the newest commit of the opened generation (cheap when
  // nothing changed). A rebuild publishes a new generation: compare
  // generation() with LiveGeneration() and open a new Searcher for that.
  Status Reopen();

 private:
  Searcher(std::string path, ShardSet shards, Schema schema,
           std::unique_ptr<Analyzer> analyzer);

  // The query (text + filters) as a parsed tree and as Xapian tiers.
  Result<QueryPlan> Plan(const SearchRequest& request);
  // The flag filters (--topic, --since, ...) as query nodes.
  Result<std::vector<QueryNode>> FilterNodes(const SearchRequest& request);
  // The priors of `request` (the scale is the match's to set).
  PriorWeights Weights(const SearchRequest& request) const;
  IndexInfo Freshness();
  // "K/N" for an index built with `index --shard K/N`, else empty.
  std::string ShardOf();
  Result<Xapian::docid> FindDocument(const std::string& id_or_path);
  Result<MatchOptions> MatchOptionsFor(const SearchRequest& request);
  // The slot that `mode` collapses on; nullopt for none.
  std::optional<unsigned> CollapseSlot(CollapseMode mode) const;
  // The number of copies of each hit's story (0 without stories).
  std::vector<Xapian::doccount> StorySizes(
      const std::vector<MatchedHit>& hits) const;
  // The other copies of a document's story of `size` copies; nullopt when
  // it has none.
  std::optional<Story> StoryOf(const Xapian::Document& doc, Xapian::docid docid,
                               Xapian::doccount size);
  Hit MakeHit(const MatchedHit& hit, size_t rank, const QueryPlan& plan,
              const SearchRequest& request, const MatchResult& match,
              Xapian::doccount story_size);
  // Splits each explained hit's text score into the query's words and the
  // expansion's terms (ScoreParts::expansion).
  void ExplainExpansion(const MatchResult& match, std::vector<Hit>* hits);
  // The page of a match, without facets.
  ResultPage MakePage(const QueryPlan& plan, const SearchRequest& request,
                      const MatchResult& match);
  // Runs a plan into a page of hits (shared by Search and Similar).
  Result<ResultPage> RunQuery(const QueryPlan& plan,
                              const SearchRequest& request);
  // The page of the corrected query when it matches documents with all
  // their words and `page` (that of `request`) has none; else `page`.
  Result<ResultPage> TryCorrection(const SearchRequest& request,
                                   const QueryPlan& plan, ResultPage page);
  // Up to `limit` documents, one per title, in index order, whose title
  // has every context word and, with `has_prefix`, one of the first
  // kTitleExpansion words of `expansion`. Throws Xapian errors.
  std::vector<SuggestedTitle> SuggestTitles(
      const std::vector<std::string>& context_words, bool has_prefix,
      const std::vector<Completion>& expansion, size_t limit);
  // One attempt; throws Xapian::DatabaseModifiedError for RunQuery to retry.
  Result<ResultPage> RunQueryOnce(const QueryPlan& plan,
                                  const SearchRequest& request);

  // The revision of the index read (for shards, the sum of theirs).
  uint64_t Revision();

  std::string path_;
  ShardSet shards_;
  Xapian::Database& db_;  // shards_.db(): every shard that answers.
  Schema schema_;
  std::unique_ptr<Analyzer> analyzer_;
  QueryParser parser_;
  PriorSlots prior_slots_;
  bool keep_priors_ = false;
  bool block_max_ = false;
  std::unique_ptr<PriorColumns> prior_columns_;
  std::unique_ptr<BlockBounds> block_bounds_;  // Of prior_columns_.
  std::string prior_columns_key_;  // uuid@revision they were read at.
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_SEARCHER_H_
