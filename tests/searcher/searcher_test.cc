#include "searcher/searcher.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "cli/result_json.h"
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
    ASSERT_EQ(0u, summary->rejected) << summary->rejected_files[0].path << ": "
                                     << summary->rejected_files[0].reason;
    auto searcher = Searcher::Open(IndexDir());
    ASSERT_TRUE(searcher.ok()) << searcher.error().ToString();
    searcher_ = std::move(searcher).value();
  }

  // The page as the JSON callers get (cli/result_json.h), so that these
  // tests read the keys SPEC §5 documents.
  Json Search(const SearchRequest& request) {
    auto result = searcher_->Search(request);
    EXPECT_TRUE(result.ok())
        << request.query << ": " << result.error().ToString();
    return result.ok() ? cli::PageJson(*result) : Json::object();
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

TEST_F(SearcherTest, AllWordsFirstThenMostOfThemUnlessAllOrAny) {
  Index({MakeDoc("a.md", "Azure and PyTorch together",
                 "Training models at scale."),
         MakeDoc("b.md", "Azure only", "Cloud regions and pricing."),
         MakeDoc("c.md", "PyTorch only", "A release with new operators.")});
  // Default: the document with both words, then those with one of them,
  // each naming the word it lacks.
  const Json relaxed = Search("azure pytorch");
  const auto titles = Titles(relaxed);
  ASSERT_EQ(3u, titles.size());
  EXPECT_EQ("Azure and PyTorch together", titles[0]);
  EXPECT_EQ((std::set<std::string>{"Azure only", "PyTorch only"}),
            (std::set<std::string>{titles[1], titles[2]}));
  EXPECT_EQ(true, relaxed["relaxed"]);
  EXPECT_EQ((std::vector<std::string>{"azure", "pytorch"}),
            relaxed["optional"].get<std::vector<std::string>>());
  EXPECT_EQ(1u, relaxed["all_words_total"]["estimated"].get<size_t>());
  EXPECT_EQ(3u, relaxed["total"]["estimated"].get<size_t>());
  EXPECT_EQ(true, relaxed["total"]["exact"]);
  EXPECT_FALSE(relaxed["hits"][0].contains("missing"));
  for (size_t i : {1u, 2u}) {
    const auto& hit = relaxed["hits"][i];
    EXPECT_EQ(std::vector<std::string>{hit["title"] == "Azure only" ? "pytorch"
                                                                    : "azure"},
              hit["missing"].get<std::vector<std::string>>());
  }

  // A page the strict tier fills is not relaxed.
  SearchRequest one;
  one.query = "azure pytorch";
  one.limit = 1;
  const Json first = Search(one);
  EXPECT_EQ(false, first["relaxed"]);
  EXPECT_EQ(1u, first["total"]["estimated"].get<size_t>());
  // The next page goes on with the relaxed tier.
  one.offset = 1;
  const Json second = Search(one);
  EXPECT_EQ(true, second["relaxed"]);
  ASSERT_EQ(1u, second["hits"].size());
  EXPECT_NE("Azure and PyTorch together", second["hits"][0]["title"]);
  EXPECT_EQ(2, second["hits"][0]["rank"]);

  SearchRequest all;
  all.query = "azure pytorch";
  all.match = MatchMode::kAll;
  const Json strict = Search(all);
  EXPECT_EQ(std::vector<std::string>{"Azure and PyTorch together"},
            Titles(strict));
  EXPECT_EQ(false, strict["relaxed"]);

  SearchRequest any;
  any.query = "azure pytorch";
  any.match = MatchMode::kAny;
  const Json result = Search(any);
  ASSERT_EQ(3u, Titles(result).size());
  EXPECT_EQ("Azure and PyTorch together", Titles(result)[0]);
  EXPECT_EQ(false, result["relaxed"]);
}

// A sentence finds documents even though none has every word.
TEST_F(SearcherTest, ASentenceQueryFindsTheDocumentsWithMostOfItsWords) {
  Index({MakeDoc("a.md", "Deploy a PyTorch model to Kubernetes",
                 "GPU nodes on a managed cluster."),
         MakeDoc("b.md", "Kubernetes basics", "Pods and services.")});
  const Json result = Search(
      "how do I deploy a pytorch model to azure kubernetes service with gpu "
      "nodes");
  const auto titles = Titles(result);
  ASSERT_EQ(2u, titles.size());
  EXPECT_EQ("Deploy a PyTorch model to Kubernetes", titles[0]);
  EXPECT_EQ(true, result["relaxed"]);
  EXPECT_EQ(0u, result["all_words_total"]["estimated"].get<size_t>());
  // "how", "do" and "i" are minor words: they only rank, so they are
  // never missing.
  EXPECT_EQ((std::vector<std::string>{"azure", "service"}),
            result["hits"][0]["missing"].get<std::vector<std::string>>());
}

// A minor word ranks up the documents the other words find ("How to" in
// a title), and finds none on its own.
TEST_F(SearcherTest, MinorWordsRankButDoNotSelect) {
  std::vector<TestDoc> docs = {
      MakeDoc("a.md", "How to use Azure Functions", "A walkthrough."),
      MakeDoc("b.md", "Use Azure Functions today", "A walkthrough."),
      MakeDoc("c.md", "How to bake bread", "Flour and water.")};
  for (int i = 0; i < 6; ++i)
    docs.push_back(MakeDoc("f" + std::to_string(i) + ".md",
                           "Bread recipe " + std::to_string(i), "Flour."));
  Index(docs);
  const std::string a = "How to use Azure Functions";
  const std::string b = "Use Azure Functions today";
  EXPECT_EQ((std::vector<std::string>{b, a}), TitlesFor("azure functions"));
  const Json result = Search("how azure functions");
  EXPECT_EQ((std::vector<std::string>{a, b}), Titles(result));
  EXPECT_EQ(false, result["relaxed"]);
}

// Query expansion: the terms the first hits share rank the hits that have
// them higher, select nothing, and are named in the response.
TEST_F(SearcherTest, ExpansionRanksByTheFirstHitsTermsWithoutSelecting) {
  std::vector<TestDoc> docs = {
      MakeDoc("g.md", "Kubernetes", "Gardening notes."),
      MakeDoc("n.md", "Node autoscaler", "Autoscaler pods for a cluster.")};
  for (int i = 0; i < 4; ++i)
    docs.push_back(MakeDoc("k" + std::to_string(i) + ".md",
                           "Kubernetes autoscaler " + std::to_string(i),
                           "Autoscaler pods for a cluster."));
  for (int i = 0; i < 3; ++i)
    docs.push_back(MakeDoc("p" + std::to_string(i) + ".md",
                           "Gardening tips " + std::to_string(i),
                           "Seeds and soil."));
  Index(docs);
  SearchRequest request;
  request.query = "kubernetes";
  request.limit = 1;
  const Json plain = Search(request);
  EXPECT_EQ(std::vector<std::string>{"Kubernetes"}, Titles(plain));
  EXPECT_FALSE(plain.contains("expanded"));
  request.expand = true;
  const Json expanded = Search(request);
  EXPECT_EQ(std::vector<std::string>{"Kubernetes autoscaler 0"},
            Titles(expanded));
  const auto terms = expanded["expanded"].get<std::vector<std::string>>();
  EXPECT_TRUE(std::count(terms.begin(), terms.end(), "autoscal"));
  EXPECT_FALSE(std::count(terms.begin(), terms.end(), "kubernet"));
  // Never the query's own words, in whatever form it holds them: the
  // words of a phrase, the stems a wildcard stands for.
  auto expanded_for = [&](const char* query) {
    request.query = query;
    return Search(request)["expanded"].get<std::set<std::string>>();
  };
  const auto phrase = expanded_for("\"kubernetes autoscaler\"");
  EXPECT_EQ(0u, phrase.count("kubernet") + phrase.count("autoscal"));
  EXPECT_EQ(0u, expanded_for("kube*").count("kubernet"));
  request.query = "kubernetes";
  // The same documents: "Node autoscaler" has the terms, not the word.
  EXPECT_EQ(plain["total"], expanded["total"]);
  EXPECT_EQ(5u, expanded["total"]["estimated"].get<size_t>());
  request.limit = 10;
  request.explain = true;
  const Json all = Search(request);
  EXPECT_EQ(0u, TitleSet(all).count("Node autoscaler"));
  // --explain splits the text score: the expansion's terms' part apart.
  for (const Json& hit : all["hits"]) {
    const Json& e = hit["explain"];
    const double parts =
        e["bm25"].get<double>() + e["expansion"].get<double>() +
        e["quality_prior"].get<double>() + e["heat_prior"].get<double>() +
        e["recency_prior"].get<double>();
    EXPECT_NEAR(e["score"].get<double>(), parts, 1e-9) << hit["title"];
    if (hit["title"] == "Kubernetes")
      EXPECT_EQ(0.0, e["expansion"].get<double>());
    else
      EXPECT_GT(e["expansion"].get<double>(), 0.0) << hit["title"];
  }
}

// Nothing to learn from, or no words to add to: no terms.
TEST_F(SearcherTest, ExpansionOfNoHitsFiltersAloneOrNoPageAddsNothing) {
  TestDoc doc = MakeDoc("a.md", "Azure news", "Cloud regions.");
  doc.topics = {"Cloud"};
  Index({doc, MakeDoc("b.md", "Azure regions", "Cloud news.")});
  SearchRequest request;
  request.query = "zebra";
  request.expand = true;
  const Json none = Search(request);
  EXPECT_TRUE(Titles(none).empty());
  EXPECT_TRUE(none["expanded"].empty());
  request.query = "";
  request.topics = {"Cloud"};
  const Json filtered = Search(request);
  EXPECT_EQ(std::vector<std::string>{"Azure news"}, Titles(filtered));
  EXPECT_TRUE(filtered["expanded"].empty());
  // No page to rank: totals only, and no feedback match to pay for.
  request.topics.clear();
  request.query = "azure";
  EXPECT_FALSE(Search(request)["expanded"].empty());
  request.limit = 0;
  const Json counted = Search(request);
  EXPECT_EQ(2u, counted["total"]["estimated"].get<size_t>());
  EXPECT_TRUE(counted["expanded"].empty());
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

// One free-text space, but a position gap between fields: a phrase never
// runs from the end of the title into the excerpt. Inside the title (which
// keeps positions of its own) a phrase is exact; inside the excerpt (stems
// only) it is the phrase in the document with each word in the excerpt.
TEST_F(SearcherTest, PhrasesStayInsideOneField) {
  Index({MakeDoc("a.md", "Serverless edge", "Compute nodes near users."),
         MakeDoc("b.md", "Edge compute", "Serverless nodes at the edge."),
         MakeDoc("c.md", "Compute guide", "Edge compute for serverless.")});
  EXPECT_TRUE(TitlesFor("\"edge compute nodes\"").empty());
  EXPECT_EQ(std::vector<std::string>{"Edge compute"},
            TitlesFor("\"edge compute\" -title:guide"));
  EXPECT_EQ(std::vector<std::string>{"Edge compute"},
            TitlesFor("title:\"edge compute\""));
  EXPECT_EQ((std::set<std::string>{"Compute guide"}),
            TitleSet(Search("excerpt:\"edge compute\"")));
  // Title words are searched without a field too, and title:word selects.
  EXPECT_EQ((std::set<std::string>{"Serverless edge", "Edge compute",
                                   "Compute guide"}),
            TitleSet(Search("edge")));
  EXPECT_EQ((std::set<std::string>{"Serverless edge", "Edge compute"}),
            TitleSet(Search("title:edge")));
  SearchRequest both;
  both.query = "title:=edge title:compute";
  both.match = MatchMode::kAll;
  EXPECT_EQ((std::set<std::string>{"Edge compute"}), TitleSet(Search(both)));
  // A stopword inside a field phrase still finds the phrase.
  EXPECT_EQ((std::set<std::string>{"Edge compute"}),
            TitleSet(Search("excerpt:\"at the edge\"")));
}

TEST_F(SearcherTest, StemmingUnlessExactForm) {
  Index({MakeDoc("a.md", "Research news",
                 "A new collaboration between two labs.")});
  EXPECT_EQ(std::vector<std::string>{"Research news"},
            TitlesFor("collaborations"));
  EXPECT_EQ(std::vector<std::string>{"Research news"},
            TitlesFor("=collaboration"));
  EXPECT_TRUE(TitlesFor("=collaborations").empty());
  // A stopword has no stem in the index: +between (required) searches the
  // word itself, in the document and in a field.
  SearchRequest plus;
  plus.query = "+between research";
  plus.match = MatchMode::kAll;
  EXPECT_EQ(std::vector<std::string>{"Research news"}, Titles(Search(plus)));
  // The excerpt keeps stems only, and a stopword has none: the field cannot
  // select it, so it is searched in the whole document.
  plus.query = "+excerpt:between research";
  EXPECT_EQ(std::vector<std::string>{"Research news"}, Titles(Search(plus)));
  plus.query = "+title:between research";  // The title keeps its words.
  EXPECT_TRUE(Titles(Search(plus)).empty());
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
  // Volumes 1 and 2 of a series: the same words and length (the same BM25
  // score), and not one story (numbered titles), so both are hits.
  TestDoc low = MakeDoc("low.md", "Serverless functions guide 1",
                        "Deploy serverless functions.");
  low.quality = 10;
  TestDoc high = low;
  high.file = "high.md";
  high.title = "Serverless functions guide 2";
  high.quality = 100;
  return {low, high};
}

double Score(const Json& hit) { return hit["score"].get<double>(); }

// Sets the priors' weights and half-life for a test, whatever the schema's
// tuned defaults are: quality 0.1 * min(q, 100) / 100, heat 0.05 * ...,
// recency 0.1 * 0.5^(age / 90 days), each a fraction of the highest BM25
// score the query can give (the scale).
void SetTestPriors(SearchRequest* request, double heat = 0.05) {
  ASSERT_TRUE(SetBoost("quality", 0.1, request).ok());
  ASSERT_TRUE(SetBoost("heat", heat, request).ok());
  ASSERT_TRUE(SetBoost("recency", 0.1, request).ok());
  ASSERT_TRUE(SetHalfLife("90d", request).ok());
}

TEST_F(SearcherTest, QualityPriorIsAFractionOfTheBestPossibleScore) {
  Index(TwinDocs());
  SearchRequest request;
  request.query = "serverless";
  request.prior = false;
  const Json without = Search(request);
  ASSERT_EQ(2u, without["hits"].size());
  const double bm25 = Score(without["hits"][0]);
  EXPECT_DOUBLE_EQ(bm25, Score(without["hits"][1]));
  EXPECT_EQ(false, without["prior"]);
  EXPECT_FALSE(without.contains("ranking"));

  request.prior = true;
  SetTestPriors(&request, /*heat=*/0);  // The twins have no heat, no date.
  const Json with_prior = Search(request);
  ASSERT_EQ(2u, with_prior["hits"].size());
  EXPECT_EQ(100, with_prior["hits"][0]["quality"]);
  EXPECT_EQ(10, with_prior["hits"][1]["quality"]);
  // The scale is the most BM25 can give the query's word, (k1 + 1) × IDF
  // (Xapian's: 2 of the 2 twins and 6 fillers hold it): above the top
  // score, and the same whatever the documents' lengths and wdf.
  const double s = with_prior["ranking"]["scale"].get<double>();
  EXPECT_DOUBLE_EQ(2.2 * std::log((8 - 2 + 0.5) / (2 + 0.5)), s);
  EXPECT_GE(s, bm25);
  EXPECT_NEAR(bm25 + s * 0.1, Score(with_prior["hits"][0]), 1e-9);
  EXPECT_NEAR(bm25 + s * 0.01, Score(with_prior["hits"][1]), 1e-9);

  request.quality_boost = 3.0;  // --boost quality=3
  const Json boosted = Search(request);
  EXPECT_NEAR(s * 3 * 0.9,
              Score(boosted["hits"][0]) - Score(boosted["hits"][1]), 1e-9);
  request.quality_boost = 0.0;
  const Json off = Search(request);
  EXPECT_DOUBLE_EQ(Score(off["hits"][0]), Score(off["hits"][1]));
}

// The scale sums each scored word's limit, (k1 + 1) × IDF: a word no
// document has adds nothing (the relaxed tier's documents lack it), nor does
// a filter or an excluded word; a wildcard weighs as its terms together.
TEST_F(SearcherTest, ScaleIsTheMostTheQuerysWordsCanScore) {
  std::vector<TestDoc> docs = TwinDocs();
  docs.push_back(MakeDoc("other.md", "Kubernetes clusters", "Run pods."));
  docs.push_back(MakeDoc("more.md", "Kubernetes nodes", "Scale pods."));
  Index(docs);                     // With the 6 filler documents: N = 10.
  const auto idf = [](double n) {  // Xapian's BM25 IDF.
    const double ratio = (10 - n + 0.5) / (n + 0.5);
    return std::log(ratio <= 2 ? ratio * 0.5 + 1 : ratio);
  };
  const auto scale = [&](const std::string& query) {
    SearchRequest request;
    request.query = query;
    const Json result = Search(request);
    EXPECT_TRUE(result.contains("ranking")) << query << ": " << result;
    return result.contains("ranking") ? result["ranking"]["scale"].get<double>()
                                      : 0.0;
  };
  EXPECT_DOUBLE_EQ(2.2 * idf(2), scale("serverless"));
  EXPECT_DOUBLE_EQ(2.2 * (idf(2) + idf(1)), scale("serverless clusters"));
  EXPECT_DOUBLE_EQ(scale("serverless"), scale("serverless zyzzyva"));
  EXPECT_DOUBLE_EQ(scale("serverless"), scale("serverless -clusters"));
  EXPECT_NEAR(scale("pods") + scale("kubernetes"),
              scale("pods title:kubernetes"), 1e-12);
  // kube* expands to "kubernetes" alone: the same as the word.
  EXPECT_DOUBLE_EQ(scale("kubernetes"), scale("kube*"));
  // "guide 1" and "guide 2": 2 documents hold "guide", 1 each number.
  EXPECT_DOUBLE_EQ(2.2 * (idf(2) + idf(1)), scale("\"guide 1\""));
}

TEST_F(SearcherTest, ExplainShowsEveryPartOfTheScore) {
  std::vector<TestDoc> docs = TwinDocs();
  docs[0].heat = 80;
  docs[0].published = "2024-01-01T00:00:00Z";
  docs[1].heat = 250;                          // Above the cap: counts as 100.
  docs[1].published = "2023-10-03T00:00:00Z";  // 90 days older.
  TestDoc none = docs[0];
  none.file = "none.md";
  none.quality.reset();
  none.heat.reset();
  none.published.clear();
  docs.push_back(none);
  Index(docs);
  SearchRequest request;
  request.query = "serverless";
  request.explain = true;
  SetTestPriors(&request);
  ASSERT_TRUE(SetNow("2024-01-01", &request).ok());
  const Json result = Search(request);
  ASSERT_EQ(3u, result["hits"].size());
  std::map<std::string, Json> by_file;
  for (const auto& hit : result["hits"]) {
    const std::string path = hit["path"];
    by_file[path.substr(path.rfind('/') + 1)] = hit["explain"];
    const Json& e = hit["explain"];
    EXPECT_NEAR(Score(hit),
                e["bm25"].get<double>() + e["quality_prior"].get<double>() +
                    e["heat_prior"].get<double>() +
                    e["recency_prior"].get<double>(),
                1e-9);
    EXPECT_EQ("all_words", e["tier"]);
  }
  const double s = result["ranking"]["scale"].get<double>();
  EXPECT_EQ("2024-01-01T00:00:00Z", result["ranking"]["now"]);
  const Json& low = by_file["low.md"];
  EXPECT_NEAR(s * 0.1 * 0.1, low["quality_prior"].get<double>(), 1e-12);
  EXPECT_NEAR(s * 0.05 * 0.8, low["heat_prior"].get<double>(), 1e-12);
  EXPECT_NEAR(s * 0.1, low["recency_prior"].get<double>(), 1e-12);
  const Json& high = by_file["high.md"];
  EXPECT_NEAR(s * 0.1, high["quality_prior"].get<double>(), 1e-12);
  EXPECT_NEAR(s * 0.05, high["heat_prior"].get<double>(), 1e-12);
  EXPECT_NEAR(s * 0.1 * 0.5, high["recency_prior"].get<double>(), 1e-12);
  // Without a value, quality and heat count as the middle of their scale
  // (the schema's `missing`); without a date, no recency.
  const Json& bare = by_file["none.md"];
  EXPECT_NEAR(s * 0.1 * 0.5, bare["quality_prior"].get<double>(), 1e-12);
  EXPECT_NEAR(s * 0.05 * 0.5, bare["heat_prior"].get<double>(), 1e-12);
  EXPECT_EQ(0.0, bare["recency_prior"].get<double>());
  EXPECT_NEAR(bare["bm25"].get<double>() + s * (0.05 + 0.025),
              bare["score"].get<double>(), 1e-9);
}

TEST_F(SearcherTest, RecencyRanksTheNewerTwinFirstAndFollowsTheClock) {
  std::vector<TestDoc> docs = TwinDocs();
  docs[0].quality = docs[1].quality = 50;
  docs[0].published = "2024-03-01T00:00:00Z";
  docs[1].published = "2023-03-01T00:00:00Z";
  Index(docs);
  SearchRequest request;
  request.query = "serverless";
  SetTestPriors(&request, /*heat=*/0);
  ASSERT_TRUE(SetNow("2024-03-02T00:00:00Z", &request).ok());
  ASSERT_TRUE(SetHalfLife("72h", &request).ok());
  const Json recent = Search(request);
  ASSERT_EQ(2u, recent["hits"].size());
  EXPECT_EQ("low.md",
            recent["hits"][0]["path"].get<std::string>().substr(
                recent["hits"][0]["path"].get<std::string>().rfind('/') + 1));
  const double s = recent["ranking"]["scale"].get<double>();
  // One day old with a three-day half-life: 0.5^(1/3).
  // BM25 plus the priors, fractions of the scale.
  SearchRequest text_only = request;
  text_only.prior = false;
  const double bm25 = Score(Search(text_only)["hits"][0]);
  EXPECT_NEAR(bm25 + s * (0.1 * 0.5 + 0.1 * std::exp2(-1.0 / 3)),
              Score(recent["hits"][0]), 1e-9);
  EXPECT_EQ(72 * 3600.0, recent["ranking"]["half_life_seconds"]);
  // Measured from a time before both, both count as new: a tie.
  ASSERT_TRUE(SetNow("2020-01-01", &request).ok());
  const Json before = Search(request);
  EXPECT_DOUBLE_EQ(Score(before["hits"][0]), Score(before["hits"][1]));
  // Recency off.
  ASSERT_TRUE(SetBoost("recency", 0, &request).ok());
  ASSERT_TRUE(SetNow("2024-03-02", &request).ok());
  const Json off = Search(request);
  EXPECT_DOUBLE_EQ(Score(off["hits"][0]), Score(off["hits"][1]));
}

TEST_F(SearcherTest, RequestSettingsHaveBounds) {
  SearchRequest request;
  EXPECT_TRUE(SetBoost("heat", 10, &request).ok());
  EXPECT_EQ(10.0, request.heat_boost);
  EXPECT_FALSE(SetBoost("heat", 10.5, &request).ok());
  EXPECT_FALSE(SetBoost("heat", -1, &request).ok());
  EXPECT_FALSE(SetBoost("freshness", 1, &request).ok());
  EXPECT_TRUE(SetHalfLife("1.5d", &request).ok());
  EXPECT_EQ(1.5 * 86400, request.half_life_seconds);
  for (const char* bad : {"", "0h", "-3d", "3", "3x", "d", "2000y"})
    EXPECT_FALSE(SetHalfLife(bad, &request).ok()) << bad;
  EXPECT_TRUE(SetNow("2024-05-01T12:00:00Z", &request).ok());
  EXPECT_EQ(1714564800, request.now);
  EXPECT_FALSE(SetNow("yesterday", &request).ok());
}

// The prior never lifts a document that lacks a word over one that has
// them all, however strong: the tiers come first.
TEST_F(SearcherTest, APriorNeverLiftsAHitOverTheTierAboveIt) {
  TestDoc both = MakeDoc("both.md", "Weekly notes", "Kafka and flink.");
  both.quality = 0;
  both.heat = 0;
  TestDoc one = MakeDoc("one.md", "Kafka kafka kafka",
                        "Kafka streams, kafka connect, kafka topics.");
  one.quality = 100;
  one.heat = 100;
  one.topics = {"Kafka"};
  Index({both, one});
  SearchRequest request;
  request.query = "kafka flink";
  ASSERT_TRUE(SetBoost("quality", 10, &request).ok());
  ASSERT_TRUE(SetBoost("heat", 10, &request).ok());
  const Json result = Search(request);
  EXPECT_EQ((std::vector<std::string>{"Weekly notes", "Kafka kafka kafka"}),
            Titles(result));
  EXPECT_GT(Score(result["hits"][1]), Score(result["hits"][0]));
}

// Every document's prior comes from its own value slots, whichever of them
// it has, across many documents (the value streams are read forward).
TEST_F(SearcherTest, PriorsComeFromEachDocumentsSlots) {
  std::vector<TestDoc> docs;
  for (int i = 0; i < 1500; ++i) {
    TestDoc d = MakeDoc("many/m" + std::to_string(i) + ".md",
                        "Harbour note " + std::to_string(i),
                        "Ferry timetable for the harbour");
    if (i % 5 != 0) d.quality = i % 101;
    if (i % 3 != 0) d.heat = (i * 7) % 150;
    if (i % 4 != 0)
      d.published = "2023-0" + std::to_string(1 + i % 9) + "-1" +
                    std::to_string(i % 10) + "T00:00:00Z";
    docs.push_back(d);
  }
  Index(docs, /*filler=*/false);
  SearchRequest request;
  request.query = "harbour";
  request.limit = 2000;
  request.collapse = searcher::CollapseMode::kNone;
  request.explain = true;
  SetTestPriors(&request);
  ASSERT_TRUE(SetNow("2024-01-01", &request).ok());
  const Json result = Search(request);
  ASSERT_EQ(docs.size(), result["hits"].size());
  const double s = result["ranking"]["scale"].get<double>();
  for (const auto& hit : result["hits"]) {
    const Json& e = hit["explain"];
    // No value counts as 50, the middle of the scale.
    const double q =
        hit["quality"].is_null() ? 50 : hit["quality"].get<double>();
    const double h = hit["heat"].is_null() ? 50 : hit["heat"].get<double>();
    EXPECT_NEAR(s * 0.1 * std::min(q, 100.0) / 100,
                e["quality_prior"].get<double>(), 1e-12);
    EXPECT_NEAR(s * 0.05 * std::min(h, 100.0) / 100,
                e["heat_prior"].get<double>(), 1e-12);
    EXPECT_EQ(hit["published"].is_null(),
              e["recency_prior"].get<double>() == 0.0);
  }
  // The scores come from the match (the posting source over the value
  // streams); explain computes them from each document: they agree.
  for (size_t i = 1; i < result["hits"].size(); ++i)
    EXPECT_GE(Score(result["hits"][i - 1]), Score(result["hits"][i]));
  // A searcher that keeps the ranking values in memory (batch mode) gives
  // the same hits and scores, from its first query on and from its kept
  // columns.
  auto kept = Searcher::Open(IndexDir());
  ASSERT_TRUE(kept.ok());
  (*kept)->KeepPriorsInMemory();
  for (int round = 0; round < 2; ++round) {
    auto page = (*kept)->Search(request);
    ASSERT_TRUE(page.ok());
    const std::optional<Json> again = cli::PageJson(*page);
    ASSERT_EQ(result["hits"].size(), (*again)["hits"].size());
    for (size_t i = 0; i < result["hits"].size(); ++i) {
      EXPECT_EQ(result["hits"][i]["id"], (*again)["hits"][i]["id"]);
      EXPECT_NEAR(Score(result["hits"][i]), Score((*again)["hits"][i]), 1e-12);
    }
  }
}

// The priors are Xapian's own posting sources, so that a stock server
// (xapian-tcpsrv, whose registry knows only Xapian's classes) rebuilds the
// same query for remote shards.
TEST_F(SearcherTest, PriorQuerySerialisesThroughXapiansOwnRegistry) {
  Index(TwinDocs());
  auto db = Xapian::Database(IndexDir());
  const PriorSlots slots = PriorSlotsOf(searcher_->schema());
  ASSERT_TRUE(slots.quality && slots.heat && slots.day);
  PriorWeights weights;
  weights.quality = {0.25, 100};
  weights.heat = {0.125, 50};
  weights.recency = {0.3, 86400 * 3.5};
  weights.now = 1714564800;
  weights.scale = 12.345678901234567;
  const Xapian::Query prior = PriorQuery(db, slots, weights);
  ASSERT_FALSE(prior.empty());
  const Xapian::Query query(Xapian::Query::OP_AND_MAYBE, Xapian::Query("foo"),
                            prior);
  const Xapian::Query rebuilt =
      Xapian::Query::unserialise(query.serialise(), Xapian::Registry());
  EXPECT_EQ(query.get_description(), rebuilt.get_description());

  // Every weight 0: no prior query at all.
  weights.quality.weight = weights.heat.weight = weights.recency.weight = 0;
  EXPECT_TRUE(PriorQuery(db, slots, weights).empty());
}

// Batch mode keeps each document's day in 32 bits. A day slot beyond them
// (no date of years 1-9999 is, but a slot holds any number) must weigh
// what the document's own slots give, 0, not that of the day it would
// wrap to: today + 2^32 wraps to today.
TEST(PriorColumnsTest, ADayBeyondThirtyTwoBitsWeighsWhatItsSlotGives) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const PriorSlots slots{0, 1, 2};
  PriorWeights weights;
  weights.quality = {0.25, 0};
  weights.heat = {0.125, 1};
  weights.recency = {0.5, 86400 * 7.0, 2};
  weights.now = 20000 * int64_t{86400};  // Day 20,000.
  const int64_t today = UtcDay(weights.now);
  for (const int64_t day : {today, today + (int64_t{1} << 32),
                            today - (int64_t{1} << 32), int64_t{-1}}) {
    Xapian::Document doc;
    doc.add_value(0, Xapian::sortable_serialise(700));
    doc.add_value(1, Xapian::sortable_serialise(300));
    doc.add_value(2, Xapian::sortable_serialise(static_cast<double>(day)));
    db.add_document(doc);
  }
  const PriorColumns columns(db, slots);
  Xapian::Enquire enquire(db);
  enquire.set_query(PriorQuery(db, slots, weights, &columns));
  const Xapian::MSet mset = enquire.get_mset(0, 10);
  ASSERT_EQ(4u, mset.size());
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const double expected =
        DocumentPriors(weights, slots, it.get_document()).Sum();
    EXPECT_NEAR(expected, it.get_weight(), 1e-12) << "docid " << *it;
  }
  // Only the document dated today has a recency part.
  EXPECT_EQ(1u, *mset.begin());
  EXPECT_GT(mset.begin().get_weight(), mset[1].get_weight());
}

