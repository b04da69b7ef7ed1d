// nsearch query QUERY

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "cli/batch_request.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "cli/result_json.h"
#include "cli/terminal.h"
#include "common/index_meta.h"
#include "common/text_util.h"
#include "searcher/searcher.h"

namespace nsearch::cli {

namespace {

// "quality=0.3,heat=0.2": the object a batch line's "boost" holds.
Result<Json> ParseBoost(const std::string& spec) {
  Json boost = Json::object();
  std::istringstream in(spec);
  std::string part;
  while (std::getline(in, part, ',')) {
    const size_t eq = part.find('=');
    if (eq == std::string::npos)
      return InvalidArgument(
          "--boost takes name=weight pairs, e.g. quality=0.3,heat=0.2");
    const std::string name = part.substr(0, eq);
    const std::string value = part.substr(eq + 1);
    char* end = nullptr;
    const double w = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0')
      return InvalidArgument("--boost " + name + ": '" + value +
                             "' is not a number");
    boost[name] = w;
  }
  return boost;
}

// The options of `nsearch query`: the common ones (--index and --format go
// to `index_flag` and `format_flag`), then the request's, which are read
// from the variables map (FlagSettings).
void AddQueryOptions(po::options_description* options, std::string* index_flag,
                     std::string* format_flag) {
  using Count = int64_t;  // Signed: "-1" is an error, not a huge count.
  using Strings = std::vector<std::string>;
  // clang-format off
  AddCommonOptions(options, index_flag, format_flag,
                   "text (default), json or jsonl (one hit per line)");
  options->add_options()
      ("all", "require every word (default: documents with all the words first, "
              "then those with most of them)")
      ("any", "rank documents matching any word")
      ("no-prior", "pure BM25: no quality, heat or recency prior")
      ("boost", po::value<std::string>(), "prior weights for this query, as fractions of the "
                                          "best possible BM25 score, e.g. "
                                          "quality=0.3,heat=0.2,recency=0.1")
      ("half-life", po::value<std::string>(), "recency half-life, e.g. 72h, 30d (default: the "
                                              "schema's)")
      ("now", po::value<std::string>(), "measure recency from this time (ISO 8601) instead of "
                                        "the clock")
      ("sort", po::value<std::string>(), "relevance (default), date, quality or heat")
      ("limit,n", po::value<Count>(), "hits to return (default 10)")
      ("offset", po::value<Count>(), "hits to skip (default 0)")
      ("topic", po::value<Strings>(), "only this topic (exact; repeat for any of several)")
      ("provider", po::value<Strings>(), "only this provider (exact; repeatable)")
      ("type", po::value<Strings>(), "only this type: article, course, video, ... (repeatable)")
      ("since", po::value<std::string>(), "published on or after DATE (YYYY[-MM[-DD]])")
      ("until", po::value<std::string>(), "published on or before DATE (YYYY[-MM[-DD]])")
      ("min-quality", po::value<double>(), "quality at least N")
      ("min-heat", po::value<double>(), "heat at least N")
      ("facets", po::value<std::string>(), "count values over all matches: comma-separated "
                                           "topic, provider, type, year")
      ("facet-size", po::value<Count>(), "values per facet (default 10)")
      ("histogram", po::value<std::string>(), "count matches by date: day, week, month or year")
      ("collapse", po::value<std::string>(), "one hit per: story (default), url, or none")
      ("no-collapse", "show every copy of a story (= --collapse none)")
      ("explain", "show how each hit's score was made")
      ("expand", "query expansion: rank by the query's words and the terms that "
                 "best describe its first hits (pseudo-relevance feedback)")
      ("no-correct", "do not run a spelling correction when no document has all "
                     "the words (a suggestion is still shown)")
      ("prefix", "search as you type: the last word matches as a prefix "
                 "(kube finds kubernetes)")
      ("timeout-ms", po::value<double>(), "give up (exit 1, code \"timeout\") after N ms")
      ("parse-only", "print the parsed query instead of searching")
      ("stdin", "batch mode: read one request per line (JSON object or plain "
                "query), write one JSON response per line")
      ("query", po::value<Strings>()->multitoken(), "the query");
  // clang-format on
}

// The request settings among the flags, under a batch line's keys and with
// their types (ApplyRequest maps both).
Result<Json> FlagSettings(const po::variables_map& vm) {
  Json settings = Json::object();
  auto key = [](std::string flag) {
    std::replace(flag.begin(), flag.end(), '-', '_');
    return flag;
  };
  if (vm.count("query")) {
    std::string query;
    for (const auto& w : vm["query"].as<std::vector<std::string>>())
      query += (query.empty() ? "" : " ") + w;
    settings["query"] = query;
  }
  for (const char* flag :
       {"all", "any", "explain", "expand", "prefix", "parse-only"})
    if (vm.count(flag)) settings[key(flag)] = true;
  for (const char* flag : {"prior", "correct"})
    if (vm.count(std::string("no-") + flag)) settings[flag] = false;
  for (const char* flag :
       {"sort", "since", "until", "histogram", "collapse", "half-life", "now"})
    if (vm.count(flag)) settings[key(flag)] = vm[flag].as<std::string>();
  if (vm.count("no-collapse")) settings["collapse"] = false;
  for (const char* flag : {"limit", "offset", "facet-size"})
    if (vm.count(flag)) settings[key(flag)] = vm[flag].as<int64_t>();
  for (const char* flag : {"min-quality", "min-heat", "timeout-ms"})
    if (vm.count(flag)) settings[key(flag)] = vm[flag].as<double>();
  for (const char* flag : {"topic", "provider", "type"})
    if (vm.count(flag))
      settings[flag] = vm[flag].as<std::vector<std::string>>();
  if (vm.count("facets")) {
    Json facets = Json::array();
    std::istringstream list(vm["facets"].as<std::string>());
    for (std::string f; std::getline(list, f, ',');)
      if (!f.empty()) facets.push_back(f);
    settings["facets"] = facets;
  }
  if (vm.count("boost")) {
    NSEARCH_ASSIGN_OR_RETURN(settings["boost"],
                             ParseBoost(vm["boost"].as<std::string>()));
  }
  return settings;
}

// --stdin: the flags are the defaults of every request.
int RunQueryBatch(const po::variables_map& vm, OutputFormat fmt,
                  const std::string& format_flag, const std::string& index_flag,
                  const std::string& shard_list,
                  const searcher::SearchRequest& defaults) {
  if (vm.count("query"))
    return Fail(fmt, InvalidArgument("--stdin reads the queries; give none on "
                                     "the command line"));
  if (fmt == OutputFormat::kText && !format_flag.empty())
    return Fail(fmt, InvalidArgument("--stdin writes JSON lines; --format "
                                     "text is not possible with it"));
  auto target = ResolveTarget(vm, index_flag, shard_list);
  if (!target.ok()) return Fail(OutputFormat::kJson, target.error());
  return RunBatch(*target, defaults);
}

}  // namespace

int RunQueryCommand(const std::vector<std::string>& args) {
  po::options_description options("Options");
  std::string index_flag, shard_list, format_flag;
  AddQueryOptions(&options, &index_flag, &format_flag);
  AddShardOptions(&options, &shard_list);
  const po::positional_options_description positional = Operands("query", -1);
  po::variables_map vm;
  OutputFormat fmt = OutputFormat::kText;
  if (auto exit_code = ParseCommandLine(
          args, options, positional, format_flag, &vm, &fmt,
          "Usage: nsearch query [OPTIONS] QUERY\n\n"
          "Query language (see README): words (those with all of them first,\n"
          "then those with most), AND OR NOT, +word -word, (groups),\n"
          "\"exact phrase\", a NEAR b, NEAR/n, pyto*,\n"
          "=exact, title: excerpt: body: topic: provider: type: category:\n"
          "site: url:, topic:\"Exact Topic\", date:2022-05-01..2022-05-31,\n"
          "quality:80.. heat:..50"))
    return *exit_code;

  searcher::SearchRequest request;
  bool parse_only = false;
  auto settings = FlagSettings(vm);
  if (!settings.ok()) return Fail(fmt, settings.error());
  const Status applied =
      ApplyRequest(*settings, RequestSource::kFlags, &request, &parse_only);
  if (!applied.ok()) return Fail(fmt, applied);
  if (vm.count("stdin"))
    return RunQueryBatch(vm, fmt, format_flag, index_flag, shard_list, request);
  auto searcher = OpenSearcher(vm, index_flag, shard_list);
  if (!searcher.ok()) return Fail(fmt, searcher.error());
  if (parse_only) {
    auto tree = (*searcher)->ParseOnly(request);
    if (!tree.ok()) return Fail(fmt, tree.error());
    MaybeStartPager(fmt, vm);
    return PrintResult(fmt, nullptr, ParsedJson(*tree));
  }
  auto page = (*searcher)->Search(request);
  if (!page.ok()) return Fail(fmt, page.error());
  MaybeStartPager(fmt, vm);  // After the errors: they are not paged.
  return PrintResult(HitsPrinterOptions(fmt), PageJson(*page));
}

}  // namespace nsearch::cli
