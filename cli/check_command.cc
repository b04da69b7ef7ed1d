// nsearch check

#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "common/index_meta.h"
#include "searcher/searcher.h"

namespace nsearch::cli {

namespace {

void RenderCheck(const Json& r, bool /*color*/, std::ostream& out) {
  out << "ok: " << r["documents"].get<size_t>() << " documents, no errors ("
      << r["index"]["path"].get<std::string>() << ")\n";
}

}  // namespace

int RunCheckCommand(const std::vector<std::string>& args) {
  po::options_description options("Options");
  std::string index_flag, format_flag;
  options.add_options()("help,h", "show this help")(
      "index", po::value(&index_flag), "index folder")(
      "format", po::value(&format_flag), "text (default) or json")(
      "json", "same as --format json");
  po::variables_map vm;
  const Status parsed = ParseArgs(args, options, {}, &vm);
  const auto format = ChooseFormat(format_flag, vm.count("json") > 0);
  const OutputFormat fmt = format.ok() ? *format : OutputFormat::kText;
  if (!parsed.ok()) return Fail(fmt, parsed);
  if (!format.ok()) return Fail(fmt, format.error());
  if (vm.count("help")) {
    PrintHelp(
        "Usage: nsearch check [OPTIONS]\n\n"
        "Checks every table of the index and its nsearch stamps; exit 3 when\n"
        "anything is wrong.",
        options);
    return kExitOk;
  }
  auto result = searcher::Searcher::Check(ResolveIndexPath(index_flag));
  if (!result.ok()) return Fail(fmt, result.error());
  PrinterOptions popts;
  popts.format = fmt;
  popts.text_renderer = RenderCheck;
  MakePrinter(popts, std::cout, std::cerr)->Print(*result);
  return kExitOk;
}

}  // namespace nsearch::cli