// Recency decays by half-lives from the start of a document's day, counts
// days ahead of the clock as new, and stops at its horizon.
TEST(RecencySpecTest, DecaysByDayAndStopsAtItsHorizon) {
  RecencySpec recency{1.0, 86400.0, 0};
  const int64_t now = 100 * 86400 + 3600;  // Day 100, 01:00.
  EXPECT_DOUBLE_EQ(std::exp2(-1.0 / 24), recency.Decay(100, now));
  EXPECT_DOUBLE_EQ(std::exp2(-25.0 / 24), recency.Decay(99, now));
  EXPECT_DOUBLE_EQ(1.0, recency.Decay(101, now));
  EXPECT_DOUBLE_EQ(1.0, recency.Decay(100 + RecencySpec::kMaxAheadDays, now));
  EXPECT_EQ(0.0, recency.Decay(101 + RecencySpec::kMaxAheadDays, now));
  EXPECT_EQ(0.0, recency.Decay(100 - 41, now));  // 40 half-lives back.
  EXPECT_GT(recency.Decay(100 - 40, now), 0.0);
  EXPECT_EQ(-1, UtcDay(-1));
  EXPECT_EQ(0, UtcDay(86399));
}

// A long-lived searcher (batch mode) sees prior changes after Reopen.
TEST_F(SearcherTest, ALongLivedSearcherFollowsPriorUpdates) {
  std::vector<TestDoc> docs = TwinDocs();
  docs[0].heat = 30;
  Index(docs);
  searcher_->KeepPriorsInMemory();
  SearchRequest request;
  request.query = "serverless";
  EXPECT_EQ(100, searcher_->Search(request)->hits.at(0).document.quality);

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
  const Json after = Search(request);
  EXPECT_EQ(Json(better.heat.value()), after["hits"][0]["heat"]);
  // The same as a fresh searcher that reads the value streams.
  auto fresh = Searcher::Open(IndexDir());
  ASSERT_TRUE(fresh.ok());
  const Json expected = cli::PageJson(*(*fresh)->Search(request));
  ASSERT_EQ(expected["hits"].size(), after["hits"].size());
  for (size_t i = 0; i < after["hits"].size(); ++i) {
    EXPECT_EQ(expected["hits"][i]["path"], after["hits"][i]["path"]);
    EXPECT_DOUBLE_EQ(Score(expected["hits"][i]), Score(after["hits"][i]));
  }
}

