#include "common/markup.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <md4c-html.h>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "common/text_util.h"

namespace nsearch {

namespace {

// What an element contributes to the text around it.
enum class Role {
  kInline,  // Nothing: "foo<b>bar</b>" is "foobar".
  kBlock,   // A line break before and after.
  kCell,    // A space before and after (table cells).
  kSkip,    // Neither it nor its content is text.
  kCode,    // Inline, and its text is taken as it is (see TextSink).
};

// Elements that are text-level and common in feeds: with the ones RoleOf
// knows, the names HasMarkup takes for tags.
bool IsInlineElement(std::string_view name) {
  static const auto* const kNames = new std::unordered_set<std::string_view>{
      "a",     "abbr",   "b",      "big",  "body", "button", "center",
      "cite",  "em",     "font",   "html", "i",    "img",    "input",
      "label", "link",   "mark",   "meta", "q",    "s",      "small",
      "span",  "strike", "strong", "sub",  "sup",  "u",      "video"};
  return kNames->count(name) > 0;
}

Role RoleOf(std::string_view name) {
  static const auto* const kRoles =
      new std::unordered_map<std::string_view, Role>{
          {"code", Role::kCode},        {"kbd", Role::kCode},
          {"samp", Role::kCode},        {"script", Role::kSkip},
          {"style", Role::kSkip},       {"noscript", Role::kSkip},
          {"template", Role::kSkip},    {"head", Role::kSkip},
          {"iframe", Role::kSkip},      {"object", Role::kSkip},
          {"svg", Role::kSkip},         {"math", Role::kSkip},
          {"td", Role::kCell},          {"th", Role::kCell},
          {"address", Role::kBlock},    {"article", Role::kBlock},
          {"aside", Role::kBlock},      {"blockquote", Role::kBlock},
          {"br", Role::kBlock},         {"caption", Role::kBlock},
          {"dd", Role::kBlock},         {"details", Role::kBlock},
          {"div", Role::kBlock},        {"dl", Role::kBlock},
          {"dt", Role::kBlock},         {"fieldset", Role::kBlock},
          {"figcaption", Role::kBlock}, {"figure", Role::kBlock},
          {"footer", Role::kBlock},     {"form", Role::kBlock},
          {"h1", Role::kBlock},         {"h2", Role::kBlock},
          {"h3", Role::kBlock},         {"h4", Role::kBlock},
          {"h5", Role::kBlock},         {"h6", Role::kBlock},
          {"header", Role::kBlock},     {"hr", Role::kBlock},
          {"li", Role::kBlock},         {"main", Role::kBlock},
          {"nav", Role::kBlock},        {"ol", Role::kBlock},
          {"option", Role::kBlock},     {"p", Role::kBlock},
          {"pre", Role::kBlock},        {"section", Role::kBlock},
          {"summary", Role::kBlock},    {"table", Role::kBlock},
          {"tr", Role::kBlock},         {"ul", Role::kBlock},
      };
  const auto it = kRoles->find(name);
  return it == kRoles->end() ? Role::kInline : it->second;
}

std::string ParseHtml(std::string_view html, bool reparse);
bool HasMarkup(std::string_view text);

// Collects text with blanks normalized on the fly: a run of white space is
// one space, or one line break when a block boundary is in it; none at
// either end. Feeds often escape markup twice (`&amp;quot;`, `&lt;div
// class=…&gt;`): with `reparse`, a text node outside code that still looks
// like markup once decoded is parsed once more (and only once).
class TextSink {
 public:
  explicit TextSink(bool reparse) : reparse_(reparse) {}
  void Text(std::string_view text) {
    if (skip_depth_ == 0) run_.append(text);
  }
  void Open(std::string_view name) { Boundary(RoleOf(name), +1); }
  void Close(std::string_view name) { Boundary(RoleOf(name), -1); }
  std::string Take() {
    Flush();
    return std::move(out_);
  }

 private:
  void Flush() {
    if (reparse_ && code_depth_ == 0 && HasMarkup(run_))
      Emit(ParseHtml(run_, /*reparse=*/false));
    else
      Emit(run_);
    run_.clear();
  }
  void Emit(std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        Separate(' ');
      } else if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
        Separate(' ');  // A no-break space is a blank here.
        ++i;
      } else {
        if (pending_ && !out_.empty()) out_.push_back(pending_);
        pending_ = 0;
        out_.push_back(c);
      }
    }
  }
  void Separate(char c) {
    if (pending_ != '\n') pending_ = c;
  }
  void Boundary(Role role, int step) {
    Flush();
    if (role == Role::kSkip) skip_depth_ = std::max(0, skip_depth_ + step);
    if (role == Role::kCode) code_depth_ = std::max(0, code_depth_ + step);
    if (role == Role::kBlock) Separate('\n');
    if (role == Role::kCell) Separate(' ');
  }

  const bool reparse_;
  std::string run_;  // Text since the last tag.
  std::string out_;
  char pending_ = 0;
  int skip_depth_ = 0;
  int code_depth_ = 0;
};

TextSink* Sink(void* ctx) { return static_cast<TextSink*>(ctx); }
std::string_view Name(const xmlChar* name) {
  return name ? reinterpret_cast<const char*>(name) : "";
}

