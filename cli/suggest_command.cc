// nsearch suggest TEXT: search as you type.

#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "common/index_meta.h"
#include "searcher/searcher.h"

namespace nsearch::cli {

Json SuggestionsJson(const searcher::Suggestions& s) {
  Json completions = Json::array();
  for (const auto& c : s.completions)
    completions.push_back(
        {{"word", c.word}, {"text", c.text}, {"documents", c.documents}});
  Json titles = Json::array();
  for (const auto& t : s.titles)
    titles.push_back({{"id", t.id},
                      {"title", t.title},
                      {"url", t.url},
                      {"published", t.published.empty() ? Json(nullptr)
                                                        : Json(t.published)}});
  return {{"version", kOutputVersion},  {"text", s.text},
          {"prefix", s.prefix},         {"context", s.context},
          {"completions", completions}, {"titles", titles}};
}

namespace {

void RenderSuggestions(const Json& r, bool color, std::ostream& out) {
  const char* bold = color ? "\x1b[1m" : "";
  const char* reset = color ? "\x1b[0m" : "";
  if (r["completions"].empty() && r["titles"].empty()) {
    out << "No suggestions.\n";
    return;
  }
  for (const auto& c : r["completions"])
    out << bold << c["text"].get<std::string>() << reset << "  ("
        << c["documents"].get<size_t>() << ")\n";
  if (!r["completions"].empty() && !r["titles"].empty()) out << "\n";
  for (const auto& t : r["titles"]) {
    out << "  " << t["title"].get<std::string>();
    if (!t["url"].get<std::string>().empty())
      out << "  " << t["url"].get<std::string>();
    out << "\n";
  }
}

}  // namespace

int RunSuggestCommand(const std::vector<std::string>& args) {
  po::options_description options("Options");
  std::string index_flag, shard_list, format_flag;
  std::vector<std::string> words;
  searcher::SuggestRequest request;
  AddCommonOptions(&options, &index_flag, &format_flag,
                   "text (default) or json");
  AddShardOptions(&options, &shard_list);
  // clang-format off
  options.add_options()
      ("limit,n", po::value(&request.limit), "matching titles to show (default 5, at most 50)")
      ("completions", po::value(&request.completions),
       "completions of the last word (default 10, at most 50)")
      ("text", po::value(&words)->multitoken(), "the text typed so far");
  // clang-format on
  po::variables_map vm;
  OutputFormat fmt = OutputFormat::kText;
  if (auto exit_code = ParseCommandLine(
          args, options, Operands("text", -1), format_flag, &vm, &fmt,
          "Usage: nsearch suggest [OPTIONS] TEXT\n\n"
          "Search as you type: completes the last word of TEXT from the\n"
          "index's words (within the documents of the words before it) and\n"
          "lists titles matching TEXT, its last word as a prefix."))
    return *exit_code;
  for (const auto& w : words)
    request.text += (request.text.empty() ? "" : " ") + w;
  if (fmt == OutputFormat::kJsonl)
    return Fail(fmt, InvalidArgument("suggest prints text or json"));
  auto result =
      AskSearcher(vm, index_flag, shard_list,
                  [&](searcher::Searcher& s) { return s.Suggest(request); });
  if (!result.ok()) return Fail(fmt, result.error());
  return PrintResult(fmt, RenderSuggestions, SuggestionsJson(*result));
}

}  // namespace nsearch::cli
