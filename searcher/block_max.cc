#include "searcher/block_max.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace nsearch::searcher {

namespace {

using Q = Xapian::Query;

// Xapian's BM25Weight parameters that nsearch does not set.
constexpr double kMinNormLength = 0.5;
constexpr double kK3 = 1;

// The words' maxima a BlockBounds keeps, 8 bytes a block (125 KB a word
// at 1M documents, so 128 words); past that it starts again.
constexpr size_t kKeptBytes = size_t{16} << 20;

// A block's bound must reach the threshold less this fraction of it: the
// threshold is rebuilt from what Xapian passes (min_wt plus the priors'
// maximum), which may round a last bit up.
constexpr double kSlack = 1e-9;

constexpr Xapian::docid kLastDocid = std::numeric_limits<Xapian::docid>::max();

size_t BlockOf(Xapian::docid did) { return (did - 1) / kBlockDocs; }

// An AND of `words`, weighed as Xapian's BM25 weighs them (the rarest
// first), skipping the blocks that cannot reach the page's threshold.
class BlockMaxSource : public Xapian::PostingSource {
 public:
  struct Word {
    std::string term;
    Xapian::doccount freq = 0;
    double weight = 0;  // Bm25Formula::TermWeight.
    BlockBounds::Maxima maxima;
  };
  // `prior_max`: the maximum weight of the prior source beside it (0:
  // none), whose per-block bounds are `prior_maxima` (null: none).
  BlockMaxSource(std::vector<Word> words, Bm25Formula bm25,
                 BlockBounds::Maxima prior_maxima, double prior_max)
      : words_(std::move(words)),
        bm25_(bm25),
        prior_maxima_(std::move(prior_maxima)),
        prior_max_(prior_max) {
    // The rarest word leads.
    std::sort(words_.begin(), words_.end(),
              [](const Word& a, const Word& b) { return a.freq < b.freq; });
  }

  void init(const Xapian::Database& db) override {
    its_.clear();
    ends_.clear();
    double max = 0;
    for (const Word& w : words_) {
      its_.push_back(db.postlist_begin(w.term));
      ends_.push_back(db.postlist_end(w.term));
      max += *std::max_element(w.maxima->begin(), w.maxima->end());
    }
    set_maxweight(max);
    did_ = 0;
    at_end_ = false;
  }
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return words_[0].freq; }
  Xapian::doccount get_termfreq_max() const override { return words_[0].freq; }
  Xapian::docid get_docid() const override { return did_; }
  bool at_end() const override { return at_end_; }
  void next(double min_wt) override {
    if (did_ == kLastDocid) {
      at_end_ = true;
      return;
    }
    Advance(did_ + 1, min_wt);
  }
  void skip_to(Xapian::docid did, double min_wt) override {
    if (did > did_) Advance(did, min_wt);
  }
  double get_weight() const override {
    double sum = 0;  // As Xapian's AND adds its words' parts.
    for (size_t i = 0; i < words_.size(); ++i)
      sum += bm25_.Part(words_[i].weight, its_[i].get_wdf(),
                        its_[i].get_doclength());
    return sum;
  }
  BlockMaxSource* clone() const override {
    return new BlockMaxSource(words_, bm25_, prior_maxima_, prior_max_);
  }

 private:
  // The most a document of block `k` can weigh, with its priors.
  double Bound(size_t k) const {
    double bound = 0;
    for (const Word& w : words_) bound += (*w.maxima)[k];
    return prior_maxima_ ? bound + (*prior_maxima_)[k] : bound;
  }

  // Moves to the first document from `target` on that every word indexes,
  // in a block that can reach `min_wt` (the threshold less prior_max_).
  void Advance(Xapian::docid target, double min_wt) {
    const double threshold = min_wt + prior_max_;
    const double needed = threshold - std::abs(threshold) * kSlack;
    for (;;) {
      its_[0].skip_to(target);
      if (its_[0] == ends_[0]) break;
      const Xapian::docid did = *its_[0];
      const size_t k = BlockOf(did);
      if (needed > 0 && Bound(k) < needed) {
        const uint64_t next = (uint64_t{k} + 1) * kBlockDocs + 1;
        if (next > kLastDocid) break;
        target = static_cast<Xapian::docid>(next);
        continue;
      }
      target = OnAll(did);
      if (target == did) {
        did_ = did;
        return;
      }
      if (target == 0) break;
    }
    at_end_ = true;
  }

  // `did` when every other word indexes it too; else the next document
  // one of them indexes, or 0 when one has no more.
  Xapian::docid OnAll(Xapian::docid did) {
    for (size_t i = 1; i < its_.size(); ++i) {
      its_[i].skip_to(did);
      if (its_[i] == ends_[i]) return 0;
      if (*its_[i] != did) return *its_[i];
    }
    return did;
  }

  std::vector<Word> words_;
  Bm25Formula bm25_;
  BlockBounds::Maxima prior_maxima_;
  double prior_max_;
  std::vector<Xapian::PostingIterator> its_, ends_;
  Xapian::docid did_ = 0;
  bool at_end_ = false;
};

