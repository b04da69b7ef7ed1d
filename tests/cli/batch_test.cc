// `nsearch query --stdin`: one JSON response per request line, errors on
// their own line, and the newest index for every request.

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace nsearch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Conversation;
using testing::RunNsearch;
using testing::TempDir;

std::string Article(const std::string& title) {
  return "---\ntitle: \"" + title + "\"\nexcerpt: \"About " + title +
         ".\"\ntype: article\n---\n";
}

class BatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = dir_.path() + "/index";
    ASSERT_EQ(0, RunNsearch({"index", "--index", index_, content_}).exit_code);
  }
  // Runs one batch process over `input`; its response lines, parsed.
  std::vector<json> Ask(const std::string& input) {
    const auto r =
        RunNsearch({"query", "--stdin", "--index", index_}, {}, input);
    EXPECT_EQ(0, r.exit_code) << r.err;
    std::vector<json> lines;
    std::istringstream out(r.out);
    for (std::string l; std::getline(out, l);) lines.push_back(json::parse(l));
    return lines;
  }

  TempDir dir_;
  std::string index_;
  const std::string content_ = testing::SourceDir() + "/data/content";
};

TEST_F(BatchTest, AnswersEachLineAndCarriesOnAfterErrors) {
  const std::string input =
      "PyTorch Azure\n"
      "{\"id\": 7, \"q\": \"azure\", \"limit\": 2, \"topic\": \"PyTorch\"}\n"
      "{not json\n"
      "{\"id\": \"bad\", \"q\": \"(azure\"}\n"
      "{\"id\": 9, \"q\": \"azure\", \"limt\": 1}\n"
      "{\"id\": [1, 2], \"q\": \"azure\", \"parse_only\": true}\n"
      "{\"id\": 10, \"q\": \"meta\", \"sort\": \"date\", \"facets\": "
      "[\"year\"],"
      " \"boost\": {\"quality\": 0.5}, \"explain\": true, \"limit\": 1}\n";
  const std::vector<json> lines = Ask(input);
  ASSERT_EQ(7u, lines.size());
  EXPECT_TRUE(lines[0]["id"].is_null());
  // Seven documents have both words; the page goes on with those that
  // have one of them.
  EXPECT_EQ(7, lines[0]["all_words_total"]["estimated"]);
  EXPECT_EQ(true, lines[0]["relaxed"]);
  EXPECT_EQ(21, lines[0]["total"]["estimated"]);
  EXPECT_EQ(true, lines[0]["total"]["exact"]);
  EXPECT_EQ(7, lines[1]["id"]);
  EXPECT_EQ(2u, lines[1]["hits"].size());
  for (const auto& hit : lines[1]["hits"]) {
    const auto& topics = hit["topics"];
    EXPECT_NE(topics.end(), std::find(topics.begin(), topics.end(), "PyTorch"));
  }
  EXPECT_EQ("invalid_argument", lines[2]["error"]["code"]);
  EXPECT_EQ("bad", lines[3]["id"]);
  EXPECT_EQ("invalid_argument", lines[3]["error"]["code"]);
  EXPECT_NE(std::string::npos,
            lines[4]["error"]["message"].get<std::string>().find("limt"));
  EXPECT_EQ(json::array({1, 2}), lines[5]["id"]);
  EXPECT_TRUE(lines[5].contains("parsed"));
  EXPECT_EQ(10, lines[6]["id"]);
  EXPECT_EQ("date", lines[6]["sort"]);
  EXPECT_TRUE(lines[6]["facets"].contains("year"));
  EXPECT_TRUE(lines[6]["hits"][0].contains("explain"));
}

TEST_F(BatchTest, FlagsAreDefaultsForEveryRequest) {
  const auto r =
      RunNsearch({"query", "--stdin", "--limit", "1", "--index", index_}, {},
                 "azure\n{\"q\": \"azure\", \"limit\": 3}\n");
  std::istringstream out(r.out);
  std::string a, b;
  std::getline(out, a);
  std::getline(out, b);
  EXPECT_EQ(1u, json::parse(a)["hits"].size());
  EXPECT_EQ(3u, json::parse(b)["hits"].size());
}

