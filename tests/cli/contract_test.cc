// The subprocess contract (issue 12, item 4): a JSON error code of its own
// for each failure, JSON errors under --json even when the command line
// does not parse, open published schemas, strict batch lines, and the
// summary line that ends --format jsonl.

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/json_schema.h"
#include "tests/support/test_support.h"

namespace nsearch {
namespace {

using nlohmann::json;
using testing::RunNsearch;
using testing::RunResult;
using testing::SchemaValidator;
using testing::TempDir;

class ContractTest : public testing::SampleIndexTest {
 protected:
  static std::string Content() {
    return testing::SourceDir() + "/data/content";
  }
  static RunResult Run(std::vector<std::string> args) {
    args.push_back("--index");
    args.push_back(index_);
    return RunNsearch(args);
  }
  // The error code of a JSON error on stderr ("" when it is not one).
  static std::string Code(const RunResult& r) {
    const json e = json::parse(r.err, nullptr, false);
    if (e.is_discarded() || !e.contains("error")) return "";
    return e["error"]["code"];
  }
};

TEST_F(ContractTest, EachFailureHasItsOwnCode) {
  const RunResult no_document = Run({"show", "0123456789abcdef", "--json"});
  EXPECT_EQ(3, no_document.exit_code);
  EXPECT_EQ("document_not_found", Code(no_document)) << no_document.err;
  const RunResult no_similar = Run({"similar", "0123456789abcdef", "--json"});
  EXPECT_EQ("document_not_found", Code(no_similar)) << no_similar.err;
  const RunResult no_index = RunNsearch(
      {"show", "0123456789abcdef", "--json", "--index", dir_->path() + "/no"});
  EXPECT_EQ(3, no_index.exit_code);
  EXPECT_EQ("index_missing", Code(no_index)) << no_index.err;
  TempDir dir;
  const RunResult no_path = RunNsearch(
      {"index", "--json", "--index", dir.path() + "/ix", dir.path() + "/no"});
  EXPECT_EQ(3, no_path.exit_code);
  EXPECT_EQ("path_not_found", Code(no_path)) << no_path.err;
  EXPECT_EQ("invalid_argument", Code(Run({"query", "(azure", "--json"})));
}

TEST_F(ContractTest, OptionErrorsAreJsonUnderJson) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"query", "azure", "--json", "--no-such-flag"},
           {"query", "--limit", "many", "--format", "jsonl", "azure"},
           {"stats", "--format=json", "--bogus"},
           {"show", "--json", "a", "b"},
           {"index", "--json", "--jobs"},
           {"no-such-command", "--json"}}) {
    const RunResult r = RunNsearch(args);
    EXPECT_EQ(2, r.exit_code) << args[0];
    EXPECT_EQ("invalid_argument", Code(r)) << args[0] << ": " << r.err;
  }
  // Without --json: text.
  const RunResult text = RunNsearch({"query", "azure", "--no-such-flag"});
  EXPECT_EQ(2, text.exit_code);
  EXPECT_EQ(0u, text.err.find("nsearch: error: ")) << text.err;
}

TEST_F(ContractTest, PublishedSchemasAllowNewKeysTheTestsDoNot) {
  const std::string dir = testing::SourceDir() + "/schema/output";
  const SchemaValidator published(dir, SchemaValidator::Mode::kAsPublished);
  const SchemaValidator strict(dir);
  json out = json::parse(Run({"query", "azure", "--json"}).out);
  EXPECT_TRUE(published.Validate("query.schema.json", out).empty());
  EXPECT_TRUE(strict.Validate("query.schema.json", out).empty());
  out["a_key_from_the_future"] = 1;
  out["hits"][0]["another_new_key"] = "x";
  EXPECT_TRUE(published.Validate("query.schema.json", out).empty());
  EXPECT_EQ(2u, strict.Validate("query.schema.json", out).size());
}

