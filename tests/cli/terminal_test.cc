// Text output on a terminal (issue 12, item 1): the compact layout wrapped
// to the terminal's width, --color and its environment, the pager, paths
// relative to the current folder, and honest index summaries. nsearch runs
// on a pseudo-terminal of a given size here.

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <pty.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace nsearch {
namespace {

using nlohmann::json;
using testing::RunNsearch;
using testing::RunResult;
using testing::TempDir;

struct TerminalRun {
  int exit_code = -1;
  std::string screen;  // stdout and stderr, as the terminal got them.
};

// Runs nsearch on a pseudo-terminal of `columns` x `rows` (stdout and
// stderr), in `cwd` when given, with `env` ("NAME=value") added; TERM is
// xterm unless `env` sets it, PAGER is cat (no pager) unless it sets it.
// COLUMNS and LINES are unset, so the size comes from the terminal.
TerminalRun RunOnTerminal(const std::vector<std::string>& args,
                          const std::vector<std::string>& env = {},
                          unsigned short columns = 80, unsigned short rows = 24,
                          const std::string& cwd = "") {
  struct winsize size = {};
  size.ws_col = columns;
  size.ws_row = rows;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) throw std::runtime_error("forkpty failed");
  if (pid == 0) {
    ::unsetenv("COLUMNS");
    ::unsetenv("LINES");
    ::unsetenv("NO_COLOR");
    ::setenv("PAGER", "cat", 1);  // No pager unless a test asks for one.
    ::setenv("TERM", "xterm", 1);
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    std::vector<char*> argv;
    const std::string bin = NSEARCH_BINARY;
    argv.push_back(const_cast<char*>(bin.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  TerminalRun run;
  char buffer[4096];
  for (;;) {
    struct pollfd p = {master, POLLIN, 0};
    if (::poll(&p, 1, 20000) <= 0) {  // A hang (a pager waiting for keys).
      ::kill(pid, SIGKILL);
      break;
    }
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n <= 0) break;  // EIO: the last holder of the terminal is gone.
    run.screen.append(buffer, static_cast<size_t>(n));
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  // The terminal turns "\n" into "\r\n".
  std::string plain;
  for (char c : run.screen)
    if (c != '\r') plain.push_back(c);
  run.screen = plain;
  return run;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Display columns of a line: code points, ANSI sequences not counted.
size_t Columns(const std::string& line) {
  size_t n = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b') {
      while (i < line.size() &&
             !(line[i] >= 0x40 && line[i] <= 0x7e && line[i] != '['))
        ++i;
      continue;
    }
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// A hit's first line: "  N. Title ...".
bool IsHitLine(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  const size_t digits = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  return i > digits && line.compare(i, 2, ". ") == 0;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class TerminalTest : public testing::SampleIndexTest {};

// A tree of 20 news items about kubernetes, with titles and URLs of
// realistic lengths (some longer than a line), all distinct stories.
std::string KubernetesTree(const TempDir& dir) {
  static const char* const kWords[] = {
      "operators",
      "autoscaling",
      "service mesh",
      "security",
      "storage",
      "networking",
      "upgrades",
      "GPU nodes",
      "cost",
      "policies",
      "ingress",
      "logging",
      "backups",
      "multi-cluster federation",
      "admission webhooks and workload identity",
      "sidecars",
      "CRDs",
      "scheduling",
      "observability with OpenTelemetry",
      "edge"};
  static const char* const kProviders[] = {"InfoQ", "The New Stack",
                                           "Microsoft", "CNCF"};
  for (int i = 0; i < 20; ++i) {
    const std::string topic = kWords[i];
    std::string slug;
    for (char c : topic) slug += c == ' ' ? '-' : static_cast<char>(c | 0x20);
    std::string url = "https://news.example.com/2024/kubernetes-" + slug;
    if (i % 3 == 0) url += "-a-longer-slug-for-a-story-about-clusters";
    char date[32];
    std::snprintf(date, sizeof date, "20%02d-%02d-1%dT09:00:00Z", 10 + i,
                  1 + i % 12, i % 10);
    dir.Write("tree/n" + std::to_string(i) + ".md",
              "---\ntitle: \"Kubernetes " + topic + ": what changed in " +
                  std::to_string(2010 + i) + "\"\nexcerpt: \"Item " +
                  std::to_string(i) + " on kubernetes " + topic + ", with " +
                  std::string(i % 4 + 1, 'x') +
                  " notes for operators who run clusters in production.\"\n"
                  "webUrl: \"" +
                  url + "\"\npublishedDateTime: " + date +
                  "\ntype: article\nprovider:\n  name: " + kProviders[i % 4] +
                  "\n---\nBody " + std::to_string(i) + ".\n");
  }
  return dir.path() + "/tree";
}

// The issue's yardstick: at 80 columns, one 24-line screen shows at least
// 8 hits (counting the rows a long URL takes), and no line is wider than
// the terminal.
TEST_F(TerminalTest, EightHitsOnOneScreenAtEightyColumns) {
  TempDir dir;
  const std::string index = dir.path() + "/ix";
  ASSERT_EQ(
      0,
      RunNsearch({"index", "--index", index, KubernetesTree(dir)}).exit_code);
  const TerminalRun run =
      RunOnTerminal({"query", "kubernetes", "--index", index});
  ASSERT_EQ(0, run.exit_code) << run.screen;
  const std::vector<std::string> lines = Lines(run.screen);
  size_t hits = 0, rows = 0;
  for (const auto& line : lines) {
    rows += std::max<size_t>(1, (Columns(line) + 79) / 80);
    if (rows > 23) break;  // Row 24: the pager's prompt.
    hits += IsHitLine(line);
  }
  EXPECT_GE(hits, 8u) << run.screen;
  for (const auto& line : lines) {
    if (line.find(' ', line.find_first_not_of(' ')) == std::string::npos)
      continue;  // One word (a URL) longer than the line is never broken.
    EXPECT_LE(Columns(line), 80u) << line;
  }
  // Ranks line up: " 9." above "10.".
  EXPECT_TRUE(Contains(run.screen, "\n 9. ")) << run.screen;
  EXPECT_TRUE(Contains(run.screen, "\n10. ")) << run.screen;
  EXPECT_TRUE(Contains(run.screen, "\x1b[")) << "colour on a terminal";
  // Nothing for absent values (no quality, no heat), no filter score.
  EXPECT_FALSE(Contains(run.screen, "heat")) << run.screen;
  EXPECT_FALSE(Contains(run.screen, "score")) << run.screen;

  // A taller terminal has room for a snippet line per hit.
  const TerminalRun tall =
      RunOnTerminal({"query", "kubernetes", "--index", index}, {}, 80, 60);
  EXPECT_TRUE(Contains(tall.screen, "notes for operators")) << tall.screen;
  EXPECT_FALSE(Contains(run.screen, "notes for operators")) << run.screen;
}

TEST_F(TerminalTest, WrapsToANarrowTerminalWithAHangingIndent) {
  const TerminalRun run = RunOnTerminal(
      {"query", "kubernetes", "--index", index_, "--no-pager"}, {}, 40, 100);
  ASSERT_EQ(0, run.exit_code) << run.screen;
  for (const auto& line : Lines(run.screen)) {
    if (line.empty() || IsHitLine(line) || Contains(line, "Results ")) continue;
    EXPECT_EQ("   ", line.substr(0, 3)) << "no hanging indent: " << line;
    if (line.find(' ', line.find_first_not_of(' ')) != std::string::npos) {
      EXPECT_LE(Columns(line), 40u) << line;
    }
  }
}

// The --explain line too: its continuation lines keep the hit's indent.
TEST_F(TerminalTest, ExplainWrapsWithTheHangingIndent) {
  const TerminalRun run = RunOnTerminal(
      {"query", "kubernetes", "--index", index_, "--no-pager", "--explain"}, {},
      60, 100);
  ASSERT_EQ(0, run.exit_code) << run.screen;
  ASSERT_TRUE(Contains(run.screen, "the most bm25 can give")) << run.screen;
  for (const auto& line : Lines(run.screen)) {
    if (line.empty() || IsHitLine(line) || Contains(line, "Results ")) continue;
    EXPECT_EQ("   ", line.substr(0, 3)) << "no hanging indent: " << line;
  }
}

TEST_F(TerminalTest, ColorFlagAndEnvironment) {
  const std::vector<std::string> query = {"query", "azure", "--index", index_,
                                          "--no-pager"};
  auto with = [&query](std::vector<std::string> extra) {
    std::vector<std::string> args = query;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  EXPECT_TRUE(Contains(RunOnTerminal(query).screen, "\x1b["));
  EXPECT_FALSE(
      Contains(RunOnTerminal(with({"--color", "never"})).screen, "\x1b["));
  EXPECT_FALSE(Contains(RunOnTerminal(query, {"NO_COLOR=1"}).screen, "\x1b["));
  EXPECT_FALSE(Contains(RunOnTerminal(query, {"TERM=dumb"}).screen, "\x1b["));
  EXPECT_TRUE(Contains(
      RunOnTerminal(with({"--color=always"}), {"NO_COLOR=1"}).screen, "\x1b["));
  // Piped: plain, unless asked for.
  EXPECT_FALSE(Contains(RunNsearch(query).out, "\x1b["));
  EXPECT_TRUE(Contains(RunNsearch(with({"--color", "always"})).out, "\x1b["));
  // Every command knows the flag.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"stats", "--color", "never", "--index", index_},
           {"check", "--color", "never", "--index", index_},
           {"suggest", "azu", "--color", "never", "--index", index_},
           {"similar", "--color", "never", "--index", index_,
            testing::SourceDir() + "/data/content/nope.md"},
           {"index", "--color", "never", "--dry-run", "--index", index_,
            testing::SourceDir() + "/data/content"}}) {
    const RunResult r = RunNsearch(args);
    EXPECT_FALSE(Contains(r.err, "unrecognised")) << args[0] << ": " << r.err;
    EXPECT_NE(2, r.exit_code) << args[0] << ": " << r.err;
  }
  const RunResult bad = RunNsearch(with({"--color", "sometimes"}));
  EXPECT_EQ(2, bad.exit_code);
  EXPECT_TRUE(Contains(bad.err, "--color must be auto, always or never"));
}

TEST_F(TerminalTest, PagerOnATerminalOnly) {
  const std::vector<std::string> query = {"query", "azure", "--index", index_};
  // A pager that marks every line it shows.
  const std::vector<std::string> pager = {"PAGER=sed 's/^/PAGED:/'"};
  const TerminalRun paged = RunOnTerminal(query, pager);
  EXPECT_EQ(0, paged.exit_code);
  EXPECT_TRUE(Contains(paged.screen, "PAGED: 1. ")) << paged.screen;
  std::vector<std::string> no_pager = query;
  no_pager.push_back("--no-pager");
  const TerminalRun unpaged = RunOnTerminal(no_pager, pager);
  EXPECT_FALSE(Contains(unpaged.screen, "PAGED:")) << unpaged.screen;
  EXPECT_TRUE(Contains(unpaged.screen, " 1. ")) << unpaged.screen;
  // Not a terminal: never.
  const RunResult piped = RunNsearch(query, pager);
  EXPECT_FALSE(Contains(piped.out, "PAGED:"));
  // JSON is never paged.
  std::vector<std::string> json_query = query;
  json_query.push_back("--json");
  EXPECT_FALSE(Contains(RunOnTerminal(json_query, pager).screen, "PAGED:"));
}

TEST_F(TerminalTest, PagerMissingOrQuittingEarlyKeepsOutputAndExitCode) {
  std::vector<std::string> many = {"query",   "azure", "--index",  index_,
                                   "--limit", "200",   "--explain"};
  // A pager that cannot be found: printed directly.
  const TerminalRun missing =
      RunOnTerminal(many, {"PAGER=/nonexistent/pager -R"});
  EXPECT_EQ(0, missing.exit_code) << missing.screen;
  EXPECT_TRUE(Contains(missing.screen, " 1. ")) << missing.screen;
  // A pager that quits at once (the user pressed q): no SIGPIPE death, no
  // "cannot write" error, exit code 0.
  const TerminalRun quit = RunOnTerminal(many, {"PAGER=true"});
  EXPECT_EQ(0, quit.exit_code) << quit.screen;
  EXPECT_FALSE(Contains(quit.screen, "cannot write")) << quit.screen;
  // A pager that reads a little and quits.
  const TerminalRun head = RunOnTerminal(many, {"PAGER=head -n 3"});
  EXPECT_EQ(0, head.exit_code) << head.screen;
  EXPECT_FALSE(Contains(head.screen, "cannot write")) << head.screen;
  // A failure keeps its exit code (and its message, on stderr).
  const TerminalRun failed = RunOnTerminal(
      {"query", "azure", "--index", dir_->path() + "/none"}, {"PAGER=true"});
  EXPECT_EQ(3, failed.exit_code);
  EXPECT_TRUE(Contains(failed.screen, "no index at")) << failed.screen;
}

TEST_F(TerminalTest, PathsRelativeToTheCurrentFolder) {
  TempDir dir;
  dir.Write("tree/sub/a.md",
            "---\ntitle: Local kubernetes note\n---\nSome kubernetes text.\n");
  const std::string index = dir.path() + "/ix";
  ASSERT_EQ(
      0,
      RunNsearch({"index", "--index", index, dir.path() + "/tree"}).exit_code);
  const TerminalRun run =
      RunOnTerminal({"query", "kubernetes", "--index", index, "--no-pager",
                     "--color", "never"},
                    {}, 80, 24, dir.path() + "/tree");
  EXPECT_TRUE(Contains(run.screen, "\n   sub/a.md\n")) << run.screen;
  EXPECT_FALSE(Contains(run.screen, dir.path() + "/tree/sub")) << run.screen;
  // Nothing for the absent provider and date.
  EXPECT_FALSE(Contains(run.screen, "null")) << run.screen;
}

TEST_F(TerminalTest, ShowWrapsAndSkipsAbsentValues) {
  const std::string file =
      testing::SourceDir() +
      "/data/content/_news/"
      "2022-05-24-meta-selects-azure-as-strategic-cloud-provider-to-advance-"
      "ai-innovation.md";
  const TerminalRun run = RunOnTerminal(
      {"show", file, "--index", index_, "--color", "never"}, {}, 40, 24);
  ASSERT_EQ(0, run.exit_code) << run.screen;
  EXPECT_TRUE(Contains(run.screen, "mtime:        20")) << run.screen;
  EXPECT_FALSE(Contains(run.screen, "null")) << run.screen;
  for (const auto& line : Lines(run.screen)) {
    // "label:       one-long-url" cannot be broken.
    const size_t value = line.find_first_not_of(' ', line.find(' '));
    if (value != std::string::npos &&
        line.find(' ', value) == std::string::npos)
      continue;
    EXPECT_LE(Columns(line), 40u) << line;
  }
}

TEST(IndexSummaryTest, SingularPluralAndNoRateWithoutWork) {
  TempDir dir;
  dir.Write("tree/a.md", "---\ntitle: One\n---\nText.\n");
  const std::string index = dir.path() + "/ix";
  const RunResult first =
      RunNsearch({"index", "--index", index, dir.path() + "/tree"});
  ASSERT_EQ(0, first.exit_code) << first.err;
  EXPECT_TRUE(Contains(first.out, "indexed 1 file in ")) << first.out;
  EXPECT_TRUE(Contains(first.out, "the index holds 1 document\n")) << first.out;
  const RunResult again =
      RunNsearch({"index", "--index", index, dir.path() + "/tree"});
  ASSERT_EQ(0, again.exit_code) << again.err;
  EXPECT_FALSE(Contains(again.out, "docs/s")) << again.out;
  EXPECT_TRUE(Contains(again.out, "1 unchanged")) << again.out;
  const RunResult check = RunNsearch({"check", "--index", index});
  EXPECT_TRUE(Contains(check.out, "ok: 1 document,")) << check.out;
}

}  // namespace
}  // namespace nsearch
