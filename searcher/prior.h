// The ranking priors (README "Ranking"): quality, heat and recency, added to
// a hit's BM25 score as fractions of the query's top BM25 score (`scale`),
// so that a prior reorders close hits of every query alike and a strong one
// cannot swamp the text match. Combined with the text query by
// OP_AND_MAYBE: priors reorder matches, never add any.
//
// The indexer keeps each document's ranking values in the slots of the
// schema's `ranking:` section (RankingSpec): quality's and heat's Level and
// the UTC day of its date. Over remote shards PriorQuery weighs them with
// Xapian's own ValueMapPostingSource (a weight per level, per day), which
// every Xapian server can rebuild: the same ranking runs over local shards
// and over a stock xapian-tcpsrv. Local databases use sources of nsearch's
// own that compute the same weights without building the maps. (Not
// OP_SCALE_WEIGHT over a posting source: Xapian 1.4.22 then misses hits of a
// multi-database's later shards.)

#ifndef NSEARCH_SEARCHER_PRIOR_H_
#define NSEARCH_SEARCHER_PRIOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "common/schema.h"

namespace nsearch::searcher {

// The prior parameters of one query.
struct PriorWeights {
  PriorSpec quality;
  PriorSpec heat;
  RecencySpec recency;
  int64_t now = 0;  // Recency is measured back from here (seconds).
  // The query's top BM25 score (1 when it scores nothing).
  double scale = 1.0;
};

// A document's priors, each already multiplied by the scale.
struct PriorParts {
  double quality = 0;
  double heat = 0;
  double recency = 0;
  double Sum() const { return quality + heat + recency; }
};

// The value slots the priors read (nullopt: the schema has no quality,
// heat or date field).
struct PriorSlots {
  std::optional<Xapian::valueno> quality;  // PriorSpec::Level.
  std::optional<Xapian::valueno> heat;
  std::optional<Xapian::valueno> day;  // UtcDay of the date.
};

PriorSlots PriorSlotsOf(const Schema& schema);

// The priors of a document with these ranking values (nullopt: none), as
// PriorQuery weighs them.
PriorParts ScorePriors(const PriorWeights& weights,
                       std::optional<int64_t> quality_level,
                       std::optional<int64_t> heat_level,
                       std::optional<int64_t> day);

// The priors of `doc`, read from its slots.
PriorParts DocumentPriors(const PriorWeights& weights, const PriorSlots& slots,
                          const Xapian::Document& doc);

// The value of `slot` in `doc` as a number, nullopt when it has none.
std::optional<double> SlotNumber(const Xapian::Document& doc,
                                 std::optional<Xapian::valueno> slot);

// Every document's ranking values, read from the slots in one pass per
// slot, for a long-lived searcher (batch mode) of one local database: its
// matches then look them up instead of decoding three value streams and
// three maps between candidates. 8 bytes a document (a match at 1M reads
// them all, so the fewer cache lines the better); one per database
// revision.
class PriorColumns {
 public:
  PriorColumns(const Xapian::Database& db, const PriorSlots& slots);

  // A day outside int32 (no date of years 1-9999 is) is stored as kNoDay:
  // it is far outside every recency horizon, so it weighs 0 either way.
  static constexpr int32_t kNoDay = INT32_MIN;
  struct Row {
    int16_t quality = -1;  // Level; -1: no value.
    int16_t heat = -1;
    int32_t day = kNoDay;
  };
  // The row of `did`; no values past the last document.
  const Row& at(Xapian::docid did) const {
    static const Row kEmpty;
    return did < rows_.size() ? rows_[did] : kEmpty;
  }

 private:
  std::vector<Row> rows_;
};

// The most the priors of `slots` can add (their sources' maximum weight).
double MaxPriorWeight(const PriorWeights& w, const PriorSlots& slots);

// At least what PriorQuery's source over PriorColumns gives any row whose
// values are each at most those of `most` (the largest quality, heat and
// day of some rows): block-max matching's bound (block_max.h).
double PriorBound(const PriorWeights& w, const PriorSlots& slots,
                  const PriorColumns::Row& most);

// A query matching every document with a ranking value, weighted by its
// priors (ScorePriors); empty when every weight is 0. With `columns` (those
// of `db`, which must be one local database) one posting source of
// nsearch's own reads them; without, and when every database of `db` is
// `local`, another reads the slots; these give the same weights to the
// last bits but one (the three are added in another order). Otherwise
// (remote shards) Xapian's own, whose maps cover every quality and heat
// level and the days of RecencySpec::Days within the date slot's bounds in
// `db` (or as `bounds` gives them: ShardSet::SlotBounds).
using SlotBoundsFn =
    std::function<std::pair<std::string, std::string>(Xapian::valueno)>;
Xapian::Query PriorQuery(const Xapian::Database& db, const PriorSlots& slots,
                         const PriorWeights& weights,
                         const PriorColumns* columns = nullptr,
                         bool local = false, const SlotBoundsFn& bounds = {});

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_PRIOR_H_
