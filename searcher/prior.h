// The ranking prior: a document's quality and heat, added to its BM25 score.
//
// Each prior is weight * min(value, cap) / cap for documents that have the
// value, nothing for those that do not (PriorSpec::Score). Combined with the
// text query by OP_AND_MAYBE, so it reorders matches but never adds any.
//
// Two ways to read it:
//  - Precomputed(): the index's kPriorSlot, which holds every document's
//    prior with the schema's weights already summed (one value per
//    candidate, nothing to compute). The default.
//  - Scaled(): one number slot (quality or heat) with per-query weights,
//    for --boost.

#ifndef NSEARCH_SEARCHER_PRIOR_H_
#define NSEARCH_SEARCHER_PRIOR_H_

#include <string>
#include <vector>

#include <xapian.h>

namespace nsearch::searcher {

class PriorPostingSource : public Xapian::ValuePostingSource {
 public:
  // REQUIRES: max_weight >= 0 (the largest prior in the slot).
  static PriorPostingSource* Precomputed(double max_weight);
  // REQUIRES: weight >= 0, cap > 0.
  static PriorPostingSource* Scaled(Xapian::valueno value_slot, double weight,
                                    double cap);

  double get_weight() const override;
  void init(const Xapian::Database& database) override;
  PriorPostingSource* clone() const override;
  std::string name() const override;
  std::string serialise() const override;
  PriorPostingSource* unserialise(const std::string& data) const override;
  std::string get_description() const override;

 private:
  PriorPostingSource(Xapian::valueno value_slot, bool precomputed,
                     double weight, double cap);

  bool precomputed_;
  double weight_;  // Precomputed: the maximum prior.
  double cap_;     // Scaled only.
};

// Every document's precomputed prior (kPriorSlot) in memory, indexed by
// docid, for one revision of one database. A long-lived searcher (batch
// mode) loads it once per revision: a lookup is then an array read instead
// of a value-stream read per candidate.
class PriorTable {
 public:
  // The priors of `db` at its current revision (loaded when the database or
  // its revision differs from the last call). Not thread-safe.
  const std::vector<double>& Get(const Xapian::Database& db);
  // How many documents of the last Get() have a prior.
  Xapian::doccount count() const { return count_; }

 private:
  std::string key_;  // uuid and revision of the loaded priors.
  std::vector<double> priors_;
  Xapian::doccount count_ = 0;
};

// The precomputed prior read from a PriorTable. Same weights as
// PriorPostingSource::Precomputed().
class PriorTableSource : public Xapian::PostingSource {
 public:
  // REQUIRES: `table` outlives the query.
  PriorTableSource(PriorTable* table, double max_weight);

  void init(const Xapian::Database& db) override;
  Xapian::doccount get_termfreq_min() const override { return count_; }
  Xapian::doccount get_termfreq_est() const override { return count_; }
  Xapian::doccount get_termfreq_max() const override { return count_; }
  double get_weight() const override { return (*priors_)[pos_]; }
  Xapian::docid get_docid() const override { return pos_; }
  void next(double min_wt) override;
  void skip_to(Xapian::docid did, double min_wt) override;
  bool check(Xapian::docid did, double min_wt) override;
  bool at_end() const override { return pos_ >= priors_->size(); }
  PriorTableSource* clone() const override;
  std::string get_description() const override;

 private:
  PriorTable* table_;
  double max_weight_;
  const std::vector<double>* priors_ = nullptr;
  Xapian::doccount count_ = 0;
  Xapian::docid pos_ = 0;
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_PRIOR_H_
