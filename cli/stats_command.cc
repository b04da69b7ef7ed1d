// nsearch stats

#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "cli/result_json.h"
#include "common/index_meta.h"
#include "common/text_util.h"
#include "searcher/searcher.h"

namespace nsearch::cli {

namespace {

void RenderStats(const Json& s, bool /*color*/, std::ostream& out) {
  const Json& index = s["index"];
  out << "index:       "
      << TerminalSafe(RelativePath(index["path"].get<std::string>())) << "\n"
      << "documents:   " << s["documents"].get<size_t>() << "\n"
      << "terms:       " << s["terms"].get<size_t>() << "\n"
      << "size:        " << s["size_bytes"].get<uint64_t>() << " bytes\n"
      << "last update: "
      << (index["last_update"].is_string()
              ? index["last_update"].get<std::string>()
              : "never")
      << "\n"
      << "schema:      " << TerminalSafe(s["schema"]["name"].get<std::string>())
      << " v" << s["schema"]["version"].get<int>() << " ("
      << s["schema"]["hash"].get<std::string>() << ")\n"
      << "shards:      " << s["shards"].get<size_t>()
      << (s["shard_of"].is_string()
              ? " (shard " + s["shard_of"].get<std::string>() + ")"
              : std::string())
      << "\n"
      << "uuid:        " << index["uuid"].get<std::string>() << "\n"
      << "revision:    " << index["revision"].get<uint64_t>() << "\n";
}

}  // namespace

int RunStatsCommand(const std::vector<std::string>& args) {
  po::options_description options("Options");
  std::string index_flag, shard_list, format_flag;
  AddCommonOptions(&options, &index_flag, &format_flag,
                   "text (default) or json");
  AddShardOptions(&options, &shard_list);
  po::variables_map vm;
  OutputFormat fmt = OutputFormat::kText;
  if (auto exit_code = ParseCommandLine(args, options, {}, format_flag, &vm,
                                        &fmt, "Usage: nsearch stats [OPTIONS]"))
    return *exit_code;
  auto stats = AskSearcher(vm, index_flag, shard_list,
                           [](searcher::Searcher& s) { return s.Stats(); });
  if (!stats.ok()) return Fail(fmt, stats.error());
  return PrintResult(fmt, RenderStats, StatsJson(*stats));
}

}  // namespace nsearch::cli
