#include "searcher/prior.h"

#include <algorithm>
#include <sstream>

namespace nsearch::searcher {

PriorPostingSource::PriorPostingSource(Xapian::valueno value_slot,
                                       double weight, double cap)
    : Xapian::ValuePostingSource(value_slot), weight_(weight), cap_(cap) {}

double PriorPostingSource::Score(double value, double weight, double cap) {
  return weight * std::clamp(value, 0.0, cap) / cap;
}

double PriorPostingSource::get_weight() const {
  return Score(Xapian::sortable_unserialise(get_value()), weight_, cap_);
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

}  // namespace nsearch::searcher