TEST_F(ContractTest, BatchLinesMustBeObjectsOrQueries) {
  const RunResult r =
      RunNsearch({"query", "--stdin", "--index", index_}, {},
                 "[\"azure\", \"pytorch\"]\n"
                 "{\"id\": 1, \"topic\": \"AI\", \"topics\": [\"Azure\"]}\n"
                 "{\"id\": 2, \"q\": \"azure\", \"query\": \"pytorch\"}\n"
                 "{\"id\": 3, \"provider\": \"x\", \"providers\": [\"y\"]}\n"
                 "\"azure devops\"\n"
                 "[draft] azure\n"
                 "{\"id\": 4, \"topics\": [\"AI\"], \"limit\": 1}\n");
  ASSERT_EQ(0, r.exit_code) << r.err;
  std::istringstream in(r.out);
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(json::parse(line));
  ASSERT_EQ(7u, lines.size()) << r.out;
  EXPECT_EQ("invalid_argument", lines[0]["error"]["code"]);
  EXPECT_TRUE(lines[0]["error"]["message"].get<std::string>().find(
                  "not a JSON array") != std::string::npos);
  for (size_t i : {1, 2, 3}) {
    EXPECT_EQ("invalid_argument", lines[i]["error"]["code"]) << i;
    EXPECT_EQ(json(i), lines[i]["id"]);
    EXPECT_TRUE(lines[i]["error"]["message"].get<std::string>().find(
                    "are the same field") != std::string::npos)
        << lines[i];
  }
  // A quoted line is a phrase query, text starting with '[' a query.
  EXPECT_EQ("\"azure devops\"", lines[4]["query"]);
  EXPECT_EQ("[draft] azure", lines[5]["query"]);
  EXPECT_TRUE(lines[6].contains("hits")) << lines[6];
}

TEST_F(ContractTest, StdinWithTextFormatIsAUsageError) {
  const RunResult text = RunNsearch(
      {"query", "--stdin", "--format", "text", "--index", index_}, {}, "x\n");
  EXPECT_EQ(2, text.exit_code);
  EXPECT_TRUE(text.out.empty());
  EXPECT_NE(std::string::npos, text.err.find("--stdin writes JSON lines"));
  for (const char* format : {"json", "jsonl"}) {
    const RunResult ok =
        RunNsearch({"query", "--stdin", "--format", format, "--index", index_},
                   {}, "azure\n");
    EXPECT_EQ(0, ok.exit_code) << format << ": " << ok.err;
  }
}

TEST_F(ContractTest, JsonlEndsWithASummaryLine) {
  const RunResult r =
      Run({"query", "azure", "--format", "jsonl", "--limit", "2"});
  ASSERT_EQ(0, r.exit_code) << r.err;
  std::istringstream in(r.out);
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(json::parse(line));
  ASSERT_EQ(3u, lines.size()) << r.out;
  EXPECT_TRUE(lines[0].contains("rank"));
  EXPECT_FALSE(lines[0].contains("summary"));
  const json& summary = lines[2]["summary"];
  EXPECT_EQ(1, lines[2]["version"]);
  EXPECT_EQ(2, summary["returned"]);
  EXPECT_EQ(2, summary["limit"]);
  EXPECT_EQ("azure", summary["query"]);
  EXPECT_GE(summary["total"]["estimated"].get<size_t>(), 2u);
  EXPECT_FALSE(summary["relaxed"].get<bool>());
  // Corrected queries say so on the summary line.
  const RunResult typo = Run({"query", "pytroch", "--format", "jsonl"});
  std::istringstream typo_in(typo.out);
  std::string last;
  for (std::string line; std::getline(typo_in, line);) last = line;
  EXPECT_EQ("pytorch",
            json::parse(last)["summary"]["corrected"]["to"].get<std::string>())
      << last;
  // No hits: only the summary.
  const RunResult none = Run({"query", "zzzzqqqq", "--format", "jsonl"});
  EXPECT_EQ(0, json::parse(none.out)["summary"]["returned"]);
}

}  // namespace
}  // namespace nsearch
