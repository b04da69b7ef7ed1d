// Facet counts over the whole match set (`query --facets topic,year`).

#ifndef NSEARCH_SEARCHER_FACETS_H_
#define NSEARCH_SEARCHER_FACETS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

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

// Counts the values of each facet in the documents the match visits. The
// match calls it once per matching document, so it allocates nothing for a
// value it has seen before. Thread-safety: one per Enquire, as Xapian
// requires.
class FacetSpy : public Xapian::MatchSpy {
 public:
  explicit FacetSpy(std::vector<FacetSpec> facets);

  void operator()(const Xapian::Document& doc, double weight) override;

  // {"topic": [{"value": "Azure", "count": 12}, ...], ...}: most frequent
  // first, then by value; at most `top` values per facet.
  Json ToJson(size_t top) const;

 private:
  std::vector<FacetSpec> facets_;
  // Per facet: value -> documents (year facets count in years_).
  std::vector<std::map<std::string, size_t, std::less<>>> counts_;
  std::vector<std::map<int64_t, size_t>> years_;
};

}  // namespace nsearch::searcher

#endif  // NSEARCH_SEARCHER_FACETS_H_
