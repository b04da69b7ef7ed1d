#include "searcher/prior.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <tuple>
#include <vector>

#include "searcher/every_document_source.h"

namespace nsearch::searcher {

namespace {

using Q = Xapian::Query;

// The weight of each prior for one value of its slot, already scaled: the
// posting sources and the explanation compute it the same way, so that
// they agree to the last bit.
double QualityWeight(const PriorWeights& w, int64_t level) {
  return w.scale * w.quality.weight * static_cast<double>(level) /
         PriorSpec::kLevels;
}
double HeatWeight(const PriorWeights& w, int64_t level) {
  return w.scale * w.heat.weight * static_cast<double>(level) /
         PriorSpec::kLevels;
}
double RecencyWeight(const PriorWeights& w, int64_t day) {
  return w.scale * w.recency.weight * w.recency.Decay(day, w.now);
}

std::optional<int64_t> Whole(std::optional<double> v) {
  if (!v) return std::nullopt;
  return static_cast<int64_t>(*v);
}

// Narrows [first, last] to the values `slot` holds in `db` (a message to
// each remote shard: worth it for the days of the recency horizon, which
// the documents' dates often cover only in part, not for quality and heat,
// whose levels they span). Leaves first > last when the slot is empty.
void ClipToSlotBounds(const Xapian::Database& db, const SlotBoundsFn& bounds,
                      Xapian::valueno slot, int64_t* first, int64_t* last) {
  const auto [lo, hi] = bounds ? bounds(slot)
                               : std::pair(db.get_value_lower_bound(slot),
                                           db.get_value_upper_bound(slot));
  if (lo.empty() || hi.empty()) {
    *last = *first - 1;
    return;
  }
  *first =
      std::max(*first, static_cast<int64_t>(Xapian::sortable_unserialise(lo)));
  *last =
      std::min(*last, static_cast<int64_t>(Xapian::sortable_unserialise(hi)));
}

// Xapian's ValueMapPostingSource over `slot`, weighing each whole number
// from `first` to `last` by `weight`.
Q MapQuery(Xapian::valueno slot, int64_t first, int64_t last,
           const std::function<double(int64_t)>& weight) {
  if (first > last) return Q();
  auto* source = new Xapian::ValueMapPostingSource(slot);
  for (int64_t v = first; v <= last; ++v)
    source->add_mapping(Xapian::sortable_serialise(static_cast<double>(v)),
                        weight(v));
  return Q(source->release());
}

// The priors from PriorColumns: one array lookup a candidate, and the
// recency of each day computed once a query (exp2 is most of the rest).
class ColumnSource : public EveryDocumentSource {
 public:
  ColumnSource(const PriorColumns* columns, const PriorWeights& weights,
               const PriorSlots& slots)
      : columns_(columns), weights_(weights), slots_(slots) {}
  void InitSource(const Xapian::Database&) override {
    set_maxweight(MaxPriorWeight(weights_, slots_));
    std::tie(first_day_, last_day_) = weights_.recency.Days(weights_.now);
    recency_.assign(static_cast<size_t>(last_day_ - first_day_ + 1),
                    std::numeric_limits<double>::quiet_NaN());
  }
  double get_weight() const override {
    const PriorColumns::Row& row = columns_->at(did_);
    auto level = [](int16_t v) {
      return v < 0 ? std::nullopt : std::optional<int64_t>(v);
    };
    PriorParts parts = ScorePriors(
        weights_, slots_.quality ? level(row.quality) : std::nullopt,
        slots_.heat ? level(row.heat) : std::nullopt, std::nullopt);
    if (slots_.day && row.day != PriorColumns::kNoDay &&
        weights_.recency.weight > 0)
      parts.recency = Recency(row.day);
    return parts.Sum();
  }
  ColumnSource* clone() const override {
    return new ColumnSource(columns_, weights_, slots_);
  }

