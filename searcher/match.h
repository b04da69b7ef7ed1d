// Runs a query plan (README "Query language", "Ranking", "Totals"):
//
//  1. The scale of the priors: the BM25 score the query's words could give
//     at most (QueryScale), from the collection's statistics alone, so the
//     same however the index is sharded, and without a match of its own.
//  2. The strict tier (every plain word), ranked by BM25 plus the priors.
//  3. When the strict tier ends before the page does, the relaxed tier:
//     documents with some but not all of the words, ranked the same way,
//     after every document of the strict tier. So a prior reorders hits
//     within a tier, never lifting a document that lacks a word over one
//     that has them all.
//
// Totals count matching documents (every copy of a story, as Elasticsearch
// counts under collapsing, and as the facets do), exactly up to
// kExactTotalLimit and as a lower bound beyond.

#ifndef NSEARCH_SEARCHER_MATCH_H_
#define NSEARCH_SEARCHER_MATCH_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "searcher/block_max.h"
#include "searcher/prior.h"
#include "searcher/query_parser.h"

namespace nsearch::searcher {

// Documents counted exactly before a total becomes a lower bound (as
// Elasticsearch's track_total_hits default).
inline constexpr Xapian::doccount kExactTotalLimit = 10000;

// A query ready to run: its parsed tree, and the Xapian queries of its
// tiers (text and filters, no priors).
struct QueryPlan {
  ParsedQuery parsed;
  Xapian::Query strict;   // Every plain word required.
  Xapian::Query relaxed;  // Some of them; empty when the query cannot relax.
  // The plain words the relaxed tier makes optional, each with the terms a
  // document needs to match it.
  std::vector<std::pair<std::string, std::vector<std::string>>> optional;
  // What BM25 scores in either tier (the scale of the priors).
  std::vector<ScoredLeaf> scored;
  // The strict tier as its words and its filters (the request's among
  // them), when it is a Conjunction and the searcher runs block-max
  // matching, which needs them apart.
  std::optional<Conjunction> conjunction;
  bool relaxable() const { return !relaxed.empty(); }
};

// Pseudo-relevance feedback (README "Query expansion"): the stemmed terms
// that best tell the query's first hits from the collection (ExpandTerms:
// Xapian's expand set) rank the hits, never select them. Tuned in
// docs/RELEVANCE.md.
struct ExpandOptions {
  size_t documents = 10;  // The first hits read.
  size_t terms = 5;       // Terms added.
  // Their weight together, as a fraction of the query's own words'.
  double weight = 0.2;
};

struct MatchOptions {
  size_t offset = 0;
  size_t limit = 10;
  double k1 = 1.2;  // BM25
  double b = 0.75;
  std::optional<unsigned> collapse_slot;  // One hit per value of this slot.
  std::optional<unsigned> sort_slot;      // Highest value first, then BM25.
  std::optional<PriorWeights> priors;     // Scale filled in by RunPlan.
  PriorSlots prior_slots;
  // The ranking values of every document of `db`, when the caller keeps
  // them (one local database only).
  const PriorColumns* prior_columns = nullptr;
  // Their block bounds (block_max.h), kept with them: the strict tier of a
  // query of plain words, ranked by relevance and not expanded,
  // then skips the blocks that cannot reach its page.
  BlockBounds* block_bounds = nullptr;
  // Some shard is remote: the priors use Xapian's own classes only.
  bool remote = false;
  double time_limit = 0;  // Seconds; Xapian's soft limit (0: none).
  // Local databases only: Xapian's remote backend refuses deciders.
  Xapian::MatchDecider* decider = nullptr;
  // Shown every document `total` counts (facets); the total is then exact.
  // Xapian's own spies, so that remote shards can run them.
  std::vector<Xapian::MatchSpy*> spies;
  // Expands the query from its first hits; the expansion terms are chosen
  // among those `expand_accepts` accepts (it must refuse the query's own).
  std::optional<ExpandOptions> expand;
  std::function<bool(const std::string&)> expand_accepts;
  // Reads the documents of the hits (docids of `db`, in order); unset, each
  // is read from its MSet, one after another (ShardSet::Documents reads
  // remote shards side by side).
  std::function<std::vector<Xapian::Document>(
      const std::vector<Xapian::docid>&)>
      documents;
  // The bounds of a slot's values, when read faster than `db` does
  // (ShardSet::SlotBounds); unset, `db`'s.
  SlotBoundsFn slot_bounds;
};

struct Total {
  Xapian::doccount estimated = 0;
  Xapian::doccount lower = 0;
  Xapian::doccount upper = 0;
  bool exact() const { return lower == upper; }
  Total& operator+=(const Total& other);
};

struct MatchedHit {
  Xapian::Document doc;
  // Its docid in the database searched (for shards, not doc.get_docid(),
  // which is the shard's own).
  Xapian::docid docid = 0;
  double score = 0;
  Xapian::doccount duplicates = 0;   // Copies collapsed into this hit.
  bool all_words = true;             // From the strict tier.
  std::vector<std::string> missing;  // Optional words it lacks (relaxed).
};

struct MatchResult {
  std::vector<MatchedHit> hits;
  Total total;           // Documents in the tiers the page reached.
  Total all_words;       // Documents in the strict tier.
  bool relaxed = false;  // The page reached documents lacking some words.
  std::optional<PriorWeights> priors;  // As used (with the scale).
  // The query whose matches `total` counts.
  Xapian::Query counted;
  std::vector<std::string> expanded;  // Terms added by the expansion.
  Xapian::Query expansion;  // Their query (ExpansionParts); empty: none.
};

// The frequencies of `terms` in `db`, in order. `remote` (some shard of
// `db` is remote): from one match of no documents, one round of messages,
// not one per term and shard; locally a look-up per term, cheaper than
// that match.
std::vector<Xapian::doccount> TermFrequencies(
    const Xapian::Database& db, const std::vector<std::string>& terms,
    bool remote);

// The priors' scale for a query whose BM25-scored leaves are `scored`: the
// sum, over the leaves that index some document, of the most one leaf can
// add to a document's score, (k1 + 1) × its IDF as Xapian's BM25Weight
// computes it (the limit as its wdf grows), times the leaf's weight (a
// minor word's); a wildcard's frequency is
// Xapian's estimate of its expansions' union. A function of the
// collection's size and term frequencies only, so that shards, local or
// remote, give the one index's scale. 1 when nothing scores (a query of
// filters). `remote` as for TermFrequencies.
double QueryScale(const Xapian::Database& db,
                  const std::vector<ScoredLeaf>& scored, double k1,
                  bool remote);

// The part of each of `docids` (whose id terms are `id_terms`) that the
// expansion query `expansion` adds to its score, as RunPlan weighed it
// (BM25 with `k1`, `b`). Throws Xapian errors.
std::vector<double> ExpansionParts(const Xapian::Database& db,
                                   const Xapian::Query& expansion,
                                   const std::vector<std::string>& id_terms,
                                   const std::vector<Xapian::docid>& docids,
                                   double k1, double b);

// Runs `plan` over `db`. Throws Xapian errors.
MatchResult RunPlan(const Xapian::Database& db, const QueryPlan& plan,
                    const MatchOptions& options);

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_MATCH_H_
