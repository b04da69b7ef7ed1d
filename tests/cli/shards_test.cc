// Sharded indexes (`index --shards N`, README "Shards"): the same tree
// indexed whole and in shards answers every kind of query alike: the same
// hits in the same order with the same scores, totals, facets and stories;
// so do its shards listed in a shard list, local, served by `nsearch serve`
// on 127.0.0.1, and mixed.

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <cmath>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "common/analyzer.h"
#include "common/index_layout.h"
#include "common/index_meta.h"
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
    R"({"expand": true})",
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

// The answers of `query --stdin` over `index` (or, with `flag`
// "--shard-list", over the shards a list names).
std::vector<Json> RunBatch(const std::string& index,
                           const std::string& requests,
                           const std::string& flag = "--index") {
  const auto r = RunNsearch({"query", "--stdin", flag, index}, {}, requests);
  EXPECT_EQ(0, r.exit_code) << r.err;
  std::vector<Json> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    out.push_back(Json::parse(line));
  return out;
}

// A port on 127.0.0.1 that nothing listens on now (the kernel's choice).
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok =
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// `nsearch serve` on 127.0.0.1, in a process group of its own (the server
// forks a process per connection): Kill() stops them all, as a machine
// that goes away would.
class ShardServer {
 public:
  explicit ShardServer(const std::string& index, int port = 0)
      : port_(port ? port : FreePort()) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      // The server reports each client that hangs up; keep test output clean.
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      const std::string bin = testing::BinaryPath();
      const std::string listen = "127.0.0.1:" + std::to_string(port_);
      ::execl(bin.c_str(), bin.c_str(), "serve", "--listen", listen.c_str(),
              index.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);
    for (int i = 0; i < 200 && !Accepts(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ~ShardServer() { Kill(); }
  void Kill() { Stop(SIGKILL, /*group=*/true); }
  // Sends `signal` to the server (or to its whole process group) and
  // waits for it to end.
  void Stop(int signal, bool group = false) {
    if (pid_ <= 0) return;
    ::kill(group ? -pid_ : pid_, signal);
    ::waitpid(pid_, nullptr, 0);
    if (!group) ::kill(-pid_, SIGKILL);  // Connections' processes.
    pid_ = -1;
  }
  std::string Line() const {
    return "remote tcp 127.0.0.1 " + std::to_string(port_);
  }
  int port() const { return port_; }

 private:
  int port_;
  int pid_ = -1;
};

// The live generation's shard folders of a sharded index.
std::vector<std::string> ShardFolders(const std::string& index, int n) {
  const std::string live =
      index + "/" + testing::ReadFileOrDie(index + "/XAPIANDB").substr(5, 10);
  std::vector<std::string> out;
  for (int k = 0; k < n; ++k)
    out.push_back(live + "/shard-" + std::to_string(k));
  return out;
}

std::string WriteList(const TempDir& dir, const std::string& name,
                      const std::vector<std::string>& lines) {
  std::string text = "# " + name + "\n";
  for (const auto& line : lines) text += line + "\n";
  return dir.Write(name, text);
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
    EXPECT_EQ(whole[i].value("expanded", Json()),
              split[i].value("expanded", Json()))
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

// `nsearch serve` runs Xapian's xapian-tcpsrv (scripts/setup installs it).
bool HaveXapianServer() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin"})
    if (::access((std::string(dir) + "/xapian-tcpsrv").c_str(), X_OK) == 0)
      return true;
  return false;
}

// Four shards built apart (`index --shard K/4`, as four machines would)
// in shard lists: local folders, four `nsearch serve` servers, and two of
// each.
TEST(ShardsTest, ShardListsLocalRemoteAndMixedAnswerAsTheWholeIndex) {
  if (!HaveXapianServer()) GTEST_SKIP() << "xapian-tcpsrv is not installed";
  TempDir dir;
  const std::string tree = CorpusOrSample();
  const std::string whole = dir.path() + "/whole";
  ASSERT_EQ(0, RunNsearch({"index", "--index", whole, tree}).exit_code);
  std::vector<std::string> folders;
  size_t documents = 0;
  for (int k = 0; k < 4; ++k) {
    folders.push_back(dir.path() + "/shard-" + std::to_string(k));
    const auto r =
        RunNsearch({"index", "--json", "--shard", std::to_string(k) + "/4",
                    "--index", folders.back(), tree});
    ASSERT_EQ(0, r.exit_code) << r.err;
    documents += Json::parse(r.out)["documents"].get<size_t>();
  }
  std::vector<std::unique_ptr<ShardServer>> servers;
  for (const auto& folder : folders)
    servers.push_back(std::make_unique<ShardServer>(folder));
  const std::string local = WriteList(dir, "local.txt", folders);
  const std::string remote =
      WriteList(dir, "remote.txt",
                {servers[0]->Line(), servers[1]->Line(), servers[2]->Line(),
                 servers[3]->Line()});
  const std::string mixed = WriteList(
      dir, "mixed.txt",
      {servers[0]->Line(), folders[1],
       "remote 127.0.0.1:" + std::to_string(servers[2]->port()), folders[3]});
  const std::string requests = Requests();
  ASSERT_GE(std::count(requests.begin(), requests.end(), '\n'), 200);
  const std::vector<Json> expected = RunBatch(whole, requests);
  for (const auto& list : {local, remote, mixed}) {
    SCOPED_TRACE(list);
    ExpectSameAnswers(expected, RunBatch(list, requests, "--shard-list"),
                      requests);
  }
  // show, similar, stats and suggest read remote shards too.
  const std::string id = expected[0]["hits"][0]["id"];
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"show", "--json", id},
           {"similar", "--json", id},
           {"suggest", "--json", "azure ku"}}) {
    auto with = [&](std::vector<std::string> a, const std::string& flag,
                    const std::string& where) {
      a.insert(a.begin() + 1, {flag, where});
      return RunNsearch(a);
    };
    const auto a = with(args, "--index", whole);
    const auto b = with(args, "--shard-list", remote);
    ASSERT_EQ(0, b.exit_code) << b.err;
    Json ja = Json::parse(a.out), jb = Json::parse(b.out);
    ja.erase("index");
    jb.erase("index");
    if (args[0] == "similar") {
      // The same expansion terms; hits of equal score may swap.
      ExpectSameHits(ja["hits"], jb["hits"], "similar");
    } else if (args[0] == "suggest") {
      // Completions are counts; titles come in index order, which
      // sharding changes (README "Shards").
      EXPECT_EQ(ja["completions"], jb["completions"]);
      EXPECT_EQ(ja["titles"].size(), jb["titles"].size());
    } else {
      EXPECT_EQ(ja, jb) << args[0];
    }
  }
  // similar's terms come from exact frequencies, so each document's
  // similar hits over remote or mixed shards are the one index's.
  size_t compared = 0;
  for (size_t i = 0; i < expected.size() && compared < 8; i += 7) {
    if (!expected[i].contains("hits") || expected[i]["hits"].empty()) continue;
    const std::string doc = expected[i]["hits"][0]["id"];
    const auto a = RunNsearch({"similar", "--json", "--index", whole, doc});
    ASSERT_EQ(0, a.exit_code) << a.err;
    for (const auto& list : {remote, mixed}) {
      const auto b =
          RunNsearch({"similar", "--json", "--shard-list", list, doc});
      ASSERT_EQ(0, b.exit_code) << b.err;
      ExpectSameHits(Json::parse(a.out)["hits"], Json::parse(b.out)["hits"],
                     "similar " + doc + " over " + list);
    }
    ++compared;
  }
  EXPECT_EQ(8u, compared);
  const auto stats = RunNsearch({"stats", "--json", "--shard-list", mixed});
  ASSERT_EQ(0, stats.exit_code) << stats.err;
  EXPECT_EQ(expected[0]["index"]["documents"],
            Json::parse(stats.out)["documents"]);
  EXPECT_EQ(documents, Json::parse(stats.out)["documents"].get<size_t>());
}

