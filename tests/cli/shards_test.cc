// Sharded indexes (`index --shards N`, README "Shards"): the same tree
// indexed whole and in shards answers every kind of query alike: the same
// hits in the same order with the same scores, totals, facets and stories.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace nsearch {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using testing::RunNsearch;
using testing::TempDir;

// Words and phrases of both the bundled sample and the shared corpus.
const char* const kQueries[] = {
    "azure",
    "kubernetes",
    "pytorch azure",
    "machine learning",
    "power apps offline",
    "security best practices",
    "\"azure machine learning\"",
    "title:kubernetes",
    "data",
    "copilot",
    "how do I deploy a pytorch model to azure kubernetes service",
    "teams meeting",
    "openai pricing",
    "sql database",
    "kubernets",  // A typo.
    "azure -kubernetes",
    "cloud OR devops",
    "webinar",
    "news",
    "learn",
};

// The request variants each query is tried with.
const char* const kVariants[] = {
    R"({})",
    R"({"any": true})",
    R"({"all": true})",
    R"({"prior": false})",
    R"({"sort": "date"})",
    R"({"collapse": "none"})",
    R"({"collapse": "url"})",
    R"({"offset": 5, "limit": 5})",
    R"({"facets": ["topic", "provider", "type"]})",
    R"({"boost": {"recency": 2, "quality": 1}, "half_life": "30d"})",
    R"({"since": "2021-01-01"})",
};

std::string CorpusOrSample() {
  const std::string shared = testing::SharedCorpusDir() + "/azure-sample";
  if (fs::is_directory(shared)) return shared;
  return testing::SourceDir() + "/data/content";
}

// The batch requests: every query with every variant, then filter-only ones.
std::string Requests() {
  std::ostringstream out;
  for (const char* q : kQueries) {
    for (const char* v : kVariants) {
      Json r = Json::parse(v);
      r["q"] = q;
      r["now"] = "2024-04-12T00:00:00Z";
      out << r.dump() << "\n";
    }
  }
  for (const char* topic : {"Azure", "Kubernetes", "Security", "AI"})
    out << Json{{"q", ""}, {"topic", topic}, {"facets", {"type"}}}.dump()
        << "\n";
  return out.str();
}

std::vector<Json> RunBatch(const std::string& index,
                           const std::string& requests) {
  const auto r =
      RunNsearch({"query", "--stdin", "--index", index}, {}, requests);
  EXPECT_EQ(0, r.exit_code) << r.err;
  std::vector<Json> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    out.push_back(Json::parse(line));
  return out;
}

// Hits of equal score may come in either order (Xapian breaks ties by
// docid, and sharding renumbers documents): compares the scores in order,
// and the ids of each run of equal scores as a set, but for the last run,
// which the page may cut anywhere.
void ExpectSameHits(const Json& whole, const Json& split,
                    const std::string& what) {
  ASSERT_EQ(whole.size(), split.size()) << what;
  size_t run_start = 0;
  for (size_t i = 0; i <= whole.size(); ++i) {
    const bool run_ends =
        i == whole.size() ||
        std::fabs(whole[i]["score"].get<double>() -
                  whole[run_start]["score"].get<double>()) > 1e-9;
    if (i < whole.size()) {
      EXPECT_NEAR(whole[i]["score"].get<double>(),
                  split[i]["score"].get<double>(), 1e-9)
          << what << " hit " << i;
    }
    if (!run_ends) continue;
    if (i < whole.size()) {
      std::vector<std::string> a, b;
      for (size_t j = run_start; j < i; ++j) {
        a.push_back(whole[j]["id"].get<std::string>() +
                    whole[j].value("story", Json()).dump());
        b.push_back(split[j]["id"].get<std::string>() +
                    split[j].value("story", Json()).dump());
      }
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      EXPECT_EQ(a, b) << what << " hits " << run_start << ".." << i;
    }
    run_start = i;
  }
}

void ExpectSameAnswers(const std::vector<Json>& whole,
                       const std::vector<Json>& split,
                       const std::string& requests) {
  ASSERT_EQ(whole.size(), split.size());
  std::istringstream lines(requests);
  for (size_t i = 0; i < whole.size(); ++i) {
    std::string what;
    std::getline(lines, what);
    ASSERT_FALSE(whole[i].contains("error")) << what << ": " << whole[i];
    EXPECT_EQ(whole[i]["total"], split[i]["total"]) << what;
    EXPECT_EQ(whole[i]["relaxed"], split[i]["relaxed"]) << what;
    EXPECT_EQ(whole[i].value("corrected", Json()),
              split[i].value("corrected", Json()))
        << what;
    EXPECT_EQ(whole[i].value("facets", Json()),
              split[i].value("facets", Json()))
        << what;
    ExpectSameHits(whole[i]["hits"], split[i]["hits"], what);
  }
}

