// nsearch show ID|PATH

#include <iostream>

#include "cli/cli.h"
#include "cli/options.h"
#include "cli/result_json.h"
#include "cli/terminal.h"
#include "common/index_meta.h"
#include "common/text_util.h"
#include "searcher/searcher.h"

namespace nsearch::cli {

namespace {

void RenderDocument(const Json& r, bool color, std::ostream& out) {
  const Json& d = r["document"];
  const size_t width = TerminalWidth();
  for (const auto& [key, value] : d.items()) {
    if (key == "body" || key == "excerpt") continue;
    // Absent values print nothing: no "null", no empty lines.
    std::string text;
    if (value.is_string()) {
      text = key == "path" ? RelativePath(value.get<std::string>())
                           : value.get<std::string>();
    } else if (value.is_array()) {
      for (const auto& v : value)
        text += (text.empty() ? "" : ", ") +
                (v.is_string() ? v.get<std::string>() : v.dump());
    } else if (value.is_object()) {
      for (const auto& [k, v] : value.items())
        if (v.is_string() && !v.get<std::string>().empty())
          text += (text.empty() ? "" : " · ") + v.get<std::string>();
    } else if (!value.is_null()) {
      text = value.dump();
    }
    if (text.empty()) continue;
    std::string name = key + ":";
    name.resize(14, ' ');
    // Wrapped under the value's first column.
    std::string wrapped =
        WrapText(TerminalSafe(text), width > 34 ? width - 14 : 20, 0);
    for (size_t at = wrapped.find('\n'); at != std::string::npos;
         at = wrapped.find('\n', at + 1))
      wrapped.insert(at + 1, 14, ' ');
    out << (color ? "\x1b[1m" : "") << name << (color ? "\x1b[0m" : "")
        << wrapped << "\n";
  }
  for (const char* key : {"excerpt", "body"}) {
    if (!d.contains(key) || !d[key].is_string() ||
        d[key].get<std::string>().empty())
      continue;
    // Each line of the text wrapped to the terminal at spaces.
    const std::string text =
        TerminalSafe(d[key].get<std::string>(), TerminalLines::kKeep);
    out << "\n";
    for (size_t at = 0; at < text.size();) {
      size_t end = text.find('\n', at);
      if (end == std::string::npos) end = text.size();
      out << WrapText(text.substr(at, end - at), width, 0) << "\n";
      at = end + 1;
    }
  }
}

}  // namespace

int RunShowCommand(const std::vector<std::string>& args) {
  po::options_description options("Options");
  std::string index_flag, shard_list, format_flag, target;
  AddCommonOptions(&options, &index_flag, &format_flag,
                   "text (default) or json");
  AddShardOptions(&options, &shard_list);
  AddDocumentOperand(&options, &target);
  po::variables_map vm;
  OutputFormat fmt = OutputFormat::kText;
  if (auto exit_code =
          ParseCommandLine(args, options, Operands("target", 1), format_flag,
                           &vm, &fmt, "Usage: nsearch show [OPTIONS] ID|PATH"))
    return *exit_code;
  if (target.empty())
    return Fail(fmt, InvalidArgument("give a document ID or PATH"));
  auto doc = AskSearcher(vm, index_flag, shard_list,
                         [&](searcher::Searcher& s) { return s.Show(target); });
  if (!doc.ok()) return Fail(fmt, doc.error());
  MaybeStartPager(fmt, vm);
  return PrintResult(fmt, RenderDocument, ShowJson(*doc));
}

}  // namespace nsearch::cli
