#include "searcher/block_max.h"

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "indexer/indexer.h"
#include "searcher/searcher.h"
#include "tests/support/page_hits.h"
#include "tests/support/test_support.h"

namespace nsearch::searcher {
namespace {

using nsearch::testing::TempDir;
using Q = Xapian::Query;

// Words of very different frequencies: the first are in most documents.
const std::vector<std::string>& Words() {
  static const std::vector<std::string> kWords = {
      "power",   "apps",    "azure",    "data",     "cloud",  "model",
      "server",  "gallery", "canvas",   "function", "list",   "connector",
      "kernel",  "python",  "pipeline", "tensor",   "sensor", "quantum",
      "harbour", "violin",  "glacier",  "lantern",  "meadow", "orchid"};
  return kWords;
}

// `count` words drawn with a skew towards the first ones.
std::string Text(std::mt19937& rng, int count) {
  std::geometric_distribution<int> pick(0.15);
  std::string out;
  for (int i = 0; i < count; ++i) {
    const size_t w = static_cast<size_t>(pick(rng)) % Words().size();
    out += (i ? " " : "") + Words()[w];
  }
  return out;
}

// 1,500 documents (24 blocks): skewed words and lengths, priors spread
// out (some missing), dates over four months, and every twentieth a copy
// of an earlier one from another outlet (a story of two).
void WriteCorpus(const TempDir& dir) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> percent(0, 100), day(1, 28), month(1, 4),
      words(4, 60);
  std::vector<std::pair<std::string, std::string>> heads;  // Title, excerpt.
  for (int i = 0; i < 1500; ++i) {
    heads.emplace_back(Text(rng, 4), Text(rng, 8));
    if (i % 20 == 19) heads.back() = heads[static_cast<size_t>(i / 2)];
    const std::string body = Text(rng, words(rng));
    char date[32];
    std::snprintf(date, sizeof date, "2024-%02d-%02dT08:00:00Z", month(rng),
                  day(rng));
    std::string doc = "---\ntitle: \"" + heads.back().first + "\"\n";
    doc += "excerpt: \"" + heads.back().second + "\"\n";
    if (i % 7) doc += "quality: " + std::to_string(percent(rng)) + "\n";
    if (i % 5) doc += "heat: " + std::to_string(percent(rng)) + "\n";
    if (i % 11) doc += std::string("publishedDateTime: ") + date + "\n";
    doc += "webUrl: \"https://site" + std::to_string(i % 3) + ".example/" +
           std::to_string(i) + "\"\n---\n" + body + "\n";
    dir.Write("content/d" + std::to_string(i) + ".md", doc);
  }
}

class BlockMaxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    WriteCorpus(*dir_);
    indexer::IndexOptions options;
    options.index_path = dir_->path() + "/ix";
    options.roots = {dir_->path() + "/content"};
    ASSERT_TRUE(indexer::RunIndex(options).ok());
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string IndexDir() { return dir_->path() + "/ix"; }

  static TempDir* dir_;
};

TempDir* BlockMaxTest::dir_ = nullptr;

// Bm25Formula gives every document the weight Xapian's BM25Weight gives
// it, to the last bit, for one word and for an AND of two.
TEST_F(BlockMaxTest, Bm25FormulaIsXapiansToTheBit) {
  const Xapian::Database db(IndexDir());
  const Bm25Formula bm25(db, 1.2, 0.75);
  const std::vector<std::vector<std::string>> queries = {
      {"power"}, {"violin"}, {"power", "apps"}, {"canvas", "orchid"}};
  size_t compared = 0;
  for (const auto& terms : queries) {
    std::vector<Q> leaves(terms.begin(), terms.end());
    Xapian::Enquire enquire(db);
    enquire.set_query(Q(Q::OP_AND, leaves.begin(), leaves.end()));
    enquire.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0.5));
    const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      double sum = 0;
      for (const std::string& t : terms) {
        Xapian::PostingIterator p = db.postlist_begin(t);
        p.skip_to(*it);
        sum += bm25.Part(bm25.TermWeight(db.get_termfreq(t)), p.get_wdf(),
                         p.get_doclength());
      }
      EXPECT_EQ(it.get_weight(), sum) << terms[0] << " doc " << *it;
      ++compared;
    }
  }
  EXPECT_GT(compared, 1000u);
}

