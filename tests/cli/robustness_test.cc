// The indexer under stress, through the real binary (SPEC §3, #3): killed
// with SIGKILL at random points, interrupted with SIGINT/SIGTERM, and
// queried while it commits and swaps.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <signal.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "tests/support/test_support.h"

namespace nsearch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::RunNsearch;
using testing::RunResult;
using testing::SpawnNsearch;
using testing::TempDir;
using testing::WaitForExit;

// A tree of `copies` copies of data/content (54 documents each).
std::string MakeTree(const TempDir& dir, int copies) {
  const std::string tree = dir.path() + "/tree";
  fs::create_directories(tree);
  for (int i = 0; i < copies; ++i)
    fs::copy(testing::SourceDir() + "/data/content",
             tree + "/copy" + std::to_string(i), fs::copy_options::recursive);
  return tree;
}

size_t CountMarkdown(const std::string& tree) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(tree)) {
    if (e.path().string().find("/.") != std::string::npos) continue;
    n += e.is_regular_file() && e.path().extension() == ".md";
  }
  return n;
}

// Checks the index has exactly `expected` documents, each id once.
void ExpectCompleteAndUnique(const std::string& index, size_t expected) {
  Xapian::Database db(index);
  EXPECT_EQ(expected, db.get_doccount());
  size_t ids = 0;
  for (auto t = db.allterms_begin("Q"); t != db.allterms_end("Q"); ++t) {
    ++ids;
    EXPECT_EQ(1u, t.get_termfreq()) << "duplicated document " << *t;
  }
  EXPECT_EQ(expected, ids);
}

void ExpectIndexAnswers(const std::string& index) {
  const RunResult stats = RunNsearch({"stats", "--json", "--index", index});
  ASSERT_EQ(0, stats.exit_code) << stats.err;
  const RunResult query =
      RunNsearch({"query", "azure", "--json", "--index", index});
  ASSERT_EQ(0, query.exit_code) << query.err;
  EXPECT_FALSE(json::parse(query.out, nullptr, false).is_discarded());
}

// Kills `rounds` index runs (with `extra` arguments: a shard count) at
// random points, alternating full rebuilds and incremental runs; after each,
// the index opens and answers, and the next run completes it with every
// file once.
void KillNineLosesAndDuplicatesNothing(const std::vector<std::string>& extra,
                                       int rounds, int min_killed) {
  TempDir dir;
  std::string tree;
  const std::string corpus = testing::SharedCorpusDir();
  if (!corpus.empty()) {
    tree = corpus;  // Read-only is fine: the indexer only reads it.
  } else {
    tree = MakeTree(dir, 20);
  }
  const std::string index = dir.path() + "/index";
  // How long a full build and a no-change run take here (with this
  // binary, sanitizers included), to spread the kills over each kind.
  const std::string probe = dir.path() + "/probe";
  auto timed = [&](const std::vector<std::string>& args) {
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(0, RunNsearch(args).exit_code);
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now() - t0)
        .count();
  };
  // The time of each kind of run, to spread the kills over it. Calibrated
  // on a probe index, then lowered whenever a run finishes before its kill
  // (the machine got faster, or the probe ran cold): most runs must die.
  std::vector<std::string> probe_args = {"index", "--index", probe, tree};
  probe_args.insert(probe_args.end(), extra.begin(), extra.end());
  long full_us = timed(probe_args);
  long noop_us = timed(probe_args);
  std::mt19937 rng(20261126);  // Fixed seed: the same draws every run.
  int killed = 0;
  for (int round = 0; round < rounds; ++round) {
    // Alternate full rebuilds with incremental runs (which resume a
    // killed first build); small batches mean many commits to land in.
    std::vector<std::string> args = {"index",        "--index", index,
                                     "--batch-size", "50",      tree};
    args.insert(args.end(), extra.begin(), extra.end());
    if (round % 2 == 1) args.push_back("--rebuild");
    // Rebuilds, and incremental runs that resume a killed first build, do
    // a full build's work; other incremental runs a no-change run's.
    const bool full_work = round % 2 == 1 || !fs::exists(index + "/XAPIANDB") ||
                           Xapian::Database(index).get_doccount() == 0;
    long& expected_us = full_work ? full_us : noop_us;
    std::uniform_int_distribution<long> at(0,
                                           std::max<long>(1000, expected_us));
    const long kill_at = at(rng);
    const int pid = SpawnNsearch(args);
    std::this_thread::sleep_for(std::chrono::microseconds(kill_at));
    ::kill(pid, SIGKILL);
    const int code = WaitForExit(pid);
    ASSERT_TRUE(code == 128 + SIGKILL || code == 0)
        << "round " << round << ": " << code;
    killed += code == 128 + SIGKILL;
    if (code == 0) expected_us = std::min(expected_us, kill_at * 9 / 10);
    if (fs::exists(index + "/XAPIANDB")) ExpectIndexAnswers(index);
  }
  EXPECT_GE(killed, min_killed)
      << "most runs must die mid-way for the test to mean anything";
  // The next run finishes the job.
  const RunResult last =
      RunNsearch({"index", "--json", "--index", index, tree});
  ASSERT_EQ(0, last.exit_code) << last.err;
  const json summary = json::parse(last.out);
  const size_t expected =
      CountMarkdown(tree) - summary["rejected"].get<size_t>();
  ExpectCompleteAndUnique(index, expected);
  EXPECT_EQ(0, RunNsearch({"check", "--index", index}).exit_code);
  ExpectIndexAnswers(index);
}

