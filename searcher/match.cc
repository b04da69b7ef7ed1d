#include "searcher/match.h"

#include <algorithm>
#include <functional>
#include <set>

#include "searcher/expand_terms.h"
#include "searcher/pruning_guard.h"

namespace nsearch::searcher {

namespace {

using Q = Xapian::Query;

// An enquire for a page of one tier: BM25, the sort and the collapse key.
Xapian::Enquire MakeEnquire(const Xapian::Database& db, const Q& query,
                            const MatchOptions& options) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(
      Xapian::BM25Weight(options.k1, 0, 1, options.b, 0.5));
  if (options.sort_slot)
    enquire.set_sort_by_value_then_relevance(*options.sort_slot, true);
  if (options.collapse_slot) enquire.set_collapse_key(*options.collapse_slot);
  if (options.time_limit > 0) enquire.set_time_limit(options.time_limit);
  return enquire;
}

// The documents a wildcard's terms index, as Xapian estimates their union
// (the synonym its expansions make) in a match of no documents, which reads
// no posting: over remote shards each server expands its own terms.
double WildcardFreq(const Xapian::Database& db, const ScoredLeaf& leaf) {
  Xapian::Enquire enquire(db);
  enquire.set_query(Q(Q::OP_WILDCARD, leaf.term,
                      static_cast<Xapian::termcount>(leaf.expansion),
                      Q::WILDCARD_LIMIT_MOST_FREQUENT, Q::OP_SYNONYM));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  return enquire.get_mset(0, 0).get_matches_estimated();
}

Total TotalOf(const Xapian::MSet& mset) {
  Total t;
  t.estimated = mset.get_matches_estimated();
  t.lower = mset.get_matches_lower_bound();
  t.upper = mset.get_matches_upper_bound();
  return t;
}

// The words of `optional` that the hit at `it` lacks.
std::vector<std::string> MissingWords(
    const Xapian::Enquire& enquire, const Xapian::MSetIterator& it,
    const std::vector<std::pair<std::string, std::vector<std::string>>>&
        optional) {
  const std::set<std::string> matching(enquire.get_matching_terms_begin(it),
                                       enquire.get_matching_terms_end(it));
  std::vector<std::string> missing;
  for (const auto& [word, terms] : optional) {
    const bool has = std::all_of(terms.begin(), terms.end(), [&](auto& t) {
      return matching.count(t) > 0;
    });
    if (!has) missing.push_back(word);
  }
  return missing;
}

// Runs one tier's page: `offset`, `limit` of its own ranking.
Xapian::MSet RunTier(const Xapian::Enquire& enquire, size_t offset,
                     size_t limit, const MatchOptions& options) {
  return enquire.get_mset(static_cast<Xapian::doccount>(offset),
                          static_cast<Xapian::doccount>(limit),
                          static_cast<Xapian::doccount>(offset + limit),
                          nullptr, options.decider);
}

// The documents `query` matches, exactly up to kExactTotalLimit (Xapian's
// counts under collapsing stay estimates, so this is a pass of its own:
// unweighted, uncollapsed). With a spy, every match is counted and shown
// to it.
Total CountDocuments(const Xapian::Database& db, const Q& query,
                     const MatchOptions& options, bool spied) {
  Xapian::Enquire count(db);
  count.set_query(query);
  count.set_weighting_scheme(Xapian::BoolWeight());
  if (spied)
    for (Xapian::MatchSpy* spy : options.spies) count.add_matchspy(spy);
  if (options.time_limit > 0) count.set_time_limit(options.time_limit);
  const Xapian::doccount check =
      spied && !options.spies.empty() ? db.get_doccount() : kExactTotalLimit;
  return TotalOf(count.get_mset(0, 0, check, nullptr, options.decider));
}

// Stories (collapsed hits) in the first `offset` of a tier's ranking.
size_t StoriesBefore(const Xapian::Enquire& enquire, size_t offset,
                     const MatchOptions& options) {
  return enquire
      .get_mset(0, static_cast<Xapian::doccount>(offset), 0, nullptr,
                options.decider)
      .size();
}

void AddHits(const Xapian::MSet& mset, bool all_words,
             const MatchOptions& options, std::vector<MatchedHit>* hits) {
  std::vector<Xapian::Document> docs;
  if (options.documents && mset.size() > 1)
    docs = options.documents({mset.begin(), mset.end()});
  size_t i = 0;
  for (auto it = mset.begin(); it != mset.end(); ++it, ++i) {
    MatchedHit hit;
    hit.doc = docs.empty() ? it.get_document() : std::move(docs[i]);
    hit.docid = *it;
    hit.score = it.get_weight();
    hit.duplicates = it.get_collapse_count();
    hit.all_words = all_words;
    hits->push_back(std::move(hit));
  }
}

}  // namespace

Total& Total::operator+=(const Total& other) {
  estimated += other.estimated;
  lower += other.lower;
  upper += other.upper;
  return *this;
}

