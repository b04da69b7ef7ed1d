#include "searcher/snippet.h"

#include <vector>

namespace nsearch::searcher {

namespace {

void AppendEscaped(std::string_view text, std::string* out) {
  for (char c : text) {
    switch (c) {
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      case '&':
        *out += "&amp;";
        break;
      case '\n':
      case '\r':
      case '\t':
        out->push_back(' ');
        break;
      default:
        out->push_back(c);
    }
  }
}

}  // namespace

bool MatchesQuery(const std::string& term, const ParsedQuery& query,
                  Analyzer* analyzer) {
  if (query.highlight_terms.count(term)) return true;
  // Stemming every word of every hit's text is the costly part: the English
  // Snowball stemmer only rewrites endings, so a word can stem to one of
  // the query's stems only if it starts with the same byte.
  bool may_stem_to_one = !analyzer->stems_keep_first_byte();
  for (const auto& stem : query.highlight_stems) {
    if (may_stem_to_one) break;
    if (!stem.empty() && !term.empty() && stem[0] == term[0]) {
      may_stem_to_one = true;
      break;
    }
  }
  if (may_stem_to_one && query.highlight_stems.count(analyzer->Stem(term)))
    return true;
  for (const auto& prefix : query.highlight_prefixes) {
    if (term.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

std::string MakeSnippet(std::string_view text, const ParsedQuery& query,
                        Analyzer* analyzer, size_t max_tokens) {
  struct Tok {
    size_t begin, end;
    bool hit;
  };
  std::vector<Tok> toks;
  analyzer->Tokenize(text, [&](const Token& t) {
    toks.push_back({t.begin, t.end, MatchesQuery(t.term, query, analyzer)});
  });
  if (toks.empty()) {
    std::string out;
    AppendEscaped(text.substr(0, 200), &out);
    return out;
  }
  // Slide a window of max_tokens tokens; keep the first with most hits.
  size_t best = 0, best_hits = 0, hits = 0;
  for (size_t i = 0; i < toks.size(); ++i) {
    hits += toks[i].hit;
    if (i >= max_tokens) hits -= toks[i - max_tokens].hit;
    if (hits > best_hits) {
      best_hits = hits;
      best = i >= max_tokens ? i - max_tokens + 1 : 0;
    }
  }
  // Start a little before the first hit when the window is not at the start.
  const size_t last = std::min(toks.size(), best + max_tokens) - 1;
  const size_t from = best == 0 ? 0 : toks[best].begin;
  const size_t to = last + 1 == toks.size() ? text.size() : toks[last].end;
  std::string out;
  if (from > 0) out += "…";
  size_t at = from;
  for (size_t i = best; i <= last; ++i) {
    if (!toks[i].hit) continue;
    AppendEscaped(text.substr(at, toks[i].begin - at), &out);
    out += kMarkOpen;
    AppendEscaped(text.substr(toks[i].begin, toks[i].end - toks[i].begin),
                  &out);
    out += kMarkClose;
    at = toks[i].end;
  }
  AppendEscaped(text.substr(at, to - at), &out);
  // Trim the whitespace the cut may leave.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (to < text.size()) out += "…";
  return out;
}

}  // namespace nsearch::searcher
