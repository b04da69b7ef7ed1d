// Real output of every command validates against the JSON Schema files in
// schema/output/ (docs/output-format.md).

#include <filesystem>
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

class OutputSchemaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    index_ = dir_->path() + "/index";
    ASSERT_EQ(0, RunNsearch({"index", "--index", index_, Content()}).exit_code);
    validator_ = new SchemaValidator(testing::SourceDir() + "/schema/output");
  }
  static void TearDownTestSuite() {
    delete validator_;
    delete dir_;
  }
  static std::string Content() {
    return testing::SourceDir() + "/data/content";
  }

  // Validates every line of `text` against `schema`; returns the lines.
  static size_t ExpectValidLines(const std::string& schema,
                                 const std::string& text) {
    std::istringstream in(text);
    size_t n = 0;
    for (std::string line; std::getline(in, line); ++n) {
      const json value = json::parse(line, nullptr, false);
      EXPECT_FALSE(value.is_discarded()) << line;
      for (const auto& e : validator_->Validate(schema, value))
        ADD_FAILURE() << schema << ": " << e << "\n  in "
                      << line.substr(0, 300);
    }
    return n;
  }

  static RunResult Run(std::vector<std::string> args) {
    args.push_back("--index");
    args.push_back(index_);
    return RunNsearch(args);
  }

  static TempDir* dir_;
  static std::string index_;
  static SchemaValidator* validator_;
};

TempDir* OutputSchemaTest::dir_ = nullptr;
std::string OutputSchemaTest::index_;
SchemaValidator* OutputSchemaTest::validator_ = nullptr;

TEST_F(OutputSchemaTest, QueryJson) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"query", "PyTorch Azure", "--json"},
           {"query", "azure", "--json", "--facets", "topic,provider,type,year",
            "--explain"},
           {"query", "zzzzqqq", "--json"},
           {"query", "pytroch", "--json"},
           {"query", "--topic", "AI", "--sort", "date", "--no-collapse",
            "--json"},
           {"query", "\"TPU v5p\"", "--json"},
           {"query", "azure openai", "--json", "--expand", "--explain"}}) {
    const RunResult r = Run(args);
    ASSERT_EQ(0, r.exit_code) << r.err;
    EXPECT_EQ(1u, ExpectValidLines("query.schema.json", r.out));
  }
}

TEST_F(OutputSchemaTest, QueryJsonlParseOnlySimilarShowStatsCheck) {
  // Four hits and the summary line.
  EXPECT_EQ(
      5u,
      ExpectValidLines(
          "query-jsonl.schema.json",
          Run({"query", "azure", "--format", "jsonl", "--limit", "4"}).out));
  EXPECT_EQ(4u, ExpectValidLines("query-jsonl.schema.json",
                                 Run({"query", "azure", "--format", "jsonl",
                                      "--limit", "3", "--expand"})
                                     .out));
  EXPECT_EQ(1u, ExpectValidLines(
                    "parse-only.schema.json",
                    Run({"query", "--parse-only", "--json",
                         "the \"a b\" c* -d site:x.com date:2022.. e NEAR/3 f"})
                        .out));
  const json hit = json::parse(
      Run({"query", "Meta", "--json", "--limit", "1"}).out)["hits"][0];
  EXPECT_EQ(1u, ExpectValidLines("query.schema.json",
                                 Run({"similar", hit["id"], "--json"}).out));
  EXPECT_EQ(1u, ExpectValidLines("show.schema.json",
                                 Run({"show", hit["id"], "--json"}).out));
  EXPECT_EQ(
      1u, ExpectValidLines("stats.schema.json", Run({"stats", "--json"}).out));
  EXPECT_EQ(
      1u, ExpectValidLines("check.schema.json", Run({"check", "--json"}).out));
}

TEST_F(OutputSchemaTest, BatchResponsesIncludingErrors) {
  const std::string input =
      "PyTorch Azure\n"
      "{\"id\": 1, \"q\": \"azure\", \"facets\": \"topic\", \"explain\": "
      "true}\n"
      "{\"id\": 2, \"q\": \"azure\", \"parse_only\": true}\n"
      "{broken\n"
      "{\"id\": 3, \"q\": \"(azure\"}\n"
      "{\"id\": 4, \"q\": \"" +
      std::string(5000, 'a') + "\"}\n";
  const RunResult r =
      RunNsearch({"query", "--stdin", "--index", index_}, {}, input);
  ASSERT_EQ(0, r.exit_code);
  EXPECT_EQ(6u, ExpectValidLines("batch-response.schema.json", r.out));
}

TEST_F(OutputSchemaTest, SuggestAndCorrected) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"suggest", "pyt", "--json"},
                                             {"suggest", "azure p", "--json"},
                                             {"suggest", "azure ", "--json"},
                                             {"suggest", "zzzqqq", "--json"}}) {
    const RunResult r = Run(args);
    ASSERT_EQ(0, r.exit_code) << r.err;
    EXPECT_EQ(1u, ExpectValidLines("suggest.schema.json", r.out));
  }
  const RunResult typo = Run({"query", "pytroch", "--json"});
  EXPECT_TRUE(json::parse(typo.out).contains("corrected"));
  EXPECT_EQ(1u, ExpectValidLines("query.schema.json", typo.out));
  const RunResult batch =
      RunNsearch({"query", "--stdin", "--index", index_}, {},
                 "{\"id\": 1, \"suggest\": \"azure p\", \"limit\": 3}\n"
                 "{\"id\": 2, \"suggest\": \"azure\", \"sort\": \"date\"}\n"
                 "{\"id\": 3, \"q\": \"pytroch\"}\n");
  ASSERT_EQ(0, batch.exit_code);
  EXPECT_EQ(3u, ExpectValidLines("batch-response.schema.json", batch.out));
}

TEST_F(OutputSchemaTest, IndexSummaries) {
  TempDir dir;
  const std::string broken = testing::SourceDir() + "/data/broken";
  const RunResult full = RunNsearch(
      {"index", "--json", "--index", dir.path() + "/ix", Content(), broken});
  EXPECT_EQ(1u, ExpectValidLines("index.schema.json", full.out));
  const RunResult dry = RunNsearch({"index", "--json", "--dry-run", "--index",
                                    dir.path() + "/ix", Content(), broken});
  EXPECT_EQ(1u, ExpectValidLines("index.schema.json", dry.out));
  EXPECT_TRUE(json::parse(dry.out).contains("files_detail"));
  const RunResult strict = RunNsearch(
      {"index", "--json", "--strict", "--index", dir.path() + "/ix2", broken});
  EXPECT_EQ(5, strict.exit_code);
  EXPECT_EQ(1u, ExpectValidLines("index.schema.json", strict.out));
}

TEST_F(OutputSchemaTest, ErrorsOnStderr) {
  TempDir dir;
  for (const RunResult& r :
       {Run({"query", "(azure", "--json"}),
        Run({"query", std::string(5000, 'x'), "--json"}),
        RunNsearch({"query", "x", "--json", "--index", dir.path() + "/none"}),
        RunNsearch({"stats", "--json", "--index", dir.path()}),
        Run({"show", "0000000000000000", "--json"}),
        RunNsearch({"index", "--json", "--index", dir.path() + "/ix",
                    dir.path() + "/nope"})}) {
    EXPECT_NE(0, r.exit_code);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(1u, ExpectValidLines("error.schema.json", r.err));
  }
}

}  // namespace
}  // namespace nsearch
