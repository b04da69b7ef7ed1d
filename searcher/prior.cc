#include "searcher/prior.h"

#include <algorithm>
#include <functional>
#include <vector>

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

// Xapian's ValueMapPostingSource over `slot`, weighing each whole number
// from `first` to `last` that the slot's bounds in `db` allow by `weight`.
Q MapQuery(const Xapian::Database& db, Xapian::valueno slot, int64_t first,
           int64_t last, const std::function<double(int64_t)>& weight) {
  const std::string lo = db.get_value_lower_bound(slot);
  const std::string hi = db.get_value_upper_bound(slot);
  if (lo.empty() || hi.empty()) return Q();
  first =
      std::max(first, static_cast<int64_t>(Xapian::sortable_unserialise(lo)));
  last = std::min(last, static_cast<int64_t>(Xapian::sortable_unserialise(hi)));
  if (first > last) return Q();
  auto* source = new Xapian::ValueMapPostingSource(slot);
  for (int64_t v = first; v <= last; ++v)
    source->add_mapping(Xapian::sortable_serialise(static_cast<double>(v)),
                        weight(v));
  return Q(source->release());
}

}  // namespace

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
             const PriorWeights& weights) {
  using namespace std::placeholders;
  std::vector<Q> parts;
  if (slots.quality && weights.quality.weight > 0)
    parts.push_back(MapQuery(db, *slots.quality, 0, PriorSpec::kLevels,
                             std::bind(QualityWeight, weights, _1)));
  if (slots.heat && weights.heat.weight > 0)
    parts.push_back(MapQuery(db, *slots.heat, 0, PriorSpec::kLevels,
                             std::bind(HeatWeight, weights, _1)));
  if (slots.day && weights.recency.weight > 0) {
    const auto [first, last] = weights.recency.Days(weights.now);
    parts.push_back(MapQuery(db, *slots.day, first, last,
                             std::bind(RecencyWeight, weights, _1)));
  }
  parts.erase(std::remove_if(parts.begin(), parts.end(),
                             [](const Q& q) { return q.empty(); }),
              parts.end());
  return Q(Q::OP_OR, parts.begin(), parts.end());
}

}  // namespace nsearch::searcher
