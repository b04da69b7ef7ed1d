// nsearch check

#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "cli/result_json.h"
#include "common/index_meta.h"
#include "common/text_util.h"
#include "searcher/searcher.h"

namespace nsearch::cli {

namespace {

void RenderCheck(const Json& r, bool /*color*/, std::ostream& out) {
  out << "ok: "
      << CountOf(r["documents"].get<size_t>(), "document", "documents")
      << ", no errors ("
      << TerminalSafe(RelativePath(r["index"]["path"].get<std::string>()))
      << ")\n";
}

}  // namespace

int RunCheckCommand(const std::vector<std::string>& args) {
  po::options_description options("Options");
  std::string index_flag, format_flag;
  AddCommonOptions(&options, &index_flag, &format_flag,
                   "text (default) or json");
  po::variables_map vm;
  OutputFormat fmt = OutputFormat::kText;
  if (auto exit_code =
          ParseCommandLine(args, options, {}, format_flag, &vm, &fmt,
                           "Usage: nsearch check [OPTIONS]\n\n"
                           "Checks every table of the index and its "
                           "nsearch stamps; exit 3\n"
                           "when anything is wrong."))
    return *exit_code;
  auto result = searcher::Searcher::Check(ResolveIndexPath(index_flag));
  if (!result.ok()) return Fail(fmt, result.error());
  return PrintResult(fmt, RenderCheck, CheckJson(*result));
}

}  // namespace nsearch::cli
