#include "searcher/spelling.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

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

std::optional<std::string> SuggestSpelling(const Xapian::Database& db,
                                           const Schema& schema,
                                           Analyzer* analyzer,
                                           const std::string& query_text,
                                           const ParsedQuery& parsed) {
  std::set<std::string> words;
  CollectWords(parsed.root, &words);
  // Every searched field's words are in the free-text space, unprefixed.
  const bool searched =
      std::any_of(schema.fields().begin(), schema.fields().end(),
                  [](const FieldSpec& f) { return f.text && f.search; });
  if (words.empty() || !searched) return std::nullopt;

  std::map<std::string, std::string> fixes;
  for (const std::string& word : words) {
    if (word.size() < 3 || db.term_exists(word)) continue;
    // Latin-script words only: edit distance on bytes means little for CJK.
    if (static_cast<unsigned char>(word[0]) >= 0x80) continue;
    const unsigned limit = word.size() <= 5 ? 1 : 2;
    std::string best;
    unsigned best_distance = limit + 1;
    Xapian::doccount best_freq = 0;
    const std::string start = word.substr(0, 1);
    for (auto t = db.allterms_begin(start); t != db.allterms_end(start); ++t) {
      const unsigned d = EditDistance(word, *t, limit);
      if (d > limit) continue;
      const Xapian::doccount freq = t.get_termfreq();
      if (d < best_distance || (d == best_distance && freq > best_freq)) {
        best = *t;
        best_distance = d;
        best_freq = freq;
      }
    }
    if (!best.empty()) fixes[word] = best;
  }
  if (fixes.empty()) return std::nullopt;

  // Replace the words where they stand in the query text.
  std::vector<std::pair<size_t, size_t>> spans;
  std::vector<std::string> replacements;
  analyzer->Tokenize(query_text, [&](const Token& t) {
    auto it = fixes.find(t.term);
    if (it == fixes.end()) return;
    spans.emplace_back(t.begin, t.end);
    replacements.push_back(it->second);
  });
  std::string out = query_text;
  for (size_t i = spans.size(); i-- > 0;)
    out.replace(spans[i].first, spans[i].second - spans[i].first,
                replacements[i]);
  return out;
}

}  // namespace nsearch::searcher
