// Limits that protect a caller (SPEC §5): time, query size, nesting and
// wildcard expansion, and exit code 3 from every command on a missing or
// corrupt index.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "searcher/searcher.h"
#include "tests/support/test_support.h"

namespace nsearch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::RunNsearch;
using testing::RunResult;
using testing::TempDir;

class LimitsTest : public testing::SampleIndexTest {};

// The flags that take a name of a fixed set, and the relative dates'
// bound: a clear usage error (exit 2) naming what is accepted.
TEST_F(LimitsTest, UnknownChoicesAndHugeRelativeDatesAreUsageErrors) {
  const struct {
    std::vector<std::string> args;
    const char* says;
  } kCases[] = {
      {{"--histogram", "fortnight"}, "day, week, month or year"},
      {{"--collapse", "title"}, "story, url or none"},
      {{"--since", "100000d"}, "7d"},
      {{"--until", "3q"}, "7d"},
  };
  for (const auto& c : kCases) {
    std::vector<std::string> args = {"query", "azure", "--json", "--index",
                                     index_};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const RunResult r = RunNsearch(args);
    EXPECT_EQ(2, r.exit_code) << c.args[0] << " " << c.args[1] << ": " << r.err;
    EXPECT_NE(std::string::npos, r.err.find(c.says)) << r.err;
  }
}

TEST_F(LimitsTest, TimeoutIsAClearErrorNotAHang) {
  auto searcher = searcher::Searcher::Open(index_);
  ASSERT_TRUE(searcher.ok());
  searcher::SearchRequest request;
  request.topics = {"Azure"};
  request.facets = {"topic"};
  request.timeout_ms = 1e-6;  // Over before the first document.
  auto result = (*searcher)->Search(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(StatusCode::kTimeout, result.error().code());
  request.timeout_ms = 60000;
  EXPECT_TRUE((*searcher)->Search(request).ok());

  const RunResult cli = RunNsearch({"query", "azure", "--timeout-ms",
                                    "0.000001", "--json", "--index", index_});
  EXPECT_EQ(1, cli.exit_code);
  EXPECT_EQ("timeout", json::parse(cli.err)["error"]["code"]);
  const RunResult batch =
      RunNsearch({"query", "--stdin", "--index", index_}, {},
                 "{\"id\": 1, \"q\": \"azure\", \"timeout_ms\": "
                 "0.000001}\n{\"id\": 2, \"q\": \"azure\"}\n");
  std::istringstream lines(batch.out);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ("timeout", json::parse(first)["error"]["code"]);
  EXPECT_TRUE(json::parse(second).contains("hits"));
}

TEST_F(LimitsTest, WildcardExpansionIsCapped) {
  auto searcher = searcher::Searcher::Open(index_);
  ASSERT_TRUE(searcher.ok());
  searcher::SearchRequest request;
  request.query = "a*";
  request.limits.max_wildcard = 3;
  auto result = (*searcher)->Search(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(StatusCode::kLimitExceeded, result.error().code());
  EXPECT_NE(std::string::npos, result.error().message().find("wildcard"));
  request.limits.max_wildcard = 100000;
  EXPECT_TRUE((*searcher)->Search(request).ok());
}

TEST_F(LimitsTest, LengthAndNestingExitTwo) {
  const RunResult long_query = RunNsearch(
      {"query", std::string(4097, 'a'), "--json", "--index", index_});
  EXPECT_EQ(2, long_query.exit_code);
  EXPECT_EQ("limit_exceeded", json::parse(long_query.err)["error"]["code"]);
  const RunResult deep = RunNsearch(
      {"query", std::string(40, '(') + "azure" + std::string(40, ')'), "--json",
       "--index", index_});
  EXPECT_EQ(2, deep.exit_code);
  EXPECT_EQ("limit_exceeded", json::parse(deep.err)["error"]["code"]);
}

TEST_F(LimitsTest, EveryReadingCommandExitsThreeOnMissingOrCorruptIndex) {
  TempDir dir;
  const std::string corrupt = dir.path() + "/corrupt";
  ASSERT_EQ(0, testing::IndexSampleContent(corrupt));
  for (const auto& e : fs::recursive_directory_iterator(corrupt))
    if (e.path().extension() == ".glass")
      std::ofstream(e.path(), std::ios::trunc) << std::string(8192, 'z');
  const std::vector<std::vector<std::string>> commands = {
      {"query", "azure"},
      {"query", "--stdin"},
      {"stats"},
      {"show", "0123456789abcdef"},
      {"similar", "0123456789abcdef"},
      {"check"}};
  for (const std::string& index : {dir.path() + "/missing", corrupt}) {
    for (auto args : commands) {
      args.push_back("--index");
      args.push_back(index);
      args.push_back("--json");
      const RunResult r = RunNsearch(args, {}, "azure\n");
      EXPECT_EQ(3, r.exit_code) << args[0] << " " << index << ": " << r.err;
      const json err = json::parse(r.err, nullptr, false);
      EXPECT_FALSE(err.is_discarded()) << r.err;
    }
  }
}

}  // namespace
}  // namespace nsearch