TEST_F(SearcherTest, StrongTextMatchBeatsHigherQualityWeakMatch) {
  // "Strong" has the word in its title, topic and excerpt (quality 10);
  // "Weak" mentions it once in its body (quality 100). The prior reorders
  // close hits only: Strong ranks first.
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
  EXPECT_GT(Score(result["hits"][0]), Score(result["hits"][1]));
}

TEST_F(SearcherTest, TotalsAreExactAndCountEveryCopy) {
  std::vector<TestDoc> docs;
  for (int i = 0; i < 30; ++i) {
    TestDoc d = MakeDoc("t/t" + std::to_string(i) + ".md",
                        "Tidal power " + std::to_string(i), "Tidal energy.");
    // Documents 0-3 are one story (one URL).
    d.url = "https://example.com/tidal/" + std::to_string(i < 4 ? 0 : i);
    docs.push_back(d);
  }
  Index(docs);
  SearchRequest request;
  request.query = "tidal";
  const Json result = Search(request);
  EXPECT_EQ(10u, result["hits"].size());
  for (const char* key : {"estimated", "lower", "upper"})
    EXPECT_EQ(30u, result["total"][key].get<size_t>()) << key;
  EXPECT_EQ(true, result["total"]["exact"]);
  request.limit = 100;
  const Json everything = Search(request);
  EXPECT_EQ(27u, everything["hits"].size());  // Stories.
  EXPECT_EQ(30u, everything["total"]["estimated"].get<size_t>());
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
TEST_F(SearcherTest, FacetValuesGroupAsTheFiltersMatchThem) {
  std::vector<TestDoc> docs;
  const char* const kSpellings[] = {"Management Tools", "Management tools",
                                    "Management Tools", "MANAGEMENT TOOLS"};
  for (int i = 0; i < 4; ++i) {
    TestDoc d = MakeDoc("m" + std::to_string(i) + ".md",
                        "Console update " + std::to_string(i), "Console.");
    d.topics = {kSpellings[i]};
    if (i == 3) d.topics.push_back("management tools");  // Twice in one.
    d.provider_name = i % 2 ? "contoso" : "Contoso";
    docs.push_back(d);
  }
  Index(docs);
  SearchRequest request;
  request.query = "console";
  request.facets = {"topic", "provider"};
  const Json result = Search(request);
  ASSERT_EQ(1u, result["facets"]["topic"].size()) << result["facets"].dump();
  EXPECT_EQ("Management Tools", result["facets"]["topic"][0]["value"]);
  EXPECT_EQ(4, result["facets"]["topic"][0]["count"]);
  ASSERT_EQ(1u, result["facets"]["provider"].size());
  EXPECT_EQ("Contoso", result["facets"]["provider"][0]["value"]);  // A tie.
  // Each count is the total of the matching filter.
  request.topics = {"management tools"};
  EXPECT_EQ(4, Search(request)["total"]["estimated"]);
}

TEST_F(SearcherTest, HistogramCountsTheMatchesByDate) {
  std::vector<TestDoc> docs;
  const char* const kDates[] = {"2024-02-26T10:00:00Z", "2024-03-03T23:00:00Z",
                                "2024-03-04T00:00:00Z", "2023-12-31T23:59:59Z",
                                ""};
  for (int i = 0; i < 5; ++i) {
    TestDoc d = MakeDoc("h" + std::to_string(i) + ".md",
                        "Harbor note " + std::to_string(i), "Harbor.");
    d.published = kDates[i];
    docs.push_back(d);
  }
  Index(docs);
  SearchRequest request;
  request.query = "harbor";
  request.histogram = Interval::kWeek;
  const Json week = Search(request)["histogram"];
  EXPECT_EQ("week", week["interval"]);
  EXPECT_EQ(1, week["undated"]);
  // Weeks start on Monday: 2023-12-25, 2024-02-26 (two), 2024-03-04.
  ASSERT_EQ(3u, week["buckets"].size()) << week.dump();
  EXPECT_EQ("2023-12-25", week["buckets"][0]["key"]);
  EXPECT_EQ("2024-02-26", week["buckets"][1]["key"]);
  EXPECT_EQ(2, week["buckets"][1]["count"]);
  EXPECT_EQ("2024-03-04T00:00:00Z", week["buckets"][2]["from"]);
  request.histogram = Interval::kMonth;
  const Json month = Search(request)["histogram"];
  ASSERT_EQ(3u, month["buckets"].size());
  EXPECT_EQ("2024-03", month["buckets"][2]["key"]);
  EXPECT_EQ(2, month["buckets"][2]["count"]);
  EXPECT_FALSE(ParseInterval("fortnight").ok());
}

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
  faceted.collapse = searcher::CollapseMode::kNone;
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
  request.limit = 2;
  request.offset = kMaxOffset;  // The deepest page: nothing there, no error.
  EXPECT_TRUE(Search(request)["hits"].empty());
  request.offset = kMaxOffset + 1;
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
  // Text that looks like a tag but is not HTML stays, and the snippet
  // escapes it.
  Index({MakeDoc("a.md", "Vector search",
                 "Use &lt;T&gt;vector&lt;/T&gt; search &amp; filters")});
  const Json result = Search("vectors");
  ASSERT_EQ(1u, result["hits"].size());
  EXPECT_EQ("Use &lt;T&gt;<mark>vector</mark>&lt;/T&gt; search &amp; filters",
            result["hits"][0]["snippet"]);
  // The excerpt itself is returned as stored.
  EXPECT_EQ("Use <T>vector</T> search & filters", result["hits"][0]["excerpt"]);
}

