// Runs the real nsearch binary: golden JSON cases under tests/cli/<case>/,
// and the exit-code table of SPEC §5, one test per code.
//
// A golden case is a folder with:
//   args       one argument per line (the runner appends --index DIR)
//   expected   the expected stdout JSON (masked, keys sorted), or the exact
//              stdout for text output (expected.txt)
//   exit_code  optional, default 0
// NSEARCH_UPDATE_GOLDEN=1 rewrites `expected` from the actual output.

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pty.h>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "common/index_layout.h"
#include "tests/support/test_support.h"

namespace nsearch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::RunNsearch;
using testing::RunResult;
using testing::SourceDir;
using testing::TempDir;

std::string ContentDir() { return SourceDir() + "/data/content"; }
std::string BrokenDir() { return SourceDir() + "/data/broken"; }

std::string ReplaceAll(std::string s, const std::string& from,
                       const std::string& to) {
  if (from.empty()) return s;
  for (size_t at = s.find(from); at != std::string::npos;
       at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// Replaces what changes from run to run, so output compares across machines.
json Mask(const json& value, const std::string& index_dir) {
  // Ids hash the absolute path of the file, so they differ by checkout.
  static const std::vector<std::string> kVolatile = {
      "uuid",  "last_update", "seconds",    "docs_per_second",
      "mtime", "revision",    "size_bytes", "xapian",
      "id"};
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : value.items()) {
      const bool masked =
          std::find(kVolatile.begin(), kVolatile.end(), k) != kVolatile.end();
      out[k] = masked ? json("<masked>") : Mask(v, index_dir);
    }
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& v : value) out.push_back(Mask(v, index_dir));
    return out;
  }
  if (value.is_string()) {
    std::string s = ReplaceAll(value.get<std::string>(), index_dir, "$INDEX");
    return ReplaceAll(s, SourceDir(), "$SRC");
  }
  if (value.is_number_float()) {
    return std::round(value.get<double>() * 1000.0) / 1000.0;
  }
  return value;
}

