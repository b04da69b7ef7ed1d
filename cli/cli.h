// Shared pieces of the nsearch command-line front end: the command table,
// exit codes, and output set-up. Boost.Program_options lives only in cli/.

#ifndef NSEARCH_CLI_CLI_H_
#define NSEARCH_CLI_CLI_H_

#include <memory>
#include <string>
#include <vector>

#include "cli/terminal.h"
#include "common/output.h"
#include "common/status.h"
#include "searcher/searcher.h"

namespace nsearch::cli {

// Process exit codes (SPEC §5; README "Exit codes"). Stable: callers rely
// on them.
enum ExitCode : int {
  kExitOk = 0,        // Success (zero hits is success).
  kExitFailure = 1,   // Runtime failure: I/O, disk full, internal.
  kExitUsage = 2,     // Usage error or invalid query.
  kExitIndex = 3,     // Index missing, not nsearch, incompatible, corrupt.
  kExitBusy = 4,      // Another writer holds the index.
  kExitRejected = 5,  // Indexing finished, files rejected, --strict.
};

int ExitCodeFor(const Status& status);

struct Command {
  const char* name;
  int (*run)(const std::vector<std::string>& args);
  const char* summary;
};

// The command table, in the order `nsearch --help` lists it.
const std::vector<Command>& Commands();

int RunIndexCommand(const std::vector<std::string>& args);
int RunQueryCommand(const std::vector<std::string>& args);
int RunStatsCommand(const std::vector<std::string>& args);
int RunShowCommand(const std::vector<std::string>& args);
int RunSimilarCommand(const std::vector<std::string>& args);
int RunCheckCommand(const std::vector<std::string>& args);
int RunSuggestCommand(const std::vector<std::string>& args);
int RunServeCommand(const std::vector<std::string>& args);

// The JSON of `nsearch suggest` (docs/output-format.md), also batch mode's.
Json SuggestionsJson(const searcher::Suggestions& suggestions);

// Serves `query --stdin`: one request per input line (a JSON object or a
// plain query), one JSON response per output line, until EOF.
struct SearchTarget;  // cli/options.h
int RunBatch(const SearchTarget& target,
             const searcher::SearchRequest& defaults);

// Renders query results (hits, totals, facets, suggestion) as text; shared
// by `query` and `similar`.
void RenderHits(const Json& result, bool color, std::ostream& out);

// Printer options for query results (query, similar): text through
// RenderHits, JSON lines one hit a line and then a summary line.
PrinterOptions HitsPrinterOptions(OutputFormat format);

// The format from --format/--json, with text as the default.
Result<OutputFormat> ChooseFormat(const std::string& format_flag,
                                  bool json_flag);

// The format a command line asks for, read from the raw arguments
// (--json, --format json|jsonl, --format=json|jsonl; the last one wins) for
// errors found before the options parse: JSON when any asks for it.
OutputFormat FormatFromRawArgs(const std::vector<std::string>& args);

// Reports `status` through a printer for `format` and returns its exit code.
int Fail(OutputFormat format, const Status& status);

// Printer options for a command's result: `format`, and text through
// `renderer`, in colour where the terminal wants it.
PrinterOptions ResultPrinterOptions(OutputFormat format, TextRenderer renderer);

// Prints a command's result on stdout with `options` and returns kExitOk.
int PrintResult(const PrinterOptions& options, const Json& result);

// Prints a command's result on stdout with ResultPrinterOptions(format,
// renderer) and returns kExitOk.
int PrintResult(OutputFormat format, TextRenderer renderer, const Json& result);

}  // namespace nsearch::cli

#endif  // NSEARCH_CLI_CLI_H_
