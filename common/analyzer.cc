#include "common/analyzer.h"

#include <algorithm>
#include <unordered_set>
#include <vector>

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>
#include <xapian.h>

namespace nsearch {

namespace {

// The English stopword list of Lucene's EnglishAnalyzer and
// Elasticsearch's `_english_` (33 articles, conjunctions, prepositions and
// forms of "be"), which BM25 users know. Phrases keep stopwords ("The
// Verge"). Question words and pronouns are minor words instead (below).
const std::unordered_set<std::string_view>& EnglishStopwords() {
  static const std::unordered_set<std::string_view> kWords = {
      "a",    "an",   "and",  "are",  "as",   "at",    "be",   "but",   "by",
      "for",  "if",   "in",   "into", "is",   "it",    "no",   "not",   "of",
      "on",   "or",   "such", "that", "the",  "their", "then", "there", "these",
      "they", "this", "to",   "was",  "will", "with"};
  return kWords;
}

// English minor words: question words, pronouns, auxiliaries and a few
// adverbs and prepositions that phrase a question more than they say what
// it is about. News titles use them ("What's new in Power Apps", "How to
// ..."), so they are indexed and searched; long questions are full of
// them, so a query weighs them less (docs/RELEVANCE.md, "Stopwords").
const std::unordered_set<std::string_view>& EnglishMinorWords() {
  static const std::unordered_set<std::string_view> kWords = {
      "about", "been", "can",   "could", "did",   "do",  "does", "from",
      "had",   "has",  "have",  "he",    "her",   "his", "how",  "i",
      "its",   "it's", "may",   "more",  "most",  "my",  "our",  "she",
      "so",    "than", "them",  "those", "up",    "us",  "we",   "were",
      "what",  "when", "where", "which", "while", "who", "whom", "why",
      "would", "you",  "your"};
  return kWords;
}

bool IsApostrophe(UChar32 c) {
  return c == '\'' || c == 0x2018 || c == 0x2019 || c == 0x201B ||
         c == 0x02BC || c == 0xFF07;
}

// Letters, digits and combining marks.
bool IsWordChar(UChar32 c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
  }
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK)) != 0;
}

// Scripts written without spaces between words: segmented by dictionary.
bool IsDictionaryScript(UChar32 c) {
  if (c < 0x2E80) {
    return c >= 0x0E00 && c <= 0x1AFF && [c] {
      UErrorCode status = U_ZERO_ERROR;
      const UScriptCode script = uscript_getScript(c, &status);
      return script == USCRIPT_THAI || script == USCRIPT_LAO ||
             script == USCRIPT_KHMER || script == USCRIPT_MYANMAR;
    }();
  }
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  if (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA ||
      script == USCRIPT_KATAKANA || script == USCRIPT_THAI ||
      script == USCRIPT_LAO || script == USCRIPT_KHMER ||
      script == USCRIPT_MYANMAR)
    return true;
  // The prolonged sound mark and iteration marks belong to the run.
  return c == 0x30FC || c == 0x3005 || c == 0x309D || c == 0x309E ||
         c == 0x30FD || c == 0x30FE;
}

bool FoldsAccents(UChar32 base) {
  if (base < 0x80) return true;
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(base, &status);
  return script == USCRIPT_LATIN || script == USCRIPT_GREEK ||
         script == USCRIPT_CYRILLIC || script == USCRIPT_COMMON;
}

UChar32 DecodeAt(std::string_view text, size_t* i) {
  UChar32 c;
  int32_t pos = static_cast<int32_t>(*i);
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), pos,
          static_cast<int32_t>(text.size()), c);
  *i = static_cast<size_t>(pos);
  return c;  // Negative for an ill-formed sequence.
}

UChar32 PeekAt(std::string_view text, size_t i) {
  if (i >= text.size()) return -1;
  return DecodeAt(text, &i);
}

}  // namespace

class Analyzer::Impl {
 public:
  Impl() = default;

