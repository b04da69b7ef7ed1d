// The ranking priors (README "Ranking"): quality, heat and recency, added to
// a hit's BM25 score as fractions of the query's top BM25 score (`scale`),
// so that a prior reorders close hits of every query alike and a strong one
// cannot swamp the text match. Combined with the text query by
// OP_AND_MAYBE: priors reorder matches, never add any.
//
// Each prior is read from the value slot of its field (quality, heat,
// date): the only place the index stores it. The posting source serialises
// its parameters, so the same ranking runs over Xapian's remote backend
// (register it with the server's Xapian::Registry).

#ifndef NSEARCH_SEARCHER_PRIOR_H_
#define NSEARCH_SEARCHER_PRIOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
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

// The priors of a document with these values (nullopt: no value).
PriorParts ScorePriors(const PriorWeights& weights,
                       std::optional<double> quality,
                       std::optional<double> heat, std::optional<double> date);

// The value slots the priors read (nullopt: the schema has no such field).
struct PriorSlots {
  std::optional<Xapian::valueno> quality;
  std::optional<Xapian::valueno> heat;
  std::optional<Xapian::valueno> date;
};

// The slots of the schema's quality, heat and date fields.
PriorSlots PriorSlotsOf(const Schema& schema);

// The value of `slot` in `doc` as a number, nullopt when it has none.
std::optional<double> SlotNumber(const Xapian::Document& doc,
                                 std::optional<Xapian::valueno> slot);

// Every document's prior values, read from the value slots in one pass per
// slot, for a long-lived searcher (batch mode): its matches then look them
// up instead of decoding three value streams between candidates. One row
// of 16 bytes a document (one cache line to read, not three); one per
// database revision. Quality and heat are kept as floats: exact for the
// integers the indexer stores up to 2^24, and the priors cap them far lower.
class PriorColumns {
 public:
  PriorColumns(const Xapian::Database& db, const PriorSlots& slots);

  struct Row {
    float quality = kNone;  // NaN: no value.
    float heat = kNone;
    double date = kNone;
  };
  // The row of `did`; all NaN past the last document.
  const Row& at(Xapian::docid did) const {
    static const Row kEmpty;
    return did < rows_.size() ? rows_[did] : kEmpty;
  }
  static std::optional<double> Value(double v) {
    return v == v ? std::optional<double>(v) : std::nullopt;  // Not NaN.
  }

 private:
  static constexpr float kNone = __builtin_nanf("");
  template <typename Field>
  void Read(const Xapian::Database& db, std::optional<Xapian::valueno> slot,
            Field Row::*field);

  std::vector<Row> rows_;
};

// Matches every document (docids 1..last), weighted by ScorePriors of its
// slot values: from `columns` when given (they must be those of the
// database the match runs on), else from the value streams.
class PriorSource : public Xapian::PostingSource {
 public:
  PriorSource(PriorSlots slots, PriorWeights weights,
              std::shared_ptr<const PriorColumns> columns = nullptr);

  void init(const Xapian::Database& db) override;
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return count_; }
  Xapian::doccount get_termfreq_max() const override { return count_; }
  double get_weight() const override;
  Xapian::docid get_docid() const override { return did_; }
  void next(double min_wt) override;
  void skip_to(Xapian::docid did, double min_wt) override;
  bool check(Xapian::docid did, double min_wt) override;
  bool at_end() const override { return did_ > last_; }

  PriorSource* clone() const override;
  std::string name() const override;
  std::string serialise() const override;
  PriorSource* unserialise(const std::string& data) const override;
  std::string get_description() const override;

 private:
  // The value of the current document in `slot`, read from its stream.
  std::optional<double> Value(std::optional<Xapian::valueno> slot,
                              Xapian::ValueIterator* it) const;

  PriorSlots slots_;
  PriorWeights weights_;
  std::shared_ptr<const PriorColumns> columns_;
  Xapian::Database db_;
  Xapian::docid did_ = 0;
  Xapian::docid last_ = 0;
  Xapian::doccount count_ = 0;
  // One stream per slot, moved forward as the match asks for documents.
  mutable Xapian::ValueIterator quality_it_, heat_it_, date_it_;
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_PRIOR_H_
