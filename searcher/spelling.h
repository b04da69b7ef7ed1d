// Spelling correction from the index's own words (README "Typos").
//
// Nothing is added to the index for this. A query word is a candidate for
// correction only when the index knows neither it nor its stem, it is at
// least kMinCorrectableLength letters long and it is made of the letters
// a-z alone (so `gpt-4`, `k8s`, `c++` and `node.js` are never touched).
// Its corrections are the indexed words one edit away (a letter deleted,
// inserted, replaced, or two neighbours swapped, at any position,
// including the first), generated and looked up in the term table
// (Norvig's scheme, about 54n + 25 look-ups for an n-letter word), the
// most frequent first; for a longer word with none, the words two edits
// away of about its length (a scan of the vocabulary). docs/RELEVANCE.md
// "Typos" compares this with Xapian's spelling table.
//
// Thread-safety: the functions only read the database.

#ifndef NSEARCH_SEARCHER_SPELLING_H_
#define NSEARCH_SEARCHER_SPELLING_H_

#include <optional>
#include <string>

#include <xapian.h>

#include "common/analyzer.h"
#include "searcher/query_parser.h"

namespace nsearch::searcher {

// Shorter words are left alone: two-letter words have too many neighbours.
inline constexpr size_t kMinCorrectableLength = 3;
// A word with no indexed word one edit away, and at least this long, is
// corrected to the most frequent indexed word two edits away whose length
// differs by at most one, found by a scan of the vocabulary that reads at
// most kMaxTwoEditScan words.
inline constexpr size_t kMinTwoEditLength = 7;
inline constexpr size_t kMaxTwoEditScan = 1000000;

// Edit distance (insertions, deletions, substitutions, transpositions of
// adjacent characters) on bytes, or limit + 1 when it exceeds `limit`.
unsigned EditDistance(const std::string& a, const std::string& b,
                      unsigned limit);

// True when the index has `word` (a normalized term) or its stem.
bool IsKnownWord(const Xapian::Database& db, Analyzer& analyzer,
                 const std::string& word);

// The most frequent indexed word one edit away from `word`, or nullopt
// when `word` is known, not correctable, or has no such neighbour.
std::optional<std::string> CorrectWord(const Xapian::Database& db,
                                       Analyzer& analyzer,
                                       const std::string& word);

// The query text with each unknown word of the positive query (free text,
// not in a field) replaced by its correction where it stands, or nullopt
// when no word changes.
std::optional<std::string> CorrectQuery(const Xapian::Database& db,
                                        Analyzer& analyzer,
                                        const std::string& query_text,
                                        const ParsedQuery& parsed);

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_SPELLING_H_