TEST(RobustnessTest, KillNineAtTwentyRandomPointsLosesAndDuplicatesNothing) {
  KillNineLosesAndDuplicatesNothing({}, 20, 12);
}

// The same for a sharded index: its shards commit one after another, and
// a rebuild swaps them all at once.
TEST(RobustnessTest, KillNineLosesNothingFromAShardedIndex) {
  KillNineLosesAndDuplicatesNothing({"--shards", "3"}, 10, 6);
}

// The largest file under `dir`, in bytes.
size_t LargestFile(const std::string& dir) {
  size_t largest = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) largest = std::max<size_t>(largest, e.file_size());
  return largest;
}

// A full disk (simulated with a file size limit: writes past it fail with
// EFBIG): the run stops with exit 1 and the reason, the index stays as it
// was and opens, and a later run with room completes. Rebuilds on one
// thread, committing by 5,000 or by 20 documents, make the write fail
// inside a scratch part's add_document and inside its commit's rollback,
// where Xapian reports its own failure to roll back (the parts cannot)
// rather than the file size limit.
TEST(RobustnessTest, AFullDiskLeavesTheIndexAsItWas) {
  TempDir dir;
  const std::string more = MakeTree(dir, 6);  // Six copies of the sample.
  const std::string index = dir.path() + "/index";
  ASSERT_EQ(0,
            RunNsearch({"index", "--index", index, more + "/copy0"}).exit_code);
  const size_t limit = LargestFile(index) + 4096;
  for (const std::vector<std::string>& options :
       std::vector<std::vector<std::string>>{
           {},
           {"--rebuild"},
           {"--rebuild", "--jobs", "1"},
           {"--rebuild", "--jobs", "1", "--batch-size", "20"}}) {
    std::vector<std::string> args = {"index", "--json", "--index", index};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back(more);
    const RunResult full = testing::RunNsearchWithFileLimit(args, limit);
    SCOPED_TRACE(::testing::PrintToString(options));
    EXPECT_EQ(1, full.exit_code) << full.out << full.err;
    EXPECT_NE(std::string::npos, full.err.find("io_error")) << full.err;
    EXPECT_NE(std::string::npos, full.err.find("file too large")) << full.err;
    ExpectIndexAnswers(index);
    EXPECT_EQ(0, RunNsearch({"check", "--index", index}).exit_code);
  }
  const RunResult room = RunNsearch({"index", "--index", index, more});
  ASSERT_EQ(0, room.exit_code) << room.err;
  ExpectCompleteAndUnique(index, CountMarkdown(more));
}