TEST_F(SearcherTest, MarkupIsNeitherStoredNorSearchable) {
  TestDoc doc =
      MakeDoc("a.md", "Vector search",
              "<p style=\"color: red\">Use <b>vector</b>&nbsp;search</p>");
  doc.body =
      "<div class=\"x\"><script>var hidden = 1;</script>"
      "Body <i>text</i></div>\n\n* a **list** item\n";
  Index({doc});
  const Json result = Search("vector");
  ASSERT_EQ(1u, result["hits"].size());
  EXPECT_EQ("Use vector search", result["hits"][0]["excerpt"]);
  EXPECT_EQ("Use <mark>vector</mark> search", result["hits"][0]["snippet"]);
  for (const char* markup :
       {"style", "color", "red", "class", "script", "hidden", "nbsp", "div"})
    EXPECT_TRUE(Search(markup)["hits"].empty()) << markup;
  EXPECT_EQ(1u, Search("list item").at("hits").size());
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
  EXPECT_EQ(2u, stats->documents);
  EXPECT_EQ("news", stats->schema.name);
  EXPECT_EQ(4, stats->schema.version);
  EXPECT_EQ(2u, stats->index.documents);
  EXPECT_GT(stats->terms, 0u);
  EXPECT_EQ(1u, stats->shards);
  EXPECT_EQ("", stats->shard_of);
}

