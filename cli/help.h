// Help, man pages and shell completions, all made from the same two
// sources: each command's Boost.Program_options table (names, short names,
// descriptions) and its docs table (cli/command_docs.h: groups, value
// placeholders, what to complete, examples).

#ifndef NSEARCH_CLI_HELP_H_
#define NSEARCH_CLI_HELP_H_

#include <iosfwd>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/command_docs.h"

namespace nsearch::cli {

struct OptionSpec {
  std::string name;  // long name
  char short_name = 0;
  bool takes_value = false;
  std::string description;
  std::string value;     // placeholder of the value
  std::string complete;  // kComplete* or words
  bool hidden = false;
};

struct GroupSpec {
  std::string title;
  std::vector<OptionSpec> options;
};

// Everything said about one command.
struct CommandSpec {
  std::string name;
  std::string summary;      // the one line of the command table
  std::string description;  // the text --help prints under the usage
  std::vector<std::string> synopsis;
  std::string operands_complete;
  std::vector<GroupSpec> groups;
  std::vector<Example> examples;
  // Where the Boost table and the docs table disagree; empty when they
  // match (checked by `nsearch __generate check`).
  std::vector<std::string> problems;
};

// The command being run (set by main before dispatch): help and error
// hints name it.
void SetRunningCommand(const std::string& name);
const std::string& RunningCommand();

// Joins a command's Boost table (`options`, which includes --version) and
// the usage text it passes to ParseCommandLine with its docs table.
CommandSpec BuildSpec(
    const std::string& name,
    const boost::program_options::options_description& options,
    const std::string& usage);

// True while DescribeCommand runs a command only to read its table:
// ParseCommandLine then hands the table to RecordCommandLine and returns.
bool Describing();
void RecordCommandLine(
    const boost::program_options::options_description& options,
    const std::string& usage);

// The spec of command `name` (one of Commands()), read by running the
// command while Describing(); problems says so when the command has no
// docs table (it is then not run) or does not call ParseCommandLine.
CommandSpec DescribeCommand(const std::string& name);

// `nsearch CMD --help`.
std::string RenderHelp(const CommandSpec& spec);
// `nsearch --help`.
void PrintTopLevelHelp(std::ostream& out);
// The note added to an "unrecognised option" error for `token` when the
// command takes words: a query that starts with '-' must follow `--`.
std::string DashHint(const std::string& token);

// `nsearch help [CMD]`, `nsearch version`.
int RunHelpCommand(const std::vector<std::string>& args);
void PrintVersion(std::ostream& out);

// The hidden `nsearch __generate WHAT [DIR]`: man pages (nsearch.1 and
// nsearch-CMD.1 into DIR), bash, zsh or fish completions (stdout), `all`
// (man/man1/*.1 and completions/{nsearch.bash,_nsearch,nsearch.fish} under
// DIR), or `check` (lists table disagreements, exit 1 if any).
int RunGenerateCommand(const std::vector<std::string>& args);

// The renderers behind __generate.
std::string ManPage(const CommandSpec& spec);
std::string TopLevelManPage();
std::string BashCompletion();
std::string ZshCompletion();
std::string FishCompletion();

}  // namespace nsearch::cli

#endif  // NSEARCH_CLI_HELP_H_