// Whether the source adds the parts of `terms` (indexed by `freqs`
// documents) in the order Xapian's AND does: by ascending frequency, which
// two parts need not follow (a + b is b + a) but three or more must, so
// their frequencies must differ. A repeated word weighs more (its wqf).
bool SumsInKnownOrder(const std::vector<std::string>& terms,
                      const std::vector<Xapian::doccount>& freqs) {
  for (size_t i = 0; i < terms.size(); ++i)
    for (size_t j = i + 1; j < terms.size(); ++j)
      if (terms[i] == terms[j] || (terms.size() > 2 && freqs[i] == freqs[j]))
        return false;
  return true;
}

}  // namespace

Bm25Formula::Bm25Formula(const Xapian::Database& db, double k1, double b)
    : k1_(k1), b_(b), len_factor_(0), documents_(db.get_doccount()) {
  // Weight::Internal::get_average_length, then BM25Weight::init.
  if (documents_ > 0) {
    const double average =
        static_cast<double>(db.get_total_length()) / documents_;
    if (average != 0) len_factor_ = 1 / average;
  }
}

double Bm25Idf(double documents, double termfreq) {
  double ratio = (documents - termfreq + 0.5) / (termfreq + 0.5);
  if (ratio < 2) ratio = ratio * 0.5 + 1;
  return std::log(ratio);
}

double Bm25Formula::TermWeight(Xapian::doccount termfreq) const {
  double weight = Bm25Idf(documents_, termfreq) * 1.0;  // The query's factor.
  const double wqf = 1;
  weight *= (kK3 + 1) * wqf / (kK3 + wqf);
  weight *= (k1_ + 1);
  return weight;
}

double Bm25Formula::Part(double term_weight, Xapian::termcount wdf,
                         Xapian::termcount length) const {
  const double normlen = std::max(length * len_factor_, kMinNormLength);
  const double wdf_double(wdf);
  const double denom = k1_ * (normlen * b_ + (1 - b_)) + wdf_double;
  return term_weight * (wdf_double / denom);
}

BlockBounds::BlockBounds(const Xapian::Database& db,
                         const PriorColumns& columns)
    : db_(db), blocks_(BlockOf(db.get_lastdocid() + 1) + 1), most_(blocks_) {
  const Xapian::docid last = db.get_lastdocid();
  for (Xapian::docid did = 1; did <= last; ++did) {
    const PriorColumns::Row& row = columns.at(did);
    PriorColumns::Row& most = most_[BlockOf(did)];
    most.quality = std::max(most.quality, row.quality);
    most.heat = std::max(most.heat, row.heat);
    most.day = std::max(most.day, row.day);
  }
}

BlockBounds::Maxima BlockBounds::TermMaxima(const std::string& term,
                                            const Bm25Formula& bm25) {
  auto it = terms_.find(term);
  if (it != terms_.end()) return it->second;
  if ((terms_.size() + 1) * blocks_ * sizeof(double) > kKeptBytes)
    terms_.clear();
  auto maxima = std::make_shared<std::vector<double>>(blocks_, 0.0);
  const double weight = bm25.TermWeight(db_.get_termfreq(term));
  for (auto p = db_.postlist_begin(term); p != db_.postlist_end(term); ++p) {
    double& most = (*maxima)[BlockOf(*p)];
    most = std::max(most, bm25.Part(weight, p.get_wdf(), p.get_doclength()));
  }
  return terms_[term] = std::move(maxima);
}

BlockBounds::Maxima BlockBounds::PriorMaxima(const PriorWeights& weights,
                                             const PriorSlots& slots) const {
  auto maxima = std::make_shared<std::vector<double>>();
  maxima->reserve(blocks_);
  for (const PriorColumns::Row& most : most_)
    maxima->push_back(PriorBound(weights, slots, most));
  return maxima;
}

std::optional<Q> BlockMaxQuery(const Xapian::Database& db,
                               const Conjunction& text, double k1, double b,
                               BlockBounds& bounds, const PriorWeights* priors,
                               const PriorSlots& slots) {
  const std::vector<std::string>& terms = text.terms;
  if (terms.empty()) return std::nullopt;
  std::vector<Xapian::doccount> freqs;
  for (const std::string& term : terms) freqs.push_back(db.get_termfreq(term));
  if (!SumsInKnownOrder(terms, freqs)) return std::nullopt;
  const Bm25Formula bm25(db, k1, b);
  std::vector<BlockMaxSource::Word> words;
  for (size_t i = 0; i < terms.size(); ++i) {
    BlockMaxSource::Word w;
    w.term = terms[i];
    w.freq = freqs[i];
    if (w.freq == 0) return std::nullopt;  // Xapian's own match is empty.
    w.weight = bm25.TermWeight(w.freq);
    w.maxima = bounds.TermMaxima(w.term, bm25);
    words.push_back(std::move(w));
  }
  BlockBounds::Maxima prior_maxima;
  double prior_max = 0;
  if (priors) {
    prior_maxima = bounds.PriorMaxima(*priors, slots);
    prior_max = MaxPriorWeight(*priors, slots);
  }
  const Q source((new BlockMaxSource(std::move(words), bm25,
                                     std::move(prior_maxima), prior_max))
                     ->release());
  if (text.filters.empty()) return source;
  // Filters add 0 to the AND's sum: the words' parts, as before.
  return Q(Q::OP_FILTER, source,
           Q(Q::OP_AND, text.filters.begin(), text.filters.end()));
}

}  // namespace nsearch::searcher