// The block-max source lists every document of the AND it replaces, in
// the same order, with the same weight to the last bit, for one to four
// words (Xapian adds three or more in ascending frequency) and with
// filters that weigh nothing. With room for every match, it skips nothing.
TEST_F(BlockMaxTest, TheSourceWeighsAsXapiansAnd) {
  const Xapian::Database db(IndexDir());
  PriorColumns columns(db, PriorSlots{});
  BlockBounds bounds(db, columns);
  const Q filter(Q::OP_SCALE_WEIGHT, Q("XHsite1.example"), 0.0);
  const std::vector<std::vector<std::string>> queries = {
      {"power"},
      {"power", "apps"},
      {"glacier", "data"},
      {"power", "apps", "azure"},
      {"data", "cloud", "model", "server"}};
  size_t compared = 0;
  for (const auto& terms : queries)
    for (bool filtered : {false, true}) {
      std::vector<Q> parts(terms.begin(), terms.end());
      Conjunction text{terms, {}};
      if (filtered) {
        parts.push_back(filter);
        text.filters.push_back(filter);
      }
      const Q plain(Q::OP_AND, parts.begin(), parts.end());
      const auto source =
          BlockMaxQuery(db, text, 1.2, 0.75, bounds, nullptr, PriorSlots{});
      ASSERT_TRUE(source.has_value()) << plain.get_description();
      auto run = [&](const Q& q) {
        Xapian::Enquire enquire(db);
        enquire.set_query(q);
        enquire.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0.5));
        std::vector<std::pair<Xapian::docid, double>> hits;
        const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
        for (auto it = mset.begin(); it != mset.end(); ++it)
          hits.emplace_back(*it, it.get_weight());
        return hits;
      };
      const auto expected = run(plain);
      EXPECT_EQ(expected, run(*source)) << plain.get_description();
      compared += expected.size();
    }
  EXPECT_GT(compared, 1000u);
}

// Which conjunctions run block-max: different words that are in some
// document (three or more only at different frequencies), with or without
// filters. Which queries are conjunctions: QueryParserTest.
TEST_F(BlockMaxTest, WhichConjunctionsRunBlockMax) {
  const Xapian::Database db(IndexDir());
  PriorColumns columns(db, PriorSlots{});
  BlockBounds bounds(db, columns);
  auto runs = [&](const std::vector<std::string>& terms,
                  const std::vector<Q>& filters = {}) {
    return BlockMaxQuery(db, Conjunction{terms, filters}, 1.2, 0.75, bounds,
                         nullptr, PriorSlots{})
        .has_value();
  };
  EXPECT_TRUE(runs({"power"}));
  EXPECT_TRUE(runs({"power", "violin"}));
  EXPECT_TRUE(runs({"power", "apps", "data"}));
  EXPECT_TRUE(runs({"power", "apps"}, {Q(Q::OP_VALUE_GE, 9, "x")}));
  EXPECT_FALSE(runs({}, {Q(Q::OP_VALUE_GE, 9, "x")}));  // No word.
  EXPECT_FALSE(runs({"power", "power"}));  // A repeated word weighs more.
  EXPECT_FALSE(runs({"power", "nosuchword"}));
  // Three words, two of them in as many documents (a word and its stem):
  // Xapian's order of adding is not known.
  std::vector<std::string> tied = {"violin", "Zviolin"};
  ASSERT_EQ(db.get_termfreq(tied[0]), db.get_termfreq(tied[1]));
  EXPECT_TRUE(runs(tied));
  tied.push_back("power");
  EXPECT_FALSE(runs(tied));
}

// A batch searcher with block bounds lists the same hits with the same
// scores as one without, whatever the words, page, priors and recency.
TEST_F(BlockMaxTest, PagesAreThoseOfTheFullMatch) {
  auto with = Searcher::Open(IndexDir());
  auto without = Searcher::Open(IndexDir());
  ASSERT_TRUE(with.ok() && without.ok());
  (*with)->KeepPriorsInMemory(true);
  (*without)->KeepPriorsInMemory(false);
  std::vector<SearchRequest> requests;
  for (size_t a = 0; a < Words().size(); a += 2)
    for (size_t b = a; b < Words().size(); b += 3) {
      SearchRequest r;
      r.query = a == b ? Words()[a] : Words()[a] + " " + Words()[b];
      requests.push_back(r);
      if (a == b) continue;
      r.query += " " + Words()[(a + b + 1) % Words().size()];  // Three...
      requests.push_back(r);
      r.query += " " + Words()[(a * b + 5) % Words().size()];  // ...four.
      requests.push_back(r);
    }
  const size_t plain = requests.size();
  for (size_t i = 0; i < plain; ++i) {
    SearchRequest r = requests[i];
    r.now = 1714521600;  // 2024-05-01: recency weighs.
    requests.push_back(r);
    r.offset = 20;
    r.limit = 7;
    requests.push_back(r);
    r.offset = 0;
    r.limit = 40;
    r.recency_boost = 2;
    r.quality_boost = 0;
    requests.push_back(r);
    r.collapse = CollapseMode::kNone;
    r.heat_boost = 0;
    r.recency_boost = 0;
    requests.push_back(r);
    r = requests[i];  // The request's filters weigh nothing.
    r.since = "2024-02-01";
    r.min_quality = 30;
    requests.push_back(r);
    r = requests[i];  // Nor do the query's own.
    r.query = "site:site1.example quality:40.. " + r.query;
    requests.push_back(r);
  }
  size_t hits = 0;
  for (const SearchRequest& r : requests) {
    const auto expected = testing::PageHits(**without, r);
    EXPECT_EQ(expected, testing::PageHits(**with, r))
        << r.query << " offset " << r.offset;
    hits += expected.size();
  }
  EXPECT_GT(hits, 5000u);
}

}  // namespace
}  // namespace nsearch::searcher