// Copies of a story that land in different shards built apart still
// share one story key: every machine reads the whole tree's stories.
TEST(ShardsTest, ShardsBuiltApartJoinStoriesAsOneIndex) {
  const std::string tree = testing::SharedCorpusDir() + "/powerapps";
  if (!fs::is_directory(tree)) GTEST_SKIP() << tree << " is absent";
  TempDir dir;
  const std::string whole = dir.path() + "/whole";
  ASSERT_EQ(0, RunNsearch({"index", "--index", whole, tree}).exit_code);
  std::vector<std::string> folders;
  for (int k = 0; k < 3; ++k) {
    folders.push_back(dir.path() + "/shard-" + std::to_string(k));
    ASSERT_EQ(0, RunNsearch({"index", "--shard", std::to_string(k) + "/3",
                             "--index", folders.back(), tree})
                     .exit_code);
  }
  const std::string list = WriteList(dir, "list.txt", folders);
  std::string requests;
  for (const char* q : {"openai", "power apps", "microsoft", "gpt", "dataverse",
                        "teams", "copilot", "ai builder"})
    requests += Json{{"q", q}, {"limit", 200}}.dump() + "\n";
  const std::vector<Json> expected = RunBatch(whole, requests);
  size_t stories = 0;
  for (const Json& answer : expected)
    for (const Json& hit : answer["hits"]) stories += hit.contains("story");
  EXPECT_GE(stories, 5u);  // The test means something.
  ExpectSameAnswers(expected, RunBatch(list, requests, "--shard-list"),
                    requests);
}