TEST_F(SearcherTest, CheckPassesAHealthyIndex) {
  Index(TwinDocs());
  auto ok = Searcher::Check(IndexDir());
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(0u, ok->errors);
  EXPECT_EQ(searcher_->Stats()->documents, ok->documents);
  EXPECT_EQ("news", ok->schema.name);
}

TEST_F(SearcherTest, ShowFindsADocumentByIdOrPath) {
  Index({MakeDoc("a.md", "Shown document", "Shown excerpt.")});
  const std::string path = ContentDir() + "/a.md";
  const std::string id = DocumentIdForPath(path);

  auto by_id = searcher_->Show(id);
  ASSERT_TRUE(by_id.ok()) << by_id.error().ToString();
  EXPECT_EQ("Shown document", by_id->title);
  EXPECT_EQ(id, by_id->id);
  EXPECT_EQ(path, by_id->path);
  EXPECT_TRUE(by_id->file.has_value());

  auto by_path = searcher_->Show(path);
  ASSERT_TRUE(by_path.ok()) << by_path.error().ToString();
  EXPECT_EQ(cli::RecordJson(*by_id), cli::RecordJson(*by_path));

  auto unknown = searcher_->Show("0123456789abcdef");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(StatusCode::kDocumentNotFound, unknown.error().code());
  auto missing_path = searcher_->Show(ContentDir() + "/nope.md");
  ASSERT_FALSE(missing_path.ok());
  EXPECT_EQ(StatusCode::kDocumentNotFound, missing_path.error().code());
}

