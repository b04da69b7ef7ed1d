// nsearch query QUERY

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "cli/cli.h"
#include "cli/options.h"
#include "cli/result_json.h"
#include "cli/terminal.h"
#include "common/index_meta.h"
#include "common/text_util.h"
#include "searcher/searcher.h"

namespace nsearch::cli {

namespace {

constexpr const char* kBold = "\x1b[1m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kMatch = "\x1b[1;31m";
constexpr const char* kReset = "\x1b[0m";

// Snippet markup (<mark>, HTML-escaped text) to terminal text; the text
// between marks is decoded and made terminal-safe.
std::string SnippetToText(const std::string& snippet, bool color) {
  std::string out, text;
  auto flush = [&] {
    out += TerminalSafe(DecodeHtmlEntities(text));
    text.clear();
  };
  size_t i = 0;
  while (i < snippet.size()) {
    if (snippet.compare(i, 6, "<mark>") == 0) {
      flush();
      if (color) out += kMatch;
      i += 6;
    } else if (snippet.compare(i, 7, "</mark>") == 0) {
      flush();
      if (color) out += kReset;
      i += 7;
    } else {
      text.push_back(snippet[i++]);
    }
  }
  flush();
  return out;
}

// A string field of a hit, safe to print on a terminal.
std::string Str(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string()
             ? TerminalSafe(j[key].get<std::string>())
             : "";
}

// A JSON string value, safe to print on a terminal.
std::string Safe(const Json& value) {
  return TerminalSafe(value.get<std::string>());
}

// "also: Provider (2021-05-26), …" for the other copies of a story.
std::string AlsoLine(const Json& story) {
  std::string line = "also:";
  size_t shown = 0;
  for (const auto& copy : story["also"]) {
    if (shown++ == 5) break;
    std::string name = Str(copy["provider"], "name");
    if (name.empty()) name = Str(copy, "url");
    const std::string date = Str(copy, "published").substr(0, 10);
    line += (shown > 1 ? ", " : " ") + name +
            (date.empty() ? "" : " (" + date + ")");
  }
  const size_t others = story["size"].get<size_t>() - 1;
  if (others > 5) line += " and " + std::to_string(others - 5) + " more";
  return line;
}

}  // namespace

PrinterOptions HitsPrinterOptions(OutputFormat format) {
  PrinterOptions options;
  options.format = format;
  options.color = UseColor();
  options.lines_key = "hits";
  options.summary_keys = {"query",     "total",   "offset",
                          "limit",     "relaxed", "all_words_total",
                          "corrected", "partial", "missing_shards"};
  options.text_renderer = RenderHits;
  return options;
}

void RenderHits(const Json& r, bool color, std::ostream& out) {
  auto style = [color](const char* code, const std::string& text) {
    return color && !text.empty() ? code + text + kReset : text;
  };
  const size_t width = TerminalWidth();
  if (r.contains("corrected"))
    out << WrapText("Showing results for " +
                        style(kBold, Safe(r["corrected"]["to"])) +
                        " (no results for " + Safe(r["corrected"]["from"]) +
                        ").",
                    width, 0)
        << "\n\n";
  if (r.value("partial", false)) {
    std::string names;
    for (const auto& name : r["missing_shards"])
      names += (names.empty() ? "" : ", ") + Safe(name);
    out << WrapText(style(kBold, "Partial results:") + " no answer from " +
                        names + ".",
                    width, 0)
        << "\n\n";
  }
  const Json& hits = r["hits"];
  // Ranks right-aligned ("  9." above " 10."); the text of a hit hangs
  // under the title.
  const size_t last_rank = hits.empty() ? 0 : hits.back()["rank"].get<size_t>();
  const size_t rank_width = std::to_string(last_rank).size();
  const size_t indent = rank_width + 2;
  const std::string pad(indent, ' ');
  // Three lines a hit (title, snippet, link) when the page fits the
  // terminal so (or the output is no terminal), else two (no snippet): a
  // page of ten fits a 24-line terminal.
  const size_t height = TerminalHeight();
  const bool snippets = height == 0 || height >= 3 * hits.size() + 3;
  for (const auto& hit : hits) {
    std::string rank = std::to_string(hit["rank"].get<size_t>());
    rank.insert(0, rank_width - rank.size(), ' ');
    std::string meta;
    auto add = [&meta](const std::string& part) {
      if (part.empty()) return;
      meta += (meta.empty() ? "" : " · ") + part;
    };
    add(Str(hit["provider"], "name"));
    add(Str(hit, "published").substr(0, 10));
    if (hit.contains("story")) {
      add("story of " + hit["story"]["size"].dump());
    } else if (hit.contains("duplicates") &&
               hit["duplicates"].get<size_t>() > 0) {
      add("+" + hit["duplicates"].dump() + " more of this story");
    }
    if (hit.contains("missing") && !hit["missing"].empty()) {
      std::string words;
      for (const auto& w : hit["missing"])
        words += (words.empty() ? "" : " ") + Safe(w);
      add("missing: " + words);
    }
    std::string title = Str(hit, "title");
    if (title.empty()) title = "(untitled)";
    // Two-line hits keep the heading on one line: a long title is cut
    // (keeping at least half the line) to leave room for the meta.
    if (!snippets) {
      const size_t room = width - indent;
      const size_t meta_width = meta.empty() ? 0 : DisplayWidth(meta) + 3;
      if (DisplayWidth(title) + meta_width > room)
        title = CutToWidth(
            title, std::max(room / 2, room - std::min(room, meta_width)));
    }
    // Bold word by word, so that a wrapped title stays bold and the
    // indent of its next line does not.
    std::string styled_title;
    for (size_t at = 0; at <= title.size();) {
      size_t space = title.find(' ', at);
      if (space == std::string::npos) space = title.size();
      if (space > at)
        styled_title += (styled_title.empty() ? "" : " ") +
                        style(kBold, title.substr(at, space - at));
      at = space + 1;
    }
    std::string heading = WrapText(rank + ". " + styled_title, width, indent);
    if (!meta.empty()) {
      // The meta stays in one piece: after the title when it fits on the
      // title's last line, else on a line of its own.
      const size_t last_line = heading.rfind('\n');
      const size_t used = DisplayWidth(last_line == std::string::npos
                                           ? heading
                                           : heading.substr(last_line + 1));
      if (used + 3 + DisplayWidth(meta) <= width) {
        heading += " " + style(kDim, "— " + meta);
      } else {
        // Wrapped under itself, every line dimmed on its own.
        const std::string lines = WrapText(meta, width - indent, 0);
        for (size_t at = 0; at < lines.size();) {
          size_t end = lines.find('\n', at);
          if (end == std::string::npos) end = lines.size();
          heading += "\n" + pad + style(kDim, lines.substr(at, end - at));
          at = end + 1;
        }
      }
    }
    out << heading << "\n";
    if (hit.contains("explain")) {
      std::ostringstream why;
      why.precision(3);
      const Json& e = hit["explain"];
      why << "score " << e["score"].get<double>() << " = bm25 "
          << e["bm25"].get<double>() << " + quality "
          << e["quality_prior"].get<double>() << " + heat "
          << e["heat_prior"].get<double>() << " + recency "
          << e["recency_prior"].get<double>() << " (priors scaled by "
          << e["scale"].get<double>() << ", the best bm25)";
      out << pad << WrapText(why.str(), width - indent, 0) << "\n";
    }
    if (snippets) {
      const std::string snippet = SnippetToText(Str(hit, "snippet"), color);
      if (!snippet.empty())
        out << pad << CutToWidth(snippet, width - indent) << "\n";
      if (hit.contains("story"))
        out << pad << CutToWidth(AlsoLine(hit["story"]), width - indent)
            << "\n";
    }
    // Where to read it: the URL, else the file (relative to here). Never
    // broken: a terminal still finds a long URL whole.
    std::string where = Str(hit, "url");
    if (where.empty()) where = TerminalSafe(RelativePath(Str(hit, "path")));
    if (!where.empty()) out << pad << style(kDim, where) << "\n";
  }
  if (!hits.empty()) out << "\n";
  const auto& total = r["total"];
  const size_t shown = r["hits"].size();
  const size_t offset = r["offset"].get<size_t>();
  const size_t estimated = total["estimated"].get<size_t>();
  const bool exact = total["exact"].get<bool>();
  if (shown == 0) {
    out << "No results";
    if (estimated > 0) out << " on this page (" << estimated << " in all)";
    out << ".\n";
  } else {
    out << "Results " << offset + 1 << "–" << offset + shown << " of "
        << (exact ? "" : "about ") << estimated << ".\n";
  }
  if (r.value("relaxed", false)) {
    const size_t all = r["all_words_total"]["estimated"].get<size_t>();
    if (all == 0) {
      out << "No document has all the words; these have some of them.\n";
    } else {
      out << all << (all == 1 ? " document has" : " documents have")
          << " all the words; the rest have some of them.\n";
    }
  }
  if (r.contains("suggestion") && r["suggestion"].is_string())
    out << "Did you mean: " << (color ? kBold : "") << Safe(r["suggestion"])
        << (color ? kReset : "") << "\n";
  if (r.contains("facets")) {
    for (const auto& [name, values] : r["facets"].items()) {
      out << TerminalSafe(name) << ":";
      for (const auto& v : values)
        out << "  " << Safe(v["value"]) << " (" << v["count"].get<size_t>()
            << ")";
      out << "\n";
    }
  }
  if (r.contains("histogram")) {
    const Json& h = r["histogram"];
    out << "by " << h["interval"].get<std::string>() << ":";
    for (const auto& b : h["buckets"])
      out << "  " << Safe(b["key"]) << " (" << b["count"].get<size_t>() << ")";
    if (h["undated"].get<size_t>() > 0)
      out << "  undated (" << h["undated"].get<size_t>() << ")";
    out << "\n";
  }
  if (!r["dropped_stopwords"].empty()) {
    out << "Ignored common words:";
    for (const auto& w : r["dropped_stopwords"]) out << " " << Safe(w);
    out << " (quote them to search for them).\n";
  }
}

namespace {

Status ParseBoost(const std::string& spec, searcher::SearchRequest* request) {
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
    NSEARCH_RETURN_IF_ERROR(searcher::SetBoost(name, w, request));
  }
  return Status::Ok();
}

}  // namespace

int RunQueryCommand(const std::vector<std::string>& args) {
  po::options_description options("Options");
  std::string index_flag, shard_list, format_flag,
      sort = "relevance", boost, since, until, facets, half_life, now, collapse,
      histogram;
  std::vector<std::string> words, topics, providers, types;
  int64_t limit = 10, offset = 0, facet_size = 10;
  double min_quality = -1, min_heat = -1, timeout_ms = 0;
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("index", po::value(&index_flag), "index folder (default: $NSEARCH_INDEX, "
                                        "else ${XDG_DATA_HOME:-~/.local/share}/nsearch/index)")
      ("format", po::value(&format_flag), "text (default), json or jsonl (one hit per line)")
      ("json", "same as --format json")
      ("all", "require every word (default: documents with all the words first, "
              "then those with most of them)")
      ("any", "rank documents matching any word")
      ("no-prior", "pure BM25: no quality, heat or recency prior")
      ("boost", po::value(&boost), "prior weights for this query, as fractions of the best "
                                   "possible BM25 score, e.g. quality=0.3,heat=0.2,recency=0.1")
      ("half-life", po::value(&half_life), "recency half-life, e.g. 72h, 30d (default: the "
                                           "schema's)")
      ("now", po::value(&now), "measure recency from this time (ISO 8601) instead of the clock")
      ("sort", po::value(&sort), "relevance (default), date, quality or heat")
      ("limit,n", po::value(&limit), "hits to return (default 10)")
      ("offset", po::value(&offset), "hits to skip (default 0)")
      ("topic", po::value(&topics), "only this topic (exact; repeat for any of several)")
      ("provider", po::value(&providers), "only this provider (exact; repeatable)")
      ("type", po::value(&types), "only this type: article, course, video, ... (repeatable)")
      ("since", po::value(&since), "published on or after DATE (YYYY[-MM[-DD]])")
      ("until", po::value(&until), "published on or before DATE (YYYY[-MM[-DD]])")
      ("min-quality", po::value(&min_quality), "quality at least N")
      ("min-heat", po::value(&min_heat), "heat at least N")
      ("facets", po::value(&facets), "count values over all matches: comma-separated "
                                     "topic, provider, type, year")
      ("facet-size", po::value(&facet_size), "values per facet (default 10)")
      ("histogram", po::value(&histogram), "count matches by date: day, week, month or year")
      ("collapse", po::value(&collapse), "one hit per: story (default), url, or none")
      ("no-collapse", "show every copy of a story (= --collapse none)")
      ("explain", "show how each hit's score was made")
      ("no-correct", "do not run a spelling correction when no document has all "
                     "the words (a suggestion is still shown)")
      ("prefix", "search as you type: the last word matches as a prefix "
                 "(kube finds kubernetes)")
      ("timeout-ms", po::value(&timeout_ms), "give up (exit 1, code \"timeout\") after N ms")
      ("parse-only", "print the parsed query instead of searching")
      ("stdin", "batch mode: read one request per line (JSON object or plain "
                "query), write one JSON response per line")
      ("query", po::value(&words)->multitoken(), "the query");
  // clang-format on
  AddTerminalOptions(&options);
  AddShardOptions(&options, &shard_list);
  po::positional_options_description positional;
  positional.add("query", -1);
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
  for (const auto& w : words)
    request.query += (request.query.empty() ? "" : " ") + w;
  if (vm.count("any") && vm.count("all"))
    return Fail(fmt, InvalidArgument("--any and --all exclude each other"));
  if (vm.count("any")) request.match = searcher::MatchMode::kAny;
  if (vm.count("all")) request.match = searcher::MatchMode::kAll;
  request.prior = vm.count("no-prior") == 0;
  auto order = searcher::ParseSortOrder(sort);
  if (!order.ok()) return Fail(fmt, order.error());
  request.sort = *order;
  for (const Status& s :
       {CheckRange("--limit", limit, 0, searcher::kMaxLimit),
        CheckRange("--offset", offset, 0, searcher::kMaxOffset),
        CheckRange("--facet-size", facet_size, 0, searcher::kMaxLimit)})
    if (!s.ok()) return Fail(fmt, s);
  request.limit = static_cast<size_t>(limit);
  request.offset = static_cast<size_t>(offset);
  request.topics = topics;
  request.providers = providers;
  request.types = types;
  request.since = since;
  request.until = until;
  if (vm.count("min-quality")) request.min_quality = min_quality;
  if (vm.count("min-heat")) request.min_heat = min_heat;
  std::istringstream facet_list(facets);
  for (std::string f; std::getline(facet_list, f, ',');)
    if (!f.empty()) request.facets.push_back(f);
  request.facet_size = static_cast<size_t>(facet_size);
  if (vm.count("histogram")) {
    auto interval = searcher::ParseInterval(histogram);
    if (!interval.ok()) return Fail(fmt, interval.error());
    request.histogram = *interval;
  }
  if (vm.count("collapse")) {
    auto mode = searcher::ParseCollapseMode(collapse);
    if (!mode.ok()) return Fail(fmt, mode.error());
    request.collapse = *mode;
  }
  if (vm.count("no-collapse")) request.collapse = searcher::CollapseMode::kNone;
  request.explain = vm.count("explain") > 0;
  request.correct = vm.count("no-correct") == 0;
  request.prefix = vm.count("prefix") > 0;
  if (timeout_ms < 0)
    return Fail(fmt, InvalidArgument("--timeout-ms must not be negative"));
  request.timeout_ms = timeout_ms;
  if (!boost.empty()) {
    const Status s = ParseBoost(boost, &request);
    if (!s.ok()) return Fail(fmt, s);
  }
  if (vm.count("half-life")) {
    const Status s = searcher::SetHalfLife(half_life, &request);
    if (!s.ok()) return Fail(fmt, s);
  }
  if (vm.count("now")) {
    const Status s = searcher::SetNow(now, &request);
    if (!s.ok()) return Fail(fmt, s);
  }

  if (vm.count("stdin")) {
    if (!words.empty())
      return Fail(
          fmt, InvalidArgument(
                   "--stdin reads the queries; give none on the command line"));
    if (fmt == OutputFormat::kText && !format_flag.empty())
      return Fail(fmt, InvalidArgument("--stdin writes JSON lines; --format "
                                       "text is not possible with it"));
    auto target = ResolveTarget(vm, index_flag, shard_list);
    if (!target.ok()) return Fail(OutputFormat::kJson, target.error());
    return RunBatch(*target, request);
  }
  auto searcher = OpenSearcher(vm, index_flag, shard_list);
  if (!searcher.ok()) return Fail(fmt, searcher.error());

  PrinterOptions popts = HitsPrinterOptions(fmt);
  if (vm.count("parse-only")) {
    auto tree = (*searcher)->ParseOnly(request);
    if (!tree.ok()) return Fail(fmt, tree.error());
    popts.text_renderer = nullptr;
    popts.lines_key.clear();
    popts.summary_keys.clear();
    MaybeStartPager(fmt, vm);
    MakePrinter(popts, std::cout, std::cerr)->Print(ParsedJson(*tree));
    return kExitOk;
  }
  auto result = (*searcher)->Search(request);
  if (!result.ok()) return Fail(fmt, result.error());
  MaybeStartPager(fmt, vm);  // After the errors: they are not paged.
  MakePrinter(popts, std::cout, std::cerr)->Print(PageJson(*result));
  return kExitOk;
}

}  // namespace nsearch::cli
