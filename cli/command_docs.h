// What `--help`, the man pages and the shell completions say about each
// command beyond its Boost.Program_options table: usage lines, the order
// and groups the options are shown in, the placeholder of each option's
// value, what a shell completes for it, and examples.
//
// The options themselves (names, short names, descriptions, whether they
// take a value) come from each command's Boost table; cli/help.cc joins the
// two, and `nsearch __generate check` (run by the tests) fails when an
// option is in one and not the other.

#ifndef NSEARCH_CLI_COMMAND_DOCS_H_
#define NSEARCH_CLI_COMMAND_DOCS_H_

#include <string>
#include <vector>

namespace nsearch::cli {

// What a shell offers for a value (or for the operands): a space-separated
// list of words, or one of these.
inline constexpr const char* kCompleteDir = "@dir";    // folders
inline constexpr const char* kCompleteFile = "@file";  // files and folders
inline constexpr const char* kCompleteNone = "";       // anything typed

struct OptionDoc {
  const char* name;      // the long name, as in the Boost table
  const char* value;     // placeholder of the value ("DIR"); "" for a flag
  const char* complete;  // kComplete* or words, for an option with a value
  bool hidden = false;   // parsed but not shown (operands' carriers)
};

struct OptionGroup {
  const char* title;  // "Filters"; shown as a heading
  std::vector<OptionDoc> options;
};

struct Example {
  const char* command;  // "nsearch query --all 'kubernetes security'"
  const char* what;     // "every word required"
};

struct CommandDocs {
  const char* name;                   // "query"
  std::vector<const char*> synopsis;  // each after "nsearch NAME "
  const char* operands_complete;      // kComplete* or words
  std::vector<OptionGroup> groups;    // in the order shown
  std::vector<Example> examples;
};

// The docs of `name` (a command of the table in cli.cc), or nullptr.
const CommandDocs* FindCommandDocs(const std::string& name);

// The options every command has, shown last: --index, --help, --version
// (and --format/--json where the command has no group for them).
OptionGroup GeneralOptions(const char* formats);

}  // namespace nsearch::cli

#endif  // NSEARCH_CLI_COMMAND_DOCS_H_