TEST_F(SearcherTest, OpenMissingFolderIsIndexMissing) {
  auto searcher = Searcher::Open(dir_.path() + "/does-not-exist");
  ASSERT_FALSE(searcher.ok());
  EXPECT_EQ(StatusCode::kIndexMissing, searcher.error().code());
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

// Flag values show as given (shortest round-trip text), not rounded.
TEST_F(SearcherTest, ParseOnlyShowsNumberFlagsExactly) {
  Index({MakeDoc("a.md", "Anything", "at all")}, /*filler=*/false);
  SearchRequest request;
  request.query = "azure";
  request.min_quality = 1234567.5;
  request.min_heat = 0.1;
  auto parsed = searcher_->ParseOnly(request);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  const std::string text = cli::ParsedJson(*parsed).dump();
  EXPECT_NE(std::string::npos, text.find(R"("from":"1234567.5")")) << text;
  EXPECT_NE(std::string::npos, text.find(R"("from":"0.1")")) << text;
}

TEST_F(SearcherTest, ParseOnlyReturnsTheParsedTree) {
  Index({MakeDoc("a.md", "Anything", "at all")}, /*filler=*/false);
  SearchRequest request;
  request.query = "the azure -aws";
  request.types = {"article"};
  auto parsed = searcher_->ParseOnly(request);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ("the azure -aws", parsed->query);
  EXPECT_EQ(std::vector<std::string>{"the"}, parsed->dropped_stopwords);
  const Json expected = Json::parse(R"({
    "op": "and",
    "children": [
      {"op": "and_not", "children": [
        {"op": "word", "terms": ["azure"], "exact": false},
        {"op": "word", "terms": ["aws"], "exact": false}]},
      {"op": "filter", "field": "type", "term": "XYarticle"}
    ]})");
  const Json tree = cli::QueryNodeJson(parsed->parsed);
  EXPECT_EQ(expected, tree) << tree.dump();
  EXPECT_NE("", parsed->strict);
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

// Issue 12: flag values were printed as query text and parsed again
// (`--since 2022-13` was reported as "date:2022-13..").
TEST_F(SearcherTest, FlagRangesAreTypedAndNamedAsGiven) {
  Index({MakeDoc("a.md", "Anything", "at all")}, /*filler=*/false);
  SearchRequest request;
  request.query = "anything";
  request.since = "2022-13";
  auto bad = searcher_->Search(request);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, bad.error().code());
  EXPECT_EQ(0u, bad.error().message().find("since 2022-13: '2022-13' is not "
                                           "a date"))
      << bad.error().message();
  request.since = "2024";
  request.until = "2023";
  auto empty = searcher_->Search(request);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ("since 2024 until 2023: the range is empty (from > to)",
            empty.error().message());
  request.since.clear();
  request.until.clear();
  request.min_heat = std::nan("");
  EXPECT_EQ(StatusCode::kInvalidArgument,
            searcher_->Search(request).error().code());
}

