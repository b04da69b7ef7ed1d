// The ranking prior: a document's quality or heat, added to its BM25 score.
//
// weight * min(value, cap) / cap for documents that have the value; nothing
// for those that do not. Combined with the text query by OP_AND_MAYBE, so it
// reorders matches but never adds any.

#ifndef NSEARCH_SEARCHER_PRIOR_H_
#define NSEARCH_SEARCHER_PRIOR_H_

#include <string>

#include <xapian.h>

namespace nsearch::searcher {

class PriorPostingSource : public Xapian::ValuePostingSource {
 public:
  // REQUIRES: weight >= 0, cap > 0.
  PriorPostingSource(Xapian::valueno value_slot, double weight, double cap);

  double get_weight() const override;
  void init(const Xapian::Database& database) override;
  PriorPostingSource* clone() const override;
  std::string name() const override;
  std::string serialise() const override;
  PriorPostingSource* unserialise(const std::string& data) const override;
  std::string get_description() const override;

  // The prior for a raw slot value, as get_weight() computes it.
  static double Score(double value, double weight, double cap);

 private:
  double weight_;
  double cap_;
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_PRIOR_H_
