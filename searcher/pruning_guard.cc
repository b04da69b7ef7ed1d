#include "searcher/pruning_guard.h"

#include <string>

#include "common/index_meta.h"
#include "searcher/every_document_source.h"

namespace nsearch::searcher {

namespace {

using Q = Xapian::Query;

// More than any document's weight (BM25 and priors): a threshold minus it
// is never positive.
constexpr double kUnreachableWeight = 1e12;

// Weighs every document 0, claiming kUnreachableWeight.
class GuardSource : public EveryDocumentSource {
 public:
  GuardSource* clone() const override { return new GuardSource; }
  double get_weight() const override { return 0; }

 private:
  void InitSource(const Xapian::Database&) override {
    set_maxweight(kUnreachableWeight);
  }
};

// The same with Xapian's own class: the file state is never this value, so
// every document gets the default weight, 0.
Q StockGuard() {
  auto* source = new Xapian::ValueMapPostingSource(kStateSlot);
  source->add_mapping(std::string(1, '\0'), kUnreachableWeight);
  source->set_default_weight(0);
  return Q(source->release());
}

}  // namespace

bool PruningCanSkipHits(const Q& query) {
  switch (query.get_type()) {
    case Q::OP_OR:
    case Q::OP_XOR:
    case Q::OP_ELITE_SET:
    case Q::OP_AND_MAYBE:
      return true;
    case Q::OP_SYNONYM:
    case Q::OP_WILDCARD:
      return false;
    default:
      break;
  }
  for (size_t i = 0; i < query.get_num_subqueries(); ++i)
    if (PruningCanSkipHits(query.get_subquery(i))) return true;
  return false;
}

Q GuardPruning(const Q& query, bool remote) {
  if (!PruningCanSkipHits(query)) return query;
  const Q guard = remote ? StockGuard() : Q((new GuardSource)->release());
  return Q(Q::OP_AND_MAYBE, query, guard);
}

}  // namespace nsearch::searcher