// `nsearch serve` checks what it is given before it listens, and stops on
// SIGTERM.
TEST(ShardsTest, ServeChecksItsArgumentsAndStopsOnSigterm) {
  if (!HaveXapianServer()) GTEST_SKIP() << "xapian-tcpsrv is not installed";
  TempDir dir;
  const std::string index = dir.path() + "/index";
  ASSERT_EQ(0, testing::IndexSampleContent(index));
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"--listen", "70000", index},
                                             {"--listen", "host:", index},
                                             {"--listen", "127.0.0.1:0", index},
                                             {"--timeout", "0", index},
                                             {"--timeout", "86401", index}}) {
    std::vector<std::string> args = {"serve"};
    args.insert(args.end(), bad.begin(), bad.end());
    const auto r = RunNsearch(args);
    EXPECT_EQ(2, r.exit_code) << bad[0] << " " << bad[1] << ": " << r.err;
  }
  EXPECT_EQ(3, RunNsearch({"serve", dir.path() + "/none"}).exit_code);
  const std::string list = WriteList(dir, "list.txt", {index});
  EXPECT_EQ(2, RunNsearch({"serve", list}).exit_code);

  ShardServer server(index);
  const std::string shards = WriteList(dir, "remote.txt", {server.Line()});
  EXPECT_EQ(0,
            RunNsearch({"query", "--shard-list", shards, "azure"}).exit_code);
  server.Stop(SIGTERM);
  EXPECT_FALSE(Accepts(server.port()));
}

// A shard list that cannot be used is a clear error with its exit code.
TEST(ShardsTest, BadShardListsAreUsageErrors) {
  TempDir dir;
  const std::string index = dir.path() + "/index";
  ASSERT_EQ(0, testing::IndexSampleContent(index));
  const std::string bad = WriteList(dir, "bad.txt", {"remote tcp host 0"});
  const std::string good = WriteList(dir, "good.txt", {index});
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {{"--shard-list", bad}, 2, "line 2: bad port"},
           {{"--shard-list", dir.path() + "/none.txt"}, 3, "no index at"},
           {{"--shard-list", ""}, 2, "needs a file"},
           {{"--shard-list", good, "--index", index}, 2, "not both"},
           {{"--shard-list", good}, 0, ""}}) {
    std::vector<std::string> args = {"query", "--json", "azure"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = RunNsearch(args);
    EXPECT_EQ(c.exit_code, r.exit_code) << c.args[1] << ": " << r.err;
    EXPECT_NE(std::string::npos, r.err.find(c.message)) << r.err;
  }
}

