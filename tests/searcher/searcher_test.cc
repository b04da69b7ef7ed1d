#include "searcher/searcher.h"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "common/index_layout.h"
#include "common/index_meta.h"
#include "common/output.h"
#include "common/status.h"
#include "indexer/indexer.h"
#include "tests/support/test_support.h"

namespace nsearch {
namespace searcher {
namespace {

// One content file, written as front matter like data/content.
struct TestDoc {
  std::string file;  // Relative to the content folder.
  std::string title;
  std::string excerpt;
  std::vector<std::string> topics;
  std::string type = "article";
  std::string provider_name;
  std::string provider_domain;
  std::string published;  // publishedDateTime; empty for none.
  std::optional<int> quality;
  std::optional<int> heat;
  std::string url;
  std::string body;
};

// A document with a title and an excerpt; set the other fields after.
TestDoc MakeDoc(const std::string& file, const std::string& title,
                const std::string& excerpt) {
  TestDoc doc;
  doc.file = file;
  doc.title = title;
  doc.excerpt = excerpt;
  return doc;
}

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string Render(const TestDoc& doc) {
  std::string out = "---\n";
  out += "title: " + Quote(doc.title) + "\n";
  if (!doc.excerpt.empty()) out += "excerpt: " + Quote(doc.excerpt) + "\n";
  if (!doc.type.empty()) out += "type: " + doc.type + "\n";
  if (!doc.published.empty())
    out += "publishedDateTime: " + doc.published + "\n";
  if (doc.quality) out += "quality: " + std::to_string(*doc.quality) + "\n";
  if (doc.heat) out += "heat: " + std::to_string(*doc.heat) + "\n";
  if (!doc.url.empty()) out += "webUrl: " + Quote(doc.url) + "\n";
  if (!doc.provider_name.empty() || !doc.provider_domain.empty()) {
    out += "provider:\n";
    if (!doc.provider_name.empty())
      out += "  name: " + Quote(doc.provider_name) + "\n";
    if (!doc.provider_domain.empty())
      out += "  domain: " + doc.provider_domain + "\n";
  }
  if (!doc.topics.empty()) {
    out += "topics:\n";
    for (const auto& t : doc.topics) out += "  - " + Quote(t) + "\n";
  }
  out += "---\n";
  out += doc.body;
  return out;
}

// Filler documents, so that the words the tests search for are rare in the
// collection and BM25 weights them as a real corpus would.
std::vector<TestDoc> Filler() {
  std::vector<TestDoc> docs;
  const char* const kTitles[] = {
      "Quarterly earnings beat expectations",
      "Stadium renovation finishes early",
      "Regional rail timetable changes",
      "Bakery wins national bread award",
      "Library extends weekend opening hours",
      "Museum opens a textile exhibition",
  };
  int n = 0;
  for (const char* title : kTitles) {
    TestDoc d;
    d.file = "filler/f" + std::to_string(n++) + ".md";
    d.title = title;
    d.excerpt = "An unrelated story about local events, markets and weather.";
    d.type = "note";
    docs.push_back(d);
  }
  return docs;
}

class SearcherTest : public ::testing::Test {
 protected:
  std::string ContentDir() const { return dir_.path() + "/content"; }
  std::string IndexDir() const { return dir_.path() + "/index"; }

  // Writes `docs` (plus the filler) and indexes them.
  void Index(const std::vector<TestDoc>& docs, bool filler = true) {
    std::vector<TestDoc> all = docs;
    if (filler) {
      for (auto& d : Filler()) all.push_back(d);
    }
    for (const auto& d : all) dir_.Write("content/" + d.file, Render(d));
    indexer::IndexOptions options;
    options.index_path = IndexDir();
    options.roots = {ContentDir()};
    options.jobs = 2;
    auto summary = indexer::RunIndex(options);
    ASSERT_TRUE(summary.ok()) << summary.error().ToString();
    ASSERT_EQ(all.size(), summary->added);
    ASSERT_EQ(0u, summary->rejected) << summary->ToJson().dump();
    auto searcher = Searcher::Open(IndexDir());
    ASSERT_TRUE(searcher.ok()) << searcher.error().ToString();
    searcher_ = std::move(searcher).value();
  }

  Json Search(const SearchRequest& request) {
    auto result = searcher_->Search(request);
    EXPECT_TRUE(result.ok())
        << request.query << ": " << result.error().ToString();
    return result.ok() ? *result : Json::object();
  }

  Json Search(const std::string& query) {
    SearchRequest request;
    request.query = query;
    return Search(request);
  }

  // The titles of the hits, in rank order.
  static std::vector<std::string> Titles(const Json& result) {
    std::vector<std::string> out;
    for (const auto& hit : result.value("hits", Json::array()))
      out.push_back(hit.value("title", ""));
    return out;
  }

  static std::set<std::string> TitleSet(const Json& result) {
    const auto titles = Titles(result);
    return {titles.begin(), titles.end()};
  }

  std::vector<std::string> TitlesFor(const std::string& query) {
    return Titles(Search(query));
  }

