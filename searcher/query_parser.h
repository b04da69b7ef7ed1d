// The nsearch query language (SPEC §4, README "Query language"), parsed with
// the same Analyzer that built the index, so a query term is always spelled
// the way the indexer spelled it.
//
//   words           all of them first, then most of them (MatchMode)
//   AND OR NOT      upper-case operators; NOT and a leading - exclude;
//   + -             + requires a word in --any mode
//   ( )             grouping
//   "a phrase"      exact words in order (stopwords kept, no stemming)
//   a NEAR b        within 10 words (NEAR/n for n words), any order
//   pyto*           trailing wildcard
//   =word           exact form, no stemming
//   field:value     title: excerpt: body: topic: provider: type: category:
//                   site: url:, with a quoted value for an exact topic or
//                   provider ("topic:\"Machine Learning\"")
//   date:A..B       ranges on slot fields (date, quality, heat); either end
//                   may be left open; dates are YYYY, YYYY-MM or YYYY-MM-DD
//
// Thread-safety: a QueryParser borrows an Analyzer and is not thread-safe.

#ifndef NSEARCH_SEARCHER_QUERY_PARSER_H_
#define NSEARCH_SEARCHER_QUERY_PARSER_H_

#include <ctime>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <xapian.h>

#include "common/analyzer.h"
#include "common/schema.h"
#include "common/status.h"

namespace nsearch::searcher {

struct QueryLimits {
  size_t max_length = 4096;          // Bytes of query text.
  unsigned max_depth = 32;           // Nested parentheses.
  unsigned max_wildcard = 1000;      // Terms one wildcard may expand to.
  size_t max_total_wildcard = 5000;  // Terms all wildcards expand to.
  size_t max_clauses = 1024;         // Words, phrases and filters in total.
  // Terms the prefix word of --prefix expands to: the most frequent ones
  // (a short prefix matches thousands; it is not an error).
  unsigned max_prefix_expansion = 100;
};

// What plain words (no operator between them) ask for.
enum class MatchMode {
  kRelaxed,  // All of them first, then documents with most of them.
  kAll,      // Every word required (--all).
  kAny,      // Any word, ranked (--any).
};

struct QueryOptions {
  MatchMode match = MatchMode::kRelaxed;
  QueryLimits limits;
  // Search as you type: the last word, when the text does not end with a
  // space, matches as a prefix (kWildcard with `prefix` set).
  bool prefix_last = false;
};

// Which tier of a relaxable query to compile (see QueryNode::kWords).
enum class Tier { kStrict, kRelaxed };

// One node of the parsed query.
struct QueryNode {
  enum class Kind {
    kWord,      // terms[0]; stemmed unless exact.
    kPhrase,    // terms, in order.
    kNear,      // children (kWord), within `distance` words.
    kWildcard,  // terms[0] is the normalized prefix.
    kFilter,    // An exact boolean term (term), no weight.
    kRange,     // slot, low/high (serialised), either may be empty.
    kAnd,
    kOr,
    kAndNot,    // children[0] minus children[1].
    kAndMaybe,  // children[0], ranked up by children[1].
    kWords,     // Plain words: all of them (strict tier), any of them
                // ranked (relaxed tier). MatchMode::kRelaxed only.
    kAll,       // Matches every document.
  };
  Kind kind = Kind::kAll;
  std::string field;  // Query field name; empty = the default text fields.
  std::vector<std::string> terms;
  bool exact = false;
  // kWildcard of --prefix: expands to the limits' max_prefix_expansion most
  // frequent terms instead of failing past max_wildcard.
  bool prefix = false;
  std::string term;   // kFilter
  unsigned slot = 0;  // kRange
  std::string low, high;
  std::string low_text, high_text;  // As resolved, for display.
  unsigned distance = 10;
  // What the node's BM25 weight, and its leaves' share of the priors'
  // scale, is multiplied by (the minor words' OR). Any kind.
  double weight = 1.0;
  std::vector<QueryNode> children;
};

// The name of a node's kind as `--parse-only` shows it ("word", "and", ...).
const char* KindName(QueryNode::Kind kind);

struct ParsedQuery {
  QueryNode root;
  std::vector<std::string> dropped_stopwords;
  // For highlighting: unstemmed terms, their stems, and wildcard prefixes
  // from the positive part of the query.
  std::set<std::string> highlight_terms;
  std::set<std::string> highlight_stems;
  std::vector<std::string> highlight_prefixes;
};

// A leaf of a query that BM25 scores (README "Ranking", the scale): a term
// of the free-text space, or a wildcard's pattern there.
struct ScoredLeaf {
  std::string term;
  // For a wildcard: the most terms it expands to (those it is weighed by);
  // 0 for a term.
  size_t expansion = 0;
  // The product of its nodes' weights (QueryNode::weight).
  double weight = 1.0;
};

// A strict tier that is one AND of plain words and of parts that select
// without weighing: what block-max matching runs (block_max.h).
struct Conjunction {
  // The words' terms in the free-text space, in query order (a repeated
  // word twice).
  std::vector<std::string> terms;
  // Filters, ranges, and the words of fields that only mark: they add
  // nothing to a document's weight.
  std::vector<Xapian::Query> filters;
};

class QueryParser {
 public:
  // REQUIRES: `schema` and `analyzer` outlive the parser.
  QueryParser(const Schema& schema, Analyzer* analyzer);