// `--shard K/N` is checked, and an index of one shard is only ever built
// again as that shard (or replaced with --rebuild).
TEST(ShardsTest, OneShardOfNIsBuiltAsThatShardOnly) {
  TempDir dir;
  const std::string tree = testing::SourceDir() + "/data/content";
  const std::string index = dir.path() + "/shard";
  for (const char* bad : {"4/4", "0/1", "0/65", "x/4", "1", "-1/4", "1/4/2"}) {
    const auto r =
        RunNsearch({"index", "--shard", bad, "--index", index, tree});
    EXPECT_EQ(2, r.exit_code) << bad;
    EXPECT_NE(std::string::npos, r.err.find("--shard")) << r.err;
  }
  EXPECT_EQ(2, RunNsearch({"index", "--shard", "1/4", "--shards", "4",
                           "--index", index, tree})
                   .exit_code);
  const auto built =
      RunNsearch({"index", "--json", "--shard", "1/4", "--index", index, tree});
  ASSERT_EQ(0, built.exit_code) << built.err;
  const Json summary = Json::parse(built.out);
  EXPECT_EQ(summary["added"], summary["documents"]);
  EXPECT_LT(summary["documents"].get<size_t>(), 30u);
  // Again as the same shard: a full build of it; otherwise refused.
  EXPECT_EQ(0, RunNsearch({"index", "--shard", "1/4", "--index", index, tree})
                   .exit_code);
  const auto whole = RunNsearch({"index", "--index", index, tree});
  EXPECT_EQ(2, whole.exit_code);
  EXPECT_NE(std::string::npos, whole.err.find("--shard 1/4")) << whole.err;
  EXPECT_EQ(2, RunNsearch({"index", "--shard", "2/4", "--index", index, tree})
                   .exit_code);
  EXPECT_EQ(0, RunNsearch({"check", "--index", index}).exit_code);
}

