// The one text analyzer of nsearch: every term in the index and every term a
// query looks for comes from here (SPEC §2).
//
// Pipeline, per token:
//   1. Segmentation of the original text (byte offsets are kept for
//      snippets): runs of letters, digits and marks; `'` (and curly
//      apostrophes), `.` and `_` join two word characters (what's, node.js,
//      x86_64, 3.14); a leading `.` before a letter starts a token (.net);
//      `+`/`++`/`#` right after a token and before a non-word character are
//      kept (c++, c#). Hyphens, `@`, `/` and other punctuation split, so
//      "GPT-4" is the two terms "gpt" "4" and is searched as a phrase. Runs of
//      Han, Hiragana, Katakana, Thai, Lao, Khmer and Myanmar text are split
//      into words by ICU's dictionary-based word BreakIterator.
//   2. Normalization: NFKC with case folding (ICU nfkc_cf), then accents
//      removed from Latin, Greek and Cyrillic letters (café = cafe), and
//      curly apostrophes become ' (What’s = what's).
//   3. Stemming (Snowball, language from the schema) produces the separate
//      stemmed form; stopwords are flagged, never dropped, so the caller
//      decides (phrases keep them, free-text queries drop them).
//
// HTML entities are decoded earlier, by the front-matter reader
// (DecodeHtmlEntities), for display and indexing alike.
//
// Thread-safety: an Analyzer is NOT thread-safe (it owns a Snowball stemmer
// and an ICU BreakIterator). Create one per thread; creation is cheap.

#ifndef NSEARCH_COMMON_ANALYZER_H_
#define NSEARCH_COMMON_ANALYZER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace nsearch {

struct AnalyzerOptions {
  std::string stemmer = "english";    // Snowball language or "none".
  std::string stopwords = "english";  // Built-in list name or "none".
};

struct Token {
  std::string term;  // Normalized, unstemmed ("c++", "what's", "cafe").
  size_t begin = 0;  // Byte range of the token in the analyzed text.
  size_t end = 0;
  unsigned index = 0;  // 0, 1, 2, ... within one Tokenize call.
};

class Analyzer {
 public:
  // Bumped whenever a change would give different terms for the same text;
  // an index built by another version must be rebuilt. 2: the English
  // stopword list became Lucene's 33 words.
  static constexpr int kVersion = 2;
  // Longest term kept, in bytes (Xapian's limit is 245 with the prefix).
  static constexpr size_t kMaxTermBytes = 64;

  // Returns kInvalidArgument for an unknown stemmer or stopword list.
  static Result<std::unique_ptr<Analyzer>> Create(
      const AnalyzerOptions& options);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Calls `sink` for each token of `text`, in order.
  void Tokenize(std::string_view text,
                const std::function<void(const Token&)>& sink);

  // The stemmed form of a normalized term (the term itself without stemmer).
  std::string Stem(const std::string& term);
  bool IsStopword(std::string_view term) const;
  // A word of the stopword list's language that is indexed and searched
  // but says little about what a question is about ("how", "what", "i"):
  // the query parser weighs it less. None without a stopword list.
  bool IsMinorWord(std::string_view term) const;
  bool stemming() const;
  // True when the stemmer only rewrites word endings (English), so a word
  // and its stem start with the same byte: callers may skip stemming words
  // that cannot stem to what they look for.
  bool stems_keep_first_byte() const;

  // Normalizes a whole value (case, accents, quotes, whitespace collapsed)
  // without splitting it: used for exact filter terms such as topics.
  std::string NormalizeValue(std::string_view text);

 private:
  class Impl;
  explicit Analyzer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nsearch

#endif  // NSEARCH_COMMON_ANALYZER_H_
