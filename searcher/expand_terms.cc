#include "searcher/expand_terms.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "searcher/match.h"

namespace nsearch::searcher {

namespace {

// What the relevant documents say of one candidate term.
struct Relevance {
  Xapian::doccount documents = 0;  // Relevant documents indexing it (r).
  double multiplier = 0;           // Σ (k + 1) wdf / (k len / avlen + wdf).
};

constexpr double kExpandK = 1.0;  // Xapian's default expand k.

// Adds what document `docid` says of its terms that `accept` accepts.
void AddDocument(const Xapian::Database& db, Xapian::docid docid,
                 double average,
                 const std::function<bool(const std::string&)>& accept,
                 std::map<std::string, Relevance>* candidates) {
  // A document's length is the sum of its wdfs: summed here, it costs no
  // round trip of its own to a remote shard.
  double length = 0;
  std::vector<std::pair<std::string, Xapian::termcount>> accepted;
  for (auto t = db.termlist_begin(docid); t != db.termlist_end(docid); ++t) {
    length += t.get_wdf();
    if (!accept || accept(*t)) accepted.emplace_back(*t, t.get_wdf());
  }
  for (const auto& [term, termwdf] : accepted) {
    // A term without wdf (boolean) counts once, as in Xapian.
    const double wdf = std::max<Xapian::termcount>(termwdf, 1);
    Relevance& r = (*candidates)[term];
    ++r.documents;
    r.multiplier += (kExpandK + 1) * wdf / (kExpandK * length / average + wdf);
  }
}

// The frequency in the whole of `db` of every candidate, in term order.
std::vector<Xapian::doccount> Frequencies(
    const Xapian::Database& db,
    const std::map<std::string, Relevance>& candidates, bool remote) {
  std::vector<std::string> terms;
  terms.reserve(candidates.size());
  for (const auto& entry : candidates) terms.push_back(entry.first);
  return TermFrequencies(db, terms, remote);
}

// Robertson's selection value (Xapian's TradEWeight).
double SelectionValue(const Relevance& r, double rsize, double termfreq,
                      double documents) {
  const double without = rsize - r.documents;  // Relevant, not indexing it.
  const double num =
      (r.documents + 0.5) * (documents - termfreq - without + 0.5);
  const double denom = (termfreq - r.documents + 0.5) * (without + 0.5);
  return r.multiplier * std::log(num / denom);
}

// Xapian's order of an expand set: the higher weight first, then, of equal
// weights, the lexically greater term.
bool Before(const ExpandTerm& a, const ExpandTerm& b) {
  if (a.weight != b.weight) return a.weight > b.weight;
  return a.term > b.term;
}

// The best `count` of `weighed` (in term order), chosen as Xapian chooses
// them: the first `count` with a weight above 0, then a min-heap of them
// that a later term replaces only with a greater weight.
std::vector<ExpandTerm> Best(std::vector<ExpandTerm> weighed, size_t count) {
  std::vector<ExpandTerm> best;
  double floor = 0;
  for (ExpandTerm& t : weighed) {
    if (t.weight <= floor) continue;
    if (best.size() < count) {
      best.push_back(std::move(t));
      if (best.size() == count) {
        std::make_heap(best.begin(), best.end(), Before);
        floor = best.front().weight;
      }
      continue;
    }
    std::pop_heap(best.begin(), best.end(), Before);
    best.back() = std::move(t);
    std::push_heap(best.begin(), best.end(), Before);
    floor = best.front().weight;
  }
  std::sort(best.begin(), best.end(), Before);
  return best;
}

}  // namespace

std::vector<ExpandTerm> ExpandTerms(
    const Xapian::Database& db, const std::vector<Xapian::docid>& relevant,
    size_t count, const std::function<bool(const std::string&)>& accept,
    bool remote) {
  if (relevant.empty() || count == 0) return {};
  std::map<std::string, Relevance> candidates;
  const double average = db.get_avlength();
  for (const Xapian::docid docid : relevant)
    AddDocument(db, docid, average, accept, &candidates);
  if (candidates.empty()) return {};
  const auto frequencies = Frequencies(db, candidates, remote);
  const double documents = db.get_doccount();
  std::vector<ExpandTerm> weighed;
  size_t i = 0;
  for (const auto& [term, relevance] : candidates) {
    const Xapian::doccount termfreq = frequencies[i++];
    if (termfreq <= 1) continue;  // No other document shares it.
    weighed.push_back({term, SelectionValue(relevance, relevant.size(),
                                            termfreq, documents)});
  }
  return Best(std::move(weighed), count);
}

}  // namespace nsearch::searcher
