#include "cli/cli.h"

#include <cstdlib>
#include <iostream>
#include <unistd.h>
#include <utility>

namespace nsearch::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kLimitExceeded:
      return kExitUsage;
    case StatusCode::kNotFound:
    case StatusCode::kIndexMissing:
    case StatusCode::kDocumentNotFound:
    case StatusCode::kCorruption:
    case StatusCode::kSchemaMismatch:
      return kExitIndex;
    case StatusCode::kBusy:
      return kExitBusy;
    case StatusCode::kRejected:
      return kExitRejected;
    case StatusCode::kIOError:
    case StatusCode::kInternal:
    case StatusCode::kTimeout:
    case StatusCode::kShardUnavailable:
      return kExitFailure;
  }
  return kExitFailure;
}

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {"index", RunIndexCommand, "index a tree of Markdown files (PATH...)"},
      {"query", RunQueryCommand, "search the index (QUERY)"},
      {"suggest", RunSuggestCommand,
       "search as you type: completions and titles (TEXT)"},
      {"stats", RunStatsCommand,
       "documents, terms, size and schema of the index"},
      {"show", RunShowCommand, "print one stored document (ID or PATH)"},
      {"similar", RunSimilarCommand,
       "documents like one document (ID or PATH)"},
      {"check", RunCheckCommand, "check the index's integrity"},
      {"serve", RunServeCommand,
       "serve an index to remote queries over TCP (INDEX)"},
  };
  return kCommands;
}

Result<OutputFormat> ChooseFormat(const std::string& format_flag,
                                  bool json_flag) {
  if (json_flag) return OutputFormat::kJson;
  if (format_flag.empty()) return OutputFormat::kText;
  return ParseOutputFormat(format_flag);
}

OutputFormat FormatFromRawArgs(const std::vector<std::string>& args) {
  OutputFormat format = OutputFormat::kText;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    std::string value;
    if (a == "--json") {
      value = "json";
    } else if (a == "--format" && i + 1 < args.size()) {
      value = args[++i];
    } else if (a.rfind("--format=", 0) == 0) {
      value = a.substr(9);
    } else {
      continue;
    }
    const auto parsed = ParseOutputFormat(value);
    if (parsed.ok()) format = *parsed;
  }
  return format;
}

int Fail(OutputFormat format, const Status& status) {
  PrinterOptions options;
  options.format = format;
  options.color = format == OutputFormat::kText && UseColorOnStderr();
  MakePrinter(options, std::cout, std::cerr)->Error(status);
  return ExitCodeFor(status);
}

int PrintResult(const PrinterOptions& options, const Json& result) {
  MakePrinter(options, std::cout, std::cerr)->Print(result);
  return kExitOk;
}

PrinterOptions ResultPrinterOptions(OutputFormat format,
                                    TextRenderer renderer) {
  PrinterOptions options;
  options.format = format;
  options.color = UseColor();
  options.text_renderer = std::move(renderer);
  return options;
}

int PrintResult(OutputFormat format, TextRenderer renderer,
                const Json& result) {
  return PrintResult(ResultPrinterOptions(format, std::move(renderer)), result);
}

}  // namespace nsearch::cli
