// nsearch similar ID|PATH

#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "cli/result_json.h"
#include "common/index_meta.h"
#include "searcher/searcher.h"

namespace nsearch::cli {

int RunSimilarCommand(const std::vector<std::string>& args) {
  po::options_description options("Options");
  std::string index_flag, shard_list, format_flag, target;
  size_t limit = 10;
  AddCommonOptions(&options, &index_flag, &format_flag,
                   "text (default), json or jsonl");
  AddShardOptions(&options, &shard_list);
  options.add_options()("limit,n", po::value(&limit),
                        "hits to return (default 10)");
  AddDocumentOperand(&options, &target);
  po::variables_map vm;
  OutputFormat fmt = OutputFormat::kText;
  if (auto exit_code = ParseCommandLine(
          args, options, Operands("target", 1), format_flag, &vm, &fmt,
          "Usage: nsearch similar [OPTIONS] ID|PATH\n\n"
          "Finds documents like the given one (more like this)."))
    return *exit_code;
  if (target.empty())
    return Fail(fmt, InvalidArgument("give a document ID or PATH"));
  auto result = AskSearcher(
      vm, index_flag, shard_list,
      [&](searcher::Searcher& s) { return s.Similar(target, limit); });
  if (!result.ok()) return Fail(fmt, result.error());
  MaybeStartPager(fmt, vm);
  return PrintResult(HitsPrinterOptions(fmt), PageJson(*result));
}

}  // namespace nsearch::cli
