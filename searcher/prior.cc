#include "searcher/prior.h"

#include <sstream>

#include "common/index_meta.h"
#include "common/schema.h"

namespace nsearch::searcher {

PriorPostingSource::PriorPostingSource(Xapian::valueno value_slot,
                                       double weight, double cap)
    : Xapian::ValuePostingSource(value_slot), weight_(weight), cap_(cap) {}

PriorPostingSource* PriorPostingSource::Scaled(Xapian::valueno value_slot,
                                               double weight, double cap) {
  return new PriorPostingSource(value_slot, weight, cap);
}

double PriorPostingSource::get_weight() const {
  return PriorSpec{weight_, cap_}.Score(
      Xapian::sortable_unserialise(get_value()));
}

void PriorPostingSource::init(const Xapian::Database& database) {
  Xapian::ValuePostingSource::init(database);
  set_maxweight(weight_);
}

PriorPostingSource* PriorPostingSource::clone() const {
  return new PriorPostingSource(get_slot(), weight_, cap_);
}

std::string PriorPostingSource::name() const { return "nsearch::Prior"; }

std::string PriorPostingSource::serialise() const {
  std::ostringstream out;
  out.precision(17);
  out << get_slot() << ' ' << weight_ << ' ' << cap_;
  return out.str();
}

PriorPostingSource* PriorPostingSource::unserialise(
    const std::string& data) const {
  std::istringstream in(data);
  Xapian::valueno value_slot = 0;
  double weight = 0, cap = 1;
  in >> value_slot >> weight >> cap;
  if (!in || cap <= 0 || weight < 0)
    throw Xapian::NetworkError("bad nsearch::Prior parameters");
  return new PriorPostingSource(value_slot, weight, cap);
}

std::string PriorPostingSource::get_description() const {
  return "nsearch::Prior(" + serialise() + ")";
}

void PriorTable::Reset(const Xapian::Database& db) {
  const std::string key =
      db.get_uuid() + "@" + std::to_string(db.get_revision());
  if (key == key_) return;
  db_ = db;
  last_docid_ = db.get_lastdocid();
  count_ = db.get_value_freq(kPriorSlot);
  chunks_.assign(keep_ ? last_docid_ / kPriorChunkDocs + 1 : 1, std::string());
  loaded_.assign(keep_ ? chunks_.size() : 0, false);
  current_ = UINT32_MAX;
  current_chunk_ = nullptr;
  key_ = key;
}

void PriorTable::Load(uint32_t chunk) {
  std::string* slot = keep_ ? &chunks_[chunk] : &chunks_[0];
  if (!keep_ || !loaded_[chunk]) {
    *slot = db_.get_metadata(PriorChunkKey(chunk));
    if (keep_) loaded_[chunk] = true;
  }
  current_ = chunk;
  current_chunk_ = slot;
}

PriorTableSource::PriorTableSource(PriorTable* table, double max_weight)
    : table_(table), max_weight_(max_weight) {}

void PriorTableSource::init(const Xapian::Database& db) {
  table_->Reset(db);
  count_ = table_->count();
  pos_ = 0;
  set_maxweight(max_weight_);
}

void PriorTableSource::next(double) {
  do {
    ++pos_;
  } while (pos_ <= table_->last_docid() && table_->At(pos_) <= 0);
}

void PriorTableSource::skip_to(Xapian::docid did, double min_wt) {
  if (did <= pos_) return;
  pos_ = did - 1;
  next(min_wt);
}

bool PriorTableSource::check(Xapian::docid did, double min_wt) {
  if (did <= pos_) return true;
  pos_ = did;
  if (at_end() || table_->At(pos_) > 0) return true;
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
