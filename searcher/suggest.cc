#include "searcher/suggest.h"

#include <algorithm>

namespace nsearch::searcher {

Status ValidateSuggestRequest(const SuggestRequest& request) {
  if (request.text.find_first_not_of(" \t\r\n") == std::string::npos)
    return InvalidArgument("suggest: empty text");
  NSEARCH_RETURN_IF_ERROR(
      CheckAtMost("suggest: --limit", request.limit, kMaxSuggestLimit));
  return CheckAtMost("suggest: --completions", request.completions,
                     kMaxSuggestCompletions);
}

TypedText SplitTypedWord(Analyzer& analyzer, const std::string& text) {
  std::vector<Token> tokens;
  analyzer.Tokenize(text, [&](const Token& t) { tokens.push_back(t); });
  TypedText out;
  out.context = text;
  if (!tokens.empty() && tokens.back().end == text.size()) {
    out.context = text.substr(0, tokens.back().begin);
    out.prefix = tokens.back().term;
    tokens.pop_back();
  }
  for (const Token& t : tokens) out.words.push_back(t.term);
  return out;
}

namespace {

bool MoreFrequent(const Completion& a, const Completion& b) {
  if (a.documents != b.documents) return a.documents > b.documents;
  return a.word < b.word;
}

}  // namespace

std::vector<Completion> FrequentCompletions(const Xapian::Database& db,
                                            const std::string& prefix,
                                            size_t n) {
  std::vector<Completion> top;  // A min-heap on MoreFrequent.
  if (prefix.empty() || n == 0) return top;
  size_t scanned = 0;
  for (auto t = db.allterms_begin(prefix);
       t != db.allterms_end(prefix) && scanned < kMaxCompletionScan;
       ++t, ++scanned) {
    Completion c;
    c.documents = t.get_termfreq();
    if (top.size() == n && !(c.documents > top.front().documents)) continue;
    c.word = *t;
    top.push_back(std::move(c));
    std::push_heap(top.begin(), top.end(), MoreFrequent);
    if (top.size() > n) {
      std::pop_heap(top.begin(), top.end(), MoreFrequent);
      top.pop_back();
    }
  }
  std::sort(top.begin(), top.end(), MoreFrequent);
  return top;
}

std::vector<Completion> RankInContext(const Xapian::Database& db,
                                      const Xapian::Query& context,
                                      std::vector<Completion> candidates,
                                      size_t n) {
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
  std::vector<Completion> kept;
  for (Completion& c : candidates) {
    enquire.set_query(
        Xapian::Query(Xapian::Query::OP_AND, context, Xapian::Query(c.word)));
    const Xapian::MSet mset = enquire.get_mset(0, 0, kContextCountCap);
    c.documents = mset.get_matches_estimated();
    if (c.documents > 0) kept.push_back(std::move(c));
  }
  // Stable: equal counts keep the global frequency order.
  std::stable_sort(kept.begin(), kept.end(),
                   [](const Completion& a, const Completion& b) {
                     return a.documents > b.documents;
                   });
  if (kept.size() > n) kept.resize(n);
  return kept;
}

}  // namespace nsearch::searcher