TEST_F(BatchTest, RequestsChooseHowCopiesCollapse) {
  const auto lines =
      Ask("{\"q\": \"TPU v5p\", \"collapse\": \"story\"}\n"
          "{\"q\": \"TPU v5p\", \"collapse\": \"url\"}\n"
          "{\"q\": \"TPU v5p\", \"collapse\": false}\n"
          "{\"q\": \"TPU v5p\", \"collapse\": \"title\"}\n"
          "{\"q\": \"TPU v5p\", \"collapse\": 3}\n");
  ASSERT_EQ(5u, lines.size());
  EXPECT_EQ("story", lines[0]["collapse_by"]);
  EXPECT_EQ("url", lines[1]["collapse_by"]);
  EXPECT_EQ("none", lines[2]["collapse_by"]);
  // The sample has one story told by two outlets (with one URL).
  ASSERT_EQ(1u, lines[0]["hits"].size());
  EXPECT_EQ(2u, lines[0]["hits"][0]["story"]["size"].get<size_t>());
  ASSERT_EQ(1u, lines[1]["hits"].size());
  EXPECT_FALSE(lines[1]["hits"][0].contains("story"));
  EXPECT_EQ(2u, lines[2]["hits"].size());
  EXPECT_EQ("invalid_argument", lines[3]["error"]["code"]);
  EXPECT_EQ("invalid_argument", lines[4]["error"]["code"]);
}

TEST_F(BatchTest, SeesCommitsAndRebuildsWithoutErrors) {
  const std::string site = dir_.path() + "/site";
  Conversation batch({"query", "--stdin", "--index", index_});
  json first = json::parse(batch.Ask("{\"id\": 1, \"q\": \"zebracorn\"}"));
  EXPECT_EQ(0, first["total"]["estimated"]);
  const std::string uuid = first["index"]["uuid"];

  // Another process commits a new document.
  dir_.Write("site/new.md", Article("Zebracorn sighted"));
  ASSERT_EQ(0, RunNsearch({"index", "--index", index_, site}).exit_code);
  json second = json::parse(batch.Ask("{\"id\": 2, \"q\": \"zebracorn\"}"));
  EXPECT_EQ(1, second["total"]["estimated"]) << second.dump();
  EXPECT_GT(second["index"]["revision"], first["index"]["revision"]);

  // A rebuild swaps in a new generation (a new UUID).
  ASSERT_EQ(
      0, RunNsearch({"index", "--rebuild", "--index", index_, content_, site})
             .exit_code);
  json third = json::parse(batch.Ask("{\"id\": 3, \"q\": \"zebracorn\"}"));
  EXPECT_EQ(1, third["total"]["estimated"]) << third.dump();
  EXPECT_NE(uuid, third["index"]["uuid"]);
  EXPECT_EQ(0, batch.Finish());
}

