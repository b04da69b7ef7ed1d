// nsearch query --stdin: one request per input line, one JSON response per
// output line (SPEC §5 "Batch mode").

#include <iostream>
#include <set>
#include <string>

#include "cli/batch_request.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "cli/result_json.h"
#include "common/index_layout.h"
#include "searcher/searcher.h"

namespace nsearch::cli {

namespace {

Json ErrorObject(const Json& id, const Status& status) {
  return {{"version", kOutputVersion},
          {"id", id},
          {"error",
           {{"code", StatusCodeName(status.code())},
            {"message", status.message()}}}};
}

}  // namespace

int RunBatch(const SearchTarget& target,
             const searcher::SearchRequest& defaults) {
  const std::string& index_path = target.path;
  auto opened = searcher::Searcher::Open(index_path, target.options);
  if (!opened.ok()) return Fail(OutputFormat::kJson, opened.error());
  std::unique_ptr<searcher::Searcher> searcher = std::move(opened).value();
  searcher->KeepPriorsInMemory();

  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    Json id = nullptr;
    auto respond = [&]() -> Result<Json> {
      // Read the request (and its id) first, so that every error reply,
      // even one about the index, echoes the id.
      NSEARCH_ASSIGN_OR_RETURN(BatchRequest parsed,
                               ParseBatchLine(line, defaults, &id));
      if (parsed.suggest) {
        NSEARCH_ASSIGN_OR_RETURN(const searcher::Suggestions s,
                                 searcher->Suggest(*parsed.suggest));
        return SuggestionsJson(s);
      }
      // See the newest index: a new generation after a rebuild, else the
      // newest commit of this one.
      if (LiveGeneration(index_path) != searcher->generation()) {
        NSEARCH_ASSIGN_OR_RETURN(
            searcher, searcher::Searcher::Open(index_path, target.options));
        searcher->KeepPriorsInMemory();
      } else {
        NSEARCH_RETURN_IF_ERROR(searcher->Reopen());
      }
      if (parsed.parse_only) {
        NSEARCH_ASSIGN_OR_RETURN(const searcher::ParsedRequest tree,
                                 searcher->ParseOnly(parsed.request));
        return ParsedJson(tree);
      }
      NSEARCH_ASSIGN_OR_RETURN(const searcher::ResultPage page,
                               searcher->Search(parsed.request));
      return PageJson(page);
    };
    Result<Json> response = respond();
    Json out;
    if (response.ok()) {
      out = Json{{"id", id}};
      out.update(*response);
    } else {
      out = ErrorObject(id, response.error());
    }
    std::cout << DumpJson(out) << '\n' << std::flush;
    if (!std::cout) return kExitFailure;  // main() says why.
  }
  return kExitOk;
}

}  // namespace nsearch::cli
