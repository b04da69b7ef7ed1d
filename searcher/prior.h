// The ranking prior: a document's quality and heat, added to its BM25 score.
//
// Each prior is weight * min(value, cap) / cap for documents that have the
// value, nothing for those that do not (PriorSpec::Score). Combined with the
// text query by OP_AND_MAYBE, so it reorders matches but never adds any.
//
// Two ways to read it:
//  - PriorTableSource: the index's prior chunks (kPriorChunkDocs), which
//    hold every document's prior with the schema's weights already summed.
//    The default.
//  - PriorPostingSource::Scaled(): one number slot (quality or heat) with
//    per-query weights, for --boost.

#ifndef NSEARCH_SEARCHER_PRIOR_H_
#define NSEARCH_SEARCHER_PRIOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include <xapian.h>

#include "common/index_meta.h"

namespace nsearch::searcher {

class PriorPostingSource : public Xapian::ValuePostingSource {
 public:
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
  PriorPostingSource(Xapian::valueno value_slot, double weight, double cap);

  double weight_;
  double cap_;
};

// The priors of one revision of one database, read chunk by chunk from the
// index metadata as the match asks for them. A match visits docids in
// increasing order, so it needs one chunk at a time: a one-shot searcher
// holds only the current chunk (no memory to fault in per chunk). With
// KeepChunks(), for a long-lived searcher (batch mode), the chunks read stay
// loaded for later requests at the same revision.
class PriorTable {
 public:
  // May come after queries: the next Reset starts over.
  void KeepChunks() {
    keep_ = true;
    key_.clear();
  }
  // Follows `db` at its current revision: forgets what it loaded when the
  // database or its revision changed since the last call. Not thread-safe.
  void Reset(const Xapian::Database& db);
  // The prior of `did` (0 for none). REQUIRES: Reset; did <= last_docid().
  double At(Xapian::docid did) {
    const uint32_t chunk = did / kPriorChunkDocs;
    if (chunk != current_) Load(chunk);
    return PriorChunkEntry(*current_chunk_, did % kPriorChunkDocs);
  }
  Xapian::docid last_docid() const { return last_docid_; }
  // How many documents have a prior.
  Xapian::doccount count() const { return count_; }

 private:
  void Load(uint32_t chunk);

  bool keep_ = false;
  Xapian::Database db_;
  std::string key_;  // uuid and revision of the table.
  // KeepChunks: every chunk, as stored ("" until read); else chunks_[0].
  std::vector<std::string> chunks_;
  std::vector<bool> loaded_;       // KeepChunks only.
  uint32_t current_ = UINT32_MAX;  // The chunk current_chunk_ holds.
  const std::string* current_chunk_ = nullptr;
  Xapian::docid last_docid_ = 0;
  Xapian::doccount count_ = 0;
};

// The precomputed prior (schema weights) read from a PriorTable: matches
// the documents with a prior > 0.
class PriorTableSource : public Xapian::PostingSource {
 public:
  // REQUIRES: `table` outlives the query.
  PriorTableSource(PriorTable* table, double max_weight);

  void init(const Xapian::Database& db) override;
  Xapian::doccount get_termfreq_min() const override { return count_; }
  Xapian::doccount get_termfreq_est() const override { return count_; }
  Xapian::doccount get_termfreq_max() const override { return count_; }
  double get_weight() const override { return table_->At(pos_); }
  Xapian::docid get_docid() const override { return pos_; }
  void next(double min_wt) override;
  void skip_to(Xapian::docid did, double min_wt) override;
  bool check(Xapian::docid did, double min_wt) override;
  bool at_end() const override { return pos_ > table_->last_docid(); }
  PriorTableSource* clone() const override;
  std::string get_description() const override;

 private:
  PriorTable* table_;
  double max_weight_;
  Xapian::doccount count_ = 0;
  Xapian::docid pos_ = 0;
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_PRIOR_H_