// A shard server that goes away: the documented error (exit 1,
// shard_unavailable, naming it), or with --allow-partial the other shards'
// answer marked partial; a batch goes on, and finds the shard again when
// it comes back.
TEST(ShardsTest, AShardThatDoesNotAnswerIsNamedOrLeftOut) {
  if (!HaveXapianServer()) GTEST_SKIP() << "xapian-tcpsrv is not installed";
  TempDir dir;
  const std::string split = dir.path() + "/2";
  ASSERT_EQ(0, RunNsearch({"index", "--shards", "2", "--index", split,
                           testing::SourceDir() + "/data/content"})
                   .exit_code);
  const std::vector<std::string> folders = ShardFolders(split, 2);
  auto server = std::make_unique<ShardServer>(folders[1]);
  const std::string line = server->Line();
  const std::string name = "tcp://127.0.0.1:" + std::to_string(server->port());
  const std::string list = WriteList(dir, "list.txt", {folders[0], line});
  const auto all =
      RunNsearch({"query", "--json", "--shard-list", list, "azure"});
  ASSERT_EQ(0, all.exit_code) << all.err;
  const Json total = Json::parse(all.out)["total"];

  testing::Conversation strict({"query", "--stdin", "--shard-list", list});
  testing::Conversation partial(
      {"query", "--stdin", "--allow-partial", "--shard-list", list});
  EXPECT_EQ(total, Json::parse(strict.Ask(R"({"q": "azure"})"))["total"]);
  EXPECT_EQ(total, Json::parse(partial.Ask(R"({"q": "azure"})"))["total"]);
  server->Kill();

  const Json failed = Json::parse(strict.Ask(R"({"q": "azure", "id": 7})"));
  EXPECT_EQ("shard_unavailable", failed["error"]["code"]) << failed;
  EXPECT_NE(std::string::npos,
            failed["error"]["message"].get<std::string>().find(name));
  EXPECT_EQ(7, failed["id"]);
  const Json some = Json::parse(partial.Ask(R"({"q": "azure"})"));
  EXPECT_EQ(true, some["partial"]) << some;
  EXPECT_EQ(Json::array({name}), some["missing_shards"]);
  EXPECT_LT(some["total"]["lower"].get<int>(), total["lower"].get<int>());

  const auto one_off = RunNsearch({"query", "--shard-list", list, "azure"});
  EXPECT_EQ(1, one_off.exit_code);
  EXPECT_NE(std::string::npos, one_off.err.find(name)) << one_off.err;
  const auto one_partial =
      RunNsearch({"query", "--allow-partial", "--shard-list", list,
                  "--no-pager", "azure"});
  EXPECT_EQ(0, one_partial.exit_code) << one_partial.err;
  EXPECT_NE(std::string::npos, one_partial.out.find("Partial results"))
      << one_partial.out;

  // Back on the same port: both batches answer in full again.
  ShardServer again(folders[1], server->port());
  EXPECT_EQ(total, Json::parse(strict.Ask(R"({"q": "azure"})"))["total"]);
  const Json full = Json::parse(partial.Ask(R"({"q": "azure"})"));
  EXPECT_EQ(total, full["total"]);
  EXPECT_FALSE(full.contains("partial"));
  EXPECT_EQ(0, strict.Finish());
  EXPECT_EQ(0, partial.Finish());
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

// A list of `a` and then `b` (its folder, and its `server`) is refused:
// exit 3, schema_mismatch, a message that says `why`.
void ExpectListRefused(const TempDir& dir, const std::string& a,
                       const std::string& b, const ShardServer& server,
                       const std::string& why) {
  for (const std::string& second : {b, server.Line()}) {
    const std::string list = WriteList(dir, "list.txt", {a, second});
    const auto r =
        RunNsearch({"query", "--json", "--shard-list", list, "azure"});
    SCOPED_TRACE(second);
    EXPECT_EQ(3, r.exit_code) << r.err;
    EXPECT_NE(std::string::npos, r.err.find("schema_mismatch")) << r.err;
    EXPECT_NE(std::string::npos, r.err.find(why)) << r.err;
  }
}

// Shards built by another schema are not searched together, local or
// remote: exit 3, schema_mismatch, naming the shard.
TEST(ShardsTest, AShardOfAnotherSchemaIsRefused) {
  TempDir dir;
  const std::string sample = testing::SourceDir() + "/data/content";
  std::string other =
      testing::ReadFileOrDie(testing::SourceDir() + "/schema/news.yaml");
  const std::string k1 = "k1: 1.2";
  ASSERT_NE(std::string::npos, other.find(k1));
  other.replace(other.find(k1), k1.size(), "k1: 1.5");
  const std::string schema = dir.Write("other.yaml", other);
  const std::string a = dir.path() + "/a", b = dir.path() + "/b";
  ASSERT_EQ(0, RunNsearch({"index", "--index", a, sample}).exit_code);
  ASSERT_EQ(0, RunNsearch({"index", "--schema", schema, "--index", b, sample})
                   .exit_code);
  ShardServer server(b);
  ExpectListRefused(dir, a, b, server, "another schema");
}

// A shard whose terms came from another analyzer version is refused too,
// local or remote, even when its schema and format agree.
TEST(ShardsTest, AShardOfAnotherAnalyzerIsRefused) {
  TempDir dir;
  const std::string sample = testing::SourceDir() + "/data/content";
  const std::string a = dir.path() + "/a", b = dir.path() + "/b";
  ASSERT_EQ(0, RunNsearch({"index", "--index", a, sample}).exit_code);
  ASSERT_EQ(0, RunNsearch({"index", "--index", b, sample}).exit_code);
  // Served first: `nsearch serve` refuses an index of an analyzer version
  // other than its own (a server of that other version would serve it).
  ShardServer server(b);
  const std::string generation = LiveGeneration(b);
  ASSERT_FALSE(generation.empty());
  {
    Xapian::WritableDatabase db(generation, Xapian::DB_OPEN);
    db.set_metadata(kMetaAnalyzer, std::to_string(Analyzer::kVersion - 1));
    db.commit();
  }
  ExpectListRefused(dir, a, b, server, "analyzer");
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
