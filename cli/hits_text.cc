// The text of a page of hits (`nsearch query` and `similar` at a
// terminal): a hit in two or three lines, wrapped to the terminal's width
// with a hanging indent, then the totals and the facets.

#include <algorithm>
#include <sstream>

#include "cli/cli.h"
#include "cli/terminal.h"
#include "common/text_util.h"

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

// The values of a JSON list of strings, terminal-safe, joined.
std::string JoinSafe(const Json& list, const char* separator) {
  std::string out;
  for (const auto& item : list)
    out += (out.empty() ? "" : separator) + Safe(item);
  return out;
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

// How hits are laid out on this terminal.
struct Layout {
  bool color = false;
  size_t width = 80;
  size_t rank_width = 1;  // Ranks right-aligned ("  9." above " 10.").
  size_t indent = 3;      // The text of a hit hangs under the title.
  bool snippets = true;   // Three lines a hit, else two.

  std::string Style(const char* code, const std::string& text) const {
    return color && !text.empty() ? code + text + kReset : text;
  }
  std::string Pad() const { return std::string(indent, ' '); }
};

Layout MakeLayout(const Json& hits, bool color) {
  Layout layout;
  layout.color = color;
  layout.width = TerminalWidth();
  const size_t last_rank = hits.empty() ? 0 : hits.back()["rank"].get<size_t>();
  layout.rank_width = std::to_string(last_rank).size();
  layout.indent = layout.rank_width + 2;
  // Three lines a hit (title, snippet, link) when the page fits the
  // terminal so (or the output is no terminal), else two (no snippet): a
  // page of ten fits a 24-line terminal.
  const size_t height = TerminalHeight();
  layout.snippets = height == 0 || height >= 3 * hits.size() + 3;
  return layout;
}

// The notices above the hits: a corrected query, missing shards.
void RenderNotices(const Json& r, const Layout& layout, std::ostream& out) {
  if (r.contains("corrected"))
    out << WrapText("Showing results for " +
                        layout.Style(kBold, Safe(r["corrected"]["to"])) +
                        " (no results for " + Safe(r["corrected"]["from"]) +
                        ").",
                    layout.width, 0)
        << "\n\n";
  if (r.value("partial", false))
    out << WrapText(layout.Style(kBold, "Partial results:") +
                        " no answer from " +
                        JoinSafe(r["missing_shards"], ", ") + ".",
                    layout.width, 0)
        << "\n\n";
}

// "Provider · 2024-05-01 · story of 3 · missing: word".
std::string HitMeta(const Json& hit) {
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
  if (hit.contains("missing") && !hit["missing"].empty())
    add("missing: " + JoinSafe(hit["missing"], " "));
  return meta;
}

// The title, bold word by word, so that a wrapped title stays bold and
// the indent of its next line does not. Two-line hits keep the heading
// on one line: a long title is cut (keeping at least half the line) to
// leave room for the meta.
std::string StyledTitle(const Json& hit, const std::string& meta,
                        const Layout& layout) {
  std::string title = Str(hit, "title");
  if (title.empty()) title = "(untitled)";
  if (!layout.snippets) {
    const size_t room = layout.width - layout.indent;
    const size_t meta_width = meta.empty() ? 0 : DisplayWidth(meta) + 3;
    if (DisplayWidth(title) + meta_width > room)
      title = CutToWidth(title,
                         std::max(room / 2, room - std::min(room, meta_width)));
  }
  std::string styled;
  for (size_t at = 0; at <= title.size();) {
    size_t space = title.find(' ', at);
    if (space == std::string::npos) space = title.size();
    if (space > at)
      styled += (styled.empty() ? "" : " ") +
                layout.Style(kBold, title.substr(at, space - at));
    at = space + 1;
  }
  return styled;
}

// The rank, the title and the meta, wrapped. The meta stays in one piece:
// after the title when it fits on the title's last line, else wrapped
// under itself, every line dimmed on its own.
std::string Heading(const Json& hit, const Layout& layout) {
  std::string rank = std::to_string(hit["rank"].get<size_t>());
  rank.insert(0, layout.rank_width - rank.size(), ' ');
  const std::string meta = HitMeta(hit);
  std::string heading = WrapText(rank + ". " + StyledTitle(hit, meta, layout),
                                 layout.width, layout.indent);
  if (meta.empty()) return heading;
  const size_t last_line = heading.rfind('\n');
  const size_t used = DisplayWidth(
      last_line == std::string::npos ? heading : heading.substr(last_line + 1));
  if (used + 3 + DisplayWidth(meta) <= layout.width)
    return heading + " " + layout.Style(kDim, "— " + meta);
  const std::string lines = WrapText(meta, layout.width - layout.indent, 0);
  for (size_t at = 0; at < lines.size();) {
    size_t end = lines.find('\n', at);
    if (end == std::string::npos) end = lines.size();
    heading +=
        "\n" + layout.Pad() + layout.Style(kDim, lines.substr(at, end - at));
    at = end + 1;
  }
  return heading;
}

// "score 12.3 = bm25 10 + quality 1.2 + ..." (--explain).
std::string ExplainLine(const Json& e) {
  std::ostringstream why;
  why.precision(3);
  why << "score " << e["score"].get<double>() << " = bm25 "
      << e["bm25"].get<double>();
  if (e.contains("expansion"))
    why << " + expansion " << e["expansion"].get<double>();
  why << " + quality " << e["quality_prior"].get<double>() << " + heat "
      << e["heat_prior"].get<double>() << " + recency "
      << e["recency_prior"].get<double>() << " (priors scaled by "
      << e["scale"].get<double>() << ", the most bm25 can give)";
  return why.str();
}

void RenderHit(const Json& hit, const Layout& layout, std::ostream& out) {
  const std::string pad = layout.Pad();
  const size_t room = layout.width - layout.indent;
  out << Heading(hit, layout) << "\n";
  if (hit.contains("explain"))
    out << WrapText(pad + ExplainLine(hit["explain"]), layout.width,
                    layout.indent)
        << "\n";
  if (layout.snippets) {
    const std::string snippet =
        SnippetToText(Str(hit, "snippet"), layout.color);
    if (!snippet.empty()) out << pad << CutToWidth(snippet, room) << "\n";
    if (hit.contains("story"))
      out << pad << CutToWidth(AlsoLine(hit["story"]), room) << "\n";
  }
  // Where to read it: the URL, else the file (relative to here). Never
  // broken: a terminal still finds a long URL whole.
  std::string where = Str(hit, "url");
  if (where.empty()) where = TerminalSafe(RelativePath(Str(hit, "path")));
  if (!where.empty()) out << pad << layout.Style(kDim, where) << "\n";
}

// "Results 1–10 of 42." and, for a relaxed query, how many have every word.
void RenderTotals(const Json& r, std::ostream& out) {
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
  if (!r.value("relaxed", false)) return;
  const size_t all = r["all_words_total"]["estimated"].get<size_t>();
  if (all == 0) {
    out << "No document has all the words; these have some of them.\n";
  } else {
    out << all << (all == 1 ? " document has" : " documents have")
        << " all the words; the rest have some of them.\n";
  }
}

// The lines below the totals: a suggestion, facets, the histogram and the
// common words left out.
void RenderFooter(const Json& r, bool color, std::ostream& out) {
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
  if (!r["dropped_stopwords"].empty())
    out << "Ignored common words: " << JoinSafe(r["dropped_stopwords"], " ")
        << " (quote them to search for them).\n";
  if (r.contains("expanded") && !r["expanded"].empty())
    out << "Expanded with: " << JoinSafe(r["expanded"], " ")
        << " (stems of the first hits; they rank, never select).\n";
}

}  // namespace

PrinterOptions HitsPrinterOptions(OutputFormat format) {
  PrinterOptions options;
  options.format = format;
  options.color = UseColor();
  options.lines_key = "hits";
  options.summary_keys = {
      "query",           "total",     "offset",  "limit",          "relaxed",
      "all_words_total", "corrected", "partial", "missing_shards", "expanded"};
  options.text_renderer = RenderHits;
  return options;
}

void RenderHits(const Json& r, bool color, std::ostream& out) {
  const Json& hits = r["hits"];
  const Layout layout = MakeLayout(hits, color);
  RenderNotices(r, layout, out);
  for (const auto& hit : hits) RenderHit(hit, layout, out);
  if (!hits.empty()) out << "\n";
  RenderTotals(r, out);
  RenderFooter(r, color, out);
}

}  // namespace nsearch::cli