TEST_F(BatchTest, RequestsChooseTheMatchModeAndTheRankingClock) {
  const std::string input =
      "{\"id\": 1, \"q\": \"azure openai pricing\"}\n"
      "{\"id\": 2, \"q\": \"azure openai pricing\", \"all\": true}\n"
      "{\"id\": 3, \"q\": \"azure openai pricing\", \"any\": true}\n"
      "{\"id\": 4, \"q\": \"azure\", \"any\": true, \"all\": true}\n"
      "{\"id\": 5, \"q\": \"azure\", \"now\": \"2024-06-01\", "
      "\"half_life\": \"72h\", \"boost\": {\"recency\": 0.5}}\n"
      "{\"id\": 6, \"q\": \"azure\", \"half_life\": \"later\"}\n"
      "{\"id\": 7, \"q\": \"azure\", \"boost\": {\"recency\": -1}}\n";
  const std::vector<json> lines = Ask(input);
  ASSERT_EQ(7u, lines.size());
  EXPECT_EQ(true, lines[0]["relaxed"]);
  EXPECT_FALSE(lines[0]["optional"].empty());
  EXPECT_EQ(false, lines[1]["relaxed"]);
  EXPECT_LT(lines[1]["total"]["estimated"], lines[0]["total"]["estimated"]);
  EXPECT_EQ(false, lines[2]["relaxed"]);
  EXPECT_EQ(lines[0]["total"]["estimated"], lines[2]["total"]["estimated"]);
  EXPECT_EQ("invalid_argument", lines[3]["error"]["code"]);
  EXPECT_EQ("2024-06-01T00:00:00Z", lines[4]["ranking"]["now"]);
  EXPECT_EQ(72 * 3600.0, lines[4]["ranking"]["half_life_seconds"]);
  EXPECT_EQ(0.5, lines[4]["ranking"]["recency"]);
  EXPECT_EQ("invalid_argument", lines[5]["error"]["code"]);
  EXPECT_EQ("invalid_argument", lines[6]["error"]["code"]);
}

// "expand": true adds the expansion's terms to the response and keeps the
// query's matches; without it the key is absent, and it must be a switch.
TEST_F(BatchTest, RequestsChooseQueryExpansion) {
  const std::vector<json> lines =
      Ask("{\"id\": 1, \"q\": \"azure openai\"}\n"
          "{\"id\": 2, \"q\": \"azure openai\", \"expand\": true}\n"
          "{\"id\": 3, \"q\": \"azure openai\", \"expand\": 1}\n");
  ASSERT_EQ(3u, lines.size());
  EXPECT_FALSE(lines[0].contains("expanded"));
  ASSERT_TRUE(lines[1].contains("expanded")) << lines[1].dump();
  EXPECT_FALSE(lines[1]["expanded"].empty());
  EXPECT_EQ(lines[0]["total"], lines[1]["total"]);
  EXPECT_EQ("invalid_argument", lines[2]["error"]["code"]);
}

// Issue 12: a batch line's counts had no bounds of their own (facet_size
// none at all); they now have the flags' bounds, through the same mapping.
TEST_F(BatchTest, CountsHaveTheFlagsBoundsAndNameTheField) {
  const std::vector<json> lines = Ask(
      "{\"id\": 1, \"q\": \"azure\", \"limit\": 10001}\n"
      "{\"id\": 2, \"q\": \"azure\", \"offset\": -1}\n"
      "{\"id\": 3, \"q\": \"azure\", \"facet_size\": 20000, "
      "\"facets\": [\"topic\"]}\n"
      "{\"id\": 4, \"q\": \"azure\", \"limit\": 10000, \"offset\": 1000000}\n");
  ASSERT_EQ(4u, lines.size());
  const char* says[] = {
      "request field 'limit' must be from 0 to 10000 (got 10001)",
      "request field 'offset' must be from 0 to 1000000 (got -1)",
      "request field 'facet_size' must be from 0 to 10000 (got 20000)"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(static_cast<int>(i + 1), lines[i]["id"]);
    EXPECT_EQ("invalid_argument", lines[i]["error"]["code"]) << lines[i];
    EXPECT_EQ(says[i], lines[i]["error"]["message"]) << lines[i];
  }
  EXPECT_FALSE(lines[3].contains("error")) << lines[3];  // The bounds hold.
}

TEST_F(BatchTest, MissingIndexFailsAtStartWithExitThree) {
  const auto r = RunNsearch(
      {"query", "--stdin", "--index", dir_.path() + "/none"}, {}, "azure\n");
  EXPECT_EQ(3, r.exit_code);
  EXPECT_EQ("index_missing", json::parse(r.err)["error"]["code"]);
}

}  // namespace
}  // namespace nsearch
