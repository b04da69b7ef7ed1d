#include "common/markup.h"

#include <string>

#include <gtest/gtest.h>

#include "common/text_util.h"

namespace nsearch {
namespace {

TEST(HtmlToText, TagsGoEntitiesDecodeBlocksBreakLines) {
  EXPECT_EQ(HtmlToText("<p>Sharing the <b>app</b>.</p><p>&nbsp;</p>"
                       "<p><span class=\"videoUrl\">watch</span></p>"),
            "Sharing the app.\nwatch");
  EXPECT_EQ(HtmlToText("<ul><li>one</li> <li>two &amp; three</li></ul>"),
            "one\ntwo & three");
  EXPECT_EQ(HtmlToText("caf&eacute; &#8216;x&#x2019; 1 &lt; 2"),
            "caf\xC3\xA9 \xE2\x80\x98x\xE2\x80\x99 1 < 2");
}

TEST(HtmlToText, ScriptsStylesAndAttributesDisappear) {
  const std::string text = HtmlToText(
      "<div style=\"background: #ffffff\">Keep<script>var x = '<p>';"
      "</script><style>p { color: red }</style> this<noscript>no</noscript>"
      "<!-- comment --></div>");
  EXPECT_EQ(text, "Keep this");
}

TEST(HtmlToText, InlineElementsDoNotSplitWords) {
  EXPECT_EQ(HtmlToText("Power<b>Apps</b> and <i>Azure</i>"),
            "PowerApps and Azure");
  EXPECT_EQ(HtmlToText("<table><tr><td>a</td><td>b</td></tr>"
                       "<tr><td>c</td></tr></table>"),
            "a b\nc");
}

TEST(HtmlToText, BrokenMarkupRecovers) {
  EXPECT_EQ(HtmlToText("C++ < Rust && 3 > 2"), "C++ < Rust && 3 > 2");
  EXPECT_EQ(HtmlToText("<p>unclosed <b>bold"), "unclosed bold");
  EXPECT_EQ(CollapseWhitespace(HtmlToText("<<<>>></")), "<<< >>>");
  EXPECT_EQ(HtmlToText(""), "");
  EXPECT_EQ(HtmlToText("<div><div><div>"), "");
}

TEST(MarkdownToText, SyntaxGoesTextStays) {
  EXPECT_EQ(MarkdownToText("# Title\n\nSome *emphasis* and `code`.\n\n"
                           "- item one\n- item [two](https://x.com)\n"),
            "Title\nSome emphasis and code.\nitem one\nitem two");
}

TEST(MarkdownToText, CodeAndTablesBecomeText) {
  EXPECT_EQ(MarkdownToText("```python\nimport torch\n```\n\n"
                           "| a | b |\n|---|---|\n| 1 | 2 |\n"),
            "import torch\na b\n1 2");
}

TEST(MarkdownToText, RawHtmlInsideMarkdownIsParsed) {
  EXPECT_EQ(MarkdownToText("Intro\n\n<div class=\"x\"><p>Inside &amp; "
                           "out</p><script>alert(1)</script></div>\n\n"
                           "Text with <span style=\"c\">inline</span> html."),
            "Intro\nInside & out\nText with inline html.");
}

TEST(MarkdownToText, EntitiesDecodeAndBomIsDropped) {
  EXPECT_EQ(MarkdownToText("\xEF\xBB\xBF"
                           "AT&amp;T &copy; 2024"),
            "AT&T \xC2\xA9 2024");
}

TEST(BodyToText, HtmlBodiesAreHtmlEvenWhenIndented) {
  // Indented by tabs, this would be a Markdown code block.
  EXPECT_EQ(BodyToText("<p>Cheers</p>\n\n\t\t<div class='sig'>\n\t<table>"
                       "<tr><td>Me</td></tr></table></div>"),
            "Cheers\nMe");
  EXPECT_EQ(BodyToText("# Title\n\n\tcode <b>"), "Title\ncode <b>");
}

TEST(InlineText, HtmlOnlyWhenThereIsATag) {
  EXPECT_EQ(InlineText("  Fish &amp; chips  \n"), "Fish & chips");
  EXPECT_EQ(InlineText("<p>New <em>Azure</em> regions</p>"),
            "New Azure regions");
  // An escaped tag is read as markup escaped twice, except in code.
  EXPECT_EQ(InlineText("Use &lt;b&gt;bold&lt;/b&gt;"), "Use bold");
  EXPECT_EQ(InlineText("Use <code>&lt;div&gt;</code> here"), "Use <div> here");
}

TEST(HtmlToText, MarkupEscapedTwiceIsMarkup) {
  EXPECT_EQ(InlineText("the &amp;quot;Orchestra&amp;quot;"),
            "the \"Orchestra\"");
  EXPECT_EQ(HtmlToText("<p>a&amp;nbsp;b &amp;amp; c</p>"), "a b & c");
  EXPECT_EQ(HtmlToText("Sig: &lt;div style='x'&gt;Mr. &lt;b&gt;Cat&lt;/b&gt;"
                       "&lt;/div&gt;"),
            "Sig: Mr. Cat");
  // Text that only looks like markup once stays as it is.
  EXPECT_EQ(HtmlToText("1 &lt; 2 and C++ &lt;&lt; x"), "1 < 2 and C++ << x");
  EXPECT_EQ(HtmlToText("R&amp;D &lt;today&gt;, List&lt;T&gt;"),
            "R&D <today>, List<T>");
  // Code keeps its tags: Markdown code spans and blocks are HTML examples.
  EXPECT_EQ(MarkdownToText("Wrap it in `<div class=\"x\">`.\n\n"
                           "```html\n<p>&amp;hi</p>\n```\n"),
            "Wrap it in <div class=\"x\">.\n<p>&amp;hi</p>");
}

}  // namespace
}  // namespace nsearch
