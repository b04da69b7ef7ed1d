// "Did you mean": corrections from the index's own words, for queries that
// find little. Nothing is added to the index for this: candidates are the
// title and excerpt terms that share the first letter of the unknown word,
// ranked by edit distance, then by how many documents use them.

#ifndef NSEARCH_SEARCHER_SPELLING_H_
#define NSEARCH_SEARCHER_SPELLING_H_

#include <optional>
#include <string>

#include <xapian.h>

#include "common/analyzer.h"
#include "common/schema.h"
#include "searcher/query_parser.h"

namespace nsearch::searcher {

// Edit distance (insertions, deletions, substitutions, transpositions of
// adjacent characters) on bytes, or limit + 1 when it exceeds `limit`.
unsigned EditDistance(const std::string& a, const std::string& b,
                      unsigned limit);

// The query text with each word that no searched field contains replaced by
// the closest indexed word, or nullopt when there is nothing to correct.
std::optional<std::string> SuggestSpelling(const Xapian::Database& db,
                                           const Schema& schema,
                                           Analyzer* analyzer,
                                           const std::string& query_text,
                                           const ParsedQuery& parsed);

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_SPELLING_H_
