// Boost.Program_options helpers shared by the subcommands.

#ifndef NSEARCH_CLI_OPTIONS_H_
#define NSEARCH_CLI_OPTIONS_H_

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/cli.h"
#include "cli/help.h"
#include "common/index_meta.h"
#include "common/status.h"
#include "searcher/searcher.h"

namespace nsearch::cli {

namespace po = boost::program_options;

// Parses `args` into `vm`. Returns kInvalidArgument with Boost's message
// for unknown options and bad values.
inline Status ParseArgs(const std::vector<std::string>& args,
                        const po::options_description& options,
                        const po::positional_options_description& positional,
                        po::variables_map* vm) {
  try {
    po::store(po::command_line_parser(args)
                  .options(options)
                  .positional(positional)
                  .style(po::command_line_style::default_style &
                         ~po::command_line_style::allow_guessing)
                  .run(),
              *vm);
    po::notify(*vm);
  } catch (const po::unknown_option& e) {
    // `nsearch query '-azure pytorch'`: the query reads as an option.
    const std::string hint = positional.max_total_count() > 0
                                 ? DashHint(e.get_option_name())
                                 : std::string();
    return InvalidArgument(std::string(e.what()) +
                           (hint.empty() ? " (see --help)" : hint));
  } catch (const po::error& e) {
    return InvalidArgument(std::string(e.what()) + " (see --help)");
  }
  return Status::Ok();
}

// Adds --color and --no-pager, which every command has.
inline void AddTerminalOptions(po::options_description* options) {
  options->add_options()(
      "color", po::value<std::string>()->value_name("WHEN"),
      "colour text output: auto (default: on a terminal, unless NO_COLOR is "
      "set or TERM=dumb), always or never")(
      "no-pager",
      "do not page long text output on a terminal (default: "
      "$PAGER, else less -FRX)");
}

// Adds the options every command shares: --help, --index, --format (whose
// values `formats` describes), --json, --color and --no-pager. The one
// table of them: every command calls this.
inline void AddCommonOptions(po::options_description* options,
                             std::string* index_flag, std::string* format_flag,
                             const char* formats,
                             const char* json_help = "same as --format json") {
  options->add_options()("help,h", "show this help")(
      "index", po::value(index_flag),
      "index folder (default: $NSEARCH_INDEX, else "
      "${XDG_DATA_HOME:-~/.local/share}/nsearch/index)")(
      "format", po::value(format_flag), formats)("json", json_help);
  AddTerminalOptions(options);
}

// Adds --shard-list and --allow-partial, which the commands that read an
// index have (README "Shards").
inline void AddShardOptions(po::options_description* options,
                            std::string* shard_list) {
  options->add_options()(
      "shard-list", po::value(shard_list)->value_name("FILE"),
      "search the shards FILE lists (index folders, and 'remote tcp HOST "
      "PORT' lines for `nsearch serve`) instead of --index")(
      "allow-partial",
      "when a remote shard does not answer, answer from the others "
      "(\"partial\": true) instead of failing");
}

// What --index or --shard-list names (not both), and how to open it
// (--allow-partial).
struct SearchTarget {
  std::string path;
  searcher::OpenOptions options;
};
inline Result<SearchTarget> ResolveTarget(const po::variables_map& vm,
                                          const std::string& index_flag,
                                          const std::string& shard_list) {
  if (!index_flag.empty() && !shard_list.empty())
    return InvalidArgument("give --index or --shard-list, not both");
  if (vm.count("shard-list") && shard_list.empty())
    return InvalidArgument("--shard-list needs a file, not ''");
  SearchTarget target;
  target.path = shard_list.empty() ? ResolveIndexPath(index_flag) : shard_list;
  target.options.allow_partial = vm.count("allow-partial") > 0;
  return target;
}

inline Result<std::unique_ptr<searcher::Searcher>> OpenSearcher(
    const po::variables_map& vm, const std::string& index_flag,
    const std::string& shard_list) {
  NSEARCH_ASSIGN_OR_RETURN(SearchTarget target,
                           ResolveTarget(vm, index_flag, shard_list));
  return searcher::Searcher::Open(target.path, target.options);
}

// Opens the index that --index or --shard-list names and returns what `ask`
// (a call on the searcher that returns a Result) answers, or the error.
template <typename Ask>
auto AskSearcher(const po::variables_map& vm, const std::string& index_flag,
                 const std::string& shard_list, Ask ask)
    -> decltype(ask(std::declval<searcher::Searcher&>())) {
  NSEARCH_ASSIGN_OR_RETURN(auto searcher,
                           OpenSearcher(vm, index_flag, shard_list));
  return ask(*searcher);
}

// A command's operands: up to `max_count` words (-1: any number), read
// into its hidden option `name`.
inline po::positional_options_description Operands(const char* name,
                                                   int max_count) {
  po::positional_options_description positional;
  positional.add(name, max_count);
  return positional;
}

// Adds the hidden option that carries the ID|PATH operand of `show` and
// `similar`.
inline void AddDocumentOperand(po::options_description* options,
                               std::string* target) {
  options->add_options()("target", po::value(target),
                         "document id (16 hex digits) or file path");
}

// Parses a subcommand's command line and handles what every command
// handles alike: errors (reported in the chosen format), --help, --version,
// and the choice of --format/--json. Returns the exit code to stop with, or
// nullopt to go on with *vm and *format set. `usage` is "Usage: ..." and,
// after a blank line, the description --help prints (the usage lines
// themselves come from cli/command_docs.cc).
//
// Every command calls this before doing anything else: `nsearch help CMD`,
// the man pages and the completions read the command's table by running
// it while Describing(), when this returns at once (cli/help.h).
inline std::optional<int> ParseCommandLine(
    const std::vector<std::string>& args,
    const po::options_description& options,
    const po::positional_options_description& positional,
    const std::string& format_flag, po::variables_map* vm, OutputFormat* format,
    const char* usage) {
  po::options_description all;
  all.add(options);
  all.add_options()("version,V", "print the version");
  if (Describing()) {
    RecordCommandLine(all, usage);
    return kExitOk;
  }
  const Status parsed = ParseArgs(args, all, positional, vm);
  // A command line that does not parse leaves *vm empty; the caller who
  // asked for JSON still gets a JSON error.
  if (!parsed.ok()) return Fail(FormatFromRawArgs(args), parsed);
  const auto chosen = ChooseFormat(format_flag, vm->count("json") > 0);
  *format = chosen.ok() ? *chosen : OutputFormat::kText;
  if (vm->count("color")) {
    const auto color = ParseColorChoice((*vm)["color"].as<std::string>());
    if (!color.ok()) return Fail(*format, color.error());
    SetColorChoice(*color);
  }
  if (!chosen.ok()) return Fail(*format, chosen.error());
  if (vm->count("help")) {
    std::cout << RenderHelp(BuildSpec(RunningCommand(), all, usage));
    return kExitOk;
  }
  if (vm->count("version")) {
    PrintVersion(std::cout);
    return kExitOk;
  }
  if (vm->count("index") && (*vm)["index"].as<std::string>().empty())
    return Fail(*format, InvalidArgument("--index needs a folder, not ''"));
  return std::nullopt;
}

// Pages text output on a terminal unless --no-pager: call before printing
// a result that may be long.
inline void MaybeStartPager(OutputFormat format, const po::variables_map& vm) {
  if (format == OutputFormat::kText && vm.count("no-pager") == 0) StartPager();
}

}  // namespace nsearch::cli

#endif  // NSEARCH_CLI_OPTIONS_H_
