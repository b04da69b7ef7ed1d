// The terms that best tell a few documents from the rest of an index
// (query expansion, `similar`): Xapian's expand set, computed here so that
// it costs the same over remote shards as over one index.
//
// Xapian's Enquire::get_eset asks for each candidate term's frequency on
// its own, with USE_EXACT_TERMFREQ (without it, a sharded index estimates
// the frequency from the shards the documents are in, and picks other
// terms than one index would): a round trip to every remote shard per
// candidate, a few thousand for ten documents. Here, when a shard is
// remote, the candidates' frequencies come from the statistics of one
// match of no documents (a round trip per shard); locally a look-up per
// term is cheaper than that match, which opens every candidate's posting
// list. The terms, their weights and their order are Xapian 1.4's:
// Robertson's selection value (TradEWeight, expand k = 1), the highest
// first, ties chosen and ordered as Enquire::get_eset does.
//
// Thread-safety: reads the database only.

#ifndef NSEARCH_SEARCHER_EXPAND_TERMS_H_
#define NSEARCH_SEARCHER_EXPAND_TERMS_H_

#include <functional>
#include <string>
#include <vector>

#include <xapian.h>

namespace nsearch::searcher {

struct ExpandTerm {
  std::string term;
  double weight = 0;  // Its selection value, above 0.
};

// At most `count` terms of the documents `relevant` (docids of `db`) that
// `accept` accepts (all when empty) and that another document of `db`
// indexes too, the best first. Empty when `relevant` is. `remote`: some
// shard of `db` is remote.
std::vector<ExpandTerm> ExpandTerms(
    const Xapian::Database& db, const std::vector<Xapian::docid>& relevant,
    size_t count, const std::function<bool(const std::string&)>& accept,
    bool remote);

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_EXPAND_TERMS_H_