// The same on a real full disk: a 1 MiB tmpfs, mounted in a private mount
// namespace (`unshare -m`, or `-rm` as a user) so that nothing outside sees
// it; skipped where neither may mount. An incremental run and rebuilds
// (also on one thread, by 5,000 and by 20 documents, as above) that do not
// fit stop with exit 1 and ENOSPC's reason; the index keeps
// the small tree's documents, opens, answers and passes `check`.
TEST(RobustnessTest, ARealFullDiskLeavesTheIndexAsItWas) {
  TempDir dir;
  const std::string big = MakeTree(dir, 6);
  const std::string d = dir.path();
  fs::create_directories(d + "/mnt");
  dir.Write("steps.sh", R"(D=$1 N=$2 SMALL=$3 BIG=$4
mount -t tmpfs -o size=1m nsearch-test "$D/mnt" 2>/dev/null || exit 77
run() { name=$1; shift; "$N" "$@" >"$D/$name.out" 2>"$D/$name.err"; echo $? >"$D/$name.rc"; }
run small index --index "$D/mnt/ix" "$SMALL"
run update index --json --index "$D/mnt/ix" "$BIG"
run rebuild index --json --rebuild --index "$D/mnt/ix" "$BIG"
run rebuild1 index --json --rebuild --jobs 1 --index "$D/mnt/ix" "$BIG"
run rebuild20 index --json --rebuild --jobs 1 --batch-size 20 --index "$D/mnt/ix" "$BIG"
run check check --index "$D/mnt/ix"
run stats stats --json --index "$D/mnt/ix"
run query query --json --index "$D/mnt/ix" azure
)");
  const std::string args = " sh " + d + "/steps.sh " + d + " " +
                           testing::BinaryPath() + " " + big + "/copy0 " + big;
  (void)std::system(("unshare -m" + args + " 2>/dev/null || unshare -rm" +
                     args + " 2>/dev/null")
                        .c_str());
  if (!fs::exists(d + "/small.rc"))
    GTEST_SKIP() << "no tmpfs can be mounted here";
  const auto rc = [&](const std::string& step) {
    return std::stoi(testing::ReadFileOrDie(d + "/" + step + ".rc"));
  };
  const auto err = [&](const std::string& step) {
    return testing::ReadFileOrDie(d + "/" + step + ".err");
  };
  ASSERT_EQ(0, rc("small")) << err("small");
  for (const std::string step :
       {"update", "rebuild", "rebuild1", "rebuild20"}) {
    SCOPED_TRACE(step);
    EXPECT_EQ(1, rc(step));
    EXPECT_NE(std::string::npos, err(step).find("\"io_error\"")) << err(step);
    EXPECT_NE(std::string::npos, err(step).find("no space left on device"))
        << err(step);
  }
  EXPECT_EQ(0, rc("check")) << err("check");
  ASSERT_EQ(0, rc("stats")) << err("stats");
  const json stats =
      json::parse(testing::ReadFileOrDie(d + "/stats.out"), nullptr, false);
  EXPECT_EQ(CountMarkdown(big + "/copy0"), stats.value("documents", 0u));
  ASSERT_EQ(0, rc("query")) << err("query");
  EXPECT_FALSE(
      json::parse(testing::ReadFileOrDie(d + "/query.out"), nullptr, false)
          .is_discarded());
}

// Files that vanish while a run reads the tree: each is reported with its
// path and reason or simply not there any more; nothing else is lost, and
// the next run deletes their documents.
TEST(RobustnessTest, FilesVanishingMidRunAreReportedAndSkipped) {
  TempDir dir;
  const std::string tree = MakeTree(dir, 40);
  const std::string index = dir.path() + "/index";
  const std::string out = dir.path() + "/out.json";
  const int pid = testing::SpawnNsearch(
      {"index", "--json", "-j", "1", "--index", index, tree}, out);
  // Remove every other copy of the sample while the indexer works.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  for (int i = 1; i < 40; i += 2)
    fs::remove_all(tree + "/copy" + std::to_string(i));
  ASSERT_EQ(0, testing::WaitForExit(pid));
  const json summary = json::parse(testing::ReadFileOrDie(out));
  for (const auto& r : summary["rejected_files"]) {
    EXPECT_FALSE(r["path"].get<std::string>().empty());
    EXPECT_FALSE(r["reason"].get<std::string>().empty());
  }
  ExpectIndexAnswers(index);
  EXPECT_EQ(0, RunNsearch({"check", "--index", index}).exit_code);
  const RunResult next =
      RunNsearch({"index", "--json", "--index", index, tree});
  ASSERT_EQ(0, next.exit_code) << next.err;
  ExpectCompleteAndUnique(index, CountMarkdown(tree));
}

TEST(RobustnessTest, QueriesSucceedWhileTheIndexerCommitsAndSwaps) {
  TempDir dir;
  const std::string tree = MakeTree(dir, 20);
  const std::string index = dir.path() + "/index";
  ASSERT_EQ(0, RunNsearch({"index", "--index", index, tree}).exit_code);
  // Change every file, so the incremental run rewrites them all in many
  // small commits; then two rebuilds swap generations under the readers.
  for (const auto& e : fs::recursive_directory_iterator(tree)) {
    if (e.path().extension() != ".md") continue;
    std::ofstream(e.path(), std::ios::app) << "\nEdited.\n";
  }
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    RunNsearch({"index", "--index", index, "--batch-size", "20", tree});
    RunNsearch({"index", "--index", index, "--rebuild", tree});
    RunNsearch({"index", "--index", index, "--rebuild", tree});
    writing = false;
  });
  int queries = 0, failures = 0;
  std::string failure;
  while (writing) {
    const RunResult r =
        RunNsearch({"query", "azure OR pytorch", "--json", "--index", index});
    ++queries;
    if (r.exit_code != 0 || json::parse(r.out, nullptr, false).is_discarded()) {
      ++failures;
      failure = r.err;
    }
  }
  writer.join();
  EXPECT_GT(queries, 5);
  EXPECT_EQ(0, failures) << failure;
  ExpectCompleteAndUnique(index, CountMarkdown(tree));
}

