// Help, version, man pages and shell completions (issue 12, item 2): what a
// person sees with --help, and that the man pages and completions that the
// build generates (build/share/) list exactly the options --help lists.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace nsearch {
namespace {

namespace fs = std::filesystem;
using testing::ReadFileOrDie;
using testing::RunNsearch;
using testing::RunResult;
using testing::SourceDir;
using testing::TempDir;

std::string GeneratedDir() { return NSEARCH_GENERATED_DIR; }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// The commands `nsearch --help` lists, less the built-in help and version.
std::vector<std::string> Commands() {
  const RunResult r = RunNsearch({"--help"});
  std::vector<std::string> commands;
  bool in_list = false;
  for (const auto& line : Lines(r.out)) {
    if (line == "Commands:") {
      in_list = true;
      continue;
    }
    if (!in_list) continue;
    if (line.empty()) break;
    std::istringstream words(line);
    std::string name;
    words >> name;
    if (name != "help" && name != "version") commands.push_back(name);
  }
  return commands;
}

// Every "--name" in `text`.
std::set<std::string> LongOptions(const std::string& text) {
  std::set<std::string> options;
  for (size_t at = text.find("--"); at != std::string::npos;
       at = text.find("--", at + 2)) {
    size_t end = at + 2;
    while (end < text.size() &&
           (std::islower(static_cast<unsigned char>(text[end])) ||
            text[end] == '-'))
      ++end;
    if (end > at + 2) options.insert(text.substr(at, end - at));
  }
  return options;
}

// Options of `nsearch CMD --help`: the option column of its option lines.
std::set<std::string> HelpOptions(const std::string& command) {
  const RunResult r = RunNsearch({command, "--help"});
  EXPECT_EQ(r.exit_code, 0) << command << r.err;
  std::string column;
  for (const auto& line : Lines(r.out)) {
    if (!StartsWith(line, "  -")) continue;
    const size_t gap = line.find("  ", 2);
    column += line.substr(0, gap) + "\n";
  }
  return LongOptions(column);
}

// Options of build/share/man/man1/nsearch-CMD.1: the .TP item lines of
// its OPTIONS section.
std::set<std::string> ManOptions(const std::string& command) {
  const std::string page =
      ReadFileOrDie(GeneratedDir() + "/man/man1/nsearch-" + command + ".1");
  std::string items;
  bool in_options = false, after_tp = false;
  for (const auto& line : Lines(page)) {
    if (StartsWith(line, ".SH")) in_options = line == ".SH OPTIONS";
    if (in_options && after_tp) {
      std::string plain;
      for (size_t i = 0; i < line.size(); ++i)
        if (line.compare(i, 2, "\\-") != 0) plain += line[i];
      items += plain + "\n";
    }
    after_tp = line == ".TP";
  }
  return LongOptions(items);
}

std::string Completion(const std::string& file) {
  return ReadFileOrDie(GeneratedDir() + "/completions/" + file);
}

// bash: the `CMD) opts='...'` line of the command.
std::set<std::string> BashOptions(const std::string& command) {
  for (const auto& line : Lines(Completion("nsearch.bash")))
    if (StartsWith(line, "    " + command + ") opts='"))
      return LongOptions(line.substr(0, line.find(" operands=")));
  ADD_FAILURE() << "no bash options for " << command;
  return {};
}

// zsh: the option specs of the `(CMD)` block.
std::set<std::string> ZshOptions(const std::string& command) {
  std::string specs;
  bool in_block = false;
  for (const auto& line : Lines(Completion("_nsearch"))) {
    if (line == "        (" + command + ")") in_block = true;
    if (!in_block) continue;
    const size_t spec = line.find_first_not_of(' ');
    if (spec != std::string::npos && line.compare(spec, 3, "'--") == 0)
      specs += line.substr(spec, line.find_first_of("=[", spec) - spec) + "\n";
    if (spec != std::string::npos && line.compare(spec, 4, "'*--") == 0)
      specs += line.substr(spec, line.find_first_of("=[", spec) - spec) + "\n";
    if (Contains(line, ";;")) break;
  }
  return LongOptions(specs);
}

// fish: the -l of each line for the command.
std::set<std::string> FishOptions(const std::string& command) {
  std::set<std::string> options;
  for (const auto& line : Lines(Completion("nsearch.fish"))) {
    if (!Contains(line, "'__fish_seen_subcommand_from " + command + "'"))
      continue;
    const size_t l = line.find(" -l ");
    if (l == std::string::npos) continue;
    const size_t end = line.find(' ', l + 4);
    options.insert("--" + line.substr(l + 4, end - l - 4));
  }
  return options;
}

// Runs `script` with bash; its stdout.
std::string Bash(const std::string& script) {
  TempDir dir;
  const std::string path = dir.Write("script.sh", script);
  std::string out;
  FILE* pipe = ::popen(("bash " + path).c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

// The words bash completion offers for `line` (the cursor at its end).
std::string BashComplete(const std::string& line) {
  return Bash("source '" + GeneratedDir() +
              "/completions/nsearch.bash'\n"
              "COMP_LINE='" +
              line +
              "'\n"
              "read -ra COMP_WORDS <<< \"$COMP_LINE\"\n"
              "[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')\n"
              "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
              "_nsearch\n"
              "echo \"${COMPREPLY[*]}\"\n");
}

TEST(HelpTest, HelpCommandPrintsTheCommandsHelp) {
  for (const auto& command : Commands()) {
    const RunResult help = RunNsearch({"help", command});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_TRUE(StartsWith(help.out, "Usage: nsearch " + command + " "))
        << help.out;
    EXPECT_EQ(help.out, RunNsearch({command, "--help"}).out) << command;
    EXPECT_EQ(help.out, RunNsearch({command, "-h"}).out) << command;
  }
  ASSERT_FALSE(Commands().empty());
}

TEST(HelpTest, HelpWithoutCommandIsTheTopLevelHelp) {
  const RunResult help = RunNsearch({"help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.out, RunNsearch({"--help"}).out);
  EXPECT_TRUE(Contains(help.out, "nsearch help [COMMAND]"));
  EXPECT_TRUE(Contains(help.out, "Exit codes"));
}

TEST(HelpTest, HelpForAnUnknownCommandIsAUsageError) {
  const RunResult r = RunNsearch({"help", "serach"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "unknown command 'serach'")) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(HelpTest, HelpHidesInternalOptionsAndBoostPlaceholders) {
  for (const auto& command : Commands()) {
    const std::string help = RunNsearch({command, "--help"}).out;
    for (const char* internal : {"--path", "--query", "--target", "--text"})
      EXPECT_EQ(HelpOptions(command).count(internal), 0u)
          << command << " shows " << internal;
    EXPECT_FALSE(Contains(help, "[ --")) << command << help;
    EXPECT_FALSE(Contains(help, " arg ")) << command << help;
    EXPECT_FALSE(Contains(help, " arg\n")) << command << help;
  }
}

TEST(HelpTest, HelpGroupsOptionsAndNamesTheirValues) {
  const std::string help = RunNsearch({"query", "--help"}).out;
  for (const char* heading :
       {"\nMatching:\n", "\nFilters:\n", "\nRanking:\n", "\nResults:\n",
        "\nOutput and batch mode:\n", "\nGeneral options:\n"})
    EXPECT_TRUE(Contains(help, heading)) << heading << "\n" << help;
  EXPECT_TRUE(Contains(help, "  -n, --limit N ")) << help;
  EXPECT_TRUE(Contains(help, "  --since DATE ")) << help;
  EXPECT_TRUE(Contains(help, "  --index DIR ")) << help;
  EXPECT_TRUE(Contains(help, "  -h, --help ")) << help;
  EXPECT_TRUE(Contains(help,
                       "Usage: nsearch query [OPTIONS] [--] QUERY...\n"
                       "       nsearch query --stdin [OPTIONS]\n"))
      << help;
  for (const auto& line : Lines(help)) EXPECT_LE(line.size(), 79u) << line;
}

TEST(HelpTest, VersionOnEveryCommand) {
  const std::string version = RunNsearch({"--version"}).out;
  EXPECT_TRUE(StartsWith(version, "nsearch ")) << version;
  const RunResult word = RunNsearch({"version"});
  EXPECT_EQ(word.exit_code, 0);
  EXPECT_EQ(word.out, version);
  for (const auto& command : Commands()) {
    for (const char* flag : {"--version", "-V"}) {
      const RunResult r = RunNsearch({command, flag});
      EXPECT_EQ(r.exit_code, 0) << command << " " << flag << r.err;
      EXPECT_EQ(r.out, version) << command << " " << flag;
    }
  }
}

TEST(HelpTest, QueryStartingWithDashHintsAtDoubleDash) {
  const RunResult r = RunNsearch({"query", "-azure pytorch"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "put '--' before it")) << r.err;
  EXPECT_TRUE(Contains(r.err, "nsearch query -- '-azure pytorch'")) << r.err;

  TempDir dir;
  const std::string index = dir.path() + "/index";
  ASSERT_EQ(
      RunNsearch({"index", "--index", index, SourceDir() + "/data/content"})
          .exit_code,
      0);
  const RunResult ok =
      RunNsearch({"query", "--index", index, "--json", "--", "-aws azure"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(Contains(ok.out, "\"hits\"")) << ok.out;
}

TEST(HelpTest, UnknownLongOptionGetsNoDashHint) {
  const RunResult r = RunNsearch({"query", "--limt", "3", "azure"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(Contains(r.err, "put '--'")) << r.err;
  EXPECT_TRUE(Contains(r.err, "--limt")) << r.err;
}

TEST(HelpTest, OptionTablesAndDocsTablesAgree) {
  const RunResult r = RunNsearch({"__generate", "check"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(HelpTest, ManPagesAndCompletionsListExactlyTheHelpOptions) {
  for (const auto& command : Commands()) {
    const std::set<std::string> help = HelpOptions(command);
    EXPECT_TRUE(help.count("--help") && help.count("--version") &&
                help.count("--index"))
        << command;
    EXPECT_EQ(ManOptions(command), help) << "man page of " << command;
    EXPECT_EQ(BashOptions(command), help) << "bash, " << command;
    EXPECT_EQ(ZshOptions(command), help) << "zsh, " << command;
    EXPECT_EQ(FishOptions(command), help) << "fish, " << command;
  }
}

TEST(HelpTest, EveryCommandHasAManPageAndNoOtherDoes) {
  std::set<std::string> expected = {"nsearch.1"}, pages;
  for (const auto& command : Commands())
    expected.insert("nsearch-" + command + ".1");
  for (const auto& entry : fs::directory_iterator(GeneratedDir() + "/man/man1"))
    pages.insert(entry.path().filename().string());
  EXPECT_EQ(pages, expected);
  const std::string top = ReadFileOrDie(GeneratedDir() + "/man/man1/nsearch.1");
  EXPECT_TRUE(StartsWith(top, ".TH NSEARCH 1 ")) << top;
  for (const auto& command : Commands())
    EXPECT_TRUE(Contains(top, "\\fBnsearch\\-" + command + "\\fR(1)"))
        << command;
}

TEST(HelpTest, ManPagesAreValidRoff) {
  for (const auto& entry :
       fs::directory_iterator(GeneratedDir() + "/man/man1")) {
    const std::string page = ReadFileOrDie(entry.path().string());
    EXPECT_TRUE(StartsWith(page, ".TH ")) << entry.path();
    for (const char* section : {".SH NAME\n", ".SH SYNOPSIS\n",
                                ".SH DESCRIPTION\n", ".SH EXIT STATUS\n"})
      EXPECT_TRUE(Contains(page, section)) << entry.path() << section;
    for (const auto& line : Lines(page)) {
      // A text line never starts with a control character: every line
      // that does is one of the macros the generator writes.
      if (StartsWith(line, "'")) ADD_FAILURE() << line;
      // A macro splits its arguments at double quotes: text with quotes
      // (the batch-mode example) must be a text line.
      if (StartsWith(line, ".B ") || StartsWith(line, ".I ")) {
        EXPECT_EQ(line.find('"'), std::string::npos) << line;
      }
      if (StartsWith(line, ".") && line != ".br" && line != ".ad l" &&
          line != ".nh") {
        EXPECT_TRUE(line.size() > 1 && line[1] >= 'A' && line[1] <= 'Z')
            << line;
      }
    }
  }
  if (std::system("command -v groff >/dev/null 2>&1") == 0) {
    // groff's own warnings (-ww), with UTF-8 input (-k).
    EXPECT_EQ(Bash("groff -k -man -Tutf8 -ww -z '" + GeneratedDir() +
                   "'/man/man1/*.1 2>&1\n"),
              "");
  }
}

TEST(HelpTest, CompletionScriptsParse) {
  EXPECT_EQ(Bash("bash -n '" + GeneratedDir() +
                 "/completions/nsearch.bash' && echo ok\n"),
            "ok\n");
  for (const auto& [shell, file] :
       std::vector<std::pair<std::string, std::string>>{
           {"zsh", "_nsearch"}, {"fish", "nsearch.fish"}}) {
    if (std::system(("command -v " + shell + " >/dev/null 2>&1").c_str()))
      continue;  // not installed here
    EXPECT_EQ(Bash(shell + " -n '" + GeneratedDir() + "/completions/" + file +
                   "' && echo ok\n"),
              "ok\n")
        << shell;
  }
}

TEST(HelpTest, BashCompletesCommandsOptionsAndValues) {
  EXPECT_EQ(BashComplete("nsearch qu"), "query\n");
  EXPECT_EQ(BashComplete("nsearch query --lim"), "--limit\n");
  EXPECT_EQ(BashComplete("nsearch query --sort "),
            "relevance date quality heat\n");
  EXPECT_EQ(BashComplete("nsearch query --format j"), "json jsonl\n");
  EXPECT_EQ(BashComplete("nsearch help st"), "stats\n");
  // No internal option is offered.
  EXPECT_EQ(BashComplete("nsearch query --que"), "\n");
  // After --, words are the query's.
  EXPECT_EQ(BashComplete("nsearch query -- --lim"), "\n");
}

}  // namespace
}  // namespace nsearch
