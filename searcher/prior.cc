#include "searcher/prior.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace nsearch::searcher {

PriorParts ScorePriors(const PriorWeights& weights,
                       std::optional<double> quality,
                       std::optional<double> heat, std::optional<double> date) {
  PriorParts parts;
  parts.quality = weights.scale * weights.quality.Score(quality);
  parts.heat = weights.scale * weights.heat.Score(heat);
  if (date && weights.recency.weight > 0)
    parts.recency =
        weights.scale *
        weights.recency.Score(static_cast<int64_t>(*date), weights.now);
  return parts;
}

PriorSlots PriorSlotsOf(const Schema& schema) {
  PriorSlots slots;
  auto slot_of = [&](const char* name) -> std::optional<Xapian::valueno> {
    const FieldSpec* field = schema.FindField(name);
    if (!field || !field->slot) return std::nullopt;
    return *field->slot;
  };
  slots.quality = slot_of("quality");
  slots.heat = slot_of("heat");
  slots.date = slot_of("date");
  return slots;
}

std::optional<double> SlotNumber(const Xapian::Document& doc,
                                 std::optional<Xapian::valueno> slot) {
  if (!slot) return std::nullopt;
  const std::string value = doc.get_value(*slot);
  if (value.empty()) return std::nullopt;
  return Xapian::sortable_unserialise(value);
}

PriorColumns::PriorColumns(const Xapian::Database& db, const PriorSlots& slots)
    : rows_(db.get_lastdocid() + 1) {
  Read(db, slots.quality, &Row::quality);
  Read(db, slots.heat, &Row::heat);
  Read(db, slots.date, &Row::date);
}

template <typename Field>
void PriorColumns::Read(const Xapian::Database& db,
                        std::optional<Xapian::valueno> slot,
                        Field Row::*field) {
  if (!slot) return;
  for (auto it = db.valuestream_begin(*slot); it != db.valuestream_end(*slot);
       ++it) {
    if (it.get_docid() < rows_.size())
      rows_[it.get_docid()].*field =
          static_cast<Field>(Xapian::sortable_unserialise(*it));
  }
}

PriorSource::PriorSource(PriorSlots slots, PriorWeights weights,
                         std::shared_ptr<const PriorColumns> columns)
    : slots_(slots), weights_(weights), columns_(std::move(columns)) {
  // A prior whose weight is 0 is not read at all.
  if (weights_.quality.weight <= 0) slots_.quality.reset();
  if (weights_.heat.weight <= 0) slots_.heat.reset();
  if (weights_.recency.weight <= 0) slots_.date.reset();
}

void PriorSource::init(const Xapian::Database& db) {
  db_ = db;
  did_ = 0;
  last_ = db.get_lastdocid();
  count_ = db.get_doccount();
  auto open = [&](std::optional<Xapian::valueno> slot) {
    return slot && !columns_ ? db.valuestream_begin(*slot)
                             : Xapian::ValueIterator();
  };
  quality_it_ = open(slots_.quality);
  heat_it_ = open(slots_.heat);
  date_it_ = open(slots_.date);
  // Documents without a quality or heat value count as the spec's
  // `missing` value; without a date, they get no recency.
  double max = weights_.quality.weight + weights_.heat.weight;
  if (slots_.date) max += weights_.recency.weight;
  set_maxweight(weights_.scale * max);
}

std::optional<double> PriorSource::Value(std::optional<Xapian::valueno> slot,
                                         Xapian::ValueIterator* it) const {
  const Xapian::ValueIterator end;
  if (!slot || *it == end) return std::nullopt;
  // Streams only move forward: the match asks for increasing docids.
  if (it->get_docid() < did_) it->skip_to(did_);
  if (*it == end || it->get_docid() != did_) return std::nullopt;
  return Xapian::sortable_unserialise(**it);
}

double PriorSource::get_weight() const {
  if (columns_) {
    const PriorColumns::Row& row = columns_->at(did_);
    auto pick = [](const auto& slot, double v) {
      // A prior with weight 0 reads nothing.
      return slot ? PriorColumns::Value(v) : std::nullopt;
    };
    return ScorePriors(weights_, pick(slots_.quality, row.quality),
                       pick(slots_.heat, row.heat), pick(slots_.date, row.date))
        .Sum();
  }
  return ScorePriors(weights_, Value(slots_.quality, &quality_it_),
                     Value(slots_.heat, &heat_it_),
                     Value(slots_.date, &date_it_))
      .Sum();
}

void PriorSource::next(double) { ++did_; }

void PriorSource::skip_to(Xapian::docid did, double) {
  if (did > did_) did_ = did;
}

bool PriorSource::check(Xapian::docid did, double) {
  if (did > did_) did_ = did;
  return true;
}

PriorSource* PriorSource::clone() const {
  return new PriorSource(slots_, weights_, columns_);
}

std::string PriorSource::name() const { return "nsearch::Prior"; }

namespace {

constexpr Xapian::valueno kNoSlot = Xapian::BAD_VALUENO;

}  // namespace

std::string PriorSource::serialise() const {
  std::ostringstream out;
  out.precision(17);
  for (const auto& slot : {slots_.quality, slots_.heat, slots_.date})
    out << (slot ? *slot : kNoSlot) << ' ';
  out << weights_.quality.weight << ' ' << weights_.quality.cap << ' '
      << weights_.quality.missing << ' ' << weights_.heat.weight << ' '
      << weights_.heat.cap << ' ' << weights_.heat.missing << ' '
      << weights_.recency.weight << ' ' << weights_.recency.half_life_seconds
      << ' ' << weights_.now << ' ' << weights_.scale;
  return out.str();
}

PriorSource* PriorSource::unserialise(const std::string& data) const {
  std::istringstream in(data);
  Xapian::valueno raw[3];
  PriorWeights w;
  in >> raw[0] >> raw[1] >> raw[2] >> w.quality.weight >> w.quality.cap >>
      w.quality.missing >> w.heat.weight >> w.heat.cap >> w.heat.missing >>
      w.recency.weight >> w.recency.half_life_seconds >> w.now >> w.scale;
  if (!in || w.quality.cap <= 0 || w.heat.cap <= 0 ||
      w.recency.half_life_seconds <= 0 || w.scale < 0)
    throw Xapian::NetworkError("bad nsearch::Prior parameters");
  PriorSlots slots;
  std::optional<Xapian::valueno>* fields[] = {&slots.quality, &slots.heat,
                                              &slots.date};
  for (int i = 0; i < 3; ++i)
    if (raw[i] != kNoSlot) *fields[i] = raw[i];
  return new PriorSource(slots, w);
}

std::string PriorSource::get_description() const {
  return "nsearch::Prior(" + serialise() + ")";
}

}  // namespace nsearch::searcher
