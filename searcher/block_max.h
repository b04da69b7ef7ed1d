// Block-max matching (README "Ranking", docs/BENCHMARKS.md "Block-max
// scores at 1M"). Xapian 1.4 weighs every document an AND of words
// matches; at a million documents two common words match most of them. A
// long-lived searcher of one local index (batch mode) bounds each block of
// kBlockDocs docids twice: the largest BM25 part each query word has there
// (BlockBounds::TermMaxima, read from the word's postings the first time a
// query asks, kept until the index changes) and the most its priors can
// give there (BlockBounds::PriorMaxima, from PriorColumns). The strict
// tier of a query of plain words then runs as a posting source
// that skips every block whose bound cannot reach the page's threshold
// (the `min_wt` Xapian passes it) and weighs the other documents as
// Xapian's BM25Weight does, to the last bit: the same pages, far fewer
// documents weighed.

#ifndef NSEARCH_SEARCHER_BLOCK_MAX_H_
#define NSEARCH_SEARCHER_BLOCK_MAX_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "searcher/prior.h"
#include "searcher/query_parser.h"

namespace nsearch::searcher {

inline constexpr Xapian::docid kBlockDocs = 64;

// Xapian's BM25 IDF (BM25Weight::init without a relevance set): the log of
// (N - n + 0.5) / (n + 0.5), that ratio first lifted to ratio / 2 + 1 when
// it is below 2, so that a word in most documents still weighs a little.
double Bm25Idf(double documents, double termfreq);

// Xapian 1.4's BM25Weight (k2 0, k3 1, min_normlen 0.5) for a word of a
// query that is not scaled and not repeated, over the statistics of `db`:
// the same operations in the same order, so the same bits.
class Bm25Formula {
 public:
  Bm25Formula(const Xapian::Database& db, double k1, double b);
  // The weight of a word indexed by `termfreq` documents.
  double TermWeight(Xapian::doccount termfreq) const;
  // Its part in a document of `length` where it occurs `wdf` times.
  double Part(double term_weight, Xapian::termcount wdf,
              Xapian::termcount length) const;

 private:
  double k1_, b_, len_factor_;
  Xapian::doccount documents_;
};

// The bounds of one revision of one local database.
class BlockBounds {
 public:
  BlockBounds(const Xapian::Database& db, const PriorColumns& columns);

  using Maxima = std::shared_ptr<const std::vector<double>>;
  // The largest Part of `term` in each block (0 where it has none).
  // REQUIRES: the same `bm25` (that of this database) on every call.
  Maxima TermMaxima(const std::string& term, const Bm25Formula& bm25);
  // The most `weights` gives a document of each block (PriorBound).
  Maxima PriorMaxima(const PriorWeights& weights,
                     const PriorSlots& slots) const;

 private:
  const Xapian::Database& db_;
  size_t blocks_;
  std::vector<PriorColumns::Row> most_;  // Per block: each value's largest.
  std::map<std::string, Maxima> terms_;  // At most kKeptBytes of them.
};

// `text` (a strict tier) as a block-max posting source when its words are
// different (three or more only when no two are in as many documents:
// SumsInKnownOrder) and each is in some document; filtered by its filters
// if any. nullopt otherwise. `priors`: those of the prior query
// (PriorQuery, from the columns) that the source goes under with
// AND_MAYBE; null when it goes under none.
std::optional<Xapian::Query> BlockMaxQuery(const Xapian::Database& db,
                                           const Conjunction& text, double k1,
                                           double b, BlockBounds& bounds,
                                           const PriorWeights* priors,
                                           const PriorSlots& slots);

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_BLOCK_MAX_H_
