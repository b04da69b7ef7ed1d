// Snippets: the best window of a document's text, with the words the query
// matched wrapped in <mark>...</mark>. The rest of the text is HTML-escaped,
// so a web caller can insert it as is and any caller can strip the tags.

#ifndef NSEARCH_SEARCHER_SNIPPET_H_
#define NSEARCH_SEARCHER_SNIPPET_H_

#include <string>
#include <string_view>

#include "common/analyzer.h"
#include "searcher/query_parser.h"

namespace nsearch::searcher {

inline constexpr const char* kMarkOpen = "<mark>";
inline constexpr const char* kMarkClose = "</mark>";

// Picks the window of about `max_tokens` words with the most query matches
// from `text` (the start of the text when none match) and marks matches.
// "…" marks a cut at either end.
std::string MakeSnippet(std::string_view text, const ParsedQuery& query,
                        Analyzer* analyzer, size_t max_tokens = 30);

// True when `term` (normalized) is a word the query looks for.
bool MatchesQuery(const std::string& term, const ParsedQuery& query,
                  Analyzer* analyzer);

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_SNIPPET_H_
