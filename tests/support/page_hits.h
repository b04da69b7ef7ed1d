// The hits of a search page as (id, score) pairs, for tests that compare
// two ways of running the same request.

#ifndef NSEARCH_TESTS_SUPPORT_PAGE_HITS_H_
#define NSEARCH_TESTS_SUPPORT_PAGE_HITS_H_

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "searcher/searcher.h"

namespace nsearch::testing {

// Fails the test (not fatally) when the search does.
inline std::vector<std::pair<std::string, double>> PageHits(
    searcher::Searcher& searcher, const searcher::SearchRequest& request) {
  auto page = searcher.Search(request);
  EXPECT_TRUE(page.ok()) << request.query << ": " << page.error().ToString();
  std::vector<std::pair<std::string, double>> hits;
  if (page.ok())
    for (const searcher::Hit& hit : page->hits)
      hits.emplace_back(hit.document.id, hit.score);
  return hits;
}

}  // namespace nsearch::testing

#endif  // NSEARCH_TESTS_SUPPORT_PAGE_HITS_H_