TEST(ShardsTest, FourShardsAnswerEveryKindOfQueryAsTheWholeIndex) {
  TempDir dir;
  const std::string tree = CorpusOrSample();
  const std::string whole = dir.path() + "/whole", split = dir.path() + "/4";
  ASSERT_EQ(0, RunNsearch({"index", "--index", whole, tree}).exit_code);
  const auto built =
      RunNsearch({"index", "--json", "--shards", "4", "--index", split, tree});
  ASSERT_EQ(0, built.exit_code) << built.err;
  const std::string live =
      split + "/" + testing::ReadFileOrDie(split + "/XAPIANDB").substr(5, 10);
  for (int k = 0; k < 4; ++k)
    EXPECT_TRUE(fs::exists(live + "/shard-" + std::to_string(k) + "/iamglass"))
        << live;
  const std::string requests = Requests();
  ASSERT_GE(std::count(requests.begin(), requests.end(), '\n'), 200);
  ExpectSameAnswers(RunBatch(whole, requests), RunBatch(split, requests),
                    requests);
  EXPECT_EQ(0, RunNsearch({"check", "--index", split}).exit_code);
}

TEST(ShardsTest, IncrementalRunsKeepShardsEqualToTheWholeIndex) {
  TempDir dir;
  const std::string tree = dir.path() + "/tree";
  fs::copy(testing::SourceDir() + "/data/content", tree,
           fs::copy_options::recursive);
  const std::string whole = dir.path() + "/whole", split = dir.path() + "/3";
  ASSERT_EQ(0, RunNsearch({"index", "--index", whole, tree}).exit_code);
  ASSERT_EQ(
      0,
      RunNsearch({"index", "--shards", "3", "--index", split, tree}).exit_code);
  // Change, add and remove files; both indexes follow.
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(tree))
    if (e.path().extension() == ".md" &&
        e.path().string().find("/.") == std::string::npos)
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  fs::remove(files[0]);
  std::ofstream(files[1], std::ios::app) << "\nKubernetes pytorch azure.\n";
  fs::copy(files[2], tree + "/copy-of-a-story.md");
  auto revision = [&](const std::string& ix) {
    const auto stats = RunNsearch({"stats", "--json", "--index", ix});
    EXPECT_EQ(0, stats.exit_code) << stats.err;
    return Json::parse(stats.out)["index"]["revision"].get<uint64_t>();
  };
  const uint64_t before = revision(split);
  for (const auto& ix : {whole, split}) {
    const auto r = RunNsearch({"index", "--json", "--index", ix, tree});
    ASSERT_EQ(0, r.exit_code) << r.err;
    const Json summary = Json::parse(r.out);
    EXPECT_EQ(1u, summary["added"]);
    EXPECT_EQ(1u, summary["updated"]);
    EXPECT_EQ(1u, summary["deleted"]);
  }
  // The shards' revision (their sum) moves on with the commit.
  EXPECT_GT(revision(split), before);
  const std::string requests = Requests();
  ExpectSameAnswers(RunBatch(whole, requests), RunBatch(split, requests),
                    requests);
}

TEST(ShardsTest, ChangingTheShardCountNeedsARebuild) {
  TempDir dir;
  const std::string tree = testing::SourceDir() + "/data/content";
  const std::string index = dir.path() + "/index";
  ASSERT_EQ(
      0,
      RunNsearch({"index", "--shards", "4", "--index", index, tree}).exit_code);
  // Later runs keep the count without being told.
  EXPECT_EQ(0, RunNsearch({"index", "--index", index, tree}).exit_code);
  const auto refused =
      RunNsearch({"index", "--shards", "2", "--index", index, tree});
  EXPECT_EQ(2, refused.exit_code);
  EXPECT_NE(std::string::npos, refused.err.find("has 4 shard(s)"))
      << refused.err;
  EXPECT_NE(std::string::npos, refused.err.find("--rebuild")) << refused.err;
  const auto rebuilt = RunNsearch({"index", "--json", "--shards", "2",
                                   "--rebuild", "--index", index, tree});
  ASSERT_EQ(0, rebuilt.exit_code) << rebuilt.err;
  const auto stats = RunNsearch({"stats", "--json", "--index", index});
  ASSERT_EQ(0, stats.exit_code);
  EXPECT_EQ(Json::parse(rebuilt.out)["documents"],
            Json::parse(stats.out)["documents"]);
  for (const char* bad : {"0", "65", "-1"}) {
    const auto r =
        RunNsearch({"index", "--shards", bad, "--index", index, tree});
    EXPECT_EQ(2, r.exit_code) << bad;
    EXPECT_NE(std::string::npos, r.err.find("--shards must be from 1 to 64"))
        << r.err;
  }
}

}  // namespace
}  // namespace nsearch