std::vector<Xapian::doccount> TermFrequencies(
    const Xapian::Database& db, const std::vector<std::string>& terms,
    bool remote) {
  std::vector<Xapian::doccount> out;
  out.reserve(terms.size());
  if (!remote) {
    for (const std::string& t : terms) out.push_back(db.get_termfreq(t));
    return out;
  }
  std::vector<Q> leaves(terms.begin(), terms.end());
  Xapian::Enquire enquire(db);
  enquire.set_query(Q(Q::OP_OR, leaves.begin(), leaves.end()));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  const Xapian::MSet stats = enquire.get_mset(0, 0);
  for (const std::string& t : terms) out.push_back(stats.get_termfreq(t));
  return out;
}

double QueryScale(const Xapian::Database& db,
                  const std::vector<ScoredLeaf>& scored, double k1,
                  bool remote) {
  const double documents = db.get_doccount();
  std::vector<std::string> terms;
  for (const ScoredLeaf& leaf : scored)
    if (leaf.expansion == 0) terms.push_back(leaf.term);
  const std::vector<Xapian::doccount> freqs =
      TermFrequencies(db, terms, remote);
  double scale = 0;
  size_t next_term = 0;
  for (const ScoredLeaf& leaf : scored) {
    const double termfreq =
        leaf.expansion > 0 ? WildcardFreq(db, leaf) : freqs[next_term++];
    if (termfreq > 0)
      scale += leaf.weight * (k1 + 1) * Bm25Idf(documents, termfreq);
  }
  return scale > 0 ? scale : 1.0;
}

namespace {

// The priors of `options`, with the plan's scale.
std::optional<PriorWeights> ScaledPriors(const Xapian::Database& db,
                                         const QueryPlan& plan,
                                         const MatchOptions& options) {
  if (!options.priors) return std::nullopt;
  PriorWeights priors = *options.priors;
  priors.scale = QueryScale(db, plan.scored, options.k1, options.remote);
  return priors;
}

// The strict tier's text, as block-max matching runs it when it can
// (MatchOptions::block_bounds): the plan's words and filters
// (BlockMaxQuery). `prior` is the priors' query, `expansion` the query's
// expansion (none: empty).
Q StrictText(const Xapian::Database& db, const QueryPlan& plan,
             const MatchOptions& options, const MatchResult& result,
             const Q& prior, const Q& expansion) {
  if (!options.block_bounds || options.sort_slot || !expansion.empty() ||
      !plan.conjunction)
    return plan.strict;
  const PriorWeights* under = prior.empty() ? nullptr : &*result.priors;
  return BlockMaxQuery(db, *plan.conjunction, options.k1, options.b,
                       *options.block_bounds, under, options.prior_slots)
      .value_or(plan.strict);
}

// The relaxed tier's part of the page, after the strict tier's `page`
// (which ended on or before this page).
void AddRelaxedTier(const Xapian::Database& db, const QueryPlan& plan,
                    const MatchOptions& options,
                    const std::function<Q(const Q&)>& ranked,
                    const Xapian::Enquire& strict, const Xapian::MSet& page,
                    MatchResult* result) {
  // Stories of the strict tier before this page's relaxed hits: exact here,
  // since that tier ended.
  const size_t strict_stories =
      page.empty() ? StoriesBefore(strict, options.offset, options)
                   : options.offset + page.size();
  const Xapian::Enquire relaxed = MakeEnquire(
      db, ranked(Q(Q::OP_AND_NOT, plan.relaxed, plan.strict)), options);
  const size_t offset =
      options.offset > strict_stories ? options.offset - strict_stories : 0;
  const Xapian::MSet more =
      RunTier(relaxed, offset, options.limit - page.size(), options);
  size_t i = result->hits.size();
  AddHits(more, false, options, &result->hits);
  for (auto it = more.begin(); it != more.end(); ++it, ++i)
    result->hits[i].missing = MissingWords(relaxed, it, plan.optional);
  result->total = CountDocuments(db, plan.relaxed, options, true);
  result->counted = plan.relaxed;
  result->relaxed =
      !more.empty() || result->total.upper > result->all_words.upper;
}

// The docids of the first `count` hits of `plan` ranked by `ranked`: the
// strict tier's, then the relaxed tier's (RunPlan's page at offset 0),
// without the page's documents, totals or missing words.
std::vector<Xapian::docid> FirstHits(const Xapian::Database& db,
                                     const QueryPlan& plan,
                                     const MatchOptions& options,
                                     const std::function<Q(const Q&)>& ranked,
                                     size_t count) {
  std::vector<Xapian::docid> docids;
  const Xapian::MSet strict =
      RunTier(MakeEnquire(db, ranked(plan.strict), options), 0, count, options);
  for (auto it = strict.begin(); it != strict.end(); ++it)
    docids.push_back(*it);
  if (!plan.relaxable() || docids.size() >= count) return docids;
  const Xapian::MSet relaxed = RunTier(
      MakeEnquire(db, ranked(Q(Q::OP_AND_NOT, plan.relaxed, plan.strict)),
                  options),
      0, count - docids.size(), options);
  for (auto it = relaxed.begin(); it != relaxed.end(); ++it)
    docids.push_back(*it);
  return docids;
}

// The expansion of `plan` (MatchOptions::expand): the terms of its first
// hits, as `ranked` ranks them, that best tell them from the rest of the
// collection (ExpandTerms: Xapian's expand set, Robertson's selection
// value), each weighed by its share of their values, together `weight`
// times the query's own words (RM3's interpolation, with BM25 for the
// language model). Empty when the query finds nothing or has no words.
std::vector<std::pair<std::string, double>> Expansion(
    const Xapian::Database& db, const QueryPlan& plan,
    const MatchOptions& options, const std::function<Q(const Q&)>& ranked) {
  double words = 0;  // The query's own, a minor word counting its weight.
  for (const ScoredLeaf& leaf : plan.scored) words += leaf.weight;
  if (words <= 0) return {};  // Filters alone: no text to expand.
  const std::vector<ExpandTerm> eset = ExpandTerms(
      db, FirstHits(db, plan, options, ranked, options.expand->documents),
      options.expand->terms, options.expand_accepts, options.remote);
  double values = 0;
  for (const ExpandTerm& t : eset) values += t.weight;
  std::vector<std::pair<std::string, double>> terms;
  if (values <= 0) return terms;
  for (const ExpandTerm& t : eset)
    terms.emplace_back(t.term,
                       options.expand->weight * words * t.weight / values);
  return terms;
}

// The expansion's terms as one query that ranks (to join with AND_MAYBE).
Q ExpansionQuery(const std::vector<std::pair<std::string, double>>& terms) {
  std::vector<Q> weighed;
  for (const auto& [term, weight] : terms)
    weighed.emplace_back(Q::OP_SCALE_WEIGHT, Q(term), weight);
  return Q(Q::OP_OR, weighed.begin(), weighed.end());
}

}  // namespace

