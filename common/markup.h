// Markup to plain text, before analysis and before anything is stored for
// display (SPEC §2): Markdown bodies through md4c, HTML (in bodies, excerpts
// and titles) through libxml2's HTML parser. Text of code, tables and lists
// is kept; scripts, styles and other non-text elements disappear; entities
// decode; block elements become line breaks and runs of blanks one space.
//
// Thread-safety: pure functions; call them from any thread (libxml2 is
// initialized once, on first use).

#ifndef NSEARCH_COMMON_MARKUP_H_
#define NSEARCH_COMMON_MARKUP_H_

#include <string>
#include <string_view>

namespace nsearch {

// The text of an HTML fragment or document. Markup escaped twice, as feeds
// often do (`&amp;quot;`, `&lt;p&gt;`), is read as markup too.
std::string HtmlToText(std::string_view html);

// The text of a Markdown document (CommonMark with GitHub's tables,
// strikethrough, task lists and autolinks), raw HTML inside it included.
std::string MarkdownToText(std::string_view markdown);

// A document body: HTML when it starts with a tag (as feed bodies do),
// else Markdown.
std::string BodyToText(std::string_view body);

// A one-line front-matter value as text: HTML when it has a tag or an
// entity; blanks collapsed, trimmed.
std::string InlineText(std::string_view value);

}  // namespace nsearch

#endif  // NSEARCH_COMMON_MARKUP_H_