// Issue 12: the message leaked Xapian's term prefix ("Wildcard XEc*
// expands to more than 1 terms").
TEST_F(SearcherTest, WildcardLimitMessageNamesNoInternalPrefix) {
  Index({MakeDoc("a.md", "Cosmos pricing", "Cosmic costs."),
         MakeDoc("b.md", "Cosmetic changes", "Cosy.")});
  SearchRequest request;
  request.query = "cos*";
  request.limits.max_wildcard = 1;
  auto capped = searcher_->Search(request);
  ASSERT_FALSE(capped.ok());
  EXPECT_EQ(StatusCode::kLimitExceeded, capped.error().code());
  const std::string& message = capped.error().message();
  EXPECT_EQ(std::string::npos, message.find("Wildcard X")) << message;
  EXPECT_EQ(
      "a wildcard matches too many words (more than 1); make it longer or "
      "narrow the query",
      message);
}

TEST_F(SearcherTest, ATypoIsCorrectedWhenTheCorrectionFindsMore) {
  Index({MakeDoc("a.md", "Cosmos DB pricing explained", "Request units."),
         MakeDoc("b.md", "Azure Functions in Python", "Serverless code.")});
  const Json fixed = Search("cosmos pricng");
  ASSERT_TRUE(fixed.contains("corrected")) << fixed.dump();
  EXPECT_EQ("cosmos pricng", fixed["corrected"]["from"]);
  EXPECT_EQ("cosmos pricing", fixed["corrected"]["to"]);
  EXPECT_EQ("cosmos pricng", fixed["query"]);
  EXPECT_EQ(std::vector<std::string>{"Cosmos DB pricing explained"},
            Titles(fixed));
  EXPECT_EQ(false, fixed["relaxed"]);
  // The first letter too, and a swap.
  EXPECT_EQ("azure functions",
            Search("zaure funtcions")["corrected"]["to"].get<std::string>());
  // --no-correct: the relaxed results stand, the correction is suggested.
  SearchRequest off;
  off.query = "cosmos pricng";
  off.correct = false;
  const Json kept = Search(off);
  EXPECT_FALSE(kept.contains("corrected"));
  EXPECT_EQ(true, kept["relaxed"]);
  EXPECT_EQ("cosmos pricing", kept["suggestion"]);
  // A query whose words all match is never corrected.
  EXPECT_FALSE(Search("cosmos pricing").contains("corrected"));
}

