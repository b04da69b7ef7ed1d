// Facet counts over the whole match set (`query --facets topic,year`).

#ifndef NSEARCH_SEARCHER_FACETS_H_
#define NSEARCH_SEARCHER_FACETS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "common/analyzer.h"
#include "common/output.h"
#include "common/schema.h"
#include "common/status.h"

namespace nsearch::searcher {

struct FacetSpec {
  std::string name;  // "topic", "provider", "type", "year", ...
  unsigned slot = 0;
  bool year = false;  // Slot holds a date; count by UTC year.
};

// Resolves facet names against the schema: a field with a facet_slot, or
// "year" (from the date field's slot). kInvalidArgument for others.
Result<std::vector<FacetSpec>> ResolveFacets(
    const Schema& schema, const std::vector<std::string>& names);

// A date histogram's bucket width (`query --histogram month`).
enum class Interval { kNone, kDay, kWeek, kMonth, kYear };

// Parses "day", "week", "month" or "year".
Result<Interval> ParseInterval(const std::string& name);

// The start of the bucket of `interval` holding `seconds` (weeks start on
// Monday, UTC).
int64_t BucketStart(Interval interval, int64_t seconds);

// Counts the values of each facet in the documents the match visits, and
// their dates by `interval`. Values are grouped as the filters match them
// (the analyzer's NormalizeValue: "Management Tools" and "Management
// tools" are one value, shown in its most frequent spelling), and each
// document counts once per group, so a value's count is the total of the
// matching filter. The match calls it once per matching document; a
// spelling is normalized once. Thread-safety: one per Enquire, as Xapian
// requires.
class FacetSpy : public Xapian::MatchSpy {
 public:
  // REQUIRES: `analyzer` outlives the spy. `date_slot` is needed for a
  // histogram.
  FacetSpy(std::vector<FacetSpec> facets, Analyzer* analyzer,
           Interval histogram = Interval::kNone,
           std::optional<unsigned> date_slot = std::nullopt);

  void operator()(const Xapian::Document& doc, double weight) override;

  // {"topic": [{"value": "Azure", "count": 12}, ...], ...}: most frequent
  // first, then by value; at most `top` values per facet.
  Json ToJson(size_t top) const;
  // {"interval", "buckets": [{"key", "from", "count"}], "undated"}, oldest
  // bucket first.
  Json HistogramJson() const;

 private:
  struct Group {
    size_t documents = 0;
    std::map<std::string, size_t> spellings;  // Spelling -> uses.
  };
  void CountValues(size_t facet, std::string_view values);

  std::vector<FacetSpec> facets_;
  Analyzer* analyzer_;
  // Per facet: normalized value -> its group (year facets count in years_).
  std::vector<std::map<std::string, Group>> groups_;
  std::unordered_map<std::string, std::string> normalized_;  // Cache.
  std::vector<std::map<int64_t, size_t>> years_;
  Interval histogram_;
  std::optional<unsigned> date_slot_;
  std::map<int64_t, size_t> buckets_;
  size_t undated_ = 0;
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_FACETS_H_