  Status Init(const AnalyzerOptions& options) {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
    nfd_ = icu::Normalizer2::getNFDInstance(status);
    nfc_ = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status))
      return Internal(std::string("ICU normalizer: ") + u_errorName(status));
    if (options.stemmer != "none") {
      try {
        stemmer_ = Xapian::Stem(options.stemmer);
      } catch (const Xapian::Error& e) {
        return InvalidArgument("unknown stemmer language '" + options.stemmer +
                               "': " + e.get_msg());
      }
      stemming_ = true;
      stems_keep_first_byte_ = options.stemmer == "english" ||
                               options.stemmer == "en" ||
                               options.stemmer == "porter";
    }
    if (options.stopwords == "english") {
      stopwords_ = &EnglishStopwords();
      minor_words_ = &EnglishMinorWords();
    } else if (options.stopwords != "none") {
      return InvalidArgument("unknown stopword list '" + options.stopwords +
                             "' (expected english or none)");
    }
    return Status::Ok();
  }

  void Tokenize(std::string_view text,
                const std::function<void(const Token&)>& sink) {
    unsigned index = 0;
    auto emit = [&](size_t begin, size_t end) {
      Token token;
      token.term = Normalize(text.substr(begin, end - begin));
      if (token.term.empty() || token.term.size() > kMaxTermBytes) return;
      token.begin = begin;
      token.end = end;
      token.index = index++;
      sink(token);
    };

    size_t i = 0;
    bool prev_word = false;  // Was the previous code point a word char?
    while (i < text.size()) {
      const size_t start = i;
      const UChar32 c = DecodeAt(text, &i);
      if (c < 0) {
        prev_word = false;
        continue;
      }
      if (IsDictionaryScript(c)) {
        size_t end = i;
        while (end < text.size()) {
          size_t next = end;
          const UChar32 d = DecodeAt(text, &next);
          if (d < 0 ||
              !(IsDictionaryScript(d) || (U_GET_GC_MASK(d) & U_GC_M_MASK)))
            break;
          end = next;
        }
        SegmentByDictionary(text, start, end, emit);
        i = end;
        prev_word = true;
        continue;
      }
      const bool leading_dot =
          c == '.' && !prev_word && IsWordChar(PeekAt(text, i)) &&
          !IsDictionaryScript(PeekAt(text, i)) && IsLetter(PeekAt(text, i));
      if (!IsWordChar(c) && !leading_dot) {
        prev_word = false;
        continue;
      }
      // Extend over word characters and inner joiners.
      size_t end = i;
      while (end < text.size()) {
        size_t next = end;
        const UChar32 d = DecodeAt(text, &next);
        if (d >= 0 && IsWordChar(d) && !IsDictionaryScript(d)) {
          end = next;
          continue;
        }
        if (d == '.' || d == '_' || IsApostrophe(d)) {
          const UChar32 after = PeekAt(text, next);
          if (after >= 0 && IsWordChar(after) && !IsDictionaryScript(after)) {
            end = next;
            continue;
          }
        }
        break;
      }
      // Suffixes that make a different name: C++, C#, F#.
      size_t suffix_end = end;
      if (end < text.size() && (text[end] == '+' || text[end] == '#')) {
        size_t k = end;
        const char s = text[end];
        while (k < text.size() && text[k] == s && k - end < 2) ++k;
        if (s == '#' && k - end > 1) k = end;  // "C##" is not a name.
        const UChar32 after = PeekAt(text, k);
        if (k > end && (after < 0 || !IsWordChar(after))) suffix_end = k;
      }
      emit(start, suffix_end);
      i = suffix_end;
      prev_word = suffix_end == end;
    }
  }

  // Case, width and compatibility folding, accents off, apostrophes to '.
  std::string Normalize(std::string_view token) {
    bool ascii = true;
    for (char ch : token) {
      if (static_cast<unsigned char>(ch) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      std::string out(token);
      for (char& ch : out) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      }
      return out;
    }
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(
        icu::StringPiece(token.data(), static_cast<int32_t>(token.size())));
    for (int32_t k = 0; k < u.length(); ++k) {
      if (IsApostrophe(u.charAt(k))) u.setCharAt(k, u'\'');
    }
    icu::UnicodeString folded = nfkc_cf_->normalize(u, status);
    icu::UnicodeString decomposed = nfd_->normalize(folded, status);
    if (U_FAILURE(status)) return {};
    icu::UnicodeString stripped;
    UChar32 base = 0;
    for (int32_t k = 0; k < decomposed.length();) {
      const UChar32 ch = decomposed.char32At(k);
      k += U16_LENGTH(ch);
      const bool mark = (U_GET_GC_MASK(ch) & U_GC_MN_MASK) != 0;
      if (!mark) base = ch;
      if (mark && FoldsAccents(base)) continue;
      stripped.append(ch);
    }
    icu::UnicodeString composed = nfc_->normalize(stripped, status);
    if (U_FAILURE(status)) return {};
    std::string out;
    composed.toUTF8String(out);
    return out;
  }

  std::string Stem(const std::string& term) {
    if (!stemming_) return term;
    return stemmer_(term);
  }

  bool IsStopword(std::string_view term) const {
    return stopwords_ != nullptr && stopwords_->count(term) > 0;
  }
  bool IsMinorWord(std::string_view term) const {
    return minor_words_ != nullptr && minor_words_->count(term) > 0;
  }

  bool stemming() const { return stemming_; }
  bool stems_keep_first_byte() const { return stems_keep_first_byte_; }

 private:
  static bool IsLetter(UChar32 c) {
    return c >= 0 && (U_GET_GC_MASK(c) & U_GC_L_MASK) != 0;
  }

  template <typename Emit>
  void SegmentByDictionary(std::string_view text, size_t begin, size_t end,
                           Emit& emit) {
    UErrorCode status = U_ZERO_ERROR;
    if (!word_breaker_) {
      word_breaker_.reset(icu::BreakIterator::createWordInstance(
          icu::Locale::getRoot(), status));
      if (U_FAILURE(status)) word_breaker_.reset();
    }
    std::string_view run = text.substr(begin, end - begin);
    if (!word_breaker_) {
      emit(begin, end);
      return;
    }
    const icu::UnicodeString u = icu::UnicodeString::fromUTF8(
        icu::StringPiece(run.data(), static_cast<int32_t>(run.size())));
    // UTF-16 index -> byte offset within the run.
    std::vector<size_t> byte_at(static_cast<size_t>(u.length()) + 1,
                                run.size());
    {
      size_t byte = 0;
      int32_t k = 0;
      while (k < u.length()) {
        byte_at[static_cast<size_t>(k)] = byte;
        const UChar32 ch = u.char32At(k);
        k += U16_LENGTH(ch);
        byte += static_cast<size_t>(U8_LENGTH(ch));
      }
    }
    word_breaker_->setText(u);
    int32_t from = word_breaker_->first();
    for (int32_t to = word_breaker_->next(); to != icu::BreakIterator::DONE;
         from = to, to = word_breaker_->next()) {
      if (word_breaker_->getRuleStatus() == UBRK_WORD_NONE) continue;
      emit(begin + byte_at[static_cast<size_t>(from)],
           begin + byte_at[static_cast<size_t>(to)]);
    }
  }

  const icu::Normalizer2* nfkc_cf_ = nullptr;
  const icu::Normalizer2* nfd_ = nullptr;
  const icu::Normalizer2* nfc_ = nullptr;
  std::unique_ptr<icu::BreakIterator> word_breaker_;
  Xapian::Stem stemmer_;
  bool stemming_ = false;
  bool stems_keep_first_byte_ = false;
  const std::unordered_set<std::string_view>* stopwords_ = nullptr;
  const std::unordered_set<std::string_view>* minor_words_ = nullptr;
};