std::vector<double> ExpansionParts(const Xapian::Database& db,
                                   const Xapian::Query& expansion,
                                   const std::vector<std::string>& id_terms,
                                   const std::vector<Xapian::docid>& docids,
                                   double k1, double b) {
  // The same terms and weights over the same statistics: the part each
  // document got in the match (AND_MAYBE adds its right side's weight).
  Xapian::Enquire enquire(db);
  const Q ids(Q::OP_OR, id_terms.begin(), id_terms.end());
  enquire.set_query(Q(Q::OP_FILTER, expansion, ids));
  enquire.set_weighting_scheme(Xapian::BM25Weight(k1, 0, 1, b, 0.5));
  const Xapian::MSet mset =
      enquire.get_mset(0, static_cast<Xapian::doccount>(docids.size()));
  std::vector<double> parts(docids.size(), 0.0);
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const auto at = std::find(docids.begin(), docids.end(), *it);
    if (at != docids.end()) parts[at - docids.begin()] = it.get_weight();
  }
  return parts;
}

MatchResult RunPlan(const Xapian::Database& db, const QueryPlan& plan,
                    const MatchOptions& options) {
  MatchResult result;
  result.priors = ScaledPriors(db, plan, options);
  const Q prior = result.priors
                      ? PriorQuery(db, options.prior_slots, *result.priors,
                                   options.prior_columns, !options.remote,
                                   options.slot_bounds)
                      : Q();
  const std::function<Q(const Q&)> with_priors = [&](const Q& text) {
    return prior.empty() ? text : Q(Q::OP_AND_MAYBE, text, prior);
  };
  Q expansion;
  // With no page to rank (--limit 0), expansion would change nothing.
  if (options.expand && options.limit > 0) {
    const auto terms = Expansion(db, plan, options, with_priors);
    for (const auto& term : terms) result.expanded.push_back(term.first);
    if (!terms.empty()) expansion = ExpansionQuery(terms);
    result.expansion = expansion;
  }
  // Every tier's ranking: the text (and its expansion) guarded against
  // Xapian's pruning, then the priors.
  const std::function<Q(const Q&)> ranked = [&](const Q& query) {
    return with_priors(GuardPruning(
        expansion.empty() ? query : Q(Q::OP_AND_MAYBE, query, expansion),
        options.remote));
  };
  const Xapian::Enquire strict = MakeEnquire(
      db, ranked(StrictText(db, plan, options, result, prior, expansion)),
      options);
  const Xapian::MSet page =
      RunTier(strict, options.offset, options.limit, options);
  AddHits(page, true, options, &result.hits);
  // Documents with some of the words follow once those with all run out.
  const bool reach_relaxed = plan.relaxable() && page.size() < options.limit;
  result.all_words = CountDocuments(db, plan.strict, options, !reach_relaxed);
  result.total = result.all_words;
  result.counted = plan.strict;
  if (reach_relaxed)
    AddRelaxedTier(db, plan, options, ranked, strict, page, &result);
  return result;
}

}  // namespace nsearch::searcher