// Polls `path` until it contains `text`; false after a minute without.
bool WaitForText(const std::string& path, const std::string& text) {
  for (int i = 0; i < 6000; ++i) {
    std::ifstream in(path);
    const std::string content((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    if (content.find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class SignalTest : public ::testing::TestWithParam<int> {};

TEST_P(SignalTest, CommitsWhatIsDoneAndExitsWith128PlusSignal) {
  TempDir dir;
  const std::string tree = MakeTree(dir, 60);
  const std::string index = dir.path() + "/index";
  // A first full build, then edit everything: the incremental run that
  // gets the signal has a lot of committing to do.
  ASSERT_EQ(0, RunNsearch({"index", "--index", index, tree}).exit_code);
  for (const auto& e : fs::recursive_directory_iterator(tree))
    if (e.path().extension() == ".md")
      std::ofstream(e.path(), std::ios::app) << "\nx\n";
  const std::string out = dir.path() + "/out.json";
  const std::string err = dir.path() + "/err.txt";
  const int pid = SpawnNsearch({"index", "--json", "-v", "--index", index,
                                "--batch-size", "25", "--jobs", "1", tree},
                               out, err);
  // Signal only once the run is under way: the first progress line comes
  // after the handlers are installed. A fixed sleep raced a slow start on
  // a loaded machine, where the default action killed the process silently.
  ASSERT_TRUE(WaitForText(err, "indexing:")) << testing::ReadFileOrDie(err);
  ::kill(pid, GetParam());
  EXPECT_EQ(128 + GetParam(), WaitForExit(pid));
  const json summary = json::parse(testing::ReadFileOrDie(out));
  EXPECT_EQ(GetParam(), summary["interrupted"]);
  EXPECT_LT(summary["updated"].get<size_t>(), CountMarkdown(tree));
  ExpectIndexAnswers(index);
  // The next run finishes the job.
  const RunResult rest =
      RunNsearch({"index", "--json", "--index", index, tree});
  ASSERT_EQ(0, rest.exit_code);
  const json done = json::parse(rest.out);
  EXPECT_EQ(CountMarkdown(tree),
            summary["updated"].get<size_t>() + done["updated"].get<size_t>());
  ExpectCompleteAndUnique(index, CountMarkdown(tree));
}

// Issue 12: an interrupted --rebuild printed "3343 added ... the index
// holds 7080 documents" as if the work had landed; the old index was kept.
TEST(RobustnessTest, InterruptedRebuildSaysTheOldIndexWasKept) {
  TempDir dir;
  const std::string tree = MakeTree(dir, 60);
  const std::string index = dir.path() + "/index";
  const RunResult built =
      RunNsearch({"index", "--json", "--index", index, tree});
  ASSERT_EQ(0, built.exit_code) << built.err;
  const size_t documents = json::parse(built.out)["documents"];
  const std::string out = dir.path() + "/out.txt";
  const std::string err = dir.path() + "/err.txt";
  const int pid = SpawnNsearch({"index", "--rebuild", "-v", "--index", index,
                                "--batch-size", "25", "--jobs", "1", tree},
                               out, err);
  ASSERT_TRUE(WaitForText(err, "indexing:")) << testing::ReadFileOrDie(err);
  ::kill(pid, SIGINT);
  EXPECT_EQ(128 + SIGINT, WaitForExit(pid));
  const std::string summary = testing::ReadFileOrDie(out);
  EXPECT_NE(std::string::npos,
            summary.find("the rebuild was discarded and the old index kept; "
                         "the index holds " +
                         std::to_string(documents) + " documents"))
      << summary;
  EXPECT_EQ(std::string::npos, summary.find("added")) << summary;
  EXPECT_EQ(std::string::npos,
            testing::ReadFileOrDie(err).find("what was done is committed"));
}

INSTANTIATE_TEST_SUITE_P(IntAndTerm, SignalTest,
                         ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& param_info) {
                           return param_info.param == SIGINT
                                      ? std::string("Sigint")
                                      : std::string("Sigterm");
                         });

TEST(RobustnessTest, ProgressOnlyWithVerboseWhenNotATerminal) {
  TempDir dir;
  const std::string tree = MakeTree(dir, 2);
  const RunResult quiet =
      RunNsearch({"index", "--index", dir.path() + "/a", tree});
  EXPECT_EQ(std::string::npos, quiet.err.find("indexing:"));
  const RunResult verbose =
      RunNsearch({"index", "-v", "--index", dir.path() + "/b", tree});
  EXPECT_NE(std::string::npos, verbose.err.find("indexing: 108/108 files"))
      << verbose.err;
  EXPECT_EQ(std::string::npos, verbose.err.find('\r'));
}

}  // namespace
}  // namespace nsearch