// An index of data/content shared by the read-only tests.
class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    index_ = dir_->path() + "/index";
    RunResult r = RunNsearch({"index", "--index", index_, ContentDir()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static RunResult Query(std::vector<std::string> args) {
    args.insert(args.begin(), "query");
    args.push_back("--index");
    args.push_back(index_);
    return RunNsearch(args);
  }

  static json Json(const RunResult& r) {
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.out << r.err;
    return j;
  }

  static TempDir* dir_;
  static std::string index_;
};

TempDir* CliTest::dir_ = nullptr;
std::string CliTest::index_;

std::vector<std::string> GoldenCases() {
  std::vector<std::string> cases;
  const fs::path root = fs::path(SourceDir()) / "tests" / "cli";
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory() && fs::exists(entry.path() / "args"))
      cases.push_back(entry.path().filename().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

class GoldenTest : public CliTest,
                   public ::testing::WithParamInterface<std::string> {};

TEST_P(GoldenTest, MatchesExpectedOutput) {
  const fs::path dir = fs::path(SourceDir()) / "tests" / "cli" / GetParam();
  std::vector<std::string> args;
  {
    std::ifstream in(dir / "args");
    for (std::string line; std::getline(in, line);) {
      args.push_back(
          ReplaceAll(ReplaceAll(line, "$SRC", SourceDir()), "$INDEX", index_));
    }
  }
  ASSERT_FALSE(args.empty());
  // Commands that write get a fresh index of their own.
  TempDir scratch;
  std::string index = index_;
  if (args[0] == "index") index = scratch.path() + "/index";
  args.push_back("--index");
  args.push_back(index);
  const RunResult r = RunNsearch(args);

  int expected_code = 0;
  if (fs::exists(dir / "exit_code")) {
    std::ifstream in(dir / "exit_code");
    in >> expected_code;
  }
  EXPECT_EQ(r.exit_code, expected_code) << r.err;

  const bool text = fs::exists(dir / "expected.txt");
  const fs::path expected_path = dir / (text ? "expected.txt" : "expected");
  std::string actual;
  if (text) {
    actual =
        ReplaceAll(ReplaceAll(r.out, index, "$INDEX"), SourceDir(), "$SRC");
  } else {
    // JSON lines compare line by line; an error case compares stderr.
    const std::string& stream = r.out.empty() ? r.err : r.out;
    std::istringstream lines(stream);
    for (std::string line; std::getline(lines, line);) {
      json j = json::parse(line, nullptr, false);
      ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
      actual += Mask(j, index).dump(2) + "\n";
    }
  }
  if (std::getenv("NSEARCH_UPDATE_GOLDEN")) {
    std::ofstream(expected_path) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << "no " << expected_path << "; run with NSEARCH_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, testing::ReadFileOrDie(expected_path.string()));
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(GoldenCases()),
                         [](const auto& param_info) {
                           std::string name;
                           for (char c : param_info.param)
                             if (std::isalnum(static_cast<unsigned char>(c)))
                               name += c;
                           return name;
                         });

// --- Exit codes (SPEC §5), one test each, plus the documented defaults.

TEST_F(CliTest, ExitZeroOnHits) {
  const RunResult r = Query({"PyTorch Azure", "--all", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0);
  const json j = Json(r);
  ASSERT_GE(j["hits"].size(), 3u);
  for (const auto& hit : j["hits"]) {
    const std::string text = hit["title"].get<std::string>() + " " +
                             hit["excerpt"].get<std::string>();
    EXPECT_NE(text.find("zure"), std::string::npos) << text;
  }
}

TEST_F(CliTest, ExitZeroOnNoHits) {
  const RunResult r = Query({"qwxyzzy", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(Json(r)["hits"].size(), 0u);
  EXPECT_EQ(Json(r)["total"]["estimated"], 0);
}

TEST_F(CliTest, ExitOneOnRuntimeFailure) {
  // The index folder cannot be created under a regular file.
  TempDir dir;
  const std::string file = dir.Write("file", "x");
  const RunResult r =
      RunNsearch({"index", "--index", file + "/ix", ContentDir()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot create index folder"), std::string::npos)
      << r.err;
}

TEST_F(CliTest, ExitTwoOnUsageError) {
  EXPECT_EQ(RunNsearch({"query", "--no-such-flag", "x"}).exit_code, 2);
  EXPECT_EQ(RunNsearch({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunNsearch({}).exit_code, 2);
  EXPECT_EQ(Query({"azure", "--sort", "sideways"}).exit_code, 2);
  EXPECT_EQ(RunNsearch({"index", "--index", index_}).exit_code, 2);  // No PATH.
  // The ranking options have bounds, and --all and --any exclude each other.
  EXPECT_EQ(Query({"azure", "--all", "--any"}).exit_code, 2);
  EXPECT_EQ(Query({"azure", "--half-life", "0h"}).exit_code, 2);
  EXPECT_EQ(Query({"azure", "--half-life", "soon"}).exit_code, 2);
  EXPECT_EQ(Query({"azure", "--now", "yesterday"}).exit_code, 2);
  EXPECT_EQ(Query({"azure", "--boost", "recency=11"}).exit_code, 2);
  EXPECT_EQ(Query({"azure", "--boost", "freshness=1"}).exit_code, 2);
  // Offsets have a bound: a huge one, or a negative one, is not page 1.
  EXPECT_EQ(Query({"azure", "--offset", "4294967296"}).exit_code, 2);
  EXPECT_EQ(Query({"azure", "--offset", "-5"}).exit_code, 2);
  // A query with no word to search for is an error, not everything.
  for (const char* nothing : {"!!!", "*", "-", "\xE2\x80\xA6"})
    EXPECT_EQ(Query({nothing}).exit_code, 2) << nothing;
}

TEST_F(CliTest, ExitTwoOnInvalidQueryWithJsonError) {
  const RunResult r = Query({"(azure OR", "--format", "json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  const json err = json::parse(r.err, nullptr, false);
  ASSERT_FALSE(err.is_discarded()) << r.err;
  EXPECT_EQ(err["error"]["code"], "invalid_argument");
  EXPECT_NE(err["error"]["message"].get<std::string>().find("OR"),
            std::string::npos);
}

TEST_F(CliTest, ExitTwoOnQueryOverLimit) {
  const RunResult r = Query({std::string(5000, 'a'), "--format", "json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(json::parse(r.err)["error"]["code"], "limit_exceeded");
}

TEST_F(CliTest, ExitThreeOnMissingIndex) {
  TempDir dir;
  const RunResult r =
      RunNsearch({"query", "azure", "--index", dir.path() + "/none"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("no index at"), std::string::npos) << r.err;
}

TEST_F(CliTest, ExitThreeOnFolderThatIsNotAnIndex) {
  TempDir dir;
  EXPECT_EQ(RunNsearch({"stats", "--index", dir.path()}).exit_code, 3);
  // A Xapian database without nsearch's stamps is not an nsearch index.
  { Xapian::WritableDatabase db(dir.path() + "/plain", Xapian::DB_CREATE); }
  const RunResult r =
      RunNsearch({"query", "x", "--index", dir.path() + "/plain"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("not an nsearch index"), std::string::npos) << r.err;
}

TEST_F(CliTest, ExitThreeOnCorruptIndex) {
  TempDir dir;
  const std::string index = dir.path() + "/ix";
  ASSERT_EQ(RunNsearch({"index", "--index", index, ContentDir()}).exit_code, 0);
  // Overwrite every table of every generation with garbage.
  for (const auto& entry : fs::recursive_directory_iterator(index)) {
    if (entry.path().extension() == ".glass")
      std::ofstream(entry.path(), std::ios::binary | std::ios::trunc)
          << std::string(8192, '\x5a');
  }
  const RunResult r = RunNsearch({"query", "azure", "--index", index});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(RunNsearch({"check", "--index", index}).exit_code, 3);
}

TEST_F(CliTest, ExitThreeOnSchemaMismatch) {
  TempDir dir;
  const std::string index = dir.path() + "/ix";
  ASSERT_EQ(RunNsearch({"index", "--index", index, ContentDir()}).exit_code, 0);
  std::string schema =
      testing::ReadFileOrDie(SourceDir() + "/schema/news.yaml");
  schema = ReplaceAll(schema, "version: 4", "version: 5");
  const std::string other = dir.Write("other.yaml", schema);
  const RunResult r =
      RunNsearch({"index", "--index", index, "--schema", other, ContentDir()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("schema"), std::string::npos) << r.err;
}

TEST_F(CliTest, ExitFourWhenIndexIsBusy) {
  TempDir dir;
  const std::string index = dir.path() + "/ix";
  auto holder = IndexLock::Acquire(index);  // As another writer would.
  ASSERT_TRUE(holder.ok());
  const auto started = std::chrono::steady_clock::now();
  const RunResult r = RunNsearch({"index", "--index", index, ContentDir()});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("busy"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(index), std::string::npos) << r.err;
  // Fails fast: no waiting for the lock.
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::seconds(5));
  // Readers are not blocked by a writer.
  holder->reset();
  ASSERT_EQ(RunNsearch({"index", "--index", index, ContentDir()}).exit_code, 0);
  auto again = IndexLock::Acquire(index);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(RunNsearch({"query", "azure", "--index", index}).exit_code, 0);
}

TEST_F(CliTest, ExitFiveUnderStrictWithRejectedFiles) {
  TempDir dir;
  const std::string index = dir.path() + "/ix";
  const RunResult strict = RunNsearch(
      {"index", "--strict", "--json", "--index", index, BrokenDir()});
  EXPECT_EQ(strict.exit_code, 5) << strict.err;
  const json summary = json::parse(strict.out);
  EXPECT_EQ(summary["rejected"], 9);
  // Without --strict the same run succeeds, and still reports each file.
  const RunResult lax = RunNsearch({"index", "--index", index, BrokenDir()});
  EXPECT_EQ(lax.exit_code, 0);
  EXPECT_NE(lax.err.find("broken/invalid-yaml.md: line"), std::string::npos)
      << lax.err;
  EXPECT_NE(lax.err.find("broken/empty.md: empty file"), std::string::npos)
      << lax.err;
}

TEST_F(CliTest, IndexLocationFromEnvironment) {
  TempDir dir;
  const std::string index = dir.path() + "/from-env";
  ASSERT_EQ(
      RunNsearch({"index", ContentDir()}, {"NSEARCH_INDEX=" + index}).exit_code,
      0);
  EXPECT_TRUE(fs::exists(index));
  const RunResult r =
      RunNsearch({"stats", "--json"}, {"NSEARCH_INDEX=" + index});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(Json(r)["documents"], 54);
  // Without $NSEARCH_INDEX: ${XDG_DATA_HOME}/nsearch/index.
  const std::string xdg = dir.path() + "/xdg";
  ASSERT_EQ(RunNsearch({"index", ContentDir()},
                       {"NSEARCH_INDEX=", "XDG_DATA_HOME=" + xdg})
                .exit_code,
            0);
  EXPECT_TRUE(fs::exists(xdg + "/nsearch/index"));
}

TEST_F(CliTest, TextOutputHasNoColourWhenPiped) {
  const RunResult r = Query({"PyTorch Azure"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_NE(r.out.find("1. "), std::string::npos);
  EXPECT_NE(r.out.find("Results 1–"), std::string::npos) << r.out;
}

TEST_F(CliTest, JsonlPrintsOneHitPerLine) {
  const RunResult r = Query({"azure", "--format", "jsonl", "--limit", "4"});
  EXPECT_EQ(r.exit_code, 0);
  std::istringstream in(r.out);
  int lines = 0;
  std::string last;
  for (std::string line; std::getline(in, line); ++lines) {
    if (lines == 4) {
      last = line;
      continue;
    }
    const json hit = json::parse(line);
    EXPECT_EQ(hit["rank"], lines + 1);
  }
  // Then the summary line.
  EXPECT_EQ(lines, 5);
  EXPECT_EQ(4, json::parse(last)["summary"]["returned"]) << last;
}

TEST_F(CliTest, HitsCarryTheFixedKeys) {
  const json j = Json(Query({"PyTorch", "--format", "json", "--limit", "1"}));
  for (const char* key :
       {"version", "query", "total", "offset", "limit", "hits"})
    EXPECT_TRUE(j.contains(key)) << key;
  for (const char* key : {"estimated", "lower", "upper"})
    EXPECT_TRUE(j["total"].contains(key)) << key;
  ASSERT_EQ(j["hits"].size(), 1u);
  for (const char* key :
       {"rank", "id", "score", "title", "url", "excerpt", "snippet", "topics",
        "provider", "type", "category", "published", "quality", "heat", "path"})
    EXPECT_TRUE(j["hits"][0].contains(key)) << key;
  EXPECT_TRUE(j["hits"][0]["provider"].contains("name"));
  EXPECT_TRUE(j["hits"][0]["provider"].contains("domain"));
}

TEST_F(CliTest, HiddenFoldersAreNotIndexed) {
  const json j =
      Json(Query({"\"Hidden document should never be indexed\"", "--json"}));
  EXPECT_EQ(j["hits"].size(), 0u);
}

TEST_F(CliTest, ShowByIdMatchesShowByPath) {
  const json hit =
      Json(Query({"PyTorch", "--json", "--limit", "1"}))["hits"][0];
  const RunResult by_id = RunNsearch(
      {"show", hit["id"].get<std::string>(), "--json", "--index", index_});
  const RunResult by_path = RunNsearch(
      {"show", hit["path"].get<std::string>(), "--json", "--index", index_});
  EXPECT_EQ(by_id.exit_code, 0);
  EXPECT_EQ(by_id.out, by_path.out);
  EXPECT_EQ(Json(by_id)["document"]["title"], hit["title"]);
  EXPECT_EQ(
      RunNsearch({"show", "0000000000000000", "--index", index_}).exit_code, 3);
}

TEST_F(CliTest, HelpAndVersion) {
  const RunResult help = RunNsearch({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Exit codes"), std::string::npos);
  for (const char* cmd : {"index", "query", "stats", "show"}) {
    const RunResult r = RunNsearch({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage: nsearch"), std::string::npos) << cmd;
  }
  EXPECT_EQ(RunNsearch({"--version"}).out.rfind("nsearch ", 0), 0u);
}

}  // namespace
}  // namespace nsearch

namespace nsearch {
namespace {

// Runs nsearch with stdout and stderr on a pseudo-terminal; returns what it
// printed there, or "(no pseudo-terminal)" when none can be had.
std::string RunOnTerminal(const std::vector<std::string>& args,
                          const std::string& env = "") {
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return "(no pseudo-terminal)";
  if (pid == 0) {
    ::setenv("PAGER", "cat", 1);  // A pager would wait for keys.
    if (!env.empty()) ::putenv(const_cast<char*>(env.c_str()));
    std::vector<char*> argv;
    const std::string bin = testing::BinaryPath();
    argv.push_back(const_cast<char*>(bin.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(master, buf, sizeof buf)) > 0;)
    out.append(buf, n);
  ::close(master);
  testing::WaitForExit(pid);
  return out;
}

TEST_F(CliTest, ColourOnATerminalUnlessNoColor) {
  const std::string coloured =
      RunOnTerminal({"query", "PyTorch Azure", "--index", index_});
  if (coloured == "(no pseudo-terminal)")
    GTEST_SKIP() << "no pseudo-terminal here (/dev/pts not mounted?)";
  EXPECT_NE(std::string::npos, coloured.find("\x1b[")) << coloured;
  const std::string plain = RunOnTerminal(
      {"query", "PyTorch Azure", "--index", index_}, "NO_COLOR=1");
  EXPECT_EQ(std::string::npos, plain.find("\x1b[")) << plain;
  EXPECT_NE(std::string::npos, plain.find("1. "));
}

}  // namespace
}  // namespace nsearch