TEST_F(SearcherTest, PrefixModeCompletesTheLastWordOnly) {
  Index({MakeDoc("a.md", "Kubernetes on Azure", "Clusters."),
         MakeDoc("b.md", "Azure Sentinel launches", "Security analytics."),
         MakeDoc("c.md", "Sentiment analysis", "Text.")});
  SearchRequest r;
  r.query = "kube";
  r.prefix = true;
  EXPECT_EQ(std::vector<std::string>{"Kubernetes on Azure"}, Titles(Search(r)));
  r.query = "azure sent";
  r.match = MatchMode::kAll;
  EXPECT_EQ(std::vector<std::string>{"Azure Sentinel launches"},
            Titles(Search(r)));
  r.query = "sent azure";  // Only the last word is a prefix.
  EXPECT_TRUE(Titles(Search(r)).empty());
  r.query = "kube ";  // A finished word.
  r.correct = false;
  EXPECT_TRUE(Titles(Search(r)).empty());
  r.prefix = false;
  r.query = "kube";
  EXPECT_TRUE(Titles(Search(r)).empty());
}

TEST_F(SearcherTest, SuggestCompletesWithinTheContextAndListsTitles) {
  Index({MakeDoc("a.md", "Azure Sentinel launches", "Security analytics."),
         MakeDoc("b.md", "Sentiment analysis one", "Text."),
         MakeDoc("c.md", "Sentiment analysis two", "Text."),
         MakeDoc("d.md", "Azure sentiment service", "Language.")});
  SuggestRequest r;
  r.text = "sent";
  auto s = searcher_->Suggest(r);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  ASSERT_GE(s->completions.size(), 2u);
  EXPECT_EQ("sentiment", s->completions[0].word);
  EXPECT_EQ(3u, s->completions[0].documents);
  r.text = "Azure sent";
  s = searcher_->Suggest(r);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  ASSERT_EQ(2u, s->completions.size());
  EXPECT_EQ("Azure sentiment", s->completions[0].text);
  EXPECT_EQ(1u, s->completions[0].documents);
  EXPECT_EQ("sentinel", s->completions[1].word);
  std::set<std::string> titles;
  for (const auto& t : s->titles) titles.insert(t.title);
  EXPECT_EQ((std::set<std::string>{"Azure Sentinel launches",
                                   "Azure sentiment service"}),
            titles);
  r.text = "(\"Azure sent";  // Half-typed syntax is read as words.
  s = searcher_->Suggest(r);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(2u, s->titles.size());
  r.limit = 1;
  s = searcher_->Suggest(r);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(1u, s->titles.size());
  r.limit = kMaxSuggestLimit + 1;
  EXPECT_EQ(StatusCode::kInvalidArgument, searcher_->Suggest(r).error().code());
}

}  // namespace
}  // namespace searcher
}  // namespace nsearch