 private:
  // RecencyWeight of `day`, the same bits, from the table.
  double Recency(int64_t day) const {
    if (day < first_day_ || day > last_day_) return 0;
    double& w = recency_[static_cast<size_t>(day - first_day_)];
    if (std::isnan(w)) w = RecencyWeight(weights_, day);
    return w;
  }

  const PriorColumns* columns_;
  PriorWeights weights_;
  PriorSlots slots_;
  int64_t first_day_ = 0, last_day_ = -1;  // RecencySpec::Days.
  mutable std::vector<double> recency_;    // NaN: not computed yet.
};

// The priors read from the slots, a value stream per slot read forward as
// the match moves on: for local databases without the columns (one-shot
// queries, local shards), where building Xapian's maps (a weight per level
// and per day of the recency horizon, thousands, copied for every
// database and pass) cost more than the whole match on a small index.
class SlotSource : public EveryDocumentSource {
 public:
  SlotSource(const PriorWeights& weights, const PriorSlots& slots)
      : weights_(weights), slots_(slots) {}
  void InitSource(const Xapian::Database& db) override {
    set_maxweight(MaxPriorWeight(weights_, slots_));
    const std::optional<Xapian::valueno> slots[] = {slots_.quality, slots_.heat,
                                                    slots_.day};
    for (size_t i = 0; i < 3; ++i) {
      streams_[i] = {};
      if (slots[i])
        streams_[i] = {db.valuestream_begin(*slots[i]),
                       db.valuestream_end(*slots[i])};
    }
  }
  double get_weight() const override {
    return ScorePriors(weights_, Read(0), Read(1), Read(2)).Sum();
  }
  SlotSource* clone() const override {
    return new SlotSource(weights_, slots_);
  }

 private:
  struct Stream {
    Xapian::ValueIterator it, end;
  };
  // The whole number in stream `i` for the current docid, if any.
  std::optional<int64_t> Read(size_t i) const {
    Stream& s = streams_[i];
    if (s.it == s.end) return std::nullopt;
    s.it.skip_to(did_);
    if (s.it == s.end || s.it.get_docid() != did_) return std::nullopt;
    return static_cast<int64_t>(Xapian::sortable_unserialise(*s.it));
  }

