#include "searcher/prior.h"

#include <sstream>

#include "common/index_meta.h"
#include "common/schema.h"

namespace nsearch::searcher {

PriorPostingSource::PriorPostingSource(Xapian::valueno value_slot,
                                       bool precomputed, double weight,
                                       double cap)
    : Xapian::ValuePostingSource(value_slot),
      precomputed_(precomputed),
      weight_(weight),
      cap_(cap) {}

PriorPostingSource* PriorPostingSource::Precomputed(double max_weight) {
  return new PriorPostingSource(kPriorSlot, true, max_weight, 1);
}

PriorPostingSource* PriorPostingSource::Scaled(Xapian::valueno value_slot,
                                               double weight, double cap) {
  return new PriorPostingSource(value_slot, false, weight, cap);
}

double PriorPostingSource::get_weight() const {
  if (precomputed_) return DecodePrior(get_value());
  return PriorSpec{weight_, cap_}.Score(
      Xapian::sortable_unserialise(get_value()));
}

void PriorPostingSource::init(const Xapian::Database& database) {
  Xapian::ValuePostingSource::init(database);
  set_maxweight(weight_);
}

PriorPostingSource* PriorPostingSource::clone() const {
  return new PriorPostingSource(get_slot(), precomputed_, weight_, cap_);
}

std::string PriorPostingSource::name() const { return "nsearch::Prior"; }

std::string PriorPostingSource::serialise() const {
  std::ostringstream out;
  out.precision(17);
  out << get_slot() << ' ' << precomputed_ << ' ' << weight_ << ' ' << cap_;
  return out.str();
}

PriorPostingSource* PriorPostingSource::unserialise(
    const std::string& data) const {
  std::istringstream in(data);
  Xapian::valueno value_slot = 0;
  bool precomputed = false;
  double weight = 0, cap = 1;
  in >> value_slot >> precomputed >> weight >> cap;
  if (!in || cap <= 0 || weight < 0)
    throw Xapian::NetworkError("bad nsearch::Prior parameters");
  return new PriorPostingSource(value_slot, precomputed, weight, cap);
}

std::string PriorPostingSource::get_description() const {
  return "nsearch::Prior(" + serialise() + ")";
}

const std::vector<double>& PriorTable::Get(const Xapian::Database& db) {
  const std::string key =
      db.get_uuid() + "@" + std::to_string(db.get_revision());
  if (key == key_) return priors_;
  priors_.assign(db.get_lastdocid() + 1, 0.0);
  count_ = 0;
  for (auto it = db.valuestream_begin(kPriorSlot);
       it != db.valuestream_end(kPriorSlot); ++it) {
    if (it.get_docid() >= priors_.size()) continue;
    priors_[it.get_docid()] = DecodePrior(*it);
    count_ += priors_[it.get_docid()] > 0;
  }
  key_ = key;
  return priors_;
}

PriorTableSource::PriorTableSource(PriorTable* table, double max_weight)
    : table_(table), max_weight_(max_weight) {}

void PriorTableSource::init(const Xapian::Database& db) {
  priors_ = &table_->Get(db);
  count_ = table_->count();
  pos_ = 0;
  set_maxweight(max_weight_);
}

void PriorTableSource::next(double) {
  const auto& p = *priors_;
  do {
    ++pos_;
  } while (pos_ < p.size() && p[pos_] <= 0);
}

void PriorTableSource::skip_to(Xapian::docid did, double min_wt) {
  if (did <= pos_) return;
  pos_ = did - 1;
  next(min_wt);
}

bool PriorTableSource::check(Xapian::docid did, double min_wt) {
  if (did <= pos_) return true;
  pos_ = did;
  if (at_end() || (*priors_)[pos_] > 0) return true;
  // Not in the list: an "indeterminate" position from which next() moves on.
  (void)min_wt;
  return false;
}

PriorTableSource* PriorTableSource::clone() const {
  return new PriorTableSource(table_, max_weight_);
}

std::string PriorTableSource::get_description() const {
  return "nsearch::PriorTable(" + std::to_string(max_weight_) + ")";
}

}  // namespace nsearch::searcher