Result<std::unique_ptr<Analyzer>> Analyzer::Create(
    const AnalyzerOptions& options) {
  auto impl = std::make_unique<Impl>();
  NSEARCH_RETURN_IF_ERROR(impl->Init(options));
  return std::unique_ptr<Analyzer>(new Analyzer(std::move(impl)));
}

Analyzer::Analyzer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Analyzer::~Analyzer() = default;

void Analyzer::Tokenize(std::string_view text,
                        const std::function<void(const Token&)>& sink) {
  impl_->Tokenize(text, sink);
}

std::string Analyzer::Stem(const std::string& term) {
  return impl_->Stem(term);
}

bool Analyzer::IsStopword(std::string_view term) const {
  return impl_->IsStopword(term);
}

bool Analyzer::IsMinorWord(std::string_view term) const {
  return impl_->IsMinorWord(term);
}

bool Analyzer::stemming() const { return impl_->stemming(); }

bool Analyzer::stems_keep_first_byte() const {
  return impl_->stems_keep_first_byte();
}

std::string Analyzer::NormalizeValue(std::string_view text) {
  std::string out;
  bool space = false;
  // Normalize word by word so whitespace variants collapse to one space.
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' &&
           text[i] != '\n' && text[i] != '\r')
      ++i;
    if (i > start) {
      if (space && !out.empty()) out.push_back(' ');
      out += impl_->Normalize(text.substr(start, i - start));
    }
    space = true;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' ||
                               text[i] == '\n' || text[i] == '\r'))
      ++i;
  }
  return out;
}

}  // namespace nsearch