  PriorWeights weights_;
  PriorSlots slots_;
  mutable Stream streams_[3];
};

}  // namespace

double MaxPriorWeight(const PriorWeights& w, const PriorSlots& slots) {
  double max = 0;
  if (slots.quality) max += QualityWeight(w, PriorSpec::kLevels);
  if (slots.heat) max += HeatWeight(w, PriorSpec::kLevels);
  if (slots.day) max += w.scale * w.recency.weight;
  return max;
}

double PriorBound(const PriorWeights& w, const PriorSlots& slots,
                  const PriorColumns::Row& most) {
  // ColumnSource::get_weight's steps: each part grows with its value, and
  // so does their sum, rounding included.
  auto level = [](int16_t v) {
    return v < 0 ? std::nullopt : std::optional<int64_t>(v);
  };
  PriorParts parts =
      ScorePriors(w, slots.quality ? level(most.quality) : std::nullopt,
                  slots.heat ? level(most.heat) : std::nullopt, std::nullopt);
  if (slots.day && most.day != PriorColumns::kNoDay && w.recency.weight > 0) {
    // Past the horizon's last day (far ahead of `now`) a day weighs 0, but
    // an earlier day of the block may not.
    parts.recency = most.day > w.recency.Days(w.now).second
                        ? w.scale * w.recency.weight
                        : RecencyWeight(w, most.day);
  }
  return parts.Sum();
}

PriorColumns::PriorColumns(const Xapian::Database& db, const PriorSlots& slots)
    : rows_(db.get_lastdocid() + 1) {
  auto read = [&](std::optional<Xapian::valueno> slot, auto store) {
    if (!slot) return;
    for (auto it = db.valuestream_begin(*slot); it != db.valuestream_end(*slot);
         ++it)
      if (it.get_docid() < rows_.size())
        store(rows_[it.get_docid()],
              static_cast<int64_t>(Xapian::sortable_unserialise(*it)));
  };
  read(slots.quality,
       [](Row& r, int64_t v) { r.quality = static_cast<int16_t>(v); });
  read(slots.heat, [](Row& r, int64_t v) { r.heat = static_cast<int16_t>(v); });
  read(slots.day, [](Row& r, int64_t v) {
    constexpr int64_t kLow = int64_t{kNoDay} + 1, kHigh = INT32_MAX;
    r.day = v >= kLow && v <= kHigh ? static_cast<int32_t>(v) : kNoDay;
  });
}

PriorSlots PriorSlotsOf(const Schema& schema) {
  PriorSlots slots;
  const RankingSpec& ranking = schema.ranking();
  if (schema.FindField("quality")) slots.quality = ranking.quality.slot;
  if (schema.FindField("heat")) slots.heat = ranking.heat.slot;
  if (schema.FindField("date")) slots.day = ranking.recency.slot;
  return slots;
}

PriorParts ScorePriors(const PriorWeights& weights,
                       std::optional<int64_t> quality_level,
                       std::optional<int64_t> heat_level,
                       std::optional<int64_t> day) {
  PriorParts parts;
  if (quality_level && weights.quality.weight > 0)
    parts.quality = QualityWeight(weights, *quality_level);
  if (heat_level && weights.heat.weight > 0)
    parts.heat = HeatWeight(weights, *heat_level);
  if (day && weights.recency.weight > 0)
    parts.recency = RecencyWeight(weights, *day);
  return parts;
}

PriorParts DocumentPriors(const PriorWeights& weights, const PriorSlots& slots,
                          const Xapian::Document& doc) {
  return ScorePriors(weights, Whole(SlotNumber(doc, slots.quality)),
                     Whole(SlotNumber(doc, slots.heat)),
                     Whole(SlotNumber(doc, slots.day)));
}

std::optional<double> SlotNumber(const Xapian::Document& doc,
                                 std::optional<Xapian::valueno> slot) {
  if (!slot) return std::nullopt;
  const std::string value = doc.get_value(*slot);
  if (value.empty()) return std::nullopt;
  return Xapian::sortable_unserialise(value);
}

Q PriorQuery(const Xapian::Database& db, const PriorSlots& slots,
             const PriorWeights& weights, const PriorColumns* columns,
             bool local, const SlotBoundsFn& bounds) {
  using namespace std::placeholders;
  if (weights.quality.weight <= 0 && weights.heat.weight <= 0 &&
      weights.recency.weight <= 0)
    return Q();
  if (columns) return Q((new ColumnSource(columns, weights, slots))->release());
  if (local) return Q((new SlotSource(weights, slots))->release());
  std::vector<Q> parts;
  if (slots.quality && weights.quality.weight > 0)
    parts.push_back(MapQuery(*slots.quality, 0, PriorSpec::kLevels,
                             std::bind(QualityWeight, weights, _1)));
  if (slots.heat && weights.heat.weight > 0)
    parts.push_back(MapQuery(*slots.heat, 0, PriorSpec::kLevels,
                             std::bind(HeatWeight, weights, _1)));
  if (slots.day && weights.recency.weight > 0) {
    auto [first, last] = weights.recency.Days(weights.now);
    ClipToSlotBounds(db, bounds, *slots.day, &first, &last);
    parts.push_back(MapQuery(*slots.day, first, last,
                             std::bind(RecencyWeight, weights, _1)));
  }
  parts.erase(std::remove_if(parts.begin(), parts.end(),
                             [](const Q& q) { return q.empty(); }),
              parts.end());
  return Q(Q::OP_OR, parts.begin(), parts.end());
}

}  // namespace nsearch::searcher