  nsearch::testing::TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(SearcherTest, AllWordsAreRequiredUnlessAny) {
  Index({MakeDoc("a.md", "Azure and PyTorch together",
                 "Training models at scale."),
         MakeDoc("b.md", "Azure only", "Cloud regions and pricing."),
         MakeDoc("c.md", "PyTorch only", "A release with new operators.")});
  EXPECT_EQ(std::vector<std::string>{"Azure and PyTorch together"},
            TitlesFor("azure pytorch"));

  SearchRequest any;
  any.query = "azure pytorch";
  any.any = true;
  const Json result = Search(any);
  const auto titles = Titles(result);
  ASSERT_EQ(3u, titles.size());
  // The document with both words ranks first.
  EXPECT_EQ("Azure and PyTorch together", titles[0]);
  EXPECT_EQ((std::set<std::string>{"Azure and PyTorch together", "Azure only",
                                   "PyTorch only"}),
            TitleSet(result));
}

TEST_F(SearcherTest, PhraseNeedsTheWordsInOrder) {
  Index({MakeDoc("a.md", "Machine learning at scale", "Distributed training."),
         MakeDoc("b.md", "Learning to repair a machine", "A workshop guide.")});
  EXPECT_EQ(std::vector<std::string>{"Machine learning at scale"},
            TitlesFor("\"machine learning\""));
  EXPECT_EQ((std::set<std::string>{"Machine learning at scale",
                                   "Learning to repair a machine"}),
            TitleSet(Search("machine learning")));
  // NEAR accepts any order within the distance: "learning" and "machine"
  // are 4 positions apart in the second title.
  EXPECT_EQ((std::set<std::string>{"Machine learning at scale",
                                   "Learning to repair a machine"}),
            TitleSet(Search("machine NEAR/4 learning")));
  EXPECT_EQ(std::vector<std::string>{"Machine learning at scale"},
            TitlesFor("machine NEAR/3 learning"));
}

TEST_F(SearcherTest, FieldPrefixRestrictsTheSearch) {
  Index({MakeDoc("a.md", "Kubernetes news", "About container clusters."),
         MakeDoc("b.md", "Cluster update", "A short kubernetes mention.")});
  EXPECT_EQ(std::vector<std::string>{"Kubernetes news"},
            TitlesFor("title:kubernetes"));
  EXPECT_EQ(std::vector<std::string>{"Cluster update"},
            TitlesFor("excerpt:kubernetes"));
  EXPECT_EQ((std::set<std::string>{"Kubernetes news", "Cluster update"}),
            TitleSet(Search("kubernetes")));
}

TEST_F(SearcherTest, StemmingUnlessExactForm) {
  Index({MakeDoc("a.md", "Research news",
                 "A new collaboration between two labs.")});
  EXPECT_EQ(std::vector<std::string>{"Research news"},
            TitlesFor("collaborations"));
  EXPECT_EQ(std::vector<std::string>{"Research news"},
            TitlesFor("=collaboration"));
  EXPECT_TRUE(TitlesFor("=collaborations").empty());
}

TEST_F(SearcherTest, AccentsAndCaseAreFolded) {
  Index({MakeDoc("a.md", "Caf\xC3\xA9 chain rebuilds ordering",
                 "Jos\xC3\xA9 M\xC3\xBCller explains.")});
  EXPECT_EQ(std::vector<std::string>{"Caf\xC3\xA9 chain rebuilds ordering"},
            TitlesFor("cafe"));
  EXPECT_EQ(std::vector<std::string>{"Caf\xC3\xA9 chain rebuilds ordering"},
            TitlesFor("CAF\xC3\x89"));
  EXPECT_EQ(std::vector<std::string>{"Caf\xC3\xA9 chain rebuilds ordering"},
            TitlesFor("muller"));
}

TEST_F(SearcherTest, ProgrammingLanguageNamesKeepTheirSymbols) {
  Index({MakeDoc("c.md", "Learn C programming", "Pointers and arrays."),
         MakeDoc("cs.md", "Learn C# programming", "Classes and generics."),
         MakeDoc("cpp.md", "Learn C++ programming", "Templates and RAII.")});
  EXPECT_EQ(std::vector<std::string>{"Learn C# programming"}, TitlesFor("C#"));
  EXPECT_EQ(std::vector<std::string>{"Learn C++ programming"},
            TitlesFor("c++"));
  EXPECT_EQ(std::vector<std::string>{"Learn C programming"},
            TitlesFor("title:c"));
}

TEST_F(SearcherTest, WildcardMatchesAPrefix) {
  Index({MakeDoc("a.md", "PyTorch release", "New operators."),
         MakeDoc("b.md", "Python tips", "Faster loops."),
         MakeDoc("c.md", "Java news", "A new garbage collector.")});
  EXPECT_EQ((std::set<std::string>{"PyTorch release", "Python tips"}),
            TitleSet(Search("pyt*")));
  EXPECT_EQ(std::vector<std::string>{"PyTorch release"}, TitlesFor("pyto*"));
  EXPECT_TRUE(TitlesFor("zzq*").empty());
}

// Two documents with the same text: only the quality prior tells them apart.
std::vector<TestDoc> TwinDocs() {
  TestDoc low = MakeDoc("low.md", "Serverless functions guide",
                        "Deploy serverless functions.");
  low.quality = 10;
  TestDoc high = low;
  high.file = "high.md";
  high.quality = 100;
  return {low, high};
}

TEST_F(SearcherTest, QualityPriorRanksTheBetterDocumentFirst) {
  Index(TwinDocs());
  SearchRequest request;
  request.query = "serverless";
  const Json with_prior = Search(request);
  ASSERT_EQ(2u, with_prior["hits"].size());
  EXPECT_EQ(100, with_prior["hits"][0]["quality"]);
  EXPECT_EQ(10, with_prior["hits"][1]["quality"]);
  // quality weight 1.0, cap 100: the prior adds 1.0 and 0.1.
  EXPECT_NEAR(0.9,
              with_prior["hits"][0]["score"].get<double>() -
                  with_prior["hits"][1]["score"].get<double>(),
              1e-9);
  EXPECT_EQ(true, with_prior["prior"]);

  request.prior = false;
  const Json without = Search(request);
  ASSERT_EQ(2u, without["hits"].size());
  EXPECT_DOUBLE_EQ(without["hits"][0]["score"].get<double>(),
                   without["hits"][1]["score"].get<double>());
  EXPECT_EQ(false, without["prior"]);
  // The prior only adds to the text score.
  EXPECT_NEAR(without["hits"][0]["score"].get<double>() + 1.0,
              with_prior["hits"][0]["score"].get<double>(), 1e-9);
}

TEST_F(SearcherTest, QualityBoostOverridesTheSchemaWeight) {
  Index(TwinDocs());
  SearchRequest request;
  request.query = "serverless";
  request.quality_boost = 3.0;
  const Json boosted = Search(request);
  ASSERT_EQ(2u, boosted["hits"].size());
  EXPECT_EQ(100, boosted["hits"][0]["quality"]);
  EXPECT_NEAR(2.7,
              boosted["hits"][0]["score"].get<double>() -
                  boosted["hits"][1]["score"].get<double>(),
              1e-9);

  request.quality_boost = 0.0;
  const Json off = Search(request);
  ASSERT_EQ(2u, off["hits"].size());
  EXPECT_DOUBLE_EQ(off["hits"][0]["score"].get<double>(),
                   off["hits"][1]["score"].get<double>());
}

// The default prior comes precomputed from the index (one slot); --boost
// computes it from the quality and heat slots. With the schema's own weights
// (quality 1.0, heat 0.5) both must give the same scores.
TEST_F(SearcherTest, ChunkedPriorEqualsTheOneFromTheSlots) {
  std::vector<TestDoc> docs = TwinDocs();
  docs[0].heat = 80;
  docs[1].heat = 250;  // Above the cap: counts as 100.
  TestDoc none = docs[0];
  none.file = "none.md";
  none.quality.reset();
  none.heat.reset();
  docs.push_back(none);
  Index(docs);
  SearchRequest request;
  request.query = "serverless";
  const Json precomputed = Search(request);
  request.quality_boost = 1.0;
  request.heat_boost = 0.5;
  const Json from_slots = Search(request);
  ASSERT_EQ(3u, precomputed["hits"].size());
  ASSERT_EQ(3u, from_slots["hits"].size());
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(precomputed["hits"][i]["path"], from_slots["hits"][i]["path"]);
    EXPECT_DOUBLE_EQ(precomputed["hits"][i]["score"].get<double>(),
                     from_slots["hits"][i]["score"].get<double>());
  }
  request.quality_boost.reset();
  request.heat_boost.reset();
  request.prior = false;
  const Json bm25 = Search(request);
  // 1.0 * 100/100 + 0.5 * 100/100 on top of the same BM25 score.
  EXPECT_NEAR(bm25["hits"][0]["score"].get<double>() + 1.5,
              precomputed["hits"][0]["score"].get<double>(), 1e-9);
}

// More documents than one prior chunk holds: the chunked priors, read one
// chunk at a time or kept, give every hit the score the prior computed from
// the quality and heat slots gives it.
TEST_F(SearcherTest, PriorsAcrossChunksEqualTheOnesFromTheSlots) {
  std::vector<TestDoc> docs;
  for (int i = 0; i < static_cast<int>(kPriorChunkDocs) + 300; ++i) {
    TestDoc d = MakeDoc("many/m" + std::to_string(i) + ".md",
                        "Harbour note " + std::to_string(i),
                        "Ferry timetable for the harbour");
    if (i % 5 != 0) d.quality = i % 101;
    if (i % 3 != 0) d.heat = (i * 7) % 150;
    docs.push_back(d);
  }
  Index(docs, /*filler=*/false);
  SearchRequest request;
  request.query = "harbour";
  request.limit = 2000;
  request.collapse = false;
  auto scores = [&](Searcher* searcher) {
    std::map<std::string, double> out;
    auto result = searcher->Search(request);
    EXPECT_TRUE(result.ok());
    if (!result.ok()) return out;
    for (const auto& hit : (*result)["hits"])
      out[hit["id"].get<std::string>()] = hit["score"].get<double>();
    return out;
  };
  const auto one_chunk_at_a_time = scores(searcher_.get());
  ASSERT_EQ(docs.size(), one_chunk_at_a_time.size());
  auto kept = Searcher::Open(IndexDir());
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(one_chunk_at_a_time, scores(kept->get()));
  (*kept)->KeepPriorsInMemory();  // After a query, as well as before one.
  EXPECT_EQ(one_chunk_at_a_time, scores(kept->get()));
  EXPECT_EQ(one_chunk_at_a_time, scores(kept->get()));  // From kept chunks.
  request.quality_boost = 1.0;  // The schema's weights, from the slots.
  request.heat_boost = 0.5;
  const auto from_slots = scores(searcher_.get());
  ASSERT_EQ(one_chunk_at_a_time.size(), from_slots.size());
  for (const auto& [id, score] : from_slots)
    EXPECT_DOUBLE_EQ(score, one_chunk_at_a_time.at(id)) << id;
}

// A long-lived searcher (batch mode) keeps the prior chunks it has read for
// its revision; results must be the same as a fresh one-shot searcher's,
// also after the index changes underneath.
TEST_F(SearcherTest, ALongLivedSearcherFollowsPriorUpdates) {
  std::vector<TestDoc> docs = TwinDocs();
  docs[0].heat = 30;
  Index(docs);
  searcher_->KeepPriorsInMemory();
  SearchRequest request;
  request.query = "serverless";
  auto same_as_index = [&] {
    auto opened = Searcher::Open(IndexDir());
    ASSERT_TRUE(opened.ok());
    auto a = (*opened)->Search(request);
    auto b = searcher_->Search(request);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ((*a)["hits"].size(), (*b)["hits"].size());
    for (size_t i = 0; i < (*a)["hits"].size(); ++i) {
      EXPECT_EQ((*a)["hits"][i]["path"], (*b)["hits"][i]["path"]);
      EXPECT_DOUBLE_EQ((*a)["hits"][i]["score"].get<double>(),
                       (*b)["hits"][i]["score"].get<double>());
    }
  };
  same_as_index();
  EXPECT_EQ(100, (*searcher_->Search(request))["hits"][0]["quality"]);

  // The low-quality twin becomes the best one: a new revision.
  TestDoc better = docs[0];
  better.quality = 100;
  better.heat = 100;
  dir_.Write("content/" + better.file, Render(better));
  indexer::IndexOptions options;
  options.index_path = IndexDir();
  options.roots = {ContentDir()};
  ASSERT_TRUE(indexer::RunIndex(options).ok());
  ASSERT_TRUE(searcher_->Reopen().ok());
  same_as_index();
  const Json after = *searcher_->Search(request);
  EXPECT_EQ(Json(better.heat.value()), after["hits"][0]["heat"]);
}

TEST_F(SearcherTest, StrongTextMatchBeatsHigherQualityWeakMatch) {
  // "Strong" has the word in its title, topic and excerpt (quality 10);
  // "Weak" mentions it once in its body (quality 100). The text score
  // difference must outweigh the 0.9 prior difference: Strong ranks first.
  TestDoc strong = MakeDoc("strong.md", "Kubernetes security hardening",
                           "Kubernetes security for kubernetes clusters.");
  strong.topics = {"Kubernetes"};
  strong.quality = 10;
  TestDoc weak = MakeDoc("weak.md", "Weekly cloud roundup",
                         "Databases, networking, storage and more.");
  weak.body =
      "This week: new database engines, faster networks, cheaper storage, a "
      "note on kubernetes, and plenty of other updates from around the "
      "industry, with commentary on pricing and regions.\n";
  weak.quality = 100;
  Index({strong, weak});
  const Json result = Search("kubernetes");
  ASSERT_EQ((std::vector<std::string>{"Kubernetes security hardening",
                                      "Weekly cloud roundup"}),
            Titles(result));
  EXPECT_GT(result["hits"][0]["score"].get<double>(),
            result["hits"][1]["score"].get<double>());
  // And the text scores alone are more than the prior gap apart, so the
  // prior really was in play and did not decide.
  SearchRequest no_prior;
  no_prior.query = "kubernetes";
  no_prior.prior = false;
  const Json text_only = Search(no_prior);
  ASSERT_EQ(2u, text_only["hits"].size());
  EXPECT_GT(text_only["hits"][0]["score"].get<double>() -
                text_only["hits"][1]["score"].get<double>(),
            0.9);
  EXPECT_NEAR(text_only["hits"][0]["score"].get<double>() + 0.1,
              result["hits"][0]["score"].get<double>(), 1e-9);
}

// Four documents matching "cloud" with differently ordered values.
std::vector<TestDoc> ValueDocs() {
  TestDoc a = MakeDoc("a.md", "Cloud A", "cloud story");
  a.published = "2021-01-10T00:00:00Z";
  a.quality = 40;
  a.heat = 90;
  TestDoc b = MakeDoc("b.md", "Cloud B", "cloud story");
  b.published = "2023-06-01T12:00:00Z";
  b.quality = 20;
  b.heat = 10;
  TestDoc c = MakeDoc("c.md", "Cloud C", "cloud story");
  c.published = "2022-05-18T09:30:00Z";
  c.quality = 95;
  c.heat = 50;
  TestDoc d = MakeDoc("d.md", "Cloud D", "cloud story");
  d.published = "2019-03-03T00:00:00Z";
  d.quality = 70;
  d.heat = 5;
  return {a, b, c, d};
}

TEST_F(SearcherTest, SortOrdersHitsByValueDescending) {
  Index(ValueDocs());
  SearchRequest request;
  request.query = "cloud";
  request.sort = SortOrder::kDate;
  EXPECT_EQ(
      (std::vector<std::string>{"Cloud B", "Cloud C", "Cloud A", "Cloud D"}),
      Titles(Search(request)));
  request.sort = SortOrder::kQuality;
  const Json by_quality = Search(request);
  EXPECT_EQ(
      (std::vector<std::string>{"Cloud C", "Cloud D", "Cloud A", "Cloud B"}),
      Titles(by_quality));
  EXPECT_EQ("quality", by_quality["sort"]);
  request.sort = SortOrder::kHeat;
  EXPECT_EQ(
      (std::vector<std::string>{"Cloud A", "Cloud C", "Cloud B", "Cloud D"}),
      Titles(Search(request)));

  ASSERT_TRUE(ParseSortOrder("heat").ok());
  EXPECT_EQ(SortOrder::kHeat, *ParseSortOrder("heat"));
  EXPECT_EQ(StatusCode::kInvalidArgument,
            ParseSortOrder("newest").error().code());
}

// Facets count every match, duplicates of one story included, while the
// ranked hits stay what they are without facets: more matches than the
// ranked pass needs to look at (100), so the counts cannot come from it.
TEST_F(SearcherTest, FacetsCountEveryMatchAndLeaveTheHitsAlone) {
  std::vector<TestDoc> docs;
  for (int i = 0; i < 150; ++i) {
    TestDoc d = MakeDoc("solar/s" + std::to_string(i) + ".md",
                        "Solar report " + std::to_string(i),
                        "Solar panels on roof number " + std::to_string(i));
    d.topics = {i % 3 == 0 ? "Energy" : "Climate"};
    if (i % 2 == 0) d.topics.push_back("Homes");
    d.published = i < 40 ? "2021-03-01T08:00:00Z" : "2022-07-15T23:30:00Z";
    d.quality = i % 100;
    // Three copies of one story; every other document is its own story.
    d.url = i < 3 ? "https://example.com/solar/same"
                  : "https://example.com/solar/" + std::to_string(i);
    docs.push_back(d);
  }
  Index(docs);

  SearchRequest plain;
  plain.query = "solar";
  plain.limit = 5;
  SearchRequest faceted = plain;
  faceted.facets = {"topic", "year"};
  const Json with = Search(faceted);
  const Json without = Search(plain);

  auto counts = [&](const char* facet) {
    std::map<std::string, int> out;
    for (const auto& item : with["facets"][facet])
      out[item["value"].get<std::string>()] = item["count"].get<int>();
    return out;
  };
  EXPECT_EQ((std::map<std::string, int>{
                {"Climate", 100}, {"Energy", 50}, {"Homes", 75}}),
            counts("topic"));
  EXPECT_EQ((std::map<std::string, int>{{"2021", 40}, {"2022", 110}}),
            counts("year"));
  // Newest year first.
  EXPECT_EQ("2022", with["facets"]["year"][0]["value"]);

  ASSERT_EQ(without["hits"].size(), with["hits"].size());
  for (size_t i = 0; i < with["hits"].size(); ++i) {
    EXPECT_EQ(without["hits"][i]["id"], with["hits"][i]["id"]);
    EXPECT_DOUBLE_EQ(without["hits"][i]["score"].get<double>(),
                     with["hits"][i]["score"].get<double>());
    EXPECT_EQ(without["hits"][i]["duplicates"], with["hits"][i]["duplicates"]);
  }

  // The same counts when the hits are sorted and not collapsed.
  faceted.sort = SortOrder::kDate;
  faceted.collapse = false;
  const Json sorted = Search(faceted);
  EXPECT_EQ(with["facets"], sorted["facets"]);
}

TEST_F(SearcherTest, LimitAndOffsetPageThroughHits) {
  std::vector<TestDoc> docs;
  for (int i = 1; i <= 5; ++i) {
    TestDoc d = MakeDoc("p" + std::to_string(i) + ".md",
                        "Paging doc " + std::to_string(i), "pagination sample");
    d.quality = i * 10;
    docs.push_back(d);
  }
  Index(docs);
  SearchRequest request;
  request.query = "pagination";
  request.sort = SortOrder::kQuality;
  request.limit = 2;
  std::vector<std::string> titles;
  std::vector<int> ranks;
  for (size_t offset : {0u, 2u, 4u}) {
    request.offset = offset;
    const Json page = Search(request);
    EXPECT_EQ(offset, page["offset"].get<size_t>());
    EXPECT_EQ(2u, page["limit"].get<size_t>());
    EXPECT_EQ(5u, page["total"]["estimated"].get<size_t>());
    EXPECT_EQ(5u, page["total"]["lower"].get<size_t>());
    EXPECT_EQ(5u, page["total"]["upper"].get<size_t>());
    for (const auto& hit : page["hits"]) {
      titles.push_back(hit["title"]);
      ranks.push_back(hit["rank"]);
    }
  }
  EXPECT_EQ(
      (std::vector<std::string>{"Paging doc 5", "Paging doc 4", "Paging doc 3",
                                "Paging doc 2", "Paging doc 1"}),
      titles);
  EXPECT_EQ((std::vector<int>{1, 2, 3, 4, 5}), ranks);

  request.offset = 10;
  EXPECT_TRUE(Search(request)["hits"].empty());
  request.offset = 0;
  request.limit = 10001;
  EXPECT_EQ(StatusCode::kInvalidArgument,
            searcher_->Search(request).error().code());
}

TEST_F(SearcherTest, RequestFiltersNarrowTheHits) {
  std::vector<TestDoc> docs = ValueDocs();
  docs[0].topics = {"Azure", "AI"};
  docs[0].provider_name = "Microsoft";
  docs[0].type = "article";
  docs[1].topics = {"AWS"};
  docs[1].provider_name = "Amazon";
  docs[1].type = "video";
  docs[2].topics = {"Azure"};
  docs[2].provider_name = "The Verge";
  docs[2].type = "article";
  docs[3].topics = {"AI"};
  docs[3].provider_name = "Microsoft";
  docs[3].type = "course";
  Index(docs);
  auto run = [&](auto&& set_up) {
    SearchRequest request;
    request.query = "cloud";
    set_up(request);
    return TitleSet(Search(request));
  };
  using Set = std::set<std::string>;
  EXPECT_EQ((Set{"Cloud A", "Cloud C"}),
            run([](SearchRequest& r) { r.topics = {"azure"}; }));
  // Values of one kind are alternatives.
  EXPECT_EQ((Set{"Cloud A", "Cloud B", "Cloud C"}), run([](SearchRequest& r) {
              r.topics = {"Azure", "AWS"};
            }));
  EXPECT_EQ((Set{"Cloud A", "Cloud D"}),
            run([](SearchRequest& r) { r.providers = {"Microsoft"}; }));
  EXPECT_EQ((Set{"Cloud C"}),
            run([](SearchRequest& r) { r.providers = {"the verge"}; }));
  EXPECT_EQ((Set{"Cloud B", "Cloud D"}), run([](SearchRequest& r) {
              r.types = {"video", "course"};
            }));
  // Kinds combine with AND.
  EXPECT_EQ((Set{"Cloud D"}), run([](SearchRequest& r) {
              r.topics = {"AI"};
              r.types = {"course"};
            }));
  EXPECT_EQ((Set{"Cloud B", "Cloud C"}),
            run([](SearchRequest& r) { r.since = "2022"; }));
  EXPECT_EQ((Set{"Cloud A", "Cloud D"}),
            run([](SearchRequest& r) { r.until = "2021-12-31"; }));
  EXPECT_EQ((Set{"Cloud C"}), run([](SearchRequest& r) {
              r.since = "2022-05";
              r.until = "2022-05";
            }));
  EXPECT_EQ((Set{"Cloud C", "Cloud D"}),
            run([](SearchRequest& r) { r.min_quality = 70; }));
  EXPECT_EQ((Set{"Cloud A", "Cloud C"}),
            run([](SearchRequest& r) { r.min_heat = 50; }));
  EXPECT_EQ((Set{}), run([](SearchRequest& r) { r.topics = {"Kubernetes"}; }));
}

TEST_F(SearcherTest, FiltersAloneMatchWithoutWords) {
  std::vector<TestDoc> docs = ValueDocs();
  docs[1].type = "video";
  Index(docs);
  SearchRequest request;
  request.types = {"video"};
  EXPECT_EQ(std::vector<std::string>{"Cloud B"}, Titles(Search(request)));

  SearchRequest empty;
  auto result = searcher_->Search(empty);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, result.error().code());
}

TEST_F(SearcherTest, QuotedTopicIsExactWhileBareTopicIsText) {
  TestDoc ml = MakeDoc("ml.md", "Model training news", "Faster training.");
  ml.topics = {"Machine Learning"};
  TestDoc mv = MakeDoc("mv.md", "Camera inspection news", "Defect detection.");
  mv.topics = {"Machine Vision"};
  TestDoc other = MakeDoc("other.md", "Machine shop tour", "Lathes and mills.");
  other.topics = {"Manufacturing"};
  Index({ml, mv, other});
  EXPECT_EQ(std::vector<std::string>{"Model training news"},
            TitlesFor("topic:\"Machine Learning\""));
  EXPECT_EQ(std::vector<std::string>{"Model training news"},
            TitlesFor("topic:\"machine learning\""));
  EXPECT_EQ(
      (std::set<std::string>{"Model training news", "Camera inspection news"}),
      TitleSet(Search("topic:machine")));
  EXPECT_TRUE(TitlesFor("topic:\"Machine\"").empty());
}

TEST_F(SearcherTest, SnippetMarksMatchesAndEscapesHtml) {
  Index(
      {MakeDoc("a.md", "Vector search", "Use <b>vector</b> search & filters")});
  const Json result = Search("vectors");
  ASSERT_EQ(1u, result["hits"].size());
  EXPECT_EQ("Use &lt;b&gt;<mark>vector</mark>&lt;/b&gt; search &amp; filters",
            result["hits"][0]["snippet"]);
  // The excerpt itself is returned as stored.
  EXPECT_EQ("Use <b>vector</b> search & filters", result["hits"][0]["excerpt"]);
}

TEST_F(SearcherTest, SnippetComesFromTheBodyWhenTheExcerptHasNoMatch) {
  TestDoc doc = MakeDoc("a.md", "Release notes", "Highlights of this release.");
  doc.body = "The scheduler now supports preemption of jobs.\n";
  Index({doc});
  const Json result = Search("preemption");
  ASSERT_EQ(1u, result["hits"].size());
  EXPECT_EQ("The scheduler now supports <mark>preemption</mark> of jobs.",
            result["hits"][0]["snippet"]);
}

TEST_F(SearcherTest, HitsCarryTheDocumentFields) {
  TestDoc doc = MakeDoc("news/a.md", "Meta picks Azure for PyTorch",
                        "A strategic partnership.");
  doc.topics = {"AI", "Azure"};
  doc.provider_name = "GeekWire";
  doc.provider_domain = "geekwire.com";
  doc.published = "2022-05-25T16:00:00Z";
  doc.quality = 52;
  doc.heat = 37;
  doc.url = "https://www.geekwire.com/2022/meta-azure";
  TestDoc undated = MakeDoc("news/b.md", "Undated Azure note", "No date here.");
  Index({doc, undated});

  SearchRequest request;
  request.query = "azure";
  request.sort = SortOrder::kQuality;
  const Json result = Search(request);
  EXPECT_EQ(kOutputVersion, result["version"]);
  EXPECT_EQ("azure", result["query"]);
  EXPECT_EQ(2u, result["total"]["estimated"].get<size_t>());
  ASSERT_EQ(2u, result["hits"].size());
  const Json& hit = result["hits"][0];
  for (const char* key : {"rank", "id", "score", "title", "url", "excerpt",
                          "snippet", "topics", "provider", "type", "category",
                          "published", "quality", "heat", "path"}) {
    EXPECT_TRUE(hit.contains(key)) << key << " in " << hit.dump();
  }
  EXPECT_EQ(1, hit["rank"]);
  EXPECT_EQ(DocumentIdForPath(ContentDir() + "/news/a.md"), hit["id"]);
  EXPECT_EQ("Meta picks Azure for PyTorch", hit["title"]);
  EXPECT_EQ("https://www.geekwire.com/2022/meta-azure", hit["url"]);
  EXPECT_EQ("A strategic partnership.", hit["excerpt"]);
  EXPECT_EQ((Json{"AI", "Azure"}), hit["topics"]);
  EXPECT_EQ("GeekWire", hit["provider"]["name"]);
  EXPECT_EQ("geekwire.com", hit["provider"]["domain"]);
  EXPECT_EQ("article", hit["type"]);
  EXPECT_EQ("2022-05-25T16:00:00Z", hit["published"]);
  EXPECT_EQ(52, hit["quality"]);
  EXPECT_EQ(37, hit["heat"]);
  EXPECT_EQ(ContentDir() + "/news/a.md", hit["path"]);
  EXPECT_TRUE(hit["score"].is_number());

  const Json& second = result["hits"][1];
  EXPECT_EQ(2, second["rank"]);
  EXPECT_TRUE(second["published"].is_null()) << second.dump();
  EXPECT_TRUE(second["quality"].is_null());
  EXPECT_TRUE(second["heat"].is_null());
}

TEST_F(SearcherTest, StatsCountDocuments) {
  Index({MakeDoc("a.md", "One", "first"), MakeDoc("b.md", "Two", "second")},
        /*filler=*/false);
  auto stats = searcher_->Stats();
  ASSERT_TRUE(stats.ok()) << stats.error().ToString();
  EXPECT_EQ(2u, (*stats)["documents"].get<size_t>());
  EXPECT_EQ("news", (*stats)["schema"]["name"]);
  EXPECT_EQ(1, (*stats)["schema"]["version"]);
  EXPECT_EQ(2u, (*stats)["index"]["documents"].get<size_t>());
  EXPECT_GT((*stats)["terms"].get<size_t>(), 0u);
}

TEST_F(SearcherTest, CheckFindsPriorChunksThatDisagreeWithTheDocuments) {
  Index(TwinDocs());
  auto ok = Searcher::Check(IndexDir());
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(true, (*ok)["ok"]);
  {
    Xapian::WritableDatabase db(LiveGeneration(IndexDir()), Xapian::DB_OPEN);
    db.set_metadata(PriorChunkKey(0), std::string(16, '\x01'));
    db.commit();
  }
  auto bad = Searcher::Check(IndexDir());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(StatusCode::kCorruption, bad.error().code());
  EXPECT_NE(std::string::npos, bad.error().message().find("prior"))
      << bad.error().message();
}

TEST_F(SearcherTest, ShowFindsADocumentByIdOrPath) {
  Index({MakeDoc("a.md", "Shown document", "Shown excerpt.")});
  const std::string path = ContentDir() + "/a.md";
  const std::string id = DocumentIdForPath(path);

  auto by_id = searcher_->Show(id);
  ASSERT_TRUE(by_id.ok()) << by_id.error().ToString();
  EXPECT_EQ("Shown document", (*by_id)["document"]["title"]);
  EXPECT_EQ(id, (*by_id)["document"]["id"]);
  EXPECT_EQ(path, (*by_id)["document"]["path"]);

  auto by_path = searcher_->Show(path);
  ASSERT_TRUE(by_path.ok()) << by_path.error().ToString();
  EXPECT_EQ(*by_id, *by_path);

  auto unknown = searcher_->Show("0123456789abcdef");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(StatusCode::kNotFound, unknown.error().code());
  auto missing_path = searcher_->Show(ContentDir() + "/nope.md");
  ASSERT_FALSE(missing_path.ok());
  EXPECT_EQ(StatusCode::kNotFound, missing_path.error().code());
}

TEST_F(SearcherTest, OpenMissingFolderIsNotFound) {
  auto searcher = Searcher::Open(dir_.path() + "/does-not-exist");
  ASSERT_FALSE(searcher.ok());
  EXPECT_EQ(StatusCode::kNotFound, searcher.error().code());
}

TEST_F(SearcherTest, OpenEmptyFolderIsCorruption) {
  std::filesystem::create_directories(dir_.path() + "/empty");
  auto searcher = Searcher::Open(dir_.path() + "/empty");
  ASSERT_FALSE(searcher.ok());
  EXPECT_EQ(StatusCode::kCorruption, searcher.error().code())
      << searcher.error().ToString();
}

TEST_F(SearcherTest, OpenPlainXapianDatabaseIsCorruption) {
  const std::string path = dir_.path() + "/plain";
  {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    Xapian::Document doc;
    doc.add_term("hello");
    db.add_document(doc);
    db.commit();
  }
  auto searcher = Searcher::Open(path);
  ASSERT_FALSE(searcher.ok());
  EXPECT_EQ(StatusCode::kCorruption, searcher.error().code())
      << searcher.error().ToString();
  EXPECT_NE(std::string::npos,
            searcher.error().message().find("not an nsearch index"))
      << searcher.error().message();
}

TEST_F(SearcherTest, ParseOnlyReturnsTheParsedTree) {
  Index({MakeDoc("a.md", "Anything", "at all")}, /*filler=*/false);
  SearchRequest request;
  request.query = "the azure -aws";
  request.types = {"article"};
  auto parsed = searcher_->ParseOnly(request);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ("the azure -aws", (*parsed)["query"]);
  EXPECT_EQ((Json{"the"}), (*parsed)["dropped_stopwords"]);
  const Json expected = Json::parse(R"({
    "op": "and",
    "children": [
      {"op": "and_not", "children": [
        {"op": "word", "terms": ["azure"], "exact": false},
        {"op": "word", "terms": ["aws"], "exact": false}]},
      {"op": "filter", "field": "type", "term": "XYarticle"}
    ]})");
  EXPECT_EQ(expected, (*parsed)["parsed"]) << (*parsed)["parsed"].dump();
  EXPECT_TRUE((*parsed)["xapian"].is_string());
  EXPECT_FALSE(parsed->contains("hits"));
}

TEST_F(SearcherTest, BadQueriesAreReportedAsErrors) {
  Index({MakeDoc("a.md", "Anything", "at all")}, /*filler=*/false);
  SearchRequest request;
  request.query = "(azure";
  auto bad = searcher_->Search(request);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, bad.error().code());

  request.query = "azure";
  request.since = "yesterday";
  auto bad_since = searcher_->Search(request);
  ASSERT_FALSE(bad_since.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, bad_since.error().code());

  request.since.clear();
  request.limits.max_length = 3;
  auto too_long = searcher_->Search(request);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(StatusCode::kLimitExceeded, too_long.error().code());
}

}  // namespace
}  // namespace searcher
}  // namespace nsearch
