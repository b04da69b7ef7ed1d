#include "searcher/spelling.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "common/index_meta.h"

namespace nsearch::searcher {

namespace {

// Words of the positive query, as the analyzer spelled them.
void CollectWords(const QueryNode& node, std::set<std::string>* out) {
  if (node.kind == QueryNode::Kind::kWord && node.field.empty()) {
    out->insert(node.terms[0]);
  } else if (node.kind == QueryNode::Kind::kPhrase && node.field.empty()) {
    out->insert(node.terms.begin(), node.terms.end());
  }
  for (size_t i = 0; i < node.children.size(); ++i) {
    if (node.kind == QueryNode::Kind::kAndNot && i == 1) break;
    CollectWords(node.children[i], out);
  }
}

bool IsLetters(const std::string& word) {
  return std::all_of(word.begin(), word.end(),
                     [](char c) { return c >= 'a' && c <= 'z'; });
}

// Calls `fn` with every string one edit away from `word` (a-z only).
template <typename Fn>
void ForEachEdit(const std::string& word, Fn&& fn) {
  const size_t n = word.size();
  std::string s;
  for (size_t i = 0; i < n; ++i) {  // Deletions.
    s = word;
    s.erase(i, 1);
    fn(s);
  }
  for (size_t i = 0; i + 1 < n; ++i) {  // Transpositions.
    if (word[i] == word[i + 1]) continue;
    s = word;
    std::swap(s[i], s[i + 1]);
    fn(s);
  }
  for (size_t i = 0; i < n; ++i) {  // Substitutions.
    for (char c = 'a'; c <= 'z'; ++c) {
      if (c == word[i]) continue;
      s = word;
      s[i] = c;
      fn(s);
    }
  }
  for (size_t i = 0; i <= n; ++i) {  // Insertions.
    for (char c = 'a'; c <= 'z'; ++c) {
      s = word;
      s.insert(i, 1, c);
      fn(s);
    }
  }
}

// The most frequent indexed word (a-z only) two edits from `word`, or "":
// a scan of the words of about its length, at most kMaxTwoEditScan.
std::string TwoEditsAway(const Xapian::Database& db, const std::string& word) {
  std::string best;
  Xapian::doccount best_freq = 0;
  size_t scanned = 0;
  for (char first = 'a'; first <= 'z'; ++first) {
    const std::string start(1, first);
    for (auto t = db.allterms_begin(start); t != db.allterms_end(start); ++t) {
      if (++scanned > kMaxTwoEditScan) return best;
      const std::string& term = *t;
      const size_t n = term.size();
      // Two edits that change the length by two read as another word
      // (dotnet -> done): only one length change is allowed.
      if (n + 1 < word.size() || n > word.size() + 1) continue;
      const Xapian::doccount freq = t.get_termfreq();
      if (freq <= best_freq || !IsLetters(term)) continue;
      if (EditDistance(word, term, 2) <= 2) {
        best = term;
        best_freq = freq;
      }
    }
  }
  return best;
}

}  // namespace

unsigned EditDistance(const std::string& a, const std::string& b,
                      unsigned limit) {
  const size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  std::vector<std::vector<unsigned>> d(n + 1, std::vector<unsigned>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<unsigned>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<unsigned>(j);
  for (size_t i = 1; i <= n; ++i) {
    unsigned row_min = limit + 1;
    for (size_t j = 1; j <= m; ++j) {
      const unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      row_min = std::min(row_min, d[i][j]);
    }
    if (row_min > limit) return limit + 1;
  }
  return std::min(d[n][m], limit + 1);
}

bool IsKnownWord(const Xapian::Database& db, Analyzer& analyzer,
                 const std::string& word) {
  if (db.term_exists(word)) return true;
  const std::optional<std::string> stem = IndexedStem(analyzer, word);
  return stem && !stem->empty() && db.term_exists(kStemPrefix + *stem);
}

std::optional<std::string> CorrectWord(const Xapian::Database& db,
                                       Analyzer& analyzer,
                                       const std::string& word) {
  if (word.size() < kMinCorrectableLength || !IsLetters(word) ||
      IsKnownWord(db, analyzer, word))
    return std::nullopt;
  std::string best;
  Xapian::doccount best_freq = 0;
  ForEachEdit(word, [&](const std::string& candidate) {
    if (candidate.size() < kMinCorrectableLength - 1) return;
    const Xapian::doccount freq = db.get_termfreq(candidate);
    // Ties keep the first found: deletions and swaps before replacements.
    if (freq > best_freq) {
      best = candidate;
      best_freq = freq;
    }
  });
  if (best.empty() && word.size() >= kMinTwoEditLength)
    best = TwoEditsAway(db, word);
  if (best.empty()) return std::nullopt;
  return best;
}

std::optional<std::string> CorrectQuery(const Xapian::Database& db,
                                        Analyzer& analyzer,
                                        const std::string& query_text,
                                        const ParsedQuery& parsed) {
  std::set<std::string> words;
  CollectWords(parsed.root, &words);
  std::map<std::string, std::string> fixes;
  for (const std::string& word : words) {
    if (auto fixed = CorrectWord(db, analyzer, word)) fixes[word] = *fixed;
  }
  if (fixes.empty()) return std::nullopt;

  // Replace the words where they stand in the query text.
  std::vector<std::pair<size_t, size_t>> spans;
  std::vector<std::string> replacements;
  analyzer.Tokenize(query_text, [&](const Token& t) {
    auto it = fixes.find(t.term);
    if (it == fixes.end()) return;
    spans.emplace_back(t.begin, t.end);
    replacements.push_back(it->second);
  });
  if (spans.empty()) return std::nullopt;
  std::string out = query_text;
  for (size_t i = spans.size(); i-- > 0;)
    out.replace(spans[i].first, spans[i].second - spans[i].first,
                replacements[i]);
  return out;
}

}  // namespace nsearch::searcher