void OnStart(void* ctx, const xmlChar* name, const xmlChar**) {
  Sink(ctx)->Open(Name(name));
}
void OnEnd(void* ctx, const xmlChar* name) { Sink(ctx)->Close(Name(name)); }
void OnText(void* ctx, const xmlChar* text, int len) {
  Sink(ctx)->Text({reinterpret_cast<const char*>(text),
                   static_cast<size_t>(std::max(len, 0))});
}
// Script and style content arrives here; it is never text.
void OnRawText(void*, const xmlChar*, int) {}
// The parser recovers from every error; nothing is printed.
void OnDiagnostic(void*, const char*, ...) {}

htmlSAXHandler TextHandler() {
  htmlSAXHandler sax{};
  sax.startElement = OnStart;
  sax.endElement = OnEnd;
  sax.characters = OnText;
  sax.ignorableWhitespace = OnText;
  sax.cdataBlock = OnRawText;
  sax.warning = OnDiagnostic;
  sax.error = OnDiagnostic;
  sax.fatalError = OnDiagnostic;
  return sax;
}

void AppendOutput(const MD_CHAR* text, MD_SIZE size, void* out) {
  static_cast<std::string*>(out)->append(text, size);
}

// Whether an element with this (lower-case) name is one HTML knows.
bool IsHtmlElement(std::string_view name) {
  return RoleOf(name) != Role::kInline || IsInlineElement(name);
}

// The lower-cased element name of the tag starting at text[at] ('<'), if it
// is a tag: `<name`, `</name` or `<!`, then a `>` before any other `<`.
std::optional<std::string> TagAt(std::string_view text, size_t at) {
  size_t i = at + 1;
  if (i < text.size() && text[i] == '!') return "!";
  if (i < text.size() && text[i] == '/') ++i;
  std::string name;
  while (i < text.size() && std::isalnum(static_cast<unsigned char>(text[i])))
    name.push_back(static_cast<char>(std::tolower(text[i++])));
  const size_t close = text.find_first_of("<>", i);
  if (name.empty() || close == std::string_view::npos || text[close] != '>')
    return std::nullopt;
  return name;
}

// Whether `text` still looks like markup: a tag of a known HTML element or
// a comment, or an entity (`&name;`, `&#123;`). `<today>` is text.
bool HasMarkup(std::string_view text) {
  for (size_t i = 0; i + 2 < text.size(); ++i) {
    if (text[i] == '<') {
      const auto name = TagAt(text, i);
      if (name && (*name == "!" || IsHtmlElement(*name))) return true;
    } else if (text[i] == '&') {
      size_t j = i + 1;
      if (text[j] == '#') ++j;
      const size_t start = j;
      while (j < text.size() && j - start < 10 &&
             std::isalnum(static_cast<unsigned char>(text[j])))
        ++j;
      if (j > start && j < text.size() && text[j] == ';') return true;
    }
  }
  return false;
}

// The text of `html`; with `reparse`, markup escaped twice is read too.
std::string ParseHtml(std::string_view html, bool reparse) {
  static std::once_flag init;
  std::call_once(init, xmlInitParser);
  htmlSAXHandler sax = TextHandler();
  TextSink sink(reparse);
  htmlParserCtxtPtr ctxt = htmlCreatePushParserCtxt(
      &sax, &sink, nullptr, 0, nullptr, XML_CHAR_ENCODING_UTF8);
  if (!ctxt) return CollapseWhitespace(DecodeHtmlEntities(html));
  htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NONET |
                               HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD);
  // The parser takes an int length: feed large input in pieces.
  constexpr size_t kChunk = 1 << 20;
  for (size_t at = 0; at < html.size(); at += kChunk) {
    const size_t n = std::min(kChunk, html.size() - at);
    htmlParseChunk(ctxt, html.data() + at, static_cast<int>(n), 0);
  }
  htmlParseChunk(ctxt, nullptr, 0, 1);
  htmlFreeParserCtxt(ctxt);
  return sink.Take();
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  return ParseHtml(html, /*reparse=*/true);
}

std::string BodyToText(std::string_view body) {
  // An HTML body (real ones are indented with tabs, which Markdown would
  // read as code blocks) is read as HTML.
  const std::string_view start = Trim(body);
  if (start.size() > 1 && start[0] == '<' &&
      std::isalpha(static_cast<unsigned char>(start[1])))
    return HtmlToText(body);
  return MarkdownToText(body);
}

std::string MarkdownToText(std::string_view markdown) {
  if (markdown.size() > UINT_MAX) return HtmlToText(markdown);
  std::string html;
  html.reserve(markdown.size() + markdown.size() / 4);
  const int failed = md_html(
      markdown.data(), static_cast<MD_SIZE>(markdown.size()), AppendOutput,
      &html, MD_DIALECT_GITHUB, MD_HTML_FLAG_SKIP_UTF8_BOM);
  return HtmlToText(failed ? markdown : std::string_view(html));
}

std::string InlineText(std::string_view value) {
  if (value.find_first_of("<&") != std::string_view::npos)
    return HtmlToText(value);
  return CollapseWhitespace(value);
}

}  // namespace nsearch
