// Search as you type (README "nsearch suggest"): completions of the word
// being typed from the index's vocabulary, and titles that match.
//
// The word being typed is the last token of the text when nothing (no
// space, no punctuation) follows it; the words before it are its context.
// Completions are the indexed words that start with it: without context
// the most frequent (documents that use them) first; with context the
// kContextCandidates most frequent are ranked by how many documents of the
// context also have them (counted up to kContextCountCap). Everything is
// bounded: at most kMaxCompletionScan words with the prefix are read.
//
// Thread-safety: the functions only read the database.

#ifndef NSEARCH_SEARCHER_SUGGEST_H_
#define NSEARCH_SEARCHER_SUGGEST_H_

#include <string>
#include <vector>

#include <xapian.h>

#include "common/analyzer.h"
#include "common/status.h"

namespace nsearch::searcher {

inline constexpr size_t kMaxSuggestLimit = 50;  // Titles.
inline constexpr size_t kMaxSuggestCompletions = 50;
inline constexpr size_t kMaxCompletionScan = 20000;  // Words read a request.
inline constexpr size_t kContextCandidates = 16;
inline constexpr Xapian::doccount kContextCountCap = 100;
// Titles match the context and one of the first kTitleExpansion
// completions (a short prefix matches most of the index otherwise).
inline constexpr size_t kTitleExpansion = 4;
// Documents read per title asked for: copies of a story share a title.
inline constexpr size_t kTitleOversample = 3;

struct SuggestRequest {
  std::string text;
  size_t limit = 5;         // Titles, at most kMaxSuggestLimit.
  size_t completions = 10;  // At most kMaxSuggestCompletions.
};

// Checks the request's bounds: kInvalidArgument naming the problem.
Status ValidateSuggestRequest(const SuggestRequest& request);

struct Completion {
  std::string word;  // The indexed word.
  std::string text;  // The request's text with the word completed.
  // Documents with the word: all of them, or those of the context.
  Xapian::doccount documents = 0;
};

struct SuggestedTitle {
  std::string id;
  std::string title;
  std::string url;
  std::string published;  // ISO 8601, or "" when unknown.
};

struct Suggestions {
  std::string text;     // As given.
  std::string prefix;   // The word being typed ("" when the text is done).
  std::string context;  // The text before it.
  std::vector<Completion> completions;
  std::vector<SuggestedTitle> titles;
};

// The word being typed and its context (prefix "" when the text ends with
// a space or punctuation). The text is words only: operators, quotes and
// fields are read as the words they contain (a search box sends half-typed
// syntax), so a suggest request never fails to parse.
struct TypedText {
  std::string context;             // The text before the word, as typed.
  std::string prefix;              // Normalized.
  std::vector<std::string> words;  // The context's words, normalized.
};
TypedText SplitTypedWord(Analyzer& analyzer, const std::string& text);

// The `n` most frequent indexed words (unprefixed terms) starting with
// `prefix`, most frequent first, ties in alphabetical order; reads at most
// kMaxCompletionScan words. Throws Xapian errors.
std::vector<Completion> FrequentCompletions(const Xapian::Database& db,
                                            const std::string& prefix,
                                            size_t n);

// Reorders `candidates` by the documents of `context` that have each (up
// to kContextCountCap), dropping those none has; keeps at most `n`.
// Throws Xapian errors.
std::vector<Completion> RankInContext(const Xapian::Database& db,
                                      const Xapian::Query& context,
                                      std::vector<Completion> candidates,
                                      size_t n);

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_SUGGEST_H_