  // Parses `text`. Returns kInvalidArgument with a message naming the
  // problem (and its position) for a syntax error, kLimitExceeded when a
  // limit in options.limits is exceeded.
  Result<ParsedQuery> Parse(const std::string& text,
                            const QueryOptions& options);

  // The clock relative dates ("date:7d..") are resolved against, in
  // seconds since the epoch (the time of the call, unless set).
  void SetNow(int64_t now) { now_ = now; }

  // Builds a range node for a slot field from "A..B", "A..", "..B" or "A".
  Result<QueryNode> RangeNode(const FieldSpec& field,
                              const std::string& value) const;
  // The same from its two ends, each a date or number as the query
  // language writes them (empty: open); messages call the range `named`.
  Result<QueryNode> RangeNode(const FieldSpec& field, const std::string& low,
                              const std::string& high,
                              const std::string& named) const;
  // Values of a number field at least `low`: a typed bound, no text to
  // read. kInvalidArgument when it is not finite.
  Result<QueryNode> AtLeastNode(const FieldSpec& field, double low) const;
  // Builds an exact filter node for a filter field (topic, provider, ...).
  Result<QueryNode> FilterNode(const FieldSpec& field,
                               const std::string& value);

  // Compiles a parsed query to Xapian: unfielded words search the one
  // free-text space; a field's words are filtered by its own terms.
  Xapian::Query ToXapian(const QueryNode& node, const QueryLimits& limits,
                         Tier tier = Tier::kStrict) const;

  // The leaves of `node` that BM25 scores, one per scored Xapian leaf:
  // words, phrases' and NEARs' words, wildcards; not filters, ranges, a
  // field's marks, or what AND NOT excludes. A word in a branch that can
  // match nothing (beside a field's stopword, which has no mark) is still
  // listed.
  std::vector<ScoredLeaf> ScoredLeaves(const QueryNode& node,
                                       const QueryLimits& limits) const;

  // The strict tier of `node` (ToXapian, Tier::kStrict) as a Conjunction
  // when it is one: ANDs of words at weight 1 without a text field, and of
  // parts that weigh nothing. nullopt for anything else (a phrase, a
  // wildcard, OR, NOT, a minor word, a word of a searched field).
  std::optional<Conjunction> StrictConjunction(const QueryNode& node,
                                               const QueryLimits& limits) const;
  // True when `node` holds a kWords node, so its relaxed tier differs.
  static bool Relaxable(const QueryNode& node);
  // The kWords children of `node` (the words that become optional in the
  // relaxed tier), each with the Xapian terms a document must have to
  // match it.
  std::vector<std::pair<std::string, std::vector<std::string>>> OptionalWords(
      const QueryNode& node, const QueryLimits& limits) const;

 private:
  // The text field `node` names; null for none (the free-text space).
  const FieldSpec* TextField(const QueryNode& node) const;
  // Adds `node` to `out` (StrictConjunction); false when it does not fit.
  bool AddToConjunction(const QueryNode& node, const QueryLimits& limits,
                        Conjunction* out) const;
  // A word, phrase, NEAR or wildcard over the terms under `prefix`.
  Xapian::Query TextLeaf(const QueryNode& node, const std::string& prefix,
                         const QueryLimits& limits) const;
  // The marks of a field without positions of its own that select `node`;
  // empty when it has none (only stopwords).
  Xapian::Query StemMarks(const QueryNode& node, const FieldSpec& field,
                          const QueryLimits& limits) const;
  // The same, in its field or the free-text space.
  Xapian::Query TextQuery(const QueryNode& node,
                          const QueryLimits& limits) const;
  // The leaves of a word, phrase, NEAR or wildcard that TextQuery scores.
  std::vector<ScoredLeaf> TextLeaves(const QueryNode& node,
                                     const QueryLimits& limits) const;

  const Schema& schema_;
  Analyzer* analyzer_;
  int64_t now_ = static_cast<int64_t>(std::time(nullptr));
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_QUERY_PARSER_H_
