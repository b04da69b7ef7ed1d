// Facet counts over the whole match set (`query --facets topic,year`).

#ifndef NSEARCH_SEARCHER_FACETS_H_
#define NSEARCH_SEARCHER_FACETS_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "common/analyzer.h"
#include "common/schema.h"
#include "common/status.h"

namespace nsearch::searcher {

struct FacetSpec {
  std::string name;  // "topic", "provider", "type", "year", ...
  unsigned slot = 0;
  bool year = false;  // Slot holds day numbers; count by UTC year.
};

// The slot of each document's UTC day (the recency prior's), nullopt when
// the schema has no date field.
std::optional<unsigned> DaySlot(const Schema& schema);

// Resolves facet names against the schema: a field with a facet_slot, or
// "year" (from DaySlot). kInvalidArgument for others.
Result<std::vector<FacetSpec>> ResolveFacets(
    const Schema& schema, const std::vector<std::string>& names);

// A date histogram's bucket width (`query --histogram month`).
enum class Interval { kNone, kDay, kWeek, kMonth, kYear };

// Parses "day", "week", "month" or "year".
Result<Interval> ParseInterval(const std::string& name);
const char* IntervalName(Interval interval);

// The start of the bucket of `interval` holding `seconds` (weeks start on
// Monday, UTC).
int64_t BucketStart(Interval interval, int64_t seconds);

struct FacetValue {
  std::string value;
  size_t count = 0;
};

struct Facet {
  std::string name;
  std::vector<FacetValue> values;  // Most frequent first (years: newest).
};

struct HistogramBucket {
  std::string key;   // "2024", "2024-05" or "2024-05-06".
  int64_t from = 0;  // The bucket's start, seconds since the epoch.
  size_t count = 0;
};

struct Histogram {
  Interval interval = Interval::kNone;
  std::vector<HistogramBucket> buckets;  // Oldest first.
  size_t undated = 0;
};

// Counts the values of each facet in the documents a match visits, and
// their dates by `interval`, with Xapian's own ValueCountMatchSpy (one per
// slot), so that remote shards count for themselves. Values are grouped as
// the filters match them (the analyzer's NormalizeValue: "Management
// Tools" and "Management tools" are one value, shown in its most frequent
// spelling), and each document counts once per group, so a value's count
// is the total of the matching filter. Years and histogram buckets come
// from the day slot (DaySlot).
class FacetCounter {
 public:
  // REQUIRES: `analyzer` outlives the counter. `day_slot` is needed for a
  // histogram.
  FacetCounter(std::vector<FacetSpec> facets, Analyzer* analyzer,
               Interval histogram = Interval::kNone,
               std::optional<unsigned> day_slot = std::nullopt);

  // The spies to add to the match that visits the documents (empty when
  // there is nothing to count). Owned by the counter.
  std::vector<Xapian::MatchSpy*> spies() const;

  // The counts of each facet, in the order asked: most frequent value
  // first, then by value (years: newest first); at most `top` values each.
  std::vector<Facet> Counts(size_t top);
  // The date histogram, oldest bucket first.
  Histogram Buckets();

 private:
  struct Group {
    size_t documents = 0;
    std::map<std::string, size_t> spellings;  // Spelling -> uses.
  };
  void SpyOn(unsigned slot);
  // Reads the spies' counts into groups, years and buckets (once).
  void Fold();
  // `documents` documents have the joined spellings `values`.
  void CountValues(size_t facet, std::string_view values, size_t documents);
  // The start of the day a day-slot value names, in seconds.
  static int64_t DaySeconds(const std::string& value);

  std::vector<FacetSpec> facets_;
  Analyzer* analyzer_;
  std::map<unsigned, std::unique_ptr<Xapian::ValueCountMatchSpy>> spies_;
  bool folded_ = false;
  // Per facet: normalized value -> its group (year facets count in years_).
  std::vector<std::map<std::string, Group>> groups_;
  std::vector<std::map<int64_t, size_t>> years_;
  Interval histogram_;
  std::optional<unsigned> day_slot_;
  std::map<int64_t, size_t> buckets_;
  size_t undated_ = 0;
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_FACETS_H_
